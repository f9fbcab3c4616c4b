//! `osarchiver restore`: putting archived rows back into their source table, from the archive
//! database a configuration names, never overwriting a row the source holds.
//!
//! - [`args`]: its command line.
//! - [`target`]: which archiver, source and archive database of the configuration.
//! - [`tables`]: each table's plan (source and archive names, key, columns), checked.
//! - [`files`]: `--file`: the tool's SQL and CSV files, staged in temporary tables.
//! - [`fetch`]: reading archived rows back: by the operator's condition, by foreign-key values.
//! - [`insert`]: one batch into the source, in one transaction: identical rows are already
//!   restored, different ones are conflicts, the rest are inserted.
//! - [`walk`]: parents first, then (`--with-children`) the children that reference them.
//! - [`remove`]: `--remove-from-archive`, once every insert has committed.
//! - [`report`]: the counts, the conflicts, the outcome, the summary and the JSON report.
//! - [`run`]: the command from start to end (configuration, locks, signals, exit code).

pub mod args;
pub mod fetch;
pub mod files;
pub mod insert;
pub mod remove;
pub mod report;
pub mod run;
pub mod tables;
pub mod target;
pub mod walk;

pub use args::RestoreArgs;
