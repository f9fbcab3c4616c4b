//! The statements the pipeline sends, built in one place: keyset page reads, multi-row deletes
//! and multi-row inserts. Identifiers are quoted here; values are always bound as parameters.

use crate::mysql::ident::{qualified, quote_ident};

use super::TablePlan;

/// The keyset condition "key > (?, ...)" written so MariaDB's range optimizer uses the index
/// (it does not for a row-constructor comparison): `k1 > ? OR (k1 = ? AND k2 > ?) ...`, each
/// `?` the key column's placeholder (`placeholders[i]`, see [`crate::mysql::param`]).
/// Parameters: see [`after_key_params`].
pub fn after_key(key: &[String], placeholders: &[String]) -> String {
    let quoted: Vec<String> = key.iter().map(|k| quote_ident(k)).collect();
    let p = |i: usize| placeholders.get(i).map_or("?", String::as_str);
    if quoted.len() == 1 {
        return format!("{} > {}", quoted[0], p(0));
    }
    let terms: Vec<String> = (0..quoted.len())
        .map(|i| {
            let mut parts: Vec<String> = (0..i)
                .map(|j| format!("{} = {}", quoted[j], p(j)))
                .collect();
            parts.push(format!("{} > {}", quoted[i], p(i)));
            format!("({})", parts.join(" AND "))
        })
        .collect();
    format!("({})", terms.join(" OR "))
}

/// The order in which [`after_key`]'s parameters bind the last key's values, as indexes into it.
pub fn after_key_params(key_len: usize) -> Vec<usize> {
    (0..key_len).flat_map(|i| 0..=i).collect()
}

/// The placeholders of the key's columns for equality (`IN`), in key order.
pub fn key_placeholders(plan: &TablePlan) -> Vec<String> {
    plan.key_params().iter().map(|p| p.placeholder()).collect()
}

/// One keyset page: `SELECT cols [, hidden] FROM t FORCE INDEX (key) WHERE [after_key AND]
/// (where) ORDER BY key LIMIT n`. FORCE INDEX keeps each page a range read on the key, whatever
/// the `where` makes the optimizer think (pt-archiver does the same). `hidden` are the order
/// values of the key columns whose own values do not compare in `ORDER BY` order (`e+0` for an
/// `ENUM`), in key order, after the table's columns; the page condition binds them.
pub fn page_select(plan: &TablePlan, where_clause: &str, first: bool, limit: u64) -> String {
    page_select_with(plan, where_clause, first, limit, true)
}

/// [`page_select`], with or without its `FORCE INDEX`: without it the server picks the index
/// (`osarchiver restore` selects archived rows by an operator's condition or by foreign-key
/// values, which an index other than the key serves best).
pub fn page_select_with(
    plan: &TablePlan,
    where_clause: &str,
    first: bool,
    limit: u64,
    force_index: bool,
) -> String {
    let params = plan.key_params();
    let mut cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    cols.extend(hidden_order(plan, &params));
    let order: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
    let cond = page_condition(plan, &params, where_clause, first);
    let hint = if force_index {
        format!(" FORCE INDEX ({})", quote_ident(&plan.index))
    } else {
        String::new()
    };
    format!(
        "SELECT {} FROM {}{hint} WHERE {cond} ORDER BY {} LIMIT {limit}",
        cols.join(", "),
        qualified(&plan.db, &plan.table),
        order.join(", ")
    )
}

/// A keyset page's condition: `(where)` for the first page, else `<after the last key> AND
/// (where)` (the last key bound as `params` say).
fn page_condition(
    plan: &TablePlan,
    params: &[crate::mysql::param::ColumnParam],
    where_clause: &str,
    first: bool,
) -> String {
    if first {
        return format!("({where_clause})");
    }
    let placeholders: Vec<String> = params.iter().map(|p| p.order_placeholder()).collect();
    format!(
        "{} AND ({where_clause})",
        after_key(&plan.key, &placeholders)
    )
}

/// The hidden order values a keyset page reads after its columns, in key order (see
/// [`page_select`]).
fn hidden_order<'a>(
    plan: &'a TablePlan,
    params: &'a [crate::mysql::param::ColumnParam],
) -> impl Iterator<Item = String> + 'a {
    plan.key
        .iter()
        .zip(params)
        .filter_map(|(k, p)| p.order_expr(k))
}

/// `(k1, k2) IN ((p1, p2), ...)` for `rows` keys, `p` the placeholder of each key column; a
/// plain `k IN (p, ...)` for a one-column key.
pub fn key_in(key: &[String], placeholders: &[String], rows: usize) -> String {
    let p = |i: usize| placeholders.get(i).map_or("?", String::as_str);
    let mut s = String::with_capacity(16 + rows * (key.len() * 3 + 3));
    if key.len() == 1 {
        s.push_str(&quote_ident(&key[0]));
        s.push_str(" IN (");
        for i in 0..rows {
            if i > 0 {
                s.push(',');
            }
            s.push_str(p(0));
        }
        s.push(')');
        return s;
    }
    let cols: Vec<String> = key.iter().map(|k| quote_ident(k)).collect();
    let tuple = format!("({})", (0..key.len()).map(p).collect::<Vec<_>>().join(","));
    s.push('(');
    s.push_str(&cols.join(", "));
    s.push_str(") IN (");
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&tuple);
    }
    s.push(')');
    s
}

/// Deletes `rows` rows named by their full key, re-checking the selection predicate so a row
/// changed since it was read stays. With `ignore`, a row a foreign key protects is skipped
/// instead of failing the statement.
///
/// The multi-table form is used for its index hint: with a plain `DELETE ... WHERE key IN (...)
/// AND deleted_at <= ...` MariaDB may prefer an index on `deleted_at` and scan every eligible
/// row of the table for each chunk.
pub fn delete_rows(plan: &TablePlan, where_clause: &str, rows: usize, ignore: bool) -> String {
    let table = qualified(&plan.db, &plan.table);
    format!(
        "DELETE {}{table} FROM {table} FORCE INDEX ({}) WHERE {} AND ({where_clause})",
        if ignore { "IGNORE " } else { "" },
        quote_ident(&plan.index),
        key_in(&plan.key, &key_placeholders(plan), rows)
    )
}

/// Deletes the rows matching `cond` (a key range and a key list) and the selection: `DELETE t
/// FROM t FORCE INDEX (key) WHERE cond AND (where)` (the multi-table form for its index hint).
pub fn delete_matching(plan: &TablePlan, where_clause: &str, cond: &str) -> String {
    let table = qualified(&plan.db, &plan.table);
    format!(
        "DELETE {table} FROM {table} FORCE INDEX ({}) WHERE {cond} AND ({where_clause})",
        quote_ident(&plan.index),
    )
}

/// The keys of `rows` rows still in the table, each followed by whether it still matches the
/// selection predicate (1 or 0).
pub fn select_remaining(plan: &TablePlan, where_clause: &str, rows: usize) -> String {
    let cols: Vec<String> = plan.key.iter().map(|c| quote_ident(c)).collect();
    format!(
        "SELECT {}, COALESCE(({where_clause}), 0) <> 0 FROM {} FORCE INDEX ({}) WHERE {}",
        cols.join(", "),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        key_in(&plan.key, &key_placeholders(plan), rows)
    )
}

/// Reads `rows` rows by key that still match the selection, and locks them until the end of the
/// transaction: what the delete compares with what it read before deleting them.
pub fn lock_rows(plan: &TablePlan, where_clause: &str, rows: usize) -> String {
    let cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    format!(
        "SELECT {} FROM {} FORCE INDEX ({}) WHERE {} AND ({where_clause}) FOR UPDATE",
        cols.join(", "),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        key_in(&plan.key, &key_placeholders(plan), rows)
    )
}

/// The rows among `rows` rows of the plan's table (named by key) that a row of `fk`'s child
/// table references, each with the key of the referencing row when the child table is the
/// table itself (`self_ref`): `SELECT p.key [, c.key] FROM t AS p JOIN child AS c ON c.fk =
/// p.referenced ... WHERE p.key IN (...) LOCK IN SHARE MODE`.
///
/// The server matches the columns as the foreign key does (same types, same collations), the
/// parent rows are read first by key (`STRAIGHT_JOIN`, `FORCE INDEX`) and the child rows
/// through the foreign key's index, and the read locks what it finds and the gaps where it
/// found nothing: until the transaction ends, no other session can add or move a child row
/// onto one of these parents.
pub fn children_of(
    plan: &TablePlan,
    fk: &crate::mysql::schema::ForeignKey,
    rows: usize,
    self_ref: bool,
) -> String {
    let mut cols: Vec<String> = plan
        .key
        .iter()
        .map(|k| format!("p.{}", quote_ident(k)))
        .collect();
    if self_ref {
        cols.extend(plan.key.iter().map(|k| format!("c.{}", quote_ident(k))));
    }
    let on: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.referenced_columns)
        .map(|(c, p)| format!("c.{} = p.{}", quote_ident(c), quote_ident(p)))
        .collect();
    let keys: Vec<String> = plan
        .key
        .iter()
        .map(|k| format!("p.{}", quote_ident(k)))
        .collect();
    let placeholders = key_placeholders(plan);
    let tuple = if keys.len() == 1 {
        placeholders[0].clone()
    } else {
        format!("({})", placeholders.join(","))
    };
    let list = vec![tuple; rows].join(",");
    let lhs = if keys.len() == 1 {
        keys[0].clone()
    } else {
        format!("({})", keys.join(", "))
    };
    format!(
        "SELECT STRAIGHT_JOIN {} FROM {} AS p FORCE INDEX ({}) JOIN {} AS c ON {} \
         WHERE {lhs} IN ({list}) LOCK IN SHARE MODE",
        cols.join(", "),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        qualified(&fk.db, &fk.table),
        on.join(" AND ")
    )
}

/// Reads back rows of an archive table by key (duplicate-key resolution).
pub fn select_by_keys(
    db: &str,
    table: &str,
    columns: &[String],
    key: &[String],
    placeholders: &[String],
    rows: usize,
) -> String {
    let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    format!(
        "SELECT {} FROM {} WHERE {}",
        cols.join(", "),
        qualified(db, table),
        key_in(key, placeholders, rows)
    )
}

/// Deletes from the archive table `archive_db`.`archive_table` the copies of the source rows
/// that `named` (a condition on the source's own columns, bound by the caller) still selects:
/// `DELETE archive FROM (SELECT key FROM source WHERE named) AS k STRAIGHT_JOIN archive ON
/// archive.key = k.key`.
///
/// The source drives and the archive is reached by its key, row by row, so the statement
/// touches no archive row but those copies. Written as `DELETE FROM archive WHERE named AND key
/// IN (SELECT ...)`, a newly created archive table (its statistics still say one row) is
/// scanned whole, and the scan waits for every row another session has just inserted and not
/// committed: two sessions of one table, each taking back a kept row of its chunk, deadlocked
/// on each other's copies.
pub fn take_back_copies(
    plan: &TablePlan,
    archive_db: &str,
    archive_table: &str,
    named: &str,
) -> String {
    // The archive is named in full, not by an alias: without a default database, the server
    // refuses an alias in a multi-table `DELETE`'s list (1046).
    let archive = qualified(archive_db, archive_table);
    let k = quote_ident(&alias("k", &[archive_table, &plan.table]));
    let key: Vec<String> = plan.key.iter().map(|c| quote_ident(c)).collect();
    let on: Vec<String> = key
        .iter()
        .map(|c| format!("{archive}.{c} = {k}.{c}"))
        .collect();
    // Foreign keys of the archive (tables made by the Python osarchiver have them) must not
    // act: a copy taken back would cascade to, or set null in, other archived rows.
    format!(
        "SET STATEMENT foreign_key_checks = 0 FOR \
         DELETE {archive} FROM (SELECT {} FROM {} WHERE {named}) AS {k} STRAIGHT_JOIN {archive} ON {}",
        key.join(", "),
        qualified(&plan.db, &plan.table),
        on.join(" AND ")
    )
}

/// `INSERT INTO t (cols) VALUES `: the head of a multi-row insert whose values follow as
/// literal tuples.
pub fn insert_head(db: &str, table: &str, columns: &[String]) -> String {
    let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ",
        qualified(db, table),
        cols.join(", ")
    )
}

/// A multi-row `INSERT INTO t (cols) VALUES (?, ...), ...` for `rows` rows.
pub fn insert_rows(db: &str, table: &str, columns: &[String], rows: usize) -> String {
    let cols: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
    let tuple = format!("({})", vec!["?"; columns.len()].join(","));
    let mut s = format!(
        "INSERT INTO {} ({}) VALUES ",
        qualified(db, table),
        cols.join(", ")
    );
    s.reserve(rows * (tuple.len() + 1));
    for i in 0..rows {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&tuple);
    }
    s
}

/// The keyset condition "key <= (?, ...)", the upper end of a key range, in the form of
/// [`after_key`]: `k1 < ? OR (k1 = ? AND k2 <= ?)`. Parameters: as [`after_key_params`].
pub fn upto_key(key: &[String], placeholders: &[String]) -> String {
    let quoted: Vec<String> = key.iter().map(|k| quote_ident(k)).collect();
    let p = |i: usize| placeholders.get(i).map_or("?", String::as_str);
    let last = quoted.len().saturating_sub(1);
    let op = |i: usize| if i == last { "<=" } else { "<" };
    if quoted.len() == 1 {
        return format!("{} <= {}", quoted[0], p(0));
    }
    let terms: Vec<String> = (0..quoted.len())
        .map(|i| {
            let mut parts: Vec<String> = (0..i)
                .map(|j| format!("{} = {}", quoted[j], p(j)))
                .collect();
            parts.push(format!("{} {} {}", quoted[i], op(i), p(i)));
            format!("({})", parts.join(" AND "))
        })
        .collect();
    format!("({})", terms.join(" OR "))
}

/// The condition of a key range `(after, upto]` (`[after_key AND] upto_key`), compared in
/// `ORDER BY` order (order placeholders, see [`crate::mysql::param::ColumnParam`]); its
/// parameters are [`crate::table::range::KeyRange::params`].
pub fn key_range(plan: &TablePlan, has_after: bool) -> String {
    let placeholders: Vec<String> = plan
        .key_params()
        .iter()
        .map(|p| p.order_placeholder())
        .collect();
    let upto = upto_key(&plan.key, &placeholders);
    if has_after {
        format!("{} AND {upto}", after_key(&plan.key, &placeholders))
    } else {
        upto
    }
}

/// The server-side copy of a key range's eligible rows into an archive table on the same
/// server: `INSERT IGNORE INTO archive (cols) SELECT cols FROM t FORCE INDEX (key) WHERE
/// range AND (where) ORDER BY key`. A key the archive already holds is skipped (warning
/// 1062): the delete then only takes the rows whose archived copy is identical.
pub fn copy_range(
    plan: &TablePlan,
    archive_db: &str,
    archive_table: &str,
    where_clause: &str,
    has_after: bool,
) -> String {
    let cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    let order: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
    format!(
        "INSERT IGNORE INTO {} ({cols}) SELECT {cols} FROM {} FORCE INDEX ({}) WHERE {} AND ({where_clause}) ORDER BY {}",
        qualified(archive_db, archive_table),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        key_range(plan, has_after),
        order.join(", "),
        cols = cols.join(", "),
    )
}

/// Copies the rows of the plan's table that match `cond` (the locked keys) and the selection
/// into an archive table inside the server, written under `mode` (the archive's lenient
/// `sql_mode`) with its checks off: `SET STATEMENT sql_mode = '<mode>', check_constraint_checks =
/// 0, foreign_key_checks = 0, max_error_count = 65535 FOR INSERT IGNORE INTO archive (cols)
/// SELECT cols FROM t FORCE INDEX (key) WHERE cond AND (where)`. MariaDB only.
pub fn copy_keys(
    plan: &TablePlan,
    archive_db: &str,
    archive_table: &str,
    cond: &str,
    where_clause: &str,
    mode: &str,
) -> String {
    let cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    let mut mode_literal = String::new();
    crate::mysql::literal::push_str_literal(&mut mode_literal, mode);
    format!(
        "SET STATEMENT sql_mode = {mode_literal}, check_constraint_checks = 0, foreign_key_checks = 0, \
         max_error_count = 65535 FOR INSERT IGNORE INTO {} ({cols}) SELECT {cols} FROM {} FORCE INDEX ({}) \
         WHERE {cond} AND ({where_clause})",
        qualified(archive_db, archive_table),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        cols = cols.join(", "),
    )
}

/// A locked page copied into an archive table, the copied rows returned: `SET STATEMENT
/// sql_mode = mode, <checks off> FOR INSERT IGNORE INTO archive (cols) SELECT cols FROM t FORCE
/// INDEX (key) WHERE [after_key AND] (where) ORDER BY key LIMIT n FOR UPDATE RETURNING cols|key
/// [, hidden]`: the shape of [`page_select`]'s page, of the whole rows with `rows`, else of the
/// table's key alone (`RETURNING` names the archive's columns, which must be defined as the
/// source's for the values to be the same).
pub fn copy_page(
    plan: &TablePlan,
    (archive_db, archive_table): (&str, &str),
    where_clause: &str,
    first: bool,
    limit: u64,
    mode: &str,
    rows: bool,
) -> String {
    let params = plan.key_params();
    let cols: Vec<String> = plan.columns.iter().map(|c| quote_ident(c)).collect();
    let keys: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
    let order = keys.join(", ");
    let mut returning = if rows { cols.clone() } else { keys };
    returning.extend(hidden_order(plan, &params));
    let cond = page_condition(plan, &params, where_clause, first);
    let mut mode_literal = String::new();
    crate::mysql::literal::push_str_literal(&mut mode_literal, mode);
    format!(
        "SET STATEMENT sql_mode = {mode_literal}, check_constraint_checks = 0, foreign_key_checks = 0, \
         max_error_count = 65535 FOR INSERT IGNORE INTO {} ({cols}) SELECT {cols} FROM {} FORCE INDEX ({}) \
         WHERE {cond} ORDER BY {order} LIMIT {limit} FOR UPDATE RETURNING {}",
        qualified(archive_db, archive_table),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        returning.join(", "),
        cols = cols.join(", "),
    )
}

/// An alias for a table of a statement that also names `tables` in full: `preferred`, with
/// `_` added until it is none of them (case aside). MariaDB takes `` `db`.`a`.col `` for the
/// column of a table aliased `a` in `db` when one is in scope: an archive table in the source's
/// database aliased `a`, in the statement that compares it with a source table named `a`,
/// compared the archive's row with itself, and a changed row, or a key the archive held with
/// another row, was deleted from the source as if archived.
pub fn alias(preferred: &str, tables: &[&str]) -> String {
    let mut a = preferred.to_string();
    while tables.iter().any(|t| t.eq_ignore_ascii_case(&a)) {
        a.push('_');
    }
    a
}

/// Deletes the rows of the plan's table that match `cond` (a key range or a key list) and the
/// selection, and whose copy in every one of `archives` is identical, byte for byte: `DELETE t
/// FROM t FORCE INDEX (key) WHERE cond AND (where) AND EXISTS (SELECT 1 FROM archive AS a
/// WHERE a.key = t.key AND <every column identical>) ...`. A row changed since it was copied,
/// or never copied, stays.
///
/// Identical: `a.c <=> t.c` for the types whose equal values are the same value
/// (`compares_exactly`), else `CAST(a.c AS BINARY) <=> CAST(t.c AS BINARY)` (the bytes of text
/// in its own character set, NULL only with NULL), and for `FLOAT`/`DOUBLE` both (their text
/// may round, their values hide the sign of zero).
///
/// On MariaDB (`mariadb`), the statement runs with semi-joins and subquery materialization off
/// (`SET STATEMENT optimizer_switch = ... FOR`): each row is then checked by key lookups, where
/// the optimizer would otherwise materialize a whole child table's index for every chunk.
pub fn delete_archived(
    plan: &TablePlan,
    where_clause: &str,
    cond: &str,
    archives: &[(String, String)],
    mariadb: bool,
) -> String {
    let table = qualified(&plan.db, &plan.table);
    let head = format!(
        "{}DELETE {table} FROM {table} FORCE INDEX ({}) WHERE {cond} AND ({where_clause})",
        if mariadb {
            "SET STATEMENT optimizer_switch = 'semijoin=off,materialization=off,in_to_exists=on' FOR "
        } else {
            ""
        },
        quote_ident(&plan.index)
    );
    head + &archived_identically(plan, archives)
}

/// Deletes the rows of the plan's table that match `cond` (the key conditions of locked rows)
/// and the selection, leaving to the server's own foreign-key checks the rows still
/// referenced: `DELETE IGNORE FROM t WHERE cond AND COALESCE((where), 0) <> 0`, run after
/// [`SERVER_CHECKED`]. Each row kept is one warning (1451), each row deleted one affected row.
/// For `RESTRICT` and `NO ACTION` keys only, all of them known: the check refuses a row and
/// acts on no other.
///
/// The single-table form, because the multi-table one (`DELETE t FROM t`) of MariaDB 10.11
/// drops the warnings of the rows it keeps and may miscount the rows it deletes. That form
/// takes no index hint: the selection is wrapped in an expression that no index can serve, so
/// that only the key conditions of `cond` choose the index (the caller checks the plan with
/// `EXPLAIN`).
pub fn delete_unless_referenced(plan: &TablePlan, where_clause: &str, cond: &str) -> String {
    format!(
        "DELETE IGNORE FROM {} WHERE {cond} AND COALESCE(({where_clause}), 0) <> 0",
        qualified(&plan.db, &plan.table)
    )
}

/// What runs [`delete_unless_referenced`]: the foreign-key checks on, whatever the session
/// says, and room for a warning per row kept.
pub const SERVER_CHECKED: &str =
    "SET STATEMENT foreign_key_checks = 1, max_error_count = 65535 FOR ";

/// ` AND NOT EXISTS (SELECT 1 FROM child AS c WHERE c.fk = t.referenced ...)` for each foreign
/// key onto the plan's table: the rows no other row references. For `RESTRICT` and `NO ACTION`
/// keys only, where the server's own check stands behind it (see
/// [`crate::archiver::server_copy`]).
pub fn unreferenced(plan: &TablePlan) -> String {
    let table = qualified(&plan.db, &plan.table);
    let c = quote_ident(&alias("c", &[&plan.table]));
    let mut s = String::new();
    for fk in &plan.referenced_by {
        let on: Vec<String> = fk
            .columns
            .iter()
            .zip(&fk.referenced_columns)
            .map(|(col, p)| format!("{c}.{} = {table}.{}", quote_ident(col), quote_ident(p)))
            .collect();
        s.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM {} AS {c} WHERE {})",
            qualified(&fk.db, &fk.table),
            on.join(" AND ")
        ));
    }
    s
}

/// ` AND EXISTS (SELECT 1 FROM archive AS a WHERE <the row of the plan's table, identical>)`
/// for each archive table (see [`delete_archived`]).
fn archived_identically(plan: &TablePlan, archives: &[(String, String)]) -> String {
    let a = alias("a", &[&plan.table]);
    let mut s = String::new();
    for (db, t) in archives {
        s.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM {} AS {} WHERE {})",
            qualified(db, t),
            quote_ident(&a),
            identical(plan, &a)
        ));
    }
    s
}

/// Reads back, from the archive table `archive` (as `a`), the rows of a key range (`cond`, its
/// columns unqualified) whose source row is still eligible and identical: `SELECT cols FROM
/// archive AS a WHERE cond AND EXISTS (SELECT 1 FROM t WHERE <identical> AND (where)) ORDER BY
/// key`. What the file destinations get when the rows were copied inside the server: the
/// archived copies, the same bytes as the source rows. (Inside the subquery, the selection's
/// unqualified columns are the source table's.)
pub fn read_archived(
    plan: &TablePlan,
    archive: (&str, &str),
    where_clause: &str,
    cond: &str,
) -> String {
    // Inside the subquery, the source table (not aliased: the selection may name it) comes
    // first: the archive's alias must not be its name.
    let a = alias("a", &[&plan.table]);
    let qa = quote_ident(&a);
    let cols: Vec<String> = plan
        .columns
        .iter()
        .map(|c| format!("{qa}.{}", quote_ident(c)))
        .collect();
    let order: Vec<String> = plan
        .key
        .iter()
        .map(|k| format!("{qa}.{}", quote_ident(k)))
        .collect();
    format!(
        "SELECT {} FROM {} AS {qa} WHERE {cond} AND EXISTS (SELECT 1 FROM {} WHERE {} AND ({where_clause})) ORDER BY {}",
        cols.join(", "),
        qualified(archive.0, archive.1),
        qualified(&plan.db, &plan.table),
        identical(plan, &a),
        order.join(", ")
    )
}

/// The row of an archive table aliased `a` ([`alias`]: not the source table's name) and the
/// row of the plan's table (named by its qualified name) have the same key and are identical
/// (see [`delete_archived`]).
fn identical(plan: &TablePlan, a: &str) -> String {
    let table = qualified(&plan.db, &plan.table);
    let a = quote_ident(a);
    {
        let mut terms: Vec<String> = plan
            .key
            .iter()
            .map(|k| format!("{a}.{k} = {table}.{k}", k = quote_ident(k)))
            .collect();
        for (c, ty) in plan.columns.iter().zip(&plan.column_types) {
            let c = quote_ident(c);
            let ty = ty.to_ascii_lowercase();
            let by_value = format!("{a}.{c} <=> {table}.{c}");
            if compares_exactly(&ty) {
                terms.push(by_value);
                continue;
            }
            terms.push(format!(
                "CAST({a}.{c} AS BINARY) <=> CAST({table}.{c} AS BINARY)"
            ));
            // The text of a float may round: compare the values too.
            if ty.starts_with("float") || ty.starts_with("double") || ty.starts_with("real") {
                terms.push(by_value);
            }
        }
        terms.join(" AND ")
    }
}

/// Whether two values of a column of type `ty` (lower case) that compare equal (`<=>`) are the
/// same value, byte for byte: integers, `DECIMAL` (one scale per column), dates, times and
/// timestamps (compared as instants, whatever the time zone), `YEAR` and `BIT`. Not text (a
/// collation may ignore case or trailing spaces), binary strings (`BINARY` pads), floats (`-0 =
/// 0`) or anything else.
fn compares_exactly(ty: &str) -> bool {
    const EXACT: &[&str] = &[
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "integer",
        "bigint",
        "decimal",
        "numeric",
        "date",
        "datetime",
        "timestamp",
        "time",
        "year",
        "bit",
    ];
    let base = ty.split(['(', ' ']).next().unwrap_or_default();
    EXACT.contains(&base)
}

/// The keys (with their hidden order values) of the rows matching `cond` and the selection,
/// in key order, locked until the transaction ends: `SELECT key FROM t FORCE INDEX (key)
/// WHERE cond AND (where) ORDER BY key FOR UPDATE`.
pub fn lock_keys(plan: &TablePlan, where_clause: &str, cond: &str) -> String {
    let order: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
    format!(
        "SELECT {} FROM {} FORCE INDEX ({}) WHERE {cond} AND ({where_clause}) ORDER BY {} FOR UPDATE",
        order.join(", "),
        qualified(&plan.db, &plan.table),
        quote_ident(&plan.index),
        order.join(", ")
    )
}

/// The count of the eligible rows left after a table's walk: `SELECT COUNT(*) FROM t WHERE
/// (where)`. With `walk_started` (the server's clock when the walk began, digits and a dot),
/// it runs on that clock (`SET STATEMENT timestamp = ... FOR`, MariaDB), so that `NOW()` in
/// `where` is the walk's start; and when `deleted_column` is a stored `DATETIME` or
/// `TIMESTAMP` column, rows soft-deleted since (`deleted_column >= NOW()` on that clock) are
/// not counted either: they were not eligible when the walk began.
pub fn count_left(
    plan: &TablePlan,
    where_clause: &str,
    deleted_column: &str,
    walk_started: Option<&str>,
) -> String {
    let table = qualified(&plan.db, &plan.table);
    let Some(t) = walk_started else {
        return format!("SELECT COUNT(*) FROM {table} WHERE ({where_clause})");
    };
    let dated = plan
        .columns
        .iter()
        .zip(&plan.column_types)
        .find(|(c, _)| c.eq_ignore_ascii_case(deleted_column))
        .filter(|(_, ty)| {
            let ty = ty.trim_start().to_ascii_lowercase();
            ty.starts_with("datetime") || ty.starts_with("timestamp")
        });
    let since = dated
        .map(|(c, _)| {
            let c = quote_ident(c);
            format!(" AND ({c} < NOW() OR {c} IS NULL)")
        })
        .unwrap_or_default();
    // `SYSDATE()` reads the machine's clock, which `SET STATEMENT timestamp` does not set back.
    let where_clause = crate::config::condition::on_statement_clock(where_clause);
    format!("SET STATEMENT timestamp = {t} FOR SELECT COUNT(*) FROM {table} WHERE ({where_clause}){since}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keyset_condition() {
        assert_eq!(after_key(&k(&["id"]), &k(&["?"])), "`id` > ?");
        assert_eq!(
            after_key(&k(&["a", "b", "c"]), &k(&["?", "?", "?"])),
            "((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?))"
        );
        assert_eq!(after_key_params(3), vec![0, 0, 1, 0, 1, 2]);
    }

    #[test]
    fn key_range_upper_end() {
        assert_eq!(upto_key(&k(&["id"]), &k(&["?"])), "`id` <= ?");
        assert_eq!(
            upto_key(&k(&["a", "b", "c"]), &k(&["?", "?", "?"])),
            "((`a` < ?) OR (`a` = ? AND `b` < ?) OR (`a` = ? AND `b` = ? AND `c` <= ?))"
        );
        let p = plan(&["id"]);
        assert_eq!(key_range(&p, false), "`id` <= ?");
        assert_eq!(key_range(&p, true), "`id` > ? AND `id` <= ?");
    }

    #[test]
    fn server_side_copy_and_delete_of_identical_rows() {
        let p = plan(&["id"]);
        assert_eq!(
            copy_range(&p, "nova_archive", "t`x", "deleted = 1", true),
            "INSERT IGNORE INTO `nova_archive`.`t``x` (`id`, `v`) SELECT `id`, `v` FROM `nova`.`t``x` \
             FORCE INDEX (`PRIMARY`) WHERE `id` > ? AND `id` <= ? AND (deleted = 1) ORDER BY `id`"
        );
        let mut p = p;
        p.column_types = k(&["int(11)", "double"]);
        assert_eq!(
            delete_archived(&p, "deleted = 1", "`id` <= ?", &[("a".into(), "t".into())], false),
            "DELETE `nova`.`t``x` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE `id` <= ? AND (deleted = 1) \
             AND EXISTS (SELECT 1 FROM `a`.`t` AS `a` WHERE `a`.`id` = `nova`.`t``x`.`id` \
             AND `a`.`id` <=> `nova`.`t``x`.`id` \
             AND CAST(`a`.`v` AS BINARY) <=> CAST(`nova`.`t``x`.`v` AS BINARY) AND `a`.`v` <=> `nova`.`t``x`.`v`)"
        );
    }

    #[test]
    fn the_count_after_the_walk_runs_on_the_walks_clock() {
        let mut p = plan(&["id"]);
        assert_eq!(
            count_left(&p, "deleted = 1", "deleted_at", None),
            "SELECT COUNT(*) FROM `nova`.`t``x` WHERE (deleted = 1)"
        );
        // No deleted column among the stored columns: the clock only.
        assert_eq!(
            count_left(&p, "d < NOW()", "deleted_at", Some("1765000000.123456")),
            "SET STATEMENT timestamp = 1765000000.123456 FOR SELECT COUNT(*) FROM `nova`.`t``x` \
             WHERE (d < NOW())"
        );
        p.columns = k(&["id", "Deleted_At"]);
        p.column_types = k(&["int(11)", "datetime(6)"]);
        assert_eq!(
            count_left(&p, "deleted = 1", "deleted_at", Some("1765000000.000000")),
            "SET STATEMENT timestamp = 1765000000.000000 FOR SELECT COUNT(*) FROM `nova`.`t``x` \
             WHERE (deleted = 1) AND (`Deleted_At` < NOW() OR `Deleted_At` IS NULL)"
        );
        p.column_types = k(&["int(11)", "timestamp"]);
        assert!(count_left(&p, "1", "deleted_at", Some("1")).ends_with("IS NULL)"));
        // A deleted flag (an integer) says nothing of when.
        p.column_types = k(&["int(11)", "tinyint(1)"]);
        assert!(count_left(&p, "1", "deleted_at", Some("1")).ends_with("WHERE (1)"));
        assert!(
            count_left(&p, "d < SYSDATE(6)", "d", Some("1")).contains("WHERE (d < NOW(6))"),
            "SYSDATE() is on the statement's clock"
        );
    }

    #[test]
    fn aliases_are_never_a_table_of_the_statement() {
        assert_eq!(alias("a", &["t", "b"]), "a");
        assert_eq!(alias("a", &["A"]), "a_");
        assert_eq!(alias("a", &["a", "a_"]), "a__");
        let mut p = plan(&["id"]);
        p.table = "a".into();
        let archives = [("nova".to_string(), "a_arch".to_string())];
        let d = delete_archived(&p, "1", "`id` <= ?", &archives, false);
        assert!(
            d.contains("FROM `nova`.`a_arch` AS `a_` WHERE `a_`.`id` = `nova`.`a`.`id`"),
            "{d}"
        );
        assert!(!d.contains(" a."), "{d}");
        let r = read_archived(&p, ("nova", "a_arch"), "1", "`id` <= ?");
        assert!(
            r.starts_with("SELECT `a_`.`id`, `a_`.`v` FROM `nova`.`a_arch` AS `a_` WHERE"),
            "{r}"
        );
        p.table = "c".into();
        p.referenced_by = vec![crate::mysql::schema::ForeignKey {
            name: "fk".into(),
            db: "nova".into(),
            table: "child".into(),
            columns: vec!["pid".into()],
            referenced_db: "nova".into(),
            referenced_table: "c".into(),
            referenced_columns: vec!["id".into()],
            on_delete: crate::mysql::schema::FkRule::Restrict,
            on_update: crate::mysql::schema::FkRule::Restrict,
        }];
        assert_eq!(
            unreferenced(&p),
            " AND NOT EXISTS (SELECT 1 FROM `nova`.`child` AS `c_` WHERE `c_`.`pid` = `nova`.`c`.`id`)"
        );
        p.table = "k".into();
        let t = take_back_copies(&p, "nova", "k_arch", "1");
        assert!(t.contains(") AS `k_` STRAIGHT_JOIN"), "{t}");
    }

    fn plan(key: &[&str]) -> TablePlan {
        TablePlan {
            table: "t`x".into(),
            key: k(key),
            key_pos: (0..key.len()).collect(),
            ..TablePlan::example(&["id", "v"], &["int(11)", "text"])
        }
    }

    #[test]
    fn keys_of_awkward_types_get_exact_placeholders() {
        let mut p = plan(&["e", "d", "k"]);
        p.columns = k(&["e", "d", "k", "deleted_at"]);
        p.column_types = k(&["enum('b','a')", "decimal(30,20)", "varchar(5)", "datetime"]);
        p.column_charsets = vec![
            Some(("utf8mb4".into(), "utf8mb4_general_ci".into())),
            None,
            Some(("sjis".into(), "sjis_bin".into())),
            None,
        ];
        p.key_pos = vec![0, 1, 2];
        let sjis = "CONVERT(UNHEX(?) USING sjis) COLLATE sjis_bin";
        assert_eq!(
            page_select(&p, "x", false, 3),
            format!(
                "SELECT `e`, `d`, `k`, `deleted_at`, `e`+0 FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) \
                 WHERE ((`e` > ?) OR (`e` = ? AND `d` > CAST(? AS DECIMAL(30,20))) OR (`e` = ? AND \
                 `d` = CAST(? AS DECIMAL(30,20)) AND `k` > {sjis})) AND (x) ORDER BY `e`, `d`, `k` LIMIT 3"
            )
        );
        assert_eq!(
            delete_rows(&p, "x", 1, false),
            format!(
                "DELETE `nova`.`t``x` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE (`e`, `d`, `k`) \
                 IN ((?,CAST(? AS DECIMAL(30,20)),{sjis})) AND (x)"
            )
        );
    }

    #[test]
    fn page_and_delete() {
        assert_eq!(
            page_select(&plan(&["id"]), "d < 1", false, 10),
            "SELECT `id`, `v` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE `id` > ? AND (d < 1) ORDER BY `id` LIMIT 10"
        );
        assert_eq!(
            delete_rows(&plan(&["id", "v"]), "x", 2, false),
            "DELETE `nova`.`t``x` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE (`id`, `v`) IN ((?,?),(?,?)) AND (x)"
        );
        assert_eq!(
            delete_rows(&plan(&["id"]), "x", 3, true),
            "DELETE IGNORE `nova`.`t``x` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE `id` IN (?,?,?) AND (x)"
        );
        assert_eq!(
            select_remaining(&plan(&["id"]), "x", 2),
            "SELECT `id`, COALESCE((x), 0) <> 0 FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE `id` IN (?,?)"
        );
        assert_eq!(
            lock_rows(&plan(&["id", "v"]), "x", 2),
            "SELECT `id`, `v` FROM `nova`.`t``x` FORCE INDEX (`PRIMARY`) WHERE (`id`, `v`) IN ((?,?),(?,?)) AND (x) FOR UPDATE"
        );
        let fk = crate::mysql::schema::ForeignKey {
            name: "fk".into(),
            db: "nova".into(),
            table: "c".into(),
            columns: k(&["pa", "pb"]),
            referenced_db: "nova".into(),
            referenced_table: "t`x".into(),
            referenced_columns: k(&["id", "v"]),
            on_delete: crate::mysql::schema::FkRule::Cascade,
            on_update: crate::mysql::schema::FkRule::Restrict,
        };
        assert_eq!(
            children_of(&plan(&["id"]), &fk, 2, false),
            "SELECT STRAIGHT_JOIN p.`id` FROM `nova`.`t``x` AS p FORCE INDEX (`PRIMARY`) JOIN `nova`.`c` AS c ON c.`pa` = p.`id` AND c.`pb` = p.`v` WHERE p.`id` IN (?,?) LOCK IN SHARE MODE"
        );
        assert_eq!(
            children_of(&plan(&["id", "v"]), &fk, 1, true),
            "SELECT STRAIGHT_JOIN p.`id`, p.`v`, c.`id`, c.`v` FROM `nova`.`t``x` AS p FORCE INDEX (`PRIMARY`) JOIN `nova`.`c` AS c ON c.`pa` = p.`id` AND c.`pb` = p.`v` WHERE (p.`id`, p.`v`) IN ((?,?)) LOCK IN SHARE MODE"
        );
        assert_eq!(
            insert_rows("d", "t", &k(&["a", "b"]), 2),
            "INSERT INTO `d`.`t` (`a`, `b`) VALUES (?,?),(?,?)"
        );
    }
}
