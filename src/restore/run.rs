//! `osarchiver restore` from start to end: logging, the configuration and the choice of
//! archiver, source and archive database, the locks (as an archiving run takes them, so the
//! two never run at once on a source; none in a dry run), the signals (the first stops after
//! the current batch, the second at once), the walk, the removal from the archive, the summary,
//! the exit code and the JSON report.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::config::{self, RunClock};
use crate::destination::db::{lenient_mode, ArchiveDb};
use crate::exit::Outcome;
use crate::lock::{self, DbLock, LockError};
use crate::mysql::conn::{self, Connection};
use crate::mysql::retry::{classify, with_retry, RetryError};
use crate::mysql::schema;
use crate::progress::Progress;
use crate::stop::{Stop, StopReason};

use super::args::RestoreArgs;
use super::files::stage::stage_files;
use super::files::STAGE_SUFFIX;
use super::insert::InsertOptions;
use super::report::RestoreReport;
use super::target::{self, Target};
use super::walk::{Walk, WalkError, WalkOptions};

fn write_report(
    path: Option<&Path>,
    report: &RestoreReport,
    outcome: Outcome,
    started: Instant,
) -> Outcome {
    let Some(path) = path else {
        return outcome;
    };
    crate::run::write_report_json(path, &report.to_json(outcome, started.elapsed()), outcome)
}

/// Runs a restore with parsed arguments.
pub fn run(args: RestoreArgs) -> Outcome {
    let started = Instant::now();
    let progress = Progress::detect();
    let mut inputs = vec![("the configuration file", args.config.as_path())];
    inputs.extend(
        args.file
            .iter()
            .map(|f| ("a file to restore (--file)", f.as_path())),
    );
    if let Some(clash) = crate::cli::outputs_clash(
        &inputs,
        &[
            ("--log-file", args.log_file.as_deref()),
            ("--report", args.report.as_deref()),
        ],
    ) {
        crate::logging::error_on_stderr(&clash);
        return Outcome::Usage;
    }
    if let Err(e) = crate::logging::init(
        args.level(),
        args.log_format,
        args.log_file.as_deref(),
        &progress,
    ) {
        crate::logging::error_on_stderr(&format!("cannot open log file: {e}"));
        return Outcome::Usage;
    }
    // `--date` stands for the archiving run's `{date}` (suffixes, directories).
    let mut clock = RunClock::start();
    if let Some(date) = &args.date {
        clock.date = date.clone();
    }
    let mut report = RestoreReport {
        started: clock.now.clone(),
        dry_run: args.dry_run,
        ..Default::default()
    };
    let usage = |report: &mut RestoreReport, message: String| {
        tracing::error!("{message}");
        report.errors.push(message);
        write_report(args.report.as_deref(), report, Outcome::Usage, started);
        Outcome::Usage
    };
    if let Some(path) = args.report.as_deref() {
        if let Err(e) = crate::archiver::report::check_writable(path) {
            tracing::error!("cannot write the report to {}: {e}", path.display());
            return Outcome::Usage;
        }
    }
    let loaded = match config::load_file(&args.config, clock.clone()) {
        Ok(l) => l,
        Err(e) => return usage(&mut report, format!("configuration error: {e}")),
    };
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    let target = match target::choose(
        &loaded.config,
        args.archiver.as_deref(),
        args.source.as_deref(),
        args.destination.as_deref(),
        !args.file.is_empty(),
    ) {
        Ok(t) => t,
        Err(e) => return usage(&mut report, format!("restore: {e}")),
    };
    if let (Some(date), false) = (&args.date, args.file.is_empty()) {
        tracing::warn!("restore: --date {date} is not used: the rows come from the files given");
    }
    if let Some(dest) = target.destination.as_ref().filter(|_| args.file.is_empty()) {
        // The names as a run writes them, its date shown as a pattern.
        let pattern = |suffix: &Option<String>| {
            suffix
                .as_deref()
                .unwrap_or_default()
                .replace(&clock.date, "YYYY-MM-DD_HH:MM:SS")
        };
        let dated = [&dest.db_suffix, &dest.table_suffix]
            .into_iter()
            .flatten()
            .any(|suffix| suffix.contains(&clock.date));
        match (&args.date, dated) {
            (None, true) => {
                return usage(
                    &mut report,
                    format!(
                        "restore: [dst:{}] db_suffix or table_suffix holds {{date}}: each run archived \
                         into names of its own start, `{}{}`.`{}{}`; say which run's archive to read \
                         with --date YYYY-MM-DD_HH:MM:SS, as the names show it (SHOW DATABASES, \
                         SHOW TABLES)",
                        dest.name,
                        args.table.db,
                        pattern(&dest.db_suffix),
                        args.table.table,
                        pattern(&dest.table_suffix),
                    ),
                )
            }
            (Some(date), false) => tracing::warn!(
                "restore: --date {date} is not used: neither db_suffix nor table_suffix of [dst:{}] holds {{date}}",
                dest.name
            ),
            _ => {}
        }
    }
    if !args.file.is_empty() && args.remove_from_archive {
        return usage(
            &mut report,
            "restore: --remove-from-archive removes rows from the archive database; files are never changed".to_string(),
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report.error(format!("cannot start the async runtime: {e}"));
            return write_report(args.report.as_deref(), &report, Outcome::Failure, started);
        }
    };
    let stop = Stop::new();
    let report = runtime.block_on(async {
        if let Err(e) = watch_signals(stop.clone(), args.report.clone(), report.clone(), started) {
            tracing::warn!("cannot watch SIGINT/SIGTERM: {e}");
        }
        restore(
            &args,
            &loaded.config.path,
            &clock,
            &target,
            stop.clone(),
            report,
        )
        .await
    });
    for line in report.summary().lines() {
        tracing::info!("{line}");
    }
    let outcome = report.outcome();
    match outcome {
        Outcome::Failure => {
            tracing::error!("restore finished with errors: see the lines above (exit code 1)")
        }
        Outcome::Locked => tracing::error!(
            "another run holds the source's lock: nothing was restored (exit code 5)"
        ),
        Outcome::Interrupted => {
            tracing::warn!("restore stopped early: a re-run carries on (exit code 4)")
        }
        Outcome::RowsLeft => {
            let kept: u64 = report.tables.iter().map(|t| t.kept).sum();
            let mut said = Vec::new();
            if !report.conflicts.is_empty() {
                said.push(format!(
                    "{} conflict(s): those rows were not restored, the source keeps its own",
                    report.conflicts.len()
                ));
            }
            if kept > 0 {
                said.push(format!(
                    "{kept} archived row(s) kept in the archive: the source no longer holds them as restored"
                ));
            }
            tracing::warn!("restore finished with {} (exit code 3)", said.join("; "));
        }
        _ if args.dry_run => tracing::info!(
            "restore dry run finished: every selected row would be in the source (exit code 0)"
        ),
        _ => tracing::info!("restore finished: every selected row is in the source (exit code 0)"),
    }
    let outcome = write_report(args.report.as_deref(), &report, outcome, started);
    runtime.shutdown_timeout(Duration::from_millis(100));
    outcome
}

fn connect_failed(
    what: &str,
    spec: &crate::config::DbConnection,
    e: conn::ConnectError,
) -> RetryError {
    RetryError::Failed {
        what: what.to_string(),
        target: conn::target(spec),
        kind: classify(e.mysql_error()),
        source: e.into_mysql_error(),
    }
}

async fn restore(
    args: &RestoreArgs,
    config_path: &Path,
    clock: &RunClock,
    target: &Target,
    stop: Stop,
    mut report: RestoreReport,
) -> RestoreReport {
    let source = &target.source;
    tracing::info!(
        "osarchiver {} restore: archiver {}, source {} ({}), archive database {}: {}.{} WHERE {}{}{}{}",
        env!("CARGO_PKG_VERSION"),
        target.archiver,
        source.name,
        conn::target(&source.conn),
        match (&target.destination, args.file.len()) {
            (Some(d), 0) => d.name.clone(),
            (_, n) => format!("none ({n} file(s))"),
        },
        args.table.db,
        args.table.table,
        args.where_clause,
        if args.with_children { ", with children" } else { "" },
        if args.remove_from_archive { ", removing restored rows from the archive" } else { "" },
        if args.dry_run { ", dry run" } else { "" },
    );
    // The locks of an archiving run of this configuration and source: the two never run at once.
    let mut _file_lock = None;
    let mut db_lock: Option<DbLock> = None;
    if !args.dry_run {
        let hash = lock::job_hash(config_path, &source.name);
        let dir = source.lock_dir.clone().unwrap_or_else(lock::default_dir);
        let taken = match lock::lock_file(&dir, &hash, &clock.now) {
            Ok(l) => {
                _file_lock = Some(l);
                DbLock::acquire(
                    &source.conn,
                    source.retry,
                    &lock::db_lock_name(&hash, &source.name),
                )
                .await
            }
            Err(e) => Err(e),
        };
        match taken {
            Ok(l) => db_lock = Some(l),
            Err(LockError::Held(who)) => {
                let m = format!("source {}: not restored: {who}", source.name);
                tracing::error!("{m}");
                report.locked.push(m);
                return report;
            }
            Err(e) => {
                report.error(format!("source {}: cannot take the lock: {e}", source.name));
                return report;
            }
        }
    }
    match walk(args, target, stop.clone(), &mut report).await {
        Ok(()) => {}
        Err(WalkError::Stopped) => {
            report.interrupted = Some(
                stop.reason()
                    .map_or("stopped", StopReason::describe)
                    .to_string(),
            );
        }
        Err(e) => report.error(format!("restore: {e}")),
    }
    if let Some(l) = db_lock {
        l.release().await;
    }
    report
}

/// Connects, reads the foreign keys, walks, and removes from the archive when asked.
async fn walk(
    args: &RestoreArgs,
    target: &Target,
    stop: Stop,
    report: &mut RestoreReport,
) -> Result<(), WalkError> {
    let source = &target.source;
    let mut src = Connection::connect_retrying(&source.conn, source.retry)
        .await
        .map_err(|e| connect_failed("connect to the source", &source.conn, e))?;
    let (arc, arc_retry, suffixes, staged) = match &target.destination {
        Some(dest) if args.file.is_empty() => {
            // The archive names as archiving makes them (suffixes, `_archive` on the same
            // server).
            let names = ArchiveDb::open(dest, &mut src).await?;
            let suffixes = names.suffixes();
            names.close().await;
            let mut arc = Connection::connect_retrying(&dest.conn, dest.retry)
                .await
                .map_err(|e| connect_failed("connect to the archive database", &dest.conn, e))?;
            // `--remove-from-archive` deletes archived copies: the archive's own foreign keys
            // (the Python osarchiver made its tables with them) must not cascade to the copies
            // of rows that were not restored.
            arc.set_foreign_key_checks(false)
                .await
                .map_err(|e| RetryError::Failed {
                    what: "SET foreign_key_checks".into(),
                    target: arc.target().to_string(),
                    kind: classify(&e),
                    source: e,
                })?;
            (arc, dest.retry, suffixes, None)
        }
        _ => {
            // The files' rows, staged in temporary tables of a session of their own.
            let mut stage = Connection::connect_retrying(&source.conn, source.retry)
                .await
                .map_err(|e| connect_failed("connect to the source (staging)", &source.conn, e))?;
            let staged = stage_files(&mut stage, &args.file, args.batch_size as usize)
                .await
                .map_err(|e| WalkError::Staging(e.to_string()))?;
            (
                stage,
                source.retry,
                (String::new(), STAGE_SUFFIX.to_string()),
                Some(staged),
            )
        }
    };
    src.set_foreign_key_checks(true)
        .await
        .map_err(|e| RetryError::Failed {
            what: "SET foreign_key_checks".into(),
            target: src.target().to_string(),
            kind: classify(&e),
            source: e,
        })?;
    let retry = source.retry;
    let (mode, max_packet): (String, u64) =
        with_retry(&mut src, retry, "read the session settings", |a| {
            Box::pin(async move {
                let row: Option<(String, u64)> = a
                    .conn
                    .query_first("SELECT @@SESSION.sql_mode, @@max_allowed_packet")
                    .await?;
                Ok(row.unwrap_or_default())
            })
        })
        .await?;
    // The children's foreign keys (--with-children), the parents' for a dry run's check that
    // every row it would restore finds its parent, and a table's own onto itself (its pages go
    // back parents first): read always.
    let fks = {
        let (fks, from) = with_retry(&mut src, retry, "read the foreign keys", |a| {
            Box::pin(async move {
                let dbs = schema::list_databases(a.conn).await?;
                schema::server_foreign_keys(a.conn, &dbs).await
            })
        })
        .await?;
        if from != schema::ForeignKeySource::InnodbDictionary {
            tracing::warn!("restore: InnoDB's foreign-key dictionary cannot be read (grant PROCESS): foreign keys in databases the user cannot see are not known (their children are not restored, their parents not looked for by a dry run)");
        }
        fks
    };
    let opts = WalkOptions {
        src_retry: retry,
        arc_retry,
        suffixes,
        insert: InsertOptions {
            retry,
            write_mode: lenient_mode(&mode),
            packet_budget: (max_packet as usize / 2).max(64 << 10),
            max_packet: max_packet as usize,
            dry_run: args.dry_run,
        },
        batch_size: args.batch_size,
        batch_delay: args.batch_delay,
        with_children: args.with_children,
        remove: args.remove_from_archive,
        staged,
    };
    let mut w = Walk::new(src, arc, opts, stop, fks, std::mem::take(report));
    let mut result = w
        .restore(&args.table.db, &args.table.table, &args.where_clause)
        .await;
    if result.is_ok() && args.remove_from_archive {
        result = w.remove_restored().await;
    } else if args.remove_from_archive {
        tracing::warn!("restore: nothing removed from the archive, since the restore did not finish; a re-run removes what it restores");
    }
    *report = std::mem::take(&mut w.report);
    let _ = w.src.disconnect().await;
    let _ = w.arc.disconnect().await;
    result
}

/// SIGINT/SIGTERM: the first stops the restore after the current batch (exit code 4); the
/// second stops it at once (the open transaction is rolled back by the server), after writing
/// a report that says so.
fn watch_signals(
    stop: Stop,
    report_path: Option<PathBuf>,
    early: RestoreReport,
    started: Instant,
) -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    // A hangup (the terminal or SSH session gone) stops as SIGTERM does: it killed the run
    // (exit 129), with no report and the finished tables' files left unpacked.
    let mut hup = signal(SignalKind::hangup())?;
    crate::stop::watch_retries(&stop);
    tokio::spawn(async move {
        let mut received = 0;
        loop {
            let name = tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
                _ = hup.recv() => "SIGHUP",
            };
            received += 1;
            if received == 1 {
                tracing::warn!("{name} received: finishing the current batch, then stopping (send it again to stop at once)");
                stop.request(StopReason::Signal);
            } else {
                tracing::error!("{name} received again: stopping at once; the open batch is rolled back (exit code 4)");
                let mut aborted = early.clone();
                aborted.interrupted = Some(format!(
                    "stopped at once by a second signal ({name}); per-table counts are not known"
                ));
                write_report(
                    report_path.as_deref(),
                    &aborted,
                    Outcome::Interrupted,
                    started,
                );
                std::process::exit(i32::from(Outcome::Interrupted.code()));
            }
        }
    });
    Ok(())
}
