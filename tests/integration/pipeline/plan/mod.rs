//! The dry run's plan against the real run that follows it: for every table, the rows the plan
//! says would go, would be blocked (by constraint) and would conflict with the archive are the
//! rows the real run deletes, blocks and keeps as conflicts; the exit codes are the same; the
//! skipped tables come with their reason; the bytes are near the real archive's size; the
//! expected time counts the pauses.
//!
//! - [`referential`]: live children, chains, self references, databases in order, `EXPLAIN`;
//! - [`conflicts`]: archive tables on the source's server and on another;
//! - [`bench`]: the bench dataset (`gen_dataset.sh`).

pub(crate) mod bench;
mod conflicts;
mod referential;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb};

use super::{run, OLD};

/// The `plan` objects of a dry run's JSON report, by `db.table`.
pub fn plans(out: &Output) -> BTreeMap<String, Value> {
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

/// `text` with every `'YYYY-MM-DD hh:mm:ss'` (a run's `{now}`) replaced by `'<now>'`.
fn without_now(text: &str) -> String {
    regex::Regex::new(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'")
        .unwrap()
        .replace_all(text, "'<now>'")
        .into_owned()
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
        // A message may quote the run's `{now}`, a second apart in the two runs.
        assert_eq!(
            without_now(d.get("errors")),
            without_now(r.get("errors")),
            "{table}"
        );
        // An archive database gives back the copies of the rows that stay; files keep them.
        assert_eq!(
            d.get("would archive"),
            r.get("archived"),
            "{table}: archived, predicted then done\n{dry}\n{real}"
        );
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
pub fn blocked_by(plan: &Value) -> Vec<String> {
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
            "{}.shadow_t: excluded by excluded_tables shadow_.*",
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

/// `deleted_column = deleted` (nova's integer: 0 for a live row, the id once deleted) under the
/// default `where`, which compares it with a date: every row, live ones included, would be
/// selected. The table is skipped, with its reason, by the dry run and the run (exit 3), and
/// no row moves. It used to archive and delete every row, exit 0.
#[test]
fn a_number_as_deleted_column_under_the_default_where_is_refused() {
    let s = server();
    let db = ScratchDb::create(s, "plan_numdel");
    db.sql(&format!(
        "CREATE TABLE n (id INT PRIMARY KEY, deleted INT NOT NULL DEFAULT 0, deleted_at DATETIME NULL);
         INSERT INTO n VALUES (1, 1, {OLD}), (2, 0, NULL), (3, 3, UTC_TIMESTAMP());"
    ));
    let ini = Ini::new(s, &[&db.name]).src("deleted_column", "deleted");
    let (dry, real) = dry_then_real(&ini);
    dry.assert_code(3)
        .output_contains("its deleted column is a number (int(11)), not a date");
    real.assert_code(3);
    assert_eq!(crate::harness::digest::count(s, &db.name, "n", "1"), 3);
    // The same `where` written out, as archiver_sample.ini has it (or by hand with the
    // column's name): refused as well. It used to archive and delete all three rows, exit 0.
    for written in [
        "${deleted_column} <= SUBDATE('{now}', INTERVAL ${retention})",
        "`deleted` < DATE_SUB(NOW(), INTERVAL 1 DAY)",
    ] {
        let sample = ini.clone().src("where", written);
        let (dry, real) = dry_then_real(&sample);
        dry.assert_code(3)
            .output_contains("its deleted column is a number (int(11)), not a date: the where");
        real.assert_code(3);
        assert_eq!(crate::harness::digest::count(s, &db.name, "n", "1"), 3);
    }
    // With a where of its own, the column is the operator's to compare.
    let own = ini.src(
        "where",
        "deleted <> 0 AND deleted_at < UTC_TIMESTAMP() - INTERVAL 1 DAY",
    );
    run(&own).assert_success();
    assert_eq!(crate::harness::digest::count(s, &db.name, "n", "1"), 2);
}

/// A `where` that names its table (`p.deleted_at`) works in the run, and the dry run's
/// counts, which alias every table, ask it in a scope of their own where the table has its
/// name: the plan and the exit code match the run's (the dry run used to fail, exit 1).
#[test]
fn a_where_that_names_its_table_is_planned_as_the_run_goes() {
    let s = server();
    let db = ScratchDb::create(s, "plan_named");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, parent INT NULL, deleted_at DATETIME NULL,
           FOREIGN KEY (parent) REFERENCES p (id));
         INSERT INTO p VALUES (1, NULL, {OLD}), (2, 1, NULL), (3, NULL, {OLD}), (4, 3, {OLD}),
           (5, NULL, {OLD});
         CREATE TABLE c (id INT PRIMARY KEY, p INT NULL, FOREIGN KEY (p) REFERENCES p (id));
         INSERT INTO c VALUES (1, 5);"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("tables", "p")
        .src("where", "`p`.deleted_at IS NOT NULL AND p.id > 0");
    let (dry, real) = dry_then_real(&ini);
    dry.assert_code(3);
    let p = &plans(&dry)[&format!("{}.p", db.name)];
    // 1 kept by its live child 2, 5 by c's row; 3 and 4 go.
    assert_eq!(
        (
            p["eligible"].as_u64(),
            p["blocked"].as_u64(),
            p["delete"].as_u64()
        ),
        (Some(4), Some(2), Some(2)),
        "{p}"
    );
    real.assert_code(3);
    assert_eq!(
        s.sql(&format!(
            "SELECT GROUP_CONCAT(id ORDER BY id) FROM {}",
            db.q("p")
        ))
        .trim(),
        "1,2,5"
    );
}
