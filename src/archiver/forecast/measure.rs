//! Computing a table's [`Forecast`] on the source, read-only: the conflicts with the archive
//! tables on the source's server (those on other servers come from [`super::remote`]), the rows kept by rows that stay ([`super::sql::Builder`]),
//! the bytes (a bounded sample) and the expected time.

use std::time::{Duration, Instant};

use mysql_async::prelude::*;
use mysql_async::Row;

use crate::config::Source;
use crate::mysql::conn::Connection;
use crate::mysql::retry::{with_retry, RetryError};
use crate::table::TablePlan;

use super::sql::{sample_length, ArchiveRef, Builder, Done, CYCLE_DEPTH};
use super::{BlockedBy, BytesMethod, Forecast, Timing};

/// The eligible rows whose length is measured: the first ones the `where` finds.
pub const SAMPLE_ROWS: u64 = 1000;

/// The assumed server cost of one row in a real run (read, written to the archive, deleted):
/// the project's benchmark (README, Performance) moves 369,930 rows in about 7.3 s with
/// `delete_loop_delay = 0` on a 2-core machine, about 20 µs a row.
pub const ROW_SECONDS: f64 = 20e-6;

/// What the plan of one table needs besides the source's session.
pub struct Inputs<'a> {
    pub source: &'a Source,
    pub plan: &'a TablePlan,
    /// The tables of the source the dry run has gone through so far, in order.
    pub done: &'a [Done],
    /// The table's foreign-key cycle (its tables' names, itself included; empty if none) and
    /// those tables.
    pub cycle: Vec<String>,
    pub group: &'a [Done],
    /// The existing archive tables on the source's server, by destination name.
    pub archives: Vec<(String, ArchiveRef)>,
    /// The conflicts with archive tables on other servers, by destination name
    /// ([`super::remote::conflicts`]).
    pub remote_conflicts: Vec<(String, u64)>,
    /// How many destinations the rows go to.
    pub destinations: usize,
    pub eligible: u64,
}

/// What the plan found for a table, and the conflicts per destination (by name).
pub struct Measured {
    pub forecast: Forecast,
    pub conflicts_by_dest: Vec<(String, u64)>,
}

async fn query_row(
    db: &mut Connection,
    source: &Source,
    what: &str,
    statement: String,
) -> Result<Vec<u64>, RetryError> {
    with_retry(db, source.retry, what, |a| {
        let statement = statement.as_str();
        Box::pin(async move {
            let row: Option<Row> = a.conn.query_first(statement).await?;
            Ok(row
                .map(|r| {
                    (0..r.len())
                        .map(|i| r.get::<Option<u64>, _>(i).flatten().unwrap_or(0))
                        .collect()
                })
                .unwrap_or_default())
        })
    })
    .await
}

/// The longest statement the plan sends (a foreign-key cycle is followed round fewer times
/// rather than more than this). Nested `EXISTS` are what the server's optimizer pays for:
/// a 1.4 MB statement of 11,000 of them (a cycle of three tables with several keys each,
/// followed round 10 times) took the server's memory at 0.5 GB a second until the kernel
/// killed it, and `KILL QUERY` did not stop it.
const MAX_STATEMENT: usize = 32 * 1024;

/// The statement counting the rows of `me` kept by rows that stay: a cycle (of `me`'s or of
/// its children's) is followed round [`CYCLE_DEPTH`] times, or as many as fit in
/// [`MAX_STATEMENT`] (a row further down counts as kept); when not even once fits, the rough
/// count of [`Builder::referenced`], with a warning.
fn blocked_statement(i: &Inputs<'_>, me: &Done) -> Option<String> {
    let build = |depth| Builder::new(i.done, i.group, &i.source.where_clause, depth).blocked(me);
    let name = || crate::mysql::ident::qualified(&me.plan.db, &me.plan.table);
    let mut best = None;
    for depth in 0..=CYCLE_DEPTH {
        match build(depth) {
            Some(s) if s.len() <= MAX_STATEMENT => best = Some(s),
            Some(_) if depth > 0 && best.is_some() => {
                tracing::warn!(
                    "[dry-run] {}: a foreign-key cycle is followed round only {} time{} (a statement of at most {} KiB): an eligible row further down a chain of rows through it counts as kept (the real run may delete it)",
                    name(),
                    depth - 1,
                    if depth == 2 { "" } else { "s" },
                    MAX_STATEMENT / 1024
                );
                break;
            }
            Some(_) => break,
            None => return None,
        }
    }
    best.or_else(|| {
        tracing::warn!(
            "[dry-run] {}: its foreign-key graph is too large to follow in one statement: every eligible row another row references is counted as kept (the real run may keep fewer)",
            name()
        );
        Builder::new(i.done, i.group, &i.source.where_clause, 0).referenced(me)
    })
}

/// The round trip to the source: the fastest of three `SELECT 1`.
async fn round_trip(db: &mut Connection, source: &Source) -> Result<Duration, RetryError> {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t0 = Instant::now();
        query_row(db, source, "measure the round trip", "SELECT 1".into()).await?;
        best = best.min(t0.elapsed());
    }
    Ok(best)
}

/// The plan of one table (its eligible rows counted already).
pub async fn forecast(db: &mut Connection, i: Inputs<'_>) -> Result<Measured, RetryError> {
    let (source, plan) = (i.source, i.plan);
    let builder = Builder::new(i.done, i.group, &source.where_clause, CYCLE_DEPTH);
    let mut f = Forecast {
        eligible: i.eligible,
        ..Default::default()
    };
    let archives: Vec<ArchiveRef> = i.archives.iter().map(|(_, a)| a.clone()).collect();

    // Conflicts: one COUNT over the eligible rows per archive table, each row probed by key.
    let mut conflicts_by_dest = Vec::new();
    if source.archive_data && i.eligible > 0 {
        for (dest, archive) in &i.archives {
            let statement = builder
                .conflicts(plan, std::slice::from_ref(archive))
                .unwrap_or_default();
            let n = query_row(db, source, "count conflicts with the archive", statement).await?;
            conflicts_by_dest.push((dest.clone(), n.first().copied().unwrap_or(0)));
        }
    }
    let same_server = match conflicts_by_dest.len() {
        0 => 0,
        1 => conflicts_by_dest[0].1,
        _ => {
            let statement = builder.conflicts(plan, &archives).unwrap_or_default();
            let n = query_row(db, source, "count conflicts with the archive", statement).await?;
            n.first().copied().unwrap_or(0)
        }
    };
    // A row conflicts once however many destinations refuse it: exact with one destination
    // that conflicts; with several on different servers, the largest count is a lower bound.
    let remote = i
        .remote_conflicts
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    // Eligible rows that repeat one another's values of an archive table's unique key: the
    // first goes, the others conflict with it (a key the source lost in a migration).
    let mut duplicates = 0u64;
    if source.archive_data && i.eligible > 0 {
        for (dest, archive) in &i.archives {
            let mut repeated = 0u64;
            for unique in &archive.unique {
                if !unique.iter().all(|c| plan.columns.contains(c)) {
                    continue;
                }
                let statement = builder.eligible_duplicates(plan, archive, unique);
                let n =
                    query_row(db, source, "count rows repeating a unique key", statement).await?;
                repeated = repeated.max(n.first().copied().unwrap_or(0));
            }
            if let Some((_, n)) = conflicts_by_dest.iter_mut().find(|(d, _)| d == dest) {
                *n = (*n + repeated).min(i.eligible);
            }
            duplicates = duplicates.max(repeated);
        }
    }
    let total_conflicts = (same_server.max(remote) + duplicates).min(i.eligible);
    let conflicting = conflicts_by_dest
        .iter()
        .chain(&i.remote_conflicts)
        .filter(|(_, n)| *n > 0)
        .count();
    if conflicting > 1 && !i.remote_conflicts.is_empty() {
        f.conflicts_note = Some(format!(
            "at least {total_conflicts}: several destinations on different servers conflict"
        ));
    }
    conflicts_by_dest.extend(i.remote_conflicts.iter().cloned());
    f.conflicts = Some(total_conflicts);

    // Rows kept by rows that stay: one COUNT over the eligible rows, probing the children.
    if source.delete_data && source.foreign_key_check && i.eligible > 0 {
        let me = Done {
            plan: plan.clone(),
            archives: archives.clone(),
            cycle: i.cycle.clone(),
        };
        if let Some(statement) = blocked_statement(&i, &me) {
            tracing::debug!("[dry-run] {}.{}: {statement}", plan.db, plan.table);
            let n = query_row(db, source, "count rows kept by rows that stay", statement).await?;
            f.blocked = n.first().copied().unwrap_or(0);
            f.blocked_by = plan
                .referenced_by
                .iter()
                .zip(n.iter().skip(1))
                .filter(|(_, &rows)| rows > 0)
                .map(|(fk, &rows)| BlockedBy {
                    constraint: fk.name.clone(),
                    child: format!("{}.{}", fk.db, fk.table),
                    rows,
                })
                .collect();
        }
    }
    if source.delete_data {
        f.delete = i.eligible.saturating_sub(f.blocked + total_conflicts);
    }

    // Bytes: the first SAMPLE_ROWS eligible rows' values, as text.
    if i.eligible > 0 && source.archive_data {
        let statement = sample_length(plan, &source.where_clause, SAMPLE_ROWS);
        let n = query_row(db, source, "measure a sample of rows", statement).await?;
        let (rows, len) = (
            n.first().copied().unwrap_or(0),
            n.get(1).copied().unwrap_or(0),
        );
        if rows > 0 {
            f.bytes = ((len as f64 / rows as f64) * i.eligible as f64).round() as u64;
            f.bytes_method = Some(BytesMethod::Sample { rows });
        }
    } else {
        f.bytes_method = Some(BytesMethod::Nothing);
    }

    f.timing = timing(
        source,
        plan,
        i.eligible,
        i.destinations,
        round_trip(db, source).await?,
    );
    Ok(Measured {
        forecast: f,
        conflicts_by_dest,
    })
}

/// The expected time of a table's real run (see the README, "The dry run's plan"): the
/// pauses (`delete_loop_delay` before every delete chunk but the first), the statements
/// (per batch a read and an insert and commit per destination; per delete chunk a
/// transaction, the locking read, one read per foreign key onto the table, the delete and
/// the read of what is left when foreign keys reference it) at the measured round trip, and
/// [`ROW_SECONDS`] per row.
pub fn timing(
    source: &Source,
    plan: &TablePlan,
    eligible: u64,
    destinations: usize,
    round_trip: Duration,
) -> Timing {
    let select = plan.page_rows(source.select_limit).max(1);
    let batches = eligible.div_ceil(select);
    let chunks = if source.delete_data {
        let per_full = select.div_ceil(source.delete_limit.max(1));
        (eligible / select) * per_full + (eligible % select).div_ceil(source.delete_limit.max(1))
    } else {
        0
    };
    let fks = plan.referenced_by.len() as u64;
    let per_chunk = 4 + fks + u64::from(fks > 0);
    let per_batch = 1 + 2 * destinations as u64;
    let rtt = round_trip.as_secs_f64();
    Timing {
        batches,
        chunks,
        delay_seconds: chunks.saturating_sub(1) as f64 * source.delete_loop_delay.as_secs_f64(),
        round_trip_seconds: rtt,
        statements_seconds: (batches * per_batch + chunks * per_chunk) as f64 * rtt,
        rows_seconds: eligible as f64 * ROW_SECONDS,
    }
}
