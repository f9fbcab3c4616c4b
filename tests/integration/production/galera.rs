//! `max_wsrep_recv_queue` and `max_flow_control_paused` on a real two-node Galera cluster
//! (dedicated servers), in two acts on one cluster:
//!
//! - the receive queue: `FLUSH TABLES WITH READ LOCK` on the second node stops its appliers while
//!   the first node keeps writing, so the second node's `wsrep_local_recv_queue` grows; a run
//!   archiving from the second node pauses its deletes while the queue is over the limit;
//! - flow control: an UPDATE of a table without a primary key, which the second node applies row
//!   by row with a full scan each, keeps its applier busy for seconds while more writes queue up
//!   behind it; past `gcs.fc_limit` the cluster is paused by flow control
//!   (`wsrep_flow_control_paused_ns` grows on the first node). A run archiving from the first
//!   node pauses its deletes until flow control lets go.
//!
//! In both, the log names the cause and the run resumes by itself and archives everything. The
//! runs write to files: an archive table on the same cluster would be held up by the same
//! pressure before the deletes are reached.
//!
//! A third act archives into the other node with no `db_suffix`: the cluster's data is one, so
//! an archive table of the source table's own name there is the source table itself, and is
//! refused (the dry run alike); with a `db_suffix` the archive goes there.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::galera::{galera_pair, wsrep_status};
use crate::harness::{server, Ini, Osarchiver, ScratchDb, Server, ENV_VAR};

use super::pressure::{in_background, run_through, wait_running, wait_until};
use super::{eligible_table, rows};

#[test]
fn deletes_pause_under_galera_pressure_and_the_other_node_is_no_archive_of_the_same_name() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED deletes_pause_under_galera_pressure_and_the_other_node_is_no_archive_of_the_same_name: {ENV_VAR} names an external server"
        );
        return;
    }
    let (first, second) = galera_pair();
    let (first, second) = (Arc::new(first), Arc::new(second));
    receive_queue(&first, &second);
    flow_control(&first, &second);
    the_other_node(&first, &second);
}

fn the_other_node(first: &Arc<Server>, second: &Arc<Server>) {
    let db = ScratchDb::create(first, "gother");
    eligible_table(&db, 200);
    wait_until("t on the second node", Duration::from_secs(10), || {
        rows(second, &db.name) == 201
    });
    let ini = Ini::new(first, &[&db.name]).dst_server(second);
    for dry in [true, false] {
        let cmd = Osarchiver::new().config_text(ini.text());
        let out = if dry { cmd.arg("--dry-run") } else { cmd }.run();
        out.assert_code(1)
            .output_contains("both are nodes of one Galera cluster");
    }
    assert_eq!(rows(first, &db.name), 201);
    let out = Osarchiver::new()
        .config_text(ini.dst("db_suffix", "_archive").text())
        .run();
    out.assert_success();
    assert_eq!(rows(first, &db.name), 1);
    assert_eq!(rows(second, &db.archive()), 200);
    wait_until(
        "the archive on the first node",
        Duration::from_secs(10),
        || rows(first, &db.archive()) == 200,
    );
}

/// The configuration of a run archiving `db.t` from `source` to CSV files in `dir`.
fn to_files(source: &Server, db: &str, dir: &std::path::Path) -> Ini {
    Ini::new(source, &[db])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.display())
        .set("dst:files", "formats", "csv")
        .set("dst:files", "archive_format", "gz")
        .src("tables", "t")
}

fn receive_queue(first: &Arc<Server>, second: &Arc<Server>) {
    let db = ScratchDb::create(first, "gqueue");
    eligible_table(&db, 200);
    db.sql("CREATE TABLE filler (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
    // Galera replicates synchronously but applies asynchronously: wait for the rows there.
    wait_until("t on the second node", Duration::from_secs(10), || {
        rows(second, &db.name) == 201
    });

    let hold = Duration::from_secs(4);
    let holder = in_background(
        second,
        format!(
            "FLUSH TABLES WITH READ LOCK; DO SLEEP({}); UNLOCK TABLES;",
            hold.as_secs()
        ),
    );
    wait_running(second, "DO SLEEP", 1);
    let inserts: String = (0..40)
        .map(|i| format!("INSERT INTO filler (v) VALUES ({i});\n"))
        .collect();
    db.sql(&inserts);
    wait_until("the receive queue", hold / 2, || {
        wsrep_status(second, "wsrep_local_recv_queue")
            .parse::<u64>()
            .unwrap_or(0)
            >= 20
    });

    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = run_through(
        Osarchiver::new()
            .config_text(
                to_files(second, &db.name, dir.path())
                    .src("max_wsrep_recv_queue", 10)
                    .src("max_flow_control_paused", 0.9)
                    .text(),
            )
            .arg("--log-level")
            .arg("debug"),
        [holder],
        "Galera wsrep_local_recv_queue is",
    );
    out.output_contains("(max_wsrep_recv_queue = 10)")
        .output_contains("wsrep_flow_control_paused_ns")
        // The second node is desynced while it holds the lock: no flow control.
        .output_lacks("Galera flow control paused");
    assert_eq!(out.table_row(&db.name, "t").num("deleted"), 200);
    assert_eq!(rows(second, &db.name), 1);
    wait_until(
        "the deletes on the first node",
        Duration::from_secs(10),
        || rows(first, &db.name) == 1,
    );
}

fn flow_control(first: &Arc<Server>, second: &Arc<Server>) {
    let db = ScratchDb::create(first, "gflow");
    eligible_table(&db, 200);
    db.sql(
        "CREATE TABLE filler (id INT AUTO_INCREMENT PRIMARY KEY, v INT);
         CREATE TABLE slow (v INT, w INT);
         INSERT INTO slow SELECT seq, 0 FROM seq_1_to_5000;",
    );
    wait_until("slow on the second node", Duration::from_secs(10), || {
        crate::harness::digest::count(second, &db.name, "slow", "1") == 5000
    });

    // The UPDATE commits at once on the first node; the writes after it wait for flow control,
    // so the writer's end is when flow control let go.
    let mut sql = format!("USE `{}`; UPDATE slow SET w = w + 1;\n", db.name);
    for i in 0..40 {
        sql.push_str(&format!("INSERT INTO filler (v) VALUES ({i});\n"));
    }
    let writer = in_background(first, sql);
    let paused_ns = || {
        wsrep_status(first, "wsrep_flow_control_paused_ns")
            .parse::<u64>()
            .unwrap_or(0)
    };
    let before = paused_ns();
    wait_until("flow control", Duration::from_secs(4), || {
        paused_ns() > before + 200_000_000
    });

    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = run_through(
        Osarchiver::new().config_text(
            to_files(first, &db.name, dir.path())
                .src("max_flow_control_paused", 0.5)
                .text(),
        ),
        [writer],
        "Galera flow control paused replication",
    );
    out.output_contains("of the time since the previous check (max_flow_control_paused = 0.5)");
    assert_eq!(out.table_row(&db.name, "t").num("deleted"), 200);
    assert_eq!(rows(first, &db.name), 1);
    wait_until(
        "the deletes on the second node",
        Duration::from_secs(30),
        || rows(second, &db.name) == 1,
    );
}
