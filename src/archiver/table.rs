//! One table of a source: get every destination ready, then either plan what a real run would
//! do (dry run, [`super::forecast`]) or run the [`super::pipeline`]; close the destinations'
//! targets in any case.

use std::time::Instant;

use mysql_async::prelude::*;

use crate::destination::Target;
use crate::mysql::grants::{Decision, Grants};
use crate::mysql::ident::qualified;
use crate::mysql::retry::with_retry;
use crate::source::read::PageReader;
use crate::table::sql;
use crate::table::TablePlan;

use super::error::TableError;
use super::forecast;
use super::pipeline;
use super::report::TableReport;
use super::server_copy;
use super::source_run::SourceRun;

/// One table of a source, archived with the source's sessions and destinations.
pub(super) struct TableRun<'r, 'a> {
    pub run: &'r mut SourceRun<'a>,
}

impl TableRun<'_, '_> {
    /// Archives one table and reports what happened.
    pub(super) async fn archive(&mut self, plan: &TablePlan) -> TableReport {
        let started = Instant::now();
        let mut r = TableReport::new(
            &self.run.archiver.name,
            &self.run.source.name,
            &plan.db,
            &plan.table,
            &self.run.dest_names,
        );
        r.blocked_log = super::blocked::BlockedLog::for_pass(self.run.cycle_pass);
        let name = qualified(&plan.db, &plan.table);
        let select_limit = self.run.source.select_limit;
        let page_rows = plan.page_rows(select_limit);
        if page_rows < select_limit {
            tracing::info!(
                "{name}: rows of about {} each (the engine's estimate): pages of {page_rows} {} instead of select_limit = {select_limit}, so that a page holds about {}",
                crate::archiver::forecast::human_bytes(plan.row_bytes),
                if page_rows == 1 { "row" } else { "rows" },
                crate::archiver::forecast::human_bytes(crate::table::PAGE_BYTES)
            );
        }
        let lock = crate::lock::table_lock_name(&plan.db, &plan.table);
        if !self.run.dry_run {
            match self.take_table_lock(&name, &lock).await {
                Ok(true) => {}
                Ok(false) => {
                    r.skipped = Some(
                        "not started: the run stopped while another job or run archived it".into(),
                    );
                    return r;
                }
                Err(e) => {
                    tracing::error!("{name}: {e}; the table is not archived");
                    r.errors.push(e);
                    return r;
                }
            }
        }
        let outcome = self.archive_table(plan, &mut r).await;
        if !self.run.dry_run {
            // Released by the session that took it: a session lost and reconnected during the
            // table lost it with it (RELEASE_LOCK says NULL, or 0 when another holds it now).
            let released: Result<Option<Option<u8>>, _> = self
                .run
                .src
                .run("release the table's lock", |c| {
                    Box::pin(c.exec_first("SELECT RELEASE_LOCK(?)", (lock.clone(),)))
                })
                .await;
            if let Ok(Some(None) | Some(Some(0))) = released {
                tracing::warn!(
                    "{name}: the table's lock ('{lock}') was lost with a session reconnected \
                     during the table: another job or run may have archived it at the same \
                     time (what it met is counted above as conflicts or changed rows)"
                );
            }
        }
        if let Err(e) = outcome {
            if self.run.dry_run {
                tracing::error!("{name}: {e}; a real run would fail this table");
            } else {
                tracing::error!(
                    "{name}: {e}; the table stops here: only rows every destination held already were deleted"
                );
            }
            r.errors.push(e);
        }
        r.blocked_log.finish(plan, &self.run.source.where_clause);
        if r.conflicts_named > super::pipeline::CONFLICTS_NAMED {
            tracing::warn!(
                "{name}: {} rows kept because a destination holds a different row with their key (the first {} are named above; --debug names each)",
                r.conflicts,
                super::pipeline::CONFLICTS_NAMED
            );
        }
        r.elapsed = started.elapsed();
        r.span = Some((
            started.saturating_duration_since(self.run.run_started),
            Instant::now().saturating_duration_since(self.run.run_started),
        ));
        tracing::debug!(
            "{name}: time reading {:.2}s, writing {:.2}s, deleting {:.2}s (paused by the throttle {:.2}s)",
            r.timing.read.as_secs_f64(),
            r.timing.write.as_secs_f64(),
            r.timing.delete.as_secs_f64(),
            r.timing.throttled.as_secs_f64()
        );
        tracing::info!(
            "{name}: {} {} rows, archived [{}], deleted {}, blocked {}, conflicts {}, changed {} in {:.1}s",
            if self.run.dry_run { "eligible" } else { "read" },
            r.read,
            r.archived
                .iter()
                .map(|(d, n)| format!("{d}={n}"))
                .collect::<Vec<_>>()
                .join(" "),
            r.deleted,
            r.blocked,
            r.conflicts,
            r.changed,
            r.elapsed.as_secs_f64()
        );
        r
    }

    /// Takes the table's named lock on the source server ([`crate::lock::table_lock_name`]),
    /// waiting while another job of the run, or another run, holds it. `false` when the run
    /// stopped meanwhile.
    async fn take_table_lock(&mut self, name: &str, lock: &str) -> Result<bool, TableError> {
        let mut said = false;
        loop {
            let wait = u8::from(said);
            let owned = lock.to_string();
            let got: Option<Option<i64>> = with_retry(
                &mut self.run.src,
                self.run.source.retry,
                "take the table's lock",
                |a| {
                    let owned = owned.clone();
                    Box::pin(a.conn.exec_first("SELECT GET_LOCK(?, ?)", (owned, wait)))
                },
            )
            .await
            .map_err(TableError::Read)?;
            if let Some(Some(1)) = got {
                return Ok(true);
            }
            if self.run.stop.reason().is_some() {
                return Ok(false);
            }
            if !said {
                tracing::info!(
                    "{name}: another job of this run, or another osarchiver run, is archiving \
                     this table on this server (lock '{lock}'): waiting for it to finish"
                );
                said = true;
            }
        }
    }

    /// Whether a `DELETE` trigger's guard (`named`: `name timing`) reads its condition as this
    /// session would: the trigger's `sql_mode` agrees with the session's on every mode that
    /// changes how an expression reads or compares, and its client character set and collation
    /// (a literal of its condition is read in the first, compared in the second) are the
    /// session's.
    async fn guard_reads_alike(&mut self, db: &str, named: &str) -> bool {
        let name = named.rsplit_once(' ').map_or(named, |(n, _)| n).to_string();
        type Reading = (
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
            String,
        );
        let modes: Result<Option<Reading>, _> = self
            .run
            .src
            .run("read a trigger's sql_mode", |c| {
                Box::pin(c.exec_first(
                    "SELECT t.SQL_MODE, t.CHARACTER_SET_CLIENT, t.COLLATION_CONNECTION, \
                     @@session.sql_mode, @@session.character_set_client, \
                     @@session.collation_connection \
                     FROM (SELECT 1) one LEFT JOIN information_schema.TRIGGERS t \
                     ON t.TRIGGER_SCHEMA = ? AND t.TRIGGER_NAME = ?",
                    (db.to_string(), name),
                ))
            })
            .await;
        match modes {
            Ok(Some((
                Some(mode),
                Some(charset),
                Some(collation),
                s_mode,
                s_charset,
                s_collation,
            ))) => {
                crate::table::triggers::modes_read_alike(&mode, &s_mode)
                    && charset.eq_ignore_ascii_case(&s_charset)
                    && collation.eq_ignore_ascii_case(&s_collation)
            }
            _ => false,
        }
    }

    async fn archive_table(
        &mut self,
        plan: &TablePlan,
        r: &mut TableReport,
    ) -> Result<(), TableError> {
        let fixed;
        let plan = if self.run.dry_run || !self.run.source.delete_data {
            plan
        } else {
            fixed = self.fix_definition(plan).await?;
            &fixed
        };
        let mut targets: Vec<Target> = Vec::with_capacity(self.run.dests.len());
        let mut result = Ok(());
        for d in self.run.dests.iter_mut() {
            match d
                .prepare(
                    plan,
                    &mut self.run.src,
                    self.run.source.retry,
                    self.run.dry_run,
                )
                .await
            {
                Ok(t) => targets.push(t),
                Err(e) => {
                    result = Err(TableError::Prepare(e));
                    break;
                }
            }
        }
        if result.is_ok() && self.run.source.delete_data && !self.run.dry_run {
            result = self.check_delete(plan).await;
        }
        if result.is_ok() {
            result = if self.run.dry_run {
                self.dry_run_table(plan, &targets, r).await
            } else {
                let walk_started = self.server_clock().await;
                let fast = server_copy::possible(
                    self.run.source,
                    &mut self.run.src,
                    plan,
                    &mut self.run.dests,
                    &targets,
                )
                .await;
                if fast {
                    tracing::debug!(
                        "{}: rows are copied inside the server (server_side_copy)",
                        qualified(&plan.db, &plan.table)
                    );
                }
                let unlockable = !fast && self.locks_a_table_read_elsewhere(plan);
                let walk = match self.run.reader.as_mut() {
                    Some(_) if unlockable => Err(TableError::SubqueryUnderLock {
                        section: format!("src:{}", self.run.source.name),
                    }),
                    Some(reader_db) if fast => {
                        server_copy::run(
                            server_copy::Copy {
                                source: self.run.source,
                                plan,
                                reader_db,
                                delete_db: &mut self.run.src,
                                dests: &mut self.run.dests,
                                targets: &mut targets,
                                stop: &self.run.stop,
                                throttle: &mut self.run.throttle,
                                progress: &self.run.progress,
                            },
                            r,
                        )
                        .await
                    }
                    Some(reader_db) => {
                        pipeline::run_stages(
                            pipeline::Stages {
                                source: self.run.source,
                                plan,
                                reader_db,
                                delete_db: &mut self.run.src,
                                dests: &mut self.run.dests,
                                targets: &mut targets,
                                stop: &self.run.stop,
                                throttle: &mut self.run.throttle,
                                progress: &self.run.progress,
                                range: None,
                                in_files: None,
                            },
                            r,
                        )
                        .await
                    }
                    None => Err(TableError::NoReader),
                };
                if walk.is_ok() && !self.run.stop.is_requested() {
                    self.account_for_every_row(plan, r, walk_started.as_deref())
                        .await
                } else {
                    walk
                }
            };
        }
        // The archive copies of the rows that stayed in the source, taken back; they are not
        // held any more.
        for kept in [r.kept_blocked.take(), r.kept_changed.take()]
            .into_iter()
            .flatten()
        {
            if kept.is_empty() {
                continue;
            }
            let removed = super::kept::remove(
                &mut self.run.src,
                plan,
                &mut self.run.dests,
                &targets,
                &kept,
            )
            .await;
            for (i, n) in removed {
                if let Some(slot) = r.archived.get_mut(i) {
                    slot.1 = slot.1.saturating_sub(n);
                }
            }
        }
        for (d, t) in self.run.dests.iter_mut().zip(targets) {
            match d.finish(t).await {
                Ok(Some(packing)) => self.run.pending.push((d.name().to_string(), packing)),
                Ok(None) => {}
                Err(source) => r.errors.push(TableError::Finish {
                    dest: d.name().to_string(),
                    source,
                }),
            }
        }
        result
    }

    /// A real run's table, its definition fixed for the walk ([`crate::table::definition`]):
    /// read first, then the table's columns, which must still be the plan's (listed when the
    /// run began). An `ALTER TABLE` between the two reads fails the first delete's check.
    async fn fix_definition(&mut self, plan: &TablePlan) -> Result<TablePlan, TableError> {
        let (db, table) = (plan.db.as_str(), plan.table.as_str());
        let read = with_retry(
            &mut self.run.src,
            self.run.source.retry,
            "read the table's definition",
            |a| {
                Box::pin(async move {
                    let definition =
                        crate::table::definition::read_source(a.conn, db, table).await?;
                    let columns = crate::mysql::schema::table_columns(a.conn, db, table).await?;
                    Ok((definition, columns))
                })
            },
        )
        .await;
        let (definition, columns) = read.map_err(TableError::Read)?;
        if !columns.is_some_and(|c| crate::table::definition::columns_match(plan, &c)) {
            return Err(TableError::Redefined);
        }
        // Triggers (or their statements) show only to a user with the TRIGGER privilege on
        // the table: without it (or grants that cannot be read), every delete is counted as
        // if it had one. The grants are read once per source.
        if self.run.grants.is_none() {
            let grants = with_retry(
                &mut self.run.src,
                self.run.source.retry,
                "read the grants",
                |a| Box::pin(Grants::read(a.conn)),
            )
            .await;
            self.run.grants = Some(
                grants
                    .map_err(|e| tracing::debug!("the source user's grants: {e}"))
                    .ok(),
            );
        }
        let triggers_unseen = !matches!(
            &self.run.grants,
            Some(Some(g)) if g.allows("TRIGGER", db, Some(table)) == Decision::Granted
        );
        if triggers_unseen {
            tracing::info!(
                "{}: no TRIGGER privilege on it: its DELETE triggers cannot be seen, so what each \
                 delete changes is counted (two reads per chunk)",
                qualified(db, table)
            );
        }
        Ok(TablePlan {
            definition,
            triggers_unseen,
            ..plan.clone()
        })
    }

    /// After a table's walk, checks that every eligible row still in the source is one the
    /// run kept on purpose or saw change: the eligible rows left must not outnumber the rows
    /// read minus those deleted and those no longer eligible when deleted (blocked rows,
    /// conflicts and rows changed while still eligible stay). More means the walk missed rows
    /// (or rows became eligible during the run): an error, so that exit 0 stays true.
    ///
    /// A walk of one page (fewer rows than `select_limit`) read every eligible row in one
    /// statement: nothing to check. Otherwise it costs one `SELECT COUNT(*) ... WHERE (where)`,
    /// which reads the eligible rows left, through an index on the selection's columns when
    /// there is one, else by a scan of the table like the walk's.
    ///
    /// `walk_started` is the server's clock when the walk began ([`Self::server_clock`]): the
    /// count runs with the session's clock set back to it (`SET STATEMENT timestamp = ... FOR`),
    /// so that a `where` written with `NOW()` (the Python osarchiver's own example,
    /// `SUBDATE(NOW(), INTERVAL ...)`) counts the rows eligible when the walk began, not the
    /// rows whose time came during the run (hours of it, on a large table) behind the walk:
    /// those are the next run's, as with the default `'{now}'`. Likewise rows soft-deleted
    /// during the run (their `deleted_column`, a date and time, at or after the walk's start),
    /// which a `where` with no retention (`deleted <> 0`) selects once the service deletes
    /// them behind the walk ([`sql::count_left`]).
    async fn account_for_every_row(
        &mut self,
        plan: &TablePlan,
        r: &mut TableReport,
        walk_started: Option<&str>,
    ) -> Result<(), TableError> {
        let source = self.run.source;
        if r.read < plan.page_rows(source.select_limit) {
            return Ok(());
        }
        let name = qualified(&plan.db, &plan.table);
        let count_sql = sql::count_left(
            plan,
            &source.where_clause,
            &source.deleted_column,
            walk_started,
        );
        let left: u64 = with_retry(
            &mut self.run.src,
            source.retry,
            "count eligible rows left",
            |a| {
                let count_sql = count_sql.as_str();
                Box::pin(async move { Ok(a.conn.query_first(count_sql).await?.unwrap_or(0)) })
            },
        )
        .await
        .map_err(TableError::Count)?;
        let expected = r.read.saturating_sub(r.deleted + r.gone);
        tracing::debug!("{name}: {left} eligible rows left, {expected} accounted for");
        if left > expected {
            return Err(TableError::IncompleteWalk { left, expected });
        }
        Ok(())
    }

    /// The source server's clock now, as `UNIX_TIMESTAMP(NOW(6))` writes it (digits, a dot,
    /// six digits), to set a statement's clock back to it; `None` on MySQL (no `SET
    /// STATEMENT`) or when the server does not answer (the count then runs on today's clock).
    async fn server_clock(&mut self) -> Option<String> {
        if !self.run.src.is_mariadb() {
            return None;
        }
        let now: Option<String> = with_retry(
            &mut self.run.src,
            self.run.source.retry,
            "read the server's clock",
            |a| Box::pin(async move { a.conn.query_first("SELECT UNIX_TIMESTAMP(NOW(6))").await }),
        )
        .await
        .ok()
        .flatten();
        // Only a number goes into the statement.
        now.filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    }

    /// The statement that deletes the table's rows by key, prepared (not run: the server
    /// parses and resolves it, and counts no `DELETE`): an error it would give every chunk's
    /// `DELETE` (a `where` reading the table itself in a subquery is 1093 in the multi-table
    /// form) fails the table now, in the dry run as in the real run, before anything of it is
    /// archived.
    /// A table with no eligible row has nothing to delete: it does not fail.
    async fn check_delete(&mut self, plan: &TablePlan) -> Result<(), TableError> {
        let statement =
            crate::table::sql::delete_rows(plan, &self.run.source.where_clause, 1, false);
        let refused = with_retry(
            &mut self.run.src,
            self.run.source.retry,
            "prepare the delete",
            |a| {
                let statement = statement.as_str();
                Box::pin(async move {
                    let prepared = a.conn.prep(statement).await?;
                    a.conn.close(prepared).await
                })
            },
        )
        .await;
        let refused = match (&plan.undeletable, refused) {
            (Some(engine), _) => TableError::EngineCannotDelete(engine.clone()),
            (None, Ok(())) => return Ok(()),
            (None, Err(e)) => TableError::DeleteRefused(e),
        };
        let any = format!(
            "SELECT 1 FROM {} WHERE ({}) LIMIT 1",
            qualified(&plan.db, &plan.table),
            self.run.source.where_clause
        );
        let eligible = with_retry(
            &mut self.run.src,
            self.run.source.retry,
            "look for an eligible row",
            |a| {
                let any = any.as_str();
                Box::pin(async move { a.conn.query_first::<u8, _>(any).await })
            },
        )
        .await;
        match eligible {
            Ok(None) => Ok(()),
            // The server refuses the selection alone too: the operator's `where` is at fault.
            Err(
                refused @ crate::mysql::retry::RetryError::Failed {
                    source: mysql_async::Error::Server(_),
                    ..
                },
            ) => Err(TableError::WhereRefused {
                section: format!("src:{}", self.run.source.name),
                source: refused,
            }),
            _ => Err(refused),
        }
    }

    /// A dry run's preflight on the source: SELECT on the table, and with `delete_data`
    /// DELETE on it and SELECT on every table whose foreign keys reference it (the check
    /// before each DELETE reads them). A missing privilege fails the table as the real run
    /// would; a column-level grant is a warning.
    async fn check_grants(&mut self, plan: &TablePlan, lock: bool) -> Result<(), TableError> {
        if self.run.grants.is_none() {
            let grants = with_retry(
                &mut self.run.src,
                self.run.source.retry,
                "read grants",
                |a| Box::pin(Grants::read(a.conn)),
            )
            .await;
            // What cannot be read cannot fail the dry run: the real run would not read it.
            let grants = grants
                .map_err(|e| {
                    tracing::warn!(
                        "[dry-run] the source user's grants cannot be read ({e}): not checked"
                    );
                })
                .ok();
            if let Some(g) = &grants {
                self.run.read_only = with_retry(
                    &mut self.run.src,
                    self.run.source.retry,
                    "read read_only",
                    |a| Box::pin(g.read_only_refusal(a.conn)),
                )
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!("[dry-run] the source's read_only cannot be read ({e})");
                    None
                });
            }
            self.run.grants = Some(grants);
        }
        let Some(Some(grants)) = &self.run.grants else {
            return Ok(());
        };
        let mut needed = vec![("SELECT", plan.db.as_str(), plan.table.as_str())];
        if lock {
            needed.push(("LOCK TABLES", &plan.db, &plan.table));
        }
        if self.run.source.delete_data {
            needed.push(("DELETE", &plan.db, &plan.table));
            if self.run.source.foreign_key_check {
                for fk in &plan.referenced_by {
                    needed.push(("SELECT", &fk.db, &fk.table));
                }
            }
        }
        let mut lacking = Vec::new();
        for (privilege, db, table) in needed {
            let what = format!("{privilege} on {}", qualified(db, table));
            match grants.allows(privilege, db, Some(table)) {
                Decision::Granted => {}
                Decision::Missing if !lacking.contains(&what) => lacking.push(what),
                Decision::Shadowed(why) => {
                    let what = format!("{what} ({why})");
                    if !lacking.contains(&what) {
                        lacking.push(what);
                    }
                }
                Decision::Missing => {}
                Decision::Undecided(why) => tracing::warn!(
                    "[dry-run] {}: cannot tell whether {} has {what}: {why}",
                    qualified(&plan.db, &plan.table),
                    grants.user
                ),
            }
        }
        if lacking.is_empty() {
            return Ok(());
        }
        Err(TableError::Privileges(format!(
            "source user {} lacks {}: the real run would fail",
            grants.user,
            lacking.join(", ")
        )))
    }

    /// Whether the client's way would delete from this table under `LOCK TABLES` (its engine
    /// has no transactions) while the `where` reads other tables, which the lock forbids.
    fn locks_a_table_read_elsewhere(&self, plan: &TablePlan) -> bool {
        !plan.transactional
            && self.run.source.delete_data
            && crate::config::condition::has_subquery(&self.run.source.where_clause)
    }

    /// Whether a real run would take the table the client's way (as
    /// [`server_copy::possible`] decides, from what a dry run knows).
    fn client_way(&self, plan: &TablePlan) -> bool {
        let source = self.run.source;
        let dbs: Vec<&crate::destination::db::ArchiveDb> = self
            .run
            .dests
            .iter()
            .filter_map(|d| match d {
                crate::destination::Dest::Db(db) => Some(db),
                _ => None,
            })
            .collect();
        let server_side = source.archive_data
            && source.delete_data
            && !plan.references_itself()
            && !plan.in_cycle
            && plan.key_enforced
            && !dbs.is_empty()
            && dbs.iter().all(|db| db.same_server && db.server_side_copy);
        !server_side
    }

    /// What fails the table once its plan is made: its triggers, for rows the plan deletes, and
    /// the room its files need.
    async fn foresee_failures(
        &mut self,
        plan: &TablePlan,
        f: &forecast::Forecast,
        count: u64,
        may_delete: bool,
    ) -> Result<(), TableError> {
        let source = self.run.source;
        if (f.delete > 0 || may_delete) && source.delete_data {
            self.foresee_triggers(plan).await?;
        }
        if source.archive_data {
            let name = qualified(&plan.db, &plan.table);
            for d in self.run.dests.iter_mut() {
                if let crate::destination::Dest::File(fd) = d {
                    fd.dry_run_space(&name, count, f.bytes)
                        .map_err(|e| TableError::Write {
                            dest: fd.name().to_string(),
                            source: crate::destination::DestError::from(e),
                        })?;
                }
            }
        }
        Ok(())
    }

    /// A dry run's preflight of the table's `DELETE` triggers: one whose statement deletes,
    /// updates or replaces rows (or calls a procedure) fails the real run's first delete
    /// ([`crate::table::triggers`]), and so the dry run; so does one that raises an error,
    /// unless it is a guard whose condition holds for no eligible row.
    async fn foresee_triggers(&mut self, plan: &TablePlan) -> Result<(), TableError> {
        let (db, table) = (plan.db.as_str(), plan.table.as_str());
        let definition = with_retry(
            &mut self.run.src,
            self.run.source.retry,
            "read the table's triggers",
            |a| Box::pin(crate::table::definition::read_source(a.conn, db, table)),
        )
        .await
        .map_err(TableError::Read)?;
        let seen = TablePlan {
            definition,
            ..plan.clone()
        };
        for hidden in crate::table::triggers::hidden_triggers(&seen) {
            tracing::warn!(
                "[dry-run] {}: trigger {hidden} DELETE: its statement cannot be read without the \
                 TRIGGER privilege, so the dry run cannot foresee whether the real run accepts \
                 it (a real run fails the table if it deletes or changes rows elsewhere)",
                qualified(db, table)
            );
        }
        let changing = crate::table::triggers::changing_triggers(&seen);
        // A guard whose condition holds for no eligible row refuses nothing the run deletes.
        let mut refusing = Vec::new();
        for (named, guard) in crate::table::triggers::refusing_triggers(&seen) {
            if let Some(condition) = guard {
                if !self.guard_reads_alike(db, named).await {
                    refusing.push(named);
                    continue;
                }
                let sql = format!(
                    "SELECT EXISTS (SELECT 1 FROM {} WHERE ({}) AND ({condition}))",
                    qualified(db, table),
                    self.run.source.where_clause
                );
                let held: Result<Option<u8>, _> = self
                    .run
                    .src
                    .run("read what a trigger refuses", |c| {
                        Box::pin(c.query_first(sql))
                    })
                    .await;
                match held {
                    Ok(Some(0)) => {
                        tracing::info!(
                            "[dry-run] {}: trigger {named} DELETE raises an error when {condition}: \
                             no eligible row holds for it now",
                            qualified(db, table)
                        );
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => tracing::debug!("{}: {named}: {e}", qualified(db, table)),
                }
            }
            refusing.push(named);
        }
        if changing.is_empty() && !refusing.is_empty() {
            return Err(TableError::Triggers(format!(
                "the DELETE triggers of {} ({}) raise errors (SIGNAL): a real run fails the \
                 table at the first row they refuse, keeping that chunk, and the dry run cannot \
                 tell which rows they refuse",
                qualified(db, table),
                refusing
                    .iter()
                    .map(|t| format!("{t} DELETE"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if changing.is_empty() {
            return Ok(());
        }
        Err(TableError::Triggers(format!(
            "the DELETE triggers of {} ({}) delete, update or replace rows, or call a procedure: \
             rows no destination holds, which a real run does not let them change (it rolls \
             back the first chunk they change and stops the table); drop or change the triggers",
            qualified(db, table),
            changing
                .iter()
                .map(|t| format!("{t} DELETE"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }

    /// A dry run: fails the table as the real run would when an eligible row holds text that an
    /// archive table's column, in a narrower character set of UTF-8's family
    /// ([`crate::destination::db::ArchiveTable::narrowed`]), cannot store.
    async fn foresee_narrowing(
        &mut self,
        plan: &TablePlan,
        targets: &[Target],
    ) -> Result<(), TableError> {
        let source = self.run.source;
        let name = qualified(&plan.db, &plan.table);
        for (dest, target) in self.run.dests.iter().zip(targets) {
            let Target::Db(t) = target else { continue };
            if t.narrowed.is_empty() {
                continue;
            }
            let altered: Vec<String> = t
                .narrowed
                .iter()
                .map(|(c, cs)| {
                    let c = crate::mysql::ident::quote_ident(c);
                    format!(
                        "CAST(CONVERT({c} USING {}) AS BINARY) <> CAST({c} AS BINARY)",
                        crate::mysql::ident::quote_ident(cs)
                    )
                })
                .collect();
            let sql = format!(
                "SELECT COUNT(*) FROM {name} WHERE ({}) AND ({})",
                source.where_clause,
                altered.join(" OR ")
            );
            let n: u64 = with_retry(
                &mut self.run.src,
                source.retry,
                "look for text the archive cannot store",
                |a| {
                    let sql = sql.as_str();
                    Box::pin(async move { Ok(a.conn.query_first(sql).await?.unwrap_or(0)) })
                },
            )
            .await
            .map_err(TableError::Count)?;
            if n > 0 {
                let columns: Vec<String> = t
                    .narrowed
                    .iter()
                    .map(|(c, cs)| format!("{} ({cs})", crate::mysql::ident::quote_ident(c)))
                    .collect();
                return Err(TableError::Prepare(
                    crate::destination::db::PrepareError::Other {
                        dest: dest.name().to_string(),
                        message: format!(
                            "{n} eligible rows of {name} hold characters that {} cannot store in {}; convert those columns to the source's character set",
                            qualified(&t.db, &t.table),
                            columns.join(", ")
                        ),
                    }
                    .into(),
                ));
            }
        }
        Ok(())
    }

    /// What a real run would do: the eligible count and the statements it would send.
    async fn dry_run_table(
        &mut self,
        plan: &TablePlan,
        targets: &[Target],
        r: &mut TableReport,
    ) -> Result<(), TableError> {
        let source = self.run.source;
        let name = qualified(&plan.db, &plan.table);
        let locked = self.client_way(plan) && !plan.transactional && source.delete_data;
        if locked && self.locks_a_table_read_elsewhere(plan) {
            return Err(TableError::SubqueryUnderLock {
                section: format!("src:{}", source.name),
            });
        }
        self.check_grants(plan, locked).await?;
        if source.delete_data {
            self.check_delete(plan).await?;
        }
        // The eligible rows, and those of them not soft-deleted (a `where` such as `1=1`
        // selects the rows the services still use).
        let deleted = crate::mysql::ident::quote_ident(&source.deleted_column);
        let count_sql = format!(
            "SELECT COUNT(*), COALESCE(SUM({deleted} IS NULL), 0) FROM {name} WHERE ({})",
            source.where_clause
        );
        let (count, live): (u64, u64) = with_retry(
            &mut self.run.src,
            source.retry,
            "count eligible rows",
            |a| {
                let count_sql = count_sql.as_str();
                Box::pin(async move { Ok(a.conn.query_first(count_sql).await?.unwrap_or((0, 0))) })
            },
        )
        .await
        .map_err(TableError::Count)?;
        if live > 0 {
            let fate = match (source.archive_data, source.delete_data) {
                (true, true) => "archive and delete",
                (false, true) => "delete",
                (true, false) => "archive",
                (false, false) => "count",
            };
            tracing::warn!(
                "[dry-run] {name}: {live} of the {count} eligible rows have {deleted} NULL, rows not soft-deleted: the where ({}) selects them, and a real run would {fate} them",
                source.where_clause
            );
        }
        r.read = count;
        if count > 0 && source.archive_data {
            self.foresee_narrowing(plan, targets).await?;
        }
        // A read-only server refuses writes, which a real run makes only for eligible rows.
        if count > 0 {
            if let (Some(why), true) = (&self.run.read_only, source.delete_data) {
                return Err(TableError::Privileges(format!("source: {why}")));
            }
            for d in &self.run.dests {
                if let (crate::destination::Dest::Db(db), true) = (d, source.archive_data) {
                    if let Some(why) = db.read_only_refusal() {
                        return Err(TableError::Privileges(format!(
                            "destination {}: {why}",
                            db.name
                        )));
                    }
                }
            }
        }
        let measured = forecast::run::plan_table(self.run, plan, targets, count).await?;
        let f = &measured.forecast;
        // A trigger fires for the rows a real run deletes: none when every eligible row stays
        // (blocked, conflicting), and the table then does not fail (helper 138). A row both
        // blocked and conflicting may count in both (conflicts on another server are a count,
        // not rows): the trigger is foreseen unless the larger of the two holds every row.
        let may_delete = count > f.blocked.max(f.conflicts.unwrap_or(0));
        let foreseen = self.foresee_failures(plan, f, count, may_delete).await;
        if foreseen.is_err() {
            // The table fails as its real run does: its rows stay, and keep the rows they
            // reference in the plans of the tables after it (helper 140).
            self.run
                .done
                .retain(|d| !(d.plan.db == plan.db && d.plan.table == plan.table));
        }
        foreseen?;
        if source.archive_data {
            for (i, d) in self.run.dests.iter().enumerate() {
                let conflicts = measured
                    .conflicts_by_dest
                    .iter()
                    .find(|(n, _)| n == d.name())
                    .map_or(0, |(_, n)| *n);
                // An archive database gives back the copies of the rows that stay (blocked):
                // the real run counts only the rows it moved. Files keep them.
                let kept = match d {
                    crate::destination::Dest::Db(_) if source.delete_data => f.blocked,
                    _ => 0,
                };
                r.add_archived(i, count.saturating_sub(conflicts).saturating_sub(kept));
            }
        }
        r.conflicts = f.conflicts.unwrap_or(0);
        if source.delete_data {
            r.blocked = f.blocked;
            r.deleted = f.delete;
        }
        if f.blocked > 0 {
            tracing::warn!(
                "[dry-run] {name}: {} of the {count} eligible rows would stay: rows that stay reference them ({})",
                f.blocked,
                f.blocked_by
                    .iter()
                    .map(|b| format!("{} rows through {} from {}", b.rows, b.constraint, b.child))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if r.conflicts > 0 {
            tracing::warn!(
                "[dry-run] {name}: {} eligible rows would stay: their key, or another unique key of the archive table, holds a different row in the archive",
                r.conflicts
            );
        }
        r.plan = Some(measured.forecast);
        // The statements at debug level: one set per table would bury the rest of the dry run.
        let reader = PageReader::new(
            plan,
            &source.where_clause,
            plan.page_rows(source.select_limit),
        );
        tracing::info!("[dry-run] {name}: {count} eligible rows");
        tracing::debug!(
            "[dry-run] {name}: would read pages with: {}",
            reader.first_statement()
        );
        for (d, t) in self.run.dests.iter().zip(targets.iter()) {
            if let Target::Db(t) = t {
                tracing::debug!(
                    "[dry-run] {name}: would insert into {} on destination {} with: {}(...), ...",
                    qualified(&t.db, &t.table),
                    d.name(),
                    sql::insert_head(&t.db, &t.table, &plan.columns)
                );
            }
        }
        if source.delete_data {
            tracing::debug!(
                "[dry-run] {name}: per chunk, would lock with: {}; then delete with: {}",
                sql::lock_rows(plan, &source.where_clause, 1),
                sql::delete_rows(
                    plan,
                    &source.where_clause,
                    1,
                    !plan.referenced_by.is_empty()
                )
            );
        }
        Ok(())
    }
}
