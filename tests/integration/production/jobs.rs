//! `--jobs N`: tables sharing no foreign-key path, and sources, archived at the same time. The
//! outcome equals a sequential run's (source, archive, files, report, exit code); tables on a
//! directed foreign-key path never run at once, children first (their spans in the report),
//! while the children of one parent do; a signal stops every job with nothing lost; two
//! sources run side by side.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::harness::digest::{count, digest, table_exists};
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server};

/// Long past the retention, and the same in every database (two runs are compared).
const OLD: &str = "'2020-01-01 00:00:00'";

/// The tables of [`schema`], children before parents within each foreign-key group.
const TABLES: &[&str] = &[
    "a_leaf", "a_child", "a_parent", "b_child", "b_parent", "u1", "u2", "u3",
];

/// Two foreign-key groups (`a_*`: three tables in a chain, `b_*`: two) and three unrelated
/// tables, each with `rows` eligible rows and a live one; one eligible `a_parent` row is kept by
/// a live child (blocked: exit code 3).
fn schema(db: &ScratchDb<'_>, rows: u32) {
    let t = |name: &str, fk: &str| {
        format!(
            "CREATE TABLE {name} (id INT PRIMARY KEY, p INT NULL, payload VARCHAR(50), \
             deleted_at DATETIME NULL{fk}) ENGINE=InnoDB;
             INSERT INTO {name} VALUES (0, NULL, 'live', NULL);
             INSERT INTO {name} SELECT seq, seq, CONCAT('{name} ', seq), {OLD} FROM seq_1_to_{rows};"
        )
    };
    let fk = |parent: &str| format!(", FOREIGN KEY (p) REFERENCES {parent} (id)");
    let mut sql = String::new();
    sql += &t("a_parent", "");
    sql += &t("a_child", &fk("a_parent"));
    sql += &t("a_leaf", &fk("a_child"));
    sql += &t("b_parent", "");
    sql += &t("b_child", &fk("b_parent"));
    for u in ["u1", "u2", "u3"] {
        sql += &t(u, "");
    }
    // A live child keeps a_parent 1 (and the a_child 1 row is live: it stays).
    sql += "UPDATE a_child SET deleted_at = NULL WHERE id = 1;";
    db.sql(&sql);
}

/// A run of `dbs` through the archive database and CSV+SQL files in `files`, slow enough for
/// tables to overlap: pages of 5 rows, deletes of 5, a pause between deletes.
fn ini(s: &Server, dbs: &[&str], files: &Path, delay: f64) -> Ini {
    Ini::new(s, dbs)
        .src("select_limit", 5)
        .src("delete_limit", 5)
        .src("delete_loop_delay", delay)
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.display())
        .set("dst:files", "formats", "csv, sql")
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the report")).expect("JSON")
}

/// The report's tables as text, the database name left out, time left out.
fn tables_of(r: &Value) -> Vec<String> {
    r["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| {
            format!(
                "{} read={} archived={} deleted={} blocked={} conflicts={} changed={} errors={} skipped={}",
                t["table"], t["read"], t["archived"], t["deleted"], t["blocked"],
                t["conflicts"], t["changed"], t["errors"], t["skipped"]
            )
        })
        .collect()
}

/// The files a run wrote, `db` written `DB`, with their sizes (the SQL files' header holds the
/// run's start, of a fixed width).
fn files_of(dir: &Path, db: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| {
                let e = e.expect("an entry");
                let name = e.file_name().to_string_lossy().replace(db, "DB");
                format!("{name} {}", e.metadata().expect("metadata").len())
            })
            .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The span (started, finished) of `table` in the report.
fn span(r: &Value, table: &str) -> (f64, f64) {
    let t = r["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == table)
        .unwrap_or_else(|| panic!("no {table} in {r:#}"));
    (
        t["started_seconds"].as_f64().expect("started_seconds"),
        t["finished_seconds"].as_f64().expect("finished_seconds"),
    )
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Runs `seq` with one job and `par` (the same tables) with `jobs`, each to the archive
/// database and files, exit code 3; asserts that both did the same (report, exit code, files,
/// and every table of `tables` in the source and the archive). Each run's output, report and
/// files.
fn sequential_and_parallel(
    s: &Server,
    seq: &ScratchDb<'_>,
    par: &ScratchDb<'_>,
    jobs: &str,
    tables: &[&str],
) -> [(Output, Value, Vec<String>); 2] {
    let run = |db: &ScratchDb<'_>, jobs: &str| {
        let cmd = Osarchiver::new();
        let files = cmd.dir().join("files");
        let path = cmd.dir().join("r.json");
        let out = cmd
            .config_text(ini(s, &[&db.name], &files, 0.05).text())
            .args(["--jobs", jobs, "--report"])
            .arg(&path)
            .run();
        out.assert_code(3);
        let report = report(&path);
        (out, report, files_of(&files, &db.name))
    };
    let (seq_run, par_run) = (run(seq, "1"), run(par, jobs));
    let ((_, seq_report, seq_files), (par_out, par_report, par_files)) = (&seq_run, &par_run);
    assert_eq!(tables_of(seq_report), tables_of(par_report), "{par_out}");
    assert_eq!(seq_report["exit_code"], par_report["exit_code"]);
    assert_eq!(seq_files, par_files);
    for t in tables {
        assert_eq!(
            digest(s, &seq.name, t, "1"),
            digest(s, &par.name, t, "1"),
            "{t}"
        );
        assert_eq!(
            digest(s, &seq.archive(), t, "1"),
            digest(s, &par.archive(), t, "1"),
            "{t}"
        );
    }
    [seq_run, par_run]
}

#[test]
fn four_jobs_do_what_one_does_and_run_each_chain_children_first() {
    let s = server();
    let seq = ScratchDb::create(s, "jobsq");
    let par = ScratchDb::create(s, "jobsp");
    assert_eq!(seq.name.len(), par.name.len());
    schema(&seq, 30);
    schema(&par, 30);
    let [(seq_out, seq_report, seq_files), (par_out, par_report, _)] =
        &sequential_and_parallel(s, &seq, &par, "4", TABLES);
    par_out.output_contains("groups of tables sharing no foreign-key path, on up to 4 jobs");
    seq_out.output_lacks("groups of tables sharing no foreign-key path");
    assert_eq!(seq_files.len(), 2 * TABLES.len(), "{seq_files:?}");
    assert_eq!(
        count(s, &par.name, "a_parent", "1"),
        2,
        "the blocked parent stays"
    );
    // One foreign-key chain: one table after the other, children first.
    for group in [
        &["a_leaf", "a_child", "a_parent"][..],
        &["b_child", "b_parent"],
    ] {
        for pair in group.windows(2) {
            let (a, b) = (span(par_report, pair[0]), span(par_report, pair[1]));
            assert!(a.1 <= b.0, "{} {a:?} before {} {b:?}", pair[0], pair[1]);
        }
    }
    // And the groups did run at the same time.
    let overlapping = TABLES
        .iter()
        .flat_map(|a| TABLES.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && overlap(span(par_report, a), span(par_report, b)))
        .count();
    assert!(overlapping > 0, "no two tables ran at once\n{par_out}");
    let sequential_overlaps = TABLES
        .iter()
        .flat_map(|a| TABLES.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && overlap(span(seq_report, a), span(seq_report, b)))
        .count();
    assert_eq!(sequential_overlaps, 0);
}

/// A parent with three children, one of them with a child of its own, each table with `rows`
/// eligible rows and a live one; a live `s_one` row keeps `s_parent` 1.
fn siblings(db: &ScratchDb<'_>, rows: u32) {
    let mut sql = String::new();
    for (name, parent) in [
        ("s_parent", None),
        ("s_one", Some("s_parent")),
        ("s_two", Some("s_parent")),
        ("s_three", Some("s_parent")),
        ("s_grand", Some("s_two")),
    ] {
        let fk = parent
            .map(|p| format!(", FOREIGN KEY (p) REFERENCES {p} (id)"))
            .unwrap_or_default();
        sql += &format!(
            "CREATE TABLE {name} (id INT PRIMARY KEY, p INT NULL, payload VARCHAR(50), \
             deleted_at DATETIME NULL{fk}) ENGINE=InnoDB;
             INSERT INTO {name} VALUES (0, NULL, 'live', NULL);
             INSERT INTO {name} SELECT seq, seq, CONCAT('{name} ', seq), {OLD} FROM seq_1_to_{rows};"
        );
    }
    sql += "UPDATE s_one SET deleted_at = NULL WHERE id = 1;";
    db.sql(&sql);
}

/// Within one foreign-key group, the children of one parent run at once on two jobs, a child
/// after its own children, and the parent only after all of them; the outcome is a sequential
/// run's.
#[test]
fn siblings_run_at_once_and_their_parent_after_them() {
    let s = server();
    let seq = ScratchDb::create(s, "jobsibq");
    let par = ScratchDb::create(s, "jobsibp");
    assert_eq!(seq.name.len(), par.name.len());
    siblings(&seq, 30);
    siblings(&par, 30);
    let tables = ["s_parent", "s_one", "s_two", "s_three", "s_grand"];
    let [_, (par_out, par_report, _)] = &sequential_and_parallel(s, &seq, &par, "2", &tables);
    assert_eq!(
        count(s, &par.name, "s_parent", "1"),
        2,
        "the blocked parent stays"
    );
    let parent = span(par_report, "s_parent");
    for child in ["s_one", "s_two", "s_three", "s_grand"] {
        let c = span(par_report, child);
        assert!(
            c.1 <= parent.0,
            "{child} {c:?} before s_parent {parent:?}\n{par_out}"
        );
    }
    let (grand, two) = (span(par_report, "s_grand"), span(par_report, "s_two"));
    assert!(grand.1 <= two.0, "s_grand {grand:?} before s_two {two:?}");
    let siblings_at_once = ["s_one", "s_three", "s_grand", "s_two"]
        .iter()
        .flat_map(|a| ["s_one", "s_two", "s_three", "s_grand"].map(|b| (*a, b)))
        .filter(|(a, b)| a < b && overlap(span(par_report, a), span(par_report, b)))
        .count();
    assert!(
        siblings_at_once > 0,
        "no two children ran at once\n{par_out}"
    );
}

#[test]
fn a_signal_stops_every_job_with_nothing_lost() {
    let s = server();
    let db = ScratchDb::create(s, "jobssig");
    schema(&db, 20);
    let cmd = Osarchiver::new();
    let files = cmd.dir().join("files");
    let slow = ini(s, &[&db.name], &files, 0.2)
        .src("select_limit", 1)
        .src("delete_limit", 1);
    let mut run = cmd.config_text(slow.text()).args(["--jobs", "4"]).spawn();
    assert!(
        run.wait_for_log("job 3: taking", Duration::from_secs(30)),
        "{}",
        run.log()
    );
    std::thread::sleep(Duration::from_millis(600));
    run.signal(libc::SIGTERM);
    let out = run.wait();
    out.assert_code(4).output_contains("SIGTERM received");
    let mut moved = 0;
    for t in TABLES {
        let left = count(s, &db.name, t, "1");
        // Every row is in the source or in the archive (identical: the re-run below finds no
        // conflict). A table not started yet has no archive table.
        let only_archived = if table_exists(s, &db.archive(), t) {
            count(
                s,
                &db.archive(),
                t,
                &format!("id NOT IN (SELECT id FROM {})", db.q(t)),
            )
        } else {
            0
        };
        assert_eq!(left + only_archived, 21, "{t}: {left} left\n{out}");
        moved += 21 - left;
    }
    assert!(
        moved > 0 && moved < 8 * 20 - 1,
        "stopped early: {moved} rows moved\n{out}"
    );
    // A re-run finishes the job.
    Osarchiver::new()
        .config_text(
            slow.src("select_limit", 50)
                .src("delete_limit", 50)
                .src("delete_loop_delay", 0)
                .text(),
        )
        .args(["--jobs", "4"])
        .run()
        .assert_code(3);
    for t in TABLES {
        let keep = if *t == "a_parent" || *t == "a_child" {
            2
        } else {
            1
        };
        assert_eq!(count(s, &db.name, t, "1"), keep, "{t}");
        // The rows that left are archived: not the blocked parent, nor the live child.
        let archived = if *t == "a_child" || *t == "a_parent" {
            19
        } else {
            20
        };
        assert_eq!(count(s, &db.archive(), t, "1"), archived, "{t}");
    }
}

#[test]
fn two_sources_run_at_the_same_time_and_report_in_file_order() {
    let s = server();
    let one = ScratchDb::create(s, "jobs1");
    let two = ScratchDb::create(s, "jobs2");
    crate::production::eligible_table(&one, 20);
    crate::production::eligible_table(&two, 20);
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("r.json");
    let mut ini = Ini::new(s, &[&one.name])
        .src("select_limit", 2)
        .src("delete_limit", 2)
        .src("delete_loop_delay", 0.1)
        .set("archiver:test", "src", "src, two");
    for (k, v) in crate::harness::connection(s) {
        ini = ini.set("src:two", &k, v);
    }
    let ini = ini
        .set("src:two", "databases", &two.name)
        .set("src:two", "retention", "7 DAY")
        .set("src:two", "delete_data", "true")
        .set("src:two", "select_limit", 2)
        .set("src:two", "delete_limit", 2)
        .set("src:two", "delete_loop_delay", 0.1);
    let out = cmd
        .config_text(ini.text())
        .args(["--jobs", "2", "--report"])
        .arg(&path)
        .run();
    out.assert_success();
    let r = report(&path);
    let tables = r["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 2, "{r:#}");
    assert_eq!(
        (&tables[0]["source"], &tables[1]["source"]),
        (&"src".into(), &"two".into())
    );
    let spans: Vec<(f64, f64)> = tables
        .iter()
        .map(|t| {
            (
                t["started_seconds"].as_f64().unwrap(),
                t["finished_seconds"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        overlap(spans[0], spans[1]),
        "the sources ran one after the other: {spans:?}\n{out}"
    );
    for db in [&one, &two] {
        assert_eq!(count(s, &db.name, "t", "1"), 1);
        assert_eq!(count(s, &db.archive(), "t", "1"), 20);
    }
}

#[test]
fn a_dry_run_with_jobs_predicts_what_one_job_predicts_and_changes_nothing() {
    let s = server();
    let db = ScratchDb::create(s, "jobsdry");
    schema(&db, 10);
    let cmd = Osarchiver::new();
    let files = cmd.dir().join("files");
    let ini = ini(s, &[&db.name], &files, 0.0);
    let mut seen = Vec::new();
    for jobs in ["1", "4"] {
        let cmd = Osarchiver::new();
        let path = cmd.dir().join("r.json");
        let out = cmd
            .config_text(ini.text())
            .args(["--dry-run", "--jobs", jobs, "--report"])
            .arg(&path)
            .run();
        out.assert_code(3);
        seen.push(tables_of(&report(&path)));
    }
    assert_eq!(seen[0], seen[1]);
    assert!(
        !db.exists(&db.archive()),
        "a dry run created the archive database"
    );
    assert!(!files.exists(), "a dry run created files");
    for t in TABLES {
        assert_eq!(count(s, &db.name, t, "1"), 11, "{t}");
    }
}

#[test]
fn jobs_out_of_bounds_are_usage_errors_naming_the_key() {
    let s = server();
    let ini = Ini::new(s, &["nothing_here"]);
    Osarchiver::new()
        .config_text(ini.text())
        .args(["--jobs", "0"])
        .run()
        .assert_code(2)
        .output_contains("--jobs");
    Osarchiver::new()
        .config_text(ini.clone().src("jobs", 0).text())
        .run()
        .assert_code(2)
        .output_contains("[src:src]")
        .output_contains("jobs");
    Osarchiver::new()
        .config_text(ini.src("jobs", 65).text())
        .run()
        .assert_code(2)
        .output_contains("must be at most 64");
}

/// Two sources of one run naming one table on one server, one copying inside the server and
/// the other through osarchiver, into one archive table: with `--jobs` they archive it one
/// after the other (a named lock per table on the server), as a sequential run does. At once,
/// each took the rows the other was archiving for conflicts (exit 3, "kept: destination ...
/// already holds a different row", with advice to delete the archive's only copy).
#[test]
fn two_sources_of_one_table_archive_it_one_after_the_other() {
    let s = server();
    let db = ScratchDb::create(s, "jobsame");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(30), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (0, 'live', NULL);
         INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_6000;"
    ));
    let mut ini = Ini::new(s, &[&db.name])
        .src("select_limit", 300)
        .src("delete_limit", 70)
        .dst("server_side_copy", "true")
        .set("archiver:two", "src", "two")
        .set("archiver:two", "dst", "dst2");
    for (k, v) in crate::harness::connection(s) {
        ini = ini.set("src:two", &k, &v).set("dst:dst2", &k, v);
    }
    let ini = ini
        .set("src:two", "databases", &db.name)
        .set("src:two", "retention", "7 DAY")
        .set("src:two", "delete_data", "true")
        .set("src:two", "delete_loop_delay", 0)
        .set("src:two", "select_limit", 300)
        .set("src:two", "delete_limit", 70)
        .set("dst:dst2", "backend", "db")
        .set("dst:dst2", "server_side_copy", "false");
    let out = Osarchiver::new()
        .config_text(ini.text())
        .args(["--jobs", "4"])
        .run();
    out.assert_success();
    assert!(
        !out.to_string().contains("already holds a different row"),
        "{out}"
    );
    assert_eq!(count(s, &db.name, "t", "1"), 1);
    assert_eq!(count(s, &db.archive(), "t", "1"), 6000);
}

/// The table's lock dies with its session: a source session killed and reconnected during the
/// table goes on without it, and the run says so when the table ends (it said nothing, and
/// another run could have archived the table at the same time unannounced). No row is lost.
#[test]
fn a_table_lock_lost_with_its_session_is_said() {
    let s = server();
    let db = ScratchDb::create(s, "jobslost");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(30), deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_600;"
    ));
    // The lock's name: `osarchiver-table:` and the FNV-1a hash of `db NUL table`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in db.name.bytes().chain([0]).chain(*b"t") {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let lock = format!("osarchiver-table:{hash:016x}");
    let ini = Ini::new(s, &[&db.name])
        .src("select_limit", 20)
        .src("delete_limit", 20)
        .src("delete_loop_delay", 0.05);
    let mut running = Osarchiver::new().config_text(ini.text()).spawn();
    let started = std::time::Instant::now();
    let mut killed = false;
    while !killed && started.elapsed() < Duration::from_secs(20) && running.is_running() {
        let holder = s.sql(&format!("SELECT IS_USED_LOCK('{lock}')"));
        if let Some(id) = holder
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<u64>().ok())
        {
            let _ = s.try_sql(&format!("KILL {id}"));
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = running.wait();
    assert!(killed, "the lock was never seen held: {out}");
    out.assert_success()
        .output_contains("the table's lock")
        .output_contains("was lost with a session reconnected");
    assert_eq!(count(s, &db.name, "t", "1"), 0);
    assert_eq!(count(s, &db.archive(), "t", "1"), 600);
}
