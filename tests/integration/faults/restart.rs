//! The MariaDB server SIGKILLed and restarted (crash recovery) in the middle of a run: the run
//! reconnects and retries (or fails cleanly), nothing is lost or doubled, and a re-run
//! finishes the job.

use std::time::{Duration, Instant};

use crate::harness::{dedicated_server, server, Osarchiver, ENV_VAR};

use super::{assert_nothing_lost, Counts, Fixture};

#[test]
fn a_server_crash_mid_run_loses_nothing() {
    if !server().is_private() {
        eprintln!("SKIPPED a_server_crash_mid_run: {ENV_VAR} names an external server");
        return;
    }
    let s = dedicated_server();
    let f = Fixture::new(&s, "fk_restart");
    let files = tempfile::tempdir().unwrap();
    let ini = f
        .ini_with_files(files.path())
        .src("delete_loop_delay", 0.02)
        .src("max_retries", 40)
        .src("retry_time_limit", 0.25)
        .dst("max_retries", 40)
        .dst("retry_time_limit", 0.25);
    let mut counts = Counts::default();
    let run = Osarchiver::new().config_text(ini.text()).spawn();
    // Once some rows are archived, crash the server.
    let t0 = Instant::now();
    let archive = f.db.archive();
    loop {
        let n: u64 = s
            .try_sql(&format!("SELECT COUNT(*) FROM `{archive}`.t"))
            .ok()
            .and_then(|o| o.trim().parse().ok())
            .unwrap_or(0);
        if n >= 100 {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "nothing archived\n{}",
            run.log()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    s.restart();
    counts.faults += 1;
    let out = run.wait();
    // Retried through the restart; a failure would also be acceptable, never a panic.
    out.assert_no_panic();
    assert!(
        out.code == Some(0) || out.code == Some(1),
        "exit code 0 or 1 expected\n{out}"
    );
    assert_nothing_lost(&f, Some(files.path()), &mut counts);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(f.left(), 0);
    assert_nothing_lost(&f, Some(files.path()), &mut counts);
    counts.print("server restart");
}

/// A run that starts while its server is down (restarting after a crash, an upgrade) tries the
/// first connection again, as any step, and does the job once the server is back. It used to
/// fail at once (exit 1).
#[test]
fn a_run_started_while_the_server_is_down_waits_for_it() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_run_started_while_the_server_is_down: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let f = Fixture::new(&s, "down_at_start");
    let ini = f
        .ini()
        .src("max_retries", 40)
        .src("retry_time_limit", 0.25)
        .dst("max_retries", 40)
        .dst("retry_time_limit", 0.25);
    s.kill();
    let run = Osarchiver::new().config_text(ini.text()).spawn();
    std::thread::sleep(Duration::from_secs(2));
    s.start();
    let out = run.wait();
    out.assert_success().output_contains("trying again in");
    assert_eq!(f.left(), 0, "{out}");
    let mut counts = Counts::default();
    assert_nothing_lost(&f, None, &mut counts);
}
