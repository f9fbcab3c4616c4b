//! What a run did, per source, database and table: counts, errors and time, and the summary
//! table printed at the end.

use std::fmt::Write;
use std::time::Duration;

/// The counts of one table.
#[derive(Debug, Clone, Default, PartialEq)]
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
    pub errors: Vec<String>,
    /// Why the table was not processed, if it was skipped on purpose.
    pub skipped: Option<String>,
    pub elapsed: Duration,
    /// Where the time went.
    pub timing: Timing,
}

/// Time spent in each stage of a table's batches.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    pub read: Duration,
    /// Writing to every destination (committed, fsynced).
    pub write: Duration,
    /// Deleting from the source, delays between chunks included.
    pub delete: Duration,
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
}

/// Every table's report, in the order they were processed.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub tables: Vec<TableReport>,
    /// Failures outside any one table (a source that cannot be reached, ...).
    pub errors: Vec<String>,
    pub dry_run: bool,
}

impl RunReport {
    /// Records a failure outside any one table, and logs it at error level when it happens (the
    /// summary, at info level, repeats it).
    pub fn error(&mut self, message: String) {
        tracing::error!("{message}");
        self.errors.push(message);
    }

    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.tables.iter().any(TableReport::failed)
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
                "",
                "",
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
                if self.dry_run {
                    String::new()
                } else {
                    t.blocked.to_string()
                },
                if self.dry_run {
                    String::new()
                } else {
                    t.conflicts.to_string()
                },
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
            if self.dry_run {
                String::new()
            } else {
                sum(|t| t.blocked).to_string()
            },
            if self.dry_run {
                String::new()
            } else {
                sum(|t| t.conflicts).to_string()
            },
            if self.dry_run {
                String::new()
            } else {
                sum(|t| t.changed).to_string()
            },
            failed.to_string(),
            format!(
                "{:.1}s",
                self.tables
                    .iter()
                    .map(|t| t.elapsed.as_secs_f64())
                    .sum::<f64>()
            ),
        ]);
        let mut width = head.map(str::len);
        for r in &rows {
            for (w, c) in width.iter_mut().zip(r.iter()) {
                *w = (*w).max(c.chars().count());
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
        o
    }
}
