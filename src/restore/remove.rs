//! `--remove-from-archive`: deleting the archived copies of rows the source now holds
//! identically, once every insert of the run has committed, child tables before their parents
//! (so a run cut short leaves parents in the archive, through which a re-run still finds their
//! children).
//!
//! Per chunk of keys, the source rows are read and locked (`LOCK IN SHARE MODE`, in a
//! transaction of the source's session held until the chunk is done), the archived copies read
//! and locked (`FOR UPDATE`), and only the copies identical, value for value, to the source
//! row under their key are deleted. A copy whose source row is gone (another run archived it
//! again meanwhile) or differs, or that changed in the archive since it was restored, stays,
//! and is counted as kept. (It was deleted by key alone: a row another run took out of the
//! source again while the restore ran ended in neither, exit 0.)

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Retry;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, RetryError};
use crate::table::batch::key_id;
use crate::table::{sql, TablePlan};

use super::tables::RestoreTable;

/// What [`remove_keys`] did: copies deleted, and copies kept because the source does not hold
/// their row identically (any more).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub removed: u64,
    pub kept: u64,
}

/// Deletes the archive rows of `t` with `keys` (key values as read, in key order) that the
/// source holds identically, `chunk` at a time (see the module documentation).
pub async fn remove_keys(
    src: &mut Connection,
    src_retry: Retry,
    arc: &mut Connection,
    arc_retry: Retry,
    t: &RestoreTable,
    keys: &[Vec<Value>],
    chunk: usize,
) -> Result<Removed, RetryError> {
    let mut done = Removed::default();
    for part in keys.chunks(chunk.max(1)) {
        let (removed, kept) = remove_chunk(src, src_retry, arc, arc_retry, t, part).await?;
        done.removed += removed;
        done.kept += kept;
    }
    Ok(done)
}

/// One chunk of [`remove_keys`]: the source's rows stay locked until the archive's delete has
/// committed, so that none changes, or leaves, in between.
async fn remove_chunk(
    src: &mut Connection,
    src_retry: Retry,
    arc: &mut Connection,
    arc_retry: Retry,
    t: &RestoreTable,
    part: &[Vec<Value>],
) -> Result<(u64, u64), RetryError> {
    let read = |plan: &TablePlan, lock: &str| {
        format!(
            "{} {lock}",
            sql::select_by_keys(
                &plan.db,
                &plan.table,
                &plan.columns,
                &plan.key,
                &sql::key_placeholders(plan),
                part.len()
            )
        )
    };
    let values: Vec<Value> = {
        let params = t.source.key_params();
        part.iter()
            .flat_map(|k| k.iter().zip(&params).map(|(v, p)| p.bind(v)))
            .collect()
    };
    let by_key = |plan: &TablePlan, rows: Vec<Row>| -> HashMap<String, Vec<Value>> {
        rows.into_iter()
            .map(|row| {
                let values = row.unwrap();
                (key_id(plan.key_pos.iter().map(|&p| &values[p])), values)
            })
            .collect()
    };
    let source_read = read(&t.source, "LOCK IN SHARE MODE");
    let source: HashMap<String, Vec<Value>> = {
        let (statement, values) = (&source_read, &values);
        let rows: Vec<Row> = with_retry(src, src_retry, "lock the restored rows", |a| {
            Box::pin(async move {
                a.conn.query_drop("START TRANSACTION").await?;
                a.conn.exec(statement.as_str(), values.clone()).await
            })
        })
        .await?;
        by_key(&t.source, rows)
    };
    let archive_read = read(&t.archive, "FOR UPDATE");
    let plan = &t.archive;
    let what = format!(
        "remove restored rows from {}",
        qualified(&plan.db, &plan.table)
    );
    let outcome = with_retry(arc, arc_retry, &what, |a| {
        let (statement, values, source) = (&archive_read, &values, &source);
        Box::pin(async move {
            a.conn.query_drop("START TRANSACTION").await?;
            let rows: Vec<Row> = a.conn.exec(statement.as_str(), values.clone()).await?;
            let copies = by_key(plan, rows);
            let same: Vec<Vec<Value>> = copies
                .iter()
                .filter(|(id, copy)| source.get(*id) == Some(*copy))
                .map(|(_, copy)| plan.key_pos.iter().map(|&p| copy[p].clone()).collect())
                .collect();
            let kept = (copies.len() - same.len()) as u64;
            if same.is_empty() {
                a.conn.query_drop("COMMIT").await?;
                return Ok((0, kept));
            }
            let params = plan.key_params();
            let bound: Vec<Value> = same
                .iter()
                .flat_map(|k| k.iter().zip(&params).map(|(v, p)| p.bind(v)))
                .collect();
            // Foreign keys of the archive (tables made by the Python osarchiver have them)
            // must not act on other archived rows.
            let delete = format!(
                "SET STATEMENT foreign_key_checks = 0 FOR DELETE FROM {} WHERE {}",
                qualified(&plan.db, &plan.table),
                sql::key_in(&plan.key, &sql::key_placeholders(plan), same.len())
            );
            a.conn.exec_drop(delete, bound).await?;
            let removed = a.conn.affected_rows();
            a.conn.query_drop("COMMIT").await?;
            Ok((removed, kept))
        })
    })
    .await;
    if outcome.is_err() {
        let _ = arc.conn().query_drop("ROLLBACK").await;
    }
    // The source's locks go with its transaction, whatever the archive's side did.
    let _ = src.conn().query_drop("COMMIT").await;
    outcome
}
