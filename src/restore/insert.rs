//! Putting one batch of archived rows back into the source table, in one transaction, never
//! overwriting: the rows whose key the source holds are locked and compared value by value
//! (read raw, as the archive writer compares: every column's bytes); an identical row is
//! already restored, a different one is a conflict and stays as it is; the others are inserted
//! (multi-row INSERTs of literals, as the archive writer writes them), then the transaction
//! commits. A row refused for a duplicate on another unique key is a conflict too.
//!
//! The session inserts as the archive writer does (see [`crate::destination::db`]): not strict,
//! `ALLOW_INVALID_DATES`, `check_constraint_checks = 0`, and any warning but an invalid ENUM
//! value's fails the batch, so rows go back exactly as they were archived. `foreign_key_checks`
//! stays on: a child row whose parent the source lacks fails its batch (error 1452).

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Retry;
use crate::destination::db::{check_warnings, write_session};
use crate::mysql::conn::Connection;
use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::insert::{self, Insert};
use crate::mysql::literal::push_literal;
use crate::mysql::retry::{classify, codes, with_retry, ErrorKind, RetryError};
use crate::table::batch::{key_id, Batch};
use crate::table::sql;

use super::tables::RestoreTable;

/// What putting a batch back did (or, in a dry run, would do), as indexes into the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Inserted into the source (in a dry run: would be).
    pub restored: Vec<usize>,
    /// Already in the source, identical in every column.
    pub already: Vec<usize>,
    /// Left alone: the source holds a different row with this key (or another unique key's
    /// value), with what tells so.
    pub conflicts: Vec<(usize, String)>,
}

/// How a batch is inserted.
#[derive(Debug, Clone)]
pub struct InsertOptions {
    pub retry: Retry,
    /// The `sql_mode` of the inserts (the session's, made lenient as the archive writer's).
    pub write_mode: String,
    /// The most bytes of one INSERT statement (half of `max_allowed_packet`).
    pub packet_budget: usize,
    /// The server's `max_allowed_packet`: a row whose literal INSERT outgrows it goes bound.
    pub max_packet: usize,
    pub dry_run: bool,
}

/// Puts `batch` (rows read from `t`'s archive table) back into `t`'s source table.
pub async fn put_batch(
    src: &mut Connection,
    opts: &InsertOptions,
    t: &RestoreTable,
    batch: &Batch,
) -> Result<BatchOutcome, RetryError> {
    let plan = &t.source;
    let all: Vec<usize> = (0..batch.len()).collect();
    let statements = insert_statements(t, batch, opts.packet_budget, opts.max_packet);
    let what = format!("restore into {}", qualified(&plan.db, &plan.table));
    with_retry(src, opts.retry, &what, |a| {
        let (all, statements) = (&all, &statements);
        Box::pin(async move {
            if !opts.dry_run {
                write_session(a.conn, opts.write_mode.clone()).await?;
                a.conn.query_drop("START TRANSACTION").await?;
            }
            let result = async {
                let existing = source_rows(a.conn, t, batch, all, !opts.dry_run).await?;
                let mut out = BatchOutcome::default();
                let mut fresh = vec![false; batch.len()];
                for (i, row) in batch.rows.iter().enumerate() {
                    match existing.get(&batch.key_id(i, &plan.key_pos)) {
                        Some(live) if live == row => out.already.push(i),
                        Some(_) => out.conflicts.push((
                            i,
                            "the source holds a different row with this key".to_string(),
                        )),
                        None => fresh[i] = true,
                    }
                }
                if opts.dry_run {
                    // The source found rows for keys no archived row has byte for byte: equal
                    // under the key's collation (`'ABC'` for `'abc'`, `'a '` for `'a'`). The
                    // real run's insert collides with them (1062): ask which rows do.
                    // One lookup per row that may be one of them, until all are found: only
                    // in a dry run, and only when such a row is there.
                    let mut unmatched =
                        existing.len().saturating_sub(out.already.len() + out.conflicts.len());
                    if unmatched > 0 {
                        let candidates: Vec<usize> =
                            (0..batch.len()).filter(|&i| fresh[i]).collect();
                        for i in candidates {
                            if unmatched == 0 {
                                break;
                            }
                            if holds_equal_key(a.conn, t, batch, i).await? {
                                unmatched -= 1;
                                fresh[i] = false;
                                out.conflicts.push((
                                    i,
                                    "the source holds a different row with an equal key (under the key's collation)"
                                        .to_string(),
                                ));
                            }
                        }
                        out.conflicts.sort_by_key(|(i, _)| *i);
                    }
                    out.restored = (0..batch.len()).filter(|&i| fresh[i]).collect();
                    return Ok(out);
                }
                for (range, statement) in statements {
                    let rows: Vec<usize> = range.clone().filter(|&i| fresh[i]).collect();
                    if rows.is_empty() {
                        continue;
                    }
                    if rows.len() == range.len() {
                        match statement.run(a.conn).await {
                            Ok(()) => {
                                check_warnings(a.conn, plan, &batch.rows[range.clone()]).await?;
                                out.restored.extend(rows);
                                continue;
                            }
                            Err(e) if classify(&e) == ErrorKind::DuplicateKey => {}
                            Err(e) => return Err(e),
                        }
                    }
                    // Some rows are not to be inserted, or one collided on another unique
                    // key: one by one. A table without transactions kept the rows the
                    // statement inserted before the collision: those are restored, not
                    // conflicts.
                    let rows = if plan.transactional || rows.len() < range.len() {
                        rows
                    } else {
                        let held = source_rows(a.conn, t, batch, &rows, false).await?;
                        let (inserted, left): (Vec<usize>, Vec<usize>) =
                            rows.iter().partition(|&&i| {
                                held.get(&batch.key_id(i, &plan.key_pos)) == Some(&batch.rows[i])
                            });
                        out.restored.extend(inserted);
                        left
                    };
                    insert_one_by_one(a.conn, t, batch, &rows, opts.max_packet, &mut out).await?;
                }
                held_as_archived(a.conn, t, batch, &out.restored).await?;
                Ok(out)
            }
            .await;
            if opts.dry_run {
                return result;
            }
            match result {
                Ok(out) => {
                    a.conn.query_drop("COMMIT").await?;
                    Ok(out)
                }
                Err(e) => {
                    let _ = a.conn.query_drop("ROLLBACK").await;
                    Err(e)
                }
            }
        })
    })
    .await
}

/// Whether the source holds a row whose key equals row `i`'s as the server compares keys.
async fn holds_equal_key(
    conn: &mut mysql_async::Conn,
    t: &RestoreTable,
    batch: &Batch,
    i: usize,
) -> Result<bool, mysql_async::Error> {
    let plan = &t.source;
    let sql = format!(
        "SELECT 1 FROM {} WHERE {} LIMIT 1",
        qualified(&plan.db, &plan.table),
        sql::key_in(&plan.key, &sql::key_placeholders(plan), 1)
    );
    let params: Vec<mysql_async::Value> = batch
        .bound_key(i, &plan.key_pos, &plan.key_params())
        .collect();
    let found: Option<u8> = conn.exec_first(sql, params).await?;
    Ok(found.is_some())
}

/// The rows the source holds with the keys of `rows` (indexes into `batch`), by key id; locked
/// with `lock`.
async fn source_rows(
    conn: &mut mysql_async::Conn,
    t: &RestoreTable,
    batch: &Batch,
    rows: &[usize],
    lock: bool,
) -> mysql_async::Result<HashMap<String, Vec<Value>>> {
    let plan = &t.source;
    let mut lookup = sql::select_by_keys(
        &plan.db,
        &plan.table,
        &plan.columns,
        &plan.key,
        &sql::key_placeholders(plan),
        rows.len(),
    );
    if lock {
        lookup.push_str(" FOR UPDATE");
    }
    let key_params = plan.key_params();
    let keys: Vec<Value> = rows
        .iter()
        .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    let found: Vec<Row> = conn.exec(lookup, keys).await?;
    let mut held = HashMap::with_capacity(found.len());
    for row in found {
        let values = row.unwrap();
        held.insert(key_id(plan.key_pos.iter().map(|&p| &values[p])), values);
    }
    Ok(held)
}

/// Checks, before the commit, that the source holds the `restored` rows of `batch` as they
/// were archived: a `BEFORE INSERT` trigger (or anything else that changes a row as it goes
/// in) would otherwise pass for a restore, and `--remove-from-archive` would then delete the
/// only copy of the original values. Any difference fails the batch (rolled back).
async fn held_as_archived(
    conn: &mut mysql_async::Conn,
    t: &RestoreTable,
    batch: &Batch,
    restored: &[usize],
) -> mysql_async::Result<()> {
    if restored.is_empty() {
        return Ok(());
    }
    let plan = &t.source;
    let held = source_rows(conn, t, batch, restored, false).await?;
    let differ: Vec<String> = restored
        .iter()
        .filter(|&&i| held.get(&batch.key_id(i, &plan.key_pos)) != Some(&batch.rows[i]))
        .map(|&i| describe_key(t, batch, i))
        .collect();
    if differ.is_empty() {
        return Ok(());
    }
    let shown = differ.len().min(5);
    Err(mysql_async::Error::Other(Box::new(std::io::Error::other(
        format!(
            "the source does not hold the rows as archived once inserted (a BEFORE INSERT trigger?): {}{}; {}",
            differ[..shown].join(", "),
            if differ.len() > shown {
                format!(" and {} more", differ.len() - shown)
            } else {
                String::new()
            },
            crate::destination::db::batch_fate(plan)
        ),
    ))))
}

async fn insert_one_by_one(
    conn: &mut mysql_async::Conn,
    t: &RestoreTable,
    batch: &Batch,
    rows: &[usize],
    max_packet: usize,
    out: &mut BatchOutcome,
) -> mysql_async::Result<()> {
    let plan = &t.source;
    let kinds = batch.literal_kinds();
    for &i in rows {
        let statement = insert::one_row(
            &plan.db,
            &plan.table,
            &plan.columns,
            &batch.rows[i],
            &kinds,
            max_packet,
        );
        match statement.run(conn).await {
            Ok(()) => {
                check_warnings(conn, plan, std::slice::from_ref(&batch.rows[i])).await?;
                out.restored.push(i);
            }
            Err(mysql_async::Error::Server(e))
                if e.code == codes::DUP_ENTRY || e.code == codes::DUP_ENTRY_WITH_KEY_NAME =>
            {
                out.conflicts.push((
                    i,
                    format!("the source refused it: {} (error {})", e.message, e.code),
                ));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The INSERTs of a batch, each at most `budget` bytes (at least one row), with the rows each
/// holds.
fn insert_statements(
    t: &RestoreTable,
    batch: &Batch,
    budget: usize,
    max_packet: usize,
) -> Vec<(std::ops::Range<usize>, Insert)> {
    let plan = &t.source;
    let kinds = batch.literal_kinds();
    let head = sql::insert_head(&plan.db, &plan.table, &plan.columns);
    insert::split(
        &head,
        &batch.rows,
        &kinds,
        (usize::MAX, budget, max_packet),
        |i| insert::bound(&plan.db, &plan.table, &plan.columns, &batch.rows[i], &kinds),
    )
}

/// A short form of row `i`'s key, for logs: `id=5`.
pub fn describe_key(t: &RestoreTable, batch: &Batch, i: usize) -> String {
    key_condition(t, batch, i, "", ", ")
}

/// `k1 = v1 AND k2 = v2` for row `i`'s key, values as literals, columns prefixed with `alias`.
fn key_condition(t: &RestoreTable, batch: &Batch, i: usize, alias: &str, join: &str) -> String {
    let kinds = batch.literal_kinds();
    let mut parts = Vec::new();
    for (k, &p) in t.source.key.iter().zip(&t.source.key_pos) {
        let mut s = format!(
            "{alias}{}",
            if join == ", " {
                k.clone()
            } else {
                quote_ident(k)
            }
        );
        s.push_str(if join == ", " { "=" } else { " = " });
        push_literal(
            &mut s,
            &batch.rows[i][p],
            kinds
                .get(p)
                .copied()
                .unwrap_or(crate::mysql::literal::LiteralKind::Untyped),
        );
        parts.push(s);
    }
    parts.join(join)
}

/// A SELECT that shows the source row and the archived row with row `i`'s key side by side,
/// for the operator to compare.
pub fn compare_select(t: &RestoreTable, batch: &Batch, i: usize) -> String {
    // Each column named: `*` leaves INVISIBLE columns out, where two rows may differ.
    let columns = |alias: &str| {
        t.source
            .columns
            .iter()
            .map(|c| format!("{alias}{}", crate::mysql::ident::quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "SELECT 'source' AS side, {} FROM {} AS s WHERE {} UNION ALL SELECT 'archive', {} FROM {} AS a WHERE {}",
        columns("s."),
        qualified(&t.source.db, &t.source.table),
        key_condition(t, batch, i, "s.", " AND "),
        columns("a."),
        qualified(&t.archive.db, &t.archive.table),
        key_condition(t, batch, i, "a.", " AND "),
    )
}
