//! The dry run's plan against the real run that follows it: for every table, the rows the plan
//! says would go, would be blocked (by constraint) and would conflict with the archive are the
//! rows the real run deletes, blocks and keeps as conflicts; the exit codes are the same; the
//! skipped tables come with their reason; the bytes are near the real archive's size.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{dedicated_server, server, Ini, Osarchiver, Output, ScratchDb, Server};

use super::{run, OLD, RECENT};

/// The `plan` objects of a dry run's JSON report, by `db.table`.
fn plans(out: &Output) -> BTreeMap<String, Value> {
    let report = out.report.as_ref().expect("a JSON report");
    report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter(|t| !t["plan"].is_null())
        .map(|t| {
            (
                format!(
                    "{}.{}",
                    t["database"].as_str().unwrap(),
                    t["table"].as_str().unwrap()
                ),
                t["plan"].clone(),
            )
        })
        .collect()
}

/// A dry run of `ini`, then the real run: asserts that the dry run predicted every table's
/// deleted, blocked and conflicting rows (summary and `plan` object alike) and the exit code.
/// Returns both runs.
pub fn dry_then_real(ini: &Ini) -> (Output, Output) {
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    assert!(matches!(dry.code, Some(0 | 3)), "the dry run failed\n{dry}");
    let real = run(ini);
    assert_eq!(
        dry.code, real.code,
        "the dry run predicted another exit code\n{dry}\n{real}"
    );
    let plans = plans(&dry);
    let real_rows: BTreeMap<String, _> = real.summary().into_iter().collect();
    for (table, d) in dry.summary() {
        let r = real_rows
            .get(&table)
            .unwrap_or_else(|| panic!("{table}: not in the real run\n{real}"));
        let predicted = (
            d.num("would delete"),
            d.num("would block"),
            d.num("would conflict"),
        );
        let done = (r.num("deleted"), r.num("blocked"), r.num("conflicts"));
        assert_eq!(
            predicted, done,
            "{table}: (deleted, blocked, conflicts) predicted, then done\n{dry}\n{real}"
        );
        assert_eq!(d.get("errors"), r.get("errors"), "{table}");
        if let Some(p) = plans.get(&table) {
            assert_eq!(p["delete"], done.0, "{table}: {p}");
            assert_eq!(p["blocked"], done.1, "{table}: {p}");
            assert_eq!(p["conflicts"], done.2, "{table}: {p}");
            assert_eq!(p["stay"], done.1 + done.2, "{table}: {p}");
            let by: u64 = p["blocked_by"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["rows"].as_u64().unwrap())
                .sum();
            assert!(
                by >= done.1,
                "{table}: every blocked row has its constraint: {p}"
            );
        }
    }
    (dry, real)
}

/// The constraints a plan names, with their rows: `constraint child_table rows`.
fn blocked_by(plan: &Value) -> Vec<String> {
    plan["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{} {} {}",
                b["constraint"].as_str().unwrap(),
                b["child_table"].as_str().unwrap(),
                b["rows"]
            )
        })
        .collect()
}

/// Live children with every rule, chains three deep (middle table chosen or not), a table
/// referencing itself (chains ending in a live row, a row referencing itself) at several
/// page and chunk sizes: predicted exactly.
#[test]
fn the_plan_predicts_what_the_real_run_blocks_on_the_referential_cases() {
    let s = server();
    for (rule, select_limit, delete_limit) in [
        ("CASCADE", 1000, 500),
        ("SET NULL", 2, 2),
        ("RESTRICT", 3, 1),
        ("NO ACTION", 1000, 1),
    ] {
        let db = ScratchDb::create(s, "plan_refs");
        db.sql(&format!(
            "CREATE TABLE a (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE b (id INT PRIMARY KEY, a_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             CREATE TABLE c (id INT PRIMARY KEY, b_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_c_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE {rule});
             CREATE TABLE unchosen (id INT PRIMARY KEY, a_id INT NULL,
               CONSTRAINT fk_un_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             CREATE TABLE node (id INT PRIMARY KEY, parent_id INT NULL, a_id INT NULL,
               deleted_at DATETIME NULL,
               CONSTRAINT fk_node FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE {rule},
               CONSTRAINT fk_node_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             INSERT INTO a SELECT seq, {OLD} FROM seq_1_to_12;
             INSERT INTO b VALUES (1, 1, {OLD}), (2, 2, {OLD}), (3, 3, NULL), (4, 4, {OLD}),
               (5, 5, {RECENT});
             INSERT INTO c VALUES (1, 1, NULL), (2, 2, {OLD}), (3, 4, {OLD}), (4, 4, {OLD});
             INSERT INTO unchosen VALUES (1, 6), (2, NULL);
             INSERT INTO node VALUES (1, NULL, 7, {OLD}), (2, 1, NULL, NULL),
               (3, NULL, 8, {OLD}), (4, 3, NULL, {OLD}), (5, 4, NULL, {OLD}),
               (6, NULL, 9, {OLD}), (7, 6, NULL, {OLD}), (8, 7, NULL, {RECENT}),
               (20, NULL, 10, {OLD}), (19, 20, NULL, {OLD}), (18, 19, NULL, {OLD}),
               (17, 18, NULL, NULL), (30, NULL, NULL, {OLD});
             UPDATE node SET parent_id = 30 WHERE id = 30;"
        ));
        let ini = Ini::new(s, &[&db.name])
            .src("select_limit", select_limit)
            .src("delete_limit", delete_limit);
        let (dry, _) = dry_then_real(&ini);
        let plans = plans(&dry);
        let name = |t: &str| format!("{}.{t}", db.name);
        // c 1 live keeps b 1 keeps a 1; b 3 live keeps a 3; b 5 recent keeps a 5; unchosen
        // keeps a 6; the node chains keep node 1, 6, 7, 18, 19, 20 and so a 7, 9, 10.
        let a = &plans[&name("a")];
        assert_eq!(a["blocked"], 7, "{rule}: {a}");
        let mut by = blocked_by(a);
        by.sort();
        assert_eq!(
            by,
            [
                format!("fk_b_a {} 3", name("b")),
                format!("fk_node_a {} 3", name("node")),
                format!("fk_un_a {} 1", name("unchosen")),
            ],
            "{rule}"
        );
        // Node 30 references itself: the server deletes it under CASCADE and SET NULL, never
        // under RESTRICT and NO ACTION.
        let node = if matches!(rule, "CASCADE" | "SET NULL") {
            6
        } else {
            7
        };
        assert_eq!(plans[&name("node")]["blocked"], node, "{rule}");
        assert_eq!(plans[&name("b")]["blocked"], 1, "{rule}");
    }
}

/// A child in another database: gone through before the parent's database (listed first), its
/// eligible rows are gone when the parent is deleted; after it, they all keep their parents.
#[test]
fn the_plan_follows_the_order_of_the_databases() {
    let s = server();
    for child_first in [true, false] {
        let parent = ScratchDb::create(s, "plan_par");
        let child = ScratchDb::create(s, "plan_chi");
        parent.sql(&format!(
            "CREATE TABLE instances (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO instances SELECT seq, {OLD} FROM seq_1_to_6;"
        ));
        child.sql(&format!(
            "CREATE TABLE ports (id INT PRIMARY KEY, instance_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_port FOREIGN KEY (instance_id) REFERENCES {} (id) ON DELETE CASCADE);
             INSERT INTO ports VALUES (1, 1, {OLD}), (2, 2, NULL), (3, 3, {OLD}), (4, 3, {RECENT});",
            parent.q("instances")
        ));
        let dbs: [&str; 2] = if child_first {
            [&child.name, &parent.name]
        } else {
            [&parent.name, &child.name]
        };
        let (dry, _) = dry_then_real(&Ini::new(s, &dbs));
        let p = &plans(&dry)[&format!("{}.instances", parent.name)];
        assert_eq!(p["blocked"], if child_first { 2 } else { 3 }, "{p}");
    }
}

/// Keys that hold another row in the archive are predicted as conflicts (kept), and the
/// parent of a conflicting row is predicted blocked; an identical archived row is no conflict.
#[test]
fn the_plan_predicts_conflicts_with_the_archive() {
    let s = server();
    let db = ScratchDb::create(s, "plan_conf");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, v VARCHAR(10), deleted_at DATETIME NULL,
           CONSTRAINT fk_conf FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p SELECT seq, 'x', {OLD} FROM seq_1_to_5;
         INSERT INTO c VALUES (1, 1, 'a', {OLD}), (2, 2, 'b', {OLD}), (3, 3, 'c', {OLD});
         CREATE DATABASE {arch};
         CREATE TABLE {arch}.p LIKE p; CREATE TABLE {arch}.c LIKE c;
         INSERT INTO {arch}.p SELECT id, 'X', deleted_at FROM p WHERE id = 4;
         INSERT INTO {arch}.p SELECT * FROM p WHERE id = 5;
         INSERT INTO {arch}.c SELECT id, p_id, 'other', deleted_at FROM c WHERE id = 2;",
        arch = format!("`{}`", db.archive())
    ));
    let (dry, _) = dry_then_real(&Ini::new(s, &[&db.name]));
    dry.assert_code(3);
    let plans = plans(&dry);
    let p = &plans[&format!("{}.p", db.name)];
    // p 4: 'X' against 'x' is another row (byte for byte); p 2 kept by its conflicting child.
    assert_eq!(
        (p["conflicts"].as_u64(), p["blocked"].as_u64()),
        (Some(1), Some(1)),
        "{p}"
    );
    assert_eq!(plans[&format!("{}.c", db.name)]["conflicts"], 1);
    dry.output_contains("rows kept: their key holds a different row in the archive");
}

/// Tables left out are in the plan with their reason: in the JSON report (`plan_skipped`, or
/// the table's `skipped`) and in the plan table.
#[test]
fn the_plan_lists_the_skipped_tables_with_their_reason() {
    let s = server();
    let db = ScratchDb::create(s, "plan_skip");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE services (id INT PRIMARY KEY, host VARCHAR(10));
         CREATE TABLE shadow_t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE nokey (v INT, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD}); INSERT INTO nokey VALUES (1, {OLD});"
    ));
    let dry = Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("excluded_tables", "shadow_.*")
                .text(),
        )
        .arg("--dry-run")
        .run();
    dry.assert_code(3);
    let report = dry.report.as_ref().unwrap();
    let skipped: Vec<String> = report["plan_skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s["table"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        skipped.contains(&format!("{}.services: has no deleted_at column", db.name)),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&format!(
            "{}.shadow_t: excluded by excluded_tables ^(?:shadow_.*)$",
            db.name
        )),
        "{skipped:?}"
    );
    assert!(dry
        .table_row(&db.name, "nokey")
        .get("errors")
        .starts_with("skipped: "));
    dry.output_contains("plan (what a real run would do):")
        .output_contains(&format!(
            "{}.services: skipped: has no deleted_at column",
            db.name
        ))
        .output_contains(&format!(
            "{}.nokey: skipped: has neither a primary key",
            db.name
        ));
}

/// The bench dataset (`gen_dataset.sh`, small, with a few more live children down the
/// nova chains): the plan's counts are the real run's, table by table, and its bytes are near
/// the size of the CSV files the real run writes.
#[test]
fn the_plan_predicts_the_real_run_on_the_bench_dataset() {
    if !server().is_private() {
        eprintln!("skipped: the bench dataset needs a server of its own (fixed database names)");
        return;
    }
    let s = dedicated_server();
    // OSARCHIVER_PLAN_BENCH_N=100000 runs it at the benchmark's size.
    let n = std::env::var("OSARCHIVER_PLAN_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1500);
    bench_dataset(&s, n);
    let cmd = Osarchiver::new();
    let files = cmd.dir().join("files");
    let ini = Ini::new(&s, &["nova", "cinder", "freezer"])
        .unset("src:src", "retention")
        .src(
            "where",
            "deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH)",
        )
        .src("excluded_tables", "shadow_.*")
        .src("select_limit", 200)
        .src("delete_limit", 70)
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.display())
        .set("dst:files", "formats", "csv");
    let (dry, real) = dry_then_real(&ini);
    eprintln!(
        "bench dataset of {n} instances: dry run {:.2}s, real run {:.2}s",
        dry.elapsed.as_secs_f64(),
        real.elapsed.as_secs_f64()
    );
    for t in dry.report.as_ref().unwrap()["tables"].as_array().unwrap() {
        eprintln!(
            "  {}.{}: planned in {:.2}s",
            t["database"].as_str().unwrap_or(""),
            t["table"].as_str().unwrap_or(""),
            t["elapsed_seconds"].as_f64().unwrap_or(0.0)
        );
    }
    let plans = plans(&dry);
    let blocked: u64 = plans.values().map(|p| p["blocked"].as_u64().unwrap()).sum();
    assert!(blocked > 0, "the dataset blocks rows\n{dry}");
    let chain = &plans["nova.instance_actions"];
    assert!(chain["blocked"].as_u64().unwrap() >= 3, "{chain}");
    let bytes: u64 = plans.values().map(|p| p["bytes"].as_u64().unwrap()).sum();
    let written = dir_size(&files);
    assert!(
        written > 0
            && (bytes as f64) > 0.5 * written as f64
            && (bytes as f64) < 1.5 * written as f64,
        "planned {bytes} bytes, the CSV files hold {written}\n{real}"
    );
}

/// Total size of the files under `dir`.
fn dir_size(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// `gen_dataset.sh n` on `s`, then live rows down the nova chains: events of eligible
/// actions (which keep their action, which keeps its instance) and metadata.
fn bench_dataset(s: &Server, n: u32) {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_dataset.sh");
    let script = if script.exists() {
        script
    } else {
        std::path::PathBuf::from("/work/shared/bench/gen_dataset.sh")
    };
    let mut client = vec!["mariadb".to_string(), "--no-defaults".to_string()];
    client.extend(s.cli_args());
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(n.to_string())
        .env("MYSQL", client.join(" "))
        .output()
        .expect("bash runs gen_dataset.sh");
    assert!(
        out.status.success(),
        "gen_dataset.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.sql(
        "UPDATE nova.instance_actions_events SET deleted_at = NULL, deleted = 0
           WHERE deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH) AND id % 97 = 0;
         UPDATE nova.instance_metadata SET deleted_at = NULL, deleted = 0
           WHERE deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH) AND id % 89 = 0;",
    );
}

/// The expected time counts a `delete_loop_delay` before every delete chunk but the first:
/// 10 rows in pages of 4 and chunks of 2 are 5 chunks, 4 pauses; the real run takes about that.
#[test]
fn the_expected_time_counts_the_pauses_between_chunks() {
    let s = server();
    let db = ScratchDb::create(s, "plan_time");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_10;"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("select_limit", 4)
        .src("delete_limit", 2)
        .src("delete_loop_delay", 0.25);
    let (dry, real) = dry_then_real(&ini);
    let p = &plans(&dry)[&format!("{}.t", db.name)];
    let e = &p["estimate"];
    assert_eq!(
        (e["batches"].as_u64(), e["delete_chunks"].as_u64()),
        (Some(3), Some(5)),
        "{p}"
    );
    assert_eq!(e["delay_seconds"].as_f64(), Some(1.0), "{p}");
    let estimated = p["estimated_seconds"].as_f64().unwrap();
    let took = real.report.as_ref().unwrap()["tables"][0]["elapsed_seconds"]
        .as_f64()
        .unwrap();
    assert!(
        estimated >= 1.0 && took >= 1.0 && estimated < took + 0.5,
        "estimated {estimated}s, the real run took {took}s"
    );
}

/// An archive table on another server: the plan reads the eligible rows page by page and looks
/// their keys up there, as the real run's writes do; an identical archived row is no conflict.
#[test]
fn the_plan_predicts_conflicts_with_an_archive_on_another_server() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_remote");
    let table = "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)";
    db.sql(&format!(
        "{table}; INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_7;"
    ));
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {table};
         INSERT INTO t VALUES (2, 'other', {OLD}), (5, 'v5', NULL), (6, 'other', NULL);
         INSERT INTO t SELECT 3, 'v3', deleted_at FROM (SELECT {OLD} AS deleted_at) AS x;",
        a = db.name
    ));
    // On another server the archive database has the source's name (no default suffix). Row
    // 3 is archived identically only if its deleted_at matches: copied from the source.
    let when = db.sql("SELECT deleted_at FROM t WHERE id = 3");
    archive_server.sql(&format!(
        "UPDATE `{}`.t SET deleted_at = '{}' WHERE id = 3",
        db.name,
        when.trim()
    ));
    let ini = Ini::new(s, &[&db.name])
        .dst_server(&archive_server)
        .src("select_limit", 3);
    let (dry, _) = dry_then_real(&ini);
    dry.assert_code(3);
    let p = &plans(&dry)[&format!("{}.t", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(3), Some(4)),
        "{p}"
    );
}

/// The plan's count of blocked rows reads the eligible rows through the `where`'s index (a
/// range on `deleted_at`), and each child by its foreign-key index: no table is scanned.
#[test]
fn the_blocked_count_reads_through_the_indexes() {
    let s = server();
    let db = ScratchDb::create(s, "plan_explain");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL,
           KEY p_deleted_at (deleted_at));
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_explain FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p SELECT seq, REPEAT('x', 20), IF(seq % 100 = 0, {OLD}, NULL)
           FROM seq_1_to_5000;
         INSERT INTO c SELECT seq, seq, IF(seq % 200 = 0, {OLD}, NULL) FROM seq_1_to_5000;
         ANALYZE TABLE p, c;"
    ));
    let dry = Osarchiver::new()
        .config_text(Ini::new(s, &[&db.name]).text())
        .args(["--dry-run", "--debug"])
        .run();
    dry.assert_code(3);
    let marker = format!("[dry-run] {}.p: ", db.name);
    let statement = dry
        .lines_containing(&marker)
        .iter()
        .find_map(|l| l.split_once(&marker).map(|(_, s)| s.to_string()))
        .unwrap_or_else(|| panic!("no plan statement for p\n{dry}"));
    let explain = db.sql(&format!("EXPLAIN {statement}"));
    for line in explain.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        let (table, access, key) = (cells[2], cells[3], cells[5]);
        assert!(
            !matches!(access, "ALL" | "index"),
            "{table} is scanned ({access})\n{explain}"
        );
        if table.starts_with('p') {
            assert_eq!((access, key), ("range", "p_deleted_at"), "{explain}");
        }
    }
    let p = &plans(&dry)[&format!("{}.p", db.name)];
    assert_eq!(p["blocked"], 25, "{p}");
}
