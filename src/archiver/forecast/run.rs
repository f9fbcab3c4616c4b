//! The plan of one table in a dry run, with what the source's run knows: its destinations'
//! archive tables (on the source's server, or conflicts looked up on another), the tables gone
//! through so far and the table's foreign-key cycle; then the table counts as gone through.

use crate::archiver::error::TableError;
use crate::archiver::source_run::SourceRun;
use crate::destination::{Dest, Target};
use crate::table::TablePlan;

use super::measure::{forecast, Inputs, Measured};
use super::remote;
use super::sql::Done;

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
        let target = (t.db.clone(), t.table.clone());
        match d {
            Dest::Db(db) if !db.same_server && source.archive_data && eligible > 0 => {
                let n = remote::conflicts(&mut run.src, source, plan, db, &target)
                    .await
                    .map_err(TableError::Count)?;
                remote_conflicts.push((name, n));
            }
            Dest::Db(db) if db.same_server => archives.push((name, target)),
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
    let group: Vec<Done> = run
        .db_tables
        .iter()
        .filter(|t| cycle.contains(&t.table))
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
