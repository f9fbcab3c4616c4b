//! Another transaction holds locks on the rows being deleted for longer than
//! `innodb_lock_wait_timeout` (1 s on a dedicated server): the deletes time out, are retried,
//! and go through once the locks are released; nothing is lost.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::{dedicated_server, server, Osarchiver, ENV_VAR};

use super::{assert_nothing_lost, Counts, Fixture};

#[test]
fn lock_wait_timeouts_are_retried_and_lose_nothing() {
    if !server().is_private() {
        eprintln!("SKIPPED lock_wait_timeouts_are_retried: {ENV_VAR} names an external server");
        return;
    }
    let s = Arc::new(dedicated_server());
    s.sql("SET GLOBAL innodb_lock_wait_timeout = 1");
    let f = Fixture::new(&s, "fk_lockwait");
    let ini = f.ini().src("max_retries", 10).src("retry_time_limit", 0.3);
    // Lock every row for 3 seconds.
    let holder = {
        let s = Arc::clone(&s);
        let t = f.db.q("t");
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} FOR UPDATE; DO SLEEP(3); COMMIT;"
            ))
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let out = Osarchiver::new().config_text(ini.text()).run();
    holder.join().unwrap();
    out.assert_success().output_contains("Lock wait timeout");
    let mut counts = Counts {
        faults: out.lines_containing("Lock wait timeout").len() as u64,
        ..Counts::default()
    };
    assert_eq!(f.left(), 0);
    assert_nothing_lost(&f, None, &mut counts);
    counts.print("lock waits");
}
