//! The pipeline: for each enabled archiver, each source ([`source_run`]), each chosen table
//! ([`table`]), batch by batch ([`pipeline`]): read a keyset page, write it to every
//! destination (committed, fsynced), then delete from the source only the rows every
//! destination holds identically. At the end, a per-table [`report`].

mod blocked;
mod cover;
pub mod error;
pub mod forecast;
mod jobs;
mod kept;
mod locked_copy;
pub mod pipeline;
pub mod report;
mod routes;
pub mod server_copy;
mod source_run;
mod table;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::destination::limits::Limits;
use crate::progress::Progress;
use crate::stop::Stop;

use report::RunReport;

/// How a run was asked to go.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub dry_run: bool,
    /// `--max-runtime`, which bounds every source's own `max_runtime`.
    pub max_runtime: Option<Duration>,
    /// The run's start, from which time budgets count.
    pub started: Instant,
    /// Set by signals and time budgets.
    pub stop: Stop,
    /// The configuration file, whose path names the locks.
    pub config_path: PathBuf,
    /// The run's bounds on the destinations' background jobs (packing, uploads).
    pub limits: Limits,
    /// The progress bars (none when not on a terminal).
    pub progress: Progress,
    /// `--jobs`: how many tables may be archived at once, overriding the sources' `jobs`.
    pub jobs: Option<usize>,
    /// The suffixes of every archive-database destination of the run
    /// ([`Config::archive_suffixes`]): the archives they name are never sources.
    pub archive_suffixes: Vec<(String, String)>,
    /// The archive databases the run's sources write into ([`routes`]).
    pub routes: routes::Routes,
}

/// Runs every enabled archiver of `config`, in file order.
pub async fn archive_all(config: &Config, options: &RunOptions) -> RunReport {
    let dry_run = options.dry_run;
    let mut report = RunReport {
        dry_run,
        started: config.clock.now.clone(),
        ..Default::default()
    };
    let jobs = jobs::run_jobs(config, options);
    if jobs > 1 {
        jobs::archive_all(config, options, jobs, &mut report).await;
        if dry_run {
            predict_parallel_time_budget(config, options, jobs, &mut report);
        }
        return report;
    }
    for archiver in &config.archivers {
        if options.stop.is_requested() {
            break;
        }
        log_archiver(archiver, dry_run);
        for source in &archiver.sources {
            source_run::archive_source(archiver, source, &config.clock, options, &mut report, None)
                .await;
        }
    }
    if dry_run {
        predict_time_budget(config, options, &mut report);
    }
    report
}

/// A dry run's prediction of `max_runtime` (the source's, bounded by `--max-runtime`, counted
/// from the run's start): when the pauses of `delete_loop_delay` alone, which a real run
/// cannot skip, add up to more than a source's budget, that run would stop early (exit code
/// 4). Sources run one after the other, so a source's pauses add to the ones before it. The
/// rest of the plan's time is an estimate and predicts nothing.
fn predict_time_budget(config: &Config, options: &RunOptions, report: &mut RunReport) {
    let mut pauses = 0.0;
    for archiver in &config.archivers {
        for source in &archiver.sources {
            pauses += report
                .tables
                .iter()
                .filter(|t| t.archiver == archiver.name && t.source == source.name)
                .filter_map(|t| t.plan.as_ref())
                .map(|p| p.timing.delay_seconds)
                .sum::<f64>();
            let budget = match (source.max_runtime, options.max_runtime) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if let Some(budget) = budget.filter(|b| pauses > b.as_secs_f64()) {
                let why = format!(
                    "out of time (max_runtime): the pauses of delete_loop_delay alone would take {pauses:.1}s, more than the {:.0}s of source {}",
                    budget.as_secs_f64(),
                    source.name
                );
                tracing::warn!("a real run would stop early: {why}");
                report.interrupted = Some(why);
                return;
            }
        }
    }
}

/// [`predict_time_budget`] for `--jobs N`: the tables' pauses overlap, but no table is split
/// across jobs, so the pauses take at least the longest table's, and at least their sum over
/// `jobs`. When that exceeds the smallest budget of the run's sources, a real run would stop
/// early (exit code 4).
fn predict_parallel_time_budget(
    config: &Config,
    options: &RunOptions,
    jobs: usize,
    report: &mut RunReport,
) {
    let delays: Vec<f64> = report
        .tables
        .iter()
        .filter_map(|t| t.plan.as_ref())
        .map(|p| p.timing.delay_seconds)
        .collect();
    let longest = delays.iter().copied().fold(0.0, f64::max);
    let pauses = longest.max(delays.iter().sum::<f64>() / jobs.max(1) as f64);
    let budget = config
        .archivers
        .iter()
        .flat_map(|a| a.sources.iter())
        .filter_map(|source| match (source.max_runtime, options.max_runtime) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
        .min();
    if let Some(budget) = budget.filter(|b| pauses > b.as_secs_f64()) {
        let why = format!(
            "out of time (max_runtime): the pauses of delete_loop_delay alone would take at least {pauses:.1}s over {jobs} jobs, more than the {:.0}s budget",
            budget.as_secs_f64()
        );
        tracing::warn!("a real run would stop early: {why}");
        report.interrupted = Some(why);
    }
}

/// Logs what an archiver will do.
fn log_archiver(archiver: &crate::config::Archiver, dry_run: bool) {
    tracing::info!(
        "archiver {}: sources [{}], destinations [{}]{}",
        archiver.name,
        archiver
            .sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        archiver
            .destinations
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(", "),
        if dry_run {
            " (dry run: nothing will be changed)"
        } else {
            ""
        }
    );
}
