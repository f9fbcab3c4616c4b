//! The server-side copy: when every archive database of the archiver is on the source's own
//! server, rows never travel through the client to reach it. On MariaDB, when the source's user
//! may write the archive and no foreign key onto the table would act on other rows, each chunk
//! is archived and deleted in one locked transaction ([`super::locked_copy`]). Otherwise the
//! three stages below overlap, each on its own session:
//!
//! - the copier reads a page of keys (`select_limit` of them, keys only), which ends a key range,
//!   and copies the range's eligible rows into each archive table inside the server
//!   (`INSERT IGNORE ... SELECT`, a consistent read, one transaction, committed:
//!   [`crate::destination::db::ArchiveDb::copy_range`]);
//! - with file destinations, the filer reads back the archived copies whose source row is still
//!   eligible and identical ([`sql::read_archived`]) and writes and fsyncs them: the files hold
//!   the archive's bytes;
//! - the deleter, on the source session, deletes the copied range in chunks of `delete_limit`
//!   (key ranges; the keys the files got when there are files), each `DELETE` taking only the
//!   rows still eligible whose archived copy in every archive database is identical, column by
//!   column and byte for byte ([`sql::delete_archived`]). A row that changed after it was
//!   copied, or was never copied, stays. Foreign keys onto the table decide how (`DeleteWay`):
//!   `RESTRICT`/`NO ACTION` only, the same statement leaves the referenced rows out; any other
//!   rule, each chunk is one transaction that first locks its rows, finds those still referenced
//!   with the client's way's locking reads, and deletes the others by key.
//!
//! Whatever the fast way leaves in a range (rows blocked by a foreign key, keys the archive holds
//! with other content, rows changed meanwhile, a copy refused because the archive would alter a
//! value) goes through the client's way afterwards, restricted to that range
//! ([`pipeline::run_stages`] with a range): it sorts and reports them exactly as it always does.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mysql_async::prelude::*;
use mysql_async::{Row, Value};
use tokio::sync::mpsc;

use crate::config::Source;
use crate::destination::db::Copied;
use crate::destination::{Dest, Target};
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, ErrorKind, RetryError};
use crate::progress::Progress;
use crate::source::delete::referenced;
use crate::source::read::{read_rows, PageReader};
use crate::stop::Stop;
use crate::table::batch::Batch;
use crate::table::range::KeyRange;
use crate::table::sql;
use crate::table::triggers::{Guard, Ours};
use crate::table::TablePlan;
use crate::throttle::Throttle;

use super::error::TableError;
use super::locked_copy;
use super::pipeline;
use super::report::TableReport;

/// Sessions and destinations the server-side copy uses (those of [`pipeline::Stages`]).
pub struct Copy<'a> {
    pub source: &'a Source,
    pub plan: &'a TablePlan,
    /// Reads the pages of keys.
    pub reader_db: &'a mut Connection,
    /// Deletes.
    pub delete_db: &'a mut Connection,
    pub dests: &'a mut [Dest],
    pub targets: &'a mut [Target],
    pub stop: &'a Stop,
    pub throttle: &'a mut Throttle,
    pub progress: &'a Progress,
}

/// Whether the table can go the server-side way: a real run that archives and deletes, every
/// destination an archive table on the source's server (with a unique index on the key, so
/// that rows archived already are recognised), no foreign key from the table onto itself or
/// through a cycle (the client's way orders those rows), and the copy not turned off.
pub async fn possible(
    source: &Source,
    src: &mut Connection,
    plan: &TablePlan,
    dests: &mut [Dest],
    targets: &[Target],
) -> bool {
    if !(source.archive_data && source.delete_data) {
        return false;
    }
    if plan.references_itself() || plan.in_cycle {
        return false;
    }
    if !plan.key_enforced {
        tracing::info!(
            "{}: its engine does not keep two rows from sharing a key: rows go through osarchiver",
            qualified(&plan.db, &plan.table)
        );
        return false;
    }
    let mut databases = 0;
    for (d, t) in dests.iter_mut().zip(targets) {
        let (Dest::Db(db), Target::Db(target)) = (d, t) else {
            continue;
        };
        if !db.same_server || !db.server_side_copy || target.missing {
            return false;
        }
        // The source's session reads the archive table (the delete checks each row against
        // its copy): a source user that may not read it would fail every delete (1142).
        let probe = format!(
            "SELECT 1 FROM {} LIMIT 0",
            qualified(&target.db, &target.table)
        );
        let read = with_retry(src, source.retry, "read the archive table", |a| {
            let probe = probe.as_str();
            Box::pin(async move { a.conn.query_drop(probe).await })
        })
        .await;
        if let Err(e) = read {
            tracing::info!(
                "{}: the source's session cannot read the archive table {} ({e}): rows go through osarchiver",
                qualified(&plan.db, &plan.table),
                qualified(&target.db, &target.table),
            );
            return false;
        }
        match db.has_key_index(target, &plan.key).await {
            Ok(true) => databases += 1,
            Ok(false) => {
                tracing::info!(
                    "{}: the archive table {} has no unique index on the key ({}): rows go through osarchiver",
                    qualified(&plan.db, &plan.table),
                    qualified(&target.db, &target.table),
                    plan.key.join(", ")
                );
                return false;
            }
            Err(e) => {
                tracing::debug!("{e}: rows go through osarchiver");
                return false;
            }
        }
    }
    databases > 0
}

/// A copied range on its way to the deleter.
struct Page {
    range: KeyRange,
    /// The ends of the delete chunks, in order (the last one is the range's end).
    chunk_ends: Vec<Vec<Value>>,
    /// Eligible keys the page read.
    keys: u64,
    /// The copy was refused (or failed): the range goes the client's way as a whole.
    refused: bool,
    /// With file destinations: the archived copies of the range's rows still identical in the
    /// source, as read back for the files; the delete then takes these rows only, by key.
    rows: Option<Arc<Batch>>,
}

/// Which rows a delete chunk names: a key range, or keys (bound, `n` of them).
enum Chunk {
    Range(KeyRange),
    Keys(Vec<Value>, usize),
}

impl Chunk {
    fn condition(&self, plan: &TablePlan) -> String {
        match self {
            Chunk::Range(r) => r.condition(plan),
            Chunk::Keys(_, n) => sql::key_in(&plan.key, &sql::key_placeholders(plan), *n),
        }
    }

    fn params(&self) -> Vec<Value> {
        match self {
            Chunk::Range(r) => r.params(),
            Chunk::Keys(keys, _) => keys.clone(),
        }
    }
}

/// Runs the table the server-side way, then the client's way over the ranges it left.
pub async fn run(mut copy: Copy<'_>, r: &mut TableReport) -> Result<(), TableError> {
    // Archive tables only, and no foreign key that would act on other rows: each chunk is
    // archived and deleted in one locked transaction, with nothing to compare. Not for a
    // table whose engine neither rolls back nor locks rows (MyISAM, Aria, MEMORY...): a chunk
    // whose transaction fails would have deleted its rows all the same, archived nowhere.
    // There each delete compares the rows with their copies in its own statement.
    let way = DeleteWay::of(copy.plan, copy.delete_db);
    if way != DeleteWay::Checked && copy.plan.transactional {
        if let Some(archives) = locked_copy::archives(&mut copy).await {
            return locked_copy::run(copy, archives, way == DeleteWay::Restricted, r).await;
        }
    }
    let Copy {
        source,
        plan,
        reader_db,
        delete_db,
        dests,
        targets,
        stop,
        throttle,
        progress,
    } = copy;
    let name = qualified(&plan.db, &plan.table);
    let keys_plan = plan.key_only();
    let archives: Vec<(String, String)> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Db(a) => Some((a.db.clone(), a.table.clone())),
            Target::File(_) => None,
        })
        .collect();
    let has_files = targets.iter().any(|t| matches!(t, Target::File(_)));
    let paused_before = throttle.paused();
    let periodic = !progress.enabled() && !source.progress_interval.is_zero();
    let estimate = if progress.enabled() || periodic {
        pipeline::estimate_rows(reader_db, plan, &source.where_clause).await
    } else {
        0
    };
    let bar = progress.table_bar(&name, estimate);
    let started = Instant::now();
    // Chunk ends inside a page are its keys bound for the range condition: not possible for
    // keys compared by a hidden order value (ENUM, SET), whose pages are one chunk each.
    let split = keys_plan
        .key_params()
        .iter()
        .zip(&plan.key)
        .all(|(p, k)| p.order_expr(k).is_none());
    let delete_limit = (source.delete_limit as usize).max(1);
    // The destinations, by kind: the copier writes the databases, the filer the files.
    let mut databases: Vec<(usize, &mut Dest, &Target)> = Vec::new();
    let mut files: Vec<(usize, &mut Dest, &mut Target)> = Vec::new();
    for (i, (d, t)) in dests.iter_mut().zip(targets.iter_mut()).enumerate() {
        match t {
            Target::Db(_) => databases.push((i, d, &*t)),
            Target::File(_) => files.push((i, d, t)),
        }
    }
    // The files' rows are read back on a session of their own, so that reading them overlaps
    // the next copy; without one (it could not be opened), the copier reads them back itself.
    let mut file_db = if has_files {
        match Connection::connect(&source.conn).await {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::debug!("{name}: a session to read back the copied rows: {e}");
                None
            }
        }
    } else {
        None
    };
    let read_back = |range: &KeyRange| {
        (
            sql::read_archived(
                plan,
                (&archives[0].0, &archives[0].1),
                &source.where_clause,
                &range.condition(plan),
            ),
            range.params(),
        )
    };
    let filer_reads = file_db.is_some();
    let (to_filer, from_copier) = mpsc::channel::<Page>(1);
    let (to_deleter, from_filer) = mpsc::channel::<Page>(1);

    let copying = async {
        let to_filer = to_filer;
        // Pages of the full rows' size: the files read each page's rows whole.
        let mut reader = PageReader::new(
            &keys_plan,
            &source.where_clause,
            plan.page_rows(source.select_limit),
        );
        let (mut read_time, mut write_time) = (Duration::ZERO, Duration::ZERO);
        let mut after: Option<Vec<Value>> = None;
        let mut refused_once = false;
        loop {
            if let Some(why) = stop.reason() {
                tracing::info!(
                    "{name}: {}: no more pages are read; finishing the ranges already copied",
                    why.describe()
                );
                break;
            }
            let t0 = Instant::now();
            let batch = {
                let reader = &reader;
                with_retry(reader_db, source.retry, "read page of keys", |a| {
                    Box::pin(reader.read(a.conn))
                })
                .await
            };
            read_time += t0.elapsed();
            let batch: Batch = match batch {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(e) => return (read_time, write_time, Err(TableError::Read(e))),
            };
            reader.advance(&batch);
            let Some(upto) = batch.next_key.clone() else {
                break;
            };
            let range = KeyRange {
                after: after.replace(upto.clone()),
                upto,
            };
            let mut chunk_ends = Vec::new();
            if split && !has_files {
                let params = keys_plan.key_params();
                let mut i = delete_limit;
                while i < batch.len() {
                    chunk_ends.push(
                        batch
                            .bound_key(i - 1, &keys_plan.key_pos, &params)
                            .collect::<Vec<_>>(),
                    );
                    i += delete_limit;
                }
            }
            chunk_ends.push(range.upto.clone());
            let t1 = Instant::now();
            let mut refused = false;
            for (_, d, t) in databases.iter_mut() {
                let (Dest::Db(db), Target::Db(target)) = (&mut **d, &**t) else {
                    continue;
                };
                match db
                    .copy_range(target, plan, &source.where_clause, &range)
                    .await
                {
                    Ok(Copied::Done { .. }) => {}
                    Ok(Copied::Refused(why)) => {
                        tracing::debug!(
                            "{name}: destination {}: the server-side copy of a range was refused ({why}): its rows go through osarchiver",
                            db.name
                        );
                        refused = true;
                        break;
                    }
                    Err(e) => {
                        if !refused_once {
                            tracing::info!(
                                "{name}: destination {}: the server-side copy failed ({e}): its rows go through osarchiver",
                                db.name
                            );
                            refused_once = true;
                        }
                        refused = true;
                        break;
                    }
                }
            }
            write_time += t1.elapsed();
            let mut rows = None;
            if has_files && !refused && !filer_reads {
                // The files get the archived copies, read back: the same bytes.
                let t2 = Instant::now();
                let (statement, params) = read_back(&range);
                let read = with_retry(reader_db, source.retry, "read back copied rows", |a| {
                    Box::pin(read_rows(a.conn, plan, &statement, params.clone()))
                })
                .await;
                read_time += t2.elapsed();
                match read {
                    Ok(b) => rows = Some(Arc::new(b)),
                    Err(e) => return (read_time, write_time, Err(TableError::Read(e))),
                }
            }
            let page = Page {
                range,
                chunk_ends,
                keys: batch.len() as u64,
                refused,
                rows,
            };
            if to_filer.send(page).await.is_err() {
                break; // a later stage stopped: its error is reported there
            }
        }
        (read_time, write_time, Ok(()))
    };

    let filing = async {
        let to_deleter = to_deleter;
        let mut from_copier = from_copier;
        let mut written = vec![0u64; files.len()];
        let (mut time, mut read_time) = (Duration::ZERO, Duration::ZERO);
        while let Some(mut page) = from_copier.recv().await {
            if let (Some(db), false) = (file_db.as_mut(), page.refused) {
                // The files get the archived copies, read back: the same bytes.
                let t0 = Instant::now();
                let (statement, params) = read_back(&page.range);
                let read = with_retry(db, source.retry, "read back copied rows", |a| {
                    Box::pin(read_rows(a.conn, plan, &statement, params.clone()))
                })
                .await;
                read_time += t0.elapsed();
                match read {
                    Ok(b) => page.rows = Some(Arc::new(b)),
                    Err(e) => return (written, time, read_time, Err(TableError::Read(e))),
                }
            }
            if let Some(mut rows) = page.rows.take() {
                let t0 = Instant::now();
                for (n, (_, d, t)) in files.iter_mut().enumerate() {
                    let (Dest::File(f), Target::File(ft)) = (&mut **d, &mut **t) else {
                        continue;
                    };
                    // Encoding and fsync on a blocking thread: the copier and the deleter,
                    // on this task, go on meanwhile.
                    let written_now = if rows.is_empty() {
                        Ok((crate::destination::WriteOutcome::default(), rows.clone()))
                    } else {
                        f.write_off_task(ft, rows.clone()).await
                    };
                    match written_now.map_err(crate::destination::DestError::from) {
                        Ok((out, back)) => {
                            written[n] += out.archived;
                            rows = back;
                        }
                        Err(e) => {
                            let dest = d.name().to_string();
                            return (
                                written,
                                time,
                                read_time,
                                Err(TableError::Write { dest, source: e }),
                            );
                        }
                    }
                }
                time += t0.elapsed();
                page.rows = Some(rows);
            }
            if to_deleter.send(page).await.is_err() {
                break; // the deleter stopped: its error is reported there
            }
        }
        (written, time, read_time, Ok(()))
    };

    let deleting = async {
        let mut from_filer = from_filer;
        // Ranges left for the client's way, each with the keys of the rows the files hold
        // already (read back for them).
        let mut left: Vec<(KeyRange, Option<HashSet<String>>)> = Vec::new();
        let (mut deleted, mut time) = (0u64, Duration::ZERO);
        let mut first = true;
        let way = DeleteWay::of(plan, delete_db);
        let (mut rows, mut last_progress) = (0u64, Instant::now());
        let key_params = keys_plan.key_params();
        'pages: while let Some(page) = from_filer.recv().await {
            if page.refused {
                left.push((page.range, None));
                continue;
            }
            let t0 = Instant::now();
            let mut page_deleted = 0u64;
            let mut leftover = false;
            let chunks: Vec<Chunk> = match &page.rows {
                // Only the rows the files hold, by key.
                Some(batch) => (0..batch.len())
                    .collect::<Vec<_>>()
                    .chunks(delete_limit)
                    .map(|part| {
                        let keys: Vec<Value> = part
                            .iter()
                            .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
                            .collect();
                        Chunk::Keys(keys, part.len())
                    })
                    .collect(),
                None => {
                    let mut after = page.range.after.clone();
                    page.chunk_ends
                        .iter()
                        .map(|end| {
                            Chunk::Range(KeyRange {
                                after: after.replace(end.clone()),
                                upto: end.clone(),
                            })
                        })
                        .collect()
                }
            };
            for chunk in &chunks {
                if !first && !source.delete_loop_delay.is_zero() {
                    throttle.pause(source.delete_loop_delay).await;
                }
                first = false;
                if throttle.wait().await.is_err() {
                    // Stopped while paused: the copied rows stay in the source (and in the
                    // archive, identical: the next run deletes them).
                    time += t0.elapsed();
                    deleted += page_deleted;
                    break 'pages;
                }
                let done = match way {
                    DeleteWay::Plain => {
                        delete_chunk(delete_db, source, plan, &archives, chunk, false).await
                    }
                    DeleteWay::Restricted => {
                        match delete_chunk(delete_db, source, plan, &archives, chunk, true).await {
                            Err(e) if e.kind() == ErrorKind::ForeignKey => {
                                delete_referenced(
                                    delete_db, source, plan, &keys_plan, &archives, chunk,
                                )
                                .await
                            }
                            other => other,
                        }
                    }
                    DeleteWay::Checked => {
                        delete_referenced(delete_db, source, plan, &keys_plan, &archives, chunk)
                            .await
                    }
                };
                match done {
                    Ok((n, clean)) => {
                        page_deleted += n;
                        leftover |= !clean;
                    }
                    // A row the checks could not see is still referenced, or a child table
                    // named by the statement was dropped during the run: the client's way
                    // sorts the chunk's rows out.
                    Err(e) if e.kind() == ErrorKind::ForeignKey || no_such_table(&e) => {
                        leftover = true
                    }
                    Err(e) => {
                        deleted += page_deleted;
                        return (
                            deleted,
                            time + t0.elapsed(),
                            left,
                            Err(TableError::Delete(e)),
                        );
                    }
                }
            }
            time += t0.elapsed();
            deleted += page_deleted;
            if leftover || page_deleted < page.keys {
                let held = page.rows.as_ref().map(|b| {
                    (0..b.len())
                        .map(|i| b.key_id(i, &plan.key_pos))
                        .collect::<HashSet<String>>()
                });
                left.push((page.range, held));
            }
            rows += page.keys;
            if let Some(bar) = &bar {
                if rows > bar.length().unwrap_or(0) {
                    bar.set_length(rows);
                }
                bar.set_position(rows);
                bar.set_message(format!("deleted {deleted}"));
            } else if periodic && last_progress.elapsed() >= source.progress_interval {
                last_progress = Instant::now();
                tracing::info!(
                    "{name}: {}",
                    pipeline::progress_line(rows, estimate, deleted, started.elapsed())
                );
            }
        }
        (deleted, time, left, Ok(()))
    };

    let (
        (read_time, copy_time, copy_result),
        (written, file_time, read_back_time, file_result),
        (deleted, delete_time, left, delete_result),
    ) = tokio::join!(copying, filing, deleting);
    crate::progress::finish(bar, &format!("deleted {deleted}"));
    // What the fast way deleted was read, archived in every database and deleted; the files
    // hold every row read back for them.
    r.read += deleted;
    for (i, _, _) in &databases {
        r.add_archived(*i, deleted);
    }
    for ((i, _, _), n) in files.iter().zip(written) {
        r.add_archived(*i, n);
    }
    r.deleted += deleted;
    r.timing.read += read_time + read_back_time;
    r.timing.write += copy_time + file_time;
    r.timing.delete += delete_time;
    r.timing.throttled += throttle.paused().saturating_sub(paused_before);
    drop(databases);
    drop(files);
    if let Some(db) = file_db {
        let _ = db.disconnect().await;
    }
    let errors: Vec<TableError> = [copy_result, file_result, delete_result]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if let Some(e) = TableError::of_stages(errors) {
        return Err(e);
    }
    through_client(
        Copy {
            source,
            plan,
            reader_db,
            delete_db,
            dests,
            targets,
            stop,
            throttle,
            progress,
        },
        left.into_iter()
            .map(|(range, held)| (range, held, 0))
            .collect(),
        r,
    )
    .await
}

/// Runs the client's way over the ranges the server-side copy left, in the order given, each
/// with the keys of the rows the files hold already; none after a stop is requested.
pub(super) async fn through_client(
    copy: Copy<'_>,
    left: Vec<(KeyRange, Option<HashSet<String>>, u64)>,
    r: &mut TableReport,
) -> Result<(), TableError> {
    let Copy {
        source,
        plan,
        reader_db,
        delete_db,
        dests,
        targets,
        stop,
        throttle,
        progress,
    } = copy;
    if !left.is_empty() {
        tracing::debug!(
            "{}: {} ranges left by the server-side copy go through osarchiver",
            qualified(&plan.db, &plan.table),
            left.len()
        );
    }
    let mut left = left.into_iter();
    while let Some((range, held, read)) = left.next() {
        if stop.is_requested() {
            // The rows the server-side way read in the ranges not gone through (the files
            // got them) count as read: a stopped run's report says what it read.
            r.read += read + left.by_ref().map(|(_, _, n)| n).sum::<u64>();
            break;
        }
        pipeline::run_stages(
            pipeline::Stages {
                source,
                plan,
                reader_db,
                delete_db,
                dests,
                targets,
                stop,
                throttle,
                progress,
                // Every destination again, files included: a row of the range the files do not
                // hold (one that became eligible after the copy, say) may go now, and must be
                // in them; the rows they hold already are not written twice.
                range: Some(&range),
                in_files: held.as_ref(),
            },
            r,
        )
        .await?;
    }
    Ok(())
}

/// `ER_NO_SUCH_TABLE` (1146).
fn no_such_table(e: &RetryError) -> bool {
    matches!(e.mysql_error(), mysql_async::Error::Server(s) if s.code == 1146)
}

/// How the chunks of a table are deleted, by the foreign keys onto it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeleteWay {
    /// No foreign key references the table (or the checks are off): one `DELETE`.
    Plain,
    /// Every foreign key onto the table is `RESTRICT` or `NO ACTION`: one `DELETE` that leaves
    /// out the rows still referenced ([`sql::unreferenced`]). Its reads of the child tables
    /// need no locks: the server itself refuses to delete a row still referenced and acts on
    /// no other row, so a child that appears meanwhile fails the statement (1451), which rolls
    /// it back, and the chunk is done the [`DeleteWay::Checked`] way.
    Restricted,
    /// A foreign key onto the table would cascade, set null or set a default: its rows are
    /// locked and checked first ([`delete_referenced`]).
    Checked,
}

impl DeleteWay {
    fn of(plan: &TablePlan, db: &Connection) -> DeleteWay {
        use crate::mysql::schema::FkRule;
        if plan.referenced_by.is_empty() || db.foreign_key_checks() == Some(false) {
            return DeleteWay::Plain;
        }
        let restrict_only = plan
            .referenced_by
            .iter()
            .all(|fk| matches!(fk.on_delete, FkRule::Restrict | FkRule::NoAction));
        if restrict_only {
            DeleteWay::Restricted
        } else {
            DeleteWay::Checked
        }
    }
}

/// Deletes a chunk in one statement, rows identical to their archived copies only, and with
/// `unreferenced` only the rows no foreign key references ([`DeleteWay::Restricted`]). Returns
/// the rows deleted, and whether nothing is known to be left (always: what is left shows in
/// the count).
async fn delete_chunk(
    db: &mut Connection,
    source: &Source,
    plan: &TablePlan,
    archives: &[(String, String)],
    chunk: &Chunk,
    unreferenced: bool,
) -> Result<(u64, bool), RetryError> {
    let mut statement = sql::delete_archived(
        plan,
        &source.where_clause,
        &chunk.condition(plan),
        archives,
        db.is_mariadb(),
    );
    if unreferenced {
        statement.push_str(&sql::unreferenced(plan));
    }
    let params = chunk.params();
    with_retry(db, source.retry, "delete", |a| {
        let (statement, params) = (statement.as_str(), params.clone());
        Box::pin(async move {
            if plan.definition.is_none() {
                a.conn.exec_drop(statement, params).await?;
                return Ok((a.conn.affected_rows(), true));
            }
            // In a transaction that holds the table's definition until the commit.
            let result = async {
                crate::table::definition::begin_checked(a.conn, plan).await?;
                let guard = Guard::start(a.conn, plan).await?;
                a.conn.exec_drop(statement, params).await?;
                let deleted = a.conn.affected_rows();
                guard.check(a.conn, plan, Ours::one(deleted)).await?;
                if deleted > 0 {
                    crate::table::definition::check_references(a.conn, plan).await?;
                }
                Ok((deleted, true))
            }
            .await;
            end_transaction(a.conn, result).await
        })
    })
    .await
}

/// Commits the transaction that produced `result`, or rolls it back after an error (a lost
/// session has rolled back already).
async fn end_transaction<T>(
    conn: &mut mysql_async::Conn,
    result: Result<T, mysql_async::Error>,
) -> Result<T, mysql_async::Error> {
    match result {
        Ok(done) => {
            conn.query_drop("COMMIT").await?;
            Ok(done)
        }
        Err(e) => {
            let _ = conn.query_drop("ROLLBACK").await;
            Err(e)
        }
    }
}

/// Deletes a chunk of a table that foreign keys reference, in one transaction: locks the
/// chunk's eligible rows, finds those still referenced through each foreign key (locking reads,
/// [`referenced`]), deletes the others by key if identical to their archived copies. Returns
/// the rows deleted, and whether none was kept (blocked, or changed since it was copied).
async fn delete_referenced(
    db: &mut Connection,
    source: &Source,
    plan: &TablePlan,
    keys_plan: &TablePlan,
    archives: &[(String, String)],
    chunk: &Chunk,
) -> Result<(u64, bool), RetryError> {
    let lock = sql::lock_keys(keys_plan, &source.where_clause, &chunk.condition(plan));
    let params = chunk.params();
    let key_params = keys_plan.key_params();
    let placeholders = sql::key_placeholders(keys_plan);
    let mariadb = db.is_mariadb();
    with_retry(db, source.retry, "delete", |a| {
        let (lock, params, key_params, placeholders) =
            (lock.as_str(), params.clone(), &key_params, &placeholders);
        Box::pin(async move {
            a.conn.query_drop("START TRANSACTION").await?;
            let result = async {
                let rows: Vec<Row> = a.conn.exec(lock, params).await?;
                crate::table::definition::check(a.conn, plan).await?;
                let locked = Batch {
                    rows: rows.into_iter().map(Row::unwrap).collect(),
                    ..Batch::default()
                };
                if locked.is_empty() {
                    return Ok((0, true));
                }
                let all: Vec<usize> = (0..locked.len()).collect();
                let refs = referenced(a.conn, keys_plan, &locked, &all).await?;
                let (going, blocked) = refs.split(keys_plan, &locked, all);
                if going.is_empty() {
                    return Ok((0, false));
                }
                let cond = sql::key_in(&keys_plan.key, placeholders, going.len());
                let statement =
                    sql::delete_archived(plan, &source.where_clause, &cond, archives, mariadb);
                let keys: Vec<Value> = going
                    .iter()
                    .flat_map(|&i| locked.bound_key(i, &keys_plan.key_pos, key_params))
                    .collect();
                let guard = Guard::start(a.conn, plan).await?;
                a.conn.exec_drop(statement, keys).await?;
                let deleted = a.conn.affected_rows();
                guard.check(a.conn, plan, Ours::one(deleted)).await?;
                if deleted > 0 {
                    crate::table::definition::check_references(a.conn, plan).await?;
                }
                Ok((deleted, blocked.is_empty() && deleted == going.len() as u64))
            }
            .await;
            end_transaction(a.conn, result).await
        })
    })
    .await
}
