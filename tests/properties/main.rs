//! No input panics: property tests (proptest) that feed arbitrary and adversarial input to
//! everything that reads what an operator types. Each must answer with an error, never a panic;
//! the binary must exit 2 (or 0 for a valid `--check-config`, `--help`, `--version`), never 101.
//!
//! - [`values`]: the value parsers (`config::value`).
//! - [`config_text`]: the INI loader (`config::ini`, then `config::resolve`, and `load_file` on
//!   arbitrary bytes), and the binary's `--check-config` on the same texts.
//! - [`command_line`]: the command line (`cli::Args`), in process and through the binary.
//! - [`remote_options`]: a remote store's `opt_*` options, and sizes.
//! - [`edges`] and [`strategies`]: what they are fed.
//!
//! A test binary of its own: it needs no database server, and runs in a few seconds (the
//! number of cases is capped). A failing case is printed minimized; proptest also records its
//! seed under `tests/proptest-regressions/`, to be committed with the fix.

mod command_line;
mod config_text;
mod edges;
mod remote_options;
mod strategies;
mod values;
