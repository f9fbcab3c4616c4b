//! Archived copies of rows that changed before they could be deleted.
//!
//! The client's way commits a batch to the archive databases before the deleter locks its rows
//! in the source: a row updated in between stays in the source (it is not the row archived), and
//! its archive copy is stale. Left there, it would make every later run find its key holding a
//! different row and keep the source row as a conflict. So at the end of the table, with the
//! source row locked (`FOR UPDATE`) and seen to hold its key with other content, the archive
//! copy that is still exactly the row this run read is deleted from each archive database. A
//! row gone from the source keeps its copy (it may be the only one left), and so does a copy
//! that is not the row read (another run's, or an operator's). A failure here is only a warning:
//! nothing is lost, and the next run reports the key as a conflict, as it would have.

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::destination::db::{ArchiveDb, ArchiveTable};
use crate::destination::{Dest, Target};
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::table::batch::{key_id, Batch};
use crate::table::sql;
use crate::table::TablePlan;

/// How many changed rows a table keeps for the clean-up, and how many bytes of values; beyond
/// them, the others' copies stay (and are counted in the log), so that memory stays bounded
/// whatever the table.
pub const KEEP_AT_MOST: usize = 10_000;
pub const KEEP_BYTES: usize = 64 << 20;

/// Rows per statement of the clean-up.
const CHUNK: usize = 500;

/// The rows of a table that changed after they were archived, kept for [`remove`].
pub struct Changed {
    rows: Option<Batch>,
    /// The bytes of the values kept.
    bytes: usize,
    /// Changed rows not kept (over [`KEEP_AT_MOST`]).
    pub dropped: u64,
}

impl Changed {
    pub fn new() -> Changed {
        Changed {
            rows: None,
            bytes: 0,
            dropped: 0,
        }
    }

    /// Keeps rows `rows` of `batch` (as long as there is room).
    pub fn keep(&mut self, batch: &Batch, rows: &[usize]) {
        let kept = self.rows.get_or_insert_with(|| Batch {
            columns: batch.columns.clone(),
            rows: Vec::new(),
            charsets: batch.charsets.clone(),
            next_key: None,
        });
        for &i in rows {
            let size: usize = batch.rows[i].iter().map(value_size).sum();
            if kept.rows.len() < KEEP_AT_MOST && self.bytes + size <= KEEP_BYTES {
                self.bytes += size;
                kept.rows.push(batch.rows[i].clone());
            } else {
                self.dropped += 1;
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.as_ref().is_none_or(Batch::is_empty) && self.dropped == 0
    }
}

/// Deletes, from every archive database of `dests`, the copies of the `changed` rows whose
/// source row is still there with other content; returns how many copies went, per
/// destination index.
pub async fn remove(
    source: &mut Connection,
    plan: &TablePlan,
    dests: &mut [Dest],
    targets: &[Target],
    changed: &Changed,
) -> Vec<(usize, u64)> {
    let name = qualified(&plan.db, &plan.table);
    if changed.dropped > 0 {
        tracing::warn!(
            "{name}: {} more rows changed after they were archived; their archive copies stay (a later run reports them as conflicts)",
            changed.dropped
        );
    }
    let Some(batch) = &changed.rows else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for (i, (d, t)) in dests.iter_mut().zip(targets).enumerate() {
        let dest = d.name().to_string();
        let (Dest::Db(archive), Target::Db(table)) = (d, t) else {
            continue;
        };
        let mut n = 0;
        for start in (0..batch.len()).step_by(CHUNK) {
            let rows: Vec<usize> = (start..batch.len().min(start + CHUNK)).collect();
            match remove_chunk(source, archive, table, plan, batch, &rows).await {
                Ok(k) => n += k,
                Err(e) => {
                    tracing::warn!(
                        "{name}: the archive copies of rows that changed after they were archived could not be removed from destination {dest}: {e}; a later run reports them as conflicts"
                    );
                    break;
                }
            }
        }
        if n > 0 {
            tracing::info!(
                "{name}: {n} archive copies removed from destination {dest}: their rows changed in the source after they were archived, and stay there as they now are"
            );
        }
        removed.push((i, n));
    }
    removed
}

/// One chunk: lock the source rows by key, keep those the source holds with other content,
/// delete their archive copies that are still the rows read, commit both.
async fn remove_chunk(
    source: &mut Connection,
    archive: &mut ArchiveDb,
    table: &ArchiveTable,
    plan: &TablePlan,
    batch: &Batch,
    rows: &[usize],
) -> mysql_async::Result<u64> {
    let key_params = plan.key_params();
    let placeholders = sql::key_placeholders(plan);
    let bind = |rows: &[usize]| -> Vec<Value> {
        rows.iter()
            .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
            .collect()
    };
    let lock = format!(
        "{} FOR UPDATE",
        sql::select_by_keys(
            &plan.db,
            &plan.table,
            &plan.columns,
            &plan.key,
            &placeholders,
            rows.len()
        )
    );
    let params = bind(rows);
    let found: Vec<Row> = source
        .run("lock changed rows", |c| {
            Box::pin(async move {
                c.query_drop("START TRANSACTION").await?;
                c.exec(lock, params).await
            })
        })
        .await?;
    let current = by_key(plan, found);
    // Still there, with other content: the copy of what was read is stale.
    let stale: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| {
            current
                .get(&batch.key_id(i, &plan.key_pos))
                .is_some_and(|now| now != &batch.rows[i])
        })
        .collect();
    let result = if stale.is_empty() {
        Ok(0)
    } else {
        remove_copies(archive, table, plan, batch, &stale, &placeholders, bind).await
    };
    // The source session only read: ending its transaction releases the locks.
    let _ = source
        .run("unlock changed rows", |c| {
            Box::pin(c.query_drop("ROLLBACK"))
        })
        .await;
    result
}

/// In the archive: lock the copies of `stale`, delete those identical to the rows read.
async fn remove_copies(
    archive: &mut ArchiveDb,
    table: &ArchiveTable,
    plan: &TablePlan,
    batch: &Batch,
    stale: &[usize],
    placeholders: &[String],
    bind: impl Fn(&[usize]) -> Vec<Value>,
) -> mysql_async::Result<u64> {
    let lock = format!(
        "{} FOR UPDATE",
        sql::select_by_keys(
            &table.db,
            &table.table,
            &plan.columns,
            &plan.key,
            placeholders,
            stale.len()
        )
    );
    let (db, _) = archive.session();
    let params = bind(stale);
    let found: Vec<Row> = db
        .run("lock stale archive copies", |c| {
            Box::pin(async move {
                c.query_drop("START TRANSACTION").await?;
                c.exec(lock, params).await
            })
        })
        .await?;
    let copies = by_key(plan, found);
    let same: Vec<usize> = stale
        .iter()
        .copied()
        .filter(|&i| copies.get(&batch.key_id(i, &plan.key_pos)) == Some(&batch.rows[i]))
        .collect();
    let result = if same.is_empty() {
        Ok(0)
    } else {
        let delete = format!(
            "DELETE FROM {} WHERE {}",
            qualified(&table.db, &table.table),
            sql::key_in(&plan.key, placeholders, same.len())
        );
        let params = bind(&same);
        db.run("remove stale archive copies", |c| {
            Box::pin(async move {
                c.exec_drop(delete, params).await?;
                let n = c.affected_rows();
                c.query_drop("COMMIT").await?;
                Ok(n)
            })
        })
        .await
    };
    if !matches!(result, Ok(n) if n > 0) {
        // Nothing deleted (or a failure): release the locks.
        let _ = db
            .run("roll back", |c| Box::pin(c.query_drop("ROLLBACK")))
            .await;
    }
    result
}

/// About how many bytes a value holds.
fn value_size(v: &Value) -> usize {
    match v {
        Value::Bytes(b) => b.len() + 24,
        _ => 24,
    }
}

/// Rows read by [`sql::select_by_keys`], by key id.
fn by_key(plan: &TablePlan, found: Vec<Row>) -> HashMap<String, Vec<Value>> {
    found
        .into_iter()
        .map(|row| {
            let values = row.unwrap();
            (key_id(plan.key_pos.iter().map(|&p| &values[p])), values)
        })
        .collect()
}
