//! Errors worth retrying, and the retry loop: [`classify`] sorts a driver error into an
//! [`ErrorKind`]; [`with_retry`] runs an operation again on transient errors, reconnecting
//! first when the connection was lost.
//!
//! The policy is the configuration's [`Retry`], with the original osarchiver's meaning: one
//! attempt, then up to `max_retries` more, `delay` apart.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use mysql_async::{Conn, DriverError, Error};

use super::conn::Connection;
use crate::config::Retry;

/// What a caller can do about an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Worth running the (idempotent) operation again, possibly after a reconnect: lost
    /// connections, lock wait timeouts, deadlocks, Galera's not-ready node and certification
    /// failures, server shutdown.
    Transient,
    /// A parent row is still referenced by a child row (1451, and the older 1217).
    ForeignKey,
    /// A row with the same unique key exists (1062, 1586).
    DuplicateKey,
    /// Anything else: SQL errors, permissions, driver misuse. Retrying will not help.
    Other,
}

/// Server and client error codes this module knows.
pub mod codes {
    /// `ER_CON_COUNT_ERROR`: too many connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 1040;
    /// `ER_UNKNOWN_COM_ERROR`, which Galera returns while the node is not synced
    /// ("WSREP has not yet prepared node for application use").
    pub const WSREP_NOT_READY: u16 = 1047;
    /// `ER_SERVER_SHUTDOWN`.
    pub const SERVER_SHUTDOWN: u16 = 1053;
    /// `ER_DUP_ENTRY`.
    pub const DUP_ENTRY: u16 = 1062;
    /// `ER_BINLOG_UNSAFE_STATEMENT`: a warning under statement-based binary logging.
    pub const UNSAFE_STATEMENT: u16 = 1592;
    /// `ER_NET_READ_ERROR` .. `ER_NET_WRITE_INTERRUPTED`.
    pub const NET_READ_ERROR: u16 = 1158;
    pub const NET_READ_INTERRUPTED: u16 = 1159;
    pub const NET_ERROR_ON_WRITE: u16 = 1160;
    pub const NET_WRITE_INTERRUPTED: u16 = 1161;
    /// `ER_UNKNOWN_SYSTEM_VARIABLE`.
    pub const UNKNOWN_SYSTEM_VARIABLE: u16 = 1193;
    /// `ER_LOCK_WAIT_TIMEOUT`.
    pub const LOCK_WAIT_TIMEOUT: u16 = 1205;
    /// `WARN_DATA_TRUNCATED` ("Data truncated for column"), a warning outside strict mode.
    pub const WARN_DATA_TRUNCATED: u16 = 1265;
    /// `ER_LOCK_DEADLOCK`; Galera also uses it for certification failures ("WSREP detected
    /// deadlock/conflict and aborted the transaction").
    pub const LOCK_DEADLOCK: u16 = 1213;
    /// `ER_ROW_IS_REFERENCED` (old servers).
    pub const ROW_IS_REFERENCED: u16 = 1217;
    /// `ER_ROW_IS_REFERENCED_2`.
    pub const ROW_IS_REFERENCED_2: u16 = 1451;
    /// `ER_DUP_ENTRY_WITH_KEY_NAME`.
    pub const DUP_ENTRY_WITH_KEY_NAME: u16 = 1586;
    /// `ER_NEED_REPREPARE`: a table changed under a prepared statement.
    pub const NEED_REPREPARE: u16 = 1615;
    /// `ER_CONNECTION_KILLED` (MariaDB).
    pub const CONNECTION_KILLED: u16 = 1927;
    /// `CR_CONNECTION_ERROR`, `CR_CONN_HOST_ERROR` (client side, for completeness).
    pub const CR_CONNECTION_ERROR: u16 = 2002;
    pub const CR_CONN_HOST_ERROR: u16 = 2003;
    /// `CR_SERVER_GONE_ERROR`: "MySQL server has gone away".
    pub const CR_SERVER_GONE: u16 = 2006;
    /// `CR_SERVER_LOST`: "Lost connection to MySQL server during query".
    pub const CR_SERVER_LOST: u16 = 2013;
    /// `ER_CLIENT_INTERACTION_TIMEOUT` (MySQL 8.0.24+): the server closed an idle session.
    pub const CLIENT_INTERACTION_TIMEOUT: u16 = 4031;
}

/// Server error codes after which the session is gone (or, for Galera's not-ready node, not
/// worth keeping: a new connection may reach a synced node behind a load balancer).
const RECONNECT_CODES: &[u16] = &[
    codes::TOO_MANY_CONNECTIONS,
    codes::WSREP_NOT_READY,
    codes::SERVER_SHUTDOWN,
    codes::NET_READ_ERROR,
    codes::NET_READ_INTERRUPTED,
    codes::NET_ERROR_ON_WRITE,
    codes::NET_WRITE_INTERRUPTED,
    codes::CONNECTION_KILLED,
    codes::CR_CONNECTION_ERROR,
    codes::CR_CONN_HOST_ERROR,
    codes::CR_SERVER_GONE,
    codes::CR_SERVER_LOST,
    codes::CLIENT_INTERACTION_TIMEOUT,
];

/// Transient server error codes after which the session is still usable.
const RETRY_IN_PLACE_CODES: &[u16] = &[
    codes::LOCK_WAIT_TIMEOUT,
    codes::LOCK_DEADLOCK,
    codes::NEED_REPREPARE,
];

/// Sorts a driver error.
pub fn classify(e: &Error) -> ErrorKind {
    if super::tls::is_tls_failure(e) {
        return ErrorKind::Other;
    }
    match e {
        Error::Server(s) => classify_code(s.code),
        // A packet over the driver's limit (a row over 1 GiB): the same every time.
        Error::Io(mysql_async::IoError::Io(io))
            if io.to_string().contains("max_allowed_packet") =>
        {
            ErrorKind::Other
        }
        Error::Io(_) => ErrorKind::Transient,
        Error::Driver(d) if is_broken_connection(d) => ErrorKind::Transient,
        Error::Driver(_) | Error::Other(_) | Error::Url(_) => ErrorKind::Other,
    }
}

/// Sorts a server (or client) error code.
pub fn classify_code(code: u16) -> ErrorKind {
    match code {
        codes::ROW_IS_REFERENCED | codes::ROW_IS_REFERENCED_2 => ErrorKind::ForeignKey,
        codes::DUP_ENTRY | codes::DUP_ENTRY_WITH_KEY_NAME => ErrorKind::DuplicateKey,
        c if RECONNECT_CODES.contains(&c) || RETRY_IN_PLACE_CODES.contains(&c) => {
            ErrorKind::Transient
        }
        _ => ErrorKind::Other,
    }
}

/// Whether the session is lost (or not worth keeping) after `e`, so that a retry must first
/// open a new connection.
pub fn needs_reconnect(e: &Error) -> bool {
    match e {
        Error::Server(s) => RECONNECT_CODES.contains(&s.code),
        Error::Io(_) => true,
        Error::Driver(d) => is_broken_connection(d),
        Error::Other(_) | Error::Url(_) => false,
    }
}

/// Driver errors that mean the connection can no longer be used.
fn is_broken_connection(d: &DriverError) -> bool {
    matches!(
        d,
        DriverError::ConnectionClosed
            | DriverError::PoolDisconnected
            | DriverError::PacketOutOfOrder
            | DriverError::UnexpectedPacket { .. }
            | DriverError::BadCompressedPacketHeader
    )
}

/// A driver error as the log shows it: mysql_async says "Input/output error: " twice before
/// an I/O error (its error and the I/O error's both say it), once here.
pub fn shown(e: &Error) -> String {
    match e {
        Error::Io(mysql_async::IoError::Io(io)) => format!("Input/output error: {io}"),
        e => e.to_string(),
    }
}

/// Whether `e`, or an error it wraps, is a [`RetryError::Exhausted`] whose last error lost
/// the session: the server did not answer through a whole retry policy.
pub fn gave_up_on_server(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(RetryError::Exhausted { source, .. }) = err.downcast_ref::<RetryError>() {
            if needs_reconnect(source) {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// Why [`with_retry`] gave up.
#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    /// A non-transient error: returned at once, without retrying.
    #[error("{what} on {target}: {}", shown(source))]
    Failed {
        what: String,
        target: String,
        kind: ErrorKind,
        #[source]
        source: Error,
    },
    /// Transient errors every time, until the policy ran out.
    #[error(
        "{what} on {target}: giving up after {attempts} attempts: {}",
        shown(source)
    )]
    Exhausted {
        what: String,
        target: String,
        attempts: u64,
        /// The last error.
        #[source]
        source: Error,
    },
}

impl RetryError {
    /// The kind of the last error ([`ErrorKind::Transient`] when exhausted).
    pub fn kind(&self) -> ErrorKind {
        match self {
            RetryError::Failed { kind, .. } => *kind,
            RetryError::Exhausted { .. } => ErrorKind::Transient,
        }
    }

    /// The last driver error.
    pub fn mysql_error(&self) -> &Error {
        match self {
            RetryError::Failed { source, .. } | RetryError::Exhausted { source, .. } => source,
        }
    }
}

/// The future an operation returns: it may borrow the connection (`'c`).
pub type OpFuture<'c, T> = Pin<Box<dyn Future<Output = mysql_async::Result<T>> + Send + 'c>>;

/// One run of an operation under [`with_retry`]: the connection to use and the attempt number
/// (1-based).
///
/// The `'env` lifetime lets the operation's future borrow from the caller's scope (statements,
/// parameters) as well as the connection.
pub struct Attempt<'c, 'env> {
    pub conn: &'c mut Conn,
    pub number: u64,
    /// [`Connection::session`] of `conn`: per-session setup is done again when it changes.
    pub session: u64,
    _env: PhantomData<&'c &'env ()>,
}

/// Runs `op` until it succeeds, at most `policy.max_retries + 1` times, while it fails with
/// [`ErrorKind::Transient`] errors.
///
/// Before each retry it waits `policy.delay`, and reconnects `db` first when the error lost the
/// connection ([`needs_reconnect`]); a failed reconnect counts as a failed attempt. Each retry
/// is logged at warn level with `what`, the attempt number and the error. A non-transient error
/// ends the loop at once ([`RetryError::Failed`]; callers branch on [`RetryError::kind`]).
///
/// `op` must be safe to run again: the caller guarantees idempotence (a statement in
/// autocommit, or a whole transaction that the error rolled back).
///
/// ```no_run
/// # use mysql_async::prelude::Queryable;
/// # use osarchiver::config::Retry;
/// # use osarchiver::mysql::{with_retry, Connection, RetryError};
/// # async fn delete(db: &mut Connection, retry: Retry, sql: &str) -> Result<u64, RetryError> {
/// let deleted = with_retry(db, retry, "delete batch", |a| {
///     Box::pin(async move {
///         a.conn.query_drop(sql).await?;
///         Ok(a.conn.affected_rows())
///     })
/// })
/// .await?;
/// # Ok(deleted)
/// # }
/// ```
pub async fn with_retry<'env, T, F>(
    db: &mut Connection,
    policy: Retry,
    what: &str,
    mut op: F,
) -> Result<T, RetryError>
where
    F: for<'c> FnMut(Attempt<'c, 'env>) -> OpFuture<'c, T>,
{
    let attempts = policy.max_retries.saturating_add(1);
    let mut reconnect = false;
    let mut number = 0u64;
    loop {
        number += 1;
        let result = if reconnect {
            match db.reconnect().await {
                Ok(()) => {
                    reconnect = false;
                    attempt(db, what, number, &mut op).await
                }
                Err(e) => Err(e.into_mysql_error()),
            }
        } else {
            attempt(db, what, number, &mut op).await
        };
        let err = match result {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let kind = classify(&err);
        if kind != ErrorKind::Transient {
            return Err(RetryError::Failed {
                what: what.to_owned(),
                target: db.target().to_owned(),
                kind,
                source: err,
            });
        }
        if number >= attempts {
            return Err(RetryError::Exhausted {
                what: what.to_owned(),
                target: db.target().to_owned(),
                attempts: number,
                source: err,
            });
        }
        reconnect |= needs_reconnect(&err);
        tracing::warn!(
            "{what} on {}: attempt {number}/{attempts} failed: {}; retrying in {:?}{}",
            db.target(),
            shown(&err),
            policy.delay,
            if reconnect { " after reconnecting" } else { "" }
        );
        // A signal cuts short the wait for a server to come back (a connection to make again),
        // not a lock wait or deadlock retried in place: the batch being finished goes on.
        let go_on = if reconnect {
            crate::stop::retry_pause(policy.delay).await
        } else {
            tokio::time::sleep(policy.delay).await;
            true
        };
        if !go_on {
            tracing::warn!(
                "{what} on {}: stopped by a signal: not tried again",
                db.target()
            );
            return Err(RetryError::Exhausted {
                what: what.to_owned(),
                target: db.target().to_owned(),
                attempts: number,
                source: err,
            });
        }
    }
}

/// One attempt of `op`, bounded like [`Connection::run`] (a broken session is replaced first).
async fn attempt<'env, T, F>(
    db: &mut Connection,
    what: &str,
    number: u64,
    op: &mut F,
) -> Result<T, Error>
where
    F: for<'c> FnMut(Attempt<'c, 'env>) -> OpFuture<'c, T>,
{
    db.ensure_usable().await?;
    let limit = db.operation_timeout();
    let session = db.session();
    let fut = op(Attempt {
        conn: db.conn(),
        number,
        session,
        _env: PhantomData,
    });
    match tokio::time::timeout(limit, fut).await {
        Ok(result) => result,
        Err(_) => Err(db.timed_out(what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_async::{IoError, ServerError, UrlError};

    fn server(code: u16) -> Error {
        Error::Server(ServerError {
            code,
            message: format!("error {code}"),
            state: "HY000".into(),
        })
    }

    #[test]
    fn a_packet_over_the_drivers_limit_is_not_retried() {
        let too_large = Error::Io(IoError::Io(std::io::Error::other(
            "Packet is larger than max_allowed_packet",
        )));
        assert_eq!(classify(&too_large), ErrorKind::Other);
        let reset = Error::Io(IoError::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        assert_eq!(classify(&reset), ErrorKind::Transient);
    }

    #[test]
    fn lock_and_galera_errors_are_transient_in_place() {
        for code in [1205, 1213, 1615] {
            assert_eq!(classify(&server(code)), ErrorKind::Transient, "{code}");
            assert!(!needs_reconnect(&server(code)), "{code}");
        }
    }

    #[test]
    fn lost_sessions_are_transient_with_reconnect() {
        for code in [
            1040, 1047, 1053, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2006, 2013, 4031,
        ] {
            assert_eq!(classify(&server(code)), ErrorKind::Transient, "{code}");
            assert!(needs_reconnect(&server(code)), "{code}");
        }
    }

    #[test]
    fn galera_certification_failure_is_a_transient_deadlock() {
        let e = Error::Server(ServerError {
            code: 1213,
            message: "WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction".into(),
            state: "40001".into(),
        });
        assert_eq!(classify(&e), ErrorKind::Transient);
    }

    #[test]
    fn constraint_errors_have_their_own_kinds() {
        assert_eq!(classify(&server(1451)), ErrorKind::ForeignKey);
        assert_eq!(classify(&server(1217)), ErrorKind::ForeignKey);
        assert_eq!(classify(&server(1062)), ErrorKind::DuplicateKey);
        assert_eq!(classify(&server(1586)), ErrorKind::DuplicateKey);
        for code in [1451, 1217, 1062, 1586] {
            assert!(!needs_reconnect(&server(code)));
        }
    }

    #[test]
    fn other_server_errors_are_other() {
        // Syntax, unknown table, access denied, child row without parent, data too long.
        for code in [1064, 1146, 1045, 1452, 1406, 1317, 0] {
            assert_eq!(classify(&server(code)), ErrorKind::Other, "{code}");
            assert!(!needs_reconnect(&server(code)), "{code}");
        }
    }

    #[test]
    fn io_and_broken_connection_driver_errors_reconnect() {
        let io = Error::Io(IoError::Io(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "eof",
        )));
        assert_eq!(classify(&io), ErrorKind::Transient);
        assert!(needs_reconnect(&io));
        for d in [
            DriverError::ConnectionClosed,
            DriverError::PoolDisconnected,
            DriverError::PacketOutOfOrder,
            DriverError::UnexpectedPacket { payload: vec![0] },
        ] {
            let e = Error::Driver(d);
            assert_eq!(classify(&e), ErrorKind::Transient, "{e}");
            assert!(needs_reconnect(&e), "{e}");
        }
    }

    #[test]
    fn misuse_of_the_driver_is_not_retried() {
        for e in [
            Error::Driver(DriverError::StmtParamsMismatch {
                required: 2,
                supplied: 1,
            }),
            Error::Driver(DriverError::PacketTooLarge),
            Error::Driver(DriverError::NestedTransaction),
            Error::Url(UrlError::Invalid),
            Error::Other("boom".into()),
        ] {
            assert_eq!(classify(&e), ErrorKind::Other, "{e}");
            assert!(!needs_reconnect(&e), "{e}");
        }
    }

    #[test]
    fn an_io_error_says_input_output_error_once() {
        let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer within 10s");
        let e = Error::Io(mysql_async::IoError::Io(io));
        assert_eq!(shown(&e), "Input/output error: no answer within 10s");
        assert!(
            e.to_string().matches("Input/output error").count() == 2,
            "{e}"
        );
        let r = RetryError::Failed {
            what: "delete".into(),
            target: "t".into(),
            kind: ErrorKind::Transient,
            source: e,
        };
        assert_eq!(
            r.to_string(),
            "delete on t: Input/output error: no answer within 10s"
        );
    }

    #[test]
    fn retry_error_reports_kind_and_source() {
        let e = RetryError::Failed {
            what: "delete".into(),
            target: "u@h:1".into(),
            kind: ErrorKind::ForeignKey,
            source: server(1451),
        };
        assert_eq!(e.kind(), ErrorKind::ForeignKey);
        assert!(e.to_string().starts_with("delete on u@h:1: "), "{e}");
        let e = RetryError::Exhausted {
            what: "select".into(),
            target: "u@h:1".into(),
            attempts: 3,
            source: server(1205),
        };
        assert_eq!(e.kind(), ErrorKind::Transient);
        assert!(matches!(e.mysql_error(), Error::Server(s) if s.code == 1205));
        assert!(e.to_string().contains("giving up after 3 attempts"), "{e}");
    }
}
