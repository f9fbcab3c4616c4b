//! [`Server`]: the database server as tests see it, whether private or external, and
//! [`server()`], the one shared by the whole test binary.

use std::sync::OnceLock;

use super::cleanup::at_exit;
use super::client::{run_sql, run_sql_with};
use super::external::ExternalServer;
use super::private::{Launch, PrivateServer};

/// The environment variable naming an existing server to test against instead of a private one,
/// e.g. `mysql://root@127.0.0.1:3306` or `mysql://root:secret@db.example:3306`.
pub const ENV_VAR: &str = "OSARCHIVER_TEST_MYSQL";

#[derive(Debug)]
enum Backend {
    Private(PrivateServer),
    External(ExternalServer),
}

/// A MariaDB/MySQL server reachable over TCP.
#[derive(Debug)]
pub struct Server {
    backend: Backend,
}

static SHARED: OnceLock<Result<Server, String>> = OnceLock::new();

/// The server shared by all the tests of this binary, started on first use.
///
/// Tests share it, so they must work in databases of their own ([`super::unique_name`]).
/// Killing it disturbs every test running at that moment: crash tests should rather use
/// [`dedicated_server`].
pub fn server() -> &'static Server {
    let shared = SHARED.get_or_init(|| match std::env::var(ENV_VAR) {
        Ok(url) if !url.trim().is_empty() => ExternalServer::from_url(&url).map(|e| Server {
            backend: Backend::External(e),
        }),
        _ => PrivateServer::launch().map(|p| {
            at_exit(|| {
                if let Some(Ok(s)) = SHARED.get() {
                    s.shutdown();
                }
            });
            Server {
                backend: Backend::Private(p),
            }
        }),
    });
    match shared {
        Ok(s) => s,
        Err(e) => panic!("no test database server: {e}"),
    }
}

/// A private server for one test alone (a few seconds to bootstrap), stopped and removed when
/// dropped. Panics, like [`server`], when the MariaDB server programs are not installed; tests
/// that can also run against `OSARCHIVER_TEST_MYSQL` should check [`Server::is_private`] on
/// [`server`] first and skip when it is false.
pub fn dedicated_server() -> Server {
    dedicated_server_with(Launch::default())
}

/// [`dedicated_server`], with the differences `launch` says (replication, Galera).
pub fn dedicated_server_with(launch: Launch) -> Server {
    match PrivateServer::launch_with(launch) {
        Ok(p) => Server {
            backend: Backend::Private(p),
        },
        Err(e) => panic!("cannot start a dedicated test database server: {e}"),
    }
}

impl Server {
    /// The host to connect to.
    pub fn host(&self) -> String {
        match &self.backend {
            Backend::Private(_) => "127.0.0.1".to_string(),
            Backend::External(e) => e.host.clone(),
        }
    }

    pub fn port(&self) -> u16 {
        match &self.backend {
            Backend::Private(p) => p.port(),
            Backend::External(e) => e.port,
        }
    }

    pub fn user(&self) -> String {
        match &self.backend {
            Backend::Private(_) => "root".to_string(),
            Backend::External(e) => e.user.clone(),
        }
    }

    /// `None` for the private server (root has no password there).
    pub fn password(&self) -> Option<String> {
        match &self.backend {
            Backend::Private(_) => None,
            Backend::External(e) => e.password.clone(),
        }
    }

    /// A URL for `mysql_async::Opts::from_url`: `mysql://root@127.0.0.1:PORT` for the private
    /// server, the variable's value (without a trailing `/`) for an external one.
    pub fn url(&self) -> String {
        match &self.backend {
            Backend::Private(p) => format!("mysql://root@127.0.0.1:{}", p.port()),
            Backend::External(e) => e.url.clone(),
        }
    }

    /// Arguments that make the `mariadb` client reach this server over TCP: `-h`, `-P`, `-u`,
    /// `--protocol=TCP` and, when there is one, `--password=...`. Options files are not
    /// disabled here: pass `--no-defaults` *before* these if needed.
    pub fn cli_args(&self) -> Vec<String> {
        match &self.backend {
            Backend::Private(p) => p.cli_args(),
            Backend::External(e) => {
                let mut args = vec![
                    "-h".to_string(),
                    e.host.clone(),
                    "-P".to_string(),
                    e.port.to_string(),
                    "-u".to_string(),
                    e.user.clone(),
                    "--protocol=TCP".to_string(),
                ];
                if let Some(pw) = &e.password {
                    args.push(format!("--password={pw}"));
                }
                args
            }
        }
    }

    /// Runs SQL with the `mariadb` client (batch mode, `-N`, utf8mb4; several statements may be
    /// given) and returns its stdout: one line per row, columns separated by tabs, with `\t`,
    /// `\n`, `\\` and NUL escaped as the client's batch mode does. Panics with the server's
    /// error text on failure.
    pub fn sql(&self, sql: &str) -> String {
        match self.try_sql(sql) {
            Ok(out) => out,
            Err(e) => panic!("SQL failed: {e}\n--- SQL ---\n{sql}{}", self.diagnose(&e)),
        }
    }

    /// The private server's state and error log when `error` says the connection was lost
    /// or refused, so that a crash of the shared server shows its cause in the first test it
    /// fails; empty otherwise.
    fn diagnose(&self, error: &str) -> String {
        match &self.backend {
            Backend::Private(p) => p
                .diagnose(error)
                .map(|d| format!("\n--- the server ---\n{d}"))
                .unwrap_or_default(),
            Backend::External(_) => String::new(),
        }
    }

    /// [`Self::sql`], returning the error text instead of panicking.
    pub fn try_sql(&self, sql: &str) -> Result<String, String> {
        run_sql(&self.cli_args(), sql)
    }

    /// [`Self::sql`] with more `mariadb` client options, e.g. `--local-infile=1` for
    /// `LOAD DATA LOCAL INFILE` (the private server allows it; an external one must have
    /// `local_infile` on).
    pub fn sql_with(&self, client_args: &[&str], sql: &str) -> String {
        match run_sql_with(&self.cli_args(), client_args, sql) {
            Ok(out) => out,
            Err(e) => panic!("SQL failed: {e}\n--- SQL ---\n{sql}{}", self.diagnose(&e)),
        }
    }

    /// Whether this is a server the harness started (and may kill).
    pub fn is_private(&self) -> bool {
        matches!(self.backend, Backend::Private(_))
    }

    fn private(&self, what: &str) -> &PrivateServer {
        match &self.backend {
            Backend::Private(p) => p,
            Backend::External(_) => panic!(
                "Server::{what}() needs the harness's private server, but {ENV_VAR} names an \
                 external one: check is_private() and skip"
            ),
        }
    }

    /// SIGKILLs `mariadbd` (a crash: no clean shutdown). Private server only.
    pub fn kill(&self) {
        self.private("kill").kill();
    }

    /// Starts the server again on the same data directory and port, and waits until it accepts
    /// connections (crash recovery included). Does nothing if it is running. Private server only.
    pub fn start(&self) {
        self.private("start").start();
    }

    /// Sends `signal` to `mariadbd` (`SIGSTOP`: a server that hangs, `SIGCONT`: it resumes).
    /// Private server only.
    pub fn signal(&self, signal: i32) {
        self.private("signal").signal(signal);
    }

    /// [`Self::kill`] then [`Self::start`].
    pub fn restart(&self) {
        self.kill();
        self.start();
    }

    fn shutdown(&self) {
        if let Backend::Private(p) = &self.backend {
            p.shutdown();
        }
    }
}

/// The external-server path, exercised against the private server with a user that has a
/// password full of URL-special characters.
#[test]
fn external_server_with_a_password() {
    let private = server();
    if !private.is_private() {
        eprintln!("SKIPPED external_server_with_a_password: {ENV_VAR} names an external server");
        return;
    }
    let user = super::unique_name("pw");
    private.sql(&format!(
        "CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY 'p@ss:w/rd%';
         GRANT SELECT ON *.* TO '{user}'@'127.0.0.1';"
    ));
    let url = format!(
        "mysql://{user}:p%40ss%3Aw%2Frd%25@127.0.0.1:{}/",
        private.port()
    );
    let external = Server {
        backend: Backend::External(ExternalServer::from_url(&url).expect("valid URL")),
    };
    assert!(!external.is_private());
    assert_eq!(external.password().as_deref(), Some("p@ss:w/rd%"));
    assert_eq!(external.user(), user);
    assert_eq!(external.url(), url.trim_end_matches('/'));
    assert!(external
        .cli_args()
        .contains(&"--password=p@ss:w/rd%".to_string()));
    let who = external.sql("SELECT CURRENT_USER()");
    assert_eq!(who, format!("{user}@127.0.0.1\n"));
    let kill = std::panic::catch_unwind(|| external.kill());
    assert!(kill.is_err(), "kill() must refuse an external server");
    private.sql(&format!("DROP USER '{user}'@'127.0.0.1'"));
}
