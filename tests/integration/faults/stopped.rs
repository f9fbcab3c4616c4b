//! A server that stops answering in the middle of a batch (`mariadbd` SIGSTOPped, a dedicated
//! server): with a small `read_timeout` the statement times out, the session is abandoned,
//! the retries (new connections, bounded by `connect_timeout`) time out too, and the run exits
//! non-zero in bounded time; with the default timeouts a SIGTERM ends it within the stop grace
//! (exit 4, a report written). After SIGCONT, nothing is lost: every row is in the source or in
//! the archive.

use std::time::{Duration, Instant};

use osarchiver::run::STOP_GRACE;

use crate::harness::{dedicated_server, server, Osarchiver, Running, Server, ENV_VAR};

use super::{assert_nothing_lost, Counts, Fixture, ELIGIBLE};

fn skip(name: &str) -> bool {
    if !server().is_private() {
        eprintln!("SKIPPED {name}: {ENV_VAR} names an external server");
        return true;
    }
    false
}

/// Waits until the run has archived some rows but not all, then SIGSTOPs the server.
fn stop_mid_run(s: &Server, f: &Fixture<'_>, running: &mut Running) {
    let t0 = Instant::now();
    loop {
        let archived: u64 = s
            .try_sql(&format!(
                "SELECT COUNT(*) FROM information_schema.TABLES t \
                 JOIN (SELECT 1) x WHERE t.TABLE_SCHEMA = '{}' AND t.TABLE_NAME = 't'",
                f.db.archive()
            ))
            .ok()
            .and_then(|n| n.trim().parse().ok())
            .filter(|n: &u64| *n == 1)
            .and_then(|_| {
                s.try_sql(&format!("SELECT COUNT(*) FROM {}", f.db.qa("t")))
                    .ok()
            })
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        if archived >= 100 {
            assert!(archived < ELIGIBLE, "the run finished before the stop");
            break;
        }
        assert!(
            running.is_running(),
            "the run ended early:\n{}",
            running.log()
        );
        assert!(t0.elapsed() < Duration::from_secs(60), "no rows archived");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.signal(libc::SIGSTOP);
}

#[test]
fn a_server_stopped_mid_batch_fails_the_run_within_the_read_timeout() {
    if skip("a_server_stopped_mid_batch") {
        return;
    }
    let s = dedicated_server();
    let f = Fixture::new(&s, "stopped");
    // Tables after `t`: once `t` gave up on the server, one more look, and they are not
    // started (each used to spend a whole retry policy on the stopped server: about 7 s).
    for u in 1..=8 {
        f.db.sql(&format!(
            "CREATE TABLE u{u} LIKE t; INSERT INTO u{u} SELECT * FROM t WHERE id <= 60;"
        ));
    }
    let ini = f
        .ini()
        .src("delete_loop_delay", 0.05)
        .src("read_timeout", 2)
        .src("write_timeout", 1)
        .src("connect_timeout", 2)
        .src("max_retries", 2)
        .dst("read_timeout", 2)
        .dst("write_timeout", 1)
        .dst("connect_timeout", 2)
        .dst("max_retries", 2);
    let mut running = Osarchiver::new()
        .config_text(ini.text())
        .timeout(Duration::from_secs(120))
        .spawn();
    stop_mid_run(&s, &f, &mut running);
    let t0 = Instant::now();
    let out = running.wait();
    let took = t0.elapsed();
    s.signal(libc::SIGCONT);
    out.assert_code(1)
        .output_contains("no answer within 3s (read_timeout + write_timeout)")
        .output_contains("the source's remaining tables are not started");
    // One statement (3 s) and two retries, each a connection attempt (2 s) or a statement,
    // plus the delays and the end of the run (lock release, report).
    assert!(
        took < Duration::from_secs(40),
        "exited {took:?} after the stop"
    );
    eprintln!("STOPPED SERVER: the run exited {took:?} after SIGSTOP");
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert_nothing_lost(&f, None, &mut counts);
    counts.print("server stopped mid batch");
}

#[test]
fn sigterm_while_blocked_on_a_stopped_server_ends_the_run_within_the_stop_grace() {
    if skip("sigterm_while_blocked_on_a_stopped_server") {
        return;
    }
    let s = dedicated_server();
    let f = Fixture::new(&s, "stopterm");
    // The default timeouts (600 s + 60 s): only the stop ends the wait.
    let ini = f.ini().src("delete_loop_delay", 0.05);
    let mut running = Osarchiver::new()
        .config_text(ini.text())
        .timeout(STOP_GRACE * 3)
        .spawn();
    stop_mid_run(&s, &f, &mut running);
    std::thread::sleep(Duration::from_secs(2));
    let t0 = Instant::now();
    running.signal(libc::SIGTERM);
    let out = running.wait();
    let took = t0.elapsed();
    s.signal(libc::SIGCONT);
    out.assert_code(4)
        .output_contains("SIGTERM received")
        .output_contains("report written");
    assert!(
        took < STOP_GRACE + Duration::from_secs(20),
        "stopped {took:?} after SIGTERM"
    );
    eprintln!("STOPPED SERVER: SIGTERM ended the run {took:?} after it was sent");
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert_nothing_lost(&f, None, &mut counts);
    counts.print("SIGTERM while the server is stopped");
}
