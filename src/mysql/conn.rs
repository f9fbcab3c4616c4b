//! Connections: driver options from the configuration, the session the archiver needs, and
//! [`Connection`], a connection that knows how to reconnect itself.
//!
//! Every session (the first one and each one opened by [`Connection::reconnect`]) is set up the same
//! way, by [`Connection::connect`]:
//!
//! - `SET NAMES utf8mb4, character_set_results = NULL`: statements and bound parameters are
//!   `utf8mb4` (the `where` keeps its meaning), but results come **raw**: each text column in
//!   the bytes of its own character set, reported in the result's metadata, with no conversion
//!   through `utf8mb4` (which does not round-trip `sjis`' `0x5C`, `cp932`'s `0xED40`, ...).
//!   Names, `SHOW CREATE TABLE` and error messages still come as UTF-8 (the server's system
//!   character set). Values go back as the same bytes: [`super::param`] for bound parameters,
//!   [`super::literal`] for literals.
//! - `SET time_zone = '+00:00'`: `TIMESTAMP` values are read and written without a shift (they
//!   would otherwise move with the server's or the client's zone, and across DST changes).
//! - `sql_mode`: the server's, adjusted by [`session_sql_mode`]: strict, zero dates allowed,
//!   `NO_AUTO_VALUE_ON_ZERO` (an archived id 0 stays 0), and none of the modes that change how
//!   literals, identifiers or `SHOW CREATE TABLE` read.
//! - `sql_quote_show_create = 1`: `SHOW CREATE TABLE` quotes every identifier.
//! - `REPEATABLE READ`: locking reads lock the gaps they cross, which the foreign-key check of
//!   a delete relies on (no child row can appear under a parent being deleted).
//! - `foreign_key_checks`, when it was set with [`Connection::set_foreign_key_checks`].
//!
//! The session has no default database: statements must name their tables in full
//! ([`super::ident::qualified`]), which also keeps them right after a reconnect.
//!
//! Every operation on the session is bounded ([`Connection::run`]: `read_timeout` +
//! `write_timeout`), as is opening it (`connect_timeout`); a session that timed out is marked
//! broken and never used again: the next operation opens a new one first. TLS options come
//! from [`super::tls`].
//!
//! The password only goes into the driver options; nothing here formats or logs it, and [`Connection`]
//! shows itself as `user@host:port`.

use std::fmt;
use std::time::Duration;

use mysql_async::{Conn, Opts, OptsBuilder, PoolConstraints, PoolOpts};

use super::retry::OpFuture;
use super::session::setup_session;
pub use super::session::{session_sql_mode, set_foreign_key_checks};
use super::tls;
use crate::config::{DbConnection, SslMode};

/// Where a connection goes, for log lines: `user@host:port` or `user@unix:/path`; never the
/// password, not even when a key names it (`socket = /run/${password}`, interpolated).
pub fn target(spec: &DbConnection) -> String {
    let user = spec.user.as_deref().unwrap_or("");
    let shown = match &spec.socket {
        Some(path) => format!("{user}@unix:{}", path.display()),
        None if spec.host.contains(':') => format!("{user}@[{}]:{}", spec.host, spec.port),
        None => format!("{user}@{}:{}", spec.host, spec.port),
    };
    // Not replaced where it occurs: a short password (`0`) would then be read back from
    // where it is not (`127.0.0.1`).
    match spec.password.as_ref().map(|p| p.expose()) {
        Some(p) if !p.is_empty() && shown.contains(p) => {
            "(the connection's target, not shown: it holds the password)".to_string()
        }
        _ => shown,
    }
}

/// The largest packet the driver reads: 1 GiB, the protocol's and the server's own limit.
pub const MAX_PACKET: usize = 1 << 30;

/// Prepared statements kept per connection.
pub const STMT_CACHE_SIZE: usize = 8;

/// The driver options for `spec`.
///
/// The socket, when set, is used instead of host and port. The driver is told not to switch a
/// TCP connection to localhost over to the server's socket on its own (`prefer_socket`), so the
/// connection goes exactly where the configuration says. The pool options (1 to 4 connections)
/// only matter to a `mysql_async::Pool` built from these options.
pub fn opts(spec: &DbConnection) -> Opts {
    let pool = PoolOpts::default()
        .with_constraints(PoolConstraints::new(1, 4).expect("1 <= 4: valid pool constraints"));
    let mut b = OptsBuilder::default()
        .user(spec.user.clone())
        .pass(spec.password.as_ref().map(|p| p.expose().to_owned()))
        .prefer_socket(false)
        .tcp_keepalive(Some(Duration::from_secs(60)))
        // Each cached statement keeps the metadata of all its placeholders: a few statements
        // per table are reused, the rest would only hold memory.
        .stmt_cache_size(Some(STMT_CACHE_SIZE))
        // The most the protocol allows, not the server's `max_allowed_packet` (the driver's
        // default): a row the server holds may be larger than that (put there while it was
        // larger, or built by the server), and the server sends it whole. What osarchiver
        // sends is sized to the server's own value, read apart ([`super::insert`]).
        .max_allowed_packet(Some(MAX_PACKET))
        .ssl_opts(tls::ssl_opts(&spec.tls))
        .pool_opts(pool);
    match &spec.socket {
        Some(path) => b = b.socket(Some(path.to_string_lossy())),
        None => b = b.ip_or_hostname(spec.host.clone()).tcp_port(spec.port),
    }
    Opts::from(b)
}

/// A failure to open or set up a connection.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect to {target}: {source}{}", tls_hint(.source))]
    Connect {
        target: String,
        #[source]
        source: mysql_async::Error,
    },
    #[error("cannot set up the session on {target}: {source}")]
    Session {
        target: String,
        #[source]
        source: mysql_async::Error,
    },
}

/// For a TLS failure, which keys to look at.
fn tls_hint(e: &mysql_async::Error) -> &'static str {
    if tls::is_tls_failure(e) {
        " (TLS: check ssl_mode, ssl_ca, ssl_cert and ssl_key)"
    } else {
        ""
    }
}

impl ConnectError {
    /// The driver's error, for [`super::retry::classify`].
    pub fn mysql_error(&self) -> &mysql_async::Error {
        match self {
            ConnectError::Connect { source, .. } | ConnectError::Session { source, .. } => source,
        }
    }

    pub fn into_mysql_error(self) -> mysql_async::Error {
        match self {
            ConnectError::Connect { source, .. } | ConnectError::Session { source, .. } => source,
        }
    }
}

/// An open, set-up session, plus what it takes to open it again.
pub struct Connection {
    conn: Conn,
    spec: DbConnection,
    opts: Opts,
    target: String,
    foreign_key_checks: Option<bool>,
    /// An operation timed out on `conn`: it must not be used again.
    broken: bool,
    /// Which session of this connection `conn` is: 1 for the first, one more at every
    /// reconnect. Unlike the server's connection id, it never repeats (ids start again after a
    /// server restart), so per-session setup keyed on it is never skipped.
    session: u64,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("target", &self.target)
            .field("connection_id", &self.conn.id())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects to `spec` and sets the session up (see the module documentation).
    pub async fn connect(spec: &DbConnection) -> Result<Connection, ConnectError> {
        tls::install_provider();
        let opts = opts(spec);
        let target = target(spec);
        let conn = open(spec, &opts, &target, None).await?;
        Ok(Connection {
            conn,
            spec: spec.clone(),
            opts,
            target,
            foreign_key_checks: None,
            broken: false,
            session: 1,
        })
    }

    /// [`Connection::connect`], with a transient failure (a server restarting, a lost
    /// connection, a timeout) tried again after `retry.delay`, up to `retry.max_retries` times,
    /// as any other step: a run that starts while its server restarts carries on.
    pub async fn connect_retrying(
        spec: &DbConnection,
        retry: crate::config::Retry,
    ) -> Result<Connection, ConnectError> {
        let mut attempt = 0;
        loop {
            match Connection::connect(spec).await {
                Ok(c) => return Ok(c),
                Err(e)
                    if attempt < retry.max_retries
                        && super::retry::classify(e.mysql_error())
                            == super::retry::ErrorKind::Transient =>
                {
                    attempt += 1;
                    tracing::warn!(
                        "{e}: trying again in {:.1}s (retry {attempt} of {})",
                        retry.delay.as_secs_f64(),
                        retry.max_retries
                    );
                    if !crate::stop::retry_pause(retry.delay).await {
                        tracing::warn!("stopped by a signal: not trying to connect again");
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Replaces the session with a new one, set up the same way (including
    /// `foreign_key_checks` when it was set). The old connection is dropped. On failure the old
    /// connection stays in place and a later call may try again.
    pub async fn reconnect(&mut self) -> Result<(), ConnectError> {
        let conn = open(
            &self.spec,
            &self.opts,
            &self.target,
            self.foreign_key_checks,
        )
        .await?;
        let old = std::mem::replace(&mut self.conn, conn);
        self.broken = false;
        self.session += 1;
        tracing::info!(
            "reconnected to {} (connection {} replaces {})",
            self.target,
            self.conn.id(),
            old.id()
        );
        drop(old);
        Ok(())
    }

    /// Runs `op` on the session, bounded by the operation timeout (`read_timeout` +
    /// `write_timeout`). A broken session (one that timed out before) is replaced first. On
    /// timeout the session is marked broken and a transient I/O error (`TimedOut`) returned,
    /// which [`super::retry::with_retry`] retries after reconnecting.
    pub async fn run<T>(
        &mut self,
        what: &str,
        op: impl for<'c> FnOnce(&'c mut Conn) -> OpFuture<'c, T>,
    ) -> mysql_async::Result<T> {
        self.ensure_usable().await?;
        let limit = self.operation_timeout();
        match tokio::time::timeout(limit, op(&mut self.conn)).await {
            Ok(result) => result,
            Err(_) => Err(self.timed_out(what)),
        }
    }

    /// Which session of this connection is open (see the field): changes at every reconnect.
    pub fn session(&self) -> u64 {
        self.session
    }

    /// Replaces a broken session (see [`Connection::run`]); nothing to do otherwise.
    pub async fn ensure_usable(&mut self) -> mysql_async::Result<()> {
        if self.broken {
            self.reconnect()
                .await
                .map_err(ConnectError::into_mysql_error)?;
        }
        Ok(())
    }

    /// The longest one operation may take: `read_timeout` + `write_timeout`.
    pub fn operation_timeout(&self) -> Duration {
        self.spec.timeouts.operation()
    }

    /// After an operation timed out: marks the session broken (it is replaced before the next
    /// operation, never reused), logs it and returns the (transient) error.
    pub fn timed_out(&mut self, what: &str) -> mysql_async::Error {
        self.broken = true;
        let limit = self.operation_timeout().as_secs_f64();
        tracing::warn!(
            "{what} on {}: no answer within {limit}s (read_timeout + write_timeout); connection {} abandoned",
            self.target,
            self.conn.id()
        );
        timed_out(&format!(
            "{what}: no answer within {limit}s (read_timeout + write_timeout)"
        ))
    }

    /// The driver connection, unbounded: for tests and one-off tools; the archiver's own
    /// statements go through [`Connection::run`] or [`super::retry::with_retry`].
    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    /// Whether an operation timed out on the current session (it will be replaced before the
    /// next one).
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// The server's id of the current session (`CONNECTION_ID()`); it changes on reconnect.
    pub fn connection_id(&self) -> u32 {
        self.conn.id()
    }

    /// `user@host:port`, for log lines.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// What this handle connects to.
    pub fn spec(&self) -> &DbConnection {
        &self.spec
    }

    /// Sets `foreign_key_checks` for this session, and for every session after a reconnect.
    pub async fn set_foreign_key_checks(&mut self, on: bool) -> Result<(), mysql_async::Error> {
        self.run("set foreign_key_checks", |c| {
            Box::pin(set_foreign_key_checks(c, on))
        })
        .await?;
        self.foreign_key_checks = Some(on);
        Ok(())
    }

    /// Whether the server is MariaDB: its major version is 10 or more (MySQL's are 5, 8, 9;
    /// the driver reads MariaDB's own version behind its `5.5.5-` prefix).
    pub fn is_mariadb(&self) -> bool {
        self.conn.server_version().0 >= 10
    }

    /// The value last set with [`Connection::set_foreign_key_checks`], if any.
    pub fn foreign_key_checks(&self) -> Option<bool> {
        self.foreign_key_checks
    }

    /// Closes the session cleanly (a broken one is only dropped), within the connect timeout.
    pub async fn disconnect(self) -> Result<(), mysql_async::Error> {
        if self.broken {
            return Ok(());
        }
        let limit = self.spec.timeouts.connect;
        match tokio::time::timeout(limit, self.conn.disconnect()).await {
            Ok(r) => r,
            Err(_) => Err(timed_out("disconnect: no answer (connect_timeout)")),
        }
    }
}

/// The default longest a connection may take to open and be set up (`connect_timeout`): a
/// server (or a proxy, or a firewall) that accepts the TCP connection and never answers must
/// not hang a cron job. A timeout is a transient error: [`super::retry::with_retry`] tries
/// again, a bounded number of times.
pub const CONNECT_TIMEOUT: Duration = crate::config::Timeouts::DEFAULT.connect;

/// The error of an operation that timed out: a transient I/O error (`TimedOut`) after which
/// the session is not used again.
pub fn timed_out(message: &str) -> mysql_async::Error {
    mysql_async::Error::Io(mysql_async::IoError::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        message.to_owned(),
    )))
}

/// Opens a session, within `connect_timeout`. With `ssl_mode = preferred`, a server without
/// TLS gets a plain connection.
async fn open(
    spec: &DbConnection,
    opts: &Opts,
    target: &str,
    foreign_key_checks: Option<bool>,
) -> Result<Conn, ConnectError> {
    let limit = spec.timeouts.connect;
    let attempt = async {
        match open_now(opts, target, foreign_key_checks).await {
            Err(ConnectError::Connect {
                source:
                    mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer),
                ..
            }) if spec.tls.mode == SslMode::Preferred => {
                tracing::debug!(
                    "{target} offers no TLS: connecting without (ssl_mode = preferred)"
                );
                let plain = Opts::from(OptsBuilder::from_opts(opts.clone()).ssl_opts(None));
                open_now(&plain, target, foreign_key_checks).await
            }
            other => other,
        }
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::Connect {
            target: target.to_owned(),
            source: timed_out(&format!(
                "no answer within {}s (connect timeout, key connect_timeout)",
                limit.as_secs_f64()
            )),
        }),
    }
}

async fn open_now(
    opts: &Opts,
    target: &str,
    foreign_key_checks: Option<bool>,
) -> Result<Conn, ConnectError> {
    let mut conn = Conn::new(opts.clone())
        .await
        .map_err(|source| ConnectError::Connect {
            target: target.to_owned(),
            source,
        })?;
    setup_session(&mut conn, foreign_key_checks)
        .await
        .map_err(|source| ConnectError::Session {
            target: target.to_owned(),
            source,
        })?;
    tracing::debug!(
        "connected to {target} (connection {}, server {}.{}.{})",
        conn.id(),
        conn.server_version().0,
        conn.server_version().1,
        conn.server_version().2
    );
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use std::path::PathBuf;

    fn spec() -> DbConnection {
        DbConnection {
            host: "db.example".into(),
            port: 3307,
            user: Some("archiver".into()),
            password: Some(Secret::new("s3cr3t")),
            socket: None,
            ..DbConnection::default()
        }
    }

    #[test]
    fn options_follow_the_spec() {
        let o = opts(&spec());
        assert_eq!(o.ip_or_hostname(), "db.example");
        assert_eq!(o.tcp_port(), 3307);
        assert_eq!(o.user(), Some("archiver"));
        assert_eq!(o.pass(), Some("s3cr3t"));
        assert_eq!(o.socket(), None);
        assert!(!o.prefer_socket());
        assert_eq!(o.pool_opts().constraints().min(), 1);
        assert_eq!(o.pool_opts().constraints().max(), 4);

        let mut s = spec();
        s.socket = Some(PathBuf::from("/run/mysqld/mysqld.sock"));
        s.password = None;
        let o = opts(&s);
        assert_eq!(o.socket(), Some("/run/mysqld/mysqld.sock"));
        assert_eq!(o.pass(), None);
    }

    #[test]
    fn targets_never_show_the_password() {
        assert_eq!(target(&spec()), "archiver@db.example:3307");
        let mut s = spec();
        s.host = "::1".into();
        assert_eq!(target(&s), "archiver@[::1]:3307");
        s.socket = Some(PathBuf::from("/tmp/my.sock"));
        assert_eq!(target(&s), "archiver@unix:/tmp/my.sock");
        s.user = None;
        assert_eq!(target(&s), "@unix:/tmp/my.sock");
        assert!(!target(&spec()).contains("s3cr3t"));
        let hidden = "(the connection's target, not shown: it holds the password)";
        let mut s = spec();
        s.host = "h@s3cr3t/x".into();
        assert_eq!(target(&s), hidden);
        s.socket = Some(PathBuf::from("/run/s3cr3t/sock"));
        assert_eq!(target(&s), hidden);
        // A short password is not read back from the target.
        let mut s = spec();
        s.host = "127.0.0.1".into();
        s.password = Some(Secret::new("0"));
        assert_eq!(target(&s), hidden);
    }
}
