//! Tests of the harness itself: the server answers, data survives a crash, names are unique and
//! the command builder reports what the binary did.

use std::collections::HashSet;

use crate::harness::{dedicated_server, server, unique_name, Osarchiver, ENV_VAR};

#[test]
fn server_runs_sql_in_a_fresh_database() {
    let s = server();
    let db = unique_name("selftest");
    s.sql(&format!(
        "CREATE DATABASE {db};
         CREATE TABLE {db}.t (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB;
         INSERT INTO {db}.t VALUES (1, 'one'), (2, 'żółw'), (3, NULL);"
    ));
    let rows = s.sql(&format!("SELECT id, name FROM {db}.t ORDER BY id"));
    assert_eq!(rows, "1\tone\n2\tżółw\n3\tNULL\n");
    let err = s
        .try_sql(&format!("SELECT nope FROM {db}.t"))
        .expect_err("a bad column must fail");
    assert!(err.contains("Unknown column 'nope'"), "{err}");
    s.sql(&format!("DROP DATABASE {db}"));
}

#[test]
fn server_is_reachable_with_the_advertised_url_and_arguments() {
    let s = server();
    assert!(s.url().starts_with("mysql://"), "{}", s.url());
    let opts = mysql_async::Opts::from_url(&s.url()).expect("url() parses as mysql_async Opts");
    assert_eq!(opts.tcp_port(), s.port());
    assert_eq!(opts.ip_or_hostname(), s.host());
    assert_eq!(opts.user(), Some(s.user().as_str()));
    let args = s.cli_args();
    assert!(args.contains(&s.port().to_string()), "{args:?}");
    if s.is_private() {
        assert_eq!(s.host(), "127.0.0.1");
        assert_eq!(s.user(), "root");
        assert_eq!(s.password(), None);
        assert_ne!(
            s.port(),
            3306,
            "the private server must not take the system server's port"
        );
    }
    let who = s.sql("SELECT CURRENT_USER(), @@character_set_server");
    assert!(who.starts_with(&format!("{}@", s.user())), "{who}");
}

#[test]
fn private_server_survives_kill_and_start() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED private_server_survives_kill_and_start: {ENV_VAR} names an external server"
        );
        return;
    }
    // A server of its own: killing the shared one would break the tests running beside this one.
    let s = dedicated_server();
    let db = unique_name("crash");
    s.sql(&format!(
        "CREATE DATABASE {db};
         CREATE TABLE {db}.t (id INT PRIMARY KEY) ENGINE=InnoDB;
         INSERT INTO {db}.t VALUES (1), (2), (3);"
    ));
    s.kill();
    assert!(
        s.try_sql("SELECT 1").is_err(),
        "the server still answers after kill()"
    );
    // A statement that fails for want of the server says the server's state and its log.
    let failed = std::panic::catch_unwind(|| s.sql("SELECT 1")).unwrap_err();
    let message = failed.downcast_ref::<String>().cloned().unwrap_or_default();
    for part in [
        "--- the server ---",
        "mariadbd is stopped",
        "error.log (last",
    ] {
        assert!(message.contains(part), "{part:?} missing from:\n{message}");
    }
    s.start();
    assert_eq!(s.sql(&format!("SELECT COUNT(*) FROM {db}.t")), "3\n");
    s.restart();
    assert_eq!(s.sql(&format!("SELECT SUM(id) FROM {db}.t")), "6\n");
}

#[test]
fn unique_names_are_unique_short_and_safe() {
    let names: Vec<String> = (0..1000)
        .map(|i| unique_name(if i % 2 == 0 { "Some Prefix-é" } else { "a" }))
        .chain([unique_name(&"x".repeat(100))])
        .collect();
    let distinct: HashSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len());
    for n in &names {
        assert!(n.len() <= 40, "{n}");
        assert!(n.starts_with("t_"), "{n}");
        assert!(
            n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{n}"
        );
    }
    assert!(names[0].starts_with("t_some_prefix__"), "{}", names[0]);
}

#[test]
fn command_builder_reports_code_and_output() {
    let out = Osarchiver::new().arg("--version").run();
    out.assert_success()
        .stdout_contains(env!("CARGO_PKG_VERSION"))
        .assert_no_panic();
    let out = Osarchiver::new().arg("--no-such-flag").run();
    out.assert_code(2).stderr_contains("--no-such-flag");
    let failed = std::panic::catch_unwind(|| {
        out.assert_code(0);
    });
    assert!(failed.is_err(), "assert_code must fail on a wrong code");
}

/// The rows tests read come from the run's JSON report; they say what the logged summary says,
/// in a real run (one table with every count non-zero but conflicts, one skipped) and in a
/// dry run.
#[test]
fn summary_rows_from_the_report_match_the_logged_summary() {
    use crate::harness::{Ini, ScratchDb};
    use crate::pipeline::OLD;
    let s = server();
    let db = ScratchDb::create(s, "selfsum");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
           FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE TABLE nokey (v INT, deleted_at DATETIME NULL);
         INSERT INTO p VALUES (1, {OLD}), (2, {OLD});
         INSERT INTO c VALUES (1, 1, NULL);"
    ));
    for dry_run in [false, true] {
        let mut cmd = Osarchiver::new().config_text(Ini::new(s, &[&db.name]).text());
        if dry_run {
            cmd = cmd.arg("--dry-run");
        }
        let out = cmd.run();
        assert!(out.report.is_some(), "no report\n{out}");
        let from_report = out.summary();
        let mut logged = out.logged_summary();
        for (_, row) in &mut logged {
            row.cells.remove("time");
            row.cells.retain(|_, v| !v.is_empty());
        }
        assert_eq!(from_report, logged, "dry run: {dry_run}\n{out}");
        assert_eq!(from_report.len(), 3, "{from_report:?}");
    }
}
