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
//!   the end-of-run report; the dry run's plan ([`archiver::forecast`]).
//! - [`source`]: what to archive on a source (databases, tables, key, order), the keyset pages
//!   and the locked, checked delete.
//! - [`table`]: what the source and the destinations share: a table's plan, its rows as read
//!   (with exact row identities) and the statements that name them.
//! - [`destination`]: where rows go before they are deleted: the archive database, the CSV and
//!   SQL files (packed, compressed) and their uploads to S3 or Swift.
//! - [`mysql`]: connections, retries, bound values and literals, identifiers, schema and DDL.
//! - [`lock`]: one run at a time per configuration and source (lock file and database lock).
//! - [`stop`]: stopping gracefully on a signal or when the time budget is spent.
//! - [`throttle`]: pausing deletes while replicas lag or the server is busy.
//! - [`progress`]: progress bars on a terminal, periodic lines elsewhere.
//! - [`restore`]: `osarchiver restore`, archived rows back into their source table.
//!
//! Errors are typed (`thiserror`), one enum per layer, each variant saying which step failed and
//! keeping its cause as `source`; they become text only where they are rendered:
//!
//! - configuration: [`config::ConfigError`] (exit 2);
//! - database: [`mysql::retry::RetryError`] and its [`mysql::retry::ErrorKind`] (retried or
//!   not), [`mysql::conn::ConnectError`], DDL errors;
//! - destinations: [`destination::DestError`], wrapping the archive database's
//!   ([`mysql::retry::RetryError`], [`destination::db::PrepareError`]), the files'
//!   ([`destination::file::FileError`]) and the remote stores'
//!   ([`destination::remote::RemoteError`], whose uploads retry on an
//!   [`destination::remote::UploadError`] that is not `permanent`);
//! - locks: [`lock::LockError`], `Held` (the source is skipped, exit 5) or a failure;
//! - a table: [`archiver::error::TableError`] (read, write to a destination, delete, count,
//!   prepare, incomplete walk, finish, packing...), kept typed in
//!   [`archiver::report::TableReport::errors`] and rendered (Display) for the log, the summary
//!   and the JSON report, whose `errors` are strings.
//!
//! An error that only ends a table goes into that table's report and the run goes on; an error
//! that ends a source or the run is rendered once, with its context, into
//! [`archiver::report::RunReport::errors`] (strings) and returned to [`run`], which logs it and
//! maps the outcome to an exit code. Nothing panics on input.
//!
//! Left as `String` on purpose, since nothing branches on them and their caller adds the
//! context: the configuration value parsers ([`config::value`], [`config::keys`]), whose
//! message the resolver wraps into a [`config::ConfigError`] naming the section and key; clap's
//! `value_parser` functions in [`cli`], whose message clap prints after the flag (exit 2); and
//! the messages of a file destination's background packing and uploads (one per file), which
//! become an [`archiver::error::TableError::Packing`]. `anyhow` is not used.

pub mod archiver;
pub mod cli;
pub mod config;
pub mod destination;
pub mod exit;
pub mod lock;
pub mod logging;
pub mod mysql;
pub mod progress;
pub mod pseudo_fs;
pub mod restore;
pub mod run;
pub mod source;
pub mod stop;
pub mod table;
pub mod text_table;
pub mod throttle;
