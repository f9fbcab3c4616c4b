//! osarchiver: archive and purge soft-deleted rows from OpenStack MySQL/MariaDB databases.
//!
//! The crate is a library with a thin binary (`src/main.rs`). The layers, from the outside in:
//!
//! - [`cli`]: the command line as the operator types it.
//! - [`config`]: the INI file, first as raw configparser-compatible sections ([`config::ini`]),
//!   then as a typed, validated plan ([`config::Config`]).
//! - [`mysql`]: connections, retries, values, identifiers and schema introspection.
//! - [`run`]: ties them together and maps outcomes to exit codes ([`exit`]).

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
