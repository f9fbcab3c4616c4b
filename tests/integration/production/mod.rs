//! Running it in production, through the real binary against the test server: the JSON
//! report, one run at a time (lock file and database lock), signals, time budgets and
//! throttling. Each test works in databases of its own; the test that reads `Threads_running`
//! takes a dedicated server, the replication-lag test a primary and its replica, the Galera test
//! a two-node cluster.

mod galera;
mod jobs;
mod locks;
mod openstack;
mod pressure;
mod progress;
mod replica_archive;
mod replica_lag;
mod report;
mod stopping;
mod throttle;

use crate::harness::{Ini, ScratchDb, Server};

use crate::pipeline::OLD;

/// `t` in `db` with `rows` eligible rows (ids 1..=rows) and one live row (id 0).
pub fn eligible_table(db: &ScratchDb<'_>, rows: u32) {
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(100), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (0, 'live', NULL);
         INSERT INTO t SELECT seq, CONCAT('row ', seq), {OLD} FROM seq_1_to_{rows};"
    ));
}

/// A run of `db` slow enough to act on while it runs: one row per page and per delete, a pause
/// between deletes.
pub fn slow_ini(s: &Server, db: &str, delay: f64) -> Ini {
    Ini::new(s, &[db])
        .src("select_limit", 1)
        .src("delete_limit", 1)
        .src("delete_loop_delay", delay)
}

/// The number of rows of `db.t`.
pub fn rows(s: &Server, db: &str) -> u64 {
    crate::harness::digest::count(s, db, "t", "1")
}
