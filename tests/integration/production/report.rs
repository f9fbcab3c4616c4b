//! `--report FILE`: the end-of-run report as JSON, written whatever the outcome, with the exit
//! code the process returns; and exit code 3 when rows are left on purpose.

use serde_json::Value;

use crate::harness::digest::count;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::OLD;

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no report at {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}

#[test]
fn the_report_has_the_counts_and_the_exit_code_3_of_rows_left() {
    let s = server();
    let db = ScratchDb::create(s, "report");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
           FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p VALUES (1, {OLD}), (2, {OLD}), (3, {OLD});
         INSERT INTO c VALUES (1, 1, NULL);"
    ));
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("reports/run.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let out = cmd
        .config_text(Ini::new(s, &[&db.name]).text())
        .arg("--report")
        .arg(&path)
        .run();
    out.assert_code(3)
        .output_contains("rows left in the source on purpose")
        .output_contains("(exit code 3)");
    let r = read_json(&path);
    assert_eq!(r["exit_code"], 3, "{r:#}");
    assert_eq!(r["outcome"], "rows_left");
    assert_eq!(r["dry_run"], false);
    assert!(
        r["started"].as_str().is_some_and(|t| t.len() == 19),
        "{r:#}"
    );
    let p = r["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "p")
        .expect("table p in the report");
    assert_eq!(
        (&p["read"], &p["deleted"], &p["blocked"], &p["conflicts"]),
        (
            &Value::from(3),
            &Value::from(2),
            &Value::from(1),
            &Value::from(0)
        ),
        "{p:#}"
    );
    assert_eq!(p["archived"][0]["destination"], "dst");
    // The rows that left: the blocked one stays in the source only.
    assert_eq!(p["archived"][0]["rows"], 2);
    assert_eq!(r["totals"]["blocked"], 1);
    // Nothing but the report in its directory: the temporary file was renamed.
    assert_eq!(
        std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
        1
    );
    // The log says what will run.
    out.output_contains("osarchiver 0.1.0 starting")
        .output_contains("retention=7 DAY")
        .output_contains("where deleted_at <= SUBDATE(");
}

#[test]
fn a_configuration_error_still_writes_a_report_with_exit_code_2() {
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("r.json");
    // Kept until the end: the run's directory goes with it.
    let out = cmd
        .config_text("[archiver:a]\nsrc = missing\n")
        .arg("--report")
        .arg(&path)
        .run();
    out.assert_code(2);
    let r = read_json(&path);
    assert_eq!(r["exit_code"], 2);
    assert_eq!(r["outcome"], "usage");
    assert!(
        r["errors"][0].as_str().unwrap().contains("src:missing"),
        "{r:#}"
    );
}

#[test]
fn a_failed_run_reports_exit_code_1_and_its_error() {
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("r.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cmd
        .config_text(
            Ini::new(server(), &["nova"])
                .src("host", "127.0.0.1")
                .src("port", port)
                .text(),
        )
        .arg("--report")
        .arg(&path)
        .run();
    out.assert_code(1);
    let r = read_json(&path);
    assert_eq!(r["exit_code"], 1);
    assert!(
        r["errors"][0].as_str().unwrap().contains("cannot connect"),
        "{r:#}"
    );
}

/// A delete that fails in the middle of a page (a trigger refuses one row): the chunks of the
/// page deleted before it left the source, and the report counts them (it said 0 where 15
/// rows had gone), with the files only as with an archive database.
#[test]
fn rows_deleted_before_a_failed_chunk_are_counted() {
    let s = server();
    for (i, files_only) in [false, true].into_iter().enumerate() {
        let db = ScratchDb::create(s, &format!("partial{i}"));
        db.sql(&format!(
            "CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
             INSERT INTO m SELECT seq, 'x', IF(seq % 7 = 0, NULL, {OLD}) FROM seq_1_to_50;
             DELIMITER //
             CREATE TRIGGER m_bd BEFORE DELETE ON m FOR EACH ROW BEGIN
               IF OLD.id = 23 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no 23'; END IF;
             END//
             DELIMITER ;"
        ));
        let cmd = Osarchiver::new();
        let path = cmd.dir().join("run.json");
        let mut ini = Ini::new(s, &[&db.name])
            .src("select_limit", 20)
            .src("delete_limit", 5)
            .dst("server_side_copy", "false");
        if files_only {
            ini = ini.files("files", &cmd.dir().join("out"), "csv");
        }
        // The run's output holds its directory, and the report in it.
        let out = cmd.config_text(ini.text()).arg("--report").arg(&path).run();
        out.assert_code(1).assert_no_panic();
        let gone = 50 - count(s, &db.name, "m", "1");
        assert!(gone > 0, "some chunks went before the refused one");
        let r = read_json(&path);
        let m = &r["tables"][0];
        assert_eq!(m["deleted"], gone, "{m:#}");
        assert_eq!(r["totals"]["deleted"], gone, "{r:#}");
    }
}
