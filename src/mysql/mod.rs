//! The MySQL/MariaDB layer: connections, retries, values, identifiers and schema introspection.
//!
//! - [`ident`]: quoting identifiers.
//! - [`literal`]: rendering values as SQL literals (SQL archive files, dry-run logs).
//! - [`insert`]: one row's `INSERT`, literal or bound, whichever fits in `max_allowed_packet`.
//! - [`param`]: bound parameters that compare exactly with their column.
//! - [`buffers`]: bounding mysql_async's buffer pool (memory bounded by batch size).
//! - [`conn`]: connection options, the archiver's session settings, a reconnectable [`Connection`].
//! - [`session`]: the settings of every session (`sql_mode`, character sets, time zone).
//! - [`retry`]: classifying errors and retrying transient ones.
//! - [`tls`]: TLS options for `ssl_mode`, and certificate failures.
//! - [`schema`]: introspection (databases, tables, columns, keys, foreign keys).
//! - [`labels`]: `ENUM` and `SET` columns whose labels do not name their values one to one.
//! - [`identity`]: telling servers apart.
//! - [`ddl`]: the archive table's `CREATE TABLE`.
//! - [`grants`]: what the session's user may do (`SHOW GRANTS`), for the dry run's preflight.

pub mod buffers;
pub mod conn;
pub mod ddl;
pub mod grants;
pub mod ident;
pub mod identity;
pub mod insert;
pub mod labels;
pub mod literal;
pub mod param;
pub mod retry;
pub mod schema;
pub mod session;
pub mod tls;

pub use conn::{ConnectError, Connection};
pub use retry::{classify, with_retry, ErrorKind, RetryError};
