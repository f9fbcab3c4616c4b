//! The plan of one table in a dry run, with what the source's run knows: its destinations'
//! archive tables (on the source's server, or conflicts looked up on another), the tables gone
//! through so far and the table's foreign-key cycle; then the table counts as gone through.

use mysql_async::prelude::Queryable;

use crate::archiver::error::TableError;
use crate::archiver::source_run::SourceRun;
use crate::destination::{Dest, Target};
use crate::table::TablePlan;

use super::measure::{forecast, Inputs, Measured};
use super::remote;
use super::sql::{ArchiveRef, Done};

/// The dry run's plan of the table ([`super::measure`]); the table then counts as gone
/// through for the plans of the tables after it (when the real run would delete).
pub(in crate::archiver) async fn plan_table(
    run: &mut SourceRun<'_>,
    plan: &TablePlan,
    targets: &[Target],
    eligible: u64,
) -> Result<Measured, TableError> {
    let source = run.source;
    let mut archives = Vec::new();
    let mut remote_conflicts = Vec::new();
    for (d, t) in run.dests.iter_mut().zip(targets.iter()) {
        let Target::Db(t) = t else { continue };
        if t.missing {
            continue;
        }
        let name = d.name().to_string();
        let target = ArchiveRef {
            db: t.db.clone(),
            table: t.table.clone(),
            period: t.period.clone(),
            unique: t.unique.clone(),
        };
        // On the source's server, the plan's statements read the archive table through the
        // source's session; a source user that may not read it (archive and source users
        // apart) has the conflicts looked up through the archive's session, as for another
        // server, and as the real run then finds them (through the client).
        let readable = match d {
            Dest::Db(db) if db.same_server => source_reads(&mut run.src, source, &target).await,
            _ => false,
        };
        match d {
            Dest::Db(_) if readable => archives.push((name, target)),
            Dest::Db(db) if source.archive_data && eligible > 0 => {
                let n = remote::conflicts(&mut run.src, source, plan, db, &target)
                    .await
                    .map_err(TableError::Count)?;
                remote_conflicts.push((name, n));
            }
            _ => {}
        }
    }
    let cycle: Vec<String> = run
        .db_cycles
        .iter()
        // A table alone in its cycle (it references itself) is a recursive CTE's.
        .find(|c| c.len() > 1 && c.contains(&plan.table))
        .cloned()
        .unwrap_or_default();
    // A table of the cycle planned before this one that is not among those done failed its
    // plan, as the real run fails it: its rows stay, and keep theirs (helper 138).
    let before = run
        .db_tables
        .iter()
        .position(|t| t.db == plan.db && t.table == plan.table)
        .unwrap_or(0);
    let group: Vec<Done> = run
        .db_tables
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            cycle.contains(&t.table)
                && (*i >= before
                    || run
                        .done
                        .iter()
                        .any(|d| d.plan.db == t.db && d.plan.table == t.table))
        })
        .map(|(_, t)| t)
        .map(|t| Done {
            plan: t.clone(),
            archives: Vec::new(),
            cycle: cycle.clone(),
        })
        .collect();
    let measured = forecast(
        &mut run.src,
        Inputs {
            source,
            plan,
            done: &run.done,
            cycle: cycle.clone(),
            group: &group,
            archives: archives.clone(),
            remote_conflicts,
            destinations: targets.len(),
            eligible,
        },
    )
    .await
    .map_err(TableError::Count)?;
    if source.delete_data {
        run.done.push(Done {
            plan: plan.clone(),
            archives: archives.into_iter().map(|(_, a)| a).collect(),
            cycle,
        });
    }
    Ok(measured)
}

/// Whether the source's session may read the archive table `target` (`SELECT ... LIMIT 0`):
/// not when the server refuses it (no `SELECT` for the source user there).
async fn source_reads(
    src: &mut crate::mysql::conn::Connection,
    source: &crate::config::Source,
    target: &ArchiveRef,
) -> bool {
    let probe = format!(
        "SELECT 1 FROM {} LIMIT 0",
        crate::mysql::ident::qualified(&target.db, &target.table)
    );
    let read = crate::mysql::retry::with_retry(src, source.retry, "read the archive table", |a| {
        let probe = probe.as_str();
        Box::pin(async move { a.conn.query_drop(probe).await })
    })
    .await;
    !matches!(
        read,
        Err(crate::mysql::retry::RetryError::Failed {
            source: mysql_async::Error::Server(_),
            ..
        })
    )
}
