//! Connections killed from another session in the middle of a run: the run reconnects and
//! retries, finishes with exit code 0, and every eligible row ends up exactly once in the source
//! or in the archive, identical; a re-run finishes the job.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::harness::digest::{count, digest};
use crate::harness::{dedicated_server, server, Ini, ScratchDb, ENV_VAR};

use super::run;

/// The user the runs connect as, so that the killer finds their sessions (and never its own).
const USER: &str = "osa_killme";
const PASSWORD: &str = "kill-me-pw";

#[test]
fn killed_connections_are_retried_and_no_row_is_lost_or_doubled() {
    if !server().is_private() {
        eprintln!("SKIPPED killed_connections_are_retried: {ENV_VAR} names an external server");
        return;
    }
    let s = Arc::new(dedicated_server());
    let db = ScratchDb::create(&s, "killed");
    let mut originals = ScratchDb::create(&s, "killed_orig");
    originals.also_drop(originals.archive());
    s.sql(&format!(
        "CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}';
         GRANT ALL ON *.* TO '{USER}'@'127.0.0.1';"
    ));
    db.sql(
        "CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(200), n BIGINT,
           deleted_at DATETIME(6) NULL);
         INSERT INTO t SELECT seq, REPEAT(CHAR(65 + seq % 26), 50 + seq % 100), seq * 7,
           IF(seq % 11 = 0, NULL, UTC_TIMESTAMP(6) - INTERVAL 10 DAY - INTERVAL seq SECOND)
         FROM seq_1_to_3300;",
    );
    originals.sql(&format!(
        "CREATE TABLE t LIKE {src}; INSERT INTO t SELECT * FROM {src};",
        src = db.q("t")
    ));
    let eligible = "deleted_at IS NOT NULL";
    let all_eligible = digest(&s, &originals.name, "t", eligible);
    let live = digest(&s, &db.name, "t", "deleted_at IS NULL");
    assert_eq!(all_eligible.0, 3000);

    let ini = Ini::new(&s, &[&db.name])
        .src("user", USER)
        .src("password", PASSWORD)
        .dst("user", USER)
        .dst("password", PASSWORD)
        .src("select_limit", 50)
        .src("delete_limit", 50)
        .src("delete_loop_delay", 0.05)
        .src("max_retries", 5)
        .src("retry_time_limit", 0.2)
        .dst("max_retries", 5)
        .dst("retry_time_limit", 0.2)
        .dst("bulk_insert", 50);

    // The killer: once the run has archived something, kill sessions of USER a few hundred
    // milliseconds apart, a bounded number of times: every session on even rounds, and on odd
    // rounds the first caught running a statement or holding a transaction open (a COMMIT or a
    // DELETE cut short).
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicU64::new(0));
    let killed_busy = Arc::new(AtomicU64::new(0));
    let killer = {
        let s = Arc::clone(&s);
        let (stop, killed, killed_busy) = (
            Arc::clone(&stop),
            Arc::clone(&killed),
            Arc::clone(&killed_busy),
        );
        let archive = db.archive();
        std::thread::spawn(move || {
            let archived = || {
                s.try_sql(&format!("SELECT COUNT(*) FROM `{archive}`.t"))
                    .ok()
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            while !stop.load(Ordering::SeqCst) && archived() == 0 {
                std::thread::sleep(Duration::from_millis(20));
            }
            let sessions = |busy: bool| {
                s.try_sql(&format!(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '{USER}' {}",
                    if busy {
                        "AND (COMMAND <> 'Sleep' OR ID IN \
                           (SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX)) \
                         LIMIT 1"
                    } else {
                        ""
                    }
                ))
                .unwrap_or_default()
            };
            for round in 0..16u64 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let busy = round % 2 == 1;
                let mut ids = sessions(busy);
                let started = std::time::Instant::now();
                while busy
                    && ids.trim().is_empty()
                    && started.elapsed() < Duration::from_millis(300)
                {
                    ids = sessions(true);
                }
                for id in ids.split_whitespace() {
                    if s.try_sql(&format!("KILL {id}")).is_ok() {
                        killed.fetch_add(1, Ordering::SeqCst);
                        if busy {
                            killed_busy.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(150 + 50 * (round % 3)));
            }
        })
    };
    let out = run(&ini);
    stop.store(true, Ordering::SeqCst);
    killer.join().expect("the killer thread");
    let kills = killed.load(Ordering::SeqCst);
    let busy_kills = killed_busy.load(Ordering::SeqCst);

    out.assert_success();
    assert!(
        kills >= 5,
        "only {kills} sessions killed ({busy_kills} busy): the test proves nothing\n{out}"
    );
    out.output_contains("reconnected to");

    // Exactly once: no eligible row lost, none in both places, each archived row identical.
    let (src, arc, orig) = (db.q("t"), db.qa("t"), originals.q("t"));
    let lost = s.sql(&format!(
        "SELECT COUNT(*) FROM {orig} o WHERE o.{eligible}
           AND NOT EXISTS (SELECT 1 FROM {src} x WHERE x.id = o.id)
           AND NOT EXISTS (SELECT 1 FROM {arc} a WHERE a.id = o.id)"
    ));
    assert_eq!(lost.trim(), "0", "eligible rows lost");
    let doubled = s.sql(&format!(
        "SELECT COUNT(*) FROM {src} x JOIN {arc} a ON a.id = x.id"
    ));
    assert_eq!(
        doubled.trim(),
        "0",
        "rows both in the source and in the archive"
    );
    let archived = digest(&s, &db.archive(), "t", "1");
    let ids = format!("id IN (SELECT id FROM {arc})");
    assert_eq!(archived, digest(&s, &originals.name, "t", &ids));
    let left = format!("{eligible} AND id IN (SELECT id FROM {src})");
    assert_eq!(
        digest(&s, &db.name, "t", eligible),
        digest(&s, &originals.name, "t", &left)
    );
    assert_eq!(digest(&s, &db.name, "t", "deleted_at IS NULL"), live);

    // A quiet re-run finishes the job.
    run(&ini).assert_success();
    assert_eq!(count(&s, &db.name, "t", eligible), 0);
    assert_eq!(digest(&s, &db.archive(), "t", "1"), all_eligible);
    assert_eq!(digest(&s, &db.name, "t", "1"), live);
    eprintln!(
        "FAULTS connections killed: faults injected {kills} ({busy_kills} mid-statement), \
         rows checked {}, rows lost 0",
        all_eligible.0
    );
    drop(db);
    drop(originals);
}
