//! Writing a table's rows: its files are opened with its first batch (never before: a table
//! without eligible rows gets no file), and each batch is written to every one of them and made
//! durable before [`FileDest::write`] returns.

use std::fs;
use std::io::{self, Write};

use crate::config::{ArchiveFormat, FileFormat};
use crate::mysql::ident::qualified;
use crate::table::batch::Batch;
use crate::table::TablePlan;

use super::super::WriteOutcome;
use super::csv::CsvWriter;
use super::naming::{self, FileNames};
use super::sink::{sync_dir, Compression, Sink};
use super::sql::{self, SqlWriter};
use super::{FileDest, FileError, FileTarget};

/// One file of a table.
pub(super) struct TableFile {
    pub(super) names: FileNames,
    pub(super) sink: Sink,
    pub(super) writer: FormatWriter,
    /// Whether the beginning of the file (CSV header, SQL comment and session) is written.
    started: bool,
}

pub(super) enum FormatWriter {
    Csv(CsvWriter),
    Sql(SqlWriter),
}

impl FileDest {
    /// Creates the directory (once) and the table's files.
    fn start(&mut self, t: &mut FileTarget) -> Result<(), FileError> {
        self.ensure_directory()?;
        let stem = naming::stem(&t.db, &t.table);
        let claimed =
            naming::claim(&self.directory, &stem, &self.formats, self.archive).map_err(|e| {
                let what = format!(
                    "cannot create the files of {stem} ({}) in {}",
                    self.formats
                        .iter()
                        .map(|&f| naming::names(&self.directory, &stem, 0, f, self.archive))
                        .filter_map(|n| n
                            .kept
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.directory.display()
                );
                self.io(what, e)
            })?;
        let compression = match self.archive {
            ArchiveFormat::Gz => Compression::Gzip(self.level),
            ArchiveFormat::Zst => Compression::Zstd(self.level),
            _ => Compression::None,
        };
        let mut claimed = claimed.into_iter();
        for &format in &self.formats {
            let Some((names, file)) = claimed.next() else {
                break;
            };
            let sink = match Sink::new(names.written.clone(), file, compression) {
                Ok(sink) => sink,
                Err(e) => {
                    // Nothing is written yet: remove this file and those not opened yet (the
                    // opened ones are removed by `finish`, being empty).
                    let _ = fs::remove_file(&names.written);
                    for (rest, _) in claimed.by_ref() {
                        let _ = fs::remove_file(&rest.written);
                    }
                    return Err(self.io(format!("cannot open {}", names.written.display()), e));
                }
            };
            let writer = match format {
                FileFormat::Csv => FormatWriter::Csv(CsvWriter::new(&t.columns)),
                FileFormat::Sql => {
                    let w = SqlWriter::new(&t.db, &t.table, &t.columns);
                    let w = if t.upsert { w } else { w.without_upsert() };
                    FormatWriter::Sql(if t.lenient { w.lenient() } else { w })
                }
            };
            t.files.push(TableFile {
                names,
                sink,
                writer,
                started: false,
            });
        }
        tracing::info!(
            "destination {}: {}: writing {}",
            self.name,
            qualified(&t.db, &t.table),
            t.files
                .iter()
                .map(|f| f.names.written.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        sync_dir(&self.directory)
            .map_err(|e| self.io(format!("cannot sync {}", self.directory.display()), e))?;
        Ok(())
    }

    /// Writes a batch to every file of the table; when this returns Ok the batch is flushed and
    /// fsynced in all of them. On an error every file is cut back to its last complete batch
    /// and the target takes no more batches.
    pub fn write(
        &mut self,
        t: &mut FileTarget,
        _plan: &TablePlan,
        batch: &Batch,
    ) -> Result<WriteOutcome, FileError> {
        self.write_batch(t, batch)
    }

    /// [`FileDest::write`], without the plan (which it does not need).
    pub(super) fn write_batch(
        &mut self,
        t: &mut FileTarget,
        batch: &Batch,
    ) -> Result<WriteOutcome, FileError> {
        if self.dry_run {
            // The pipeline writes nothing in a dry run; make sure of it.
            return Ok(WriteOutcome::default());
        }
        if t.failed {
            return Err(FileError::Other(format!(
                "{}: an earlier write failed",
                qualified(&t.db, &t.table)
            )));
        }
        if batch.is_empty() {
            return Ok(WriteOutcome::default());
        }
        if t.files.is_empty() {
            if let Err(e) = self.start(t) {
                t.failed = true;
                for f in &mut t.files {
                    let _ = f.sink.abort();
                }
                return Err(e);
            }
        }
        let header = sql::Header {
            source: &self.source,
            db: &t.db,
            table: &t.table,
            started: &self.started,
            upsert: t.upsert,
            columns: &t.definition,
        };
        if let Some((path, e)) = write_files(&mut t.files, &header, batch) {
            t.failed = true;
            for f in &mut t.files {
                if let Err(cut) = f.sink.abort() {
                    tracing::error!(
                        "destination {}: cannot cut {} back to its last complete batch: {cut}",
                        self.name,
                        f.sink.path().display()
                    );
                }
            }
            return Err(self.io(format!("cannot write {path}"), e));
        }
        t.rows += batch.len() as u64;
        Ok(WriteOutcome {
            archived: batch.len() as u64,
            ..Default::default()
        })
    }
}

/// Writes a batch to every file of a table, each file on its own thread (the first on this
/// one, and any file whose thread cannot be started): encoding and `fdatasync` take as long as
/// the slowest file, not as all of them. Returns the first failure (the file's path and the
/// error); the other files are written all the same, and the caller cuts every one back.
fn write_files(
    files: &mut [TableFile],
    header: &sql::Header<'_>,
    batch: &Batch,
) -> Option<(String, io::Error)> {
    let failed = |f: &TableFile, r: io::Result<()>| {
        r.err().map(|e| (f.sink.path().display().to_string(), e))
    };
    let (first, rest) = files.split_first_mut()?;
    // Files whose thread could not be started: written here, once the others are done.
    let mut unstarted = Vec::new();
    let mut failure = std::thread::scope(|scope| {
        let mut others = Vec::new();
        for (k, f) in rest.iter_mut().enumerate() {
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                let r = write_file(f, header, batch);
                failed(f, r)
            });
            match spawned {
                Ok(handle) => others.push(handle),
                Err(_) => unstarted.push(k),
            }
        }
        let r = write_file(first, header, batch);
        let mut failure = failed(first, r);
        for other in others {
            let result = other.join().unwrap_or_else(|_| {
                Some((
                    "a file".to_string(),
                    io::Error::other("the thread writing it stopped"),
                ))
            });
            failure = failure.or(result);
        }
        failure
    });
    for k in unstarted {
        let f = &mut rest[k];
        let r = write_file(f, header, batch);
        failure = failure.or(failed(f, r));
    }
    failure
}

/// Writes a batch (after the file's beginning, the first time) and makes it durable.
fn write_file(f: &mut TableFile, header: &sql::Header<'_>, batch: &Batch) -> io::Result<()> {
    match &mut f.writer {
        FormatWriter::Csv(w) => {
            if !f.started {
                w.write_head(&mut f.sink)?;
            }
            w.write_batch(batch, &mut f.sink)?;
        }
        FormatWriter::Sql(w) => {
            if !f.started {
                f.sink.write_all(sql::header(header).as_bytes())?;
            }
            w.write_batch(batch, &mut f.sink)?;
        }
    }
    f.sink.end_batch()?;
    f.started = true;
    Ok(())
}
