//! Stopping early: a second signal stops at once; `--max-runtime` and `max_runtime` stop
//! after the current batch (also during a throttling pause); each exits with code 4 and a
//! re-run finishes the job.

use std::time::{Duration, Instant};

use crate::harness::{server, Osarchiver, ScratchDb};

use super::{eligible_table, rows, slow_ini};

#[test]
fn a_second_signal_stops_at_once() {
    let s = server();
    let db = ScratchDb::create(s, "sig2");
    eligible_table(&db, 10);
    let cmd = Osarchiver::new();
    let report = cmd.dir().join("r.json");
    let ini = slow_ini(s, &db.name, 2.0);
    let mut run = cmd
        .config_text(ini.text())
        .arg("--report")
        .arg(&report)
        .spawn();
    assert!(run.wait_for_log("databases to archive", Duration::from_secs(20)));
    std::thread::sleep(Duration::from_millis(300));
    run.signal(libc::SIGTERM);
    assert!(run.wait_for_log("SIGTERM received", Duration::from_secs(5)));
    let t0 = Instant::now();
    run.signal(libc::SIGINT);
    let out = run.wait();
    out.assert_code(4)
        .output_contains("SIGINT received again: stopping at once");
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t0.elapsed()
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["exit_code"], 4);
    assert!(
        r["interrupted"].as_str().unwrap().contains("second signal"),
        "{r:#}"
    );
    assert!(rows(s, &db.name) > 1, "the run was not stopped early");
    Osarchiver::new()
        .config_text(ini.src("delete_loop_delay", 0).text())
        .run()
        .assert_success();
    assert_eq!(rows(s, &db.name), 1);
    assert_eq!(rows(s, &db.archive()), 10);
}

/// A signal (SIGTERM, or SIGHUP) during a long `delete_loop_delay` (30 s) ends the pause: the
/// run stops with exit code 4 within seconds. It slept out the pause first, and with a pause longer than the stop's
/// grace, the grace ran out while it slept (60 s, then "stopping at once").
#[test]
fn a_signal_cuts_a_long_delete_pause_short() {
    let s = server();
    let db = ScratchDb::create(s, "sigpause");
    eligible_table(&db, 10);
    let ini = slow_ini(s, &db.name, 30.0);
    for way in ["true", "false"] {
        let ini = ini.clone().dst("server_side_copy", way);
        let mut run = Osarchiver::new().config_text(ini.text()).spawn();
        assert!(run.wait_for_log("databases to archive", Duration::from_secs(20)));
        // The first chunk is deleted, then the pause.
        let t = Instant::now();
        while rows(s, &db.name) > 10 && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        let t0 = Instant::now();
        // A hangup stops the run as SIGTERM does (it killed it: 129, no report).
        let (signal, name) = if way == "true" {
            (libc::SIGTERM, "SIGTERM")
        } else {
            (libc::SIGHUP, "SIGHUP")
        };
        run.signal(signal);
        let out = run.wait();
        out.assert_code(4)
            .output_contains(&format!("{name} received: finishing the current batch"));
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "server_side_copy = {way}: took {:?}\n{out}",
            t0.elapsed()
        );
    }
    Osarchiver::new()
        .config_text(ini.src("delete_loop_delay", 0).text())
        .run()
        .assert_success();
    assert_eq!(rows(s, &db.name), 1);
    assert_eq!(rows(s, &db.archive()), 10);
}

#[test]
fn max_runtime_on_the_command_line_stops_after_the_batch() {
    let s = server();
    let db = ScratchDb::create(s, "budget");
    eligible_table(&db, 40);
    let ini = slow_ini(s, &db.name, 0.1);
    let out = Osarchiver::new()
        .config_text(ini.text())
        .args(["--max-runtime", "1s"])
        .run();
    out.assert_code(4)
        .output_contains("time budget (max_runtime) spent")
        .output_contains("stopped early: out of time");
    assert!(out.elapsed < Duration::from_secs(10), "{out}");
    let left = rows(s, &db.name) - 1;
    assert!(left > 0 && left < 40, "{left} rows left\n{out}");
    Osarchiver::new()
        .config_text(ini.src("delete_loop_delay", 0).text())
        .run()
        .assert_success();
    assert_eq!(rows(s, &db.name), 1);
    assert_eq!(rows(s, &db.archive()), 40);
}

/// A replica that does not replicate counts as lagging: deletes pause, the pause is logged
/// with its cause, and the configuration's `max_runtime` ends it. A replica that does not
/// replicate is a failure to see to, whatever ended the pause: exit code 1, not 4. Nothing was
/// archived or deleted.
#[test]
fn a_pause_honours_max_runtime() {
    let s = server();
    let db = ScratchDb::create(s, "pause");
    eligible_table(&db, 5);
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("replicas", format!("{}:{}", s.host(), s.port()))
        .src("max_runtime", "1s");
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_code(1)
        .output_contains("throttle: pausing deletes: replica")
        .output_contains("does not replicate")
        .output_contains("stop requested during a pause")
        .output_contains("stopped early: out of time")
        .output_contains("until the run stopped");
    assert!(out.elapsed < Duration::from_secs(10), "{out}");
    assert_eq!(rows(s, &db.name), 6, "nothing is deleted during the pause");
    // Each chunk is archived and deleted in one transaction (the server-side copy's locked
    // way): nothing is archived either.
    assert_eq!(
        rows(s, &db.archive()),
        0,
        "nothing is archived during the pause"
    );
    Osarchiver::new()
        .config_text(ini.unset("src:src", "replicas").text())
        .run()
        .assert_success();
    assert_eq!(rows(s, &db.name), 1);
}

/// A replica that cannot be reached (its server down for good) pauses the deletes; past
/// `max_pause` the run stops, as a failure (exit 1: it used to wait for as long as the replica
/// stayed down, forever without `max_runtime`). Nothing was archived or deleted. The dry run
/// sees the replica down and predicts the failure.
#[test]
fn a_replica_down_for_longer_than_max_pause_fails_the_run() {
    let s = server();
    let db = ScratchDb::create(s, "pause_max");
    eligible_table(&db, 5);
    let port = crate::harness::services::free_ports(1)[0];
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("replicas", format!("127.0.0.1:{port}"))
        .src("max_pause", "2s");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1)
        .output_contains("a real run's deletes would pause for max_pause (2s), then stop")
        .output_contains("cannot be reached");
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_code(1)
        .output_contains("more than max_pause (2s)")
        .output_contains("deletes paused longer than max_pause");
    assert!(out.elapsed < Duration::from_secs(15), "{out}");
    assert_eq!(rows(s, &db.name), 6, "nothing is deleted during the pause");
    assert_eq!(
        rows(s, &db.archive()),
        0,
        "nothing is archived during the pause"
    );
    // Without a limit the dry run says the real run would wait with no end.
    Osarchiver::new()
        .config_text(ini.clone().src("max_pause", 0).text())
        .arg("--dry-run")
        .run()
        .assert_code(1)
        .output_contains("would pause with no end (max_pause = 0)");
    // A time budget shorter than max_pause ends the pause: still a failure, as the dry run
    // says (it was exit code 4 on every run, the replica down for good).
    let out = Osarchiver::new()
        .config_text(
            ini.clone()
                .src("max_pause", "20s")
                .src("max_runtime", "2s")
                .text(),
        )
        .run();
    out.assert_code(1)
        .output_contains("until the run stopped: replica 127.0.0.1");
    assert!(out.elapsed < Duration::from_secs(15), "{out}");
    assert_eq!(rows(s, &db.name), 6);
    // Nothing to walk: nothing waits for the replica, in the dry run as in the run.
    let empty = ScratchDb::create(s, "pause_none");
    let ini = ini.src("databases", &empty.name);
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run().assert_success();
    }
}

/// A second signal while a finished table's files are being packed: the rows are deleted and
/// the files left as written, unpacked; the log and the report say so (they used to say
/// nothing of it).
#[test]
fn a_second_signal_during_packing_names_what_is_left_unpacked() {
    let s = server();
    let db = ScratchDb::create(s, "sig_pack");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v TEXT, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, REPEAT(MD5(seq), 20), {} FROM seq_1_to_20000;",
        crate::pipeline::OLD
    ));
    let cmd = Osarchiver::new();
    let report = cmd.dir().join("r.json");
    let files = cmd.dir().join("files");
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.display())
        .set("dst:files", "formats", "csv, sql")
        .set("dst:files", "archive_format", "xztar")
        .set("dst:files", "compression_level", 9);
    let mut run = cmd
        .config_text(ini.text())
        .arg("--report")
        .arg(&report)
        .spawn();
    let t0 = Instant::now();
    while rows_of(s, &db.name) > 0 {
        assert!(run.is_running(), "the run ended before its deletes did");
        assert!(t0.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    run.signal(libc::SIGTERM);
    assert!(run.wait_for_log("SIGTERM received", Duration::from_secs(5)));
    run.signal(libc::SIGINT);
    let out = run.wait();
    out.assert_code(4)
        .output_contains("1 finished table(s) were still being packed or uploaded");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(
        r["interrupted"]
            .as_str()
            .unwrap()
            .contains("still being packed"),
        "{r:#}"
    );
}

fn rows_of(s: &crate::harness::Server, db: &str) -> u64 {
    crate::harness::digest::count(s, db, "t", "1")
}

/// A replica that accepts connections and never answers holds each check for its connection's
/// timeouts (30 s to connect by default): the checks are bounded by what is left of
/// `max_pause`, so the run fails when the pause is over, not a timeout later.
#[test]
fn a_silent_replica_does_not_hold_a_pause_past_max_pause() {
    let s = server();
    let db = ScratchDb::create(s, "pause_silent");
    eligible_table(&db, 5);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("replicas", format!("127.0.0.1:{port}"))
        .src("max_pause", "2s");
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_code(1)
        .output_contains("more than max_pause (2s)");
    assert!(out.elapsed < Duration::from_secs(12), "{out}");
    assert_eq!(rows(s, &db.name), 6, "nothing is deleted during the pause");
}

/// A run stopped while chunks of the locked way had left rows for osarchiver (parents kept by
/// live children): the rows those chunks read count as read (the files hold them), and the
/// table's time deleting is no more than its time. The report said 13 read where the files
/// held 15, and added the two sessions' times (the time deleting outgrew the table's).
#[test]
fn a_stopped_run_counts_what_its_chunks_read() {
    let s = server();
    let db = ScratchDb::create(s, "stopread");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT, FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p SELECT seq, {OLD} FROM seq_1_to_30;
         INSERT INTO c VALUES (1, 2), (2, 5), (3, 8);",
        OLD = crate::pipeline::OLD
    ));
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("files");
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("tables", "p")
        .src("select_limit", 4)
        .src("delete_limit", 3)
        .src("delete_loop_delay", "0.2")
        .files("dst, files", &dir, "csv")
        .set("dst:files", "archive_format", "gz");
    let out = cmd
        .config_text(ini.text())
        .args(["--max-runtime", "1s"])
        .run();
    out.assert_code(4);
    let file = dir.join(format!("{}.p.csv.gz", db.name));
    let csv = crate::file::support::run_tool("gzip", &["-dc", file.to_str().unwrap()]);
    let in_file = String::from_utf8(csv).unwrap().lines().count() as u64 - 1;
    let row = out.table_row(&db.name, "p");
    assert_eq!(row.num("read"), in_file, "{out}");
    assert!(
        row.num("deleted") < in_file,
        "the stop must leave kept rows read\n{out}"
    );
    let report = out.report.as_ref().expect("a report");
    let t = &report["tables"][0];
    let (delete, elapsed) = (
        t["timing_seconds"]["delete"].as_f64().unwrap(),
        t["elapsed_seconds"].as_f64().unwrap(),
    );
    assert!(
        delete <= elapsed + 0.01,
        "delete {delete} s, elapsed {elapsed} s"
    );
}
