//! The integration tests: one binary, so that the test database server is started once.
//!
//! Run with `cargo test` (or `scripts/test.sh`). The server is a private `mariadbd` unless
//! `OSARCHIVER_TEST_MYSQL` names an existing one; see [`harness`].

mod harness;

mod adversarial;
mod check_config;
mod cli;
mod config_compat;
mod config_keys;
mod connection;
mod faults;
mod file;
mod harness_selftest;
mod mysql_layer;
mod pipeline;
mod production;
mod remote;
mod restore;
