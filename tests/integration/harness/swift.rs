//! [`swift()`]: a real OpenStack Swift on loopback for the Swift remote store tests, from
//! Debian's packages (swift, swift-proxy, swift-account, swift-container, swift-object,
//! memcached): one device in a temporary directory, rings with one replica built with
//! `swift-ring-builder`, the account, container and object servers and a proxy with TempAuth
//! (`test:tester` / `testing`, memcached behind it) on free loopback ports, its SLO middleware
//! taking 40 segments per manifest at most (so that a test can have one refused). Started once
//! per test binary; `None`, loudly, when the binaries are missing.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::services::{free_ports, http, service_dir, spawn, wait_port, which};

pub const USER: &str = "test:tester";
pub const KEY: &str = "testing";

/// The running Swift.
#[derive(Debug)]
pub struct Swift {
    pub proxy_port: u16,
}

impl Swift {
    /// The TempAuth URL: `http://127.0.0.1:<port>/auth/v1.0`.
    pub fn auth_url(&self) -> String {
        format!("http://127.0.0.1:{}/auth/v1.0", self.proxy_port)
    }

    /// A token and the storage URL, from TempAuth.
    pub fn login(&self) -> (String, String) {
        let (status, headers, _) = http(
            "GET",
            &self.auth_url(),
            &[("X-Auth-User", USER), ("X-Auth-Key", KEY)],
        );
        assert_eq!(status, 200, "TempAuth login");
        let h = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {n} from TempAuth"))
        };
        (h("x-auth-token"), h("x-storage-url"))
    }

    /// Puts `bytes` as `object` in `container` (created if missing), as another writer would.
    pub fn put(&self, container: &str, object: &str, bytes: &[u8]) {
        let (token, url) = self.login();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        for (target, body) in [
            (format!("{url}/{container}"), &b""[..]),
            (format!("{url}/{container}/{object}"), bytes),
        ] {
            let resp = agent
                .put(&target)
                .header("X-Auth-Token", &token)
                .send(body)
                .unwrap_or_else(|e| panic!("PUT {target}: {e}"));
            assert!(
                resp.status().is_success(),
                "PUT {target}: {}",
                resp.status()
            );
        }
    }

    /// An object's bytes (`None` when missing); `object` is already URL-encoded.
    pub fn get(&self, container: &str, object: &str) -> Option<Vec<u8>> {
        let (token, url) = self.login();
        super::services::http_get(
            &format!("{url}/{container}/{object}"),
            &[("X-Auth-Token", &token)],
        )
    }

    /// The names in a container (empty when it does not exist).
    pub fn list(&self, container: &str) -> Vec<String> {
        let (token, url) = self.login();
        super::services::http_get(&format!("{url}/{container}"), &[("X-Auth-Token", &token)])
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An object's metadata headers (HEAD).
    pub fn head(&self, container: &str, object: &str) -> Vec<(String, String)> {
        let (token, url) = self.login();
        let (status, headers, _) = http(
            "HEAD",
            &format!("{url}/{container}/{object}"),
            &[("X-Auth-Token", &token)],
        );
        assert_eq!(status, 200, "HEAD {container}/{object}");
        headers
    }
}

static SWIFT: OnceLock<Option<Swift>> = OnceLock::new();

const PROGRAMS: &[&str] = &[
    "swift-ring-builder",
    "swift-proxy-server",
    "swift-account-server",
    "swift-container-server",
    "swift-object-server",
    "memcached",
];

/// The shared Swift, started on first use; `None` (after saying so) when a binary is missing.
pub fn swift() -> Option<&'static Swift> {
    SWIFT
        .get_or_init(|| {
            let missing: Vec<&str> = PROGRAMS
                .iter()
                .copied()
                .filter(|p| which(p).is_none())
                .collect();
            if !missing.is_empty() || !Path::new("/etc/swift/swift.conf").exists() {
                eprintln!(
                    "\n*** SKIPPED: Swift is not installed ({} missing): the Swift remote store \
                     tests need apt-get install swift swift-proxy swift-account swift-container \
                     swift-object memcached (.ci/run installs them) ***\n",
                    if missing.is_empty() {
                        "/etc/swift/swift.conf".to_string()
                    } else {
                        missing.join(", ")
                    }
                );
                return None;
            }
            Some(launch().unwrap_or_else(|e| panic!("cannot start Swift: {e}")))
        })
        .as_ref()
}

fn launch() -> Result<Swift, String> {
    let dir = service_dir("swift");
    let d = dir.display().to_string();
    std::fs::create_dir_all(dir.join("devices/d1")).map_err(|e| e.to_string())?;
    let ports = free_ports(5);
    let (memcached, proxy) = (ports[0], ports[1]);
    let servers = [
        ("account", ports[2]),
        ("container", ports[3]),
        ("object", ports[4]),
    ];
    for (name, port) in servers {
        let builder = format!("{d}/{name}.builder");
        for args in [
            vec!["create", "0", "1", "1"],
            vec!["add", &format!("r1z1-127.0.0.1:{port}/d1"), "1"],
            vec!["rebalance"],
        ] {
            let out = Command::new("swift-ring-builder")
                .arg(&builder)
                .args(&args)
                .output()
                .map_err(|e| e.to_string())?;
            // rebalance exits 1 with a warning on a one-device ring; the ring is written.
            if !out.status.success() && args[0] != "rebalance" {
                return Err(format!(
                    "swift-ring-builder {args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        if !dir.join(format!("{name}.ring.gz")).exists() {
            return Err(format!("swift-ring-builder wrote no {name}.ring.gz"));
        }
        let conf = format!(
            "[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = {port}\nuser = root\nswift_dir = {d}\n\
             devices = {d}/devices\nmount_check = false\nworkers = 1\nlog_name = {name}\n\n\
             [pipeline:main]\npipeline = {name}-server\n\n[app:{name}-server]\nuse = egg:swift#{name}\n"
        );
        std::fs::write(dir.join(format!("{name}.conf")), conf).map_err(|e| e.to_string())?;
    }
    let conf = format!(
        "[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = {proxy}\nuser = root\nswift_dir = {d}\nworkers = 1\n\n\
         [pipeline:main]\npipeline = catch_errors proxy-logging cache tempauth slo proxy-logging proxy-server\n\n\
         [app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n\
         [filter:catch_errors]\nuse = egg:swift#catch_errors\n\n\
         [filter:proxy-logging]\nuse = egg:swift#proxy_logging\n\n\
         [filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:{memcached}\n\n\
         [filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = testing .admin\n\n\
         [filter:slo]\nuse = egg:swift#slo\nmax_manifest_segments = 40\n"
    );
    std::fs::write(dir.join("proxy.conf"), conf).map_err(|e| e.to_string())?;
    let program = |p: &str| which(p).expect("checked above");
    spawn(
        &program("memcached"),
        &[
            "-u",
            "root",
            "-l",
            "127.0.0.1",
            "-p",
            &memcached.to_string(),
            "-U",
            "0",
        ],
        &[],
        &dir,
        "memcached",
    )?;
    for (name, _) in servers {
        spawn(
            &program(&format!("swift-{name}-server")),
            &[&format!("{d}/{name}.conf")],
            &[],
            &dir,
            name,
        )?;
    }
    spawn(
        &program("swift-proxy-server"),
        &[&format!("{d}/proxy.conf")],
        &[],
        &dir,
        "proxy",
    )?;
    let timeout = Duration::from_secs(60);
    wait_port(memcached, timeout, &dir.join("memcached.log"))?;
    for (name, port) in servers {
        wait_port(port, timeout, &dir.join(format!("{name}.log")))?;
    }
    wait_port(proxy, timeout, &dir.join("proxy.log"))?;
    let swift = Swift { proxy_port: proxy };
    // The proxy answers once its workers are up.
    let started = Instant::now();
    loop {
        let (status, _, _) = http(
            "GET",
            &swift.auth_url(),
            &[("X-Auth-User", USER), ("X-Auth-Key", KEY)],
        );
        if status == 200 {
            return Ok(swift);
        }
        if started.elapsed() > timeout {
            return Err(format!("TempAuth answers {status}; see {d}/proxy.log"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
