//! What a run did, per source, database and table: counts, errors and time, and the summary
//! table printed at the end.

use std::fmt::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::exit::Outcome;

use super::error::TableError;
use super::forecast::{plan_table, Forecast, SkippedTable};

/// The counts of one table.
#[derive(Debug, Default)]
pub struct TableReport {
    pub archiver: String,
    pub source: String,
    pub database: String,
    pub table: String,
    /// Rows read from the source (eligible when read).
    pub read: u64,
    /// Rows each destination holds, by destination name, in the archiver's order.
    pub archived: Vec<(String, u64)>,
    pub deleted: u64,
    /// Rows a foreign key kept in the source (live children).
    pub blocked: u64,
    /// Rows whose key already held a different row in a destination: kept in the source.
    pub conflicts: u64,
    /// Rows changed since they were read (no longer matching the selection, or other content
    /// than archived) or already gone, when deleted: kept.
    pub changed: u64,
    /// Of `changed`, the rows no longer eligible (or gone) when deleted: what the completeness
    /// check does not expect to find left. Not in the report: `changed` says it.
    pub gone: u64,
    /// Why the table failed, typed; rendered (Display) in the JSON report.
    pub errors: Vec<TableError>,
    /// Why the table was not processed, if it was skipped on purpose.
    pub skipped: Option<String>,
    pub elapsed: Duration,
    /// When the table's first pass started and its last one ended, from the run's start (none
    /// for a skipped table): with `--jobs`, which tables ran at the same time.
    pub span: Option<(Duration, Duration)>,
    /// Where the time went.
    pub timing: Timing,
    /// The dry run's plan of the table (dry runs only).
    pub plan: Option<Forecast>,
    /// The blocked rows logged so far, summed up when the table ends.
    pub(crate) blocked_log: super::blocked::BlockedLog,
    /// Conflicts named in full so far (the first [`super::pipeline::CONFLICTS_NAMED`] of the
    /// table; the others at debug level, and counted when the table ends).
    pub(crate) conflicts_named: u64,
    /// Rows that stayed in the source after their archiving (blocked, changed), whose archive
    /// database copies are taken back when the table ends ([`super::kept`]).
    pub(crate) kept_blocked: Option<super::kept::Kept>,
    pub(crate) kept_changed: Option<super::kept::Kept>,
}

/// Time spent in each stage of a table's batches.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    pub read: Duration,
    /// Writing to every destination (committed, fsynced).
    pub write: Duration,
    /// Deleting from the source, delays between chunks and throttle pauses included.
    pub delete: Duration,
    /// Deletes paused by the throttle (replica lag, Galera, `Threads_running`).
    pub throttled: Duration,
}

impl TableReport {
    pub fn new(
        archiver: &str,
        source: &str,
        database: &str,
        table: &str,
        destinations: &[String],
    ) -> Self {
        TableReport {
            archiver: archiver.to_string(),
            source: source.to_string(),
            database: database.to_string(),
            table: table.to_string(),
            archived: destinations.iter().map(|d| (d.clone(), 0)).collect(),
            ..Default::default()
        }
    }

    pub fn add_archived(&mut self, destination: usize, n: u64) {
        if let Some(slot) = self.archived.get_mut(destination) {
            slot.1 += n;
        }
    }

    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Whether rows were left in the source on purpose (exit code 3): blocked, conflicts, a
    /// skipped table, or rows changed while still eligible (kept as they now are, for the
    /// next run: eligible rows this run did not handle).
    pub fn rows_left(&self) -> bool {
        self.blocked > 0 || self.conflicts > 0 || self.skipped.is_some() || self.changed > self.gone
    }

    fn to_json(&self) -> Value {
        json!({
            "archiver": self.archiver,
            "source": self.source,
            "database": self.database,
            "table": self.table,
            "read": self.read,
            "archived": self.archived.iter().map(|(d, n)| json!({"destination": d, "rows": n})).collect::<Vec<_>>(),
            "deleted": self.deleted,
            "blocked": self.blocked,
            "conflicts": self.conflicts,
            "changed": self.changed,
            "errors": self.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "skipped": self.skipped,
            "elapsed_seconds": self.elapsed.as_secs_f64(),
            "started_seconds": self.span.map(|(s, _)| s.as_secs_f64()),
            "finished_seconds": self.span.map(|(_, f)| f.as_secs_f64()),
            "timing_seconds": {
                "read": self.timing.read.as_secs_f64(),
                "write": self.timing.write.as_secs_f64(),
                "delete": self.timing.delete.as_secs_f64(),
                "throttled": self.timing.throttled.as_secs_f64(),
            },
            "plan": self.plan.as_ref().map(Forecast::to_json),
        })
    }
}

/// Every table's report, in the order they were processed.
#[derive(Debug, Default)]
pub struct RunReport {
    pub tables: Vec<TableReport>,
    /// Failures outside any one table (a source that cannot be reached, ...).
    pub errors: Vec<String>,
    pub dry_run: bool,
    /// The run's start, UTC (`{now}`).
    pub started: String,
    /// Sources left alone because another run holds their lock.
    pub locked: Vec<String>,
    /// Why the run stopped early, if it did.
    pub interrupted: Option<String>,
    /// The tables the dry run's plan leaves out, with their reason (dry runs only).
    pub plan_skipped: Vec<SkippedTable>,
}

impl RunReport {
    /// A copy without the tables' reports (whose errors are not `Clone`): what the run's early
    /// report says, for the reports written when the run is cut short (second signal, grace).
    pub fn without_tables(&self) -> RunReport {
        RunReport {
            tables: Vec::new(),
            errors: self.errors.clone(),
            dry_run: self.dry_run,
            started: self.started.clone(),
            locked: self.locked.clone(),
            interrupted: self.interrupted.clone(),
            plan_skipped: self.plan_skipped.clone(),
        }
    }

    /// Records a failure outside any one table, and logs it at error level when it happens (the
    /// summary, at info level, repeats it).
    pub fn error(&mut self, message: String) {
        tracing::error!("{message}");
        self.errors.push(message);
    }

    /// Records a source left alone because another run holds its lock.
    pub fn locked(&mut self, message: String) {
        tracing::error!("{message}");
        self.locked.push(message);
    }

    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.tables.iter().any(TableReport::failed)
    }

    /// The exit status this report calls for: the most serious of failure, lock held,
    /// interrupted, rows left and success (see [`crate::exit`]).
    pub fn outcome(&self) -> Outcome {
        let mut o = Outcome::Success;
        if self.tables.iter().any(TableReport::rows_left) {
            o = o.worst(Outcome::RowsLeft);
        }
        if self.interrupted.is_some() {
            o = o.worst(Outcome::Interrupted);
        }
        if !self.locked.is_empty() {
            o = o.worst(Outcome::Locked);
        }
        if self.failed() {
            o = o.worst(Outcome::Failure);
        }
        o
    }

    /// The report as JSON, for `--report`.
    pub fn to_json(&self, outcome: Outcome, elapsed: Duration) -> Value {
        let sum = |f: fn(&TableReport) -> u64| self.tables.iter().map(f).sum::<u64>();
        json!({
            "osarchiver": env!("CARGO_PKG_VERSION"),
            "started": self.started,
            "dry_run": self.dry_run,
            "outcome": outcome.name(),
            "exit_code": outcome.code(),
            "interrupted": self.interrupted,
            "elapsed_seconds": elapsed.as_secs_f64(),
            "errors": self.errors,
            "locked": self.locked,
            "totals": {
                "tables": self.tables.len(),
                "read": sum(|t| t.read),
                "deleted": sum(|t| t.deleted),
                "blocked": sum(|t| t.blocked),
                "conflicts": sum(|t| t.conflicts),
                "changed": sum(|t| t.changed),
                "failed_tables": self.tables.iter().filter(|t| t.failed()).count(),
            },
            "tables": self.tables.iter().map(TableReport::to_json).collect::<Vec<_>>(),
            "plan_skipped": self.plan_skipped.iter().map(SkippedTable::to_json).collect::<Vec<_>>(),
        })
    }

    /// The summary table, one line per table, then the totals.
    pub fn summary(&self) -> String {
        let mut o = String::new();
        let head = if self.dry_run {
            [
                "source",
                "table",
                "eligible",
                "would archive",
                "would delete",
                "would block",
                "would conflict",
                "",
                "errors",
                "time",
            ]
        } else {
            [
                "source",
                "table",
                "read",
                "archived",
                "deleted",
                "blocked",
                "conflicts",
                "changed",
                "errors",
                "time",
            ]
        };
        let mut rows: Vec<[String; 10]> = Vec::new();
        for t in &self.tables {
            let archived = if t.archived.is_empty() {
                "-".to_string()
            } else {
                t.archived
                    .iter()
                    .map(|(d, n)| format!("{d}={n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let status = match (&t.skipped, t.errors.len()) {
                (Some(why), _) => format!("skipped: {why}"),
                (None, 0) => "0".to_string(),
                (None, n) => n.to_string(),
            };
            rows.push([
                format!("{}/{}", t.archiver, t.source),
                format!("{}.{}", t.database, t.table),
                t.read.to_string(),
                archived,
                t.deleted.to_string(),
                t.blocked.to_string(),
                t.conflicts.to_string(),
                if self.dry_run {
                    String::new()
                } else {
                    t.changed.to_string()
                },
                status,
                format!("{:.1}s", t.elapsed.as_secs_f64()),
            ]);
        }
        let sum = |f: fn(&TableReport) -> u64| self.tables.iter().map(f).sum::<u64>();
        let failed = self.tables.iter().filter(|t| t.failed()).count() + self.errors.len();
        rows.push([
            "total".to_string(),
            format!("{} tables", self.tables.len()),
            sum(|t| t.read).to_string(),
            String::new(),
            sum(|t| t.deleted).to_string(),
            sum(|t| t.blocked).to_string(),
            sum(|t| t.conflicts).to_string(),
            if self.dry_run {
                String::new()
            } else {
                sum(|t| t.changed).to_string()
            },
            failed.to_string(),
            format!(
                "{:.1}s",
                // From 0.0: the sum of nothing is -0.0, which prints as "-0.0s".
                self.tables
                    .iter()
                    .map(|t| t.elapsed.as_secs_f64())
                    .fold(0.0, |a, b| a + b)
            ),
        ]);
        let mut width = head.map(str::len);
        for r in &rows {
            for (w, c) in width.iter_mut().zip(r.iter()) {
                *w = (*w).max(crate::text_table::cell_width(c));
            }
        }
        let line = |cells: Vec<&str>| -> String {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                if width[i] == 0 {
                    continue;
                }
                let _ = write!(l, "{:<w$}  ", c, w = width[i]);
            }
            l.trim_end().to_string()
        };
        let _ = writeln!(o, "{}", line(head.to_vec()));
        for r in &rows {
            let _ = writeln!(o, "{}", line(r.iter().map(String::as_str).collect()));
        }
        for e in &self.errors {
            let _ = writeln!(o, "error: {e}");
        }
        for l in &self.locked {
            let _ = writeln!(o, "locked: {l}");
        }
        if let Some(why) = &self.interrupted {
            let _ = writeln!(o, "stopped early: {why}; a re-run carries on");
        }
        if self.dry_run {
            o.push_str(&plan_table(&self.tables, &self.plan_skipped));
        }
        o
    }
}

/// Checks, before a run, that a report can be written to `path` as [`write_json`] writes it:
/// its temporary file created beside it (then removed), unless `path` is not a regular file (a
/// device or a FIFO, written in place, checked when written). A run that archived and deleted
/// rows, then failed for want of a writable report path, would have made an operator's cron say
/// failure after the work was done.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(std::io::Error::other("it names a directory"));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(std::io::Error::other("it is a directory"));
        }
        if !meta.is_file() {
            return Ok(());
        }
    }
    let probe = temporary(path);
    std::fs::File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// The temporary file a report is written to before it is renamed over `path`.
fn temporary(path: &Path) -> std::path::PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_string());
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `value` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over `path`, so a monitor never reads half a report.
pub fn write_json(path: &Path, value: &Value) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    text.push('\n');
    // Not a regular file (`/dev/stdout`, a FIFO, a device): written in place, as the path is
    // not ours to replace (a rename over `/dev/full` would swap the device for a file).
    if let Some(meta) = std::fs::metadata(path).ok().filter(|m| !m.is_file()) {
        use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
        use std::os::unix::io::AsRawFd as _;
        // A FIFO nobody reads would block the open for ever: opened without blocking, it
        // fails at once (ENXIO) instead, and then writes as usual.
        let fifo = meta.file_type().is_fifo();
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(if fifo { libc::O_NONBLOCK } else { 0 })
            .open(path)?;
        if fifo {
            // SAFETY: fcntl on a descriptor this function owns.
            unsafe {
                let flags = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
                libc::fcntl(f.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
        f.write_all(text.as_bytes())?;
        return f.flush();
    }
    let tmp = temporary(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(blocked: u64, errors: usize) -> TableReport {
        TableReport {
            blocked,
            errors: (0..errors).map(|_| TableError::NoReader).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_failure_wins_over_rows_left_and_interruptions() {
        let mut r = RunReport::default();
        assert_eq!(r.outcome(), Outcome::Success);
        r.tables.push(table(0, 0));
        assert_eq!(r.outcome(), Outcome::Success);
        r.tables.push(table(2, 0));
        assert_eq!(r.outcome(), Outcome::RowsLeft);
        r.interrupted = Some("signal".to_string());
        assert_eq!(r.outcome(), Outcome::Interrupted);
        r.locked.push("held".to_string());
        assert_eq!(r.outcome(), Outcome::Locked);
        r.tables.push(table(0, 1));
        assert_eq!(r.outcome(), Outcome::Failure);
        let mut skipped = RunReport::default();
        skipped.tables.push(TableReport {
            skipped: Some("no usable key".to_string()),
            ..Default::default()
        });
        assert_eq!(skipped.outcome(), Outcome::RowsLeft);
        let mut failed = RunReport::default();
        failed.errors.push("source down".to_string());
        assert_eq!(failed.outcome(), Outcome::Failure);
    }

    #[test]
    fn the_json_report_is_written_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let mut r = RunReport::default();
        r.tables.push(table(3, 0));
        let v = r.to_json(r.outcome(), Duration::from_secs(1));
        write_json(&path, &v).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back["exit_code"], 3);
        assert_eq!(back["tables"][0]["blocked"], 3);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_report_to_a_device_is_written_in_place_and_its_failure_seen() {
        let v = RunReport::default().to_json(Outcome::Success, Duration::from_secs(1));
        write_json(Path::new("/dev/null"), &v).unwrap();
        let e = write_json(Path::new("/dev/full"), &v).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOSPC), "{e}");
        // A FIFO nobody reads fails at once rather than blocking.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path that lives through the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = write_json(&fifo, &v).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENXIO), "{e}");
        // Still the devices, not files renamed over them.
        for dev in ["/dev/null", "/dev/full"] {
            assert!(!std::fs::metadata(dev).unwrap().is_file(), "{dev}");
        }
    }
}
