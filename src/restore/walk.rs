//! The walk of a restore: the archived rows of the table asked for, page by page, each page put
//! back into the source in one transaction; then, with `--with-children`, for each foreign key
//! of the source server that references the table, the archived rows of the child table that
//! reference the rows of that page, recursively. So parents are always committed before their
//! children; a page with a row whose parent is not in the source yet (where two paths meet) is
//! put off and tried again once the walk is over. Rows the source already holds identically
//! lead to their children too: a run cut short and run again finds every row it had not
//! restored yet. Each row is put back once per
//! run, whatever the number of paths that reach it (self-references, diamonds).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use mysql_async::Value;

use crate::config::Retry;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, RetryError};
use crate::mysql::schema::{self, ForeignKey};
use crate::stop::Stop;
use crate::table::batch::Batch;

use super::fetch;
use super::insert::{compare_select, describe_key, put_batch, InsertOptions};
use super::remove::remove_keys;
use super::report::{Conflict, RestoreReport};
use super::tables::{self, RestoreTable, SchemaCache, TableProblem};

/// `ER_NO_REFERENCED_ROW_2`: a child row whose parent is missing.
const NO_REFERENCED_ROW: u16 = 1452;

/// Why a walk ended early.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error(transparent)]
    Db(#[from] RetryError),
    #[error("cannot restore {0}: {1}")]
    Table(String, TableProblem),
    #[error("cannot restore rows of {table}: a row they reference is missing from the source ({message}); restore that row first (osarchiver restore --table ... for its table), or restore from its table with --with-children")]
    MissingParent { table: String, message: String },
    #[error("stopped")]
    Stopped,
    #[error("cannot stage the files: {0}")]
    Staging(String),
}

/// The settings of a walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub src_retry: Retry,
    pub arc_retry: Retry,
    /// The archive database's suffixes (`db_suffix`, `table_suffix`).
    pub suffixes: (String, String),
    pub insert: InsertOptions,
    pub batch_size: u64,
    pub batch_delay: Option<Duration>,
    pub with_children: bool,
    pub remove: bool,
    /// Restoring from files: the source tables staged (their staging tables stand for archive
    /// tables, with the source's columns by construction).
    pub staged: Option<HashSet<(String, String)>>,
}

/// A restore in progress.
pub struct Walk {
    pub src: Connection,
    pub arc: Connection,
    opts: WalkOptions,
    stop: Stop,
    schema: SchemaCache,
    fks: Vec<ForeignKey>,
    tables: HashMap<(String, String), Arc<RestoreTable>>,
    /// Keys (as `key_id`) of the rows handled in this run, per source table.
    visited: HashMap<String, HashSet<String>>,
    /// Keys to remove from the archive, per table, tables in the order first met.
    removal: Vec<(Arc<RestoreTable>, Vec<Vec<Value>>)>,
    /// Child tables without an archive table, said once.
    no_archive: HashSet<String>,
    /// Pages put off because a row they reference is not in the source yet (1452, or what a
    /// dry run foresees as such), with why: where two paths meet (`p -> a -> gc` and `p -> q
    /// -> gc`), the first path reaches `gc` before the second has restored its `q`. Tried
    /// again once the walk is over, until none gets through.
    deferred: Vec<(Arc<RestoreTable>, Batch, String)>,
    /// How many of the first `deferred` failed a retry as they were ([`Walk::put_off_pages`]):
    /// retried as whole pages, not halved again each round.
    stale: Vec<bool>,
    /// Whether a refused page is put back in halves ([`Walk::put_halves`]).
    halve: bool,
    /// Pages put back (or, in a dry run, found fit to be) so far.
    pages_put: u64,
    /// A dry run's rows found fit to restore (or there already), per table and per set of
    /// columns a foreign key references, as [`loose_id`]s: the parents a later row finds
    /// without the source, which a dry run leaves unchanged.
    dry_parents: HashMap<(String, Vec<String>), HashSet<String>>,
    pub report: RestoreReport,
}

type WalkFuture<'a> = Pin<Box<dyn Future<Output = Result<(), WalkError>> + Send + 'a>>;

/// The rows put off of each table, merged into pages of at most `size` rows.
fn merge_pages(
    entries: Vec<(Arc<RestoreTable>, Batch, String)>,
    size: usize,
) -> Vec<(Arc<RestoreTable>, Batch, String)> {
    let mut out: Vec<(Arc<RestoreTable>, Batch, String)> = Vec::new();
    for (t, page, message) in entries {
        match out
            .iter_mut()
            .rev()
            .find(|(u, p, _)| Arc::ptr_eq(u, &t) && p.len() + page.len() <= size)
        {
            Some((_, p, _)) => p.rows.extend(page.rows),
            None => out.push((t, page, message)),
        }
    }
    out
}

/// The parent lookups of one statement of a dry run's search for missing parents.
const LOOKUPS_PER_STATEMENT: usize = 200;

impl Walk {
    pub fn new(
        src: Connection,
        arc: Connection,
        opts: WalkOptions,
        stop: Stop,
        fks: Vec<ForeignKey>,
        report: RestoreReport,
    ) -> Walk {
        Walk {
            src,
            arc,
            opts,
            stop,
            schema: SchemaCache::default(),
            fks,
            tables: HashMap::new(),
            visited: HashMap::new(),
            removal: Vec::new(),
            no_archive: HashSet::new(),
            deferred: Vec::new(),
            stale: Vec::new(),
            halve: true,
            pages_put: 0,
            dry_parents: HashMap::new(),
            report,
        }
    }

    /// The plan of `db.table` and its archive table (read once).
    async fn table(
        &mut self,
        db: &str,
        table: &str,
    ) -> Result<Result<Arc<RestoreTable>, TableProblem>, RetryError> {
        if let Some(t) = self.tables.get(&(db.to_string(), table.to_string())) {
            return Ok(Ok(t.clone()));
        }
        if !self.schema.databases.contains_key(db) {
            let d = db.to_string();
            let infos = with_retry(
                &mut self.src,
                self.opts.src_retry,
                "read the source schema",
                |a| {
                    let d = d.clone();
                    Box::pin(async move { schema::list_tables(a.conn, &d).await })
                },
            )
            .await?;
            self.schema.databases.insert(db.to_string(), infos);
        }
        let archive_db = format!("{db}{}", self.opts.suffixes.0);
        // Staged files: the staging table's name, cut to fit when the table's is long.
        let archive_table = if self.opts.staged.is_some() {
            crate::restore::files::stage_name(table)
        } else {
            format!("{table}{}", self.opts.suffixes.1)
        };
        let archive_columns = if let Some(staged) = &self.opts.staged {
            if staged.contains(&(db.to_string(), table.to_string())) {
                self.schema.table(db, table).map(|i| {
                    i.columns
                        .iter()
                        .filter(|c| !c.system_time)
                        .cloned()
                        .collect::<Vec<_>>()
                })
            } else {
                None
            }
        } else {
            let (d, t) = (archive_db.clone(), archive_table.clone());
            with_retry(
                &mut self.arc,
                self.opts.arc_retry,
                "read the archive table's columns",
                |a| {
                    let (d, t) = (d.clone(), t.clone());
                    Box::pin(async move { schema::table_columns(a.conn, &d, &t).await })
                },
            )
            .await?
        };
        let planned = tables::plan(
            db,
            self.schema.table(db, table),
            table,
            &archive_db,
            &archive_table,
            archive_columns.as_deref(),
        )
        .map(Arc::new);
        if let Ok(t) = &planned {
            self.tables
                .insert((db.to_string(), table.to_string()), t.clone());
            if self.opts.insert.dry_run {
                self.foresee_inserts(t).await;
            } else {
                self.take_table_lock(db, table).await?;
            }
        }
        Ok(planned)
    }

    /// Takes, for the rest of the restore, the named lock an archiving run holds on the source
    /// server while it archives `db`.`table` ([`crate::lock::table_lock_name`]), waiting while
    /// one does: a run of another configuration took the rows this restore had just put back
    /// (their copies identical) out of the source again, and `--remove-from-archive` then
    /// deleted the copies (helper 129). Only a stop ends the wait (the restore then goes on,
    /// and the removal still deletes only copies the source holds identically). Two restores
    /// that each hold a table the other waits for (the server says deadlock, 1213, or answers
    /// `NULL`) would wait for ever (helper 130): this one fails, which releases its locks, and
    /// the other goes on.
    async fn take_table_lock(&mut self, db: &str, table: &str) -> Result<(), RetryError> {
        const DEADLOCK: u16 = 1213;
        let lock = crate::lock::table_lock_name(db, table);
        let mut said = false;
        loop {
            let name = lock.clone();
            let got: Option<Option<i64>> = with_retry(
                &mut self.src,
                self.opts.src_retry,
                "take the table's lock",
                |a| {
                    let name = name.clone();
                    Box::pin(async move {
                        match mysql_async::prelude::Queryable::exec_first(
                            a.conn,
                            "SELECT GET_LOCK(?, 1)",
                            (name,),
                        )
                        .await
                        {
                            Err(mysql_async::Error::Server(e)) if e.code == DEADLOCK => {
                                Ok(Some(None))
                            }
                            other => other,
                        }
                    })
                },
            )
            .await?;
            match got {
                Some(Some(1)) => return Ok(()),
                Some(None) => {
                    return Err(RetryError::Failed {
                        what: format!("take the lock of {}", qualified(db, table)),
                        target: self.src.target().to_string(),
                        kind: crate::mysql::retry::ErrorKind::Other,
                        source: mysql_async::Error::Other(
                            "another restore holds this table and waits for one this restore holds (a deadlock between two restores of overlapping tables): this one stops, releasing its tables; run it again once the other is done".into(),
                        ),
                    });
                }
                _ => {}
            }
            if self.stop.reason().is_some() {
                return Ok(());
            }
            if !said {
                tracing::info!(
                    "restore: {}: another osarchiver run (archiving, or restoring) holds this table (lock '{lock}'): waiting for it to finish",
                    qualified(db, table)
                );
                said = true;
            }
        }
    }

    /// A dry run's warnings for what it cannot try without inserting: a `BEFORE INSERT` trigger
    /// on the source table (a real restore fails when it changes or refuses a row), and a
    /// table without transactions (a failed batch's rows stay in it).
    async fn foresee_inserts(&mut self, t: &RestoreTable) {
        let (db, table) = (t.source.db.clone(), t.source.table.clone());
        let triggers = with_retry(
            &mut self.src,
            self.opts.src_retry,
            "read the source table's triggers",
            |a| {
                let (db, table) = (db.clone(), table.clone());
                Box::pin(async move { schema::table_triggers(a.conn, &db, &table).await })
            },
        )
        .await
        .unwrap_or_default();
        let before_insert: Vec<&String> = triggers
            .iter()
            .filter(|t| t.contains("BEFORE INSERT"))
            .collect();
        if !before_insert.is_empty() {
            tracing::warn!(
                "restore: {} has BEFORE INSERT triggers ({}): a real restore fails if one changes or refuses a row (a dry run inserts nothing, so it cannot tell)",
                qualified(&db, &table),
                before_insert
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !t.source.transactional {
            tracing::warn!(
                "restore: {} has no transactions (its engine): a batch that fails in a real restore leaves the rows it inserted before the failure",
                qualified(&db, &table)
            );
        }
        // The grants a real restore uses: INSERT into the source table, and with
        // --remove-from-archive DELETE from the archive table (each side's user).
        self.foresee_grant(true, "INSERT", &db, &table).await;
        if self.opts.remove && self.opts.staged.is_none() {
            let (adb, atable) = (t.archive.db.clone(), t.archive.table.clone());
            self.foresee_grant(false, "DELETE", &adb, &atable).await;
        }
    }

    /// A dry run's check that the source's user (`source`), or the archive's, has `privilege`
    /// on `db`.`table`: a failure of the dry run (exit 1) when it does not, as the real
    /// restore would fail.
    async fn foresee_grant(&mut self, source: bool, privilege: &str, db: &str, table: &str) {
        use crate::mysql::grants::{Decision, Grants};
        let (conn, retry) = if source {
            (&mut self.src, self.opts.src_retry)
        } else {
            (&mut self.arc, self.opts.arc_retry)
        };
        let grants = with_retry(conn, retry, "read the grants", |a| {
            Box::pin(Grants::read(a.conn))
        })
        .await;
        let target = qualified(db, table);
        let grants = match grants {
            Ok(g) => g,
            Err(e) => {
                tracing::warn!(
                    "restore: cannot tell whether {privilege} on {target} is granted: {e}"
                );
                return;
            }
        };
        let why = match grants.allows(privilege, db, Some(table)) {
            Decision::Granted => return,
            Decision::Undecided(why) => {
                tracing::warn!(
                    "restore: cannot tell whether {} may {privilege} on {target}: {why}",
                    grants.user
                );
                return;
            }
            Decision::Missing => String::new(),
            Decision::Shadowed(why) => format!(" ({why})"),
        };
        self.report.error(format!(
            "restore: user {} lacks {privilege} on {target}{why}: the real restore would fail (GRANT {privilege} ON {}.* TO ...)",
            grants.user,
            crate::mysql::ident::quote_ident(db)
        ));
    }

    /// Restores the archived rows of `db.table` matching `condition`, with their children when
    /// asked.
    pub async fn restore(
        &mut self,
        db: &str,
        table: &str,
        condition: &str,
    ) -> Result<(), WalkError> {
        if let Some(staged) = &self.opts.staged {
            if !staged.contains(&(db.to_string(), table.to_string())) {
                return Err(WalkError::Staging(format!(
                    "no --file is of {}: give the table's own files ({db}.{table}[.N].sql or .csv, in any packing)",
                    qualified(db, table)
                )));
            }
        }
        let t = match self.table(db, table).await? {
            Ok(t) => t,
            Err(p) => return Err(WalkError::Table(qualified(db, table), p)),
        };
        self.report.table(&t.name(), &t.archive_name());
        tracing::info!(
            "restore: reading {} WHERE {condition}",
            qualified(&t.archive.db, &t.archive.table)
        );
        let found = self.pages(t.clone(), condition.to_string()).await?;
        if found == 0 {
            let archived = match self.opts.staged {
                Some(_) => format!("the files of {}", t.name()),
                None => t.archive_name(),
            };
            tracing::warn!("restore: no archived row of {archived} matches: {condition}");
        }
        self.put_off_pages().await
    }

    /// Tries the pages put off again, as long as each round gets one through (its children
    /// walked as usual, which may put off more); fails on the first one left when a round gets
    /// none through.
    ///
    /// A row refused again as it was is stale: the stale rows of a table are merged into
    /// pages and tried whole, round after round, and halved only in a round that would
    /// otherwise get nothing through. (Tried one by one every round, rows that never go,
    /// beside a chain needing a round per link, made a failing restore take minutes.)
    async fn put_off_pages(&mut self) -> Result<(), WalkError> {
        let mut last_resort = false;
        while !self.deferred.is_empty() {
            let round = std::mem::take(&mut self.deferred);
            let stale = std::mem::take(&mut self.stale);
            let (tried, before) = (round.len(), self.pages_put);
            let (mut old, mut fresh) = (Vec::new(), Vec::new());
            for (i, entry) in round.into_iter().enumerate() {
                if stale.get(i).copied().unwrap_or(false) && !last_resort {
                    old.push(entry);
                } else {
                    fresh.push(entry);
                }
            }
            // Last put off first: a chain put off child after child (a table that references
            // itself, in pages of its keys' order) goes in within one round, not one page a
            // round.
            let merged = merge_pages(old, self.opts.batch_size.max(1) as usize);
            for ((t, page, _), whole) in fresh
                .into_iter()
                .rev()
                .map(|e| (e, false))
                .chain(merged.into_iter().map(|e| (e, true)))
            {
                if self.stop.is_requested() {
                    return Err(WalkError::Stopped);
                }
                let (queued, put) = (self.deferred.len(), self.pages_put);
                self.halve = !whole;
                let rows = page.len();
                self.put(t, page).await?;
                self.halve = true;
                // Refused as it was (one row, or a whole page): stale.
                if self.pages_put == put
                    && self.deferred.len() == queued + 1
                    && (whole || rows == 1)
                {
                    self.stale.resize(queued, false);
                    self.stale.push(true);
                }
            }
            self.stale.resize(self.deferred.len(), false);
            if self.pages_put == before {
                if !last_resort && self.stale.iter().any(|&s| s) {
                    // Nothing went whole: once more, every page in halves.
                    last_resort = true;
                    continue;
                }
                let (t, _, message) = self.deferred.swap_remove(0);
                return Err(WalkError::MissingParent {
                    table: t.name(),
                    message,
                });
            }
            last_resort = false;
            tracing::info!(
                "restore: {tried} page(s) put off for a parent not restored yet were tried again; {} put off now",
                self.deferred.len()
            );
        }
        Ok(())
    }

    /// Records, for a dry run, the rows `fit` of `page` of `t` as parents of later rows, under
    /// each set of columns a foreign key onto `t` references.
    fn record_parents(&mut self, t: &RestoreTable, page: &Batch, fit: &[usize]) {
        let plan = &t.source;
        let sets: Vec<Vec<String>> = self
            .fks
            .iter()
            .filter(|fk| fk.referenced_db == plan.db && fk.referenced_table == plan.table)
            .map(|fk| fk.referenced_columns.clone())
            .collect();
        for cols in sets {
            let Some(pos) = cols
                .iter()
                .map(|c| plan.columns.iter().position(|p| p == c))
                .collect::<Option<Vec<usize>>>()
            else {
                continue;
            };
            let ids = self.dry_parents.entry((t.name(), cols)).or_default();
            for &i in fit {
                ids.insert(loose_id(&page.rows[i], &pos));
            }
        }
    }

    /// A dry run's look for what a real restore meets as error 1452: the rows `rows` of `page`
    /// that would be restored must find, through each foreign key of `t`, their parent among
    /// the rows this run found fit to restore before them (this page's own, for a table that
    /// references itself), or in the source. Rows are matched as a `_ci` PAD SPACE collation
    /// would (a `_bin` key may be foreseen fine and fail). One query per foreign key and page.
    /// Returns what is missing.
    async fn missing_parent(
        &mut self,
        t: &RestoreTable,
        page: &Batch,
        rows: &[usize],
    ) -> Result<Option<String>, RetryError> {
        let plan = &t.source;
        let fks: Vec<ForeignKey> = self
            .fks
            .iter()
            .filter(|fk| fk.db == plan.db && fk.table == plan.table)
            .cloned()
            .collect();
        for fk in fks {
            let parent = format!("{}.{}", fk.referenced_db, fk.referenced_table);
            let recorded = self
                .dry_parents
                .get(&(parent, fk.referenced_columns.clone()));
            // A table that references itself: the page's rows go in parents first.
            let mut ours: HashSet<String> = HashSet::new();
            if fk.referenced_db == plan.db && fk.referenced_table == plan.table {
                if let Some(pos) = fk
                    .referenced_columns
                    .iter()
                    .map(|c| plan.columns.iter().position(|p| p == c))
                    .collect::<Option<Vec<usize>>>()
                {
                    for &i in rows {
                        ours.insert(loose_id(&page.rows[i], &pos));
                    }
                }
            }
            let Some(key_pos) = fk
                .columns
                .iter()
                .map(|c| plan.columns.iter().position(|p| p == c))
                .collect::<Option<Vec<usize>>>()
            else {
                continue;
            };
            // The child's values of the foreign key, bound as its columns are.
            let fk_plan = crate::table::TablePlan {
                key: fk.columns.clone(),
                key_pos: key_pos.clone(),
                ..plan.clone()
            };
            let params = fk_plan.key_params();
            let mut distinct = HashSet::new();
            let mut values: Vec<Value> = Vec::new();
            for &i in rows {
                let row = &page.rows[i];
                if key_pos.iter().any(|&p| matches!(row[p], Value::NULL)) {
                    continue;
                }
                let loose = loose_id(row, &key_pos);
                if ours.contains(&loose) || recorded.is_some_and(|r| r.contains(&loose)) {
                    continue;
                }
                let id = crate::table::batch::key_id(key_pos.iter().map(|&p| &row[p]));
                if distinct.insert(id) {
                    values.extend(page.bound_key(i, &key_pos, &params));
                }
            }
            if distinct.is_empty() {
                continue;
            }
            // Each value looked up on its own, by the server's collation: values that differ
            // but compare equal (`'a'` and `'A'` under `_ci`) find the same parent (counting
            // the parents found for all of them said one was missing).
            let one = format!(
                "(NOT EXISTS (SELECT 1 FROM {} WHERE {}))",
                qualified(&fk.referenced_db, &fk.referenced_table),
                crate::table::sql::key_in(
                    &fk.referenced_columns,
                    &crate::table::sql::key_placeholders(&fk_plan),
                    1
                )
            );
            // At most LOOKUPS_PER_STATEMENT terms a statement: the server parses a sum of
            // terms as nested expressions, and about 580 overran its thread stack (1436).
            let per_value = key_pos.len().max(1);
            let mut missing = 0u64;
            for chunk in values.chunks(LOOKUPS_PER_STATEMENT * per_value) {
                let statement = format!(
                    "SELECT {}",
                    vec![one.as_str(); chunk.len() / per_value].join(" + ")
                );
                let n: u64 = with_retry(
                    &mut self.src,
                    self.opts.src_retry,
                    "look for the parent rows",
                    |a| {
                        let (statement, values) = (statement.as_str(), chunk.to_vec());
                        Box::pin(async move {
                            use mysql_async::prelude::Queryable;
                            Ok(a.conn.exec_first(statement, values).await?.unwrap_or(0))
                        })
                    },
                )
                .await?;
                missing += n;
            }
            if missing > 0 {
                return Ok(Some(format!(
                    "{} of the rows that would be restored reference a row of {} the source lacks (foreign key {}): a real restore fails there (1452)",
                    missing,
                    qualified(&fk.referenced_db, &fk.referenced_table),
                    fk.name
                )));
            }
        }
        Ok(None)
    }

    /// Reads the pages of `t`'s archive table matching `condition` and restores each; returns
    /// the rows read.
    fn pages(
        &mut self,
        t: Arc<RestoreTable>,
        condition: String,
    ) -> Pin<Box<dyn Future<Output = Result<u64, WalkError>> + Send + '_>> {
        Box::pin(async move {
            let mut reader = fetch::pages(&t, &condition, self.opts.batch_size);
            let mut read = 0;
            loop {
                if self.stop.is_requested() {
                    return Err(WalkError::Stopped);
                }
                let what = format!("read {}", t.archive_name());
                let page = {
                    let reader = &reader;
                    with_retry(&mut self.arc, self.opts.arc_retry, &what, |a| {
                        Box::pin(async move { reader.read(a.conn).await })
                    })
                    .await?
                };
                let Some(page) = page else { break };
                reader.advance(&page);
                read += page.len() as u64;
                self.batch(t.clone(), page).await?;
            }
            Ok(read)
        })
    }

    /// Puts one page back, then walks its children.
    fn batch(&mut self, t: Arc<RestoreTable>, mut page: Batch) -> WalkFuture<'_> {
        Box::pin(async move {
            let name = t.name();
            let seen = self.visited.entry(name.clone()).or_default();
            page.rows.retain(|row| {
                seen.insert(crate::table::batch::key_id(
                    t.source.key_pos.iter().map(|&p| &row[p]),
                ))
            });
            if page.is_empty() {
                return Ok(());
            }
            self.put(t, page).await
        })
    }

    /// A page refused for a parent not in the source yet, put back as two halves (parents
    /// first still), each put off on its own when refused again: the rows that can go now go,
    /// and walk their children, which may be the parents the others wait for (`c` 10 and 20
    /// in one page, 10 referencing 30, a child of 20: put off whole, 20 never went in, 30 was
    /// never reached, and the restore failed every time).
    fn put_halves(&mut self, t: Arc<RestoreTable>, mut page: Batch) -> WalkFuture<'_> {
        Box::pin(async move {
            let rest = page.rows.split_off(page.rows.len() / 2);
            let second = Batch {
                columns: page.columns.clone(),
                charsets: page.charsets.clone(),
                rows: rest,
                next_key: None,
            };
            self.put(t.clone(), page).await?;
            self.put(t, second).await
        })
    }

    /// Puts one page (rows not met before in this run) back, then walks its children; puts it
    /// off when a row it references is not in the source yet.
    fn put(&mut self, t: Arc<RestoreTable>, mut page: Batch) -> WalkFuture<'_> {
        Box::pin(async move {
            let name = t.name();
            let selfs: Vec<&ForeignKey> =
                tables::children_of(&self.fks, &t.source.db, &t.source.table)
                    .into_iter()
                    .filter(|fk| fk.db == t.source.db && fk.table == t.source.table)
                    .collect();
            parents_first(&mut page, &t.source.columns, &selfs);
            // The page's transaction rolled back: nothing of it is in the source.
            let out = match put_batch(&mut self.src, &self.opts.insert, &t, &page).await {
                Ok(out) => out,
                Err(e) if matches!(e.mysql_error(), mysql_async::Error::Server(s) if s.code == NO_REFERENCED_ROW) =>
                {
                    if page.len() > 1 && self.halve {
                        return self.put_halves(t, page).await;
                    }
                    let message = crate::mysql::retry::shown(e.mysql_error());
                    tracing::debug!("restore: {name}: a page is put off: {message}");
                    self.deferred.push((t, page, message));
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            };
            if self.opts.insert.dry_run {
                if let Some(message) = self.missing_parent(&t, &page, &out.restored).await? {
                    if page.len() > 1 && self.halve {
                        return self.put_halves(t, page).await;
                    }
                    tracing::debug!("restore: {name}: a page is put off: {message}");
                    self.deferred.push((t, page, message));
                    return Ok(());
                }
            }
            self.pages_put += 1;
            if self.opts.insert.dry_run {
                let fit: Vec<usize> = out.restored.iter().chain(&out.already).copied().collect();
                self.record_parents(&t, &page, &fit);
            }
            let counts = self.report.table(&name, &t.archive_name());
            counts.found += page.len() as u64;
            counts.restored += out.restored.len() as u64;
            counts.already += out.already.len() as u64;
            counts.conflicts += out.conflicts.len() as u64;
            tracing::info!(
                "restore: {name}: {} row(s) from the archive: {} {}, {} already there, {} conflict(s)",
                page.len(),
                out.restored.len(),
                if self.opts.insert.dry_run { "would be restored" } else { "restored" },
                out.already.len(),
                out.conflicts.len()
            );
            for (i, reason) in &out.conflicts {
                let c = Conflict {
                    table: name.clone(),
                    key: describe_key(&t, &page, *i),
                    reason: reason.clone(),
                    compare: compare_select(&t, &page, *i),
                };
                tracing::warn!(
                    "restore: {name}: conflict on {}: {}; left as it is (archived copy kept). Compare: {}",
                    c.key,
                    c.reason,
                    c.compare
                );
                self.report.conflicts.push(c);
            }
            let mut good: Vec<usize> = out.restored.iter().chain(&out.already).copied().collect();
            good.sort_unstable();
            if self.opts.remove {
                let keys: Vec<Vec<Value>> = good
                    .iter()
                    .map(|&i| {
                        t.source
                            .key_pos
                            .iter()
                            .map(|&p| page.rows[i][p].clone())
                            .collect()
                    })
                    .collect();
                match self.removal.iter_mut().find(|(r, _)| r.name() == name) {
                    Some((_, list)) => list.extend(keys),
                    None => self.removal.push((t.clone(), keys)),
                }
            }
            if let Some(d) = self.opts.batch_delay.filter(|d| !d.is_zero()) {
                if !self.stop.sleep(d).await {
                    return Err(WalkError::Stopped);
                }
            }
            if !self.opts.with_children || good.is_empty() {
                return Ok(());
            }
            let parents = Batch {
                columns: page.columns.clone(),
                charsets: page.charsets.clone(),
                rows: good.iter().map(|&i| page.rows[i].clone()).collect(),
                next_key: None,
            };
            drop(page);
            let fks: Vec<ForeignKey> =
                tables::children_of(&self.fks, &t.source.db, &t.source.table)
                    .into_iter()
                    .cloned()
                    .collect();
            for fk in fks {
                let child = match self.table(&fk.db, &fk.table).await? {
                    Ok(c) => c,
                    Err(TableProblem::NoArchive(a)) => {
                        if self.no_archive.insert(a.clone()) {
                            tracing::info!(
                                "restore: {}.{} references {name} ({}) but has no archive table {a}: nothing to restore there",
                                fk.db, fk.table, fk.name
                            );
                        }
                        continue;
                    }
                    Err(p) => return Err(WalkError::Table(qualified(&fk.db, &fk.table), p)),
                };
                let Some(condition) = fetch::child_condition(&fk, &t, &parents) else {
                    continue;
                };
                tracing::debug!(
                    "restore: children of {name} in {} by {}: {condition}",
                    child.archive_name(),
                    fk.name
                );
                self.pages(child, condition).await?;
            }
            Ok(())
        })
    }

    /// Deletes from the archive what this run restored or found identical, child tables first.
    pub async fn remove_restored(&mut self) -> Result<(), WalkError> {
        let removal = std::mem::take(&mut self.removal);
        for (t, keys) in removal.iter().rev() {
            let n = if self.opts.insert.dry_run {
                keys.len() as u64
            } else {
                let done = remove_keys(
                    &mut self.src,
                    self.opts.src_retry,
                    &mut self.arc,
                    self.opts.arc_retry,
                    t,
                    keys,
                    self.opts.batch_size as usize,
                )
                .await?;
                if done.kept > 0 {
                    tracing::warn!(
                        "restore: {}: {} archived row(s) kept in {}: the source no longer holds them as restored (changed, or taken out of it again by another run), or their copy changed in the archive",
                        t.name(),
                        done.kept,
                        t.archive_name()
                    );
                    self.report.table(&t.name(), &t.archive_name()).kept += done.kept;
                }
                done.removed
            };
            tracing::info!(
                "restore: {}: {n} archived row(s) {} from {}",
                t.name(),
                if self.opts.insert.dry_run {
                    "would be removed"
                } else {
                    "removed"
                },
                t.archive_name()
            );
            self.report.table(&t.name(), &t.archive_name()).removed += n;
        }
        Ok(())
    }
}

/// The values of `cols` in `row` as an id, text compared as a `_ci` PAD SPACE collation would
/// (ASCII case and trailing blanks aside): `'Z9 '` is `'z9'`.
fn loose_id(row: &[Value], cols: &[usize]) -> String {
    let values: Vec<Value> = cols
        .iter()
        .map(|&p| match &row[p] {
            Value::Bytes(b) => {
                let end = b.iter().rposition(|&c| c != b' ').map_or(0, |e| e + 1);
                Value::Bytes(b[..end].to_ascii_lowercase())
            }
            v => v.clone(),
        })
        .collect();
    crate::table::batch::key_id(values.iter())
}

/// Orders a page of a table that references itself so that a row comes after the rows of the
/// page it references (`selfs`: its foreign keys onto itself), as the insert's foreign-key
/// check needs: in key order, a child whose key sorts before its parent's failed with 1452. A
/// cycle of rows keeps its order.
fn parents_first(page: &mut Batch, columns: &[String], selfs: &[&ForeignKey]) {
    let positions = |names: &[String]| -> Option<Vec<usize>> {
        names
            .iter()
            .map(|c| columns.iter().position(|x| x == c))
            .collect()
    };
    let links: Vec<(Vec<usize>, Vec<usize>)> = selfs
        .iter()
        .filter_map(|fk| Some((positions(&fk.columns)?, positions(&fk.referenced_columns)?)))
        .collect();
    if links.is_empty() || page.rows.len() < 2 {
        return;
    }
    let n = page.rows.len();
    // A link found too many only orders rows, it changes none.
    let loose = loose_id;
    // Per row, the rows of the page it references.
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (child_cols, parent_cols) in &links {
        let by_value: HashMap<String, usize> = (0..n)
            .map(|i| (loose(&page.rows[i], parent_cols), i))
            .collect();
        for (i, row) in page.rows.iter().enumerate() {
            if child_cols.iter().any(|&p| matches!(row[p], Value::NULL)) {
                continue;
            }
            if let Some(&j) = by_value.get(&loose(row, child_cols)) {
                if j != i {
                    parents[i].push(j);
                }
            }
        }
    }
    if parents.iter().all(Vec::is_empty) {
        return;
    }
    // Depth first, parents before their children; a row met again on its own path (a cycle)
    // is left where the order puts it.
    let mut order = Vec::with_capacity(n);
    let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 placed
    for start in 0..n {
        let mut stack = vec![(start, 0usize)];
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            if state[i] == 2 {
                stack.pop();
                continue;
            }
            state[i] = 1;
            if let Some(&j) = parents[i].get(*next) {
                *next += 1;
                if state[j] == 0 {
                    stack.push((j, 0));
                }
                continue;
            }
            state[i] = 2;
            order.push(i);
            stack.pop();
        }
    }
    let mut rows: Vec<Option<Vec<Value>>> = std::mem::take(&mut page.rows)
        .into_iter()
        .map(Some)
        .collect();
    page.rows = order.into_iter().filter_map(|i| rows[i].take()).collect();
}
