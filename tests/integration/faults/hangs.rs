//! Nothing makes a run hang: a "server" that accepts the TCP connection and never answers
//! fails the connection after the connect timeout (exit 1); a statement that never returns
//! (here a row lock held, with `innodb_lock_wait_timeout` at 600 s) does not keep a stopped
//! run alive: after a SIGTERM, the run waits out the grace period for its batch, then stops
//! at once (exit 4), and nothing is lost.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use osarchiver::mysql::conn::CONNECT_TIMEOUT;
use osarchiver::run::STOP_GRACE;

use crate::harness::{dedicated_server, server, Ini, Osarchiver, ENV_VAR};

use super::{assert_nothing_lost, Counts, Fixture};

#[test]
fn a_server_that_never_answers_fails_the_run_after_the_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    // Accept connections and keep them open, silent.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let ini = Ini::new(server(), &["nova"])
        .src("port", port)
        .src("max_retries", 0)
        .dst("port", port)
        .dst("max_retries", 0);
    let t0 = Instant::now();
    let out = Osarchiver::new()
        .config_text(ini.text())
        .timeout(CONNECT_TIMEOUT * 4)
        .run();
    out.assert_code(1).output_contains("connect timeout");
    assert!(
        t0.elapsed() < CONNECT_TIMEOUT * 3,
        "took {:?}",
        t0.elapsed()
    );
}

#[test]
fn a_server_that_never_answers_fails_the_run_after_the_configured_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let ini = Ini::new(server(), &["nova"])
        .src("port", port)
        .src("max_retries", 0)
        .src("connect_timeout", 2)
        .dst("port", port)
        .dst("max_retries", 0)
        .dst("connect_timeout", 2);
    let t0 = Instant::now();
    let out = Osarchiver::new()
        .config_text(ini.text())
        .timeout(Duration::from_secs(60))
        .run();
    out.assert_code(1)
        .output_contains("no answer within 2s (connect timeout, key connect_timeout)");
    assert!(
        t0.elapsed() < Duration::from_secs(8),
        "took {:?}",
        t0.elapsed()
    );
}

#[test]
fn a_statement_that_never_returns_does_not_keep_a_stopped_run_alive() {
    if !server().is_private() {
        eprintln!("SKIPPED a_statement_that_never_returns: {ENV_VAR} names an external server");
        return;
    }
    let s = Arc::new(dedicated_server());
    s.sql("SET GLOBAL innodb_lock_wait_timeout = 600");
    let f = Fixture::new(&s, "hang");
    // Every row locked for longer than the test.
    let holder = {
        let s = Arc::clone(&s);
        let t = f.db.q("t");
        std::thread::spawn(move || {
            let _ = s.try_sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} FOR UPDATE; DO SLEEP(200); COMMIT;"
            ));
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let mut running = Osarchiver::new()
        .config_text(f.ini().text())
        .timeout(STOP_GRACE * 3)
        .spawn();
    // The first delete waits on the locked rows.
    std::thread::sleep(Duration::from_secs(3));
    let t0 = Instant::now();
    running.signal(libc::SIGTERM);
    assert!(running.wait_for_log("SIGTERM received", Duration::from_secs(10)));
    let out = running.wait();
    let waited = t0.elapsed();
    out.assert_code(4)
        .output_contains("has not finished within 60s: stopping at once");
    assert!(
        waited >= STOP_GRACE && waited < STOP_GRACE + Duration::from_secs(20),
        "stopped {waited:?} after SIGTERM"
    );
    s.sql("SET GLOBAL innodb_lock_wait_timeout = 50");
    // Free the rows (kill the holder's session), then check nothing was lost.
    let ids = s.sql(
        "SELECT ID FROM information_schema.PROCESSLIST \
         WHERE INFO LIKE 'DO SLEEP(200)%'",
    );
    for id in ids.lines() {
        let _ = s.try_sql(&format!("KILL {id}"));
    }
    holder.join().unwrap();
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert_nothing_lost(&f, None, &mut counts);
    counts.print("hung statement");
}

/// A signal during the retries of a connection to a server that never answers stops them: the
/// run ended only when its retries ran out (a minute and more, the signal ignored), or the
/// grace period did.
#[test]
fn a_signal_stops_the_retries_of_a_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let ini = Ini::new(server(), &["nova"])
        .src("port", port)
        .src("max_retries", 20)
        .src("retry_time_limit", 5)
        .src("connect_timeout", 1)
        .dst("port", port)
        .dst("max_retries", 20)
        .dst("retry_time_limit", 5)
        .dst("connect_timeout", 1);
    let mut running = Osarchiver::new()
        .config_text(ini.text())
        .timeout(STOP_GRACE * 3)
        .spawn();
    assert!(running.wait_for_log("trying again", Duration::from_secs(20)));
    let t0 = Instant::now();
    running.signal(libc::SIGTERM);
    let out = running.wait();
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "stopped {:?} after SIGTERM\n{out}",
        t0.elapsed()
    );
    assert!(matches!(out.code, Some(1 | 4)), "{out}");
    out.output_contains("stopped by a signal");
}

/// A lock wait that times out after a SIGTERM is retried as before (the signal only cuts
/// short the wait for a server to come back): the batch being finished goes through, exit 4,
/// nothing lost (the signal made it fail, exit 1).
#[test]
fn a_lock_wait_after_a_signal_is_still_retried() {
    if !server().is_private() {
        eprintln!("SKIPPED a_lock_wait_after_a_signal: {ENV_VAR} names an external server");
        return;
    }
    let s = Arc::new(dedicated_server());
    s.sql("SET GLOBAL innodb_lock_wait_timeout = 1");
    let f = Fixture::new(&s, "lockwait");
    let holder = {
        let s = Arc::clone(&s);
        let t = f.db.q("t");
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} FOR UPDATE; DO SLEEP(4); COMMIT;"
            ));
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let mut running = Osarchiver::new()
        .config_text(f.ini().src("retry_time_limit", 1).text())
        .timeout(STOP_GRACE * 2)
        .spawn();
    assert!(running.wait_for_log("retrying", Duration::from_secs(20)));
    running.signal(libc::SIGTERM);
    let out = running.wait();
    holder.join().unwrap();
    s.sql("SET GLOBAL innodb_lock_wait_timeout = 50");
    out.assert_code(4);
    assert!(!out.stdout.contains("stopped by a signal"), "{out}");
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert_nothing_lost(&f, None, &mut counts);
}
