//! The pipeline: for each enabled archiver, each source, each chosen table, batch by batch:
//! read a keyset page, write it to every destination (committed), then delete from the source
//! only the rows every destination holds identically. At the end, a per-table [`report`].

pub mod report;

use std::time::{Duration, Instant};

use mysql_async::prelude::*;

use crate::config::{Archiver, Config, Source};
use crate::destination::{Dest, Target};
use crate::mysql::conn::Db;
use crate::mysql::ident::qualified;
use crate::mysql::retry::with_retry;
use crate::mysql::schema;
use crate::source::delete::{blocked_report, delete_rows};
use crate::source::plan::{choose_databases, plan_database, TablePlan};
use crate::source::read::PageReader;
use crate::source::sql;

use report::{RunReport, TableReport};

/// How often a long table logs its progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// The most passes over the tables of a foreign-key cycle (see [`cycle_passes`]).
const MAX_CYCLE_PASSES: u32 = 10;

/// Runs every enabled archiver of `config`, in file order.
pub async fn run(config: &Config, dry_run: bool) -> RunReport {
    let mut report = RunReport {
        dry_run,
        ..Default::default()
    };
    for archiver in &config.archivers {
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
        for source in &archiver.sources {
            run_source(archiver, source, dry_run, &mut report).await;
        }
    }
    report
}

async fn run_source(archiver: &Archiver, source: &Source, dry_run: bool, report: &mut RunReport) {
    let label = format!("archiver {} source {}", archiver.name, source.name);
    tracing::info!(
        "{label}: where {}; archive_data={} delete_data={}",
        source.where_clause,
        source.archive_data,
        source.delete_data
    );
    let mut src = match Db::connect(&source.conn).await {
        Ok(db) => db,
        Err(e) => {
            report.error(format!("{label}: {e}"));
            return;
        }
    };
    if !source.foreign_key_check && !dry_run {
        if let Err(e) = src.set_foreign_key_checks(false).await {
            report.error(format!("{label}: cannot turn foreign key checks off: {e}"));
            return;
        }
        tracing::warn!(
            "{label}: foreign_key_check = false: parents may be deleted before their live children"
        );
    }

    let mut dests: Vec<Dest> = Vec::new();
    if source.archive_data {
        for d in &archiver.destinations {
            match Dest::open(d, &mut src, &source.name, dry_run).await {
                Ok(dest) => dests.push(dest),
                Err(e) => {
                    report.error(format!("{label}: destination {}: {e}", d.name()));
                    for d in dests {
                        d.close().await;
                    }
                    return;
                }
            }
        }
    }
    let dest_names: Vec<String> = dests.iter().map(|d| d.name().to_string()).collect();

    let existing = match with_retry(&mut src, source.retry, "list databases", |a| {
        Box::pin(schema::list_databases(a.conn))
    })
    .await
    {
        Ok(dbs) => dbs,
        Err(e) => {
            report.error(format!("{label}: {e}"));
            return;
        }
    };
    // Archive databases on the source's own server are never sources of this run.
    // With {date} in the suffix, those of earlier runs too.
    let archive_dbs: Vec<String> = existing
        .iter()
        .filter(|candidate| {
            dests.iter().filter_map(Dest::same_server_db).any(|d| {
                existing
                    .iter()
                    .any(|base| base != *candidate && d.is_archive_database_of(candidate, base))
            })
        })
        .cloned()
        .collect();
    let (databases, skipped) = choose_databases(source, &existing, &archive_dbs);
    for s in &skipped {
        if s.warn {
            report.error(format!("{label}: database {}: {}", s.table, s.reason));
        } else {
            tracing::debug!("{label}: database {} skipped: {}", s.table, s.reason);
        }
    }
    tracing::info!("{label}: databases to archive: [{}]", databases.join(", "));

    for db in &databases {
        let tables = {
            let db = db.clone();
            with_retry(&mut src, source.retry, "list tables", |a| {
                let db = db.clone();
                Box::pin(async move { schema::list_tables(a.conn, &db).await })
            })
            .await
        };
        let fks = {
            let db = db.clone();
            with_retry(&mut src, source.retry, "list foreign keys", |a| {
                let db = db.clone();
                Box::pin(async move { schema::foreign_keys(a.conn, &db).await })
            })
            .await
        };
        let (tables, fks) = match (tables, fks) {
            (Ok(t), Ok(f)) => (t, f),
            (Err(e), _) | (_, Err(e)) => {
                report.error(format!("{label}: database {db}: {e}"));
                continue;
            }
        };
        // Archive tables living in this very database (same server, table_suffix only), of
        // this run or, with {date} in the suffix, of earlier ones.
        let archive_tables: Vec<String> = tables
            .iter()
            .filter(|candidate| {
                dests
                    .iter()
                    .filter_map(Dest::same_server_db)
                    .filter(|d| d.archive_database(db) == *db)
                    .any(|d| {
                        tables.iter().any(|base| {
                            base.name != candidate.name
                                && d.is_archive_table_of(&candidate.name, &base.name)
                        })
                    })
            })
            .map(|t| t.name.clone())
            .collect();
        let plan = plan_database(source, db, &tables, &fks, &archive_tables);
        for s in &plan.skipped {
            if s.warn {
                tracing::warn!("{label}: table {db}.{} skipped: {}", s.table, s.reason);
                let mut t = TableReport::new(&archiver.name, &source.name, db, &s.table, &[]);
                t.skipped = Some(s.reason.clone());
                report.tables.push(t);
            } else {
                tracing::info!("{label}: table {db}.{} skipped: {}", s.table, s.reason);
            }
        }
        for cycle in &plan.cycles {
            tracing::warn!(
                "{label}: database {db}: foreign-key cycle among [{}]: rows still referenced inside it are kept and reported",
                cycle.join(", ")
            );
        }
        tracing::info!(
            "{label}: database {db}: tables in order (children first): [{}]",
            plan.tables
                .iter()
                .map(|t| t.table.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut i = 0;
        while i < plan.tables.len() {
            // The tables of a foreign-key cycle come one after the other.
            let len = if plan.tables[i].in_cycle {
                plan.tables[i..].iter().take_while(|t| t.in_cycle).count()
            } else {
                1
            };
            let group = &plan.tables[i..i + len];
            let first = report.tables.len();
            for table in group {
                let t = process_table(
                    archiver,
                    source,
                    table,
                    &mut src,
                    &mut dests,
                    &dest_names,
                    dry_run,
                )
                .await;
                report.tables.push(t);
            }
            if group[0].in_cycle && source.delete_data && !dry_run {
                let reports = &mut report.tables[first..];
                cycle_passes(
                    archiver,
                    source,
                    group,
                    &mut src,
                    &mut dests,
                    &dest_names,
                    reports,
                )
                .await;
            }
            i += len;
        }
    }
    for d in dests {
        d.close().await;
    }
    let _ = src.disconnect().await;
}

/// Further passes over the tables of a foreign-key cycle (`group`, whose first-pass reports are
/// `reports`): a row blocked by a row deleted after it was tried (in another table of the
/// cycle, or in a later page of its own table when it references itself) can go now. A table
/// with blocked rows is read again when rows of the cycle were deleted since its last pass (its
/// rows already archived count as such), until no table qualifies or after
/// [`MAX_CYCLE_PASSES`] passes. A report keeps its first pass's read, archived and conflict
/// counts, adds the rows deleted and changed later, and ends with the rows still blocked after
/// its last pass.
#[allow(clippy::too_many_arguments)]
async fn cycle_passes(
    archiver: &Archiver,
    source: &Source,
    group: &[TablePlan],
    src: &mut Db,
    dests: &mut [Dest],
    dest_names: &[String],
    reports: &mut [TableReport],
) {
    // Rows of the cycle deleted so far, and that number as each table's last pass saw it.
    let mut deleted: u64 = reports.iter().map(|r| r.deleted).sum();
    let mut seen: Vec<u64> = Vec::with_capacity(group.len());
    let mut running = 0;
    for (table, r) in group.iter().zip(reports.iter()) {
        seen.push(if table.references_itself() {
            running
        } else {
            running + r.deleted
        });
        running += r.deleted;
    }
    for pass in 2..=MAX_CYCLE_PASSES {
        let mut tried = false;
        for (i, table) in group.iter().enumerate() {
            let r = &mut reports[i];
            if r.blocked == 0 || r.failed() || deleted == seen[i] {
                continue;
            }
            tried = true;
            tracing::info!(
                "{}: pass {pass} over the foreign-key cycle: trying the {} blocked rows again",
                qualified(&table.db, &table.table),
                r.blocked
            );
            let before = deleted;
            let p = process_table(archiver, source, table, src, dests, dest_names, false).await;
            r.deleted += p.deleted;
            r.changed += p.changed;
            r.blocked = p.blocked;
            r.errors.extend(p.errors);
            r.elapsed += p.elapsed;
            deleted += p.deleted;
            seen[i] = if table.references_itself() {
                before
            } else {
                deleted
            };
        }
        if !tried {
            break;
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn process_table(
    archiver: &Archiver,
    source: &Source,
    plan: &TablePlan,
    src: &mut Db,
    dests: &mut [Dest],
    dest_names: &[String],
    dry_run: bool,
) -> TableReport {
    let started = Instant::now();
    let mut r = TableReport::new(
        &archiver.name,
        &source.name,
        &plan.db,
        &plan.table,
        dest_names,
    );
    let name = qualified(&plan.db, &plan.table);
    let result = archive_table(source, plan, src, dests, dry_run, &mut r).await;
    if let Err(e) = result {
        tracing::error!("{name}: {e}; nothing more is deleted from this table");
        r.errors.push(e);
    }
    r.elapsed = started.elapsed();
    tracing::info!(
        "{name}: {} {} rows, archived [{}], deleted {}, blocked {}, conflicts {}, changed {} in {:.1}s",
        if dry_run { "eligible" } else { "read" },
        r.read,
        r.archived.iter().map(|(d, n)| format!("{d}={n}")).collect::<Vec<_>>().join(" "),
        r.deleted,
        r.blocked,
        r.conflicts,
        r.changed,
        r.elapsed.as_secs_f64()
    );
    r
}

async fn archive_table(
    source: &Source,
    plan: &TablePlan,
    src: &mut Db,
    dests: &mut [Dest],
    dry_run: bool,
    r: &mut TableReport,
) -> Result<(), String> {
    let mut targets: Vec<Target> = Vec::with_capacity(dests.len());
    for d in dests.iter_mut() {
        match d.prepare(plan, src, source.retry, dry_run).await {
            Ok(t) => targets.push(t),
            Err(e) => {
                finish_targets(dests, targets, r).await;
                return Err(e);
            }
        }
    }
    let result = copy_rows(source, plan, src, dests, &mut targets, dry_run, r).await;
    finish_targets(dests, targets, r).await;
    result
}

/// Closes every target of a table (files are closed, compressed and uploaded), recording failures.
async fn finish_targets(dests: &mut [Dest], targets: Vec<Target>, r: &mut TableReport) {
    for (d, t) in dests.iter_mut().zip(targets) {
        if let Err(e) = d.finish(t).await {
            let e = format!("destination {}: {e}", d.name());
            tracing::error!("{}: {e}", qualified(&r.database, &r.table));
            r.errors.push(e);
        }
    }
}

/// The batch loop of one table (or, in a dry run, the count and the statements it would run).
async fn copy_rows(
    source: &Source,
    plan: &TablePlan,
    src: &mut Db,
    dests: &mut [Dest],
    targets: &mut [Target],
    dry_run: bool,
    r: &mut TableReport,
) -> Result<(), String> {
    let name = qualified(&plan.db, &plan.table);
    let mut reader = PageReader::new(plan, &source.where_clause, source.select_limit);

    if dry_run {
        let count_sql = format!(
            "SELECT COUNT(*) FROM {name} WHERE ({})",
            source.where_clause
        );
        let count: u64 = with_retry(src, source.retry, "count eligible rows", |a| {
            let count_sql = count_sql.as_str();
            Box::pin(async move { Ok(a.conn.query_first(count_sql).await?.unwrap_or(0)) })
        })
        .await
        .map_err(|e| e.to_string())?;
        r.read = count;
        if source.archive_data {
            for i in 0..targets.len() {
                r.add_archived(i, count);
            }
        }
        if source.delete_data {
            r.deleted = count;
        }
        tracing::info!(
            "[dry-run] {name}: {count} eligible rows; would read pages with: {}",
            reader.first_statement()
        );
        for (d, t) in dests.iter().zip(targets.iter()) {
            if let Target::Db(t) = t {
                tracing::info!(
                    "[dry-run] {name}: would insert into {} on destination {} with: {} ...",
                    qualified(&t.db, &t.table),
                    d.name(),
                    sql::insert_rows(&t.db, &t.table, &plan.columns, 1)
                );
            }
        }
        if source.delete_data {
            tracing::info!(
                "[dry-run] {name}: would lock with: {}; then would delete with: {}",
                sql::lock_rows(
                    &plan.db,
                    &plan.table,
                    &plan.columns,
                    &plan.key,
                    &source.where_clause,
                    1
                ),
                sql::delete_rows(&plan.db, &plan.table, &plan.key, &source.where_clause, 1)
            );
        }
        return Ok(());
    }

    let mut last_progress = Instant::now();
    let mut first_batch = true;
    loop {
        let batch = {
            let reader = &reader;
            with_retry(src, source.retry, "read page", |a| {
                Box::pin(reader.read(a.conn))
            })
            .await
            .map_err(|e| e.to_string())?
        };
        let Some(batch) = batch else { break };
        reader.advance(&batch);
        r.read += batch.len() as u64;

        let mut conflict = vec![false; batch.len()];
        if source.archive_data {
            for (i, (d, t)) in dests.iter_mut().zip(targets.iter_mut()).enumerate() {
                let out = d
                    .write(t, plan, &batch)
                    .await
                    .map_err(|e| format!("destination {}: {e}", d.name()))?;
                r.add_archived(i, out.archived);
                for &row in &out.conflicts {
                    if !conflict[row] {
                        conflict[row] = true;
                        r.conflicts += 1;
                    }
                    tracing::warn!(
                        "{name}: row ({}) kept: destination {} already holds a different row with this key",
                        batch.describe_key(row, &plan.key, &plan.key_pos),
                        d.name(),
                    );
                }
            }
        }

        if source.delete_data {
            let rows: Vec<usize> = (0..batch.len()).filter(|&i| !conflict[i]).collect();
            if !first_batch && !source.delete_loop_delay.is_zero() {
                tokio::time::sleep(source.delete_loop_delay).await;
            }
            let out = delete_rows(
                src,
                source.retry,
                plan,
                &source.where_clause,
                &batch,
                &rows,
                source.delete_limit as usize,
                source.delete_loop_delay,
            )
            .await
            .map_err(|e| e.to_string())?;
            r.deleted += out.deleted;
            r.changed += out.changed;
            r.blocked += out.blocked.len() as u64;
            for (row, constraint) in &out.blocked {
                for line in blocked_report(
                    plan,
                    &batch,
                    *row,
                    constraint.as_deref(),
                    &source.deleted_column,
                ) {
                    tracing::warn!("{line}");
                }
            }
        }
        first_batch = false;
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            tracing::info!("{name}: {} rows read, {} deleted so far", r.read, r.deleted);
        }
    }
    Ok(())
}
