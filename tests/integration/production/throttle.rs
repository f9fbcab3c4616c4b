//! `max_threads_running`: while other sessions keep the source busy (`SELECT SLEEP(3)` from a
//! few connections), deletes pause and the log says why; when they end, the run resumes by
//! itself and finishes with code 0. On a dedicated server, so other tests do not count.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::{dedicated_server, server, Ini, Osarchiver, ScratchDb, ENV_VAR};

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
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || s.sql("SELECT SLEEP(3)"))
        })
        .collect();
    // Wait until the sleepers run.
    let t0 = std::time::Instant::now();
    while s
        .sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'")
        .trim()
        != "4"
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the sleepers did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = Osarchiver::new()
        .config_text(
            Ini::new(&s, &[&db.name])
                .src("max_threads_running", 3)
                .text(),
        )
        .run();
    for t in sleepers {
        t.join().unwrap();
    }
    out.assert_success()
        .output_contains("throttle: pausing deletes: Threads_running on the source is")
        .output_contains("(max_threads_running = 3)")
        .output_contains("throttle: resuming deletes after a pause of");
    assert!(
        out.elapsed > Duration::from_millis(1500),
        "no real pause\n{out}"
    );
    assert_eq!(rows(&s, &db.name), 1);
    assert_eq!(rows(&s, &db.archive()), 20);
}
