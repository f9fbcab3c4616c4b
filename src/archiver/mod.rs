//! The pipeline: for each enabled archiver, each source ([`source_run`]), each chosen table
//! ([`table`]), batch by batch ([`pipeline`]): read a keyset page, write it to every
//! destination (committed, fsynced), then delete from the source only the rows every
//! destination holds identically. At the end, a per-table [`report`].

pub mod error;
pub mod forecast;
mod jobs;
mod locked_copy;
pub mod pipeline;
pub mod report;
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
    report
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
