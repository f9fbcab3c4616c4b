//! The program: parse the command line, set up logging, load the configuration, then either print
//! the plan (`--check-config`) or run the archivers; every outcome maps to an exit code, and
//! with `--report` to a JSON report. SIGINT and SIGTERM stop the run after the current batch; a
//! second one stops it at once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::archiver::report::{write_json, RunReport};
use crate::archiver::RunOptions;
use crate::cli::Args;
use crate::config::{self, RunClock};
use crate::destination::limits::Limits;
use crate::exit::Outcome;
use crate::progress::Progress;
use crate::stop::{Stop, StopReason};

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // First, while the process has one thread: the environment is process-wide.
    crate::mysql::buffers::bound_buffer_pool();
    if crate::cli::is_restore(std::env::args_os()) {
        return crate::logging::checked(restore_main()).into();
    }
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Outcome::Success.into()
                }
                _ => Outcome::Usage.into(),
            };
        }
    };
    crate::logging::checked(run(args)).into()
}

/// `osarchiver restore ...`: parsed apart (its options are its own), then run.
fn restore_main() -> Outcome {
    let args = std::env::args_os()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, a)| a);
    match crate::restore::RestoreArgs::try_parse_from(args) {
        Ok(a) => crate::restore::run::run(a),
        Err(e) => {
            let _ = e.print();
            match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Outcome::Success
                }
                _ => Outcome::Usage,
            }
        }
    }
}

/// Writes the JSON report, if asked; a failure to write it is logged (and makes a successful
/// run a failure: monitoring would otherwise read a stale report).
fn write_report(
    path: Option<&Path>,
    report: &RunReport,
    outcome: Outcome,
    started: Instant,
) -> Outcome {
    let Some(path) = path else {
        return outcome;
    };
    write_report_json(path, &report.to_json(outcome, started.elapsed()), outcome)
}

/// Writes a report (the archiving run's or a restore's) to `path`; a failure to write it is
/// logged and makes the outcome at least a failure.
pub(crate) fn write_report_json(
    path: &Path,
    json: &serde_json::Value,
    outcome: Outcome,
) -> Outcome {
    match write_json(path, json) {
        Ok(()) => {
            tracing::info!("report written to {}", path.display());
            outcome
        }
        Err(e) => {
            tracing::error!("cannot write the report to {}: {e}", path.display());
            outcome.worst(Outcome::Failure)
        }
    }
}

/// Runs with parsed arguments.
pub fn run(args: Args) -> Outcome {
    let started = Instant::now();
    let progress = Progress::detect();
    if let Some(clash) = crate::cli::outputs_clash(
        &[("the configuration file", &args.config)],
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
        let message = format!(
            "cannot open log file {}: {e}",
            args.log_file
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        crate::logging::error_on_stderr(&message);
        // The report still says so (an older one would otherwise be read as this run's).
        if let Some(path) = args.report.as_deref().filter(|_| !args.check_config) {
            let early = RunReport {
                dry_run: args.dry_run,
                started: RunClock::start().now,
                errors: vec![message],
                ..Default::default()
            };
            let json = early.to_json(Outcome::Usage, started.elapsed());
            if let Err(e) = write_json(path, &json) {
                crate::logging::error_on_stderr(&format!(
                    "cannot write the report to {}: {e}",
                    path.display()
                ));
            }
        }
        return Outcome::Usage;
    }
    if let Some(path) = args.report.as_deref() {
        if let Err(e) = crate::archiver::report::check_writable(path) {
            tracing::error!("cannot write the report to {}: {e}", path.display());
            return Outcome::Usage;
        }
    }
    let clock = RunClock::start();
    let mut early = RunReport {
        dry_run: args.dry_run,
        started: clock.now.clone(),
        ..Default::default()
    };
    let loaded = match config::load_file(&args.config, clock) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("configuration error: {e}");
            early.errors.push(format!("configuration error: {e}"));
            if !args.check_config {
                write_report(args.report.as_deref(), &early, Outcome::Usage, started);
            }
            return Outcome::Usage;
        }
    };
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    for name in &loaded.config.disabled {
        tracing::info!("archiver {name} is disabled, ignoring it");
    }
    if args.check_config {
        // The resolved configuration is what was asked for: not written, the check failed.
        let mut out = std::io::stdout().lock();
        let rendered = config::render::render(&loaded.config);
        return match out
            .write_all(rendered.as_bytes())
            .and_then(|()| out.flush())
        {
            Ok(()) => Outcome::Success,
            Err(e) => {
                let message = format!("cannot write the configuration to stdout: {e}");
                tracing::error!("{message}");
                crate::logging::error_on_stderr(&message);
                Outcome::Failure
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            early
                .errors
                .push(format!("cannot start the async runtime: {e}"));
            return write_report(args.report.as_deref(), &early, Outcome::Failure, started);
        }
    };
    let options = RunOptions {
        dry_run: args.dry_run,
        max_runtime: args.max_runtime,
        started,
        stop: Stop::new(),
        config_path: loaded.config.path.clone(),
        limits: Limits::default(),
        progress,
        jobs: args.jobs,
        archive_suffixes: loaded.config.archive_suffixes(),
        routes: Default::default(),
    };
    tracing::info!(
        "osarchiver {} starting: config {}, {} archiver(s){}{}",
        env!("CARGO_PKG_VERSION"),
        loaded.config.path.display(),
        loaded.config.archivers.len(),
        if args.dry_run { ", dry run" } else { "" },
        args.max_runtime
            .map(|d| format!(", --max-runtime {:.0}s", d.as_secs_f64()))
            .unwrap_or_default()
    );
    let mut report = runtime.block_on(async {
        if let Err(e) = watch_signals(
            options.stop.clone(),
            args.report.clone(),
            early.without_tables(),
            started,
        ) {
            tracing::warn!("cannot watch SIGINT/SIGTERM: {e}");
        }
        watch_stop_grace(
            options.stop.clone(),
            args.report.clone(),
            early.without_tables(),
            started,
        );
        crate::archiver::archive_all(&loaded.config, &options).await
    });
    if let Some(why) = options.stop.reason() {
        report.interrupted = Some(why.describe().to_string());
    }
    // A replica down, or a server overloaded past max_pause, is a failure to see to, whatever
    // ended the pause.
    for failure in options.stop.failures() {
        report.error(failure);
    }
    for line in report.summary().lines() {
        tracing::info!("{line}");
    }
    let outcome = report.outcome().accepting_rows_left(args.rows_left_ok);
    match outcome {
        Outcome::Failure => tracing::error!("finished with errors: see the lines above (exit code 1)"),
        Outcome::Locked => tracing::error!("another run holds a lock: sources were left alone (exit code 5)"),
        Outcome::Interrupted => tracing::warn!(
            "stopped early ({}): a re-run carries on (exit code 4)",
            report.interrupted.as_deref().unwrap_or("stopped")
        ),
        Outcome::RowsLeft => tracing::warn!(
            "finished, with rows left in the source on purpose: blocked, conflicting, changed while the run read them, or in skipped tables (exit code 3)"
        ),
        Outcome::RowsLeftAccepted => tracing::warn!(
            "finished, with rows left in the source on purpose: blocked, conflicting, changed while the run read them, or in skipped tables (exit code 0: --rows-left-ok)"
        ),
        _ => tracing::info!("finished: every eligible row was handled (exit code 0)"),
    }
    // The report, read by monitoring, and the exit code agree: an incomplete log (the summary
    // above included) is a failure.
    let outcome = match crate::logging::log_file_failed() {
        Some(e) => {
            report.errors.push(format!(
                "cannot write the log file: {e}; the log is incomplete"
            ));
            outcome.worst(Outcome::Failure)
        }
        None => outcome,
    };
    let outcome = write_report(args.report.as_deref(), &report, outcome, started);
    // Do not wait for tasks still parked (a signal watcher, a timer).
    runtime.shutdown_timeout(Duration::from_millis(100));
    outcome
}

/// How long a run asked to stop (a signal, the time budget) may take to finish its current
/// batch before it is stopped at once: a statement the server never answers must not keep a
/// stopped run alive. The packings and uploads of tables already archived are waited for
/// beyond it (they have timeouts of their own).
pub const STOP_GRACE: Duration = Duration::from_secs(60);

/// Once a stop is requested, waits [`STOP_GRACE`]; if the run is still going then, stops the
/// process at once with exit code 4, as a second signal does (the server rolls back what was
/// not committed; a batch is deleted only once written).
fn watch_stop_grace(stop: Stop, report_path: Option<PathBuf>, early: RunReport, started: Instant) {
    tokio::spawn(async move {
        stop.requested().await;
        tokio::time::sleep(STOP_GRACE).await;
        // Waiting for the packings and uploads of finished tables is not a hang: they have
        // their own timeouts and attempts, and cutting them short would leave files unsent.
        if stop.is_draining() {
            while stop.is_draining() {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            // The run writes its summary and report right after: leave it the time to.
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
        let why = stop.reason().map_or("stopped", |r| r.describe());
        tracing::error!(
            "{why}, and the current batch has not finished within {}s: stopping at once; rows of unfinished batches stay in the source (exit code 4)",
            STOP_GRACE.as_secs()
        );
        let abandoned = abandoned_packings();
        let mut aborted = early;
        aborted.interrupted = Some(format!(
            "{why}; stopped at once after {}s without the current batch finishing; per-table counts are not known{abandoned}",
            STOP_GRACE.as_secs()
        ));
        write_report(
            report_path.as_deref(),
            &aborted,
            Outcome::Interrupted,
            started,
        );
        std::process::exit(i32::from(Outcome::Interrupted.code()));
    });
}

/// For a run stopped at once: the finished tables whose packing or upload it cuts short, logged
/// as an error (their rows are deleted; their files are only where they were written), and
/// the same for the report (empty when there are none).
fn abandoned_packings() -> String {
    let n = crate::destination::file::packings_pending();
    if n == 0 {
        return String::new();
    }
    let what = format!(
        "{n} finished table(s) were still being packed or uploaded: their rows are deleted from the source and their files stay as written in the destination directory (plain files, an archive ending in .part), not uploaded; pack and upload them by hand"
    );
    tracing::error!("{what}");
    format!("; {what}")
}

/// Installs the SIGINT/SIGTERM handlers: the first signal asks the run to stop after the current
/// batch; the second stops the process at once with exit code 4 (an open transaction is rolled
/// back by the server; nothing is deleted that is not archived, since a batch is deleted only
/// once written), after writing a report that says so.
fn watch_signals(
    stop: Stop,
    report_path: Option<PathBuf>,
    early: RunReport,
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
                tracing::warn!(
                    "{name} received: finishing the current batch, then stopping (send it again to stop at once)"
                );
                stop.request(StopReason::Signal);
            } else {
                tracing::error!(
                    "{name} received again: stopping at once; rows of unfinished batches stay in the source (exit code 4)"
                );
                let abandoned = abandoned_packings();
                let mut aborted = early.without_tables();
                aborted.interrupted = Some(format!(
                    "stopped at once by a second signal ({name}); per-table counts are not known{abandoned}"
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
