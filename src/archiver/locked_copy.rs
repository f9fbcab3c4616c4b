//! The locked way of the server-side copy, for a table whose only destinations are archive
//! tables on the source's MariaDB server (and, beside them, file destinations) and whose rows no
//! foreign key would cascade onto: each chunk is one transaction on a source session that
//! archives and deletes the same rows, with nothing to compare afterwards:
//!
//! 0. the transaction begins with a copy of no row into each archive table, `FOR UPDATE`: it
//!    holds the metadata locks of every table of the chunk from then on, before it waits for
//!    the walk, so that the chunks under way can vouch for its definition check
//!    ([`super::cover`]);
//! 1. the chunk is the walk's next page of eligible rows, read `FOR UPDATE` under `READ
//!    COMMITTED`: locked (and only those: no gap locks), so that nobody changes them until the
//!    commit. When the first archive table's key columns are defined as the source's and there
//!    are no files, the page is read by copying it: `INSERT IGNORE INTO archive SELECT ... FOR
//!    UPDATE ... RETURNING key` ([`sql::copy_page`]) locks, copies and returns the keys in one
//!    statement; a warning (a row the archive holds already, a value it would alter) rolls it
//!    back, and the page is read again with a plain locking read. With file destinations, the
//!    page is the whole rows, written to the files (flushed and fsynced) while steps 2 and 3
//!    run, and step 4 waits for them;
//! 2. per archive table not yet holding them, `INSERT IGNORE INTO archive SELECT ... WHERE key
//!    IN (<the locked keys>) AND (where)`: it must insert every locked row, with no warning;
//! 3. `DELETE ... WHERE key IN (<the locked keys>) AND (where)`, on a table that `RESTRICT`/`NO
//!    ACTION` foreign keys reference `AND NOT EXISTS (<a child row>)` per key
//!    ([`sql::unreferenced`]; a child that appears meanwhile fails the statement with 1451).
//!    When InnoDB's dictionary shows every foreign key onto the table, no `BEFORE DELETE`
//!    trigger is on it, and the first chunk's `EXPLAIN` reads it by a range of its key, the
//!    server's own checks keep the referenced rows instead, with no child table read: a
//!    single-table `DELETE IGNORE` ([`sql::delete_unless_referenced`]), where every warning
//!    must be a row kept for a foreign key and the rows deleted and kept must add up to the
//!    rows locked;
//! 4. `COMMIT` (with files, once they hold the rows): the archived copies and the deletion
//!    become durable together.
//!
//! The locked rows cannot change between the steps, and the statements name them by key: every
//! row deleted is a locked row, and the copy's count proves that the archive got every locked
//! row, as it was locked, still selected. A warning or an error that is not a lost session
//! rolls the chunk back; rows kept (still referenced, or no longer selected) leave a chunk that
//! is committed but not clean. Either way the chunk's range goes the client's way afterwards,
//! which sorts and reports its rows as it always does.
//!
//! Two sessions take the chunks in turn. The walk's locking reads run one after the other,
//! each from where the last one ended (a mutex over the walk), while the other session archives
//! and deletes its chunk: the chunks are disjoint and hold no gap locks, so they never wait for
//! one another. A pace task hands out one ticket per chunk: `delete_loop_delay`, the throttles
//! and stop requests act between chunks.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};
use tokio::sync::{mpsc, watch, Mutex};

use crate::destination::{Dest, Target};
use crate::mysql::conn::Connection;
use crate::mysql::grants::{Decision, Grants};
use crate::mysql::ident::qualified;
use crate::mysql::retry::{codes, with_retry, ErrorKind, RetryError};
use crate::mysql::schema;
use crate::source::read::PageReader;
use crate::table::batch::Batch;
use crate::table::definition::Written;
use crate::table::range::KeyRange;
use crate::table::sql;
use crate::table::triggers::{Guard, Ours};
use crate::table::TablePlan;

use super::cover::{Cover, Vouch};
use super::error::TableError;
use super::pipeline;
use super::report::TableReport;
use super::server_copy::{self, Copy};

/// An archive table the chunks are copied into, and the `sql_mode` its rows are written under.
pub(super) struct Archive {
    pub db: String,
    pub table: String,
    pub mode: String,
    /// Its key columns are defined as the source's (type, character set, collation): the keys
    /// its `INSERT ... RETURNING` returns are the source's own.
    pub same_key: bool,
    /// Every column copied is defined as the source's: the rows its `INSERT ... RETURNING`
    /// returns are the source's own (what the file destinations get).
    pub same_columns: bool,
    /// Its definition when the walk began, checked after every copy into it, before the
    /// chunk's delete ([`crate::table::definition::check_chunk`]).
    pub definition: Option<String>,
}

/// The archive tables of the locked way, when it can run: MariaDB, and the source's user may
/// copy into each archive table (checked with a copy of no row). File destinations are
/// written from the locked rows.
pub(super) async fn archives(copy: &mut Copy<'_>) -> Option<Vec<Archive>> {
    if !copy.delete_db.is_mariadb() {
        return None;
    }
    // Under statement-based binary logging InnoDB refuses every write of a `READ COMMITTED`
    // transaction (error 1665): the chunks go the other way.
    let logging = copy
        .delete_db
        .run("read the binary log's format", |c| {
            Box::pin(c.query_first::<(Option<u8>, Option<String>), _>(
                "SELECT @@log_bin, @@binlog_format",
            ))
        })
        .await;
    if let Ok(Some((Some(1), Some(format)))) = &logging {
        if format.eq_ignore_ascii_case("STATEMENT") {
            tracing::debug!(
                "{}: binlog_format = STATEMENT: the locked way is not taken",
                qualified(&copy.plan.db, &copy.plan.table)
            );
            return None;
        }
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
            same_key: false,
            same_columns: false,
            definition: target.definition.clone(),
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
    let first = &mut out[0];
    let (d, t) = (first.db.clone(), first.table.clone());
    let defined = copy
        .delete_db
        .run("read the archive's columns", |c| {
            let (d, t) = (d.clone(), t.clone());
            Box::pin(async move { schema::column_definitions(c, &d, &t).await })
        })
        .await;
    if let Ok(columns) = defined {
        first.same_key = defined_as_source(plan, &columns, &plan.key_pos);
        let all: Vec<usize> = (0..plan.columns.len()).collect();
        first.same_columns = defined_as_source(plan, &columns, &all);
    }
    tracing::debug!(
        "{}: {}",
        qualified(&plan.db, &plan.table),
        if first.same_key {
            "the first archive's key is defined as the source's: a chunk can be locked by its copy"
        } else {
            "the first archive's key is not defined as the source's: a chunk is locked, then copied"
        }
    );
    tracing::debug!(
        "{}: {}",
        qualified(&plan.db, &plan.table),
        if first.same_columns {
            "the first archive's columns are all defined as the source's: with files, a chunk can be locked by its copy"
        } else {
            "the first archive's columns are not all defined as the source's: with files, a chunk is locked, then copied"
        }
    );
    Some(out)
}

/// Whether each of the plan's columns at `positions` is defined in `columns` (an archive
/// table's) as in the source: name, full type, character set and collation.
fn defined_as_source(
    plan: &TablePlan,
    columns: &[schema::ColumnDefinition],
    positions: &[usize],
) -> bool {
    positions.iter().all(|&p| {
        let (Some(name), Some(ty)) = (plan.columns.get(p), plan.column_types.get(p)) else {
            return false;
        };
        let charset = plan.column_charsets.get(p).cloned().flatten();
        columns
            .iter()
            .any(|(n, t, cs, coll)| n == name && t == ty && cs.clone().zip(coll.clone()) == charset)
    })
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
    // A chunk is at most a page (`select_limit`: the SQL files get one statement per page)
    // and at most a delete (`delete_limit`).
    let delete_limit = source
        .delete_limit
        .min(plan.page_rows(source.select_limit))
        .max(1);
    // A second session takes every other chunk (without one, the first takes them all). Not
    // for a table that adds its own history partitions: a delete that adds one waits for the
    // other session's open transaction, which waits for it in turn.
    let (db, table) = (plan.db.as_str(), plan.table.as_str());
    let alone = match with_retry(
        delete_db,
        source.retry,
        "read the table's definition",
        |a| {
            Box::pin(crate::table::definition::adds_own_partitions(
                a.conn, db, table,
            ))
        },
    )
    .await
    {
        Ok(auto) => auto,
        Err(e) => {
            tracing::debug!("{name}: SHOW CREATE TABLE: {e}");
            true
        }
    };
    let mut second = match alone {
        true => None,
        false => match Connection::connect(&source.conn).await {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::debug!("{name}: a second session to delete: {e}");
                None
            }
        },
    };
    if let (Some(c), Some(false)) = (second.as_mut(), delete_db.foreign_key_checks()) {
        if let Err(e) = c.set_foreign_key_checks(false).await {
            tracing::debug!("{name}: a second session to delete: {e}");
            second = None;
        }
    }
    let server_checks = ServerChecks::new(
        restricted
            && plan.references_known
            && server_checks_possible(delete_db, source, plan).await,
    );
    let has_files = targets.iter().any(|t| matches!(t, Target::File(_)));
    // With files, a chunk's lock reads the whole rows (what the files get); else its keys.
    let walk = Mutex::new(Walk {
        reader: PageReader::locking(
            if has_files { plan } else { &keys_plan },
            &source.where_clause,
            delete_limit,
        ),
        // The first copy locks the chunk when the archive returns what the lock would read:
        // the source's keys, or with files the source's rows.
        copying: archives
            .first()
            .filter(|a| {
                if has_files {
                    a.same_columns
                } else {
                    a.same_key
                }
            })
            .map(|a| {
                PageReader::copying(
                    plan,
                    &source.where_clause,
                    delete_limit,
                    (&a.db, &a.table),
                    &a.mode,
                    has_files,
                )
            }),
        ended: false,
        limit: delete_limit,
        seq: 0,
    });
    // Set once the walk has reached the end of the table: no more tickets, and no pause
    // before a ticket that would only find the end.
    let (ended, mut walk_ended) = watch::channel(false);
    // A ticket per chunk: the pace (delete_loop_delay, throttles, stop requests) is set here.
    let (to_workers, chunks) = mpsc::channel::<()>(1);
    let chunks = Mutex::new(chunks);
    let deleted = AtomicU64::new(0);
    let done_rows = AtomicU64::new(0);
    let last_progress = std::sync::Mutex::new(Instant::now());

    let pacing = async {
        let to_workers = to_workers;
        let mut first = true;
        loop {
            if *walk_ended.borrow() {
                break;
            }
            if let Some(why) = stop.reason() {
                tracing::info!(
                    "{name}: {}: no more pages are read; finishing the chunks under way",
                    why.describe()
                );
                break;
            }
            if !first && !source.delete_loop_delay.is_zero() {
                tokio::select! {
                    () = throttle.pause(source.delete_loop_delay) => {}
                    _ = walk_ended.wait_for(|e| *e) => break,
                }
            }
            first = false;
            if throttle.wait().await.is_err() {
                break;
            }
            if *walk_ended.borrow() {
                break;
            }
            if to_workers.send(()).await.is_err() {
                break; // the walk ended, or a worker failed (its error is reported)
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
    let cover = Cover::default();
    let begin = begin_statements(plan, &archives);
    let shared = Shared {
        chunks: &chunks,
        deleted: &deleted,
        done_rows: &done_rows,
        walk: &walk,
        ended: &ended,
        source,
        plan,
        keys_plan: &keys_plan,
        archives: &archives,
        files: (!file_slots.is_empty()).then_some(&files),
        restricted,
        server_checks: &server_checks,
        begin: &begin,
        cover: &cover,
        name: &name,
    };
    let ((), (mut left, result1), (left2, result2)) = match second.as_mut() {
        Some(second) => tokio::join!(pacing, worker(delete_db, &shared), worker(second, &shared)),
        None => {
            let (a, b) = tokio::join!(pacing, worker(delete_db, &shared));
            (a, b, (Vec::new(), Ok(())))
        }
    };
    let written = files.into_inner().written;
    let (checked, vouched) = cover.counts();
    tracing::debug!(
        "{name}: {checked} chunk(s) checked the definitions, {vouched} were vouched for by a \
         chunk under way"
    );
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
    // Each chunk locks, archives and deletes in one transaction: its time counts as deleting,
    // the wall time of the two sessions together (the sum of theirs outgrew the table's).
    r.timing.delete += started.elapsed();
    r.timing.throttled += throttle.paused().saturating_sub(paused_before);
    let errors: Vec<TableError> = [result1, result2]
        .into_iter()
        .filter_map(Result::err)
        .collect();
    if let Some(e) = TableError::of_stages(errors) {
        return Err(e);
    }
    // In key order: the report's first blocked rows are the table's first ones.
    left.sort_by_key(|(seq, _, _, _)| *seq);
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
            .map(|(_, range, held, read)| (range, held, read))
            .collect(),
        r,
    )
    .await
}

/// Whether the server's own checks may keep the rows still referenced (see [`ServerChecks`]):
/// this user may read every table whose foreign keys reference the plan's table (what the
/// client's way reads for the rows they keep, and the dry run checks), and the table has no
/// `BEFORE DELETE` trigger, which would run for a row that the check then keeps. Triggers show
/// only to a user who holds the TRIGGER privilege on the table: without it, no.
async fn server_checks_possible(
    db: &mut Connection,
    source: &crate::config::Source,
    plan: &TablePlan,
) -> bool {
    let name = qualified(&plan.db, &plan.table);
    let grants = with_retry(db, source.retry, "read the grants", |a| {
        Box::pin(Grants::read(a.conn))
    })
    .await;
    match grants {
        Ok(g) if g.allows("TRIGGER", &plan.db, Some(&plan.table)) == Decision::Granted => {}
        Ok(_) => {
            tracing::debug!(
                "{name}: no TRIGGER privilege: its BEFORE DELETE triggers cannot be seen"
            );
            return false;
        }
        Err(e) => {
            tracing::debug!("{name}: {e}");
            return false;
        }
    }
    let triggers = with_retry(db, source.retry, "list triggers", |a| {
        Box::pin(schema::table_triggers(a.conn, &plan.db, &plan.table))
    })
    .await;
    match triggers {
        Ok(t) if t.iter().any(|t| t.ends_with("(BEFORE DELETE)")) => {
            tracing::debug!("{name}: a BEFORE DELETE trigger would run for the rows kept");
            return false;
        }
        Ok(_) => {}
        Err(e) => {
            tracing::debug!("{name}: {e}");
            return false;
        }
    }
    let mut children: Vec<(&str, &str)> = plan
        .referenced_by
        .iter()
        .map(|fk| (fk.db.as_str(), fk.table.as_str()))
        .collect();
    children.sort_unstable();
    children.dedup();
    for (child_db, child) in children {
        let probe = format!("SELECT 1 FROM {} LIMIT 0", qualified(child_db, child));
        let read = with_retry(db, source.retry, "read a referencing table", |a| {
            let probe = probe.as_str();
            Box::pin(async move { a.conn.query_drop(probe).await })
        })
        .await;
        if let Err(e) = read {
            tracing::debug!("{name}: {e}");
            return false;
        }
    }
    true
}

/// What the sessions taking the chunks share.
struct Shared<'a, 'd> {
    /// A ticket per chunk to take.
    chunks: &'a Mutex<mpsc::Receiver<()>>,
    /// Rows deleted, and rows locked, so far.
    deleted: &'a AtomicU64,
    done_rows: &'a AtomicU64,
    /// Where the next chunk starts.
    walk: &'a Mutex<Walk>,
    /// Set when the walk has reached the end of the table.
    ended: &'a watch::Sender<bool>,
    source: &'a crate::config::Source,
    plan: &'a TablePlan,
    keys_plan: &'a TablePlan,
    archives: &'a [Archive],
    /// The file destinations, if any.
    files: Option<&'a Mutex<Files<'d>>>,
    restricted: bool,
    server_checks: &'a ServerChecks,
    /// The statements that begin a chunk's transaction ([`begin_statements`]).
    begin: &'a str,
    /// The chunks that vouch for each other's definition check.
    cover: &'a Cover,
    name: &'a str,
}

/// Whether the chunks' deletes leave the rows still referenced to the server's own
/// foreign-key checks ([`sql::delete_unless_referenced`]: no child table read) rather than to
/// a `NOT EXISTS` per foreign key. Possible when every foreign key onto the table is known
/// (InnoDB's dictionary) and `RESTRICT` or `NO ACTION`, this user may read their tables (as
/// the client's way and the dry run must) and no `BEFORE DELETE` trigger is on the table
/// ([`server_checks_possible`]); decided by the first chunk's `EXPLAIN`: the statement must
/// read the chunk's rows by a range of the table's key.
struct ServerChecks(AtomicU8);

impl ServerChecks {
    const UNDECIDED: u8 = 0;
    const ON: u8 = 1;
    const OFF: u8 = 2;

    fn new(possible: bool) -> ServerChecks {
        ServerChecks(AtomicU8::new(if possible {
            Self::UNDECIDED
        } else {
            Self::OFF
        }))
    }

    fn undecided(&self) -> bool {
        self.0.load(Ordering::Relaxed) == Self::UNDECIDED
    }

    fn on(&self) -> bool {
        self.0.load(Ordering::Relaxed) == Self::ON
    }

    /// Decides from the first row of the delete's `EXPLAIN`: on when it reads a range of the
    /// table's key index.
    fn decide(&self, explained: Option<&Row>, plan: &TablePlan, name: &str) {
        let column = |c: &str| {
            explained
                .and_then(|r| r.get::<Option<String>, _>(c))
                .flatten()
        };
        let (access, index) = (column("type"), column("key"));
        let on = access.as_deref() == Some("range") && index.as_deref() == Some(&plan.index);
        tracing::debug!(
            "{name}: the delete reads {} by {}: rows still referenced are left to {}",
            access.as_deref().unwrap_or("?"),
            index.as_deref().unwrap_or("no index"),
            if on {
                "the server's foreign-key checks"
            } else {
                "NOT EXISTS"
            }
        );
        self.0
            .store(if on { Self::ON } else { Self::OFF }, Ordering::Relaxed);
    }
}

/// The walk over the table's eligible rows, a locked page (a chunk) at a time. Its mutex is
/// held from a chunk's locking read until the walk has moved past the chunk: the locking reads
/// run one after the other, each from where the last one ended, so no chunk's read meets
/// another chunk's rows (and the sessions cannot deadlock one another).
struct Walk {
    /// Locks a page of keys (or, with file destinations, of rows).
    reader: PageReader,
    /// Copies a page into the first archive table and returns its keys, its rows locked: the
    /// lock and the first copy in one statement (keys the archive returns as they were).
    copying: Option<PageReader>,
    ended: bool,
    /// Rows in a full page: a shorter one is the table's last.
    limit: u64,
    /// The chunks locked so far.
    seq: usize,
}

/// A chunk, locked: its number, its key range and its rows (their keys alone without file
/// destinations). The session's transaction is open and holds the rows' locks.
struct Claimed {
    seq: usize,
    range: KeyRange,
    rows: Batch,
    /// The archive tables that hold the rows already (the first ones).
    copied: usize,
    /// Since when its transaction holds the metadata locks of the source and archive tables.
    since: Instant,
    /// The session that holds them (and its locks).
    session: u64,
}

/// A range left for the client's way (its chunk's number, the range, the keys of the rows the
/// files hold already).
type Left = (usize, KeyRange, Option<HashSet<String>>, u64);

/// Takes chunks until none is left; returns the ranges left for the client's way. Stops at an
/// error that is a lost session (after its retries; the client's way would meet it again) or a
/// file that cannot be written.
async fn worker(db: &mut Connection, s: &Shared<'_, '_>) -> (Vec<Left>, Result<(), TableError>) {
    let name = s.name;
    let mut left: Vec<Left> = Vec::new();
    loop {
        if s.chunks.lock().await.recv().await.is_none() {
            break;
        }
        let claimed = match claim(db, s).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                // The end of the table: no more tickets.
                s.chunks.lock().await.close();
                break;
            }
            Err(e) => {
                s.chunks.lock().await.close();
                return (left, Err(TableError::Read(e)));
            }
        };
        let (seq, range) = (claimed.seq, claimed.range.clone());
        let done = match s.files {
            None => locked_chunk(db, s, claimed)
                .await
                .map(|(n, chunk)| (n, chunk, None))
                .map_err(TableError::Delete),
            Some(files) => locked_chunk_with_files(db, s, files, claimed).await,
        };
        match done {
            Ok((locked, Chunk::Done { deleted, clean }, held)) => {
                s.deleted.fetch_add(deleted, Ordering::Relaxed);
                s.done_rows.fetch_add(locked, Ordering::Relaxed);
                if !clean {
                    left.push((seq, range, held, locked.saturating_sub(deleted)));
                }
            }
            Ok((locked, Chunk::Refused(why), held)) => {
                tracing::debug!("{name}: a chunk goes through osarchiver: {why}");
                left.push((seq, range, held, locked));
            }
            // A table or an archive table whose definition (or foreign keys) changed: the table
            // fails, and no more chunk is taken (each would copy its page again, which an
            // archive table altered to an engine without transactions keeps).
            Err(TableError::Delete(e)) if changed(&e) => {
                s.chunks.lock().await.close();
                return (left, Err(TableError::Delete(e)));
            }
            // Not a dead session: the client's way meets the error again and reports it (or
            // sorts the rows out).
            Err(TableError::Delete(e)) if e.kind() != ErrorKind::Transient => {
                tracing::debug!("{name}: a chunk goes through osarchiver: {e}");
                left.push((seq, range, None, 0));
            }
            Err(e) => {
                // No more chunks for anyone: the pace's next send fails, and the other
                // session takes only the ticket it has.
                s.chunks.lock().await.close();
                return (left, Err(e));
            }
        }
    }
    (left, Ok(()))
}

/// Whether `e` is a definition check's ([`crate::table::definition`]): the table or an archive
/// table changed during the run.
fn changed(e: &RetryError) -> bool {
    matches!(
        e.mysql_error(),
        mysql_async::Error::Server(s) if s.code == crate::table::definition::TABLE_DEF_CHANGED
    )
}

/// Locks the next chunk: in a new `READ COMMITTED` transaction, the next page of the walk,
/// `FOR UPDATE` (retried on a lost session or a deadlock; the walk moves only once a page is
/// read). `None` at the end of the table, the transaction ended. The transaction begins
/// before the walk is taken: while one session reads its page, the other waits for no more
/// than that read.
async fn claim(db: &mut Connection, s: &Shared<'_, '_>) -> Result<Option<Claimed>, RetryError> {
    with_retry(db, s.source.retry, "lock a chunk", |a| {
        Box::pin(async move {
            let mut since = begin(a.conn, s).await?;
            let mut walk = s.walk.lock().await;
            if walk.ended {
                drop(walk);
                a.conn.query_drop("ROLLBACK").await?;
                return Ok(None);
            }
            let read = async {
                if let Some(copying) = &walk.copying {
                    let page = copying.read(a.conn).await?;
                    match refusal(a.conn, &[codes::UNSAFE_STATEMENT]).await? {
                        None => return Ok((page, 1)),
                        Some(why) => {
                            // A row the archive holds already, or one it would alter: the
                            // page is locked again, and the copy by key refuses it.
                            tracing::debug!(
                                "{}: a page is not copied with its lock: {why}",
                                s.name
                            );
                            a.conn.query_drop("ROLLBACK").await?;
                            since = begin(a.conn, s).await?;
                        }
                    }
                }
                Ok((walk.reader.read(a.conn).await?, 0))
            }
            .await;
            let (rows, copied) = match read {
                Ok((Some(page), copied)) => (page, copied),
                Ok((None, _)) => {
                    walk.ended = true;
                    s.ended.send_replace(true);
                    drop(walk);
                    a.conn.query_drop("ROLLBACK").await?;
                    return Ok(None);
                }
                Err(e) => {
                    drop(walk);
                    let _ = a.conn.query_drop("ROLLBACK").await;
                    return Err(e);
                }
            };
            // A page that is not empty ends on a key.
            let Some(upto) = rows.next_key.clone() else {
                walk.ended = true;
                s.ended.send_replace(true);
                drop(walk);
                a.conn.query_drop("ROLLBACK").await?;
                return Ok(None);
            };
            let after = walk.reader.position().cloned();
            walk.reader.advance(&rows);
            if let Some(copying) = walk.copying.as_mut() {
                copying.advance(&rows);
            }
            walk.seq += 1;
            if (rows.len() as u64) < walk.limit {
                // A short page: the read went to the end of the table.
                walk.ended = true;
                s.ended.send_replace(true);
            }
            Ok(Some(Claimed {
                seq: walk.seq,
                range: KeyRange { after, upto },
                rows,
                copied,
                since,
                session: a.session,
            }))
        })
    })
    .await
}

/// Begins a chunk's `READ COMMITTED` transaction (`SET TRANSACTION` holds for the next one
/// only) and takes the metadata locks of the source table and of every archive table
/// ([`begin_statements`]), in one round trip. Returns an instant from which the transaction
/// holds them (see [`crate::archiver::cover`]). When a statement after `START TRANSACTION`
/// fails (an archive table dropped, the source renamed), the transaction it opened is rolled
/// back: the session goes on to other tables, whose statements would run inside it (and
/// whose next `SET TRANSACTION` fails with 1568).
async fn begin(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
) -> Result<Instant, mysql_async::Error> {
    if let Err(e) = conn.query_drop(s.begin).await {
        let _ = conn.query_drop("ROLLBACK").await;
        return Err(e);
    }
    Ok(Instant::now())
}

/// The statements of [`begin`]: per archive table, a copy of no row from the source, `FOR
/// UPDATE`: the locks the chunk's copies and delete take (a weaker one first, and a stronger
/// one later, would let an `ALTER TABLE` waiting between the two stop the chunk with a
/// deadlock), with the privileges they need; no row is read, locked or written.
fn begin_statements(plan: &TablePlan, archives: &[Archive]) -> String {
    let mut sql = String::from("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION");
    for a in archives {
        sql.push_str("; ");
        sql.push_str(&sql::copy_keys(
            plan, &a.db, &a.table, "FALSE", "TRUE", &a.mode,
        ));
        sql.push_str(" FOR UPDATE");
    }
    sql
}

/// The rest of a locked chunk's transaction (its keys locked, see the module's documentation).
/// A lost session or a deadlock runs the chunk again over its range ([`one_chunk`]). Returns
/// the rows it locked and what it did.
async fn locked_chunk(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    claimed: Claimed,
) -> Result<(u64, Chunk), RetryError> {
    let keys_plan = s.keys_plan;
    let key_params = keys_plan.key_params();
    let n = claimed.rows.len();
    let keys: Vec<Value> = (0..n)
        .flat_map(|i| claimed.rows.bound_key(i, &keys_plan.key_pos, &key_params))
        .collect();
    let (range, copied) = (&claimed.range, claimed.copied);
    let since = (claimed.since, claimed.session);
    match archive_and_delete_once(db, s, range, n, keys, copied, since).await {
        Err(e) if e.kind() == ErrorKind::Transient => {
            // Visible, as every retry is: a deadlock here costs a chunk's work.
            tracing::info!("{}: a chunk is run again by its key range: {e}", s.name);
            one_chunk(db, s, range).await
        }
        done => done,
    }
}

/// The rest of a locked chunk's transaction ([`archive_and_delete`]), committed or rolled
/// back, in one attempt: its locks live on this session only.
async fn archive_and_delete_once(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    range: &KeyRange,
    n: usize,
    keys: Vec<Value>,
    copied: usize,
    (since, session): (Instant, u64),
) -> Result<(u64, Chunk), RetryError> {
    with_retry(db, once(s), "archive and delete", |a| {
        let keys = keys.clone();
        Box::pin(async move {
            let vouch = s.cover.chunk((a.session == session).then_some(since));
            let result = archive_and_delete(a.conn, s, range, n, keys, copied, &vouch).await;
            finish(a.conn, result, &vouch).await
        })
    })
    .await
}

/// The source's retry settings with no retry.
fn once(s: &Shared<'_, '_>) -> crate::config::Retry {
    crate::config::Retry {
        max_retries: 0,
        ..s.source.retry
    }
}

/// One chunk's transaction over a known range (a chunk run again after a lost session or a
/// deadlock): its rows locked by range, then archived and deleted; retried whole. Returns the
/// rows it locked and what it did.
async fn one_chunk(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    range: &KeyRange,
) -> Result<(u64, Chunk), RetryError> {
    let (plan, keys_plan) = (s.plan, s.keys_plan);
    let lock = sql::lock_keys(keys_plan, &s.source.where_clause, &range.condition(plan));
    let params = range.params();
    let key_params = keys_plan.key_params();
    with_retry(db, s.source.retry, "archive and delete", |a| {
        let (lock, params, key_params) = (lock.as_str(), params.clone(), &key_params);
        Box::pin(async move {
            let since = begin(a.conn, s).await?;
            let vouch = s.cover.chunk(Some(since));
            let result = async {
                let rows: Vec<Row> = a.conn.exec(lock, params).await?;
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
                archive_and_delete(a.conn, s, range, n, keys, 0, &vouch).await
            }
            .await;
            finish(a.conn, result, &vouch).await
        })
    })
    .await
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

/// Commits the chunk's transaction when it was done, else rolls it back.
async fn finish(
    conn: &mut mysql_async::Conn,
    result: Result<(u64, Chunk), mysql_async::Error>,
    vouch: &Vouch<'_>,
) -> Result<(u64, Chunk), mysql_async::Error> {
    match result {
        Ok((n, Chunk::Done { deleted, clean })) => {
            let sent = Instant::now();
            conn.query_drop("COMMIT").await?;
            vouch.succeeded(sent);
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

/// The rest of a locked chunk's transaction with file destinations: the locked rows are
/// written to the files (flushed and fsynced) while the same rows are archived and deleted in
/// the chunk's transaction, and the transaction commits only once the files hold them. Nothing
/// is retried: a failure leaves the range to the client's way with the keys the files hold (it
/// does not write them twice).
async fn locked_chunk_with_files(
    db: &mut Connection,
    s: &Shared<'_, '_>,
    files: &Mutex<Files<'_>>,
    claimed: Claimed,
) -> Result<(u64, Chunk, Option<HashSet<String>>), TableError> {
    let plan = s.plan;
    let Claimed {
        range,
        rows,
        copied,
        since,
        session: claimed_on,
        ..
    } = claimed;
    let range = &range;
    let n = rows.len();
    let batch = Arc::new(rows);
    // The keys the files hold, for a chunk that leaves rows to the client's way only.
    let held = || Some((0..n).map(|i| batch.key_id(i, &plan.key_pos)).collect());
    let key_params = plan.key_params();
    let keys: Vec<Value> = (0..n)
        .flat_map(|i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    // The rows are locked on this session: every statement of the chunk runs on it, in one
    // attempt, and it must never be replaced meanwhile (a new session holds no lock, and its
    // statements would commit on their own).
    let session = db.session();
    let lost = |db: &Connection| db.is_broken() || db.session() != session;
    if lost(db) {
        return Ok((
            n as u64,
            Chunk::Refused("the session holding the locks was lost".into()),
            held(),
        ));
    }
    // The server archives and deletes while the files are written: neither is durable before
    // the commit, which waits for both.
    // On the session that took the locks: a chunk whose statements run on another (replaced)
    // checks for itself; a second part for that attempt, the first one left unused.
    let vouch = s.cover.chunk(Some(since));
    let vouch = &vouch;
    let statements = with_retry(db, once(s), "archive and delete", |a| {
        let keys = keys.clone();
        Box::pin(async move {
            let alone;
            let vouch = if a.session == claimed_on {
                vouch
            } else {
                alone = s.cover.chunk(None);
                &alone
            };
            let result = archive_and_delete(a.conn, s, range, n, keys, copied, vouch).await;
            if result.is_err() {
                let _ = a.conn.query_drop("ROLLBACK").await;
            }
            result
        })
    });
    let write = async { files.lock().await.write(Arc::clone(&batch)).await };
    let (done, written) = tokio::join!(statements, write);
    if let Err(e) = written {
        rollback(db, session, once(s)).await;
        return Err(e);
    }
    let (deleted, clean) = match done {
        Ok((_, Chunk::Done { deleted, clean })) => (deleted, clean),
        Ok((_, refused)) => {
            rollback(db, session, once(s)).await;
            return Ok((n as u64, refused, held()));
        }
        Err(e) => {
            rollback(db, session, once(s)).await;
            // A definition that changed fails the table (see [`worker`]).
            if changed(&e) {
                return Err(TableError::Delete(e));
            }
            return Ok((n as u64, Chunk::Refused(e.to_string()), held()));
        }
    };
    if lost(db) {
        return Ok((
            n as u64,
            Chunk::Refused("the session holding the locks was lost".into()),
            held(),
        ));
    }
    let sent = Instant::now();
    match end(db, once(s), "COMMIT").await {
        Ok(()) => {
            vouch.succeeded(sent);
            Ok((
                n as u64,
                Chunk::Done { deleted, clean },
                if clean { None } else { held() },
            ))
        }
        Err(e) => Ok((n as u64, Chunk::Refused(e.to_string()), held())),
    }
}

/// Rolls back the chunk's transaction if `session` still holds it (a new session has none).
async fn rollback(db: &mut Connection, session: u64, once: crate::config::Retry) {
    if !db.is_broken() && db.session() == session {
        let _ = end(db, once, "ROLLBACK").await;
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
/// every archive table but the first `copied` ones (which hold them already), then deletes
/// them; neither commits nor rolls back. Returns the rows locked and what was done, or why the
/// chunk must be rolled back. Rows deleted, the foreign keys onto the table are checked last
/// ([`crate::table::definition::check_references`]).
async fn archive_and_delete(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
    range: &KeyRange,
    n: usize,
    keys: Vec<Value>,
    copied: usize,
    vouch: &Vouch<'_>,
) -> Result<(u64, Chunk), mysql_async::Error> {
    let done = archive_and_delete_unchecked(conn, s, range, n, keys, copied, vouch).await?;
    if let (_, Chunk::Done { deleted, .. }) = &done {
        if *deleted > 0 && crate::table::definition::references_checked(s.plan) {
            let sent = Instant::now();
            crate::table::definition::check_references(conn, s.plan).await?;
            vouch.succeeded(sent);
        }
    }
    Ok(done)
}

/// [`archive_and_delete`] but the last check.
async fn archive_and_delete_unchecked(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
    range: &KeyRange,
    n: usize,
    keys: Vec<Value>,
    copied: usize,
    vouch: &Vouch<'_>,
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
    for archive in s.archives.iter().skip(copied) {
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
        if let Some(why) = refusal(conn, &[codes::UNSAFE_STATEMENT]).await? {
            return refused(why);
        }
        if inserted != n as u64 {
            return refused(format!(
                "{inserted} of {n} rows copied into {}",
                qualified(&archive.db, &archive.table)
            ));
        }
    }
    // The source table as the walk began, and the copies in the archive tables as they were
    // defined then: checked in one round trip, before the delete, unless a chunk under way
    // vouches for them (crate::archiver::cover). Every table checked is locked by now.
    let written: Vec<Written<'_>> = s
        .archives
        .iter()
        .map(|a| Written {
            db: &a.db,
            table: &a.table,
            definition: a.definition.as_deref(),
        })
        .collect();
    vouch
        .check(crate::table::definition::check_chunk(conn, plan, &written))
        .await?;
    let checked = Instant::now();
    if s.server_checks.undecided() {
        let delete = sql::delete_unless_referenced(plan, &source.where_clause, &named);
        // A statement the server cannot explain keeps `NOT EXISTS` (and meets its error there).
        let explained: Vec<Row> = match conn.exec(format!("EXPLAIN {delete}"), keys.clone()).await {
            Ok(rows) => rows,
            Err(mysql_async::Error::Server(e)) => {
                tracing::debug!("{}: EXPLAIN: {} {}", s.name, e.code, e.message);
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        s.server_checks.decide(explained.first(), plan, s.name);
    }
    if s.server_checks.on() {
        let done = delete_unless_referenced(conn, s, &named, n, keys).await?;
        vouch.succeeded(checked);
        return Ok(done);
    }
    // Rows still referenced stay: left out by the statement, and a child that appears
    // meanwhile fails it (1451, the chunk goes the client's way).
    let delete = if restricted {
        format!(
            "SET STATEMENT optimizer_switch = 'semijoin=off,materialization=off,in_to_exists=on' FOR {}{}",
            sql::delete_matching(plan, &source.where_clause, &named),
            sql::unreferenced(plan)
        )
    } else {
        sql::delete_matching(plan, &source.where_clause, &named)
    };
    let guard = Guard::start(conn, plan).await?;
    conn.exec_drop(delete, keys.clone()).await?;
    let deleted = conn.affected_rows();
    if let Some(why) = refusal(conn, &[]).await? {
        return refused(why);
    }
    guard.check(conn, plan, Ours::one(deleted)).await?;
    vouch.succeeded(checked);
    if deleted > n as u64 {
        return refused(format!("{deleted} rows deleted, {n} locked"));
    }
    // The rows deleted are locked rows (named by key), each archived as it was locked. Rows
    // kept (still referenced, or no longer selected) go the client's way.
    if deleted < n as u64 {
        take_back_kept(conn, s, &named, &keys).await?;
    }
    Ok((
        n as u64,
        Chunk::Done {
            deleted,
            clean: deleted == n as u64,
        },
    ))
}

/// The archived copies of the chunk's rows that stay in the source (kept for a foreign key, or
/// no longer selected), deleted in the chunk's own transaction: every locked row was copied by
/// it (none was there before), so the archives then hold exactly the rows deleted, and a kept
/// row that changes before the client's way reads it again is no conflict with a copy of
/// itself as it was.
async fn take_back_kept(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
    named: &str,
    keys: &[Value],
) -> Result<(), mysql_async::Error> {
    for archive in s.archives.iter() {
        let statement = sql::take_back_copies(s.plan, &archive.db, &archive.table, named);
        match conn.exec_drop(statement, keys.to_vec()).await {
            Ok(()) => {}
            // Without `DELETE` on the archive the copies stay, to be taken back (or not) when
            // the table ends, like the client's way's: the chunk itself is sound.
            Err(mysql_async::Error::Server(e)) if e.code == TABLE_ACCESS_DENIED => {
                tracing::debug!("{}: {}", s.name, e.message);
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `ER_TABLEACCESS_DENIED_ERROR`.
const TABLE_ACCESS_DENIED: u16 = 1142;

/// The delete of a chunk's `n` locked rows (`named`, bound by `keys`) that leaves the rows
/// still referenced to the server's own foreign-key checks ([`sql::delete_unless_referenced`]):
/// every warning must be a row kept for a foreign key, and the rows deleted and kept must add
/// up to the rows locked, else the chunk is refused.
async fn delete_unless_referenced(
    conn: &mut mysql_async::Conn,
    s: &Shared<'_, '_>,
    named: &str,
    n: usize,
    keys: Vec<Value>,
) -> Result<(u64, Chunk), mysql_async::Error> {
    let delete = sql::delete_unless_referenced(s.plan, &s.source.where_clause, named);
    let guard = Guard::start(conn, s.plan).await?;
    conn.exec_drop(format!("{}{delete}", sql::SERVER_CHECKED), keys.clone())
        .await?;
    let deleted = conn.affected_rows();
    let warnings = warnings(conn).await?;
    let referenced = warnings.count;
    // The rows kept for a foreign key were tried too.
    guard
        .check(conn, s.plan, Ours::one(deleted + referenced))
        .await?;
    let why = warnings
        .refusal(&[codes::ROW_IS_REFERENCED_2, codes::ROW_IS_REFERENCED])
        .or_else(|| {
            (deleted + referenced != n as u64).then(|| {
                format!(
                    "{deleted} rows deleted and {referenced} kept for a foreign key, of {n} locked"
                )
            })
        });
    if why.is_none() && deleted < n as u64 {
        take_back_kept(conn, s, named, &keys).await?;
    }
    Ok(match why {
        Some(why) => (n as u64, Chunk::Refused(why)),
        None => (
            n as u64,
            Chunk::Done {
                deleted,
                clean: deleted == n as u64,
            },
        ),
    })
}

/// Why the last statement's warnings refuse the chunk: a warning whose code is not one of
/// `allowed`, or more warnings than the server lists.
async fn refusal(
    conn: &mut mysql_async::Conn,
    allowed: &[u16],
) -> Result<Option<String>, mysql_async::Error> {
    Ok(warnings(conn).await?.refusal(allowed))
}

/// The warnings of the last statement: how many, and those the server lists.
struct Warnings {
    count: u64,
    listed: Vec<(u16, String)>,
}

impl Warnings {
    /// Why they refuse the chunk: a warning whose code is not one of `allowed`, or more
    /// warnings than the server lists.
    fn refusal(&self, allowed: &[u16]) -> Option<String> {
        if let Some((code, message)) = self.listed.iter().find(|(code, _)| !allowed.contains(code))
        {
            return Some(format!("{code}: {message}"));
        }
        (self.count > self.listed.len() as u64).then(|| "unlisted warnings".into())
    }
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
