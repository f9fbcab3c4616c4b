//! [`galera_pair`]: a two-node Galera cluster of dedicated private servers on loopback, for the
//! tests of the Galera throttle. The first node bootstraps the cluster; the second joins it
//! through an rsync state transfer (Debian's `galera-4` and `rsync`, which `.ci/run` installs).
//! [`wsrep_status`] reads one of a node's `wsrep_%` counters.

use std::path::Path;
use std::time::{Duration, Instant};

use super::private::{pick_port, Launch};
use super::server::{dedicated_server_with, Server};

/// Where Debian (and most distributions) install the Galera 4 provider.
const PROVIDERS: &[&str] = &[
    "/usr/lib/galera/libgalera_smm.so",
    "/usr/lib/galera-4/libgalera_smm.so",
    "/usr/lib64/galera-4/libgalera_smm.so",
    "/usr/lib/libgalera_smm.so",
];

/// How long the joiner may take to be synced with the cluster.
const SYNC_TIMEOUT: Duration = Duration::from_secs(90);

/// The Galera provider library, or why there is none.
pub fn provider() -> Result<&'static str, String> {
    PROVIDERS
        .iter()
        .copied()
        .find(|p| Path::new(p).exists())
        .ok_or_else(|| {
            format!(
                "no Galera provider in {}: install galera-4 and rsync",
                PROVIDERS.join(", ")
            )
        })
}

/// Two synced nodes of one cluster: (the bootstrap node, the joiner). Both are stopped and
/// removed when dropped. Panics when Galera is not installed.
pub fn galera_pair() -> (Server, Server) {
    let provider = provider().unwrap_or_else(|e| panic!("{e}"));
    // Group communication and incremental-transfer ports of each node, and the joiner's rsync.
    let mut ports: Vec<u16> = Vec::new();
    for attempt in 0.. {
        let port = pick_port(attempt * 131 + 7).expect("a free loopback port");
        if !ports.contains(&port) {
            ports.push(port);
        }
        if ports.len() == 5 {
            break;
        }
    }
    let cluster = format!("gcomm://127.0.0.1:{},127.0.0.1:{}", ports[0], ports[2]);
    let node = |gcomm: u16, ist: u16| -> Vec<String> {
        vec![
            "--wsrep-on=ON".into(),
            format!("--wsrep-provider={provider}"),
            format!("--wsrep-cluster-address={cluster}"),
            format!("--wsrep-node-address=127.0.0.1:{gcomm}"),
            format!(
                "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{gcomm};\
                 ist.recv_addr=127.0.0.1:{ist};gcache.size=16M"
            ),
            "--wsrep-sst-method=rsync".into(),
            "--binlog-format=ROW".into(),
            "--innodb-autoinc-lock-mode=2".into(),
        ]
    };
    let first = dedicated_server_with(Launch {
        args: node(ports[0], ports[1]),
        first_args: vec!["--wsrep-new-cluster".into()],
        joiner: false,
        ..Launch::default()
    });
    let mut joiner_args = node(ports[2], ports[3]);
    joiner_args.push(format!(
        "--wsrep-sst-receive-address=127.0.0.1:{}",
        ports[4]
    ));
    let second = dedicated_server_with(Launch {
        args: joiner_args,
        first_args: Vec::new(),
        joiner: true,
        ..Launch::default()
    });
    let t0 = Instant::now();
    while wsrep_status(&second, "wsrep_local_state_comment") != "Synced"
        || wsrep_status(&first, "wsrep_cluster_size") != "2"
    {
        assert!(
            t0.elapsed() < SYNC_TIMEOUT,
            "the second Galera node is not synced: {}",
            wsrep_status(&second, "wsrep_local_state_comment")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (first, second)
}

/// A `SHOW GLOBAL STATUS` value of `node` (empty when it has none).
pub fn wsrep_status(node: &Server, name: &str) -> String {
    node.sql(&format!("SHOW GLOBAL STATUS LIKE '{name}'"))
        .split_once('\t')
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}
