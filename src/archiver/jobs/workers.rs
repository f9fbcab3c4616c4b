//! The tables of one source on several jobs: the databases planned first, the tables cut into
//! groups that share no foreign-key path, the biggest groups first; the source's own sessions
//! are its first job, and each further job (its own source sessions, destinations, throttle)
//! takes a free slot of the run while steps are left. Each job takes the next step (a table, or
//! the tables of a foreign-key cycle, with its cycle passes) whose earlier steps on a directed
//! foreign-key path with it are finished: within a group, the children of one parent run at
//! once, and the parent after all of them. The reports are put back in the sequential order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use mysql_async::prelude::*;
use tokio::sync::Notify;

use crate::mysql::ident::qualified;
use crate::mysql::retry::with_retry;
use crate::table::TablePlan;

use super::super::report::{RunReport, TableReport};
use super::super::source_run::{steps, SourceRun};
use super::groups::{connected, waits_for};
use super::Parallel;

/// One step of the sequential order (a table, or the tables of a foreign-key cycle) and where
/// its reports go.
struct Step {
    tables: Vec<TablePlan>,
    first_slot: usize,
}

/// The steps left to run, and which earlier steps each must wait for; halted when the source
/// must stop (its lock lost).
#[derive(Default)]
struct Queue {
    state: Mutex<State>,
    halted: AtomicBool,
    /// A step finished, or the queue halted.
    changed: Notify,
}

#[derive(Default)]
struct State {
    /// The steps not taken yet, in the order they are taken (the biggest groups first, then
    /// the sequential order).
    pending: Vec<usize>,
    /// For each step, the earlier steps it waits for ([`super::groups::waits_for`]).
    waits_for: Vec<Vec<usize>>,
    finished: Vec<bool>,
}

impl Queue {
    /// The next step whose steps to wait for are finished, waiting for one to be; `None` when
    /// none is left (or the queue halted).
    async fn pop(&self) -> Option<usize> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.halted.load(Ordering::SeqCst) {
                return None;
            }
            {
                let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
                if st.pending.is_empty() {
                    return None;
                }
                let ready = st
                    .pending
                    .iter()
                    .position(|&s| st.waits_for[s].iter().all(|&w| st.finished[w]));
                if let Some(at) = ready {
                    let step = st.pending.remove(at);
                    if st.pending.is_empty() {
                        self.changed.notify_waiters();
                    }
                    return Some(step);
                }
            }
            changed.await;
        }
    }

    /// `step` is done (whatever its outcome): the steps waiting for it may go.
    fn finish(&self, step: usize) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = st.finished.get_mut(step) {
            *f = true;
        }
        drop(st);
        self.changed.notify_waiters();
    }

    fn halt(&self) {
        self.halted.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    fn is_done(&self) -> bool {
        self.halted.load(Ordering::SeqCst)
            || self
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pending
                .is_empty()
    }

    /// Returns once no step is left to take.
    async fn finished(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.is_done() {
                return;
            }
            changed.await;
        }
    }
}

/// Where each report of a job goes: (slot in the sequential order, index in the job's report).
type Placement = Vec<(usize, usize)>;

/// Plans every database of `databases`, then archives their tables on up to `parallel.jobs`
/// jobs; the reports go into `report` in the sequential order.
pub(in crate::archiver) async fn tables(
    run: &mut SourceRun<'_>,
    parallel: &Parallel,
    databases: &[String],
    label: &str,
    report: &mut RunReport,
) {
    // Every report of the sequential order: skipped tables at once, the others when run.
    let mut slots: Vec<Option<TableReport>> = Vec::new();
    let mut all: Vec<Step> = Vec::new();
    for db in databases {
        if run.stopping(label, report).await {
            break;
        }
        let mut planning = RunReport::default();
        let plan = run.plan_database(db, label, &mut planning).await;
        report.errors.extend(planning.errors);
        report.plan_skipped.extend(planning.plan_skipped);
        slots.extend(planning.tables.into_iter().map(Some));
        let Some(plan) = plan else {
            continue;
        };
        for range in steps(&plan.tables) {
            let tables = plan.tables[range].to_vec();
            let first_slot = slots.len();
            slots.extend(tables.iter().map(|_| None));
            all.push(Step { tables, first_slot });
        }
    }
    let names: Vec<Vec<(String, String)>> = all
        .iter()
        .map(|s| {
            s.tables
                .iter()
                .map(|t| (t.db.clone(), t.table.clone()))
                .collect()
        })
        .collect();
    let mut groups = connected(&names, &run.fks);
    // The biggest groups first (by the optimizer's row estimates), so that the longest one does
    // not start last; ties keep the sequential order.
    let sizes = estimate_rows(run, databases).await;
    let size = |g: &Vec<usize>| -> u64 {
        g.iter()
            .flat_map(|&s| &all[s].tables)
            .map(|t| {
                sizes
                    .get(&(t.db.clone(), t.table.clone()))
                    .copied()
                    .unwrap_or(0)
            })
            .sum()
    };
    groups.sort_by_cached_key(|g| std::cmp::Reverse(size(g)));
    let extra = parallel
        .jobs
        .saturating_sub(1)
        .min(all.len().saturating_sub(1));
    tracing::info!(
        "{label}: {} groups of tables sharing no foreign-key path, on up to {} jobs: {}",
        groups.len(),
        extra + 1,
        groups
            .iter()
            .map(|g| format!(
                "[{}]",
                g.iter()
                    .flat_map(|&s| &all[s].tables)
                    .map(|t| qualified(&t.db, &t.table))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    // Steps of different groups never wait for one another; within a group, a step waits only
    // for the earlier steps on a foreign-key path with it (siblings run at once).
    let waits = waits_for(&names, &run.fks);
    let pending: Vec<usize> = groups.iter().flatten().copied().collect();
    let queue = Arc::new(Queue {
        state: Mutex::new(State {
            pending,
            waits_for: waits,
            finished: vec![false; all.len()],
        }),
        ..Default::default()
    });
    let all = Arc::new(all);
    let handles: Vec<_> = (1..=extra)
        .map(|job| {
            tokio::spawn(further_job(
                parallel.clone(),
                Arc::clone(&queue),
                Arc::clone(&all),
                format!("{label} job {job}"),
            ))
        })
        .collect();
    let mut first = RunReport::default();
    let placed = work(run, &queue, &all, label, &mut first).await;
    let mut others = Vec::with_capacity(handles.len());
    for h in handles {
        match h.await {
            Ok(job) => others.push(job),
            Err(e) => report.error(format!("{label}: internal error: a job ended: {e}")),
        }
    }
    // Only now, every job done: a stop's grace does not wait for packings while a job still
    // runs a batch.
    run.wait_packings(&mut first).await;
    place(&mut slots, first, placed, report);
    for (job, placed) in others {
        place(&mut slots, job, placed, report);
    }
    report.tables.extend(slots.into_iter().flatten());
}

/// Puts a job's reports in their slots; its other failures go to `report`.
fn place(
    slots: &mut [Option<TableReport>],
    job: RunReport,
    placed: Placement,
    report: &mut RunReport,
) {
    report.errors.extend(job.errors);
    report.locked.extend(job.locked);
    let mut tables: Vec<Option<TableReport>> = job.tables.into_iter().map(Some).collect();
    for (slot, i) in placed {
        if let (Some(s), Some(t)) = (slots.get_mut(slot), tables.get_mut(i)) {
            *s = t.take();
        }
    }
    // Not reached (every report has its slot): never lose one though.
    for t in tables.into_iter().flatten() {
        report.error(format!(
            "internal error: a report without its place: {}",
            qualified(&t.database, &t.table)
        ));
    }
}

/// A job beyond the source's first: waits for a free slot of the run (or for no group to be
/// left), opens sessions and destinations of its own, and takes groups until none is left.
async fn further_job(
    parallel: Parallel,
    queue: Arc<Queue>,
    all: Arc<Vec<Step>>,
    label: String,
) -> (RunReport, Placement) {
    let mut report = RunReport::default();
    let slot = tokio::select! {
        slot = Arc::clone(&parallel.slots).acquire_owned() => slot.ok(),
        _ = queue.finished() => None,
    };
    let Some(_slot) = slot else {
        return (report, Vec::new());
    };
    if queue.is_done() || parallel.options.stop.is_requested() {
        return (report, Vec::new());
    }
    let archiver = &parallel.config.archivers[parallel.archiver];
    let source = &archiver.sources[parallel.source];
    let opened = SourceRun::open(
        archiver,
        source,
        &parallel.config.clock,
        &parallel.options,
        &label,
        &mut report,
    )
    .await;
    let Some(mut run) = opened else {
        return (report, Vec::new());
    };
    tracing::debug!("{label}: started");
    let placed = work(&mut run, &queue, &all, &label, &mut report).await;
    run.close(&mut report).await;
    (report, placed)
}

/// Takes steps from `queue` as they become ready and runs them; where each report went.
async fn work(
    run: &mut SourceRun<'_>,
    queue: &Queue,
    all: &[Step],
    label: &str,
    report: &mut RunReport,
) -> Placement {
    // Should this job end in the middle of a step (a panic), the jobs waiting for that step
    // must not wait forever: the queue halts.
    struct HaltOnUnwind<'q>(&'q Queue);
    impl Drop for HaltOnUnwind<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.halt();
            }
        }
    }
    let _guard = HaltOnUnwind(queue);
    let mut placed = Vec::new();
    while let Some(s) = queue.pop().await {
        let step = &all[s];
        tracing::info!(
            "{label}: taking [{}]",
            step.tables
                .iter()
                .map(|t| qualified(&t.db, &t.table))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if queue.halted.load(Ordering::SeqCst) || run.stopping(label, report).await {
            queue.halt();
            return placed;
        }
        let first = report.tables.len();
        run.run_group(&step.tables, report).await;
        let ran = report.tables.len() - first;
        placed.extend((0..ran).map(|k| (step.first_slot + k, first + k)));
        queue.finish(s);
    }
    placed
}

/// The optimizer's estimate of each table's rows in `databases` (none when it cannot be read:
/// the groups then keep the sequential order).
async fn estimate_rows(
    run: &mut SourceRun<'_>,
    databases: &[String],
) -> HashMap<(String, String), u64> {
    let mut out = HashMap::new();
    for db in databases {
        let rows = with_retry(
            &mut run.src,
            run.source.retry,
            "estimate table sizes",
            |a| {
                Box::pin(async move {
                    let rows: Vec<(String, Option<u64>)> = a
                        .conn
                        .exec(
                            "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES \
                         WHERE TABLE_SCHEMA = ?",
                            (db.as_str(),),
                        )
                        .await?;
                    Ok(rows)
                })
            },
        )
        .await;
        match rows {
            Ok(rows) => {
                for (table, n) in rows {
                    out.insert((db.clone(), table), n.unwrap_or(0));
                }
            }
            Err(e) => tracing::debug!("database {db}: no size estimates: {e}"),
        }
    }
    out
}
