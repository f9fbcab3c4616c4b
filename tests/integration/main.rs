//! Integration tests: one test binary, one module per area, all sharing the server harness.

mod harness;
mod mysql_layer;
