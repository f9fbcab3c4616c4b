//! The archive-database destination (`backend = db`): rows of `db.table` go to
//! `<db><db_suffix>.<table><table_suffix>`, created from the source's definition when missing
//! and checked for schema drift when present; each batch is written with multi-row INSERTs in
//! one transaction, committed before the source delete. A key that already holds an identical
//! row is a re-run (fine); one holding a different row is a conflict (the source row stays).
//!
//! The archive table has no CHECK constraints (see [`crate::mysql::ddl`]), and the writes run
//! with `check_constraint_checks = 0` (MariaDB) so that an archive table created by an earlier
//! version, with its CHECKs, takes the rows too. They also run without strict mode, so that an
//! invalid ENUM value (`''`, index 0, which a non-strict server stored) is stored as it was:
//! strict mode refuses it (1265). Non-strict mode must then never alter a value silently, so
//! every INSERT that reports warnings has them read (`SHOW WARNINGS`), and any warning other
//! than exactly that one (1265 on an ENUM column of a row whose value is `''`) fails the batch:
//! rolled back, nothing deleted. `ALLOW_INVALID_DATES` is on too, for the dates (`2020-02-31`)
//! a server with that mode stored. An existing archive table with triggers is refused: they
//! could change the rows written, unseen.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use mysql_async::prelude::*;
use mysql_async::{Row, Value};
use regex::Regex;

use crate::config::{DbDestination, Retry};
use crate::mysql::conn::Connection;
use crate::mysql::ddl;
use crate::mysql::grants::{Decision, Grants};
use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::identity;
use crate::mysql::insert::{self, Insert};
use crate::mysql::retry::{codes, with_retry, ErrorKind, RetryError};
use crate::mysql::schema;
use crate::table::batch::{key_id, Batch};
use crate::table::definition;
use crate::table::range::KeyRange;
use crate::table::sql;
use crate::table::TablePlan;

/// The `ENUM` and `SET` columns of the binary character set of a table (`?`: its database,
/// then its name) whose members, as `information_schema` writes them, hold a `?`.
const BINARY_LABELS_SQL: &str = "SELECT COLUMN_NAME FROM information_schema.COLUMNS \
    WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND DATA_TYPE IN ('enum', 'set') \
    AND CHARACTER_SET_NAME = 'binary' AND LOCATE('?', COLUMN_TYPE) > 0 ORDER BY ORDINAL_POSITION";

/// An open archive database destination.
pub struct ArchiveDb {
    pub name: String,
    db: Connection,
    retry: Retry,
    bulk_insert: usize,
    db_suffix: String,
    table_suffix: String,
    /// Half of the server's max_allowed_packet: the budget of one INSERT.
    packet_budget: usize,
    /// The server's `max_allowed_packet`: a single row whose literal INSERT outgrows it goes
    /// with its values bound ([`crate::mysql::insert`]).
    max_packet: usize,
    /// Whether this destination is the source's server.
    pub same_server: bool,
    /// Another server that may hold the source's tables under their own names
    /// ([`identity::may_hold_tables_of`]: a node of its Galera cluster, a replica): why. An
    /// archive table of the source table's own name there is refused.
    shared_data: Option<String>,
    /// `server_side_copy`: copy inside the server when it is the source's.
    pub server_side_copy: bool,
    /// The `sql_mode` of the writes: the session's, without strict mode, with
    /// `ALLOW_INVALID_DATES` ([`lenient_mode`]).
    write_mode: String,
    /// The session ([`Connection::session`]) that [`write_session`] set up, [`NO_SESSION`] for
    /// none: a batch sets the session up only on a new session (the first, or after a
    /// reconnect), not in two extra round trips per batch.
    session_ready: AtomicU64,
    /// The user's grants, read once by a dry run's preflight (`Some(None)`: they could not be
    /// read, and are not checked).
    grants: Option<Option<Grants>>,
    /// Read with the grants: why the server would refuse this user's writes (`read_only`).
    read_only: Option<String>,
    /// The archive server's `lower_case_table_names` when it is not the source's server (0
    /// otherwise): not 0, it folds names to lower case, and two source tables whose names
    /// differ only by case would share an archive table ([`case_twins`]).
    folds_names: u8,
    /// [`identity::ServerIdentity::key`] of this server, then of the source's.
    server_key: String,
    source_key: String,
}

/// The tables of the source that a server folding names to lower case would take for
/// `db`.`table` (their database's name or their own differs from it by case only), as
/// `` `db`.`table` ``.
async fn case_twins(
    conn: &mut mysql_async::Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Vec<String>> {
    // Lowered by the server, as it lowers names (`İ` becomes `i`, where Unicode's lower case
    // is `i̇`), and compared byte for byte; each database's tables looked up by its exact
    // name, so that information_schema reads that database only.
    const FOLD: &str = "BINARY LOWER(CONVERT(? USING utf8mb3))";
    let databases: Vec<String> = conn
        .exec(
            format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA \
                 WHERE BINARY LOWER(SCHEMA_NAME) = {FOLD}"
            ),
            (db,),
        )
        .await?;
    let mut twins = Vec::new();
    for d in &databases {
        let tables: Vec<String> = conn
            .exec(
                format!(
                    "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? \
                     AND TABLE_TYPE <> 'VIEW' AND BINARY LOWER(TABLE_NAME) = {FOLD}"
                ),
                (d, table),
            )
            .await?;
        twins.extend(
            tables
                .into_iter()
                .filter(|t| d != db || t != table)
                .map(|t| qualified(d, &t)),
        );
    }
    Ok(twins)
}

/// Where one source table goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveTable {
    pub db: String,
    pub table: String,
    /// Whether it still has to be created (dry-run only: a real run creates it in `prepare`).
    pub missing: bool,
    /// When its unique key on the source's key columns is `WITHOUT OVERLAPS` (an application-
    /// time period, as the source's): the period's start and end columns. Such a key refuses a
    /// row whose period overlaps an archived row's with the same other key values, not only a
    /// row with an equal key.
    pub period: Option<(String, String)>,
    /// Its unique keys besides the one on the source's key columns (whole, over columns the
    /// source has; read by a dry run, for its plan): a row whose values there an archived row
    /// of another key holds is refused, a conflict.
    pub unique: Vec<Vec<String>>,
    /// Its definition when the table's walk began (a real run: [`definition::comparable`]
    /// of its `SHOW CREATE TABLE`): every write checks it in its transaction, with no trigger
    /// on it ([`definition::check_archive`]).
    pub definition: Option<String>,
    /// Its text columns in a narrower character set of UTF-8's family than the source's
    /// (`ascii` or `utf8mb3` for `utf8mb4`, [`schema::utf8_narrows`]), with that character
    /// set: accepted, but a value they cannot hold fails the table. A dry run looks for such
    /// values among the eligible rows.
    pub narrowed: Vec<(String, String)>,
}

/// `ER_TOO_BIG_ROWSIZE`: InnoDB's strict check of a table's largest possible row.
fn row_size_too_large(e: &RetryError) -> bool {
    matches!(e.mysql_error(), mysql_async::Error::Server(s) if s.code == 1118)
}

/// What writing a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOutcome {
    /// Rows the archive now holds identically (new, or already there from an earlier run).
    pub archived: u64,
    /// Rows already there identically (a re-run).
    pub already: u64,
    /// Rows (indexes into the batch) whose key holds a different row in the archive, or that
    /// another unique key of the archive table refuses.
    pub conflicts: Vec<usize>,
    /// Of `conflicts`, the rows another unique key refuses (their key is free), with the
    /// server's message naming that key.
    pub refused: Vec<(usize, String)>,
}

/// What a server-side copy of a key range did ([`ArchiveDb::copy_range`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// Committed: rows inserted, and rows whose key the archive held already.
    Done { inserted: u64, duplicates: u64 },
    /// Rolled back: the server reported these warnings.
    Refused(String),
}

/// Why a table cannot be archived to this destination.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("destination {dest}: {archive} differs from the source table ({detail}); fix the archive table or set another table_suffix")]
    Drift {
        dest: String,
        archive: String,
        detail: String,
    },
    #[error("destination {dest}: would write into the source table itself ({archive}); set db_suffix or table_suffix")]
    SameTable { dest: String, archive: String },
    #[error("destination {1}: {0}")]
    Db(#[source] RetryError, String),
    #[error("destination {dest}: {message}")]
    Other { dest: String, message: String },
}

/// Warns when the archive server may lose commits in a crash (`innodb_flush_log_at_trx_commit`
/// 0 or 2): the source's rows are deleted once their copies are committed there, so copies a
/// crash takes back exist nowhere. (On the source's own server the copy and the delete commit
/// together, and a crash takes both back.)
async fn warn_when_not_durable(db: &mut Connection, dest: &str) {
    let flush: Option<u64> = match db
        .conn()
        .query_first("SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
        .await
    {
        Ok(v) => v,
        // No InnoDB, or not readable: nothing to tell.
        Err(e) => {
            tracing::debug!("destination {dest}: innodb_flush_log_at_trx_commit: {e}");
            return;
        }
    };
    let what = match flush {
        Some(0) => "a crash of the archive server",
        Some(2) => "a crash of the archive server's machine",
        _ => return,
    };
    tracing::warn!(
        "destination {dest}: the archive server runs with innodb_flush_log_at_trx_commit = {}: archived rows committed in the last second before {what} are lost, while their source rows are deleted; set it to 1 there, or archive to files as well",
        flush.unwrap_or_default()
    );
}

impl ArchiveDb {
    /// Connects and decides the suffixes: on the source's own server with no suffix set, the
    /// database suffix becomes `_archive`.
    pub async fn open(
        cfg: &DbDestination,
        source: &mut Connection,
    ) -> Result<ArchiveDb, RetryError> {
        let mut db = Connection::connect_retrying(&cfg.conn, cfg.retry)
            .await
            .map_err(|e| RetryError::Failed {
                what: format!("connect to destination {}", cfg.name),
                target: crate::mysql::conn::target(&cfg.conn),
                kind: crate::mysql::retry::classify(e.mysql_error()),
                source: e.into_mysql_error(),
            })?;
        // Archive tables may have foreign keys (the Python osarchiver made them from the
        // source's `SHOW CREATE TABLE`): off in every session that writes them, as the Python
        // tool inserted, so that a child's copy goes in before its parent's, and a copy taken
        // back never cascades to, nor sets null in, another archived row. Kept on reconnects.
        db.set_foreign_key_checks(false)
            .await
            .map_err(|e| RetryError::Failed {
                what: format!("set foreign_key_checks on destination {}", cfg.name),
                target: crate::mysql::conn::target(&cfg.conn),
                kind: crate::mysql::retry::classify(&e),
                source: e,
            })?;
        let mine = with_retry(&mut db, cfg.retry, "server identity", |a| {
            Box::pin(identity::server_identity(a.conn))
        })
        .await?;
        let theirs = with_retry(source, cfg.retry, "server identity", |a| {
            Box::pin(identity::server_identity(a.conn))
        })
        .await?;
        let mut same_server = identity::same_server(&mine, &theirs);
        if same_server {
            // Two servers may answer alike: a named lock tells (when the server takes one).
            let probe = identity::same_server_probe(source.conn(), db.conn()).await;
            match probe {
                Ok(Some(false)) => {
                    tracing::info!(
                        "destination {}: its server says who it is as the source's does ({}:{}, {}), but it is another server (a named lock taken on one is not seen on the other)",
                        cfg.name,
                        mine.hostname,
                        mine.port,
                        mine.datadir
                    );
                    same_server = false;
                }
                Ok(_) => {}
                Err(e) => tracing::debug!("destination {}: same-server probe: {e}", cfg.name),
            }
        }
        let shared_data = if same_server {
            None
        } else {
            let my_links = with_retry(&mut db, cfg.retry, "replication and cluster", |a| {
                Box::pin(identity::data_links(a.conn))
            })
            .await?;
            let their_links = with_retry(source, cfg.retry, "replication and cluster", |a| {
                Box::pin(identity::data_links(a.conn))
            })
            .await?;
            identity::may_hold_tables_of((&theirs, &their_links), (&mine, &my_links))
        };
        let mut db_suffix = cfg.db_suffix.clone().unwrap_or_default();
        let table_suffix = cfg.table_suffix.clone().unwrap_or_default();
        // As the Python osarchiver does (whatever its comment says of table_suffix): on the
        // source's own server, an archive is never written into its source database.
        if same_server && db_suffix.is_empty() {
            db_suffix = "_archive".to_string();
            tracing::info!(
                "destination {}: same server as the source and no db_suffix set: archive databases are <db>_archive",
                cfg.name
            );
        }
        if !same_server {
            warn_when_not_durable(&mut db, &cfg.name).await;
        }
        let max_packet: u64 = with_retry(&mut db, cfg.retry, "max_allowed_packet", |a| {
            Box::pin(async move {
                Ok(a.conn
                    .query_first("SELECT @@max_allowed_packet")
                    .await?
                    .unwrap_or(4 << 20))
            })
        })
        .await?;
        // On another server than the source's, names the archive server folds to lower case
        // may bring two source tables into one archive table.
        let folds_names: u8 = if same_server {
            0
        } else {
            with_retry(&mut db, cfg.retry, "lower_case_table_names", |a| {
                Box::pin(async move {
                    Ok(a.conn
                        .query_first("SELECT @@lower_case_table_names")
                        .await?
                        .unwrap_or(0))
                })
            })
            .await?
        };
        let session_mode: String = with_retry(&mut db, cfg.retry, "sql_mode", |a| {
            Box::pin(async move {
                Ok(a.conn
                    .query_first("SELECT @@SESSION.sql_mode")
                    .await?
                    .unwrap_or_default())
            })
        })
        .await?;
        Ok(ArchiveDb {
            name: cfg.name.clone(),
            write_mode: lenient_mode(&session_mode),
            session_ready: AtomicU64::new(NO_SESSION),
            db,
            retry: cfg.retry,
            bulk_insert: cfg.bulk_insert as usize,
            db_suffix,
            table_suffix,
            packet_budget: (max_packet as usize / 2).max(64 << 10),
            max_packet: max_packet as usize,
            same_server,
            shared_data,
            server_side_copy: cfg.server_side_copy,
            grants: None,
            read_only: None,
            folds_names,
            server_key: mine.key(),
            source_key: theirs.key(),
        })
    }

    /// Where the rows of source database `db` go, as one run tells archive databases apart:
    /// this server's key and the archive database's name (folded to lower case where the
    /// server folds names) with the tables' suffix (sources sent to one archive database with
    /// suffixes of their own, `_r1` and `_r2`, share no table; helper 139); and where they come
    /// from: the source server's key and `db`.
    pub fn route(&self, db: &str) -> ((String, String), (String, String)) {
        let mut archive = format!("{}\u{0}{}", self.archive_database(db), self.table_suffix);
        if self.folds_names != 0 {
            archive = archive.to_lowercase();
        }
        (
            (self.server_key.clone(), archive),
            (self.source_key.clone(), db.to_string()),
        )
    }

    /// For a dry run, once a dry run's preflight read it: why this server would refuse the
    /// user's writes (`read_only`), if it would.
    pub fn read_only_refusal(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// A dry run's preflight: the privileges the real run needs on the archive table (INSERT,
    /// and SELECT to recognise rows already archived), and CREATE when it is missing. A
    /// missing one fails the table as the real run would; a column-level grant is a warning.
    async fn check_grants(
        &mut self,
        target: &ArchiveTable,
        missing: bool,
    ) -> Result<(), PrepareError> {
        if self.grants.is_none() {
            let grants = with_retry(&mut self.db, self.retry, "read grants", |a| {
                Box::pin(Grants::read(a.conn))
            })
            .await;
            // What cannot be read cannot fail the dry run: the real run would not read it.
            let grants = grants
                .map_err(|e| {
                    tracing::warn!(
                        "[dry-run] destination {}: the user's grants cannot be read ({e}): not checked",
                        self.name
                    );
                })
                .ok();
            if let Some(g) = &grants {
                self.read_only = with_retry(&mut self.db, self.retry, "read read_only", |a| {
                    Box::pin(g.read_only_refusal(a.conn))
                })
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(
                        "[dry-run] destination {}: read_only cannot be read ({e})",
                        self.name
                    );
                    None
                });
            }
            self.grants = Some(grants);
        }
        // The archive table a real run would create: its CREATE is refused now. One that exists
        // is written only for eligible rows (see [`ArchiveDb::read_only_refusal`]).
        if let (Some(why), true) = (&self.read_only, missing) {
            return Err(PrepareError::Other {
                dest: self.name.clone(),
                message: why.clone(),
            });
        }
        let Some(Some(grants)) = &self.grants else {
            return Ok(());
        };
        let mut needed = vec![
            ("INSERT", Some(target.table.as_str())),
            ("SELECT", Some(&target.table)),
        ];
        if missing {
            needed.push(("CREATE", None));
        }
        let (mut lacking, mut notes) = (Vec::new(), Vec::<String>::new());
        for (privilege, table) in needed {
            match grants.allows(privilege, &target.db, table) {
                Decision::Granted => {}
                Decision::Missing => lacking.push(privilege.to_string()),
                Decision::Shadowed(why) => {
                    lacking.push(privilege.to_string());
                    notes.push(why);
                }
                Decision::Undecided(why) => tracing::warn!(
                    "[dry-run] destination {}: cannot tell whether {} may {privilege} on {}: {why}",
                    self.name,
                    grants.user,
                    qualified(&target.db, &target.table)
                ),
            }
        }
        if lacking.is_empty() {
            return Ok(());
        }
        Err(PrepareError::Other {
            dest: self.name.clone(),
            message: format!(
                "user {} lacks {} on {}{}{}: the real run would fail (GRANT {} ON {}.* TO ...)",
                grants.user,
                lacking.join(", "),
                qualified(&target.db, &target.table),
                if missing {
                    " (which it would create)"
                } else {
                    ""
                },
                notes.iter().map(|n| format!(" ({n})")).collect::<String>(),
                lacking.join(", "),
                quote_ident(&target.db),
            ),
        })
    }

    /// The archive database a source database goes to.
    pub fn archive_database(&self, db: &str) -> String {
        format!("{db}{}", self.db_suffix)
    }

    /// The archive table a source table goes to.
    pub fn archive_table(&self, table: &str) -> String {
        format!("{table}{}", self.table_suffix)
    }

    /// The database and table suffixes in effect (`_archive` for the database on the source's
    /// own server when none is set): what `osarchiver restore` reads back from.
    pub fn suffixes(&self) -> (String, String) {
        (self.db_suffix.clone(), self.table_suffix.clone())
    }

    /// Whether `name` is the archive database of `base` by this destination's database suffix:
    /// this run's, or an earlier run's when the suffix holds `{date}`.
    pub fn is_archive_database_of(&self, name: &str, base: &str) -> bool {
        has_suffix(name, base, &self.db_suffix)
    }

    /// Whether `name` is the archive table of `base` by this destination's table suffix: this
    /// run's, or an earlier run's when the suffix holds `{date}`.
    pub fn is_archive_table_of(&self, name: &str, base: &str) -> bool {
        has_suffix(name, base, &self.table_suffix)
    }

    /// Makes sure the archive table exists with the source's columns: creates the database
    /// (source charset and collation) and the table (source definition, renamed, no foreign
    /// keys, AUTO_INCREMENT reset) when missing, checks columns when present. In a dry run
    /// nothing is created; a missing table is reported in the result.
    pub async fn prepare(
        &mut self,
        plan: &TablePlan,
        source: &mut Connection,
        source_retry: Retry,
        dry_run: bool,
    ) -> Result<ArchiveTable, PrepareError> {
        let prepared = match self.prepare_once(plan, source, source_retry, dry_run).await {
            // Another job of the run (a second source on the same database, with `--jobs`)
            // created the table between the look and the `CREATE`: check it as an existing one.
            Err(PrepareError::Db(e, _)) if matches!(e.mysql_error(), mysql_async::Error::Server(s) if s.code == TABLE_EXISTS) =>
            {
                tracing::info!(
                    "destination {}: the archive table of {} was created meanwhile; checking it",
                    self.name,
                    qualified(&plan.db, &plan.table)
                );
                self.prepare_once(plan, source, source_retry, dry_run).await
            }
            other => other,
        }?;
        // The real run needs SELECT on the archive table as the dry run says (a key archived
        // already is recognised by reading it): without it, a run went through or failed
        // depending on what the archive held. (A dry run reads an archive table that is
        // there; one it would create is the grants' business, checked in `check_grants`.)
        if !dry_run || !prepared.missing {
            let (d, t) = (prepared.db.clone(), prepared.table.clone());
            let every = with_retry(&mut self.db, self.retry, "read the archive table", |a| {
                let (d, t) = (d.clone(), t.clone());
                Box::pin(async move { schema::reads_every_column(a.conn, &d, &t, None).await })
            })
            .await
            .map_err(|e| PrepareError::Db(e, self.name.clone()))?;
            if !every {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "the user lacks SELECT on {} (or on some of its columns): the run \
                         reads it to recognise rows archived already (GRANT SELECT ON {}.* TO ...)",
                        qualified(&prepared.db, &prepared.table),
                        quote_ident(&prepared.db)
                    ),
                });
            }
        }
        Ok(prepared)
    }

    /// [`ArchiveDb::prepare`], once.
    async fn prepare_once(
        &mut self,
        plan: &TablePlan,
        source: &mut Connection,
        source_retry: Retry,
        dry_run: bool,
    ) -> Result<ArchiveTable, PrepareError> {
        let target = ArchiveTable {
            db: self.archive_database(&plan.db),
            table: self.archive_table(&plan.table),
            missing: false,
            unique: Vec::new(),
            period: None,
            definition: None,
            narrowed: Vec::new(),
        };
        let archive = qualified(&target.db, &target.table);
        let same_names = if self.folds_names != 0 {
            target.db.to_lowercase() == plan.db.to_lowercase()
                && target.table.to_lowercase() == plan.table.to_lowercase()
        } else {
            target.db == plan.db && target.table == plan.table
        };
        if same_names && self.same_server {
            return Err(PrepareError::SameTable {
                dest: self.name.clone(),
                archive,
            });
        }
        if let (true, Some(why)) = (same_names, &self.shared_data) {
            return Err(PrepareError::Other {
                dest: self.name.clone(),
                message: format!(
                    "the archive table {archive} has the source table's own name, on a server that may hold the source's tables ({why}): there it may be the source table itself, and the copy of each row deleted with it; set db_suffix or table_suffix (a server that replicates no more: RESET SLAVE ALL; SET GLOBAL gtid_slave_pos = '')"
                ),
            });
        }
        // The server's limit on a database or table name: a dry run must see it as well.
        for (what, n) in [("database", &target.db), ("table", &target.table)] {
            if n.chars().count() > 64 {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "the archive {what} name {} is {} characters long, more than the 64 the server allows; shorten db_suffix or table_suffix",
                        crate::mysql::ident::quote_ident(n),
                        n.chars().count()
                    ),
                });
            }
        }
        let wrap = |e, name: &str| PrepareError::Db(e, name.to_string());
        let name = self.name.clone();
        if self.folds_names != 0 {
            let twins = with_retry(source, source_retry, "read the source's names", |a| {
                let (db, table) = (plan.db.clone(), plan.table.clone());
                Box::pin(async move { case_twins(a.conn, &db, &table).await })
            })
            .await
            .map_err(|e| wrap(e, &name))?;
            if let Some(twin) = twins.first() {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "the archive server folds names to lower case (lower_case_table_names = {}): {archive} would hold the rows of both {} and {twin}, which the source keeps apart; archive them to a server that keeps the case of names (lower_case_table_names = 0), or leave one of them out",
                        self.folds_names,
                        qualified(&plan.db, &plan.table)
                    ),
                });
            }
        }
        let existing = {
            let (d, t) = (target.db.clone(), target.table.clone());
            with_retry(
                &mut self.db,
                self.retry,
                "read archive table columns",
                |a| {
                    let (d, t) = (d.clone(), t.clone());
                    Box::pin(async move { schema::table_columns(a.conn, &d, &t).await })
                },
            )
            .await
            .map_err(|e| wrap(e, &name))?
        };
        let source_columns = {
            let (d, t) = (plan.db.clone(), plan.table.clone());
            with_retry(source, source_retry, "read source table columns", |a| {
                let (d, t) = (d.clone(), t.clone());
                Box::pin(async move { schema::table_columns(a.conn, &d, &t).await })
            })
            .await
            .map_err(|e| wrap(e, &name))?
            .ok_or_else(|| PrepareError::Other {
                dest: name.clone(),
                message: format!("source table {} vanished", qualified(&plan.db, &plan.table)),
            })?
        };
        if let Some(existing) = existing {
            // Collations are named only when text differs, so that the usual detail stays short.
            let text_differs = existing.iter().zip(&source_columns).any(|(a, s)| {
                !schema::same_modulo_utf8(a.charset.as_deref(), s.charset.as_deref())
                    || !schema::same_modulo_utf8(a.collation.as_deref(), s.collation.as_deref())
            });
            let describe = |cols: &[schema::ColumnInfo]| {
                cols.iter()
                    .map(|c| {
                        let mut d = format!("{} {}", c.name, c.column_type);
                        if !c.nullable {
                            d.push_str(" NOT NULL");
                        }
                        if let Some(e) = &c.expression {
                            d.push_str(&format!(" AS ({e})"));
                        }
                        if let (true, Some(collation)) = (text_differs, &c.collation) {
                            d.push_str(&format!(" COLLATE {collation}"));
                        }
                        d
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            // The period columns of a system-versioned source are not in the archive.
            let source_columns: Vec<schema::ColumnInfo> = source_columns
                .into_iter()
                .filter(|c| !c.system_time)
                .collect();
            // A generated column is computed again by the archive, never copied: the archive's
            // must compute the same (the same expression), and a plain column where the source
            // has a generated one would get NULL. A NOT NULL column where the source allows
            // NULL would refuse the batch that holds one.
            if existing.len() != source_columns.len()
                || existing.iter().zip(&source_columns).any(|(a, s)| {
                    a.name != s.name
                        || a.column_type != s.column_type
                        || a.generated != s.generated
                        || a.expression != s.expression
                        || (s.nullable && !a.nullable)
                        // Text in another character set is stored as other bytes (or refused).
                        || !schema::same_modulo_utf8(a.charset.as_deref(), s.charset.as_deref())
                        // A key that compares otherwise would match other rows: the conflict
                        // check, and a DELETE of an archived copy by its key, would name the
                        // wrong row (`'a'` and `'A'` under a `_ci` collation).
                        || (plan.key.contains(&s.name)
                            && !schema::same_modulo_utf8(
                                a.collation.as_deref(),
                                s.collation.as_deref(),
                            ))
                })
            {
                return Err(PrepareError::Drift {
                    dest: self.name.clone(),
                    archive,
                    detail: format!(
                        "archive: [{}]; source: [{}]",
                        describe(&existing),
                        describe(&source_columns)
                    ),
                });
            }
            // A trigger could change the rows as they are written (or write elsewhere), and
            // nothing would tell: refuse the table rather than archive what it makes of them.
            let triggers = {
                let (d, t) = (target.db.clone(), target.table.clone());
                with_retry(
                    &mut self.db,
                    self.retry,
                    "read archive table triggers",
                    |a| {
                        let (d, t) = (d.clone(), t.clone());
                        Box::pin(async move { schema::table_triggers(a.conn, &d, &t).await })
                    },
                )
                .await
                .map_err(|e| wrap(e, &name))?
            };
            // An engine that loses committed rows (MEMORY at a restart, BLACKHOLE at once,
            // MyISAM or Aria in a crash) would hold rows the source no longer has.
            let engine = {
                let (d, t) = (target.db.clone(), target.table.clone());
                with_retry(&mut self.db, self.retry, "read archive table engine", |a| {
                    let (d, t) = (d.clone(), t.clone());
                    Box::pin(async move { schema::table_engine(a.conn, &d, &t).await })
                })
                .await
                .map_err(|e| wrap(e, &name))?
            };
            // A view (or a sequence) takes inserts into tables of its own, which may be the
            // source itself: a row "archived" there would be deleted with it.
            let (kind, engine) = engine.unwrap_or_default();
            if !matches!(
                schema::TableKind::parse(&kind),
                schema::TableKind::Base | schema::TableKind::SystemVersioned
            ) {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "{archive} is a {kind}, not a table: its rows would be kept elsewhere, possibly in the source itself; drop it or set another table_suffix"
                    ),
                });
            }
            if let Some(engine) = engine.filter(|e| !ddl::is_durable_engine(e)) {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "{archive} uses the {engine} engine, which does not keep committed rows through a crash or a restart; convert it (ALTER TABLE {archive} ENGINE=InnoDB) or set another table_suffix"
                    ),
                });
            }
            if !triggers.is_empty() {
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "{archive} has triggers ({}), which could change the rows written to it; drop them or set another table_suffix",
                        triggers.join(", ")
                    ),
                });
            }
            // Without a unique index on the key, a row archived already is written again, and
            // another row under the same key goes in beside it: neither is told.
            if !self
                .keys_are_unique(&target, &plan.key)
                .await
                .map_err(|e| wrap(e, &name))?
            {
                let cols: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
                return Err(PrepareError::Other {
                    dest: self.name.clone(),
                    message: format!(
                        "{archive} has no unique index on the source's key ({}): a row archived twice, or another row with the same key, could not be told; add one (ALTER TABLE {archive} ADD UNIQUE ({})) or set another table_suffix",
                        cols.join(", "),
                        cols.join(", ")
                    ),
                });
            }
            let period = {
                let (d, t) = (target.db.clone(), target.table.clone());
                with_retry(&mut self.db, self.retry, "SHOW CREATE TABLE", |a| {
                    let (d, t) = (d.clone(), t.clone());
                    Box::pin(async move { schema::show_create_table_escaped(a.conn, &d, &t).await })
                })
                .await
                .map_err(|e| wrap(e, &name))
                .map(|sql| {
                    (
                        ddl::overlaps_period(&sql, &plan.key),
                        definition::comparable(&sql),
                    )
                })?
            };
            let (period, created) = period;
            let mut unique = Vec::new();
            if dry_run {
                self.check_grants(&target, false).await?;
                // For the plan: the other unique keys refuse rows too (a table made by the
                // Python osarchiver keeps the source's, `uniq_instances0uuid`).
                unique = self
                    .unique_indexes(&target)
                    .await
                    .map_err(|e| wrap(e, &name))?
                    .into_values()
                    .filter(|(cols, whole)| {
                        *whole
                            && !cols.iter().all(|c| plan.key.contains(c))
                            && cols.iter().all(|c| plan.columns.contains(c))
                    })
                    .map(|(cols, _)| cols)
                    .collect();
                unique.sort();
            }
            let narrowed = existing
                .iter()
                .zip(&source_columns)
                .filter(|(a, s)| {
                    !s.generated && schema::utf8_narrows(s.charset.as_deref(), a.charset.as_deref())
                })
                .filter_map(|(a, _)| Some((a.name.clone(), a.charset.clone()?)))
                .collect();
            return Ok(ArchiveTable {
                period,
                definition: (!dry_run).then_some(created),
                unique,
                narrowed,
                ..target
            });
        }
        let create_db = {
            let db = plan.db.clone();
            let charset = with_retry(source, source_retry, "read source charset", |a| {
                let db = db.clone();
                Box::pin(async move { schema::database_charset(a.conn, &db).await })
            })
            .await
            .map_err(|e| wrap(e, &name))?;
            let Some((charset, collation)) = charset else {
                return Err(PrepareError::Other {
                    dest: name,
                    message: format!("source database {} vanished", plan.db),
                });
            };
            format!(
                "CREATE DATABASE IF NOT EXISTS {} CHARACTER SET {charset} COLLATE {collation}",
                quote_ident(&target.db)
            )
        };
        let create_table = {
            let (d, t) = (plan.db.clone(), plan.table.clone());
            let source_sql = with_retry(source, source_retry, "SHOW CREATE TABLE", |a| {
                let (d, t) = (d.clone(), t.clone());
                Box::pin(async move { schema::show_create_table(a.conn, &d, &t).await })
            })
            .await
            .map_err(|e| wrap(e, &name))?;
            ddl::archive_create_table_in(&source_sql, &target.db, &target.table, &plan.index)
                .map_err(|e| PrepareError::Other {
                    dest: name.clone(),
                    message: format!(
                        "cannot derive the archive table from {}: {e}",
                        qualified(&plan.db, &plan.table)
                    ),
                })?
        };
        // An ENUM or SET of the binary character set whose members are not UTF-8: the server
        // writes each such byte `?` in its `SHOW CREATE TABLE` (and in information_schema), so
        // a table made from that text would have other members, and refuse the rows (the run
        // failed, exit 1, where the dry run had foreseen none). Said in both.
        let lossy: Vec<String> = {
            let (d, t) = (plan.db.clone(), plan.table.clone());
            with_retry(source, source_retry, "read ENUM and SET columns", |a| {
                let (d, t) = (d.clone(), t.clone());
                Box::pin(async move { a.conn.exec(BINARY_LABELS_SQL, (d, t)).await })
            })
            .await
            .map_err(|e| wrap(e, &name))?
        };
        if !lossy.is_empty() {
            return Err(PrepareError::Other {
                dest: name.clone(),
                message: format!(
                    "{archive} cannot be derived from {}: its ENUM or SET columns of the binary character set ({}) have members the server shows with a `?` (bytes that are not UTF-8, or a `?` itself), which a table made from that text would not have; create the archive table beforehand (CREATE TABLE {archive} LIKE {})",
                    qualified(&plan.db, &plan.table),
                    lossy.join(", "),
                    qualified(&plan.db, &plan.table)
                ),
            });
        }
        // InnoDB's column limit, which a MyISAM or Aria table may pass: the CREATE would be
        // refused (1005, errno 185); said the same way in the dry run and the run.
        let engine = created_engine(&create_table);
        if let Some(n) = ddl::column_count(&create_table)
            .filter(|&n| n > ddl::INNODB_MAX_COLUMNS)
            .filter(|_| {
                engine
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case("InnoDB"))
            })
        {
            return Err(PrepareError::Other {
                dest: name.clone(),
                message: format!(
                    "{archive} would be an InnoDB table of {n} columns, and InnoDB takes at most {}: the CREATE TABLE would be refused (1005, errno 185); archive {} to files only, or create the archive table yourself",
                    ddl::INNODB_MAX_COLUMNS,
                    qualified(&plan.db, &plan.table)
                ),
            });
        }
        if dry_run {
            self.check_grants(&target, true).await?;
            self.check_enforced_engine(&create_table, &archive).await?;
            // The statements in full at debug level: a CREATE TABLE is long, and one per table
            // would bury the rest of the dry run.
            tracing::info!(
                "[dry-run] destination {}: would create {archive}",
                self.name
            );
            tracing::debug!(
                "[dry-run] destination {}: would run: {create_db}",
                self.name
            );
            tracing::debug!(
                "[dry-run] destination {}: would run: {create_table}",
                self.name
            );
            return Ok(ArchiveTable {
                missing: true,
                ..target
            });
        }
        tracing::info!("destination {}: creating {archive}", self.name);
        for statement in [create_db, create_table] {
            let created = with_retry(&mut self.db, self.retry, "create archive table", |a| {
                let statement = statement.clone();
                Box::pin(async move { a.conn.query_drop(statement).await })
            })
            .await;
            match created {
                Err(e) if row_size_too_large(&e) => {
                    // A table of another engine (MyISAM, Aria) may be wider than InnoDB's
                    // strict check of its largest possible row: without it, InnoDB takes the
                    // table, and each row that does fit.
                    tracing::warn!(
                        "destination {}: {archive}: InnoDB refuses the table's largest possible row under innodb_strict_mode (1118): it is created with innodb_strict_mode off, and a row too wide for InnoDB will fail its insert (create the archive table yourself with other column types to avoid it)",
                        self.name
                    );
                    let lenient = format!("SET STATEMENT innodb_strict_mode = 0 FOR {statement}");
                    with_retry(&mut self.db, self.retry, "create archive table", |a| {
                        let statement = lenient.clone();
                        Box::pin(async move { a.conn.query_drop(statement).await })
                    })
                    .await
                    .map_err(|e| wrap(e, &name))?;
                }
                created => created.map_err(|e| wrap(e, &name))?,
            }
        }
        let (d, t) = (target.db.clone(), target.table.clone());
        let created = with_retry(&mut self.db, self.retry, "SHOW CREATE TABLE", |a| {
            let (d, t) = (d.clone(), t.clone());
            Box::pin(async move { schema::show_create_table_escaped(a.conn, &d, &t).await })
        })
        .await
        .map_err(|e| wrap(e, &name))?;
        Ok(ArchiveTable {
            definition: Some(definition::comparable(&created)),
            ..target
        })
    }

    /// Writes a batch in one transaction and commits it. Safe to run again after an error:
    /// rows already there identically count as archived.
    ///
    /// Rows go as multi-row INSERTs in the text protocol, values rendered by
    /// [`crate::mysql::literal`] (the renderer the SQL files use): no placeholder limit, and no
    /// prepared-statement metadata to keep per table.
    pub async fn write(
        &mut self,
        target: &ArchiveTable,
        plan: &TablePlan,
        batch: &Batch,
    ) -> Result<WriteOutcome, RetryError> {
        let statements = self.statements(target, plan, batch);
        let max_packet = self.max_packet;
        let mode = self.write_mode.clone();
        let ready = &self.session_ready;
        with_retry(&mut self.db, self.retry, "archive insert", |a| {
            let statements = &statements;
            let mode = mode.clone();
            Box::pin(async move {
                let id = a.session;
                if ready.load(Ordering::Relaxed) != id {
                    write_session(a.conn, mode).await?;
                    ready.store(id, Ordering::Relaxed);
                }
                a.conn.query_drop("START TRANSACTION").await?;
                let mut out = WriteOutcome::default();
                let mut inserted = Ok(());
                for (range, statement) in statements {
                    inserted = insert_chunk(
                        a.conn,
                        target,
                        plan,
                        batch,
                        (range.clone(), statement),
                        max_packet,
                        &mut out,
                    )
                    .await;
                    if inserted.is_err() {
                        break;
                    }
                }
                // The rows went into the table as it was defined when the walk began (an
                // ALTER or a trigger since would have changed them as they went in).
                if inserted.is_ok() {
                    inserted = definition::check_archive(a.conn, target).await;
                }
                if let Err(e) = inserted {
                    // Leave nothing of a failed batch behind (a lost connection rolled back
                    // already; the next START TRANSACTION would commit what is left).
                    let _ = a.conn.query_drop("ROLLBACK").await;
                    return Err(e);
                }
                a.conn.query_drop("COMMIT").await?;
                out.archived = batch.len() as u64 - out.conflicts.len() as u64;
                Ok(out)
            })
        })
        .await
    }

    /// Whether the archive table has a unique index on exactly the key's columns (whole
    /// columns, no prefix): what the server-side copy needs, for `INSERT IGNORE` to skip the
    /// keys already archived and for the delete to find each row's copy by key.
    pub async fn has_key_index(
        &mut self,
        target: &ArchiveTable,
        key: &[String],
    ) -> Result<bool, RetryError> {
        Ok(self
            .unique_indexes(target)
            .await?
            .values()
            .any(|(cols, whole)| {
                *whole && cols.len() == key.len() && key.iter().all(|k| cols.contains(k))
            }))
    }

    /// Whether some unique index of the archive table is on columns of the key only (whole
    /// or prefixes): then no two of its rows share a key.
    async fn keys_are_unique(
        &mut self,
        target: &ArchiveTable,
        key: &[String],
    ) -> Result<bool, RetryError> {
        Ok(self
            .unique_indexes(target)
            .await?
            .values()
            .any(|(cols, _)| cols.iter().all(|c| key.contains(c))))
    }

    /// The archive table's unique indexes: their columns, and whether every one is whole (no
    /// prefix).
    async fn unique_indexes(
        &mut self,
        target: &ArchiveTable,
    ) -> Result<HashMap<String, (Vec<String>, bool)>, RetryError> {
        let (d, t) = (target.db.clone(), target.table.clone());
        let indexes: Vec<(String, String, u64)> =
            with_retry(&mut self.db, self.retry, "read archive table keys", |a| {
                let (d, t) = (d.clone(), t.clone());
                Box::pin(async move {
                    a.conn
                        .exec(
                            "SELECT INDEX_NAME, COLUMN_NAME, SUB_PART IS NULL FROM information_schema.STATISTICS \
                             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                            (d, t),
                        )
                        .await
                })
            })
            .await?;
        let mut by_index: HashMap<String, (Vec<String>, bool)> = HashMap::new();
        for (index, column, whole) in indexes {
            let e = by_index.entry(index).or_insert((Vec::new(), true));
            e.0.push(column);
            e.1 &= whole == 1;
        }
        Ok(by_index)
    }

    /// A dry run's check of a `CREATE TABLE` it would run: a server whose
    /// `enforce_storage_engine` (MariaDB) names another engine refuses it (1290), as it would
    /// refuse the real run's.
    async fn check_enforced_engine(
        &mut self,
        create_table: &str,
        archive: &str,
    ) -> Result<(), PrepareError> {
        let enforced: Option<Option<String>> = match self
            .db
            .conn()
            .query_first("SELECT @@enforce_storage_engine")
            .await
        {
            Ok(v) => v,
            // MySQL has no such variable; an error here is the real run's to meet.
            Err(_) => return Ok(()),
        };
        let Some(enforced) = enforced.flatten().filter(|e| !e.is_empty()) else {
            return Ok(());
        };
        match created_engine(create_table) {
            Some(engine) if !engine.eq_ignore_ascii_case(&enforced) => Err(PrepareError::Other {
                dest: self.name.clone(),
                message: format!(
                    "the archive server enforces the {enforced} engine (enforce_storage_engine), and {archive} would be created with {engine}: the CREATE TABLE would be refused (1290)"
                ),
            }),
            _ => Ok(()),
        }
    }

    /// The `sql_mode` rows are written under: the session's, without strictness.
    pub fn write_mode(&self) -> &str {
        &self.write_mode
    }

    /// Copies the eligible rows of a key range of the source table, which is on this server,
    /// into the archive table, inside the server (`INSERT IGNORE ... SELECT`, see
    /// [`sql::copy_range`]), in one transaction, committed. Keys the archive holds already are
    /// skipped (the delete keeps their source rows unless the copy there is identical). Any
    /// other warning (a value the archive table would alter) rolls the copy back and returns
    /// [`Copied::Refused`]: the range then goes the client's way, which knows the expected ones.
    pub async fn copy_range(
        &mut self,
        target: &ArchiveTable,
        plan: &TablePlan,
        where_clause: &str,
        range: &KeyRange,
    ) -> Result<Copied, RetryError> {
        let statement = sql::copy_range(
            plan,
            &target.db,
            &target.table,
            where_clause,
            range.after.is_some(),
        );
        let params = range.params();
        let mode = self.write_mode.clone();
        let ready = &self.session_ready;
        with_retry(&mut self.db, self.retry, "archive copy", |a| {
            let (statement, params, mode) = (statement.as_str(), params.clone(), mode.clone());
            Box::pin(async move {
                let id = a.session;
                if ready.load(Ordering::Relaxed) != id {
                    write_session(a.conn, mode).await?;
                    ready.store(id, Ordering::Relaxed);
                }
                // A consistent read of the source rows, without locks: the copy must not lock
                // the rows the source session deletes meanwhile (the delete compares every row
                // with its copy, so what the copy saw needs no lock to stay true).
                a.conn
                    .query_drop("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    .await?;
                a.conn.query_drop("START TRANSACTION").await?;
                let result = async {
                    a.conn.exec_drop(statement, params).await?;
                    let inserted = a.conn.affected_rows();
                    let mut duplicates = 0u64;
                    let mut other = Vec::new();
                    if a.conn.get_warnings() > 0 {
                        let warnings: Vec<(String, u32, String)> =
                            a.conn.query("SHOW WARNINGS").await?;
                        for (level, code, message) in warnings {
                            match u16::try_from(code) {
                                Ok(codes::DUP_ENTRY) => duplicates += 1,
                                // Statement-based binary logging calls INSERT IGNORE ... SELECT
                                // unsafe (the order of its rows decides which are skipped):
                                // the copy is ordered by key.
                                Ok(codes::UNSAFE_STATEMENT) => {}
                                _ => other.push(format!("{level} {code}: {message}")),
                            }
                        }
                    }
                    Ok::<_, mysql_async::Error>((inserted, duplicates, other))
                }
                .await;
                match result {
                    Ok((inserted, duplicates, other)) if other.is_empty() => {
                        a.conn.query_drop("COMMIT").await?;
                        Ok(Copied::Done {
                            inserted,
                            duplicates,
                        })
                    }
                    Ok((_, _, other)) => {
                        a.conn.query_drop("ROLLBACK").await?;
                        Ok(Copied::Refused(other.join("; ")))
                    }
                    Err(e) => {
                        let _ = a.conn.query_drop("ROLLBACK").await;
                        Err(e)
                    }
                }
            })
        })
        .await
    }

    /// The INSERTs of a batch: at most `bulk_insert` rows and about half of
    /// max_allowed_packet each, with the rows each one holds.
    fn statements(
        &self,
        target: &ArchiveTable,
        plan: &TablePlan,
        batch: &Batch,
    ) -> Vec<(std::ops::Range<usize>, Insert)> {
        let kinds = batch.literal_kinds();
        let head = sql::insert_head(&target.db, &target.table, &plan.columns);
        insert::split(
            &head,
            &batch.rows,
            &kinds,
            (self.bulk_insert, self.packet_budget, self.max_packet),
            |i| {
                insert::bound(
                    &target.db,
                    &target.table,
                    &plan.columns,
                    &batch.rows[i],
                    &kinds,
                )
            },
        )
    }

    /// The session on the archive server and its retry policy: the dry run's plan reads
    /// archive tables by key through it ([`crate::archiver::forecast::remote`]).
    pub fn session(&mut self) -> (&mut Connection, Retry) {
        (&mut self.db, self.retry)
    }

    /// Closes the connection.
    pub async fn close(self) {
        let _ = self.db.disconnect().await;
    }
}

/// Whether `name` is `base` followed by `suffix`, where a date as `{date}` writes it
/// (`%F_%T`, e.g. `2026-11-21_03:00:00`) in `suffix` stands for any such date.
pub(crate) fn has_suffix(name: &str, base: &str, suffix: &str) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return false;
    };
    let date = Regex::new(DATE_PATTERN).expect("a valid date pattern");
    if !date.is_match(suffix) {
        return rest == suffix;
    }
    let mut pattern = String::from("^");
    let mut last = 0;
    for m in date.find_iter(suffix) {
        pattern.push_str(&regex::escape(&suffix[last..m.start()]));
        pattern.push_str(DATE_PATTERN);
        last = m.end();
    }
    pattern.push_str(&regex::escape(&suffix[last..]));
    pattern.push('$');
    Regex::new(&pattern).is_ok_and(|re| re.is_match(rest))
}

/// `mode` without `STRICT_TRANS_TABLES` and `STRICT_ALL_TABLES`, with `ALLOW_INVALID_DATES`
/// (a date such as `2020-02-31`, which a server with that mode stored, is archived as it is).
pub(crate) fn lenient_mode(mode: &str) -> String {
    let mut modes: Vec<&str> = mode
        .split(',')
        .map(str::trim)
        .filter(|m| {
            !m.is_empty()
                && !m.eq_ignore_ascii_case("STRICT_TRANS_TABLES")
                && !m.eq_ignore_ascii_case("STRICT_ALL_TABLES")
        })
        .collect();
    if !modes
        .iter()
        .any(|m| m.eq_ignore_ascii_case("ALLOW_INVALID_DATES"))
    {
        modes.push("ALLOW_INVALID_DATES");
    }
    modes.join(",")
}

/// No session set up yet (sessions count from 1).
const NO_SESSION: u64 = u64::MAX;

/// Sets the session up for the batches of a connection (again after a reconnect): non-strict `mode`, every warning
/// kept for [`check_warnings`], CHECK constraints off where the server has the switch.
pub(crate) async fn write_session(
    conn: &mut mysql_async::Conn,
    mode: String,
) -> mysql_async::Result<()> {
    conn.exec_drop(
        "SET SESSION sql_mode = ?, SESSION max_error_count = 65535",
        (mode,),
    )
    .await?;
    match conn
        .query_drop("SET SESSION check_constraint_checks = 0")
        .await
    {
        // MySQL has no such variable (nor CHECKs before 8.0.16): archive tables have none.
        Err(mysql_async::Error::Server(e)) if e.code == codes::UNKNOWN_SYSTEM_VARIABLE => Ok(()),
        other => other,
    }
}

/// Warnings of an INSERT (into an archive, or into the source by a restore) other than the
/// expected ones: the values were altered. The second field says what became of the batch.
#[derive(Debug, thiserror::Error)]
#[error("the server altered values while inserting them ({0}); {1}")]
pub struct AlteredValues(pub String, pub &'static str);

/// What becomes of a batch whose statement failed in a table of `plan`: rolled back, or, in a
/// table without transactions (MyISAM, Aria...), left as inserted so far.
pub(crate) fn batch_fate(plan: &TablePlan) -> &'static str {
    if plan.transactional {
        "the batch is rolled back"
    } else {
        "the table has no transactions: the rows inserted before the failure stay in it"
    }
}

/// After an INSERT of `rows` (in statement order) into the archive: fails unless every warning
/// it raised is expected, that is 1265 ("Data truncated") on an ENUM column of a row whose value
/// is `''`: the invalid ENUM value (index 0) stored as it was.
pub(crate) async fn check_warnings(
    conn: &mut mysql_async::Conn,
    plan: &TablePlan,
    rows: &[Vec<Value>],
) -> mysql_async::Result<()> {
    let count = conn.get_warnings();
    if count == 0 {
        return Ok(());
    }
    let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS").await?;
    let mut unexpected: Vec<String> = warnings
        .iter()
        .filter(|(_, code, message)| !expected_warning(*code, message, plan, rows))
        .map(|(level, code, message)| format!("{level} {code}: {message}"))
        .collect();
    if warnings.len() < usize::from(count) {
        unexpected.push(format!(
            "{count} warnings, of which only {} could be read",
            warnings.len()
        ));
    }
    if unexpected.is_empty() {
        return Ok(());
    }
    let shown = unexpected.len().min(5);
    let mut text = unexpected[..shown].join("; ");
    if unexpected.len() > shown {
        text.push_str(&format!("; and {} more", unexpected.len() - shown));
    }
    Err(mysql_async::Error::Other(Box::new(AlteredValues(
        text,
        batch_fate(plan),
    ))))
}

/// Whether a warning is the expected one for an invalid ENUM value (see [`check_warnings`]).
fn expected_warning(code: u32, message: &str, plan: &TablePlan, rows: &[Vec<Value>]) -> bool {
    if code != u32::from(codes::WARN_DATA_TRUNCATED) {
        return false;
    }
    let Some(rest) = message.strip_prefix("Data truncated for column '") else {
        return false;
    };
    let Some((column, row)) = rest.rsplit_once("' at row ") else {
        return false;
    };
    let (Some(pos), Ok(row)) = (
        plan.columns.iter().position(|c| c == column),
        row.trim().parse::<usize>(),
    ) else {
        return false;
    };
    let is_enum = plan
        .column_types
        .get(pos)
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("enum("));
    let value = row
        .checked_sub(1)
        .and_then(|r| rows.get(r))
        .and_then(|r| r.get(pos));
    is_enum && matches!(value, Some(Value::Bytes(b)) if b.is_empty())
}

/// `ER_TABLE_EXISTS_ERROR`.
const TABLE_EXISTS: u16 = 1050;

/// A date as `{date}` writes it in suffixes.
const DATE_PATTERN: &str = r"[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}:[0-9]{2}:[0-9]{2}";

/// Inserts rows `range` of the batch; on a duplicate key, sorts them into identical (already
/// archived), conflicting, and new (inserted).
async fn insert_chunk(
    conn: &mut mysql_async::Conn,
    target: &ArchiveTable,
    plan: &TablePlan,
    batch: &Batch,
    (range, statement): (std::ops::Range<usize>, &Insert),
    max_packet: usize,
    out: &mut WriteOutcome,
) -> mysql_async::Result<()> {
    let rows = &batch.rows[range.clone()];
    match statement.run(conn).await {
        Ok(()) => return check_warnings(conn, plan, rows).await,
        Err(e) if crate::mysql::retry::classify(&e) == ErrorKind::DuplicateKey => {}
        Err(e) => return Err(e),
    }
    // Some keys are already there: compare what is there with what we have.
    let lookup = sql::select_by_keys(
        &target.db,
        &target.table,
        &plan.columns,
        &plan.key,
        &sql::key_placeholders(plan),
        rows.len(),
    );
    let key_params = plan.key_params();
    let keys: Vec<Value> = range
        .clone()
        .flat_map(|i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    let found: Vec<Row> = conn.exec(lookup, keys).await?;
    let mut existing: HashMap<String, Vec<Value>> = HashMap::with_capacity(found.len());
    for row in found {
        let values = row.unwrap();
        let key = key_id(plan.key_pos.iter().map(|&p| &values[p]));
        existing.insert(key, values);
    }
    let mut fresh = Vec::new();
    for i in range {
        let key = batch.key_id(i, &plan.key_pos);
        match existing.get(&key) {
            Some(archived) if archived == &batch.rows[i] => out.already += 1,
            Some(_) => out.conflicts.push(i),
            None => fresh.push(i),
        }
    }
    // The rest one by one: another unique key may collide too. Values as literals, as in the
    // batch INSERT (text outside UTF-8 as its own bytes).
    let kinds = batch.literal_kinds();
    for i in fresh {
        let statement = insert::one_row(
            &target.db,
            &target.table,
            &plan.columns,
            &batch.rows[i],
            &kinds,
            max_packet,
        );
        match statement.run(conn).await {
            Ok(()) => check_warnings(conn, plan, std::slice::from_ref(&batch.rows[i])).await?,
            Err(e) if e_is_dup(&e) => {
                out.conflicts.push(i);
                let message = match &e {
                    mysql_async::Error::Server(s) => s.message.clone(),
                    other => other.to_string(),
                };
                // Not found by its bytes, but its key is taken all the same: a key equal under
                // the archive's collation (`'ABC'` for `'abc'`) is an ordinary conflict; another
                // unique key of the archive refusing it is not.
                if !names_key(&message, &plan.index) {
                    out.refused.push((i, message));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether a duplicate-key message (`Duplicate entry '...' for key 'k'`, MySQL 8 `'t.k'`)
/// names the index `index`.
fn names_key(message: &str, index: &str) -> bool {
    let Some(at) = message.rfind(" for key '") else {
        return false;
    };
    let name = message[at + " for key '".len()..].trim_end_matches('\'');
    name == index || name.rsplit_once('.').is_some_and(|(_, n)| n == index)
}

fn e_is_dup(e: &mysql_async::Error) -> bool {
    matches!(e, mysql_async::Error::Server(s) if s.code == codes::DUP_ENTRY || s.code == codes::DUP_ENTRY_WITH_KEY_NAME)
}

/// The engine a `CREATE TABLE` statement names (`ENGINE=...`), if it names one.
fn created_engine(create_table: &str) -> Option<String> {
    Regex::new(r"(?i)\bENGINE\s*=\s*`?(\w+)")
        .ok()
        .and_then(|re| re.captures(create_table).map(|c| c[1].to_string()))
}

#[cfg(test)]
mod tests {
    use super::{has_suffix, lenient_mode};

    #[test]
    fn a_duplicate_message_names_its_key() {
        use super::names_key;
        assert!(names_key(
            "Duplicate entry 'ABC' for key 'PRIMARY'",
            "PRIMARY"
        ));
        assert!(names_key(
            "Duplicate entry '1' for key 't.PRIMARY'",
            "PRIMARY"
        ));
        assert!(names_key(
            "Duplicate entry 'x' for key 'by_name'",
            "by_name"
        ));
        assert!(!names_key("Duplicate entry '1' for key 'one_v'", "PRIMARY"));
        assert!(!names_key("something else", "PRIMARY"));
    }

    #[test]
    fn writes_are_not_strict() {
        assert_eq!(
            lenient_mode("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO"),
            "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_VALUE_ON_ZERO,ALLOW_INVALID_DATES"
        );
        assert_eq!(lenient_mode("STRICT_TRANS_TABLES"), "ALLOW_INVALID_DATES");
        assert_eq!(
            lenient_mode("ALLOW_INVALID_DATES,STRICT_ALL_TABLES"),
            "ALLOW_INVALID_DATES"
        );
    }

    #[test]
    fn archive_names_by_suffix() {
        assert!(has_suffix("t_arch", "t", "_arch"));
        assert!(!has_suffix("t_arch", "t", "_old"));
        assert!(!has_suffix("u_arch", "t", "_arch"));
        assert!(has_suffix("t", "t", ""));
        assert!(!has_suffix("t_x", "t", ""));
        // A date from {date} stands for the date of any run.
        let suffix = "_2026-11-21_03:00:00";
        assert!(has_suffix("t_2026-11-21_03:00:00", "t", suffix));
        assert!(has_suffix("t_2025-01-02_23:59:59", "t", suffix));
        assert!(!has_suffix("t_2025-01-02", "t", suffix));
        assert!(!has_suffix("t_2025-01-02_23:59:59_x", "t", suffix));
        assert!(has_suffix(
            "nova.bak_2025-01-02_23:59:59",
            "nova",
            ".bak_2026-11-21_03:00:00"
        ));
        assert!(!has_suffix(
            "novaXbak_2025-01-02_23:59:59",
            "nova",
            ".bak_2026-11-21_03:00:00"
        ));
    }
}
