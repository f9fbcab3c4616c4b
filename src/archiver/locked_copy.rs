//! The locked way of the server-side copy, for a table whose only destinations are archive
//! tables on the source's MariaDB server and whose rows no foreign key would cascade onto: each
//! chunk is one transaction on a source session that archives and deletes the same rows, with
//! nothing to compare afterwards:
//!
//! 1. `SELECT key ... WHERE <chunk's key range> AND (where) ORDER BY key FOR UPDATE`, under
//!    `READ COMMITTED`: the chunk's eligible rows, locked (and only those: no gap locks), so
//!    that nobody changes them until the commit;
//! 2. per archive table, `INSERT IGNORE INTO archive SELECT ... WHERE key IN (<the locked
//!    keys>) AND (where)`: it must insert every locked row, with no warning (a row the archive
//!    holds already, or a value the archive would alter, refuses the chunk);
//! 3. `DELETE ... WHERE key IN (<the locked keys>) AND (where)`, on a table that `RESTRICT`/`NO
//!    ACTION` foreign keys reference `AND NOT EXISTS (<a child row>)` per key
//!    ([`sql::unreferenced`]; a child that appears meanwhile fails the statement with 1451);
//! 4. `COMMIT`: the archived copies and the deletion become durable together.
//!
//! The locked rows cannot change between the steps, and the statements name them by key: every
//! row deleted is a locked row, and the copy's count proves that the archive got every locked
//! row, as it was locked, still selected. A warning or an error that is not a lost session
//! rolls the chunk back; rows kept (still referenced, or no longer selected) leave a chunk that
//! is committed but not clean. Either way the chunk's range goes the client's way afterwards,
//! which sorts and reports its rows as it always does.
//!
//! Two sessions take the chunks in turn while a third reads the next page of keys (a
//! consistent read, no locks); the chunks are disjoint key ranges and hold no gap locks, so
//! they never wait for one another.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mysql_async::prelude::*;
use mysql_async::{Row, Value};
use tokio::sync::{mpsc, Mutex};

use crate::destination::{Dest, Target};
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{codes, with_retry, ErrorKind, RetryError};
use crate::source::read::read_rows;
use crate::table::batch::Batch;
use crate::table::range::KeyRange;
use crate::table::sql;
use crate::table::TablePlan;

use super::error::TableError;
use super::pipeline;
use super::report::TableReport;
use super::server_copy::{self, Copy};

/// An archive table the chunks are copied into, and the `sql_mode` its rows are written under.
pub(super) struct Archive {
    pub db: String,
    pub table: String,
    pub mode: String,
}

/// The archive tables of the locked way, when it can run: MariaDB, and the source's user may
/// copy into each archive table (checked with a copy of no row). File destinations are
/// written from the locked rows.
pub(super) async fn archives(copy: &mut Copy<'_>) -> Option<Vec<Archive>> {
    if !copy.delete_db.is_mariadb() {
        return None;
    }
    let mut out = Vec::new();
    for (d, t) in copy.dests.iter().zip(copy.targets.iter()) {
        let (Dest::Db(db), Target::Db(target)) = (d, t) else {
            continue;
        };
        out.push(Archive {
            db: target.db.clone(),
            table: target.table.clone(),
            mode: db.write_mode().to_string(),
        });
    }
    if out.is_empty() {
        return None;
    }
    let plan = copy.plan;
    for a in &out {
        let probe = sql::copy_keys(plan, &a.db, &a.table, "FALSE", "TRUE", &a.mode);
        let probed = copy
            .delete_db
            .run("probe the copy", |c| Box::pin(c.query_drop(probe)))
            .await;
        if let Err(e) = probed {
            tracing::debug!(
                "{}: the source's session cannot copy into {} ({e}): the archive's session copies",
                qualified(&plan.db, &plan.table),
                qualified(&a.db, &a.table)
            );
            return None;
        }
    }
    Some(out)
}

/// What one chunk's transaction did.
enum Chunk {
    /// Committed: rows deleted, and whether none was kept (blocked by a foreign key).
    Done { deleted: u64, clean: bool },
    /// Rolled back: why.
    Refused(String),
}

/// Runs the table the locked way, then the client's way over the ranges it left. `restricted`:
/// foreign keys (all `RESTRICT` or `NO ACTION`) reference the table, so the delete skips the
/// rows they protect.
pub(super) async fn run(
    copy: Copy<'_>,
    archives: Vec<Archive>,
    restricted: bool,
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
    let name = qualified(&plan.db, &plan.table);
    let keys_plan = plan.key_only();
    let paused_before = throttle.paused();
    let periodic = !progress.enabled() && !source.progress_interval.is_zero();
    let estimate = if progress.enabled() || periodic {
        pipeline::estimate_rows(reader_db, plan, &source.where_clause).await
    } else {
        0
    };
    let bar = progress.table_bar(&name, estimate);
    let started = Instant::now();
    // Chunk ends inside a page are keys bound for the range condition: not possible for keys
    // compared by a hidden order value (ENUM, SET), whose pages are one chunk each.
    let split = keys_plan
        .key_params()
        .iter()
        .zip(&plan.key)
        .all(|(p, k)| p.order_expr(k).is_none());
    let delete_limit = (source.delete_limit as usize).max(1);
    // A second session takes every other chunk (without one, the first takes them all).
    let mut second = match Connection::connect(&source.conn).await {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::debug!("{name}: a second session to delete: {e}");
            None
        }
    };
    if let (Some(c), Some(false)) = (second.as_mut(), delete_db.foreign_key_checks()) {
        if let Err(e) = c.set_foreign_key_checks(false).await {
            tracing::debug!("{name}: a second session to delete: {e}");
            second = None;
        }
    }
    let (to_workers, chunks) = mpsc::channel::<(usize, KeyRange)>(2);
    let chunks = Mutex::new(chunks);
    let deleted = AtomicU64::new(0);
    let done_rows = AtomicU64::new(0);
    let turns = Turns::default();
    let last_progress = std::sync::Mutex::new(Instant::now());

    let reading = async {
        let to_workers = to_workers;
        let mut reader = PageReaderState::new(&keys_plan, source);
        let mut time = Duration::ZERO;
        let mut first = true;
        let mut seq = 0usize;
        loop {
            if let Some(why) = stop.reason() {
                tracing::info!(
                    "{name}: {}: no more pages are read; finishing the chunks under way",
                    why.describe()
                );
                break;
            }
            let t0 = Instant::now();
            let page = reader.next(reader_db, source).await;
            time += t0.elapsed();
            let (batch, range) = match page {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(e) => return (time, Err(TableError::Read(e))),
            };
            let mut ends = Vec::new();
            if split {
                let params = keys_plan.key_params();
                let mut i = delete_limit;
                while i < batch.len() {
                    ends.push(
                        batch
                            .bound_key(i - 1, &keys_plan.key_pos, &params)
                            .collect::<Vec<_>>(),
                    );
                    i += delete_limit;
                }
            }
            ends.push(range.upto.clone());
            let mut after = range.after.clone();
            for end in ends {
                if !first && !source.delete_loop_delay.is_zero() {
                    tokio::time::sleep(source.delete_loop_delay).await;
                }
                first = false;
                if throttle.wait().await.is_err() {
                    return (time, Ok(()));
                }
                let chunk = KeyRange {
                    after: after.replace(end.clone()),
                    upto: end,
                };
                seq += 1;
                if to_workers.send((seq, chunk)).await.is_err() {
                    return (time, Ok(())); // the workers stopped: their error is reported
                }
            }
            let rows = done_rows.load(Ordering::Relaxed);
            if let Some(bar) = &bar {
                if rows > bar.length().unwrap_or(0) {
                    bar.set_length(rows);
                }
                bar.set_position(rows);
                bar.set_message(format!("deleted {}", deleted.load(Ordering::Relaxed)));
            } else if periodic {
                let mut last = last_progress.lock().unwrap_or_else(|e| e.into_inner());
                if last.elapsed() >= source.progress_interval {
                    *last = Instant::now();
                    tracing::info!(
                        "{name}: {}",
                        pipeline::progress_line(
                            rows,
                            estimate,
                            deleted.load(Ordering::Relaxed),
                            started.elapsed()
                        )
                    );
                }
            }
        }
        (time, Ok(()))
    };

    // The file destinations (their positions among the destinations, and the rows each got).
    let file_slots: Vec<usize> = targets
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(t, Target::File(_)))
        .map(|(i, _)| i)
        .collect();
    let files = Mutex::new(Files {
        files: dests
            .iter_mut()
            .zip(targets.iter_mut())
            .filter(|(_, t)| matches!(t, Target::File(_)))
            .collect(),
        written: vec![0; file_slots.len()],
    });
    let shared = Shared {
        chunks: &chunks,
        deleted: &deleted,
        done_rows: &done_rows,
        turns: &turns,
        source,
        plan,
        keys_plan: &keys_plan,
        archives: &archives,
        files: (!file_slots.is_empty()).then_some(&files),
        restricted,
        name: &name,
    };
    let ((read_time, read_result), (mut left, time1, result1), (left2, time2, result2)) =
        match second.as_mut() {
            Some(second) => {
                tokio::join!(reading, worker(delete_db, &shared), worker(second, &shared))
            }
            None => {
                let (a, b) = tokio::join!(reading, worker(delete_db, &shared));
                (a, b, (Vec::new(), Duration::ZERO, Ok(())))
            }
        };
    let written = files.into_inner().written;
    if let Some(c) = second {
        let _ = c.disconnect().await;
    }
    left.extend(left2);
    let deleted = deleted.into_inner();
    if let Some(bar) = &bar {
        let rows = done_rows.load(Ordering::Relaxed);
        bar.set_length(bar.length().unwrap_or(0).max(rows));
        bar.set_position(rows);
    }
    crate::progress::finish(bar, &format!("deleted {deleted}"));
    r.read += deleted;
    for (i, t) in targets.iter().enumerate() {
        if matches!(t, Target::Db(_)) {
            r.add_archived(i, deleted);
        }
    }
    for (&i, n) in file_slots.iter().zip(written) {
        r.add_archived(i, n);
    }
    r.deleted += deleted;
    r.timing.read += read_time;
    // Each chunk archives and deletes in one transaction: its time counts as deleting.
    r.timing.delete += time1 + time2;
    r.timing.throttled += throttle.paused().saturating_sub(paused_before);
    let errors: Vec<TableError> = [read_result, result1, result2]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if let Some(e) = TableError::of_stages(errors) {
        return Err(e);
    }
    // In key order: the report's first blocked rows are the table's first ones.
    left.sort_by_key(|(seq, _, _)| *seq);
    server_copy::through_client(
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
            .map(|(_, range, held)| (range, held))
            .collect(),
        r,
    )
    .await
}

/// What the sessions taking the chunks share.
struct Shared<'a, 'd> {
    chunks: &'a Mutex<mpsc::Receiver<(usize, KeyRange)>>,
    /// Rows deleted, and rows locked, so far.
    deleted: &'a AtomicU64,
    done_rows: &'a AtomicU64,
    /// The chunks lock their rows in order.
    turns: &'a Turns,
    source: &'a crate::config::Source,
    plan: &'a TablePlan,
    keys_plan: &'a TablePlan,
    archives: &'a [Archive],
    /// The file destinations, if any.
    files: Option<&'a Mutex<Files<'d>>>,
    restricted: bool,
    name: &'a str,
}

/// The order in which the chunks lock their rows: chunk `k` (from 1) runs its locking read once
/// chunk `k - 1` has run its own. A locking read may lock the first row past its range for a
/// moment (and wait for it): in order, no chunk ever waits for a later one, so the sessions
/// cannot deadlock one another.
#[derive(Default)]
struct Turns {
    locked: std::sync::Mutex<usize>,
    notify: tokio::sync::Notify,
}

impl Turns {
    async fn wait(&self, seq: usize) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if *self.locked.lock().unwrap_or_else(|e| e.into_inner()) + 1 >= seq {
                return;
            }
            notified.await;
        }
    }

    fn done(&self, seq: usize) {
        {
            let mut locked = self.locked.lock().unwrap_or_else(|e| e.into_inner());
            if *locked < seq {
                *locked = seq;
            }
        }
        self.notify.notify_waiters();
    }
}

/// A range left for the client's way (its chunk's number, the range, the keys of the rows the
/// files hold already).
type Left = (usize, KeyRange, Option<HashSet<String>>);

/// Takes chunks until none is left; returns the ranges left for the client's way and the time
/// spent. Stops at an error that is a lost session (after its retries; the client's way would
/// meet it again) or a file that cannot be written.
async fn worker(
    db: &mut Connection,
    s: &Shared<'_, '_>,
) -> (Vec<Left>, Duration, Result<(), TableError>) {
    let name = s.name;
    let mut left: Vec<Left> = Vec::new();
    let mut time = Duration::ZERO;
    loop {
        let chunk = s.chunks.lock().await.recv().await;
        let Some((seq, range)) = chunk else {
            break;
        };
        let t0 = Instant::now();
        s.turns.wait(seq).await;
        let done = match s.files {
            None => one_chunk(db, s, seq, &range)
                .await
                .map(|(n, chunk)| (n, chunk, None))
                .map_err(TableError::Delete),
            Some(files) => one_chunk_with_files(db, s, files, seq, &range).await,
        };
        s.turns.done(seq);
        time += t0.elapsed();
        match done {
            Ok((locked, Chunk::Done { deleted, clean }, held)) => {
                s.deleted.fetch_add(deleted, Ordering::Relaxed);
                s.done_rows.fetch_add(locked, Ordering::Relaxed);
                if !clean {
                    left.push((seq, range, held));
                }
            }
            Ok((_, Chunk::Refused(why), held)) => {
                tracing::debug!("{name}: a chunk goes through osarchiver: {why}");
                left.push((seq, range, held));
            }
            // Not a dead session: the client's way meets the error again and reports it (or
            // sorts the rows out).
            Err(TableError::Delete(e)) if e.kind() != ErrorKind::Transient => {
                tracing::debug!("{name}: a chunk goes through osarchiver: {e}");
                left.push((seq, range, None));
            }
            Err(e) => {
                // No more chunks for anyone: the reader's next send fails, and the other
                // session takes only what was sent already.
                s.chunks.lock().await.close();
                return (left, time, Err(e));
            }
        }
    }
    (left, time, Ok(()))
}

/// The file destinations, written a chunk at a time, and the rows each one got.
struct Files<'d> {
    files: Vec<(&'d mut Dest, &'d mut Target)>,
    written: Vec<u64>,
}

impl Files<'_> {
    /// Writes a chunk's rows to every file destination, each write flushed and fsynced (on a
    /// blocking thread).
    async fn write(&mut self, rows: Arc<Batch>) -> Result<(), TableError> {
        let mut rows = rows;
        for (n, (d, t)) in self.files.iter_mut().enumerate() {
            let (Dest::File(f), Target::File(ft)) = (&mut **d, &mut **t) else {
                continue;
            };
            match f.write_off_task(ft, rows.clone()).await {
                Ok((out, back)) => {
                    self.written[n] += out.archived;
                    rows = back;
                }
                Err(e) => {
                    return Err(TableError::Write {
                        dest: d.name().to_string(),
                        source: crate::destination::DestError::from(e),
                    })
                }
            }
        }
        Ok(())
    }
}

/// The pages of keys and the key ranges they end.
struct PageReaderState {
    reader: crate::source::read::PageReader,
    after: Option<Vec<Value>>,
}

impl PageReaderState {
    fn new(keys_plan: &TablePlan, source: &crate::config::Source) -> PageReaderState {
        PageReaderState {
            reader: crate::source::read::PageReader::new(
                keys_plan,
                &source.where_clause,
                source.select_limit,
            ),
            after: None,
        }
    }

    /// The next page of keys and its range, `None` at the end of the table.
    async fn next(
        &mut self,
        db: &mut Connection,
        source: &crate::config::Source,
    ) -> Result<Option<(Batch, KeyRange)>, RetryError> {
        let batch = {
            let reader = &self.reader;
            with_retry(db, source.retry, "read page of keys", |a| {
                Box::pin(reader.read(a.conn))
            })
            .await?
        };
        let Some(batch) = batch else {
            return Ok(None);
        };
        self.reader.advance(&batch);
        let Some(upto) = batch.next_key.clone() else {
            return Ok(None);
        };
        let range = KeyRange {
            after: self.after.replace(upto.clone()),
            upto,
        };
        Ok(Some((batch, range)))
    }
}

/// One chunk's transaction (see the module's documentation); retried whole on a lost session
/// or a deadlock. Returns the rows it locked and what it did.
async fn one_chunk(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    seq: usize,
    range: &KeyRange,
) -> Result<(u64, Chunk), RetryError> {
    let (plan, keys_plan) = (s.plan, s.keys_plan);
    let lock = sql::lock_keys(keys_plan, &s.source.where_clause, &range.condition(plan));
    let params = range.params();
    let key_params = keys_plan.key_params();
    with_retry(db, s.source.retry, "archive and delete", |a| {
        let (lock, params, key_params) = (lock.as_str(), params.clone(), &key_params);
        Box::pin(async move {
            a.conn
                .query_drop("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                .await?;
            a.conn.query_drop("START TRANSACTION").await?;
            let result = async {
                let rows: Result<Vec<Row>, _> = a.conn.exec(lock, params).await;
                s.turns.done(seq);
                let rows = rows?;
                let locked = Batch {
                    rows: rows.into_iter().map(Row::unwrap).collect(),
                    ..Batch::default()
                };
                let n = locked.len();
                if n == 0 {
                    return Ok((
                        0,
                        Chunk::Done {
                            deleted: 0,
                            clean: true,
                        },
                    ));
                }
                let keys: Vec<Value> = (0..n)
                    .flat_map(|i| locked.bound_key(i, &keys_plan.key_pos, key_params))
                    .collect();
                archive_and_delete(a.conn, s, range, n, keys).await
            }
            .await;
            finish(a.conn, result).await
        })
    })
    .await
}

/// Commits the chunk's transaction when it was done, else rolls it back.
async fn finish(
    conn: &mut mysql_async::Conn,
    result: Result<(u64, Chunk), mysql_async::Error>,
) -> Result<(u64, Chunk), mysql_async::Error> {
    match result {
        Ok((n, Chunk::Done { deleted, clean })) => {
            conn.query_drop("COMMIT").await?;
            Ok((n, Chunk::Done { deleted, clean }))
        }
        Ok(refused) => {
            conn.query_drop("ROLLBACK").await?;
            Ok(refused)
        }
        Err(e) => {
            let _ = conn.query_drop("ROLLBACK").await;
            Err(e)
        }
    }
}

/// One chunk's transaction with file destinations: the locked rows themselves are read, written
/// to the files (flushed and fsynced) and only then archived and deleted, in the same
/// transaction. The lock is retried on a lost session or a deadlock; once the files hold the
/// rows, nothing is retried: a failure leaves the range to the client's way with the keys the
/// files hold (it does not write them twice).
async fn one_chunk_with_files(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    files: &Mutex<Files<'_>>,
    seq: usize,
    range: &KeyRange,
) -> Result<(u64, Chunk, Option<HashSet<String>>), TableError> {
    let plan = s.plan;
    let lock = sql::lock_rows_in(plan, &s.source.where_clause, &range.condition(plan));
    let params = range.params();
    let read = with_retry(db, s.source.retry, "lock rows", |a| {
        let (lock, params) = (lock.as_str(), params.clone());
        Box::pin(async move {
            a.conn
                .query_drop("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                .await?;
            a.conn.query_drop("START TRANSACTION").await?;
            let read = read_rows(a.conn, plan, lock, params).await;
            s.turns.done(seq);
            match read {
                Ok(b) => Ok(b),
                Err(e) => {
                    let _ = a.conn.query_drop("ROLLBACK").await;
                    Err(e)
                }
            }
        })
    })
    .await;
    let batch = match read {
        Ok(b) => b,
        Err(e) if e.kind() != ErrorKind::Transient => {
            return Ok((0, Chunk::Refused(e.to_string()), None))
        }
        Err(e) => return Err(TableError::Read(e)),
    };
    let session = db.session();
    let n = batch.len();
    // Once the rows are locked (and, later, in the files): one attempt, on this session only.
    let once = crate::config::Retry {
        max_retries: 0,
        ..s.source.retry
    };
    if n == 0 {
        let _ = end(db, once, "COMMIT").await;
        return Ok((
            0,
            Chunk::Done {
                deleted: 0,
                clean: true,
            },
            None,
        ));
    }
    let batch = Arc::new(batch);
    if let Err(e) = files.lock().await.write(Arc::clone(&batch)).await {
        let _ = end(db, once, "ROLLBACK").await;
        return Err(e);
    }
    let held: HashSet<String> = (0..n).map(|i| batch.key_id(i, &plan.key_pos)).collect();
    // The locks must still be held: the same session, never replaced.
    if db.is_broken() || db.session() != session {
        return Ok((
            n as u64,
            Chunk::Refused("the session holding the locks was lost".into()),
            Some(held),
        ));
    }
    let key_params = plan.key_params();
    let keys: Vec<Value> = (0..n)
        .flat_map(|i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    let done = with_retry(db, once, "archive and delete", |a| {
        let keys = keys.clone();
        Box::pin(async move {
            let result = archive_and_delete(a.conn, s, range, n, keys).await;
            finish(a.conn, result).await
        })
    })
    .await;
    match done {
        Ok((_, chunk)) => Ok((n as u64, chunk, Some(held))),
        Err(e) => Ok((n as u64, Chunk::Refused(e.to_string()), Some(held))),
    }
}

/// Ends the session's transaction (`COMMIT` or `ROLLBACK`), in one attempt.
async fn end(
    db: &mut Connection,
    once: crate::config::Retry,
    statement: &'static str,
) -> Result<(), RetryError> {
    with_retry(db, once, "end the transaction", move |a| {
        Box::pin(a.conn.query_drop(statement))
    })
    .await
}

/// Inside a chunk's transaction, once its `n` rows are locked (`keys`, bound): copies them into
/// every archive table, then deletes them; neither commits nor rolls back. Returns the rows
/// locked and what was done, or why the chunk must be rolled back.
async fn archive_and_delete(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
    range: &KeyRange,
    n: usize,
    keys: Vec<Value>,
) -> Result<(u64, Chunk), mysql_async::Error> {
    let (plan, source, restricted) = (s.plan, s.source, s.restricted);
    let refused = |why: String| Ok((n as u64, Chunk::Refused(why)));
    // The chunk's range as well as its keys: the range bounds the scan where the server cannot
    // look the keys up one by one (text keys bound through an expression), so that a statement
    // never reads (nor waits for) the rows of another chunk.
    let named = format!(
        "{} AND {}",
        range.condition(plan),
        sql::key_in(&plan.key, &sql::key_placeholders(plan), n)
    );
    let mut params = range.params();
    params.extend(keys);
    let keys = params;
    for archive in s.archives {
        let copy = sql::copy_keys(
            plan,
            &archive.db,
            &archive.table,
            &named,
            &source.where_clause,
            &archive.mode,
        );
        conn.exec_drop(copy, keys.clone()).await?;
        let inserted = conn.affected_rows();
        let warnings = warnings(conn).await?;
        if let Some((code, message)) = warnings
            .listed
            .iter()
            .find(|(code, _)| *code != codes::UNSAFE_STATEMENT)
        {
            return refused(format!("{code}: {message}"));
        }
        if warnings.count > warnings.listed.len() as u64 {
            return refused("unlisted warnings".into());
        }
        if inserted != n as u64 {
            return refused(format!(
                "{inserted} of {n} rows copied into {}",
                qualified(&archive.db, &archive.table)
            ));
        }
    }
    // Rows still referenced stay: left out by the statement, and a child that appears
    // meanwhile fails it (1451, the chunk goes the client's way).
    let delete = if restricted {
        format!(
            "SET STATEMENT optimizer_switch = 'semijoin=off,materialization=off' FOR {}{}",
            sql::delete_matching(plan, &source.where_clause, &named),
            sql::unreferenced(plan)
        )
    } else {
        sql::delete_matching(plan, &source.where_clause, &named)
    };
    conn.exec_drop(delete, keys).await?;
    let deleted = conn.affected_rows();
    let warnings = warnings(conn).await?;
    if let Some((code, message)) = warnings.listed.first() {
        return refused(format!("{code}: {message}"));
    }
    if warnings.count > 0 || deleted > n as u64 {
        return refused("unlisted warnings".into());
    }
    // The rows deleted are locked rows (named by key), each archived as it was locked. Rows
    // kept (still referenced, or no longer selected) go the client's way.
    Ok((
        n as u64,
        Chunk::Done {
            deleted,
            clean: deleted == n as u64,
        },
    ))
}

/// The warnings of the last statement: how many, and those the server lists.
struct Warnings {
    count: u64,
    listed: Vec<(u16, String)>,
}

async fn warnings(conn: &mut mysql_async::Conn) -> Result<Warnings, mysql_async::Error> {
    let count = u64::from(conn.get_warnings());
    if count == 0 {
        return Ok(Warnings {
            count,
            listed: Vec::new(),
        });
    }
    let rows: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await?;
    Ok(Warnings {
        count,
        listed: rows
            .into_iter()
            .map(|(_, code, message)| (u16::try_from(code).unwrap_or(u16::MAX), message))
            .collect(),
    })
}
