//! TEMPORARY STAND-IN for the integration-test harness, written in the `mysql` worktree so the
//! MySQL-layer tests can run before the real harness lands. It implements the agreed API
//! against the machine's shared MariaDB on 127.0.0.1:3306 (root, no password) and is to be
//! REPLACED by the real `tests/integration/harness/mod.rs` at merge.
//!
//! Being shared, this server cannot be killed or restarted: [`Server::is_private`] is false and
//! [`Server::kill`], [`Server::start`] and [`Server::restart`] panic.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A MariaDB server the tests may use.
pub struct Server {
    host: String,
    port: u16,
    user: String,
}

/// The server for this test run.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| Server {
        host: "127.0.0.1".to_owned(),
        port: 3306,
        user: "root".to_owned(),
    })
}

/// A database name no other test (in this process or another) uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos:x}", std::process::id())
}

impl Server {
    pub fn host(&self) -> String {
        self.host.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn user(&self) -> String {
        self.user.clone()
    }

    pub fn password(&self) -> Option<String> {
        None
    }

    pub fn url(&self) -> String {
        format!("mysql://{}@{}:{}", self.user, self.host, self.port)
    }

    /// Runs `sql` with the `mariadb` client (batch mode, no column names); panics on failure.
    pub fn sql(&self, sql: &str) -> String {
        self.try_sql(sql)
            .unwrap_or_else(|e| panic!("SQL failed: {e}\n--- SQL ---\n{sql}"))
    }

    /// Runs `sql` with the `mariadb` client; `Err(stderr)` on failure.
    pub fn try_sql(&self, sql: &str) -> Result<String, String> {
        let mut child = Command::new("mariadb")
            .args(["--batch", "-N", "-h"])
            .arg(&self.host)
            .arg("-P")
            .arg(self.port.to_string())
            .arg("-u")
            .arg(&self.user)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run mariadb: {e}"))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = sql.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| format!("mariadb: {e}"))?;
        writer
            .join()
            .expect("stdin writer")
            .map_err(|e| format!("writing to mariadb: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Whether this server belongs to the test run (and may be killed and restarted).
    pub fn is_private(&self) -> bool {
        false
    }

    pub fn kill(&self) {
        panic!("the stand-in harness uses the shared server, which cannot be killed");
    }

    pub fn start(&self) {
        panic!("the stand-in harness uses the shared server, which cannot be started");
    }

    pub fn restart(&self) {
        panic!("the stand-in harness uses the shared server, which cannot be restarted");
    }
}
