//! [`Osarchiver`]: runs the real `osarchiver` binary, as an operator would, and [`Output`]: what
//! it did, with assertions that print the whole command and output when they fail.
//!
//! ```ignore
//! Osarchiver::new()
//!     .config_text("[archiver:a]\nsrc = x\n")
//!     .arg("--check-config")
//!     .run()
//!     .assert_code(2)
//!     .stdout_contains("[archiver:a]");
//! ```

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary under test, built by cargo for this test target.
pub const BINARY: &str = env!("CARGO_BIN_EXE_osarchiver");

/// How long a run may take unless [`Osarchiver::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// A command line for the binary, with a temporary directory of its own for the configuration
/// file and whatever the run writes (archives, logs).
#[must_use]
pub struct Osarchiver {
    dir: TempDir,
    config: Option<PathBuf>,
    /// A subcommand (`restore`), before `--config`.
    subcommand: Option<OsString>,
    args: Vec<OsString>,
    envs: Vec<(OsString, Option<OsString>)>,
    current_dir: Option<PathBuf>,
    timeout: Duration,
    terminal: bool,
}

impl Default for Osarchiver {
    fn default() -> Self {
        Self::new()
    }
}

impl Osarchiver {
    pub fn new() -> Osarchiver {
        Osarchiver {
            dir: tempfile::Builder::new()
                .prefix("osarchiver-run-")
                .tempdir()
                .expect("cannot create a temporary directory"),
            config: None,
            subcommand: None,
            args: Vec::new(),
            envs: Vec::new(),
            current_dir: None,
            timeout: DEFAULT_TIMEOUT,
            terminal: false,
        }
    }

    /// The run's temporary directory (kept until the [`Output`] is dropped): a place for the
    /// configuration's `directory = ...`, log files and the like.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `osarchiver.ini` in [`Self::dir`] and passes `--config` with its path
    /// before the other arguments.
    pub fn config_text(mut self, text: impl AsRef<str>) -> Osarchiver {
        let path = self.dir.path().join("osarchiver.ini");
        std::fs::write(&path, text.as_ref()).expect("cannot write the configuration file");
        self.config = Some(path);
        self
    }

    /// Passes `--config PATH` (an existing file, or a missing one on purpose).
    pub fn config_file(mut self, path: impl AsRef<Path>) -> Osarchiver {
        self.config = Some(path.as_ref().to_path_buf());
        self
    }

    /// Runs a subcommand (`restore`): its name comes first, before `--config`.
    pub fn subcommand(mut self, name: impl AsRef<OsStr>) -> Osarchiver {
        self.subcommand = Some(name.as_ref().to_os_string());
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Osarchiver {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Osarchiver
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Osarchiver {
        self.envs.push((
            key.as_ref().to_os_string(),
            Some(value.as_ref().to_os_string()),
        ));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Osarchiver {
        self.envs.push((key.as_ref().to_os_string(), None));
        self
    }

    /// The working directory of the run (default: the test's).
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Osarchiver {
        self.current_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Kill the run and fail the test after this long (default 300 s).
    pub fn timeout(mut self, timeout: Duration) -> Osarchiver {
        self.timeout = timeout;
        self
    }

    /// Runs the binary in a pseudo-terminal of 120 columns by 40 rows (util-linux `script`), as
    /// at an operator's shell: its stdout and stderr are both that terminal, so both land in
    /// [`Output::stdout`], with the terminal's `\r\n` line ends and escape sequences.
    pub fn in_terminal(mut self) -> Osarchiver {
        self.terminal = true;
        self
    }

    fn full_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = self.subcommand.iter().cloned().collect();
        if let Some(config) = &self.config {
            args.push(OsString::from("--config"));
            args.push(config.clone().into_os_string());
        }
        args.extend(self.args.iter().cloned());
        args
    }

    /// Runs the binary to completion (or to the timeout, which panics) and returns its output.
    pub fn run(self) -> Output {
        self.start(false).wait()
    }

    /// Starts the binary in the background, with `--log-file` in [`Self::dir`] so that the test
    /// can follow the log ([`Running::log`]) and act (signals, kills) while it runs.
    pub fn spawn(self) -> Running {
        self.start(true)
    }

    fn start(self, log_file: bool) -> Running {
        let mut args = self.full_args();
        let log = self.dir.path().join("osarchiver.log");
        if log_file {
            args.push(OsString::from("--log-file"));
            args.push(log.clone().into_os_string());
        }
        // The JSON report, which `Output::summary` reads, in a directory of its own (tests
        // look at what a run leaves in `dir`). Not when the test asks for one itself.
        let report_dir = TempDir::new().expect("a temporary directory for the report");
        let report = report_dir.path().join("report.json");
        if !args
            .iter()
            .any(|a| a == "--report" || a == "--check-config")
        {
            args.push(OsString::from("--report"));
            args.push(report.clone().into_os_string());
        }
        let command_line = std::iter::once(OsStr::new(BINARY))
            .chain(args.iter().map(OsString::as_os_str))
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let mut cmd = if self.terminal {
            let quoted: Vec<String> = std::iter::once(OsStr::new(BINARY))
                .chain(args.iter().map(OsString::as_os_str))
                .map(|a| shell_quote(&a.to_string_lossy()))
                .collect();
            let mut cmd = Command::new("script");
            cmd.arg("-qfec")
                .arg(format!("stty cols 120 rows 40; exec {}", quoted.join(" ")))
                .arg("/dev/null");
            cmd
        } else {
            let mut cmd = Command::new(BINARY);
            cmd.args(&args);
            cmd
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The operator's OpenStack credentials (python-swiftclient's variables, which the Swift
        // store reads) must not leak into a test's run: a test sets the ones it means.
        for (k, _) in std::env::vars_os() {
            let name = k.to_string_lossy();
            if ["OS_", "ST_", "SWIFTCLIENT_"]
                .iter()
                .any(|p| name.starts_with(p))
            {
                cmd.env_remove(&k);
            }
        }
        for (k, v) in &self.envs {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        if let Some(dir) = &self.current_dir {
            cmd.current_dir(dir);
        }
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {command_line}: {e}"));
        let stdout = reader(child.stdout.take().expect("piped stdout"));
        let stderr = reader(child.stderr.take().expect("piped stderr"));
        Running {
            child,
            stdout,
            stderr,
            command_line,
            started,
            timeout: self.timeout,
            log,
            dir: self.dir,
            report,
            report_dir,
        }
    }
}

/// A run of the binary in the background (see [`Osarchiver::spawn`]).
pub struct Running {
    child: std::process::Child,
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
    command_line: String,
    started: Instant,
    timeout: Duration,
    log: PathBuf,
    dir: TempDir,
    report: PathBuf,
    report_dir: TempDir,
}

impl Running {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends `signal` (`libc::SIGINT`, `libc::SIGKILL`, ...) to the process.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) with our own child's pid.
        unsafe {
            libc::kill(self.pid(), signal);
        }
    }

    /// The log written so far (with [`Osarchiver::spawn`]).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The run's temporary directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits until the log contains `needle`, up to `limit`; `false` if the process ended or
    /// the time ran out first.
    pub fn wait_for_log(&mut self, needle: &str, limit: Duration) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < limit {
            if self.log().contains(needle) {
                return true;
            }
            if !self.is_running() {
                return self.log().contains(needle);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// Waits for the end (or the timeout, which kills it and panics) and returns the output.
    pub fn wait(mut self) -> Output {
        let (status, timed_out) = loop {
            if let Some(status) = self.child.try_wait().expect("wait for osarchiver") {
                break (status, false);
            }
            if self.started.elapsed() > self.timeout {
                let _ = self.child.kill();
                break (self.child.wait().expect("wait for osarchiver"), true);
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let output = Output {
            command_line: self.command_line,
            status,
            code: status.code(),
            stdout: self.stdout.join().unwrap_or_default(),
            stderr: self.stderr.join().unwrap_or_default(),
            elapsed: self.started.elapsed(),
            dir: self.dir,
            report: std::fs::read_to_string(&self.report)
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok()),
            _report_dir: self.report_dir,
        };
        if timed_out {
            panic!("osarchiver ran longer than {:?}\n{output}", self.timeout);
        }
        output
    }
}

fn reader(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// What a run of the binary did. The assertion methods return `&Self` so they chain, and on
/// failure print the command line, exit status, stdout and stderr.
pub struct Output {
    pub command_line: String,
    pub status: ExitStatus,
    /// The exit code, `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// The run's temporary directory (see [`Osarchiver::dir`]), removed when this is dropped.
    pub dir: TempDir,
    /// The run's `--report` JSON, when the harness asked for it and the run wrote it.
    pub report: Option<serde_json::Value>,
    _report_dir: TempDir,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.command_line)?;
        writeln!(f, "status: {} after {:?}", self.status, self.elapsed)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

impl Output {
    fn fail(&self, what: &str) -> ! {
        panic!("{what}\n{self}");
    }

    /// stdout then stderr.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The lines of stdout and stderr that contain `needle`.
    pub fn lines_containing(&self, needle: &str) -> Vec<String> {
        self.stdout
            .lines()
            .chain(self.stderr.lines())
            .filter(|l| l.contains(needle))
            .map(str::to_string)
            .collect()
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        if self.code != Some(code) {
            self.fail(&format!("expected exit code {code}"));
        }
        self
    }

    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// Checks that the program did not panic (a Rust panic message on stderr, or exit 101).
    pub fn assert_no_panic(&self) -> &Self {
        if self.stderr.contains("panicked") || self.code == Some(101) {
            self.fail("the program panicked");
        }
        self
    }

    pub fn stdout_contains(&self, needle: &str) -> &Self {
        if !self.stdout.contains(needle) {
            self.fail(&format!("stdout does not contain {needle:?}"));
        }
        self
    }

    pub fn stderr_contains(&self, needle: &str) -> &Self {
        if !self.stderr.contains(needle) {
            self.fail(&format!("stderr does not contain {needle:?}"));
        }
        self
    }

    /// stdout or stderr contains `needle`.
    pub fn output_contains(&self, needle: &str) -> &Self {
        if !self.stdout.contains(needle) && !self.stderr.contains(needle) {
            self.fail(&format!("neither stdout nor stderr contains {needle:?}"));
        }
        self
    }

    /// Neither stdout nor stderr contains `needle` (a password, say).
    pub fn output_lacks(&self, needle: &str) -> &Self {
        if self.stdout.contains(needle) || self.stderr.contains(needle) {
            self.fail(&format!("the output contains {needle:?}"));
        }
        self
    }
}

/// `s` as one word for `sh`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
