//! Failures are visible: a source or a destination that cannot be reached ends the run with
//! exit code 1 and an error naming it (seen even with `--log-level error`), and nothing is
//! deleted.

use std::net::{Ipv4Addr, TcpListener};

use crate::harness::digest::digest;
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb};

use super::OLD;

/// Runs with only errors logged.
fn run_quiet(ini: &Ini) -> Output {
    Osarchiver::new()
        .config_text(ini.text())
        .args(["--log-level", "error"])
        .run()
}

/// Asserts that an ERROR line contains `needle`.
fn error_line(out: &Output, needle: &str) {
    let found = out.lines_containing(needle);
    assert!(
        found.iter().any(|l| l.contains("ERROR")),
        "no ERROR line with {needle:?}\n{out}"
    );
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

#[test]
fn an_unreachable_source_exits_1_with_a_clear_message() {
    let port = closed_port();
    let out = run_quiet(
        &Ini::new(server(), &["nova"])
            .src("host", "127.0.0.1")
            .src("port", port),
    );
    out.assert_code(1).assert_no_panic();
    error_line(
        &out,
        &format!(
            "archiver test source src: cannot connect to {}@127.0.0.1:{port}",
            server().user()
        ),
    );
    error_line(&out, "finished with errors");
}

#[test]
fn an_unreachable_destination_exits_1_and_deletes_nothing() {
    let s = server();
    let db = ScratchDb::create(s, "nodst");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD}), (2, {OLD}), (3, NULL);"
    ));
    let before = digest(s, &db.name, "t", "1");
    let port = closed_port();

    let out = run_quiet(
        &Ini::new(s, &[&db.name])
            .dst("host", "127.0.0.1")
            .dst("port", port),
    );
    out.assert_code(1).assert_no_panic();
    error_line(
        &out,
        &format!(
            "destination dst: connect to destination dst on {}@127.0.0.1:{port}",
            s.user()
        ),
    );
    assert_eq!(digest(s, &db.name, "t", "1"), before);
    assert!(!db.exists(&db.archive()));
}

/// A database listed in `databases` that does not exist is an error, and says so.
#[test]
fn a_missing_listed_database_exits_1_and_says_which() {
    let s = server();
    let db = ScratchDb::create(s, "present");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD}), (2, NULL);"
    ));
    let missing = format!("{}_missing", db.name);
    let out = run_quiet(&Ini::new(s, &[&db.name, &missing]));
    out.assert_code(1);
    error_line(
        &out,
        &format!("database {missing}: listed in databases but does not exist"),
    );
    // The database that exists is archived all the same.
    assert_eq!(digest(s, &db.name, "t", "1").0, 1);
    assert_eq!(digest(s, &db.archive(), "t", "1").0, 1);
}
