//! Archive-database copies of rows that stayed in the source.
//!
//! The client's way commits a batch to the archive databases before the deleter locks its rows
//! in the source, so two kinds of row get a copy there and stay in the source:
//!
//! - **blocked** rows (a row that stays references them): the row never left the source. Its
//!   copy is not an archive of a row that left; left there, it turns into a conflict for ever
//!   once the service touches the row (any later change makes the source row differ from its
//!   copy). So at the end of the table, with the source row locked (`FOR UPDATE`) and its key
//!   still held, the copy that is still exactly the row read is deleted, whether the source
//!   row is still as read or another session changed it meanwhile (an adversarial run with an
//!   updater on the blocked rows left 254 such copies, conflicts on every later run). A later
//!   run archives the row as it then is, once it can go; the files keep it as it was read.
//! - **changed** rows (updated, or no longer selected, between their archiving and their
//!   delete): the source holds its key with other content, and the copy is stale, or with the
//!   same content (a `where` that reads other tables stopped selecting it), and the copy is
//!   redundant; left there, every later run would keep the row as a conflict once the service
//!   touches it. Its copy is deleted when the copy is still exactly the row read and the
//!   source row, locked, still holds the key: with the same content (the source keeps the
//!   row), or with other content when the archiver's files hold the row read: a row deleted
//!   and inserted again under its key looks like an update, and its archive copy may be the
//!   last one of the row deleted, so it is only ever removed while another copy stays.
//!
//! A row gone from the source keeps its copy, and so does a copy that is not the row read
//! (another run's, or an operator's). A failure here is only a warning (the archive user may
//! lack `DELETE`): nothing is lost, and a later run may report the key as a conflict.

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

/// How many rows of each kind a table keeps for the clean-up, and how many bytes of values;
/// beyond them, the others' copies stay (and are counted in the log), so that memory stays
/// bounded whatever the table.
pub const KEEP_AT_MOST: usize = 10_000;
pub const KEEP_BYTES: usize = 64 << 20;

/// Rows per statement of the clean-up.
const CHUNK: usize = 500;

/// Why rows stayed in the source after their archiving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A row that stays references them: the source holds them as archived.
    Blocked,
    /// They changed after they were read.
    Changed,
}

/// The rows of a table that stayed in the source after they were archived, for [`remove`].
#[derive(Debug)]
pub struct Kept {
    why: Why,
    /// The archiver's files hold the rows as they were read.
    files: bool,
    rows: Option<Batch>,
    /// The bytes of the values kept.
    bytes: usize,
    /// Rows not kept (over [`KEEP_AT_MOST`] or [`KEEP_BYTES`]).
    pub dropped: u64,
}

impl Kept {
    pub fn new(why: Why) -> Kept {
        Kept {
            why,
            files: false,
            rows: None,
            bytes: 0,
            dropped: 0,
        }
    }

    /// As told: whether the archiver's files hold the rows kept as they were read.
    pub fn with_files(mut self, files: bool) -> Kept {
        self.files = files;
        self
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

    /// How many rows are kept.
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(0, Batch::len)
    }

    /// Deletes the rows kept, all in one statement's chunk: blocked rows of a table that
    /// references itself, whose cycles (`CASCADE`/`SET NULL` rows referencing one another) the
    /// pages cut apart, go only together. Keeps those still blocked; returns how many went
    /// (those before an error too) and how many changed meanwhile, and the error.
    pub async fn delete_together(
        &mut self,
        db: &mut Connection,
        source: &crate::config::Source,
        plan: &TablePlan,
        throttle: &mut crate::throttle::Throttle,
    ) -> (
        crate::source::delete::DeleteOutcome,
        Result<(), crate::mysql::retry::RetryError>,
    ) {
        let mut out = crate::source::delete::DeleteOutcome::default();
        let Some(batch) = self.rows.take() else {
            return (out, Ok(()));
        };
        let all: Vec<usize> = (0..batch.len()).collect();
        let result = crate::source::delete::delete_rows(
            &mut out,
            db,
            source.retry,
            plan,
            &source.where_clause,
            &batch,
            &all,
            all.len(),
            std::time::Duration::ZERO,
            throttle,
        )
        .await;
        // After an error, which rows of the failed statement went is not known: none is kept,
        // so that no archived copy of a row that left is taken back.
        if result.is_err() {
            return (out, result);
        }
        let still: Vec<usize> = out.blocked.iter().map(|(row, _)| *row).collect();
        let mut left = Kept::new(self.why).with_files(self.files);
        left.dropped = self.dropped;
        left.keep(&batch, &still);
        *self = left;
        (out, result)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.as_ref().is_none_or(Batch::is_empty) && self.dropped == 0
    }
}

/// Deletes, from every archive database of `dests`, the copies of the `kept` rows that the
/// source row, locked, shows to be redundant (blocked: the source holds the same row) or stale
/// (changed: the source holds the key with other content); returns how many copies went, per
/// destination index.
pub async fn remove(
    source: &mut Connection,
    plan: &TablePlan,
    dests: &mut [Dest],
    targets: &[Target],
    kept: &Kept,
) -> Vec<(usize, u64)> {
    let name = qualified(&plan.db, &plan.table);
    let what = match kept.why {
        Why::Blocked => "rows kept for the rows that reference them",
        Why::Changed => "rows that changed after they were archived",
    };
    if kept.dropped > 0 {
        tracing::warn!(
            "{name}: the archive copies of {} more {what} stay (a later run may report them as conflicts)",
            kept.dropped
        );
    }
    let Some(batch) = &kept.rows else {
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
            let why = (kept.why, kept.files);
            match remove_chunk(source, archive, table, plan, batch, &rows, why).await {
                Ok(k) => n += k,
                Err(e) => {
                    tracing::warn!(
                        "{name}: the archive copies of {what} could not be removed from destination {dest}: {e}; a later run may report them as conflicts"
                    );
                    break;
                }
            }
        }
        if n > 0 {
            match kept.why {
                Why::Blocked => tracing::info!(
                    "{name}: {n} archive copies of rows that stay in the source, kept for the rows that reference them, removed from destination {dest}: those rows never left the source, and a later run archives them as they then are, once they can go"
                ),
                Why::Changed => tracing::info!(
                    "{name}: {n} archive copies removed from destination {dest}: their rows changed or stopped being selected after they were archived, and stay in the source as they now are{}",
                    if kept.files { " (the files keep them as they were read)" } else { "" }
                ),
            }
        }
        removed.push((i, n));
    }
    removed
}

/// One chunk: lock the source rows by key, keep those the source holds (blocked; changed: as
/// read, or with other content when the files hold the rows read), delete their archive
/// copies that are still the rows read.
async fn remove_chunk(
    source: &mut Connection,
    archive: &mut ArchiveDb,
    table: &ArchiveTable,
    plan: &TablePlan,
    batch: &Batch,
    rows: &[usize],
    (why, files): (Why, bool),
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
                locked(c, lock, params).await
            })
        })
        .await?;
    let found_rows = found.len();
    let current = by_key(plan, found);
    let mut now: HashMap<usize, Vec<Value>> = rows
        .iter()
        .filter_map(|&i| {
            current
                .get(&batch.key_id(i, &plan.key_pos))
                .map(|row| (i, row.clone()))
        })
        .collect();
    // A row found under none of the keys read byte for byte holds one of them as its
    // collation compares (its key changed to `'J'` from `'j'`, or `'j '`): each key left is
    // looked up alone (rare: only when the source holds such a row).
    if found_rows > now.len() {
        let single = format!(
            "{} FOR UPDATE",
            sql::select_by_keys(
                &plan.db,
                &plan.table,
                &plan.columns,
                &plan.key,
                &placeholders,
                1
            )
        );
        let left: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|i| !now.contains_key(i))
            .collect();
        for i in left {
            let (statement, params) = (single.clone(), bind(&[i]));
            let one = source
                .run("lock a changed row", |c| {
                    let (statement, params) = (statement.clone(), params.clone());
                    Box::pin(async move { c.exec::<Row, _, _>(statement, params).await })
                })
                .await;
            match one {
                Ok(one) => {
                    if let Some(row) = one.into_iter().next() {
                        now.insert(i, row.unwrap());
                    }
                }
                Err(e) => {
                    let _ = source
                        .run("unlock changed rows", |c| {
                            Box::pin(c.query_drop("ROLLBACK"))
                        })
                        .await;
                    return Err(e);
                }
            }
        }
    }
    // Blocked: still held by the source, as read (the copy is redundant) or changed since by
    // another session (the copy is stale); either way the row never left. Changed: held as
    // read (no longer selected: the copy is redundant), or with other content (the copy is
    // stale) when the files keep the row read.
    let stale: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| {
            now.get(&i)
                .is_some_and(|row| why == Why::Blocked || files || row == &batch.rows[i])
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
                locked(c, lock, params).await
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

/// The rows of the locking read `lock`, inside the transaction just begun: rolled back when
/// the read fails, so that the session (which goes on to other tables) is left in none.
async fn locked(
    c: &mut mysql_async::Conn,
    lock: String,
    params: Vec<Value>,
) -> mysql_async::Result<Vec<Row>> {
    match c.exec(lock, params).await {
        Ok(rows) => Ok(rows),
        Err(e) => {
            let _ = c.query_drop("ROLLBACK").await;
            Err(e)
        }
    }
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
