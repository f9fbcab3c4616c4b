//! The log of a table's blocked rows (rows kept because rows that stay still reference them).
//!
//! The first [`DETAILED`] rows of a table are logged each with the constraints that keep it and
//! a `SELECT` that finds the rows referencing it; the others only at debug level, counted per
//! constraint. At the end of the table, one warning sums them up, with per constraint one
//! query that lists every row keeping an eligible row of the table, and what lets them go: a
//! deleted flavor that ten thousand live instances use is ten thousand blocked rows every
//! night, which must not be thirty thousand warnings. A later pass over a foreign-key cycle
//! tries the rows an earlier one kept, and named: it names them again at debug level only,
//! and sums up what is still kept.

use std::collections::BTreeMap;

use crate::mysql::ident::{qualified, quote_ident};
use crate::source::delete::blocked_report;
use crate::table::batch::Batch;
use crate::table::TablePlan;

/// Blocked rows logged in full per table (the rest at debug level).
pub const DETAILED: u64 = 10;

/// A table's blocked rows, as they are found.
#[derive(Debug, Default)]
pub(crate) struct BlockedLog {
    rows: u64,
    /// Rows per constraint (a row kept through two counts under both); `""` for rows whose
    /// constraint could not be told.
    by_constraint: BTreeMap<String, u64>,
    /// The pass over a foreign-key cycle this table run is (0 or 1: the first, or no cycle).
    pass: u32,
}

impl BlockedLog {
    /// The log of pass `pass` over a foreign-key cycle (0 or 1: the first, or no cycle).
    pub fn for_pass(pass: u32) -> BlockedLog {
        BlockedLog {
            pass,
            ..BlockedLog::default()
        }
    }

    /// Whether an earlier pass has named these rows already.
    fn again(&self) -> bool {
        self.pass > 1
    }

    /// Logs row `row` of `batch`, kept through `constraints`.
    pub fn row(&mut self, plan: &TablePlan, batch: &Batch, row: usize, constraints: &[String]) {
        self.rows += 1;
        if constraints.is_empty() {
            *self.by_constraint.entry(String::new()).or_default() += 1;
        }
        for c in constraints {
            *self.by_constraint.entry(c.clone()).or_default() += 1;
        }
        let lines = blocked_report(plan, batch, row, constraints);
        if self.rows <= DETAILED && !self.again() {
            for line in lines {
                tracing::warn!("{line}");
            }
        } else {
            for line in lines {
                tracing::debug!("{line}");
            }
        }
    }

    /// The table's summary: how many rows stay, through which constraints, how to list the
    /// rows that keep them, and what lets them go.
    pub fn finish(&self, plan: &TablePlan, where_clause: &str) {
        if self.rows == 0 {
            return;
        }
        let name = qualified(&plan.db, &plan.table);
        let counts: Vec<String> = self
            .by_constraint
            .iter()
            .map(|(c, n)| {
                if c.is_empty() {
                    format!("unnamed: {n}")
                } else {
                    format!("{c}: {n}")
                }
            })
            .collect();
        if self.again() {
            tracing::warn!(
                "{name}: {} eligible rows still kept after pass {} over the foreign-key cycle ({}): \
                 the rows named above (--debug names each again)",
                self.rows,
                self.pass,
                counts.join(", ")
            );
            return;
        }
        let more = if self.rows > DETAILED {
            format!(" (the first {DETAILED} are named above; --debug names each)")
        } else {
            String::new()
        };
        tracing::warn!(
            "{name}: {} eligible rows kept because rows that stay still reference them ({}){more}; they stay until those rows are deleted: once the service deletes them, a later run archives them (when this run archives their table and they are past the retention) and then these rows",
            self.rows,
            counts.join(", ")
        );
        for fk in plan
            .referenced_by
            .iter()
            .filter(|f| self.by_constraint.contains_key(&f.name))
        {
            let child_cols: Vec<String> = fk.columns.iter().map(|c| quote_ident(c)).collect();
            let parent_cols: Vec<String> = fk
                .referenced_columns
                .iter()
                .map(|c| quote_ident(c))
                .collect();
            tracing::warn!(
                "  every row that keeps one through {}: SELECT * FROM {} WHERE ({}) IN (SELECT {} FROM {name} WHERE ({where_clause}));",
                fk.name,
                qualified(&fk.db, &fk.table),
                child_cols.join(", "),
                parent_cols.join(", ")
            );
        }
    }
}
