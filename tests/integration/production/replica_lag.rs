//! `replicas` and `max_replication_lag` against a real replica: a primary and its replica
//! (dedicated servers), the replica's SQL thread held up by a row lock so that its
//! `Seconds_Behind_Master` grows. Deletes on the primary pause while the lag is over the
//! limit, the log says which replica and how far behind, and the run resumes by itself once the
//! replica has caught up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::replica::{replica_pair, seconds_behind, wait_caught_up};
use crate::harness::{server, Ini, Osarchiver, ScratchDb, ENV_VAR};

use super::pressure::{in_background, run_through, wait_running};
use super::{eligible_table, rows};

#[test]
fn deletes_pause_while_a_replica_lags() {
    if !server().is_private() {
        eprintln!("SKIPPED deletes_pause_while_a_replica_lags: {ENV_VAR} names an external server");
        return;
    }
    let (primary, replica) = replica_pair();
    let replica = Arc::new(replica);
    let db = ScratchDb::create(&primary, "lag");
    eligible_table(&db, 300);
    db.sql("CREATE TABLE lagger (id INT PRIMARY KEY, v INT); INSERT INTO lagger VALUES (1, 0);");
    wait_caught_up(&primary, &replica);

    // A transaction on the replica holds the row the next replicated update needs.
    let hold = Duration::from_secs(5);
    let holder = in_background(
        &replica,
        format!(
            "BEGIN; SELECT v FROM {} WHERE id = 1 FOR UPDATE; DO SLEEP({}); COMMIT;",
            db.q("lagger"),
            hold.as_secs()
        ),
    );
    let t0 = Instant::now();
    wait_running(&replica, "DO SLEEP", 1);
    db.sql("UPDATE lagger SET v = 1 WHERE id = 1");
    // The replica waits on the lock; its lag grows past the limit of 1 s.
    while seconds_behind(&replica).unwrap_or(0) < 2 {
        assert!(
            t0.elapsed() < hold,
            "the replica does not lag: Seconds_Behind_Master = {:?}",
            seconds_behind(&replica)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let lag_seen = seconds_behind(&replica);

    let out = run_through(
        Osarchiver::new().config_text(
            Ini::new(&primary, &[&db.name])
                .src("replicas", format!("127.0.0.1:{}", replica.port()))
                .src("max_replication_lag", 1)
                .src("delete_limit", 50)
                .text(),
        ),
        [holder],
        &format!("replica 127.0.0.1:{} lags", replica.port()),
    );
    out.output_contains("(max_replication_lag = 1s)");
    // One line for the pause, not one a second as the lag counts up.
    assert_eq!(
        out.lines_containing("throttle: pausing deletes").len(),
        1,
        "the pause is logged once (lag was {lag_seen:?}s)\n{out}"
    );
    assert_eq!(rows(&primary, &db.name), 1);
    assert_eq!(rows(&primary, &db.archive()), 300);
    // The deletes reached the replica too.
    wait_caught_up(&primary, &replica);
    assert_eq!(rows(&replica, &db.name), 1);
}
