//! One source of one archiver: its sessions and destinations, the databases and tables chosen
//! on it, and the table loop, with further passes over foreign-key cycles.

use std::time::Instant;

use mysql_async::prelude::Queryable;

use crate::config::Selection;
use crate::config::{Archiver, RunClock, Source};
use crate::destination::db::has_suffix;
use crate::destination::file::Packing;
use crate::destination::Dest;
use crate::lock::{self, DbLock, FileLock, LockError};
use crate::mysql::conn::Connection;
use crate::mysql::grants::Grants;
use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::labels;
use crate::mysql::retry::with_retry;
use crate::mysql::schema::{self, ForeignKey, ForeignKeySource};
use crate::progress::Progress;
use crate::source::plan::{
    choose_databases, plan_database, DatabasePlan, Exclusions, Skipped, SYSTEM_DATABASES,
};
use crate::stop::{Stop, StopReason};
use crate::table::TablePlan;
use crate::throttle::Throttle;

use super::error::TableError;
use super::forecast::SkippedTable;
use super::jobs::Parallel;
use super::report::{RunReport, TableReport};
use super::table::TableRun;
use super::RunOptions;

/// The most passes over the tables of a foreign-key cycle (see [`SourceRun::cycle_passes`]).
const MAX_CYCLE_PASSES: u32 = 10;

/// What the tables of one source share: the sessions and the open destinations.
pub(super) struct SourceRun<'a> {
    pub archiver: &'a Archiver,
    pub source: &'a Source,
    pub dry_run: bool,
    /// The session that deletes (and reads the schema).
    pub src: Connection,
    /// The session that reads pages, so reading overlaps writing and deleting (none in a dry run).
    pub reader: Option<Connection>,
    pub dests: Vec<Dest>,
    pub dest_names: Vec<String>,
    /// Files being packed in the background: the index of their table's report in the run's
    /// [`RunReport::tables`], the destination, the job.
    pub packing: Vec<(usize, String, Packing)>,
    /// The packings of the table just run, whose report is not in the run's yet: see
    /// [`SourceRun::claim_packing`].
    pub pending: Vec<(String, Packing)>,
    pub stop: Stop,
    /// The run's progress bars.
    pub progress: Progress,
    pub throttle: Throttle,
    /// The database lock (none in a dry run), checked between tables.
    pub db_lock: Option<DbLock>,
    /// Every foreign key of the server (read once per source, before its first database).
    pub fks: Vec<ForeignKey>,
    /// Whether `fks` is every foreign key of the server (read from InnoDB's dictionary).
    pub fks_all: bool,
    /// Whether `fks` was read from `information_schema` because InnoDB's dictionary view cuts
    /// some names: the dictionary is readable (PROCESS), and a table whose keys it shows as
    /// `fks` has them is checked in every chunk all the same ([`SourceRun::dictionary_verdict`]).
    pub fks_names_cut: bool,
    /// With `fks_names_cut`: whether this user sees every database (`SELECT ON *.*`), so that
    /// the keys read hold every key, even those the dictionary shows cut.
    pub fks_sees_all: bool,
    /// The tables a dry run has gone through, in order (what its plans count as gone).
    pub done: Vec<crate::archiver::forecast::sql::Done>,
    /// The chosen tables of the database being archived, and its foreign-key cycles (for the
    /// dry run's plans).
    pub db_tables: Vec<TablePlan>,
    pub db_cycles: Vec<Vec<String>>,
    /// What each `excluded_tables` pattern matched, over every database of the source.
    pub table_exclusions: Exclusions,
    /// The run's start, from which the tables' spans in the report count.
    pub run_started: Instant,
    /// With more than one job: how this source's tables are spread over jobs.
    pub parallel: Option<Parallel>,
    /// The source user's grants, read once: by a dry run's preflight, or by a real run for the
    /// TRIGGER privilege (`Some(None)`: they could not be read, and are not checked; a real run
    /// then counts every delete as a table with a trigger's).
    pub grants: Option<Option<Grants>>,
    /// Read with the grants: why the source server would refuse this user's deletes
    /// (`read_only`), if it would.
    pub read_only: Option<String>,
    /// The suffixes of every archive-database destination of the run, whatever its archiver
    /// ([`crate::config::Config::archive_suffixes`]).
    pub archive_suffixes: Vec<(String, String)>,
    /// A table failed because the server did not answer through a whole retry policy: before
    /// the next table, one more look, and the source stops if it still does not answer.
    pub unanswered: bool,
    /// The pass over a foreign-key cycle of the table being run (1 outside
    /// [`SourceRun::cycle_passes`]): a later pass does not name again the rows it keeps.
    pub cycle_pass: u32,
    /// The archive databases of the run and the source database each receives.
    pub routes: super::routes::Routes,
}

/// Archives one source of `archiver`; failures go into `report`. With `parallel`, its tables
/// that no directed foreign-key path joins are spread over jobs ([`super::jobs`]).
pub(super) async fn archive_source(
    archiver: &Archiver,
    source: &Source,
    clock: &RunClock,
    options: &RunOptions,
    report: &mut RunReport,
    parallel: Option<Parallel>,
) {
    let dry_run = options.dry_run;
    let label = format!("archiver {} source {}", archiver.name, source.name);
    if options.stop.is_requested() {
        tracing::info!("{label}: not started: the run is stopping");
        return;
    }
    tracing::info!(
        "{label}: {}; where {}; archive_data={} delete_data={}{}",
        source_conn_text(source),
        source.where_clause,
        source.archive_data,
        source.delete_data,
        source
            .retention
            .as_deref()
            .map(|r| format!(" retention={r}"))
            .unwrap_or_default()
    );
    // The time budget: the smallest of the source's and the command line's, from the start.
    let budget = match (source.max_runtime, options.max_runtime) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let timer = budget.map(|budget| {
        let deadline = options.started + budget;
        tracing::info!(
            "{label}: time budget {:.0}s from the run's start ({:.0}s left)",
            budget.as_secs_f64(),
            deadline
                .saturating_duration_since(Instant::now())
                .as_secs_f64()
        );
        let stop = options.stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(deadline.into()).await;
            if !stop.is_requested() {
                tracing::warn!(
                    "time budget (max_runtime) spent: finishing the current batch, then stopping"
                );
            }
            stop.request(StopReason::OutOfTime);
        })
    });
    // One run at a time per configuration and source (not for a dry run, which changes nothing).
    let mut file_lock: Option<FileLock> = None;
    let mut db_lock: Option<DbLock> = None;
    if dry_run {
        // The lock file is not taken, but a real run could not take it either: say so now.
        let dir = source.lock_dir.clone().unwrap_or_else(lock::default_dir);
        let hash = lock::job_hash(&options.config_path, &source.name);
        if let Err(e) = lock::check_dir(&dir, &hash) {
            lock_failed(&label, e, report);
            if let Some(t) = timer {
                t.abort();
            }
            return;
        }
    }
    if !dry_run {
        let hash = lock::job_hash(&options.config_path, &source.name);
        let dir = source.lock_dir.clone().unwrap_or_else(lock::default_dir);
        match lock::lock_file(&dir, &hash, &clock.now) {
            Ok(l) => {
                tracing::debug!("{label}: took lock file {}", l.path.display());
                file_lock = Some(l);
            }
            Err(e) => {
                lock_failed(&label, e, report);
                if let Some(t) = timer {
                    t.abort();
                }
                return;
            }
        }
        let name = lock::db_lock_name(&hash, &source.name);
        match DbLock::acquire(&source.conn, source.retry, &name).await {
            Ok(l) => {
                tracing::debug!("{label}: took database lock '{name}'");
                db_lock = Some(l);
            }
            Err(e) => {
                lock_failed(&label, e, report);
                if let Some(t) = timer {
                    t.abort();
                }
                return;
            }
        }
    }
    if let Some(mut run) = SourceRun::open(archiver, source, clock, options, &label, report).await {
        run.db_lock = db_lock.take();
        run.parallel = parallel;
        let first = report.tables.len();
        run.all_databases(&label, report).await;
        // A real run asks the throttle before the deletes of every table it walks (none
        // without a table).
        let walked = report.tables[first.min(report.tables.len())..]
            .iter()
            .any(|t| t.archiver == archiver.name && t.source == source.name && t.skipped.is_none());
        if dry_run && source.delete_data && walked {
            run.foresee_throttle(&label, report).await;
        }
        db_lock = run.db_lock.take();
        run.close(report).await;
    }
    if let Some(l) = db_lock {
        l.release().await;
    }
    drop(file_lock);
    if let Some(t) = timer {
        t.abort();
    }
}

/// Reports a lock that was not taken: held by another run, or not tried at all (a failure).
fn lock_failed(label: &str, e: LockError, report: &mut RunReport) {
    match e {
        LockError::Held(who) => report.locked(format!("{label}: not archived: {who}")),
        why @ (LockError::CreateDir { .. } | LockError::Open { .. } | LockError::Flock { .. }) => {
            report.error(format!(
                "{label}: {why} (the lock_dir of the source's section; set it to a directory this user may write to)"
            ))
        }
        why => report.error(format!("{label}: {why}")),
    }
}

/// Warns when the `where` calls `clock` (`NOW()`...) and the server's own time zone is not
/// UTC: the sessions are in UTC (`TIMESTAMP`s are read and written without the hour a change
/// to summer time repeats), so the `where` selects other rows than under the server's zone,
/// where the Python tool's sessions were.
async fn server_zone(src: &mut Connection, label: &str, clock: &str) {
    let offset = src
        .run("read the server's time zone", |c| {
            Box::pin(c.query_first::<Option<i64>, _>(
                "SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), \
                 CONVERT_TZ(UTC_TIMESTAMP(), '+00:00', @@global.time_zone))",
            ))
        })
        .await;
    if let Ok(Some(Some(minutes))) = offset {
        if minutes != 0 {
            tracing::warn!(
                "{label}: the where calls {clock}, which osarchiver's sessions read in UTC; the \
                 server's time zone is {minutes:+} minutes from UTC (the Python osarchiver read \
                 it there): write the where with '{{now}}' (the run's start in UTC) or \
                 UTC_TIMESTAMP() to say which clock you mean"
            );
        }
    }
}

/// Where the source is, for the log.
fn source_conn_text(source: &Source) -> String {
    format!("server {}", crate::mysql::conn::target(&source.conn))
}

impl<'a> SourceRun<'a> {
    /// Connects to the source and opens the destinations; `None` (failure reported) if any fails.
    pub(super) async fn open(
        archiver: &'a Archiver,
        source: &'a Source,
        clock: &RunClock,
        options: &RunOptions,
        label: &str,
        report: &mut RunReport,
    ) -> Option<SourceRun<'a>> {
        let dry_run = options.dry_run;
        let mut src = match Connection::connect_retrying(&source.conn, source.retry).await {
            Ok(db) => db,
            Err(e) => {
                report.error(format!("{label}: {e}"));
                return None;
            }
        };
        let reader = if dry_run {
            None
        } else {
            match Connection::connect_retrying(&source.conn, source.retry).await {
                Ok(db) => Some(db),
                Err(e) => {
                    report.error(format!("{label}: {e}"));
                    return None;
                }
            }
        };
        if !source.foreign_key_check && !dry_run {
            if let Err(e) = src.set_foreign_key_checks(false).await {
                report.error(format!("{label}: cannot turn foreign key checks off: {e}"));
                return None;
            }
            tracing::warn!(
                "{label}: foreign_key_check = false: parents may be deleted before their live children"
            );
        }
        if let Some(clock) = crate::config::condition::local_clock(&source.where_clause) {
            server_zone(&mut src, label, &clock).await;
        }
        let mut dests: Vec<Dest> = Vec::new();
        if source.archive_data {
            for d in &archiver.destinations {
                match Dest::open(d, &mut src, &source.name, clock, dry_run, &options.limits).await {
                    Ok(dest) => {
                        // A store that would refuse the uploads fails the run at its end:
                        // the real run writes the files, deletes the rows they hold, and
                        // keeps the files when their upload fails. The plan goes on.
                        if dry_run {
                            if let Err(e) = dest.check_remotes().await {
                                // (The error names the destination.)
                                report.error(format!(
                                    "{label}: {e}: the real run would archive and delete the rows as planned, keep the files, and fail"
                                ));
                            }
                        }
                        dests.push(dest);
                    }
                    Err(e) => {
                        report.error(format!("{label}: destination {}: {e}", d.name()));
                        for d in dests {
                            d.close().await;
                        }
                        return None;
                    }
                }
            }
        }
        let dest_names = dests.iter().map(|d| d.name().to_string()).collect();
        Some(SourceRun {
            archiver,
            source,
            dry_run,
            src,
            reader,
            dests,
            dest_names,
            packing: Vec::new(),
            pending: Vec::new(),
            stop: options.stop.clone(),
            progress: options.progress.clone(),
            throttle: Throttle::new(&source.throttle, &source.conn, options.stop.clone()),
            db_lock: None,
            fks: Vec::new(),
            fks_all: false,
            fks_names_cut: false,
            fks_sees_all: false,
            done: Vec::new(),
            db_tables: Vec::new(),
            db_cycles: Vec::new(),
            table_exclusions: Exclusions::new(&source.excluded_tables),
            run_started: options.started,
            parallel: None,
            grants: None,
            read_only: None,
            archive_suffixes: options.archive_suffixes.clone(),
            unanswered: false,
            cycle_pass: 1,
            routes: options.routes.clone(),
        })
    }

    /// A dry run's look at the replicas a real run's deletes would wait for: one that cannot be
    /// reached or does not replicate would pause them until `max_pause`, then stop the run
    /// (exit code 1), or forever without a limit: a failure now; one that lags, a warning.
    async fn foresee_throttle(&mut self, label: &str, report: &mut RunReport) {
        let (broken, lagging) = self.throttle.foresee().await;
        for cause in lagging {
            tracing::warn!("{label}: a real run's deletes would pause now: {cause}");
        }
        if broken.is_empty() {
            return;
        }
        let limit = match self.throttle.max_pause() {
            Some(l) => format!(
                "for max_pause ({:.0}s), then stop (exit code 1)",
                l.as_secs_f64()
            ),
            None => "with no end (max_pause = 0)".to_string(),
        };
        report.error(format!(
            "{label}: a real run's deletes would pause {limit}: {}",
            broken.join("; ")
        ));
    }

    /// Waits for the background packings (their failures go to their tables' reports) and
    /// closes the sessions.
    pub(super) async fn close(mut self, report: &mut RunReport) {
        self.wait_packings(report).await;
        for d in self.dests {
            d.close().await;
        }
        if let Some(db) = self.reader {
            let _ = db.disconnect().await;
        }
        let _ = self.src.disconnect().await;
    }

    /// Waits for the background packings of the tables run so far (their failures go to their
    /// tables' reports in `report`, whose indexes [`SourceRun::claim_packing`] recorded).
    pub(super) async fn wait_packings(&mut self, report: &mut RunReport) {
        // Only packings and uploads of finished tables are left: a stop's grace does not cut
        // them short.
        let _draining = self.stop.draining();
        for (index, dest, packing) in std::mem::take(&mut self.packing) {
            let failures = packing.wait().await;
            if failures.is_empty() {
                continue;
            }
            let e = TableError::Packing { dest, failures };
            match report.tables.get_mut(index) {
                Some(t) => {
                    tracing::error!("{}: {e}", qualified(&t.database, &t.table));
                    t.errors.push(e);
                }
                // Not reached (a claimed index is a report's): never lose the failure though.
                None => report.error(format!("internal error: a packing without its table: {e}")),
            }
        }
        // Not reached either (every table's packings are claimed): waited for all the same.
        for (dest, packing) in std::mem::take(&mut self.pending) {
            let failures = packing.wait().await;
            if !failures.is_empty() {
                let e = TableError::Packing { dest, failures };
                report.error(format!("internal error: a packing without its table: {e}"));
            }
        }
    }

    /// Chooses the databases and archives each.
    async fn all_databases(&mut self, label: &str, report: &mut RunReport) {
        let source = self.source;
        let existing = match with_retry(&mut self.src, source.retry, "list databases", |a| {
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
        // Archive databases on the source's own server are never sources of this run; with
        // {date} in the suffix, those of earlier runs neither; nor, for `databases = *`, those
        // another archiver of the run names by its suffix (listed by name, an archive database
        // is what the operator chose: purging old archives is a job of its own).
        let all = matches!(source.databases, Selection::All);
        let archive_dbs: Vec<String> = existing
            .iter()
            .filter(|candidate| {
                existing.iter().any(|base| {
                    base != *candidate
                        && (self
                            .dests
                            .iter()
                            .filter_map(Dest::same_server_db)
                            .any(|d| d.is_archive_database_of(candidate, base))
                            || all
                                && self.archive_suffixes.iter().any(|(db, _)| {
                                    !db.is_empty() && has_suffix(candidate, base, db)
                                }))
                })
            })
            .cloned()
            .collect();
        // Databases listed by name, one of them the archive database of another by a
        // destination's suffix on this server: the rows of one would be written into a database
        // the run also archives from (a live one, as likely as not). Nothing is done.
        if matches!(source.databases, Selection::Names(_)) {
            // Those listed that excluded_databases leaves in (`.*_archive` in [DEFAULT]).
            let (names, _) = choose_databases(source, &existing, &[]);
            for d in &self.dests {
                let Some(db) = d.same_server_db() else {
                    continue;
                };
                let clash = names.iter().find_map(|archive| {
                    names
                        .iter()
                        .find(|base| *base != archive && db.is_archive_database_of(archive, base))
                        .map(|base| (base, archive))
                });
                if let Some((base, archive)) = clash {
                    report.error(format!(
                        "{label}: databases lists {base} and {archive}, and destination {} (same server) makes {archive} the archive database of {base} by its db_suffix: {base}'s rows would be written into a database this run archives from; nothing was done: set another db_suffix in [dst:{}], or take {archive} out of databases in [src:{}]",
                        d.name(),
                        d.name(),
                        source.name
                    ));
                    return;
                }
            }
        }
        // A DELETE can reach rows of any database through foreign keys declared there: read
        // them all, once.
        let fks = with_retry(&mut self.src, source.retry, "list foreign keys", |a| {
            let existing = existing.as_slice();
            Box::pin(async move { schema::server_foreign_keys(a.conn, existing).await })
        })
        .await;
        match fks {
            Ok((fks, how)) => {
                match how {
                    ForeignKeySource::InnodbDictionary => tracing::debug!(
                        "{label}: {} foreign keys on the server (InnoDB's dictionary)",
                        fks.len()
                    ),
                    ForeignKeySource::PerDatabase | ForeignKeySource::NamesCut => {
                        // Every table shows in information_schema to a user with a global
                        // privilege on tables; to others, only the tables they hold one on.
                        let grants =
                            with_retry(&mut self.src, source.retry, "read the grants", |a| {
                                Box::pin(Grants::read(a.conn))
                            })
                            .await
                            .ok();
                        let sees_all = grants.as_ref().is_some_and(|g| g.global("SELECT"));
                        self.fks_sees_all = sees_all;
                        // (With the dictionary's names cut, the user holds PROCESS.)
                        if !sees_all && source.delete_data && how == ForeignKeySource::PerDatabase {
                            report.error(format!(
                                "{label}: this user ({}) can read neither InnoDB's foreign-key dictionary (the PROCESS privilege) nor every database (SELECT ON *.*): a foreign key declared in a database it cannot see would run its ON DELETE CASCADE or SET NULL on rows no destination holds, so nothing was deleted or archived; grant PROCESS to the archiving user (GRANT PROCESS ON *.* TO ...)",
                                grants.map(|g| g.user).unwrap_or_default()
                            ));
                            return;
                        }
                        if how == ForeignKeySource::NamesCut {
                            tracing::warn!(
                                "{label}: {} foreign keys read database by database from information_schema, in the {} databases this user can see{}: InnoDB's dictionary view cuts names over 192 characters as it encodes them, and some are. A foreign key added during the run onto a table that such a key references is not seen (the others are checked in every chunk, as usual); shorten those names",
                                fks.len(),
                                existing.len(),
                                if sees_all { " (SELECT ON *.* shows every table)" } else { "" }
                            )
                        } else {
                            tracing::warn!(
                                "{label}: {} foreign keys read database by database from information_schema, in the {} databases this user can see: InnoDB's dictionary, which sees them all without opening every table, needs the PROCESS privilege{}. A foreign key added during the run is not seen; grant PROCESS to the archiving user",
                                fks.len(),
                                existing.len(),
                                if sees_all { " (SELECT ON *.* shows every table)" } else { "" }
                            )
                        }
                    }
                }
                // An archive table whose foreign key points out of the archive (the Python
                // osarchiver copied the source's `SHOW CREATE TABLE`, and a key onto another
                // database kept naming the source's table): its archived rows reference source
                // rows, which then stay as blocked on every run. Say which key to drop.
                for fk in fks.iter().filter(|f| {
                    archive_dbs.contains(&f.db) && !archive_dbs.contains(&f.referenced_db)
                }) {
                    tracing::warn!(
                        "{label}: archive table {} has foreign key {} onto the source table {}: the rows it references stay in the source, blocked by archived rows, on every run; drop it: ALTER TABLE {} DROP FOREIGN KEY {}",
                        qualified(&fk.db, &fk.table),
                        quote_ident(&fk.name),
                        qualified(&fk.referenced_db, &fk.referenced_table),
                        qualified(&fk.db, &fk.table),
                        quote_ident(&fk.name),
                    );
                }
                self.fks = fks;
                self.fks_all = how == ForeignKeySource::InnodbDictionary;
                self.fks_names_cut = how == ForeignKeySource::NamesCut;
            }
            Err(e) => {
                report.error(format!("{label}: {e}"));
                return;
            }
        }
        // Listed by name, an archive database is the operator's choice (a job that purges old
        // archives): only one this source would also write into was refused above.
        let never = if all { archive_dbs.as_slice() } else { &[] };
        let (databases, skipped) = choose_databases(source, &existing, never);
        for s in &skipped {
            if s.warn && existing.contains(&s.table) {
                // Listed, there, and left out (excluded too): a warning, exit code 3.
                tracing::warn!("{label}: database {} skipped: {}", s.table, s.reason);
                let mut t = TableReport::new(&self.archiver.name, &source.name, &s.table, "*", &[]);
                t.skipped = Some(s.reason.clone());
                report.tables.push(t);
            } else if s.warn {
                report.error(format!("{label}: database {}: {}", s.table, s.reason));
            } else {
                tracing::debug!("{label}: database {} skipped: {}", s.table, s.reason);
                if self.dry_run && !SYSTEM_DATABASES.contains(&s.table.as_str()) {
                    report.plan_skipped.push(SkippedTable {
                        archiver: self.archiver.name.clone(),
                        source: source.name.clone(),
                        table: format!("database {}", s.table),
                        reason: s.reason.clone(),
                    });
                }
            }
        }
        let mut database_exclusions = Exclusions::new(&source.excluded_databases);
        for db in &existing {
            database_exclusions.record(db, db);
        }
        log_exclusions(
            label,
            "excluded_databases",
            "database",
            &database_exclusions,
        );
        tracing::info!("{label}: databases to archive: [{}]", databases.join(", "));
        match self.parallel.clone() {
            Some(parallel) => super::jobs::tables(self, &parallel, &databases, label, report).await,
            None => {
                for db in &databases {
                    if self.stopping(label, report).await {
                        return;
                    }
                    self.database(db, label, report).await;
                }
            }
        }
        log_exclusions(label, "excluded_tables", "table", &self.table_exclusions);
    }

    /// Plans one database and archives its tables, children first.
    async fn database(&mut self, db: &str, label: &str, report: &mut RunReport) {
        let Some(plan) = self.plan_database(db, label, report).await else {
            return;
        };
        if self.dry_run {
            self.db_tables = plan.tables.clone();
            self.db_cycles = plan.cycles.clone();
        }
        for step in steps(&plan.tables) {
            if self.stopping(label, report).await {
                return;
            }
            self.run_group(&plan.tables[step], report).await;
        }
    }

    /// Plans one database: its tables in order (children first), those skipped reported (in
    /// `report`, as the warnings about triggers, disabled checks and cycles, in the log);
    /// `None` when it cannot be read (reported).
    pub(super) async fn plan_database(
        &mut self,
        db: &str,
        label: &str,
        report: &mut RunReport,
    ) -> Option<DatabasePlan> {
        let source = self.source;
        for d in &self.dests {
            let crate::destination::Dest::Db(a) = d else {
                continue;
            };
            let (archive, from) = a.route(db);
            let who = format!("{label}, database {db}");
            if let Err(holder) = self.routes.claim(archive, from, who) {
                report.error(format!(
                    "{label}: database {db}: destination {} would write it into archive database {} of a server that this run already archives {holder} into: the rows of two source databases under one key would be taken for one another (a row deleted against the other's archived copy, or kept as a conflict with it); nothing of {db} was archived: give one of them another db_suffix, or its own table_suffix",
                    a.name,
                    quote_ident(&a.archive_database(db)),
                ));
                return None;
            }
        }
        let tables = with_retry(&mut self.src, source.retry, "list tables", |a| {
            Box::pin(async move { schema::list_tables(a.conn, db).await })
        })
        .await;
        let tables = match tables {
            Ok(t) => t,
            Err(e) => {
                report.error(format!("{label}: database {db}: {e}"));
                return None;
            }
        };
        // The foreign keys declared in this database, and those of any database onto it.
        let fks: Vec<ForeignKey> = self
            .fks
            .iter()
            .filter(|f| f.db == db || f.referenced_db == db)
            .cloned()
            .collect();
        // Archive tables living in this very database (same server, table_suffix only), of
        // this run or, with {date} in the suffix, of earlier ones.
        let archive_tables: Vec<String> = tables
            .iter()
            .filter(|candidate| {
                let ours = self
                    .dests
                    .iter()
                    .filter_map(Dest::same_server_db)
                    .filter(|d| d.archive_database(db) == db)
                    .any(|d| {
                        tables.iter().any(|base| {
                            base.name != candidate.name
                                && d.is_archive_table_of(&candidate.name, &base.name)
                        })
                    });
                // Another archiver's archive tables beside their sources (a table suffix
                // alone), for `tables = *`.
                let all = matches!(self.source.tables, Selection::All);
                let theirs = all
                    && self.archive_suffixes.iter().any(|(d, t)| {
                        d.is_empty()
                            && !t.is_empty()
                            && tables.iter().any(|base| {
                                base.name != candidate.name
                                    && has_suffix(&candidate.name, &base.name, t)
                            })
                    });
                ours || theirs
            })
            .map(|t| t.name.clone())
            .collect();
        let mut plan = plan_database(source, db, &tables, &fks, &archive_tables);
        // ENUM and SET columns whose labels do not name their values one to one: the table
        // is left out (see crate::mysql::labels).
        let mut unfaithful: Vec<(String, String)> = Vec::new();
        for t in &plan.tables {
            let Some(info) = tables.iter().find(|i| i.name == t.table) else {
                continue;
            };
            for column in info.columns.iter().filter(|c| !c.generated) {
                let why = with_retry(
                    &mut self.src,
                    source.retry,
                    "read ENUM and SET members",
                    |a| {
                        Box::pin(
                            async move { labels::ambiguous(a.conn, db, &info.name, column).await },
                        )
                    },
                )
                .await;
                match why {
                    Ok(None) => {}
                    Ok(Some(why)) => {
                        unfaithful.push((t.table.clone(), why));
                        break;
                    }
                    Err(e) => {
                        report.error(format!("{label}: database {db}: {e}"));
                        return None;
                    }
                }
            }
        }
        // Tables whose columns the user may read only in part (column-level grants): the
        // run would delete the other columns with the rows, or miss the deleted_at column.
        // First the tables skipped for want of the column: whether grants may hide it (then
        // it is left out with a warning, exit code 3), asked without waiting long for their
        // locks (a table locked by another session must not hold up a table never archived;
        // one that cannot be asked now stays skipped as before).
        let without: Vec<String> = plan
            .skipped
            .iter()
            .filter(|s| {
                s.reason
                    .contains(&format!("no {} column", source.deleted_column))
            })
            .map(|s| s.table.clone())
            .collect();
        for table in without {
            let every = with_retry(
                &mut self.src,
                source.retry,
                "read the table's columns",
                |a| {
                    let table = table.clone();
                    Box::pin(async move {
                        Ok(schema::reads_every_column(a.conn, db, &table, Some(1))
                            .await
                            .ok())
                    })
                },
            )
            .await;
            if let Ok(Some(false)) = every {
                if let Some(s) = plan.skipped.iter_mut().find(|s| s.table == table) {
                    s.reason = format!(
                        "the source user may read only some of its columns (column-level \
                         grants, or no SELECT on the table), which may hide its {} column: grant \
                         SELECT on the table, or exclude it",
                        source.deleted_column
                    );
                    s.warn = true;
                }
            }
        }
        // Then the tables planned, which the run reads anyway.
        let probed: Vec<String> = plan.tables.iter().map(|t| t.table.clone()).collect();
        for table in probed {
            let every = with_retry(
                &mut self.src,
                source.retry,
                "read the table's columns",
                |a| {
                    let table = table.clone();
                    Box::pin(
                        async move { schema::reads_every_column(a.conn, db, &table, None).await },
                    )
                },
            )
            .await;
            match every {
                Ok(true) => {}
                Ok(false) => {
                    plan.tables.retain(|t| t.table != table);
                    plan.skipped.retain(|s| s.table != table);
                    report.error(format!(
                        "{label}: table {}: the source user may read only some of its columns (a \
                         column-level SELECT grant): the others would be deleted with the rows and \
                         archived nowhere, and its {} column may be hidden; not archived: grant \
                         SELECT on the table",
                        qualified(db, &table),
                        source.deleted_column
                    ));
                }
                // That table fails (one busy with an ALTER, say), not its database.
                Err(e) => {
                    plan.tables.retain(|t| t.table != table);
                    plan.skipped.retain(|s| s.table != table);
                    report.error(format!(
                        "{label}: table {}: {e}; not archived",
                        qualified(db, &table)
                    ));
                }
            }
        }
        for (table, why) in unfaithful {
            plan.tables.retain(|t| t.table != table);
            plan.skipped.push(Skipped {
                table,
                reason: why,
                warn: true,
            });
        }
        let mut unseen = Vec::new();
        for t in &mut plan.tables {
            t.references_known = self.fks_all;
            if self.fks_names_cut {
                match self.dictionary_verdict(t).await {
                    Dictionary::Agrees => t.references_known = true,
                    Dictionary::Unchecked => {}
                    Dictionary::Unseen(keys) if source.delete_data => {
                        unseen.push((t.table.clone(), keys));
                    }
                    Dictionary::Unseen(_) => {}
                }
            }
        }
        // A key onto the table that the keys read do not hold: declared in a database this user
        // cannot see, its CASCADE or SET NULL would reach rows no destination holds.
        for (table, keys) in unseen {
            plan.tables.retain(|t| t.table != table);
            if self.fks_sees_all {
                report.error(format!(
                    "{label}: table {}: foreign keys onto it were created after the run read the server's keys ({}): their ON DELETE CASCADE or SET NULL would reach rows no destination holds; not archived (the next run reads them)",
                    qualified(db, &table),
                    keys.join(", ")
                ));
            } else {
                report.error(format!(
                    "{label}: table {}: InnoDB's dictionary shows foreign keys onto it that this user cannot read ({}): declared in a database it cannot see (or created during the run), their ON DELETE CASCADE or SET NULL would reach rows no destination holds; not archived. Grant SELECT ON *.* to the archiving user (the keys are read database by database, as the dictionary's view cuts names over 192 characters)",
                    qualified(db, &table),
                    keys.join(", ")
                ));
            }
        }
        for t in &tables {
            self.table_exclusions
                .record(&t.name, &format!("{db}.{}", t.name));
        }
        for s in &plan.skipped {
            if s.warn {
                tracing::warn!("{label}: table {db}.{} skipped: {}", s.table, s.reason);
                let mut t = TableReport::new(&self.archiver.name, &source.name, db, &s.table, &[]);
                t.skipped = Some(s.reason.clone());
                report.tables.push(t);
            } else {
                tracing::info!("{label}: table {db}.{} skipped: {}", s.table, s.reason);
                if self.dry_run {
                    report.plan_skipped.push(SkippedTable {
                        archiver: self.archiver.name.clone(),
                        source: source.name.clone(),
                        table: format!("{db}.{}", s.table),
                        reason: s.reason.clone(),
                    });
                }
            }
        }
        if source.delete_data {
            // A trigger runs for every row deleted and may change rows of its own: say so,
            // as nothing can tell what it does before it runs (what it deletes or changes is
            // counted as it runs, crate::table::triggers).
            let triggers = with_retry(&mut self.src, source.retry, "list triggers", |a| {
                Box::pin(async move { schema::delete_triggers(a.conn, db).await })
            })
            .await;
            match triggers {
                Ok(triggers) => {
                    for (table, trigger, timing) in triggers {
                        if plan.tables.iter().any(|t| t.table == table) {
                            tracing::warn!(
                                "{label}: table {db}.{table}: trigger {trigger} runs {timing} DELETE for every row deleted: the rows it inserts elsewhere are not archived by this run, and a delete for which it deletes or changes other rows is rolled back and fails the table"
                            );
                        }
                    }
                }
                Err(e) => {
                    report.error(format!("{label}: database {db}: {e}"));
                    return None;
                }
            }
        }
        if !source.foreign_key_check && !self.dry_run {
            for t in &plan.tables {
                if t.referenced_by.is_empty() {
                    continue;
                }
                tracing::warn!(
                    "{label}: table {db}.{}: foreign_key_check = false: no referential action runs and nothing is checked; rows still referenced through {} are deleted and leave those references dangling",
                    t.table,
                    t.referenced_by
                        .iter()
                        .map(|f| format!(
                            "{} ({} ON DELETE {})",
                            f.name,
                            qualified(&f.db, &f.table),
                            f.on_delete.sql()
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        // Common in real schemas (a table referencing itself, as cinder's QoS specs): a fact
        // about the order, not a problem.
        for cycle in &plan.cycles {
            tracing::info!(
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
        Some(plan)
    }

    /// Archives `group`: one table, or the tables of a foreign-key cycle one after the other
    /// and then again ([`SourceRun::cycle_passes`]); one report per table, pushed in order.
    pub(super) async fn run_group(&mut self, group: &[TablePlan], report: &mut RunReport) {
        let first = report.tables.len();
        for table in group {
            let t = self.table(table).await;
            self.unanswered |= t.errors.iter().any(TableError::server_unanswered);
            self.claim_packing(report.tables.len());
            report.tables.push(t);
        }
        if group.first().is_some_and(|t| t.in_cycle) && self.source.delete_data && !self.dry_run {
            self.cycle_passes(group, first, &mut report.tables[first..])
                .await;
        }
    }

    /// The packings of the table just run belong to the report at `index` of the run's tables.
    fn claim_packing(&mut self, index: usize) {
        let pending = std::mem::take(&mut self.pending);
        self.packing
            .extend(pending.into_iter().map(|(dest, p)| (index, dest, p)));
    }

    /// Archives one table and reports what happened ([`TableRun`]).
    async fn table(&mut self, plan: &TablePlan) -> TableReport {
        TableRun { run: self }.archive(plan).await
    }

    /// What InnoDB's dictionary shows of the foreign keys onto `plan`'s table, whose keys were
    /// read from `information_schema` because the dictionary's view cuts names of some keys
    /// ([`Dictionary`]).
    async fn dictionary_verdict(&mut self, plan: &TablePlan) -> Dictionary {
        let (db, table) = (plan.db.as_str(), plan.table.as_str());
        let now = with_retry(
            &mut self.src,
            self.source.retry,
            "read the foreign keys onto a table",
            |a| Box::pin(schema::innodb_foreign_keys_onto(a.conn, db, table)),
        )
        .await;
        let now = match now {
            Ok(now) => now,
            Err(e) => {
                tracing::debug!(
                    "{}: the foreign keys onto it cannot be read from InnoDB's dictionary: {e}",
                    qualified(db, table)
                );
                return Dictionary::Unchecked;
            }
        };
        // No key the plan does not know: each chunk checks that none comes (a key of the plan
        // dropped since it was read is harmless, and left the check off, helper 127).
        let unknown: Vec<&ForeignKey> = crate::table::definition::unknown_references(plan, &now);
        if unknown.is_empty() {
            return Dictionary::Agrees;
        }
        // A key the dictionary shows whole, or one it cuts that a user who cannot see every
        // database may not have read: the user cannot know what it does.
        let unseen: Vec<String> = unknown
            .iter()
            .filter(|f| !f.db.is_empty() || !self.fks_sees_all)
            .map(|f| {
                if f.db.is_empty() {
                    f.table.clone()
                } else {
                    format!("{} of {}", quote_ident(&f.name), qualified(&f.db, &f.table))
                }
            })
            .collect();
        if unseen.is_empty() {
            Dictionary::Unchecked
        } else {
            Dictionary::Unseen(unseen)
        }
    }

    /// Whether the source must stop before its next table: a stop was requested, or the
    /// database lock was lost to another run (a failure, reported).
    pub(super) async fn stopping(&mut self, label: &str, report: &mut RunReport) -> bool {
        if let Some(why) = self.stop.reason() {
            tracing::info!("{label}: {}: no further table is started", why.describe());
            return true;
        }
        if self.unanswered {
            // One look (a reconnect and a statement), not a whole policy per table left: a
            // server that is gone would otherwise cost each table its retries.
            let once = crate::config::Retry {
                max_retries: 1,
                ..self.source.retry
            };
            let look = with_retry(&mut self.src, once, "check the server", |a| {
                Box::pin(a.conn.query_drop("DO 1"))
            })
            .await;
            match look {
                Ok(()) => self.unanswered = false,
                Err(e) => {
                    report.error(format!(
                        "{label}: the server did not answer through a whole retry policy, and does not now ({e}): the source's remaining tables are not started"
                    ));
                    return true;
                }
            }
        }
        if let Some(l) = self.db_lock.as_mut() {
            match l.ensure().await {
                Ok(()) => {}
                Err(LockError::Held(who)) => {
                    report.error(format!("{label}: lost the database lock: {who}; stopping"));
                    return true;
                }
                Err(why) => {
                    // The server may be down for a moment: the tables' retries deal with it.
                    tracing::warn!("{label}: cannot check the database lock: {why}");
                }
            }
        }
        false
    }

    /// Further passes over the tables of a foreign-key cycle (`group`, whose first-pass reports
    /// are `reports`): a row blocked by a row deleted after it was tried (in another table of
    /// the cycle, or in a later page of its own table when it references itself) can go now. A
    /// table with blocked rows is read again when rows of the cycle were deleted since its last
    /// pass, until no table qualifies or after [`MAX_CYCLE_PASSES`] passes. A report keeps its
    /// first pass's read and conflict counts, adds the rows deleted and changed later, and ends
    /// with the rows still blocked after its last pass. A later pass reads again rows an earlier
    /// one wrote (files keep them; an archive keeps the copies it could not take back): a
    /// destination counts the rows of its first pass, or every row deleted when more.
    async fn cycle_passes(
        &mut self,
        group: &[TablePlan],
        first: usize,
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
        let first_archived: Vec<Vec<u64>> = reports
            .iter()
            .map(|r| r.archived.iter().map(|(_, n)| *n).collect())
            .collect();
        for pass in 2..=MAX_CYCLE_PASSES {
            if self.stop.is_requested() {
                break;
            }
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
                self.cycle_pass = pass;
                let p = self.table(table).await;
                self.cycle_pass = 1;
                self.claim_packing(first + i);
                r.deleted += p.deleted;
                r.changed += p.changed;
                r.gone += p.gone;
                r.blocked = p.blocked;
                // Each row once: the rows of the first pass (those deleted, and the blocked
                // ones whose copies stay), or all the rows deleted since, when more.
                for (slot, first) in r.archived.iter_mut().zip(&first_archived[i]) {
                    slot.1 = (*first).max(r.deleted);
                }
                r.errors.extend(p.errors);
                r.elapsed += p.elapsed;
                if let (Some((started, _)), Some((_, finished))) = (r.span, p.span) {
                    r.span = Some((started, finished));
                }
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
}

/// What InnoDB's dictionary shows of the keys onto a table whose keys were read from
/// `information_schema` ([`SourceRun::dictionary_verdict`]).
enum Dictionary {
    /// The keys read: all the keys onto it, from every database; each chunk checks that no
    /// key was added since ([`crate::table::definition::check_references`]).
    Agrees,
    /// Keys it shows cut, which the keys read hold under their whole names (this user sees
    /// every database), or no answer: the table goes, but a key added during the run is not
    /// seen (the start-of-run warning says so).
    Unchecked,
    /// Keys this user could not read (named): the table must not lose rows.
    Unseen(Vec<String>),
}

/// The table loop's steps, as ranges of `tables`: a table, or the tables of a foreign-key cycle
/// (which come one after the other in the order).
pub(super) fn steps(tables: &[TablePlan]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tables.len() {
        let len = if tables[i].in_cycle {
            tables[i..].iter().take_while(|t| t.in_cycle).count()
        } else {
            1
        };
        out.push(i..i + len);
        i += len;
    }
    out
}

/// Logs what each exclusion pattern matched; a pattern that matched nothing is a warning (a
/// typo would otherwise let through what the operator meant to keep out).
fn log_exclusions(label: &str, key: &str, what: &str, exclusions: &Exclusions) {
    for (pattern, names) in &exclusions.matches {
        if names.is_empty() {
            tracing::warn!("{label}: {key} pattern {pattern:?} matched no {what}");
        } else {
            tracing::info!(
                "{label}: {key} pattern {pattern:?} matched {} {what}(s): {}",
                names.len(),
                names.join(", ")
            );
        }
    }
}
