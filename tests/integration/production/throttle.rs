//! `max_threads_running`: while other sessions keep the source busy (`SELECT SLEEP(3)` from a
//! few connections), deletes pause and the log says why; when they end, the run resumes by
//! itself and finishes with code 0. On a dedicated server, so other tests do not count.

use std::sync::Arc;

use crate::harness::{dedicated_server, server, Ini, Osarchiver, ScratchDb, ENV_VAR};

use super::pressure::{in_background, run_through, wait_running};
use super::{eligible_table, rows};

#[test]
fn deletes_pause_while_threads_running_is_over_the_limit() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED deletes_pause_while_threads_running: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = Arc::new(dedicated_server());
    let db = ScratchDb::create(&s, "threads");
    eligible_table(&db, 20);
    let sleepers: Vec<_> = (0..4)
        .map(|_| in_background(&s, "SELECT SLEEP(3)".to_string()))
        .collect();
    wait_running(&s, "SELECT SLEEP", 4);
    let run = Osarchiver::new().config_text(
        Ini::new(&s, &[&db.name])
            .src("max_threads_running", 3)
            .text(),
    );
    let report = run.dir().join("report.json");
    let run = run.arg("--report").arg(&report);
    // `out` keeps the run's directory, and the report in it.
    let out = run_through(run, sleepers, "Threads_running on the source is");
    out.output_contains("(max_threads_running = 3)");
    // The report says how long the deletes were held back.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let throttled = report["tables"][0]["timing_seconds"]["throttled"]
        .as_f64()
        .expect("timing_seconds.throttled");
    assert!(throttled >= 0.5, "throttled {throttled}s in {report}");
    assert_eq!(rows(&s, &db.name), 1);
    assert_eq!(rows(&s, &db.archive()), 20);
}

/// `delete_loop_delay` pauses between two chunks, and nowhere else: not after the last one,
/// before the end of the table is found (each pause there used to cost a table two of them,
/// 4 s with the Python tool's default of 2 s).
#[test]
fn the_pause_comes_between_chunks_only() {
    let db = ScratchDb::create(server(), "pause");
    eligible_table(&db, 5);
    let run = Osarchiver::new().config_text(
        Ini::new(server(), &[&db.name])
            .src("delete_limit", 2)
            .src("delete_loop_delay", 0.6)
            .text(),
    );
    let t0 = std::time::Instant::now();
    let out = run.run();
    let took = t0.elapsed().as_secs_f64();
    out.assert_success();
    assert_eq!(rows(server(), &db.name), 1);
    assert_eq!(rows(server(), &db.archive()), 5);
    // Three chunks (2, 2 and 1 rows), two pauses: 1.2 s; one more pause would make 1.8 s.
    assert!((1.2..1.75).contains(&took), "took {took:.2}s\n{out}");
}
