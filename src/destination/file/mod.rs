//! The file destination (`backend = file`): `<directory>/<db>.<table>.csv` and `.sql`. This file
//! is the façade the pipeline sees ([`FileDest`], [`FileTarget`], [`FileError`]); each job lives
//! in a module of its own:
//!
//! - [`naming`]: the file names, numbered rather than ever overwriting a file.
//! - [`csv`] and [`sql`]: the two formats, each restoring identical rows.
//! - [`sink`]: durable writing: when [`FileDest::write`] returns, the batch is flushed and
//!   `fdatasync`ed in every file (for `gz`/`zst`, as a complete gzip member or zstd frame).
//! - `directory`: the directory, created (`0700`) with the first file.
//! - `writer`: a table's files opened with its first batch, and each batch written to them.
//! - `finish`: a table's files closed when it is done ([`FileDest::finish`]).
//! - [`compress`]: `tar`, `gztar`, `bztar`, `xztar`, `zip` archives, built by the background
//!   job of `packing` ([`Packing`]) without ever overwriting or truncating a file.
//! - `uploads`: with `remote_store`, the same background job then uploads the table's finished
//!   files to each [`remote`](super::remote) store (a failure keeps the file and is an error of
//!   the table), and removes them after with `delete_after_upload`.
//! - `dry_run`: in a dry run nothing is created at all; the names that would be written are
//!   logged.
//!
//! Nothing touches the disk before the first batch of a table is written: a table without
//! eligible rows gets no file.

pub mod compress;
pub mod csv;
pub mod deflate;
mod directory;
mod dry_run;
mod finish;
pub mod naming;
mod packing;
pub mod sink;
pub mod sql;
#[cfg(test)]
mod tests;
mod uploads;
mod writer;

use crate::destination::WriteOutcome;
use crate::table::batch::Batch;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{ArchiveFormat, FileDestination, FileFormat, RunClock};
use crate::table::TablePlan;

use super::limits::Limits;
use super::remote::Remote;

pub use packing::{pending as packings_pending, Packing};

/// An open file destination (one per source).
#[derive(Clone)]
pub struct FileDest {
    name: String,
    directory: PathBuf,
    formats: Vec<FileFormat>,
    archive: ArchiveFormat,
    /// `archive_format`'s compression level.
    level: u32,
    source: String,
    /// The run's start, UTC, for the SQL header.
    started: String,
    dry_run: bool,
    /// Whether the directory is known to exist (created or found by this destination).
    directory_ready: bool,
    /// Where finished files are uploaded (`remote_store`), and the run's `{date}` that names
    /// the objects.
    remotes: Arc<Vec<Remote>>,
    date: String,
    /// The run's bounds on packing and uploading.
    limits: Limits,
    /// In a dry run: the bytes of the values of the tables planned so far, as text, in every
    /// format, and whether they were said not to fit ([`FileDest::dry_run_space`]).
    planned: u64,
    space_warned: bool,
    /// In a dry run: the names of the files a real run would write for the table prepared
    /// last, checked once its rows are counted ([`FileDest::dry_run_space`]).
    dry_names: Vec<PathBuf>,
}

/// The files of one table. Empty until the first batch is written.
#[derive(Default)]
pub struct FileTarget {
    db: String,
    table: String,
    columns: Vec<String>,
    /// The SQL file's `-- columns:` line ([`sql::columns_line`]).
    definition: String,
    files: Vec<writer::TableFile>,
    /// Rows in complete batches.
    rows: u64,
    /// A write failed: the files were cut back to their last complete batch and take no more.
    failed: bool,
    /// Whether the SQL file's INSERTs end with `ON DUPLICATE KEY UPDATE` (see
    /// [`FileTarget::set_upsert`]).
    upsert: bool,
    /// Whether the SQL file loads every batch with strict mode off (see
    /// [`FileTarget::set_lenient`]).
    lenient: bool,
}

impl FileTarget {
    /// `true` for a table with generated columns: the server computes them again as the file
    /// loads, and a value it stored cut short (written without strict mode) would fail the
    /// load under strict mode; without it, it is cut the same way again
    /// ([`sql::SqlWriter::lenient`]).
    pub fn set_lenient(&mut self, lenient: bool) {
        self.lenient = lenient;
    }

    /// `false` for a table with a key `WITHOUT OVERLAPS`: its SQL file has plain INSERTs
    /// ([`sql::SqlWriter::without_upsert`]).
    pub fn set_upsert(&mut self, upsert: bool) {
        self.upsert = upsert;
    }
}

/// Why a file destination failed. The messages do not name the destination: the pipeline
/// does (except for [`FileDest::prepare`]'s, which name it themselves).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Other(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },
    #[error("{}", .0.join("; "))]
    Finish(Vec<String>),
    /// A remote store of the destination cannot be opened (its section is wrong).
    #[error("destination {dest}: {source}")]
    Remote {
        dest: String,
        #[source]
        source: Box<super::remote::RemoteError>,
    },
}

impl FileDest {
    /// Checks the configuration; touches nothing on disk. Its background jobs keep within
    /// `limits`, which the run's other destinations share.
    pub fn open(
        cfg: &FileDestination,
        source_name: &str,
        clock: &RunClock,
        dry_run: bool,
        limits: &Limits,
    ) -> Result<FileDest, FileError> {
        let mut remotes = Vec::new();
        for r in &cfg.remote_stores {
            remotes.push(Remote::open(r).map_err(|source| FileError::Remote {
                dest: cfg.name.clone(),
                source: Box::new(source),
            })?);
        }
        if dry_run {
            dry_run::log_open(cfg, &remotes, &clock.date);
        }
        Ok(FileDest {
            name: cfg.name.clone(),
            directory: cfg.directory.clone(),
            formats: cfg.formats.clone(),
            archive: cfg.archive_format,
            level: cfg.compression_level,
            source: source_name.to_string(),
            started: clock.now.clone(),
            dry_run,
            directory_ready: false,
            remotes: Arc::new(remotes),
            date: clock.date.clone(),
            limits: limits.clone(),
            planned: 0,
            space_warned: false,
            dry_names: Vec::new(),
        })
    }

    /// Whether this destination writes SQL files.
    pub fn writes_sql(&self) -> bool {
        self.formats.contains(&FileFormat::Sql)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes a batch as [`FileDest::write`] does, on a blocking thread, so that encoding the
    /// rows and fsyncing the files stall no other stage of the table (they run on the same
    /// task). The target is moved there and back; the destination is cloned (a write changes
    /// only whether its directory is known to exist, which comes back).
    pub async fn write_off_task(
        &mut self,
        t: &mut FileTarget,
        batch: Arc<Batch>,
    ) -> Result<(WriteOutcome, Arc<Batch>), FileError> {
        let mut dest = self.clone();
        let mut target = std::mem::take(t);
        let joined = tokio::task::spawn_blocking(move || {
            let out = dest.write_batch(&mut target, &batch);
            (dest.directory_ready, target, out, batch)
        })
        .await;
        match joined {
            Ok((ready, target, out, batch)) => {
                self.directory_ready |= ready;
                *t = target;
                out.map(|o| (o, batch))
            }
            Err(e) => {
                // The target stayed on the thread that panicked: no more batches for it.
                t.failed = true;
                Err(FileError::Other(format!("the file writer stopped: {e}")))
            }
        }
    }

    fn io(&self, what: impl Into<String>, source: io::Error) -> FileError {
        FileError::Io {
            what: what.into(),
            source,
        }
    }

    /// Gets ready for a table's rows; creates nothing (files come with the first batch). In a
    /// dry run, logs the files a real run would write now.
    pub fn prepare(&mut self, plan: &TablePlan, dry_run: bool) -> Result<FileTarget, FileError> {
        let target = FileTarget {
            db: plan.db.clone(),
            table: plan.table.clone(),
            columns: plan.columns.clone(),
            definition: sql::columns_line(plan),
            files: Vec::new(),
            rows: 0,
            failed: false,
            upsert: true,
            lenient: false,
        };
        if dry_run || self.dry_run {
            self.log_dry_run_table(plan)?;
        }
        Ok(target)
    }
}
