//! The dry run's plan: per table, what a real run would do and why. The eligible rows, those
//! that would stay (kept by live children, by constraint; conflicting with the archive), the
//! bytes to archive and the expected time; the tables skipped, with their reason. Computed by
//! [`measure`] with the statements of [`sql`]; shown as a table at the end of the dry run and
//! written as a `plan` object per table into the JSON report.

pub mod measure;
pub mod remote;
pub(super) mod run;
pub mod sql;
mod text;

use serde_json::{json, Value};

pub use text::{human_bytes, plan_table};

/// Rows a foreign key keeps: its constraint, the child table (`db.table`) and how many
/// eligible rows a row that stays references through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedBy {
    pub constraint: String,
    pub child: String,
    pub rows: u64,
}

/// How the bytes to archive were found.
#[derive(Debug, Clone, PartialEq)]
pub enum BytesMethod {
    /// The values of the first `rows` eligible rows, as text (`LENGTH`), times the eligible rows.
    Sample { rows: u64 },
    /// No eligible row: nothing to measure.
    Nothing,
}

/// The expected time of a table's real run, and what it is made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timing {
    /// Page reads (`select_limit` rows each).
    pub batches: u64,
    /// Delete chunks (`delete_limit` rows each, per batch).
    pub chunks: u64,
    /// Pauses of `delete_loop_delay`: one before every chunk but the first.
    pub delay_seconds: f64,
    /// Round trips to the source, as measured by the dry run (`SELECT 1`).
    pub round_trip_seconds: f64,
    /// Statements per batch and per chunk, times the round trip.
    pub statements_seconds: f64,
    /// The assumed cost of a row (read, written, deleted) on the server, times the rows.
    pub rows_seconds: f64,
}

impl Timing {
    pub fn total(&self) -> f64 {
        self.delay_seconds + self.statements_seconds + self.rows_seconds
    }
}

/// The plan of one table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Forecast {
    pub eligible: u64,
    /// Rows that would go: eligible, minus those kept (0 when `delete_data` is off).
    pub delete: u64,
    /// Eligible rows kept by rows that stay (live children), all constraints together.
    pub blocked: u64,
    /// The same, by constraint (a row referenced through two constraints counts in both).
    pub blocked_by: Vec<BlockedBy>,
    /// Eligible rows whose key holds another row in an archive table (`None`: not predicted,
    /// see `conflicts_note`).
    pub conflicts: Option<u64>,
    /// Why conflicts are not predicted, or for which destinations they are not.
    pub conflicts_note: Option<String>,
    pub bytes: u64,
    pub bytes_method: Option<BytesMethod>,
    pub timing: Timing,
}

impl Forecast {
    pub fn to_json(&self) -> Value {
        let (method, sample_rows) = match &self.bytes_method {
            Some(BytesMethod::Sample { rows }) => ("sample", Some(*rows)),
            Some(BytesMethod::Nothing) | None => ("none", None),
        };
        json!({
            "eligible": self.eligible,
            "delete": self.delete,
            "stay": self.blocked + self.conflicts.unwrap_or(0),
            "blocked": self.blocked,
            "blocked_by": self.blocked_by.iter().map(|b| json!({
                "constraint": b.constraint,
                "child_table": b.child,
                "rows": b.rows,
            })).collect::<Vec<_>>(),
            "conflicts": self.conflicts,
            "conflicts_note": self.conflicts_note,
            "bytes": self.bytes,
            "bytes_method": method,
            "bytes_sample_rows": sample_rows,
            "estimated_seconds": self.timing.total(),
            "estimate": {
                "batches": self.timing.batches,
                "delete_chunks": self.timing.chunks,
                "delay_seconds": self.timing.delay_seconds,
                "round_trip_seconds": self.timing.round_trip_seconds,
                "statements_seconds": self.timing.statements_seconds,
                "rows_seconds": self.timing.rows_seconds,
            },
        })
    }
}

/// A table the plan leaves out, and why (what the source's planning logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedTable {
    pub archiver: String,
    pub source: String,
    pub table: String,
    pub reason: String,
}

impl SkippedTable {
    pub fn to_json(&self) -> Value {
        json!({
            "archiver": self.archiver,
            "source": self.source,
            "table": self.table,
            "reason": self.reason,
        })
    }
}
