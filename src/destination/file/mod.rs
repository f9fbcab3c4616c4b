//! The file destination (`backend = file`): `<directory>/<db>.<table>.csv` and `.sql`.
//!
//! - [`naming`]: the file names, numbered rather than ever overwriting a file.
//! - [`csv`] and [`sql`]: the two formats, each restoring identical rows.
//! - [`sink`]: durable writing: when [`FileDest::write`] returns, the batch is flushed and
//!   `fdatasync`ed in every file (for `gz`/`zst`, as a complete gzip member or zstd frame).
//! - [`compress`]: `tar`, `gztar`, `bztar`, `xztar`, `zip` archives, built when a table is
//!   finished ([`FileDest::finish`]) without ever overwriting or truncating a file.
//! - Uploads: with `remote_store`, the same background job then uploads the table's finished
//!   files to each [`remote`](super::remote) store (a failure keeps the file and is an error of
//!   the table).
//!
//! Nothing touches the disk before the first batch of a table is written: a table without
//! eligible rows gets no file, and the directory is created (`0700`) with the first file. In a
//! dry run nothing is created at all; the names that would be written are logged.

pub mod compress;
pub mod csv;
pub mod naming;
pub mod sink;
pub mod sql;

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{ArchiveFormat, FileDestination, FileFormat, RunClock};
use crate::mysql::ident::qualified;
use crate::source::batch::Batch;
use crate::source::plan::TablePlan;

use self::csv::CsvWriter;
use self::naming::FileNames;
use self::sink::{sync_dir, Compression, Sink};
use self::sql::SqlWriter;

use super::remote::{object_name, Remote};
use super::WriteOutcome;

/// Directories this destination creates are for their owner only: the files hold rows.
const DIR_MODE: u32 = 0o700;

/// An open file destination (one per source).
pub struct FileDest {
    name: String,
    directory: PathBuf,
    formats: Vec<FileFormat>,
    archive: ArchiveFormat,
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
}

/// The files of one table. Empty until the first batch is written.
pub struct FileTarget {
    db: String,
    table: String,
    columns: Vec<String>,
    files: Vec<TableFile>,
    /// Rows in complete batches.
    rows: u64,
    /// A write failed: the files were cut back to their last complete batch and take no more.
    failed: bool,
    /// Whether the SQL file's INSERTs end with `ON DUPLICATE KEY UPDATE` (see
    /// [`FileTarget::set_upsert`]).
    upsert: bool,
}

impl FileTarget {
    /// `false` for a table with a key `WITHOUT OVERLAPS`: its SQL file has plain INSERTs
    /// ([`SqlWriter::without_upsert`]).
    pub fn set_upsert(&mut self, upsert: bool) {
        self.upsert = upsert;
    }
}

/// One file of a table.
struct TableFile {
    names: FileNames,
    sink: Sink,
    writer: FormatWriter,
    /// Whether the beginning of the file (CSV header, SQL comment and session) is written.
    started: bool,
}

enum FormatWriter {
    Csv(CsvWriter),
    Sql(SqlWriter),
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
}

impl FileDest {
    /// Checks the configuration; touches nothing on disk.
    pub fn open(
        cfg: &FileDestination,
        source_name: &str,
        clock: &RunClock,
        dry_run: bool,
    ) -> Result<FileDest, FileError> {
        let mut remotes = Vec::new();
        for r in &cfg.remote_stores {
            remotes.push(
                Remote::open(r)
                    .map_err(|e| FileError::Other(format!("destination {}: {e}", cfg.name)))?,
            );
        }
        if dry_run {
            for r in &remotes {
                tracing::info!(
                    "[dry-run] destination {}: would upload each table's files to remote store {} ({}) as {}",
                    cfg.name,
                    r.name(),
                    r.describe(),
                    object_name(r.cfg.file_name_prefix.as_deref(), &clock.date, "<file>")
                );
            }
        }
        let formats: Vec<&str> = cfg.formats.iter().map(|f| f.extension()).collect();
        if dry_run {
            tracing::info!(
                "[dry-run] destination {}: would write {} files in {} (archive_format {}){}",
                cfg.name,
                formats.join(" and "),
                cfg.directory.display(),
                cfg.archive_format.name(),
                if cfg.directory.exists() {
                    ""
                } else {
                    ", creating the directory"
                }
            );
        }
        Ok(FileDest {
            name: cfg.name.clone(),
            directory: cfg.directory.clone(),
            formats: cfg.formats.clone(),
            archive: cfg.archive_format,
            source: source_name.to_string(),
            started: clock.now.clone(),
            dry_run,
            directory_ready: false,
            remotes: Arc::new(remotes),
            date: clock.date.clone(),
        })
    }

    /// Whether this destination writes SQL files.
    pub fn writes_sql(&self) -> bool {
        self.formats.contains(&FileFormat::Sql)
    }

    pub fn name(&self) -> &str {
        &self.name
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
            files: Vec::new(),
            rows: 0,
            failed: false,
            upsert: true,
        };
        if dry_run || self.dry_run {
            let stem = naming::stem(&plan.db, &plan.table);
            let n = naming::first_free(&self.directory, &stem, &self.formats, 0).map_err(|e| {
                let what = format!(
                    "destination {}: cannot look into {}",
                    self.name,
                    self.directory.display()
                );
                self.io(what, e)
            })?;
            for &format in &self.formats {
                let names = naming::names(&self.directory, &stem, n, format, self.archive);
                if names.written == names.kept {
                    tracing::info!(
                        "[dry-run] destination {}: {}: would write {}",
                        self.name,
                        qualified(&plan.db, &plan.table),
                        names.kept.display()
                    );
                } else {
                    tracing::info!(
                        "[dry-run] destination {}: {}: would write {}, then pack it into {}",
                        self.name,
                        qualified(&plan.db, &plan.table),
                        names.written.display(),
                        names.kept.display()
                    );
                }
                if let Some(file) = names.kept.file_name() {
                    for r in self.remotes.iter() {
                        tracing::info!(
                            "[dry-run] destination {}: {}: would upload {} to remote store {} ({}) as {}",
                            self.name,
                            qualified(&plan.db, &plan.table),
                            file.to_string_lossy(),
                            r.name(),
                            r.describe(),
                            object_name(
                                r.cfg.file_name_prefix.as_deref(),
                                &self.date,
                                &file.to_string_lossy()
                            )
                        );
                    }
                }
            }
        }
        Ok(target)
    }

    /// Creates the directory (once) and the table's files.
    fn start(&mut self, t: &mut FileTarget) -> Result<(), FileError> {
        if !self.directory_ready {
            if !self.directory.is_dir() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(DIR_MODE)
                    .create(&self.directory)
                    .map_err(|e| {
                        self.io(format!("cannot create {}", self.directory.display()), e)
                    })?;
                tracing::info!(
                    "destination {}: created {}",
                    self.name,
                    self.directory.display()
                );
                // The new directory's name must be durable too.
                let _ = sync_dir(
                    self.directory
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(Path::new(".")),
                );
            }
            self.directory_ready = true;
        }
        let stem = naming::stem(&t.db, &t.table);
        let claimed = naming::claim(&self.directory, &stem, &self.formats, self.archive)
            .map_err(|e| self.io("cannot create the files", e))?;
        let compression = match self.archive {
            ArchiveFormat::Gz => Compression::Gzip,
            ArchiveFormat::Zst => Compression::Zstd,
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
                    FormatWriter::Sql(if t.upsert { w } else { w.without_upsert() })
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
        };
        for i in 0..t.files.len() {
            let f = &mut t.files[i];
            if let Err(e) = write_file(f, &header, batch) {
                let path = f.sink.path().display().to_string();
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
        }
        t.rows += batch.len() as u64;
        Ok(WriteOutcome {
            archived: batch.len() as u64,
            ..Default::default()
        })
    }

    /// A table is done (or stopped after an error): closes its files, then packs them into
    /// their archives on a background thread (the returned [`Packing`]). Files without a
    /// complete batch are removed. Every file is handled even when one fails; a failed packing
    /// leaves the plain file in place.
    pub fn finish(&mut self, t: FileTarget) -> Result<Option<Packing>, FileError> {
        let mut messages = Vec::new();
        let mut done = Vec::new();
        let mut to_pack = Vec::new();
        // Files complete as written (plain, gz, zst): uploaded as they are.
        let mut to_upload = Vec::new();
        let table = qualified(&t.db, &t.table);
        for f in t.files {
            let TableFile {
                names,
                sink,
                writer,
                ..
            } = f;
            let raw = sink.raw_bytes();
            let len = match sink.close() {
                Ok(len) => len,
                Err(e) => {
                    messages.push(format!("cannot close {}: {e}", names.written.display()));
                    continue;
                }
            };
            if len == 0 {
                // Not one complete batch: nothing to keep.
                if let Err(e) = fs::remove_file(&names.written) {
                    messages.push(format!("cannot remove {}: {e}", names.written.display()));
                }
                continue;
            }
            match &writer {
                FormatWriter::Sql(w) if w.largest_statement() > sql::DEFAULT_MAX_PACKET => {
                    tracing::warn!(
                        "destination {}: {} holds a statement of {} bytes: load it with a larger max_allowed_packet (mariadb --max-allowed-packet=1G, and the server's)",
                        self.name,
                        names.written.display(),
                        w.largest_statement()
                    );
                }
                FormatWriter::Csv(w) => {
                    if let Some(file) = names.written.file_name() {
                        tracing::debug!(
                            "destination {}: restore {} with: {}",
                            self.name,
                            names.written.display(),
                            csv::load_data_statement(
                                &file.to_string_lossy(),
                                &t.db,
                                &t.table,
                                &t.columns,
                                w.kinds()
                            )
                        );
                    }
                }
                _ => {}
            }
            match names.part {
                None => {
                    done.push(format!(
                        "{} ({len} bytes, {raw} before compression)",
                        names.kept.display()
                    ));
                    to_upload.push(names.kept);
                }
                Some(part) => to_pack.push((names.written, part, names.kept, len)),
            }
        }
        if !done.is_empty() {
            tracing::info!(
                "destination {}: {table}: {} rows in {}",
                self.name,
                t.rows,
                done.join(", ")
            );
        }
        if !messages.is_empty() {
            return Err(FileError::Finish(messages));
        }
        if to_pack.is_empty() && (to_upload.is_empty() || self.remotes.is_empty()) {
            return Ok(None);
        }
        // Packing is CPU work: it runs on a blocking thread while the next table is archived,
        // one packing at a time. Uploads follow, in the same job (outside the packing lock).
        let (name, format, rows) = (self.name.clone(), self.archive, t.rows);
        let lock = PACKING.clone();
        let remotes = self.remotes.clone();
        let date = self.date.clone();
        let job = tokio::task::spawn_blocking(move || {
            let mut errors = Vec::new();
            let mut done = Vec::new();
            {
                let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
                for (written, part, kept, len) in to_pack {
                    match compress::pack(&written, &part, &kept, format) {
                        Ok(size) => {
                            done.push(format!("{} ({size} bytes, {len} unpacked)", kept.display()));
                            to_upload.push(kept);
                        }
                        Err(e) => {
                            errors.push(format!(
                                "cannot pack {} into {} ({e}); the rows stay in {}",
                                written.display(),
                                kept.display(),
                                written.display()
                            ));
                            // The rows are safe locally, and shipped as they are.
                            to_upload.push(written);
                        }
                    }
                }
            }
            if !done.is_empty() {
                tracing::info!(
                    "destination {name}: {table}: {rows} rows in {}",
                    done.join(", ")
                );
            }
            if !to_upload.is_empty() && !remotes.is_empty() {
                let _slot = crate::destination::remote::UPLOADS.take();
                upload(&name, &table, &remotes, &date, &to_upload, &mut errors);
            }
            errors
        });
        Ok(Some(Packing { job }))
    }
}

/// Uploads a table's finished files to every remote store (a blocking job); a file is removed
/// after its uploads only when every store confirmed it and every store's section says
/// `delete_after_upload`. Failures go to `errors` (the file stays).
fn upload(
    dest: &str,
    table: &str,
    remotes: &[Remote],
    date: &str,
    files: &[PathBuf],
    errors: &mut Vec<String>,
) {
    if remotes.is_empty() {
        return;
    }
    for path in files {
        let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
            continue;
        };
        let mut confirmed = 0;
        for r in remotes {
            let object = object_name(r.cfg.file_name_prefix.as_deref(), date, &file);
            let started = std::time::Instant::now();
            match r.upload(path, &object) {
                Ok(receipt) => {
                    confirmed += 1;
                    tracing::info!(
                        "destination {dest}: {table}: uploaded {} to {} ({} bytes, ETag {}) in {:.1?}",
                        path.display(),
                        receipt.location,
                        receipt.size,
                        receipt.etag,
                        started.elapsed()
                    );
                }
                Err(e) => errors.push(format!("{e}; the file stays in {}", path.display())),
            }
        }
        if confirmed == remotes.len() && remotes.iter().all(|r| r.cfg.delete_after_upload) {
            match fs::remove_file(path) {
                Ok(()) => {
                    tracing::info!(
                        "destination {dest}: {table}: removed {} (uploaded, delete_after_upload)",
                        path.display()
                    );
                    if let Some(dir) = path.parent() {
                        let _ = sync_dir(dir);
                    }
                }
                Err(e) => errors.push(format!(
                    "cannot remove {} after its upload: {e}",
                    path.display()
                )),
            }
        }
    }
}

/// Serialises packings: on a small machine two at once only slow the archiving down.
static PACKING: std::sync::LazyLock<std::sync::Arc<std::sync::Mutex<()>>> =
    std::sync::LazyLock::new(Default::default);

/// A table's files being packed and uploaded in the background; [`Packing::wait`] gives its
/// errors.
pub struct Packing {
    job: tokio::task::JoinHandle<Vec<String>>,
}

impl Packing {
    /// Waits for the packing to end; the messages of what failed (the plain files are kept).
    pub async fn wait(self) -> Vec<String> {
        match self.job.await {
            Ok(errors) => errors,
            Err(e) => vec![format!("packing stopped: {e}")],
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{RemoteBackend, RemoteStore};
    use mysql_async::consts::ColumnType;
    use mysql_async::{Column, Value};

    fn cfg(dir: &Path, archive: ArchiveFormat) -> FileDestination {
        FileDestination {
            name: "f".into(),
            directory: dir.to_path_buf(),
            formats: vec![FileFormat::Csv, FileFormat::Sql],
            archive_format: archive,
            remote_stores: vec![],
        }
    }

    fn clock() -> RunClock {
        RunClock {
            now: "2026-11-21 03:00:00".into(),
            date: "2026-11-21_04:00:00".into(),
        }
    }

    fn plan() -> TablePlan {
        TablePlan {
            db: "nova".into(),
            table: "instances".into(),
            columns: vec!["id".into(), "name".into()],
            column_types: vec!["int(11)".into(), "varchar(10)".into()],
            column_charsets: vec![],
            key: vec!["id".into()],
            key_pos: vec![0],
            index: "PRIMARY".into(),
            referenced_by: vec![],
            in_cycle: false,
        }
    }

    fn batch(ids: std::ops::Range<i64>) -> Batch {
        Batch {
            columns: Arc::from(vec![
                Column::new(ColumnType::MYSQL_TYPE_LONG).with_character_set(63),
                Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
            ]),
            rows: ids
                .map(|i| vec![Value::Int(i), Value::Bytes(format!("n{i}").into_bytes())])
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_remote_store_with_bad_options_is_refused_before_anything_happens() {
        let d = tempfile::tempdir().unwrap();
        let mut c = cfg(&d.path().join("out"), ArchiveFormat::Tar);
        c.remote_stores.push(RemoteStore {
            name: "swift".into(),
            backend: RemoteBackend::Swift,
            container: "c".into(),
            file_name_prefix: None,
            delete_after_upload: false,
            upload_attempts: 1,
            upload_backoff: std::time::Duration::ZERO,
            options: vec![],
        });
        let e = FileDest::open(&c, "s", &clock(), false).err().unwrap();
        assert!(e.to_string().contains("opt_os_auth_url is required"), "{e}");
        assert!(!d.path().join("out").exists());
    }

    #[tokio::test]
    async fn files_come_with_the_first_batch_and_are_packed_at_finish() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a/b");
        let mut f = FileDest::open(&cfg(&dir, ArchiveFormat::Tar), "s", &clock(), false).unwrap();
        let p = plan();
        let mut t = f.prepare(&p, false).unwrap();
        assert!(!dir.exists(), "nothing before the first batch");
        let out = f.write(&mut t, &p, &batch(0..0)).unwrap();
        assert_eq!(out.archived, 0);
        assert!(!dir.exists(), "nothing for an empty batch");
        let out = f.write(&mut t, &p, &batch(0..3)).unwrap();
        assert_eq!(
            out,
            WriteOutcome {
                archived: 3,
                ..Default::default()
            }
        );
        f.write(&mut t, &p, &batch(3..5)).unwrap();
        let plain = std::fs::read_to_string(dir.join("nova.instances.sql")).unwrap();
        assert!(plain.starts_with("-- osarchiver "));
        assert!(plain.contains("-- run started: 2026-11-21 03:00:00 UTC\n"));
        assert_eq!(plain.matches("INSERT INTO `nova`.`instances`").count(), 2);
        let csv = std::fs::read_to_string(dir.join("nova.instances.csv")).unwrap();
        assert_eq!(csv.lines().count(), 6);
        let packing = f.finish(t).unwrap().expect("tar files are packed");
        assert!(packing.wait().await.is_empty());
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["nova.instances.csv.tar", "nova.instances.sql.tar"]);

        // The same table again (another source): numbered, nothing overwritten.
        let mut t = f.prepare(&p, false).unwrap();
        f.write(&mut t, &p, &batch(0..1)).unwrap();
        let packing = f.finish(t).unwrap().expect("tar files are packed");
        assert!(packing.wait().await.is_empty());
        assert!(dir.join("nova.instances.1.sql.tar").exists());
        // A table without rows: no file.
        let t = f.prepare(&p, false).unwrap();
        assert!(f.finish(t).unwrap().is_none());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
    }

    #[test]
    fn a_dry_run_writes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("out");
        let mut f = FileDest::open(&cfg(&dir, ArchiveFormat::Zst), "s", &clock(), true).unwrap();
        let p = plan();
        let mut t = f.prepare(&p, true).unwrap();
        assert_eq!(f.write(&mut t, &p, &batch(0..3)).unwrap().archived, 0);
        f.finish(t).unwrap();
        assert!(!dir.exists());
    }
}
