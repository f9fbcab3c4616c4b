//! The MySQL/MariaDB layer: connections, retries, values, identifiers and schema introspection.
//!
//! - [`ident`]: quoting identifiers.
//! - [`literal`]: rendering values as SQL literals (SQL archive files, dry-run logs).

pub mod ident;
pub mod literal;
