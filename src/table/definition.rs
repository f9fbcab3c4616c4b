//! A source table's definition, fixed when its walk begins and checked by every delete.
//!
//! The rows are read, archived and deleted by the columns the run listed. An `ALTER TABLE`
//! during the walk (a column added, and values written into it) would let later deletes take
//! rows whose new values no archive holds, and a `DELETE` trigger created during it would run
//! with every delete after it (and may delete or rewrite any row, the archive's copies
//! included). So, when a table's walk begins, its definition is read (`SHOW CREATE TABLE` and
//! its `DELETE` triggers, [`read_source`]) and its stored columns are compared with the plan's
//! ([`columns_match`]); then every delete, inside its transaction and after its first
//! statement on the table (which holds the table's metadata lock until the commit, so no
//! `ALTER` can complete before it), reads the definition again and stops the table when it
//! changed ([`check`]). One round trip per chunk (`SHOW CREATE TABLE` and the triggers), which
//! most chunks of the locked way skip when another chunk vouches for them
//! (`crate::archiver::cover`).

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, ServerError};

use super::TablePlan;
use crate::mysql::ident::qualified;
use crate::mysql::schema::{escaped_text, ColumnInfo, ForeignKey};

/// `ER_TABLE_DEF_CHANGED`, the error a changed definition is reported with (never retried).
pub const TABLE_DEF_CHANGED: u16 = 1412;

/// `SHOW CREATE TABLE db.table`, the part of it that is compared ([`comparable`]); `None` when
/// the statement returns no text (not a table).
pub async fn read(conn: &mut Conn, db: &str, table: &str) -> mysql_async::Result<Option<String>> {
    Ok(show_create(conn, db, table)
        .await?
        .map(|text| comparable(&text)))
}

/// A source table's definition as its walk keeps and checks it: [`read`]'s text, followed by
/// one line per `DELETE` trigger on the table (its name, timing and statement), read in one
/// round trip. A trigger created on the table during the run would run with every delete
/// after it, and could delete or rewrite rows anywhere (the archive's copies included): it
/// changes the definition. `None` when `SHOW CREATE TABLE` returns no text (not a table).
pub async fn read_source(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Option<String>> {
    let mut result = conn.query_iter(statements(db, table)).await?;
    let created: Vec<Row> = result.collect().await?;
    let triggers: Vec<Row> = result.collect().await?;
    drop(result);
    Ok(source_now(table, created, triggers))
}

/// The definition [`read_source`] makes of the results of [`statements`].
fn source_now(table: &str, created: Vec<Row>, triggers: Vec<Row>) -> Option<String> {
    let text = created
        .into_iter()
        .next()
        .and_then(|mut r| r.take_opt::<Vec<u8>, _>(1))
        .and_then(Result::ok)
        .map(|bytes| escaped_text(&bytes))?;
    let mut now = comparable(&text);
    // Not its partitions (which a table partitioned by SYSTEM_TIME ... AUTO adds itself), but
    // whether it has some: each of its rows deleted counts twice (crate::table::triggers).
    if is_partitioned(&text) {
        now.push_str(PARTITIONED);
    }
    // Trigger, event, table, statement, timing, creation time. The creation time too: a user
    // without the TRIGGER privilege sees no statement, and a trigger replaced (`CREATE OR
    // REPLACE TRIGGER`) under the same name would look the same to it.
    for mut r in triggers {
        let mut text = |i: usize| {
            r.take_opt::<Vec<u8>, _>(i)
                .and_then(Result::ok)
                .map(|bytes| escaped_text(&bytes))
        };
        let (name, event, on, statement, timing, created) =
            (text(0), text(1), text(2), text(3), text(4), text(5));
        if on.as_deref() != Some(table) || event.as_deref() != Some("DELETE") {
            continue;
        }
        now.push_str(&format!(
            "\n-- trigger {} {} DELETE: {}{CREATED}{}",
            name.unwrap_or_default(),
            timing.unwrap_or_default(),
            statement.unwrap_or_default(),
            created.unwrap_or_default(),
        ));
    }
    Some(now)
}

/// What follows a trigger's statement in a source's definition ([`read_source`]), before the
/// trigger's creation time.
pub const CREATED: &str = "\n-- created ";

/// The line a partitioned table's definition ([`read_source`]) holds after its
/// `SHOW CREATE TABLE` text.
pub const PARTITIONED: &str = "\n-- partitioned";

/// Whether `SHOW CREATE TABLE`'s `text` partitions the table (a clause after the options).
fn is_partitioned(text: &str) -> bool {
    column_list_end(text).is_some_and(|close| {
        let after = &text[close..];
        after.contains("\n PARTITION BY ") || after.contains("\nPARTITION BY ")
    })
}

/// The text of `SHOW CREATE TABLE db.table`, whole; `None` when there is none.
async fn show_create(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Option<String>> {
    let row: Option<Row> = conn
        .query_first(format!("SHOW CREATE TABLE {}", qualified(db, table)))
        .await?;
    Ok(row
        .and_then(|mut r| r.take_opt::<Vec<u8>, _>(1))
        .and_then(Result::ok)
        .map(|bytes| escaped_text(&bytes)))
}

/// What of `SHOW CREATE TABLE`'s text the check compares: the columns and keys, and the line of
/// table options (engine, character set, ...) without what moves by itself or with the
/// session: the `AUTO_INCREMENT=` counter (inserts), the `DATA DIRECTORY`/`INDEX DIRECTORY`
/// options (`NO_DIR_IN_CREATE` hides them), and the partitions after that line (a table
/// partitioned `BY SYSTEM_TIME ... AUTO` adds its own as history grows).
pub fn comparable(text: &str) -> String {
    let Some(close) = column_list_end(text) else {
        return text.to_string();
    };
    let (head, rest) = text.split_at(close);
    let options = rest.split('\n').next().unwrap_or("");
    let mut kept = String::with_capacity(options.len());
    let mut rest = options;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(" AUTO_INCREMENT=") {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                rest = &after[digits..];
                continue;
            }
        }
        if let Some(after) = [" DATA DIRECTORY='", " INDEX DIRECTORY='"]
            .iter()
            .find_map(|o| rest.strip_prefix(o))
        {
            rest = skip_quoted(after);
            continue;
        }
        if let Some(after) = rest.strip_prefix('\'') {
            // A quoted value (a COMMENT) is kept whole.
            let end = after.len() - skip_quoted(after).len();
            kept.push('\'');
            kept.push_str(&after[..end]);
            rest = &after[end..];
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        kept.push(c);
        rest = &rest[c.len_utf8()..];
    }
    format!("{head}{kept}")
}

/// Whether `db.table` is partitioned `BY SYSTEM_TIME ... AUTO`: a DML statement may add a
/// history partition, which waits for every other session's metadata lock on the table, those
/// of open transactions included (two sessions of the run deleting it at once would wait for
/// each other until `lock_wait_timeout`).
pub async fn adds_own_partitions(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<bool> {
    let text = show_create(conn, db, table).await?.unwrap_or_default();
    Ok(partitioned_auto(&text))
}

/// Whether a `CREATE TABLE` text's partitioning (after its column list) is `BY SYSTEM_TIME`
/// with `AUTO`.
fn partitioned_auto(text: &str) -> bool {
    let Some(close) = column_list_end(text) else {
        return false;
    };
    let Some(partitions) = text[close..].find("\n PARTITION BY SYSTEM_TIME") else {
        return false;
    };
    text[close + partitions..]
        .split(|c: char| c.is_whitespace())
        .any(|w| w == "AUTO")
}

/// The byte offset of the `)` that closes the column list of a `CREATE TABLE` text: the first
/// parenthesis outside names and strings opens it (names may hold parentheses and line
/// breaks).
fn column_list_end(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            q @ (b'`' | b'\'' | b'"') => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\\' && q != b'`' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text after a single-quoted value whose opening quote was just read (`''` and `\'` are
/// quotes inside it); empty when it does not end.
fn skip_quoted(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return &s[i + 1..],
            _ => i += 1,
        }
    }
    ""
}

/// Whether the stored (not generated) columns listed now are the plan's: names, types,
/// character sets and collations, in order.
pub fn columns_match(plan: &TablePlan, now: &[ColumnInfo]) -> bool {
    let stored: Vec<&ColumnInfo> = now.iter().filter(|c| !c.generated).collect();
    stored.len() == plan.columns.len()
        && stored.iter().enumerate().all(|(i, c)| {
            c.name == plan.columns[i]
                && plan.column_types.get(i) == Some(&c.column_type)
                && plan.column_charsets.get(i).cloned().flatten()
                    == c.charset.clone().zip(c.collation.clone())
        })
}

/// Inside a delete's transaction, after a statement that read or locked the table: fails with
/// [`TABLE_DEF_CHANGED`] when the table's definition is no longer the one its walk began with.
/// Does nothing for a plan without one.
pub async fn check(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<()> {
    let Some(expected) = plan.definition.as_deref() else {
        return Ok(());
    };
    let now = read_source(conn, &plan.db, &plan.table).await?;
    if now.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(changed(plan))
}

/// Begins a transaction that holds the table's metadata lock (a read of no row: `SHOW CREATE
/// TABLE` alone takes none for the transaction) and checks the definition under it, in one
/// round trip: for a statement that would otherwise run alone, such as a `DELETE` that
/// compares the rows with their archived copies itself. The caller commits or rolls back.
/// Does nothing for a plan without a definition.
pub async fn begin_checked(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<()> {
    let Some(expected) = plan.definition.as_deref() else {
        return Ok(());
    };
    let name = qualified(&plan.db, &plan.table);
    let mut result = conn
        .query_iter(format!(
            "START TRANSACTION; SELECT 1 FROM {name} LIMIT 0; {}",
            statements(&plan.db, &plan.table)
        ))
        .await?;
    let mut sets: Vec<Vec<Row>> = Vec::new();
    while !result.is_empty() {
        sets.push(result.collect().await?);
    }
    drop(result);
    let triggers = sets.pop().unwrap_or_default();
    let created = sets.pop().unwrap_or_default();
    let now = source_now(&plan.table, created, triggers);
    if now.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(changed(plan))
}

/// Inside a write's transaction, after its `INSERT`s into the archive table (which hold its
/// metadata lock until the commit) and before its `COMMIT`: fails with [`TABLE_DEF_CHANGED`]
/// when the archive table's definition is no longer the one the walk began with, or it has a
/// trigger now. Either would have changed the rows as they went in (an `ALTER TABLE ... MODIFY
/// f FLOAT` rounds a `DOUBLE`; a `BEFORE INSERT` trigger rewrites a column), and the copy's
/// `RETURNING` would hand the changed rows to the files too. One round trip: `SHOW CREATE
/// TABLE` and the table's triggers together. Does nothing without a definition to check.
pub async fn check_archive(
    conn: &mut Conn,
    archive: &crate::destination::db::ArchiveTable,
) -> mysql_async::Result<()> {
    check_archive_as(
        conn,
        &archive.db,
        &archive.table,
        archive.definition.as_deref(),
    )
    .await
}

/// [`check_archive`] of `db`.`table`, expected to be defined as `expected`.
pub async fn check_archive_as(
    conn: &mut Conn,
    db: &str,
    table: &str,
    expected: Option<&str>,
) -> mysql_async::Result<()> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let mut result = conn.query_iter(statements(db, table)).await?;
    let created: Vec<Row> = result.collect().await?;
    let triggers: Vec<Row> = result.collect().await?;
    drop(result);
    archive_verdict(db, table, expected, created, triggers)
}

/// The two statements (one query) whose results [`archive_verdict`] and [`source_now`] read:
/// `SHOW CREATE TABLE` of `db`.`table`, and its triggers with the columns `SHOW TRIGGERS` begins
/// with (name, event, table, statement, timing). From `information_schema.TRIGGERS` by the
/// schema's and the table's names: the server opens that one table's triggers, where `SHOW
/// TRIGGERS FROM db LIKE 't'` reads those of every table of the database (913 against 589 us
/// with 500 tables against one, and 349 us this way; every chunk runs it).
fn statements(db: &str, table: &str) -> String {
    let mut sql = format!(
        "SHOW CREATE TABLE {}; SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, \
         ACTION_STATEMENT, ACTION_TIMING, CREATED FROM information_schema.TRIGGERS \
         WHERE EVENT_OBJECT_SCHEMA = ",
        qualified(db, table)
    );
    crate::mysql::literal::push_str_literal(&mut sql, db);
    sql.push_str(" AND EVENT_OBJECT_TABLE = ");
    crate::mysql::literal::push_str_literal(&mut sql, table);
    sql
}

/// Whether the archive table `db`.`table`, per the rows of [`statements`], is still
/// defined as `expected` with no trigger; else the error of [`check_archive`].
fn archive_verdict(
    db: &str,
    table: &str,
    expected: &str,
    created: Vec<Row>,
    triggers: Vec<Row>,
) -> mysql_async::Result<()> {
    let now = created
        .into_iter()
        .next()
        .and_then(|mut r| r.take_opt::<Vec<u8>, _>(1))
        .and_then(Result::ok)
        .map(|bytes| comparable(&escaped_text(&bytes)));
    // Column 2 is the table's name.
    let triggered = triggers
        .into_iter()
        .any(|mut r| r.take_opt::<String, _>(2).and_then(Result::ok).as_deref() == Some(table));
    if now.as_deref() == Some(expected) && !triggered {
        return Ok(());
    }
    Err(mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the archive table {} {} during the run: the rows written to it now would not be \
             the source's (and the files, written from the copy, would get them too). This \
             batch was rolled back and no row of the table is deleted after it; the rows \
             deleted before it were archived as they were. An archive table altered to an \
             engine without transactions keeps the copies this batch (and, in the locked way, \
             the one in flight beside it) wrote: copies identical to rows still in the \
             source. Bring the archive table back as it was (or drop the trigger), and run \
             again",
            qualified(db, table),
            if triggered {
                "got a trigger"
            } else {
                "changed (ALTER TABLE)"
            }
        ),
        state: "HY000".into(),
    }))
}

/// An archive table a chunk wrote into, and its definition when the walk began (`None`: not
/// checked).
pub struct Written<'a> {
    pub db: &'a str,
    pub table: &'a str,
    pub definition: Option<&'a str>,
}

/// The definition checks of a chunk's transaction before its `DELETE`, in one round trip (one
/// multi-statement query): the source table's ([`check`]) and each archive table's
/// ([`check_archive`]). Run once the chunk's rows are locked and copied: the statements hold
/// every table's metadata lock by then, so that no definition checked can change before the
/// commit. Before the `DELETE`, not after: a source table altered to an engine without
/// transactions would not give back rows deleted there. Fails with the first check's error,
/// as the checks one by one would.
pub async fn check_chunk(
    conn: &mut Conn,
    plan: &TablePlan,
    archives: &[Written<'_>],
) -> mysql_async::Result<()> {
    let archives: Vec<(&Written<'_>, &str)> = archives
        .iter()
        .filter_map(|a| a.definition.map(|d| (a, d)))
        .collect();
    let mut queries: Vec<String> = Vec::new();
    if plan.definition.is_some() {
        queries.push(statements(&plan.db, &plan.table));
    }
    for (a, _) in &archives {
        queries.push(statements(a.db, a.table));
    }
    if queries.is_empty() {
        return Ok(());
    }
    let mut result = conn.query_iter(queries.join("; ")).await?;
    let source: Option<(Vec<Row>, Vec<Row>)> = match plan.definition {
        Some(_) => Some((result.collect().await?, result.collect().await?)),
        None => None,
    };
    let mut written = Vec::with_capacity(archives.len());
    for _ in &archives {
        let created: Vec<Row> = result.collect().await?;
        let triggers: Vec<Row> = result.collect().await?;
        written.push((created, triggers));
    }
    drop(result);
    if let (Some(expected), Some((created, triggers))) = (plan.definition.as_deref(), source) {
        let now = source_now(&plan.table, created, triggers);
        if now.as_deref() != Some(expected) {
            return Err(changed(plan));
        }
    }
    for ((a, expected), (created, triggers)) in archives.iter().zip(written) {
        archive_verdict(a.db, a.table, expected, created, triggers)?;
    }
    Ok(())
}

/// Inside a delete's transaction, after its `DELETE` and before its `COMMIT`: fails with
/// [`TABLE_DEF_CHANGED`] when a foreign key onto the table is one the plan did not know (added,
/// its rule or columns changed, or the table renamed into place during the run), so that the
/// caller rolls back what the `DELETE` set off: a `CASCADE` or `SET NULL` it ran for rows no
/// destination holds. Read after the `DELETE`, the dictionary holds every key that statement
/// could have obeyed. Does nothing without a definition to check (dry runs, restores), when
/// the plan's keys did not come from InnoDB's dictionary (no PROCESS privilege), or for an
/// engine without transactions (no foreign keys, and nothing to roll back).
pub async fn check_references(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<()> {
    if !references_checked(plan) {
        return Ok(());
    }
    let now = crate::mysql::schema::innodb_foreign_keys_onto(conn, &plan.db, &plan.table).await?;
    references_verdict(plan, &now)
}

/// Whether [`check_references`] checks the keys onto the plan's table (reads them: a statement).
pub fn references_checked(plan: &TablePlan) -> bool {
    plan.definition.is_some() && plan.references_known && plan.transactional
}

/// The keys of `now` (onto the plan's table) that the plan does not know.
pub fn unknown_references<'a>(plan: &TablePlan, now: &'a [ForeignKey]) -> Vec<&'a ForeignKey> {
    now.iter()
        .filter(|f| !plan.referenced_by.iter().any(|p| same_effect(p, f)))
        .collect()
}

/// [`check_references`]' judgement of the keys onto the table `now`.
fn references_verdict(plan: &TablePlan, now: &[ForeignKey]) -> mysql_async::Result<()> {
    let unknown = unknown_references(plan, now);
    if unknown.is_empty() {
        return Ok(());
    }
    Err(references_changed(plan, &unknown))
}

/// Whether two foreign keys onto a table do the same to it on a `DELETE`: the same constraint
/// of the same child table, over the same columns, with the same `ON DELETE` rule.
fn same_effect(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.name == b.name
        && a.db == b.db
        && a.table == b.table
        && a.columns == b.columns
        && a.referenced_columns == b.referenced_columns
        && a.on_delete == b.on_delete
}

/// The error of [`check_references`].
fn references_changed(plan: &TablePlan, unknown: &[&ForeignKey]) -> mysql_async::Error {
    let keys: Vec<String> = unknown
        .iter()
        .map(|f| {
            format!(
                "{} of {} ({}) ON DELETE {}",
                crate::mysql::ident::quote_ident(&f.name),
                qualified(&f.db, &f.table),
                f.columns
                    .iter()
                    .map(|c| crate::mysql::ident::quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                f.on_delete.sql()
            )
        })
        .collect();
    mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the foreign keys onto {} changed during the run (ALTER TABLE, or a table renamed \
             into its place): {} {} not known when its walk began. This chunk's delete was \
             rolled back, with what the server did for it (a CASCADE or SET NULL onto rows no \
             destination holds), and no row of the table is deleted after it; the rows deleted \
             before it were archived whole. Run again: the next run sees the key and keeps the \
             rows it protects",
            qualified(&plan.db, &plan.table),
            keys.join(", "),
            if keys.len() == 1 { "was" } else { "were" }
        ),
        state: "HY000".into(),
    })
}

/// The error of a table whose definition changed during its walk.
pub fn changed(plan: &TablePlan) -> mysql_async::Error {
    mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the definition of {} changed during the run (ALTER TABLE, or a DELETE trigger \
             created or dropped): no row is deleted after it, since the rows were read and \
             archived with the columns listed before it, and a new trigger would run with every \
             delete; the rows deleted before it were archived whole. Bring the archive tables \
             in line if needed, and run again",
            qualified(&plan.db, &plan.table)
        ),
        state: "HY000".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_goes_and_nothing_else() {
        let table = |counter: &str, extra: &str| {
            format!(
                "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n{extra}  \
                 PRIMARY KEY (`id`)\n) ENGINE=InnoDB{counter} DEFAULT CHARSET=latin1 \
                 COMMENT='AUTO_INCREMENT=7 ) x'"
            )
        };
        let plain = table("", "");
        assert_eq!(comparable(&table(" AUTO_INCREMENT=42", "")), plain);
        assert_eq!(comparable(&table(" AUTO_INCREMENT=43", "")), plain);
        assert_eq!(comparable(&plain), plain);
        let added = table(" AUTO_INCREMENT=42", "  `x` int(11) DEFAULT NULL,\n");
        assert_ne!(comparable(&added), plain);
        assert!(comparable(&added).contains("`x` int(11)"));
        assert_eq!(comparable("no list"), "no list");
        // Another engine or character set counts.
        assert_ne!(comparable(&plain.replace("InnoDB", "MyISAM")), plain);
        assert_ne!(comparable(&plain.replace("latin1", "utf8mb4")), plain);
    }

    #[test]
    fn partitions_and_directories_do_not_count() {
        let base = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) \
                    ENGINE=InnoDB AUTO_INCREMENT=9 DEFAULT CHARSET=latin1 WITH SYSTEM VERSIONING";
        let two = format!("{base}\n PARTITION BY SYSTEM_TIME LIMIT 10 AUTO\nPARTITIONS 2");
        let three = format!("{base}\n PARTITION BY SYSTEM_TIME LIMIT 10 AUTO\nPARTITIONS 3");
        assert_eq!(comparable(&two), comparable(&three));
        let dir = base.replace(
            " DEFAULT CHARSET",
            " DATA DIRECTORY='/d/it''s' INDEX DIRECTORY='/i' DEFAULT CHARSET",
        );
        assert_eq!(comparable(&dir), comparable(base));
    }

    #[test]
    fn tables_that_add_their_own_partitions_are_told() {
        let base = "CREATE TABLE `t` (\n  `AUTO` int(11) NOT NULL\n) ENGINE=InnoDB \
                    COMMENT=' AUTO ' WITH SYSTEM VERSIONING";
        assert!(!partitioned_auto(base));
        assert!(partitioned_auto(&format!(
            "{base}\n PARTITION BY SYSTEM_TIME LIMIT 10 AUTO\nPARTITIONS 2"
        )));
        assert!(partitioned_auto(&format!(
            "{base}\n PARTITION BY SYSTEM_TIME INTERVAL 1 DAY STARTS TIMESTAMP'2020-01-01 00:00:00' AUTO\nPARTITIONS 3"
        )));
        assert!(!partitioned_auto(&format!(
            "{base}\n PARTITION BY SYSTEM_TIME LIMIT 10\n(PARTITION `p0` HISTORY ENGINE = InnoDB,\n PARTITION `pn` CURRENT ENGINE = InnoDB)"
        )));
        assert!(!partitioned_auto(&format!(
            "{base}\n PARTITION BY HASH (`AUTO`)\nPARTITIONS 2"
        )));
    }

    #[test]
    fn names_with_parentheses_and_line_breaks_are_names() {
        let text = |counter: &str| {
            format!(
                "CREATE TABLE `t(` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `c\n) d` int(11) \
                 DEFAULT 1,\n  `e` varchar(3) DEFAULT ')''\\')',\n  PRIMARY KEY (`id`)\n) \
                 ENGINE=InnoDB{counter}"
            )
        };
        assert_eq!(
            comparable(&text(" AUTO_INCREMENT=5")),
            comparable(&text(" AUTO_INCREMENT=6"))
        );
        assert!(comparable(&text("")).ends_with(") ENGINE=InnoDB"));
    }
}
