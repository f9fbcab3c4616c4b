//! `max_wsrep_recv_queue` and `max_flow_control_paused` on a real two-node Galera cluster
//! (dedicated servers). `FLUSH TABLES WITH READ LOCK` on the second node stops its appliers
//! while the first node keeps writing, so the second node's `wsrep_local_recv_queue` grows.
//! A run archiving from the second node to files pauses its deletes while the queue is over the
//! limit, says so, and resumes by itself once the lock is gone and the queue has drained. The
//! flow-control share is read from `wsrep_flow_control_paused_ns` at each check (the debug log
//! shows it); it stays under its limit here, so it must not be named as a cause.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::galera::{galera_pair, wsrep_status};
use crate::harness::{server, Ini, Osarchiver, ScratchDb, ENV_VAR};

use super::{eligible_table, rows};

#[test]
fn deletes_pause_while_the_galera_receive_queue_is_long() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED deletes_pause_while_the_galera_receive_queue_is_long: {ENV_VAR} names an external server"
        );
        return;
    }
    let (first, second) = galera_pair();
    let second = Arc::new(second);
    let db = ScratchDb::create(&first, "galera");
    eligible_table(&db, 200);
    db.sql("CREATE TABLE filler (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
    // Galera replicates synchronously but applies asynchronously: wait for the table there.
    let t0 = Instant::now();
    while rows(&second, &db.name) != 201 {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "t did not reach the second node"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let hold = Duration::from_secs(4);
    let holder = {
        let second = Arc::clone(&second);
        let sql = format!(
            "FLUSH TABLES WITH READ LOCK; DO SLEEP({}); UNLOCK TABLES;",
            hold.as_secs()
        );
        std::thread::spawn(move || {
            second.sql(&sql);
            Instant::now()
        })
    };
    let t0 = Instant::now();
    while second
        .sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP%'")
        .trim()
        != "1"
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the lock holder did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let inserts: String = (0..40)
        .map(|i| format!("INSERT INTO filler (v) VALUES ({i});\n"))
        .collect();
    db.sql(&inserts);
    let queue = || {
        wsrep_status(&second, "wsrep_local_recv_queue")
            .parse::<u64>()
            .unwrap_or(0)
    };
    while queue() < 20 {
        assert!(
            t0.elapsed() < hold,
            "the receive queue does not grow: {}",
            queue()
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = Osarchiver::new()
        .config_text(
            Ini::new(&second, &[&db.name])
                .set("archiver:test", "dst", "files")
                .set("dst:files", "backend", "file")
                .set("dst:files", "directory", dir.path().display())
                .set("dst:files", "formats", "csv")
                .set("dst:files", "archive_format", "gz")
                .src("tables", "t")
                .src("max_wsrep_recv_queue", 10)
                .src("max_flow_control_paused", 0.9)
                .text(),
        )
        .arg("--log-level")
        .arg("debug")
        .run();
    let run_end = Instant::now();
    let released = holder.join().expect("the lock holder");
    out.assert_success()
        .output_contains("throttle: pausing deletes: Galera wsrep_local_recv_queue is")
        .output_contains("(max_wsrep_recv_queue = 10)")
        .output_contains("throttle: resuming deletes after a pause of")
        .output_contains("wsrep_flow_control_paused_ns")
        .output_lacks("Galera flow control paused replication");
    assert!(
        run_end > released,
        "the run ended while the receive queue was still long\n{out}"
    );
    assert_eq!(out.table_row(&db.name, "t").num("deleted"), 200);
    assert_eq!(rows(&second, &db.name), 1);
    // The deletes went to the whole cluster.
    let t0 = Instant::now();
    while rows(&first, &db.name) != 1 {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the deletes did not reach the first node"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
