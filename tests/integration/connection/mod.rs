//! The connection keys through the binary: TLS to a dedicated MariaDB started with
//! certificates made by the `openssl` CLI (`tls.rs`), and the password from a file, an
//! environment variable or a MySQL option file (`secrets.rs`).

mod secrets;
mod tls;

use crate::harness::{Ini, ScratchDb, Server};

/// A database with a table `t` of 10 rows, 6 of them soft-deleted long ago.
pub fn table<'s>(s: &'s Server, prefix: &str) -> ScratchDb<'s> {
    let db = ScratchDb::create(s, prefix);
    db.sql(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, IF(seq <= 6, '2000-01-01', NULL) FROM seq_1_to_10;",
    );
    db
}

/// A run over `db` whose source and destination log in as `user` with no password key (the
/// test adds the one it checks).
pub fn ini_as(s: &Server, db: &ScratchDb<'_>, user: &str) -> Ini {
    Ini::new(s, &[&db.name])
        .unset("src:src", "password")
        .unset("dst:dst", "password")
        .src("user", user)
        .dst("user", user)
        .src("max_retries", 0)
        .dst("max_retries", 0)
}

/// Eligible rows left in the source, and rows in the archive.
pub fn counts(s: &Server, db: &ScratchDb<'_>) -> (u64, u64) {
    let left = crate::harness::digest::count(s, &db.name, "t", "deleted_at IS NOT NULL");
    let archived = if crate::harness::digest::table_exists(s, &db.archive(), "t") {
        crate::harness::digest::count(s, &db.archive(), "t", "1")
    } else {
        0
    };
    (left, archived)
}
