//! What the throttling tests share: putting a server under pressure from another thread for a
//! while ([`in_background`], [`wait_running`], [`wait_until`]), and running osarchiver through
//! it ([`run_through`]): its deletes must pause with a line naming the cause, resume by
//! themselves, and the run must end only after the pressure is gone.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::harness::{Osarchiver, Output, Server};

/// Waits until `check` holds, for at most `limit`.
pub fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !check() {
        assert!(t0.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `sql` on `server` from another thread, which returns when the SQL is done.
pub fn in_background(server: &Arc<Server>, sql: String) -> JoinHandle<Instant> {
    let server = Arc::clone(server);
    std::thread::spawn(move || {
        server.sql(&sql);
        Instant::now()
    })
}

/// Waits until `count` sessions of `server` run a statement starting with `prefix`.
pub fn wait_running(server: &Server, prefix: &str, count: usize) {
    let sql =
        format!("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '{prefix}%'");
    wait_until(
        &format!("{count} sessions running {prefix}"),
        Duration::from_secs(5),
        || server.sql(&sql).trim() == count.to_string(),
    );
}

/// Runs `run` while the `pressure` threads last and checks that its deletes paused with a line containing
/// `cause`, resumed by themselves, and that the run ended after the pressure did (without the
/// pause it would end first), with code 0. The pause lines are printed for the test's log.
pub fn run_through(
    run: Osarchiver,
    pressure: impl IntoIterator<Item = JoinHandle<Instant>>,
    cause: &str,
) -> Output {
    let out = run.run();
    let run_end = Instant::now();
    for line in [
        out.lines_containing("throttle: pausing"),
        out.lines_containing("throttle: resuming"),
    ]
    .concat()
    {
        eprintln!("{line}");
    }
    let released = pressure
        .into_iter()
        .map(|t| t.join().expect("a pressure thread"))
        .max()
        .expect("some pressure");
    out.assert_success()
        .output_contains(&format!("throttle: pausing deletes: {cause}"))
        .output_contains("throttle: resuming deletes after a pause of");
    assert!(
        run_end > released,
        "the run ended before the pressure was gone\n{out}"
    );
    out
}
