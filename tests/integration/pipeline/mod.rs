//! The pipeline through the real binary (and, where timing must be exact, through the library)
//! against a real server: what leaves the source, what reaches the archive, byte for byte, what
//! stays and why, and what the run reports.
//!
//! Each test works in databases of its own ([`ScratchDb`]), listed explicitly in the source's
//! `databases`, so the tests run in parallel on the shared server.

mod basics;
mod conflicts;
mod drift;
mod dry_run;
mod exit_codes;
mod faithful;
mod foreign_keys;
mod generated;
mod killed;
mod large_rows;
mod library;
pub(crate) mod plan;
mod preflight;
mod rollback;
mod selection;
mod server_copy;

use crate::harness::digest::digest;
use crate::harness::{Ini, Osarchiver, Output, Server};

/// A `deleted_at` older than the default retention of the tests (`7 DAY`).
pub const OLD: &str = "UTC_TIMESTAMP() - INTERVAL 10 DAY";
/// A `deleted_at` inside the retention.
pub const RECENT: &str = "UTC_TIMESTAMP()";

/// Runs the binary with `ini`.
pub fn run(ini: &Ini) -> Output {
    Osarchiver::new().config_text(ini.text()).run()
}

/// The lines of a query's output.
pub fn lines(out: &str) -> Vec<String> {
    out.lines().map(str::to_string).collect()
}

/// Asserts that the rows of `db.table` matching `filter`, whose digest was `before`, are now
/// gone from the source and in `archive_db.table` identical, and nothing else is there.
pub fn assert_moved(
    s: &Server,
    db: &str,
    archive_db: &str,
    table: &str,
    filter: &str,
    before: &(u64, String),
) {
    assert!(before.0 > 0, "{db}.{table}: the test moves no row");
    let left = digest(s, db, table, filter);
    assert_eq!(left.0, 0, "{db}.{table}: eligible rows left in the source");
    assert_eq!(
        &digest(s, archive_db, table, "1"),
        before,
        "{archive_db}.{table}: the archive differs from the original rows"
    );
}
