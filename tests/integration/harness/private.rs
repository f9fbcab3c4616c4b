//! A private `mariadbd`: bootstrapped with `mariadb-install-db` in a temporary directory, listening
//! on a free loopback port, root without a password over TCP.
//!
//! Each program (the bootstrap, then every start of the server) is run through a small `sh`
//! wrapper that starts a watchdog and then `exec`s the program in a process group of its own,
//! so the [`Child`] held here *is* `mariadbd` ([`PrivateServer::kill`] SIGKILLs the server
//! itself, as a crash would). The watchdog, in a session of its own, polls the test process and
//! the group: when the test process is gone while the group still runs (the test binary crashed
//! or was killed, so no `atexit` hook ran), it SIGKILLs the group and removes the directory;
//! when the group is gone first (a test's `kill`, the normal shutdown, the end of the
//! bootstrap), it just exits.

use std::ffi::OsString;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::client::{find_program, run_sql, INSTALL_HINT};

/// How long a start may take before the harness gives up (crash recovery included).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Ports are taken below Linux's ephemeral range (32768-60999), so that no outgoing connection
/// can hold the port while a killed server is being restarted on it.
const PORT_RANGE: std::ops::Range<u16> = 20000..32000;

/// The watchdog and the `exec`. Arguments: `$1` the test process, `$2` the directory to remove,
/// then the command line to run. `setsid` (util-linux, on every Debian) keeps the watchdog out of
/// the group it kills.
const WRAPPER: &str = r#"
parent=$1; dir=$2; shift 2
setsid sh -c '
  parent=$1; group=$2; dir=$3
  while kill -0 "-$group" 2>/dev/null; do
    if ! kill -0 "$parent" 2>/dev/null; then
      kill -9 "-$group" 2>/dev/null
      sleep 1
      rm -rf "$dir"
      exit 0
    fi
    sleep 0.5
  done
' osarchiver-test-watchdog "$parent" "$$" "$dir" </dev/null >/dev/null 2>&1 &
exec "$@"
"#;

/// A command that runs `program` through [`WRAPPER`] in a new process group, watched on behalf
/// of `dir`.
pub(super) fn watched(program: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(WRAPPER)
        .arg("osarchiver-test-wrapper") // $0
        .arg(std::process::id().to_string())
        .arg(dir)
        .arg(program)
        // Its own process group: the watchdog kills it whole, and a Ctrl-C meant for the
        // tests does not reach it.
        .process_group(0);
    cmd
}

/// How a private server differs from the plain one: the settings of a replication source or a
/// Galera node.
#[derive(Debug, Default, Clone)]
pub struct Launch {
    /// Server options added to every start.
    pub args: Vec<String>,
    /// Server options added to the first start only (`--wsrep-new-cluster`).
    pub first_args: Vec<String>,
    /// No bootstrap: the server starts on an empty data directory, which a Galera state
    /// transfer (rsync) fills. The directory is handed to `nobody`, as rsync's daemon runs
    /// under that user when started by root.
    pub joiner: bool,
    /// Added to the name of the server's directory (a data directory whose path is not UTF-8).
    pub dir_suffix: Option<std::ffi::OsString>,
}

/// A private server and its directory.
#[derive(Debug)]
pub struct PrivateServer {
    dir: PathBuf,
    port: u16,
    mariadbd: PathBuf,
    launch: Launch,
    process: Mutex<Option<Child>>,
}

impl PrivateServer {
    /// Bootstraps a data directory and starts the server on it.
    pub fn launch() -> Result<PrivateServer, String> {
        PrivateServer::launch_with(Launch::default())
    }

    /// [`Self::launch`], with the differences `launch` says.
    pub fn launch_with(launch: Launch) -> Result<PrivateServer, String> {
        let (Some(install_db), Some(mariadbd)) = (
            find_program(&["mariadb-install-db", "mysql_install_db"]),
            find_program(&["mariadbd", "mysqld"]),
        ) else {
            return Err(format!(
                "mariadb-install-db or mariadbd not found, and {} is not set: {INSTALL_HINT}",
                super::ENV_VAR
            ));
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix("osarchiver-mariadb-");
        if let Some(suffix) = &launch.dir_suffix {
            builder.suffix(suffix);
        }
        let dir = builder
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?
            .keep();
        let mut server = PrivateServer {
            dir,
            port: 0,
            mariadbd,
            launch,
            process: Mutex::new(None),
        };
        // From here on, an error drops `server`, which removes the directory.
        if server.launch.joiner {
            server.empty_data_dir()?;
        } else {
            // A loaded machine (many test binaries starting servers at once) has been seen to
            // fail a bootstrap now and then: try again on a clean data directory.
            let mut tries = 0;
            while let Err(e) = server.bootstrap(&install_db) {
                tries += 1;
                if tries == 3 {
                    return Err(e);
                }
                eprintln!("bootstrap failed (try {tries} of 3), again in 2 s: {e}");
                let _ = std::fs::remove_dir_all(server.data_dir());
                std::thread::sleep(std::time::Duration::from_secs(2));
            }
        }
        let mut last_error = String::new();
        for attempt in 0..5 {
            server.port = pick_port(attempt).ok_or("no free loopback port")?;
            match server.spawn_and_wait(false) {
                Ok(child) => {
                    *server.process.lock().unwrap() = Some(child);
                    server.check_root_over_tcp()?;
                    return Ok(server);
                }
                // Another process took the port between our probe and the server's bind.
                Err(e) if e.contains("already in use") || e.contains("Bind on") => last_error = e,
                Err(e) => return Err(e),
            }
        }
        Err(last_error)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn error_log(&self) -> PathBuf {
        self.dir.join("error.log")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Sends `signal` to `mariadbd` (the wrapper `exec`s it: the child's pid is the server's).
    pub fn signal(&self, signal: i32) {
        if let Some(child) = self.process.lock().unwrap().as_ref() {
            // SAFETY: kill(2) with our own child's pid.
            unsafe {
                libc::kill(child.id() as i32, signal);
            }
        }
    }

    /// Arguments for the `mariadb` client.
    pub fn cli_args(&self) -> Vec<String> {
        vec![
            "-h".into(),
            "127.0.0.1".into(),
            "-P".into(),
            self.port.to_string(),
            "-u".into(),
            "root".into(),
            "--protocol=TCP".into(),
        ]
    }

    /// The data directory of a Galera joiner: empty, reachable and writable by `nobody`.
    fn empty_data_dir(&self) -> Result<(), String> {
        let data = self.data_dir();
        fs::create_dir(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("cannot open {} to rsync: {e}", self.dir.display()))?;
        // Only root can give the directory away, and only root's rsync daemon changes user.
        let out = Command::new("id").arg("-u").output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0") {
            let status = Command::new("chown")
                .arg("nobody:nogroup")
                .arg(&data)
                .status()
                .map_err(|e| format!("cannot run chown: {e}"))?;
            if !status.success() {
                return Err(format!("chown nobody:nogroup {} failed", data.display()));
            }
        }
        Ok(())
    }

    fn bootstrap(&self, install_db: &Path) -> Result<(), String> {
        let out = watched(install_db, &self.dir)
            .arg("--no-defaults")
            .arg("--auth-root-authentication-method=normal")
            .arg(path_option("--datadir=", &self.data_dir()))
            .args(["--user=root", "--skip-test-db", "--skip-name-resolve"])
            .args(self.innodb_args())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", install_db.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} failed ({}):\n{}\n{}",
                install_db.display(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// Settings given to the bootstrap and to every start. The log is kept small (the default
    /// 512 MiB file would be written out in full in every test run); durability stays the
    /// default, as crash tests rely on it.
    fn innodb_args(&self) -> Vec<String> {
        vec![
            "--innodb-log-file-size=32M".into(),
            "--innodb-buffer-pool-size=128M".into(),
        ]
    }

    fn server_args(&self, restart: bool) -> Vec<OsString> {
        let d = &self.dir;
        let mut args: Vec<OsString> = vec![
            "--no-defaults".into(),
            path_option("--datadir=", &self.data_dir()),
            path_option("--socket=", &d.join("mysqld.sock")),
            path_option("--pid-file=", &d.join("mysqld.pid")),
            // A tmpdir of its own: a starting mariadbd deletes every `#sql*` file of its tmpdir,
            // which, in a shared /tmp, are the temporary tables other servers are using.
            path_option("--tmpdir=", &d.join("tmp")),
            path_option("--log-error=", &self.error_log()),
            format!("--port={}", self.port).into(),
            "--bind-address=127.0.0.1".into(),
            "--user=root".into(),
            "--skip-name-resolve".into(),
            "--character-set-server=utf8mb4".into(),
            "--collation-server=utf8mb4_general_ci".into(),
            "--max-connections=500".into(),
            "--innodb-buffer-pool-load-at-startup=0".into(),
            "--innodb-buffer-pool-dump-at-shutdown=0".into(),
            // LOAD DATA LOCAL INFILE restores CSV archives (MariaDB's default, said explicitly).
            "--local-infile=1".into(),
        ];
        args.extend(self.innodb_args().into_iter().map(OsString::from));
        args.extend(self.launch.args.iter().map(OsString::from));
        if !restart {
            args.extend(self.launch.first_args.iter().map(OsString::from));
        }
        if restart {
            // The killed server's port may take a moment to be free again.
            args.push("--port-open-timeout=30".into());
        }
        args
    }

    /// Starts `mariadbd` and waits until it answers SQL on its port.
    fn spawn_and_wait(&self, restart: bool) -> Result<Child, String> {
        let log_offset = fs::metadata(self.error_log()).map(|m| m.len()).unwrap_or(0);
        fs::create_dir_all(self.dir.join("tmp"))
            .map_err(|e| format!("cannot create the server's tmpdir: {e}"))?;
        let mut child = watched(&self.mariadbd, &self.dir)
            .args(self.server_args(restart))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.mariadbd.display()))?;
        match self.wait_ready(&mut child) {
            Ok(()) => Ok(child),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("{e}\n{}", self.log_since(log_offset)))
            }
        }
    }

    fn wait_ready(&self, child: &mut Child) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        // Compared as hex: the path need not be UTF-8.
        let expected_datadir: String = self
            .data_dir()
            .as_os_str()
            .as_bytes()
            .iter()
            .chain(b"/")
            .map(|b| format!("{b:02X}"))
            .collect();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "mariadbd exited during startup ({status}); its error log says:"
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok() {
                // Something listens; make sure it is this server and that it answers SQL.
                if let Ok(out) = run_sql(&self.cli_args(), "SELECT HEX(@@datadir)") {
                    if out.trim() == expected_datadir {
                        return Ok(());
                    }
                    return Err(format!(
                        "port {} answers with another server (datadir {})",
                        self.port,
                        out.trim()
                    ));
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "mariadbd did not accept connections within {START_TIMEOUT:?}; its error log says:"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// root must reach the server over TCP without a password; the bootstrap above makes it so.
    fn check_root_over_tcp(&self) -> Result<(), String> {
        let who = run_sql(&self.cli_args(), "SELECT CURRENT_USER()")
            .map_err(|e| format!("root cannot log in over TCP without a password: {e}"))?;
        if !who.trim().starts_with("root@") {
            return Err(format!("logged in as {who:?}, expected root"));
        }
        Ok(())
    }

    fn log_since(&self, offset: u64) -> String {
        let mut text = String::new();
        if let Ok(mut f) = fs::File::open(self.error_log()) {
            let _ = f.seek(SeekFrom::Start(offset));
            let _ = f.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(40)..];
        format!(
            "--- {} (last {} lines) ---\n{}",
            self.error_log().display(),
            tail.len(),
            tail.join("\n")
        )
    }

    /// What to add to a failed statement's message when the server may be the cause: when the
    /// client lost or could not make its connection, whether `mariadbd` still runs and the
    /// end of its error log (a crash's stack trace, an out-of-memory kill's silence).
    pub fn diagnose(&self, error: &str) -> Option<String> {
        const LOST: [&str; 4] = ["ERROR 2002", "ERROR 2003", "ERROR 2006", "ERROR 2013"];
        if !LOST.iter().any(|code| error.contains(code)) {
            return None;
        }
        let state = match self
            .process
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            None => "mariadbd is stopped (killed by a test)".to_string(),
            Some(child) => match child.try_wait() {
                Ok(None) => "mariadbd is still running".to_string(),
                Ok(Some(status)) => format!("mariadbd has exited ({status})"),
                Err(e) => format!("mariadbd's state is unknown ({e})"),
            },
        };
        // A full disk stops InnoDB and the connections with it.
        let space = Command::new("df")
            .arg("-h")
            .arg(&self.dir)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        Some(format!("{state}\n{space}{}", self.log_since(0)))
    }

    /// SIGKILLs `mariadbd`, as a crash would. Does nothing when it is not running.
    pub fn kill(&self) {
        let mut process = self.process.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut child) = process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same data directory and port (after [`Self::kill`]);
    /// does nothing when it is running.
    pub fn start(&self) {
        let mut process = self.process.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(child) = process.as_mut() {
            if matches!(child.try_wait(), Ok(None)) {
                return;
            }
        }
        match self.spawn_and_wait(true) {
            Ok(child) => *process = Some(child),
            Err(e) => panic!("cannot restart the private MariaDB server: {e}"),
        }
    }

    /// Kills the server and removes its directory.
    pub fn shutdown(&self) {
        self.kill();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// `name` (`--datadir=`) followed by `path`, byte for byte (`display()` would replace what is
/// not UTF-8).
fn path_option(name: &str, path: &Path) -> OsString {
    let mut option = OsString::from(name);
    option.push(path.as_os_str());
    option
}

/// A port in [`PORT_RANGE`] that can be bound now, starting from a place that differs between
/// processes and attempts (several test binaries may start servers at the same time).
pub(super) fn pick_port(attempt: u32) -> Option<u16> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let span = u32::from(PORT_RANGE.end - PORT_RANGE.start);
    let start = (std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(nanos)
        .wrapping_add(attempt * 997))
        % span;
    (0..span)
        .map(|i| PORT_RANGE.start + ((start + i) % span) as u16)
        .find(|&port| TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok())
}
