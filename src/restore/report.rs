//! What a restore did, per table: rows found in the archive, restored, already there,
//! conflicts (each with the SELECT that compares the two rows) and rows removed from the
//! archive; the outcome and exit code; the summary it logs and the JSON `--report`.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Value};

use crate::exit::Outcome;

/// One table's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// `db.table` of the source table.
    pub table: String,
    /// `db.table` of the archive table.
    pub archive: String,
    /// Archived rows selected (by the condition, or as children).
    pub found: u64,
    /// Inserted into the source (dry run: would be).
    pub restored: u64,
    /// Already in the source, identical.
    pub already: u64,
    /// Left alone: the source holds a different row.
    pub conflicts: u64,
    /// Archived copies deleted (`--remove-from-archive`; dry run: would be).
    pub removed: u64,
    /// Archived copies `--remove-from-archive` kept: the source no longer held their row as
    /// restored (changed, or archived again by another run), or the copy had changed.
    pub kept: u64,
}

/// A row not restored because the source holds a different one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub table: String,
    /// `id=5`.
    pub key: String,
    pub reason: String,
    /// A SELECT showing both rows.
    pub compare: String,
}

/// The whole restore.
#[derive(Debug, Clone, Default)]
pub struct RestoreReport {
    pub started: String,
    pub dry_run: bool,
    pub tables: Vec<TableCounts>,
    pub conflicts: Vec<Conflict>,
    pub errors: Vec<String>,
    pub locked: Vec<String>,
    pub interrupted: Option<String>,
}

impl RestoreReport {
    /// The counts of `table`, added at the end the first time.
    pub fn table(&mut self, table: &str, archive: &str) -> &mut TableCounts {
        let i = match self.tables.iter().position(|t| t.table == table) {
            Some(i) => i,
            None => {
                self.tables.push(TableCounts {
                    table: table.to_string(),
                    archive: archive.to_string(),
                    ..Default::default()
                });
                self.tables.len() - 1
            }
        };
        &mut self.tables[i]
    }

    /// Records a failure, logged at error level.
    pub fn error(&mut self, message: String) {
        tracing::error!("{message}");
        self.errors.push(message);
    }

    /// The exit status: failure, lock held, interrupted, conflicts (3), success.
    pub fn outcome(&self) -> Outcome {
        let mut o = Outcome::Success;
        if !self.conflicts.is_empty() || self.tables.iter().any(|t| t.kept > 0) {
            o = o.worst(Outcome::RowsLeft);
        }
        if self.interrupted.is_some() {
            o = o.worst(Outcome::Interrupted);
        }
        if !self.locked.is_empty() {
            o = o.worst(Outcome::Locked);
        }
        if !self.errors.is_empty() {
            o = o.worst(Outcome::Failure);
        }
        o
    }

    /// The report as JSON, for `--report`.
    pub fn to_json(&self, outcome: Outcome, elapsed: Duration) -> Value {
        let sum = |f: fn(&TableCounts) -> u64| self.tables.iter().map(f).sum::<u64>();
        json!({
            "osarchiver": env!("CARGO_PKG_VERSION"),
            "command": "restore",
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
                "found": sum(|t| t.found),
                "restored": sum(|t| t.restored),
                "already": sum(|t| t.already),
                "conflicts": sum(|t| t.conflicts),
                "removed": sum(|t| t.removed),
                "kept_in_archive": sum(|t| t.kept),
            },
            "tables": self.tables.iter().map(|t| json!({
                "table": t.table,
                "archive_table": t.archive,
                "found": t.found,
                "restored": t.restored,
                "already": t.already,
                "conflicts": t.conflicts,
                "removed": t.removed,
                "kept_in_archive": t.kept,
            })).collect::<Vec<_>>(),
            "conflicts": self.conflicts.iter().map(|c| json!({
                "table": c.table,
                "key": c.key,
                "reason": c.reason,
                "compare": c.compare,
            })).collect::<Vec<_>>(),
        })
    }

    /// The summary table, one line per table, then the totals.
    pub fn summary(&self) -> String {
        let head: [&str; 6] = if self.dry_run {
            [
                "table",
                "found",
                "would restore",
                "already",
                "conflicts",
                "would remove",
            ]
        } else {
            [
                "table",
                "found",
                "restored",
                "already",
                "conflicts",
                "removed",
            ]
        };
        let mut rows: Vec<[String; 6]> = vec![head.map(String::from)];
        for t in &self.tables {
            rows.push([
                t.table.clone(),
                t.found.to_string(),
                t.restored.to_string(),
                t.already.to_string(),
                t.conflicts.to_string(),
                t.removed.to_string(),
            ]);
        }
        let mut widths = [0usize; 6];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(crate::text_table::cell_width(c));
            }
        }
        let mut o = String::from(if self.dry_run {
            "restore summary (dry run: nothing was changed):\n"
        } else {
            "restore summary:\n"
        });
        for r in &rows {
            for (n, (w, c)) in widths.iter().zip(r).enumerate() {
                if n == 0 {
                    let _ = write!(o, "  {c:<w$}");
                } else {
                    let _ = write!(o, "  {c:>w$}");
                }
            }
            o.push('\n');
        }
        for e in &self.errors {
            let _ = writeln!(o, "error: {e}");
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_rank_as_for_archiving() {
        let mut r = RestoreReport::default();
        assert_eq!(r.outcome(), Outcome::Success);
        r.conflicts.push(Conflict {
            table: "a.b".into(),
            key: "id=1".into(),
            reason: "x".into(),
            compare: "SELECT".into(),
        });
        assert_eq!(r.outcome(), Outcome::RowsLeft);
        r.interrupted = Some("signal".into());
        assert_eq!(r.outcome(), Outcome::Interrupted);
        r.errors.push("boom".into());
        assert_eq!(r.outcome(), Outcome::Failure);
        let j = r.to_json(r.outcome(), Duration::from_secs(1));
        assert_eq!(j["exit_code"], 1);
        assert_eq!(j["conflicts"][0]["key"], "id=1");
    }

    #[test]
    fn tables_are_counted_once_in_first_seen_order() {
        let mut r = RestoreReport::default();
        r.table("n.i", "n_archive.i").restored += 2;
        r.table("n.m", "n_archive.m").restored += 1;
        r.table("n.i", "n_archive.i").already += 1;
        assert_eq!(r.tables.len(), 2);
        assert_eq!(r.tables[0].restored, 2);
        assert_eq!(r.tables[0].already, 1);
        assert!(r.summary().contains("n.m"));
    }
}
