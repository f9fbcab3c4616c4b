//! The batch loop of one table, as three stages that overlap: a reader (its own source
//! session) reads keyset page N+1 while a writer puts page N into every destination and a
//! deleter removes page N-1 from the source. Channels of one batch keep memory bounded (at most
//! four batches alive) and keep the order that matters: a batch reaches the deleter only after
//! every destination has committed (or fsynced) it.
//!
//! A file destination's write (encoding, fsync) runs on a blocking thread, so it stalls neither
//! the reader nor the deleter, which share the writer's task.
//!
//! When a stage fails it stops and drops its ends of the channels: upstream stages stop at
//! their next send, downstream stages finish what they already hold, which is safe (the deleter
//! only ever holds fully written batches).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::config::Source;
use crate::destination::db::ArchiveTable;
use crate::destination::{Dest, Target};
use crate::mysql::conn::Connection;
use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::literal::literal;
use crate::mysql::retry::with_retry;
use crate::progress::Progress;
use crate::source::delete::{delete_rows, DeleteOutcome};
use crate::source::read::PageReader;
use crate::stop::Stop;
use crate::table::batch::Batch;
use crate::table::range::KeyRange;
use crate::table::TablePlan;
use crate::throttle::Throttle;

use super::error::TableError;
use super::kept::{Kept, Why};
use super::report::TableReport;

/// What the writer hands to the deleter: the batch and which rows a destination refused.
struct Written {
    batch: Arc<Batch>,
    conflict: Vec<bool>,
}

/// Sessions and destinations the stages use.
pub struct Stages<'a> {
    pub source: &'a Source,
    pub plan: &'a TablePlan,
    /// The session that reads pages.
    pub reader_db: &'a mut Connection,
    /// The session that deletes.
    pub delete_db: &'a mut Connection,
    pub dests: &'a mut [Dest],
    pub targets: &'a mut [Target],
    /// Checked by the reader before each page: a stop ends the table after the batches read.
    pub stop: &'a Stop,
    /// Asked by the deleter before each delete chunk.
    pub throttle: &'a mut Throttle,
    /// Where the table's bar goes (if bars are shown).
    pub progress: &'a Progress,
    /// Only the rows of this key range (those the server-side copy left), else the whole table.
    pub range: Option<&'a KeyRange>,
    /// The rows of that range the file destinations hold already (by [`Batch::key_id`]): they
    /// are not written to the files again.
    pub in_files: Option<&'a std::collections::HashSet<String>>,
}

/// Runs the three stages to the end of the table or the first failure; counts go into `r`.
pub async fn run_stages(stages: Stages<'_>, r: &mut TableReport) -> Result<(), TableError> {
    let Stages {
        source,
        plan,
        reader_db,
        delete_db,
        dests,
        targets,
        stop,
        throttle,
        progress,
        range,
        in_files,
    } = stages;
    let name = qualified(&plan.db, &plan.table);
    let paused_before = throttle.paused();
    // A range is part of a table whose progress the server-side copy shows.
    let periodic = range.is_none() && !progress.enabled() && !source.progress_interval.is_zero();
    let estimate = if range.is_none() && (progress.enabled() || periodic) {
        estimate_rows(reader_db, plan, &source.where_clause).await
    } else {
        0
    };
    let bar = if range.is_none() {
        progress.table_bar(&name, estimate)
    } else {
        None
    };
    let started = Instant::now();
    // Rows that change (or stop being selected) between their archiving and their delete
    // leave stale (or redundant) copies in the archive databases, removed once the table's
    // stages are done: a redundant one when the source still holds the row as read, a stale
    // one when the files hold the row as it was read: the last copy of a row is never removed
    // (an update and a delete followed by an insert of the same key look the same).
    let archive_db = source.archive_data && dests.iter().any(|d| matches!(d, Dest::Db(_)));
    let files = dests.iter().any(|d| matches!(d, Dest::File(_)));
    let keep_changed = archive_db;
    // Blocked rows stay in the source as they were archived: their archive database copies
    // are taken back at the end of the table (see [`kept`]). In a table that references
    // itself they are also tried once more, all together, at the end.
    let keep_blocked = archive_db || (plan.references_itself() && source.delete_data);
    let (to_writer, from_reader) = mpsc::channel::<Batch>(1);
    let (to_deleter, from_writer) = mpsc::channel::<Written>(1);

    let reading = async {
        // Owned here, so the writer sees the end of the pages when this stage ends.
        let to_writer = to_writer;
        let mut reader = match range {
            None => PageReader::new(
                plan,
                &source.where_clause,
                plan.page_rows(source.select_limit),
            ),
            Some(range) => PageReader::within(
                plan,
                &source.where_clause,
                plan.page_rows(source.select_limit),
                range,
            ),
        };
        let (mut rows, mut time) = (0u64, Duration::ZERO);
        loop {
            if let Some(why) = stop.reason() {
                tracing::info!(
                    "{name}: {}: no more pages are read; finishing the batches already read",
                    why.describe()
                );
                break;
            }
            let t0 = Instant::now();
            let batch = {
                let reader = &reader;
                with_retry(reader_db, source.retry, "read page", |a| {
                    Box::pin(reader.read(a.conn))
                })
                .await
            };
            time += t0.elapsed();
            let batch = match batch {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(e) => return (rows, time, Err(TableError::Read(e))),
            };
            reader.advance(&batch);
            rows += batch.len() as u64;
            if to_writer.send(batch).await.is_err() {
                break; // the writer stopped: its error is reported there
            }
        }
        (rows, time, Ok(()))
    };

    // Conflicts named so far in the table (a table may take several passes).
    let mut named = r.conflicts_named;
    let writing = async {
        // Owned here, so the deleter sees the end of the batches when this stage ends, and the
        // reader's next send fails when this stage stops on an error (instead of waiting
        // forever for room in the channel).
        let to_deleter = to_deleter;
        let mut from_reader = from_reader;
        let mut archived = vec![0u64; dests.len()];
        let (mut conflicts, mut time) = (0u64, Duration::ZERO);
        while let Some(batch) = from_reader.recv().await {
            let t0 = Instant::now();
            let mut batch = Arc::new(batch);
            let mut conflict = vec![false; batch.len()];
            if source.archive_data {
                for (i, (d, t)) in dests.iter_mut().zip(targets.iter_mut()).enumerate() {
                    let written = match (&mut *d, &mut *t) {
                        // Encoding and fsync on a blocking thread: reading and deleting, on
                        // this task, go on meanwhile.
                        (Dest::File(f), Target::File(ft)) => match in_files {
                            None => f
                                .write_off_task(ft, batch.clone())
                                .await
                                .map(|(out, back)| {
                                    batch = back;
                                    out
                                })
                                .map_err(crate::destination::DestError::from),
                            Some(held) => {
                                // Only the rows the files do not hold yet.
                                let mut fresh = Batch::clone(&batch);
                                fresh.rows.retain(|row| {
                                    !held.contains(&crate::table::batch::key_id(
                                        plan.key_pos.iter().map(|&p| &row[p]),
                                    ))
                                });
                                // Counted once: the rows the files hold were counted when
                                // they were written.
                                if fresh.rows.is_empty() {
                                    Ok(crate::destination::WriteOutcome::default())
                                } else {
                                    f.write_off_task(ft, Arc::new(fresh))
                                        .await
                                        .map(|(out, _)| out)
                                        .map_err(crate::destination::DestError::from)
                                }
                            }
                        },
                        _ => d.write(t, plan, &batch).await,
                    };
                    let out = match written {
                        Ok(out) => out,
                        Err(e) => {
                            return (
                                archived,
                                conflicts,
                                time,
                                Err(TableError::Write {
                                    dest: d.name().to_string(),
                                    source: e,
                                }),
                            )
                        }
                    };
                    archived[i] += out.archived;
                    for &row in &out.conflicts {
                        if !conflict[row] {
                            conflict[row] = true;
                            conflicts += 1;
                        }
                        // The first conflicts of the table in full, the others at debug level.
                        named += 1;
                        let detailed = named <= CONFLICTS_NAMED;
                        let say = |line: String| {
                            if detailed {
                                tracing::warn!("{line}");
                            } else {
                                tracing::debug!("{line}");
                            }
                        };
                        if let Some((_, message)) = out.refused.iter().find(|(r, _)| *r == row) {
                            let copy = match &*t {
                                Target::Db(archive) => qualified(&archive.db, &archive.table),
                                Target::File(_) => String::new(),
                            };
                            say(format!(
                                "{name}: row ({}) kept: destination {} refuses it ({message}): {copy} holds another row with the same value of a unique key that is not the row's key; the source keeps such values unique among its current rows, an archive gathers rows of many years: make that key non-unique in {copy} (ALTER TABLE ... DROP INDEX, then ADD INDEX on the same columns) and the next run archives the row",
                                batch.describe_key(row, &plan.key, &plan.key_pos),
                                d.name(),
                            ));
                            continue;
                        }
                        if let Target::Db(
                            archive @ ArchiveTable {
                                period: Some(period),
                                ..
                            },
                        ) = &*t
                        {
                            let copy = qualified(&archive.db, &archive.table);
                            let exact = key_condition(plan, &batch, row);
                            let overlapping = overlap_condition(plan, &batch, row, period);
                            say(format!(
                                "{name}: row ({}) kept: destination {} holds a different row whose period overlaps this one's, with the same other key values: its key is WITHOUT OVERLAPS (period {}, {})",
                                batch.describe_key(row, &plan.key, &plan.key_pos),
                                d.name(),
                                quote_ident(&period.0),
                                quote_ident(&period.1),
                            ));
                            say(format!(
                                "  compare them: SELECT * FROM {name} WHERE {exact}; SELECT * FROM {copy} WHERE {overlapping};"
                            ));
                            // The period's start before its end: a key ending in (end, start) is
                            // taken by the server for the period's key WITHOUT OVERLAPS again.
                            let columns: Vec<String> = plan
                                .key
                                .iter()
                                .filter(|k| **k != period.0 && **k != period.1)
                                .chain([&period.0, &period.1])
                                .map(|k| quote_ident(k))
                                .collect();
                            say(format!(
                                "  an archive gathers rows of many years, whose periods may overlap: to archive this row, make that key of {copy} a plain one with the period's start before its end (for the primary key: ALTER TABLE {copy} DROP PRIMARY KEY, ADD PRIMARY KEY ({})), and the next run archives and deletes it",
                                columns.join(", ")
                            ));
                            continue;
                        }
                        say(format!(
                            "{name}: row ({}) kept: destination {} already holds a different row with this key",
                            batch.describe_key(row, &plan.key, &plan.key_pos),
                            d.name(),
                        ));
                        if let Target::Db(archive) = t {
                            let cond = key_condition(plan, &batch, row);
                            let copy = qualified(&archive.db, &archive.table);
                            say(format!(
                                "  compare them: SELECT * FROM {name} WHERE {cond}; SELECT * FROM {copy} WHERE {cond};"
                            ));
                            say(format!(
                                "  if the archived copy is an older state of this very row (not a row another source or configuration archived there), remove it to archive the source row instead (DELETE FROM {copy} WHERE {cond};): the next run archives and deletes it"
                            ));
                        }
                    }
                }
            }
            time += t0.elapsed();
            if to_deleter.send(Written { batch, conflict }).await.is_err() {
                break; // the deleter stopped: its error is reported there
            }
        }
        (archived, conflicts, time, Ok(()))
    };

    let deleting = async {
        // Owned here, so the writer's next send fails when this stage stops on an error.
        let mut from_writer = from_writer;
        let mut counts = DeleteCounts::default();
        let mut changed = r
            .kept_changed
            .take()
            .unwrap_or_else(|| Kept::new(Why::Changed).with_files(files));
        let mut held = r
            .kept_blocked
            .take()
            .unwrap_or_else(|| Kept::new(Why::Blocked));
        let mut blocked = std::mem::take(&mut r.blocked_log);
        let mut last_progress = Instant::now();
        let mut first = true;
        while let Some(Written { batch, conflict }) = from_writer.recv().await {
            counts.rows += batch.len() as u64;
            if let Some(bar) = &bar {
                if counts.rows > bar.length().unwrap_or(0) {
                    bar.set_length(counts.rows);
                }
                bar.set_position(counts.rows);
            }
            if !source.delete_data {
                continue;
            }
            let t0 = Instant::now();
            if !first && !source.delete_loop_delay.is_zero() {
                throttle.pause(source.delete_loop_delay).await;
            }
            first = false;
            let rows: Vec<usize> = (0..batch.len()).filter(|&i| !conflict[i]).collect();
            let mut out = DeleteOutcome::default();
            let result = delete_rows(
                &mut out,
                delete_db,
                source.retry,
                plan,
                &source.where_clause,
                &batch,
                &rows,
                source.delete_limit as usize,
                source.delete_loop_delay,
                throttle,
            )
            .await;
            counts.time += t0.elapsed();
            // The chunks deleted before an error count: those rows left the source.
            if keep_changed && !out.changed_rows.is_empty() {
                changed.keep(&batch, &out.changed_rows);
            }
            counts.deleted += out.deleted;
            counts.changed += out.changed;
            counts.gone += out.gone;
            counts.blocked += out.blocked.len() as u64;
            for (row, constraint) in &out.blocked {
                blocked.row(plan, &batch, *row, constraint);
            }
            if keep_blocked && !out.blocked.is_empty() {
                let rows: Vec<usize> = out.blocked.iter().map(|(row, _)| *row).collect();
                held.keep(&batch, &rows);
            }
            if let Err(e) = result {
                return (counts, changed, held, blocked, Err(TableError::Delete(e)));
            }
            if out.stopped {
                // Stopped during a throttling pause: the batches held stay in the source
                // (archived, not deleted); the next run takes them again.
                break;
            }
            if let Some(bar) = &bar {
                bar.set_message(format!("deleted {}", counts.deleted));
            } else if periodic && last_progress.elapsed() >= source.progress_interval {
                last_progress = Instant::now();
                tracing::info!(
                    "{name}: {}",
                    progress_line(counts.rows, estimate, counts.deleted, started.elapsed())
                );
            }
        }
        (counts, changed, held, blocked, Ok(()))
    };

    let (
        (read, read_time, read_result),
        (archived, conflicts, write_time, write_result),
        (mut deleted, changed, mut held, blocked, mut delete_result),
    ) = tokio::join!(reading, writing, deleting);
    r.conflicts_named = named;
    r.blocked_log = blocked;
    // Rows of a cycle that the pages cut apart: each page kept its rows for the other's sake.
    // (Bounded: the statements bind every key of the rows tried.)
    if plan.references_itself()
        && held.len() > 1
        && held.len() * plan.key.len() <= 30_000
        && delete_result.is_ok()
        && !stop.is_requested()
    {
        let (out, result) = held
            .delete_together(delete_db, source, plan, throttle)
            .await;
        // The rows that went before an error count, as the pages' do.
        if out.deleted > 0 {
            tracing::info!(
                    "{name}: {} of the blocked rows went when tried together (rows that reference one another, read in different pages)",
                    out.deleted
                );
            let gone = out.deleted + out.changed;
            deleted.deleted += out.deleted;
            deleted.changed += out.changed;
            deleted.gone += out.gone;
            deleted.blocked = deleted.blocked.saturating_sub(gone);
        }
        if let Err(e) = result {
            delete_result = Err(TableError::Delete(e));
        }
    }
    if !archive_db {
        held = Kept::new(Why::Blocked);
    }
    // Their archive copies are taken back when the table ends (once, whatever the number of
    // key ranges the server-side copy hands to this way).
    r.kept_blocked = Some(held);
    r.kept_changed = Some(changed);
    crate::progress::finish(bar, &format!("deleted {}", deleted.deleted));
    r.read += read;
    for (i, n) in archived.into_iter().enumerate() {
        r.add_archived(i, n);
    }
    r.conflicts += conflicts;
    r.deleted += deleted.deleted;
    r.blocked += deleted.blocked;
    r.changed += deleted.changed;
    r.gone += deleted.gone;
    r.timing.read += read_time;
    r.timing.write += write_time;
    r.timing.delete += deleted.time;
    r.timing.throttled += throttle.paused().saturating_sub(paused_before);
    // Report every stage's failure: the first one is the cause, the others follow from it.
    let errors: Vec<TableError> = [read_result, write_result, delete_result]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    match TableError::of_stages(errors) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// Conflicts logged in full per table (the rest at debug level).
pub(super) const CONFLICTS_NAMED: u64 = 10;

/// The deleter's counts.
#[derive(Default)]
struct DeleteCounts {
    /// Rows that reached the deleter (fully written).
    rows: u64,
    deleted: u64,
    blocked: u64,
    changed: u64,
    gone: u64,
    time: Duration,
}

/// The rows of a key `WITHOUT OVERLAPS` on `period` (start, end) that refuse `row`: the same
/// other key values, and a period that overlaps its (periods are [start, end)).
fn overlap_condition(
    plan: &TablePlan,
    batch: &Batch,
    row: usize,
    (start, end): &(String, String),
) -> String {
    let kinds = batch.literal_kinds();
    let value = |column: &String| {
        plan.columns.iter().position(|c| c == column).map_or_else(
            || "NULL".to_string(),
            |i| literal(&batch.rows[row][i], kinds[i]),
        )
    };
    let mut parts: Vec<String> = plan
        .key
        .iter()
        .filter(|k| *k != start && *k != end)
        .map(|k| format!("{} = {}", quote_ident(k), value(k)))
        .collect();
    parts.push(format!("{} < {}", quote_ident(start), value(end)));
    parts.push(format!("{} > {}", quote_ident(end), value(start)));
    parts.join(" AND ")
}

/// `key = value AND ...` naming row `row` of `batch` by its key, values as SQL literals.
fn key_condition(plan: &TablePlan, batch: &Batch, row: usize) -> String {
    let kinds = batch.literal_kinds();
    plan.key
        .iter()
        .zip(&plan.key_pos)
        .map(|(column, &i)| {
            format!(
                "{} = {}",
                quote_ident(column),
                literal(&batch.rows[row][i], kinds[i])
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A periodic progress line's text: rows archived (of the estimate, when there is one), deleted,
/// and the rate since the table began.
pub(super) fn progress_line(rows: u64, estimate: u64, deleted: u64, elapsed: Duration) -> String {
    let of = if estimate > 0 {
        format!(" of ~{}", estimate.max(rows))
    } else {
        String::new()
    };
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 { rows as f64 / secs } else { 0.0 };
    format!("{rows}{of} rows archived, {deleted} deleted, {rate:.0} rows/s")
}

/// The optimizer's estimate of a table's eligible rows (`EXPLAIN`), for the progress bar; 0 when
/// it cannot tell.
pub(super) async fn estimate_rows(
    db: &mut Connection,
    plan: &TablePlan,
    where_clause: &str,
) -> u64 {
    use mysql_async::prelude::Queryable;
    let sql = format!(
        "EXPLAIN SELECT 1 FROM {} WHERE ({where_clause})",
        qualified(&plan.db, &plan.table)
    );
    match db
        .run("estimate the rows", |c| {
            Box::pin(c.query_first::<mysql_async::Row, _>(sql))
        })
        .await
    {
        Ok(Some(row)) => row
            .columns_ref()
            .iter()
            .position(|c| c.name_str() == "rows")
            .and_then(|i| row.get_opt::<Option<u64>, _>(i))
            .and_then(Result::ok)
            .flatten()
            .unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_line_says_rows_estimate_deletes_and_rate() {
        assert_eq!(
            progress_line(5000, 20000, 4500, Duration::from_secs(10)),
            "5000 of ~20000 rows archived, 4500 deleted, 500 rows/s"
        );
        // An estimate below what is done already is raised to it; none is not shown.
        assert_eq!(
            progress_line(300, 100, 300, Duration::from_secs(3)),
            "300 of ~300 rows archived, 300 deleted, 100 rows/s"
        );
        assert_eq!(
            progress_line(7, 0, 0, Duration::ZERO),
            "7 rows archived, 0 deleted, 0 rows/s"
        );
    }
}
