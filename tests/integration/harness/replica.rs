//! [`replica_pair`]: two dedicated private servers, a primary writing a binary log and a replica
//! replicating from it, for the tests of the replication-lag throttle; and the few questions
//! those tests ask of a replica ([`seconds_behind`], [`wait_caught_up`]).

use std::time::{Duration, Instant};

use super::private::Launch;
use super::server::{dedicated_server_with, Server};

/// How long a replica may take to start replicating or to catch up.
const REPLICA_TIMEOUT: Duration = Duration::from_secs(60);

/// A primary and a replica of it, replicating from the primary's first binary log (so it sees
/// everything the test does on the primary). Both are stopped and removed when dropped.
pub fn replica_pair() -> (Server, Server) {
    let primary = dedicated_server_with(Launch {
        args: vec![
            "--server-id=1".into(),
            "--log-bin=primary-bin".into(),
            "--binlog-format=ROW".into(),
        ],
        ..Launch::default()
    });
    let replica = dedicated_server_with(Launch {
        args: vec!["--server-id=2".into(), "--relay-log=replica-relay".into()],
        ..Launch::default()
    });
    replica.sql(&format!(
        "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {}, MASTER_USER = 'root', \
         MASTER_PASSWORD = '', MASTER_USE_GTID = no, MASTER_CONNECT_RETRY = 1;
         START SLAVE;",
        primary.port()
    ));
    let t0 = Instant::now();
    while slave_status(&replica, "Slave_IO_Running").as_deref() != Some("Yes")
        || slave_status(&replica, "Slave_SQL_Running").as_deref() != Some("Yes")
    {
        assert!(
            t0.elapsed() < REPLICA_TIMEOUT,
            "the replica does not replicate: {}",
            replica.sql_with(&["--column-names", "-E"], "SHOW SLAVE STATUS")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (primary, replica)
}

/// One field of `SHOW SLAVE STATUS` on `replica`; `None` when it is not a replica.
pub fn slave_status(replica: &Server, field: &str) -> Option<String> {
    let out = replica.sql_with(&["--column-names", "-E"], "SHOW SLAVE STATUS");
    out.lines().find_map(|line| {
        let (name, value) = line.trim_start().split_once(": ")?;
        (name == field).then(|| value.trim().to_string())
    })
}

/// `Seconds_Behind_Master`; `None` when it is NULL or `replica` does not replicate.
pub fn seconds_behind(replica: &Server) -> Option<u64> {
    slave_status(replica, "Seconds_Behind_Master")?.parse().ok()
}

/// Waits until `replica` has applied everything `primary` has written so far.
pub fn wait_caught_up(primary: &Server, replica: &Server) {
    let pos = primary.sql("SELECT @@gtid_binlog_pos");
    let timeout = REPLICA_TIMEOUT.as_secs();
    let waited = replica.sql(&format!(
        "SELECT MASTER_GTID_WAIT('{}', {timeout})",
        pos.trim()
    ));
    assert_eq!(
        waited.trim(),
        "0",
        "the replica did not catch up with {} in {timeout}s",
        pos.trim()
    );
}
