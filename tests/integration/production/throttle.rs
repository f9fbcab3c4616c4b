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
    run_through(
        Osarchiver::new().config_text(
            Ini::new(&s, &[&db.name])
                .src("max_threads_running", 3)
                .text(),
        ),
        sleepers,
        "Threads_running on the source is",
    )
    .output_contains("(max_threads_running = 3)");
    assert_eq!(rows(&s, &db.name), 1);
    assert_eq!(rows(&s, &db.archive()), 20);
}
