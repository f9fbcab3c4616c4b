//! The integration-test harness, shared by every test module of the `integration` binary.
//!
//! - [`server()`]: the MariaDB server the tests talk to. By default a private `mariadbd` is
//!   bootstrapped in a temporary directory on a free loopback port the first time a test asks
//!   for it, and removed when the test binary ends; with `OSARCHIVER_TEST_MYSQL=mysql://...`
//!   an existing server is used instead.
//! - [`dedicated_server()`]: a private server of a test's own, for tests that crash and restart
//!   it without disturbing the tests running beside them on the shared one.
//! - [`unique_name()`]: database and table names that never collide between tests or runs.
//! - [`Osarchiver`]: runs the real `osarchiver` binary and checks its exit code and output.
#![allow(dead_code, unused_imports)] // each test module uses its own part of the harness

mod cleanup;
mod client;
mod command;
mod external;
mod names;
mod private;
mod server;

pub use command::{Osarchiver, Output};
pub use names::unique_name;
pub use server::{dedicated_server, server, Server, ENV_VAR};
