//! One run at a time: while a run holds a source, a second run of the same configuration exits
//! with code 5 and names the holder, by its lock file (pid, host) or, from another lock
//! directory (another host), by the database lock (connection, user, host). A dry run takes no
//! lock. SIGINT then stops the first run after its current batch with code 4, and a re-run
//! finishes the job.

use std::time::Duration;

use crate::harness::{server, Osarchiver, ScratchDb};

use super::{eligible_table, rows, slow_ini};

#[test]
fn a_second_run_is_locked_out_and_sigint_stops_the_first_after_its_batch() {
    let s = server();
    let db = ScratchDb::create(s, "locks");
    eligible_table(&db, 12);
    let base = slow_ini(s, &db.name, 0.3);
    let first = Osarchiver::new();
    let lock_dir = first.dir().join("locks");
    let mut first = first
        .config_text(base.clone().src("lock_dir", lock_dir.display()).text())
        .spawn();
    let config = first.dir().join("osarchiver.ini");
    assert!(
        first.wait_for_log("databases to archive", Duration::from_secs(20)),
        "the first run did not start\n{}",
        first.log()
    );

    // Same configuration, same host: the lock file.
    Osarchiver::new()
        .config_file(&config)
        .run()
        .assert_code(5)
        .output_contains(&format!(
            "is held by another run (pid {} on host",
            first.pid()
        ))
        .output_contains("another run holds a lock");

    // Same configuration path, another lock directory (as on another host): the database lock.
    std::fs::write(
        &config,
        base.clone()
            .src("lock_dir", first.dir().join("other").display())
            .text(),
    )
    .unwrap();
    Osarchiver::new()
        .config_file(&config)
        .run()
        .assert_code(5)
        .output_contains("database lock 'osarchiver:")
        .output_contains("is held by connection");

    // A dry run takes no lock.
    Osarchiver::new()
        .config_file(&config)
        .arg("--dry-run")
        .run()
        .assert_success();

    first.signal(libc::SIGINT);
    let out = first.wait();
    out.assert_code(4)
        .output_contains("SIGINT received: finishing the current batch")
        .output_contains("no more pages are read")
        .output_contains("stopped early: interrupted by a signal");
    let left = rows(s, &db.name) - 1;
    let archived = rows(s, &db.archive());
    assert!(left > 0, "the run was not stopped early\n{out}");
    // Every row is in the source or in the archive; whatever left the source is archived.
    assert!(
        archived + left >= 12 && archived >= 12 - left,
        "{archived} archived, {left} left"
    );

    Osarchiver::new()
        .config_file(&config)
        .run()
        .assert_success();
    assert_eq!(rows(s, &db.name), 1, "only the live row is left");
    assert_eq!(rows(s, &db.archive()), 12);
}
