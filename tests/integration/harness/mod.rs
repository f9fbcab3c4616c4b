//! The integration-test harness, shared by every test module of the `integration` binary.
//!
//! - [`server()`]: the MariaDB server the tests talk to. By default a private `mariadbd` is
//!   bootstrapped in a temporary directory on a free loopback port the first time a test asks
//!   for it, and removed when the test binary ends; with `OSARCHIVER_TEST_MYSQL=mysql://...`
//!   an existing server is used instead.
//! - [`dedicated_server()`]: a private server of a test's own, for tests that crash and restart
//!   it without disturbing the tests running beside them on the shared one.
//! - [`unique_name()`]: database and table names that never collide between tests or runs.
//! - [`Osarchiver`]: runs the real `osarchiver` binary and checks its exit code and output;
//!   [`Output::summary`] reads the summary table it ends with.
//! - [`Ini`]: a run's configuration for a test server; [`ScratchDb`]: a test's database,
//!   dropped at the end with its archive database; [`digest`]: table contents compared;
//!   [`every_type`]: the table with every type and its extreme values.
//! - [`moto::moto()`] and [`swift::swift()`]: an S3 server and a Swift on loopback for the
//!   remote store tests ([`services`]: their shared plumbing).
//! - [`replica::replica_pair()`] and [`galera::galera_pair()`]: a primary with its replica, and a
//!   two-node Galera cluster, of dedicated servers, for the throttling tests.
#![allow(dead_code, unused_imports)] // each test module uses its own part of the harness

mod cleanup;
pub mod client;
mod command;
pub mod digest;
pub mod every_type;
mod external;
pub mod galera;
mod ini;
pub mod moto;
mod names;
mod private;
pub mod replica;
mod scratch;
mod server;
pub mod services;
mod summary;
pub mod swift;

pub use command::{Osarchiver, Output, Running, BINARY};
pub use ini::{connection, Ini, SERVER_SIDE_COPY_VAR};
pub use names::unique_name;
pub use private::Launch;
pub use scratch::{q, ScratchDb};
pub use server::{dedicated_server, dedicated_server_with, server, Server, ENV_VAR};
pub use summary::TableRow;
