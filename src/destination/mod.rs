//! Destinations: where archived rows go before they are deleted from the source.
//!
//! - [`db`]: an archive database.
//! - [`file`](mod@file): CSV and SQL files, compressed, uploaded to [`remote`] stores.
//!
//! [`Dest`] and [`Target`] put them behind one interface for the pipeline: open once per
//! source, `prepare` per table, `write` per batch (durable when it returns), `finish` per table.
//! What their background jobs share in a run is bounded by [`limits::Limits`].

pub mod db;
pub mod file;
pub mod limits;
pub mod remote;

use crate::config::{Destination, Retry, RunClock};
use crate::mysql::conn::Connection;
use crate::table::batch::Batch;
use crate::table::TablePlan;

pub use db::WriteOutcome;

use crate::mysql::retry::RetryError;

/// Why a destination failed. The archive database's and the files' own errors, kept whole;
/// which step failed (open, prepare, write, finish) is the caller's context. The messages of
/// [`DestError::Prepare`], [`DestError::SourceSchema`] and of a file destination's `open` and
/// `prepare` name the destination; the others do not (the caller does).
#[derive(Debug, thiserror::Error)]
pub enum DestError {
    /// The archive database: a statement that failed after its retries (open, write).
    #[error(transparent)]
    Db(#[from] RetryError),
    /// The archive table cannot receive the source table's rows.
    #[error(transparent)]
    Prepare(#[from] db::PrepareError),
    /// The files: writing, closing, or opening a remote store.
    #[error(transparent)]
    File(#[from] file::FileError),
    /// The source table's definition, read to tell how a SQL file must insert its rows.
    #[error("destination {dest}: {source}")]
    SourceSchema {
        dest: String,
        #[source]
        source: RetryError,
    },
    /// A target given to a destination of another kind (a bug).
    #[error("internal error: destination and target of different kinds")]
    Mismatch,
}

/// An open destination (a handful per run: their size does not matter).
#[allow(clippy::large_enum_variant)]
pub enum Dest {
    Db(db::ArchiveDb),
    File(file::FileDest),
}

/// Where one table goes in a destination.
pub enum Target {
    Db(db::ArchiveTable),
    File(file::FileTarget),
}

impl Dest {
    /// Opens a destination for one source (`source` is that source's session; `clock` the
    /// run's start, for the files' headers; `limits` the run's bounds on background jobs).
    pub async fn open(
        cfg: &Destination,
        source: &mut Connection,
        source_name: &str,
        clock: &RunClock,
        dry_run: bool,
        limits: &limits::Limits,
    ) -> Result<Dest, DestError> {
        Ok(match cfg {
            Destination::Db(c) => Dest::Db(db::ArchiveDb::open(c, source).await?),
            Destination::File(c) => Dest::File(file::FileDest::open(
                c,
                source_name,
                clock,
                dry_run,
                limits,
            )?),
        })
    }

    /// For a dry run: whether a real run could upload to each remote store of a file
    /// destination (see [`file::FileDest::check_remotes`]).
    pub async fn check_remotes(&self) -> Result<(), DestError> {
        match self {
            Dest::File(f) => Ok(f.check_remotes().await?),
            Dest::Db(_) => Ok(()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Dest::Db(d) => &d.name,
            Dest::File(f) => f.name(),
        }
    }

    /// The archive database on the source's own server, if this destination is one.
    pub fn same_server_db(&self) -> Option<&db::ArchiveDb> {
        match self {
            Dest::Db(d) if d.same_server => Some(d),
            _ => None,
        }
    }

    /// Gets ready to receive a table's rows. In a dry run nothing is created anywhere.
    pub async fn prepare(
        &mut self,
        plan: &TablePlan,
        source: &mut Connection,
        source_retry: Retry,
        dry_run: bool,
    ) -> Result<Target, DestError> {
        match self {
            Dest::Db(d) => Ok(Target::Db(
                d.prepare(plan, source, source_retry, dry_run).await?,
            )),
            Dest::File(f) => {
                let definition = if f.writes_sql() {
                    Some(
                        show_create_table(plan, source, source_retry)
                            .await
                            .map_err(|source| DestError::SourceSchema {
                                dest: f.name().to_string(),
                                source,
                            })?,
                    )
                } else {
                    None
                };
                let mut target = f.prepare(plan, dry_run)?;
                if let Some(sql) = definition {
                    target.set_upsert(!crate::mysql::ddl::has_without_overlaps(&sql));
                    target.set_lenient(sql.contains(" GENERATED ALWAYS AS ("));
                }
                Ok(Target::File(target))
            }
        }
    }

    /// Writes a batch; when this returns Ok the rows are durable (committed, or flushed and
    /// fsynced) except those listed as conflicts.
    pub async fn write(
        &mut self,
        target: &mut Target,
        plan: &TablePlan,
        batch: &Batch,
    ) -> Result<WriteOutcome, DestError> {
        match (self, target) {
            (Dest::Db(d), Target::Db(t)) => Ok(d.write(t, plan, batch).await?),
            (Dest::File(f), Target::File(t)) => Ok(f.write(t, plan, batch)?),
            _ => Err(DestError::Mismatch),
        }
    }

    /// A table is done (or stopped): close its files; what remains to do in the background
    /// (packing, uploads) comes back as a [`file::Packing`] to wait for before the run ends.
    pub async fn finish(&mut self, target: Target) -> Result<Option<file::Packing>, DestError> {
        match (self, target) {
            (Dest::Db(_), Target::Db(_)) => Ok(None),
            (Dest::File(f), Target::File(t)) => Ok(f.finish(t)?),
            _ => Err(DestError::Mismatch),
        }
    }

    /// Closes connections at the end of a source.
    pub async fn close(self) {
        if let Dest::Db(d) = self {
            d.close().await;
        }
    }
}

/// Whether the source table has a key `WITHOUT OVERLAPS` (from its `SHOW CREATE TABLE`).
/// The source table's `SHOW CREATE TABLE`, for what its SQL file must do: plain `INSERT`s for a
/// key `WITHOUT OVERLAPS`, strict mode off for generated columns.
async fn show_create_table(
    plan: &TablePlan,
    source: &mut Connection,
    retry: Retry,
) -> Result<String, RetryError> {
    let (d, t) = (plan.db.clone(), plan.table.clone());
    let sql = crate::mysql::retry::with_retry(source, retry, "SHOW CREATE TABLE", |a| {
        let (d, t) = (d.clone(), t.clone());
        Box::pin(
            async move { crate::mysql::schema::show_create_table_escaped(a.conn, &d, &t).await },
        )
    })
    .await?;
    Ok(sql)
}
