//! osarchiver: archive and purge soft-deleted rows from OpenStack MySQL/MariaDB databases.
//!
//! The crate is a library with a thin binary (`src/main.rs`). Its modules, from the outside in:
//!
//! - [`cli`]: the command line as the operator types it (the Python tool's flags, and ours).
//! - [`run`]: the program: logging, configuration, then the run or `--check-config`; the exit code.
//! - [`exit`]: the exit codes, one meaning each.
//! - [`logging`]: timestamped log lines to stdout and the `--log-file`.
//! - [`config`]: the INI file, as raw configparser-compatible sections ([`config::ini`]), then as
//!   a typed, validated plan ([`config::Config`]); every key defined once ([`config::defs`]).
//! - [`archiver`]: the pipeline: archivers, sources, tables; reader, writer and deleter stages;
//!   the end-of-run report.
//! - [`source`]: what to archive on a source (databases, tables, key, order), the keyset pages,
//!   the statements, and the locked, checked delete.
//! - [`destination`]: where rows go before they are deleted: the archive database, the CSV and
//!   SQL files (packed, compressed) and their uploads to S3 or Swift.
//! - [`mysql`]: connections, retries, bound values and literals, identifiers, schema and DDL.
//! - [`lock`]: one run at a time per configuration and source (lock file and database lock).
//! - [`stop`]: stopping gracefully on a signal or when the time budget is spent.
//! - [`throttle`]: pausing deletes while replicas lag or the server is busy.
//! - [`progress`]: progress bars on a terminal, periodic lines elsewhere.
//!
//! Errors: where a caller branches on an error it is typed (`thiserror`): configuration errors
//! ([`config::ConfigError`]), retryable database errors ([`mysql::retry::RetryError`] and its
//! [`mysql::retry::ErrorKind`]), DDL, lock and destination errors. An error that only ends a
//! table is rendered once, into that table's report line, and the run goes on; an error that
//! ends the run is returned to [`run`], which logs it and maps it to an exit code. Nothing
//! panics on input: configuration and command-line values are parsed into errors (exit 2).

pub mod archiver;
pub mod cli;
pub mod config;
pub mod destination;
pub mod exit;
pub mod lock;
pub mod logging;
pub mod mysql;
pub mod progress;
pub mod run;
pub mod source;
pub mod stop;
pub mod throttle;
