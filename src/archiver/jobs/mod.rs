//! Parallel runs (`--jobs N`, the sources' `jobs` key): up to N jobs at once in the run, each a
//! table group on sessions and destinations of its own.
//!
//! - Sources: every source of every enabled archiver runs as a task of its own, holding one of
//!   the run's N job slots while it runs (a source named by two archivers runs once after the
//!   other, in file order: its lock is one per source). Each keeps its lock, its time budget
//!   and its throttle as in a sequential run.
//! - Tables ([`workers`]): a source whose jobs are more than 1 plans all its databases first,
//!   cuts its tables into groups that share no foreign-key path ([`groups`]), and runs their
//!   steps on its own sessions and on further jobs, each taking a free slot of the run: a step
//!   starts once the earlier steps on a directed foreign-key path with it are done (a parent
//!   after its children; siblings, and different groups, at once).
//!
//! The report lists the tables in the sequential order, whatever order they ran in. With one
//! job, none of this runs: the run is the sequential one.

mod groups;
mod workers;

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::config::Config;

use super::report::RunReport;
use super::source_run::archive_source;
use super::RunOptions;

pub(super) use workers::tables;

/// An (archiver, source) pair: its position among the run's pairs, the archiver's position
/// in the configuration and the source's in the archiver.
type Pair = (usize, usize, usize);

/// How a source with more than one job reaches what it needs to open further jobs.
#[derive(Clone)]
pub(crate) struct Parallel {
    pub config: Arc<Config>,
    /// The archiver's and the source's positions in `config`.
    pub archiver: usize,
    pub source: usize,
    /// The most jobs of this source at once, its first one included.
    pub jobs: usize,
    /// The run's job slots.
    pub slots: Arc<Semaphore>,
    pub options: RunOptions,
}

/// The run's number of jobs: `--jobs`, else the largest `jobs` of the enabled sources.
pub fn run_jobs(config: &Config, options: &RunOptions) -> usize {
    options.jobs.unwrap_or_else(|| {
        config
            .archivers
            .iter()
            .flat_map(|a| &a.sources)
            .map(|s| s.jobs)
            .max()
            .unwrap_or(1)
    })
}

/// Runs every source of every enabled archiver on up to `jobs` jobs; their reports go into
/// `report` in file order.
pub(super) async fn archive_all(
    config: &Config,
    options: &RunOptions,
    jobs: usize,
    report: &mut RunReport,
) {
    let config = Arc::new(config.clone());
    let slots = Arc::new(Semaphore::new(jobs));
    tracing::info!("running up to {jobs} jobs at the same time");
    // The (archiver, source) pairs in file order, in chains by source name.
    let mut chains: Vec<(String, Vec<Pair>)> = Vec::new();
    let mut pair = 0;
    for (a, archiver) in config.archivers.iter().enumerate() {
        super::log_archiver(archiver, options.dry_run);
        for (s, source) in archiver.sources.iter().enumerate() {
            match chains.iter_mut().find(|(name, _)| *name == source.name) {
                Some((_, chain)) => chain.push((pair, a, s)),
                None => chains.push((source.name.clone(), vec![(pair, a, s)])),
            }
            pair += 1;
        }
    }
    let handles: Vec<_> = chains
        .into_iter()
        .map(|(_, chain)| {
            tokio::spawn(run_chain(
                Arc::clone(&config),
                options.clone(),
                Arc::clone(&slots),
                chain,
            ))
        })
        .collect();
    let mut done: Vec<(usize, RunReport)> = Vec::new();
    for h in handles {
        match h.await {
            Ok(reports) => done.extend(reports),
            Err(e) => report.error(format!("internal error: a source's job ended: {e}")),
        }
    }
    done.sort_by_key(|(pair, _)| *pair);
    for (_, r) in done {
        report.tables.extend(r.tables);
        report.errors.extend(r.errors);
        report.locked.extend(r.locked);
        report.plan_skipped.extend(r.plan_skipped);
    }
}

/// Runs the sources of one chain (the pairs naming one source) one after the other, each
/// holding a job slot; each report comes back with its pair's position in the file.
async fn run_chain(
    config: Arc<Config>,
    options: RunOptions,
    slots: Arc<Semaphore>,
    chain: Vec<Pair>,
) -> Vec<(usize, RunReport)> {
    let mut out = Vec::new();
    for (pair, a, s) in chain {
        let mut r = RunReport::default();
        // Never closed: an error here is not reached.
        let Ok(_slot) = Arc::clone(&slots).acquire_owned().await else {
            r.error("internal error: the run's job slots are closed".to_string());
            out.push((pair, r));
            continue;
        };
        let archiver = &config.archivers[a];
        let source = &archiver.sources[s];
        let jobs = options.jobs.unwrap_or(source.jobs);
        // A dry run's plan follows the sequential order of the source's tables.
        let parallel = (jobs > 1 && !options.dry_run).then(|| Parallel {
            config: Arc::clone(&config),
            archiver: a,
            source: s,
            jobs,
            slots: Arc::clone(&slots),
            options: options.clone(),
        });
        archive_source(archiver, source, &config.clock, &options, &mut r, parallel).await;
        out.push((pair, r));
    }
    out
}
