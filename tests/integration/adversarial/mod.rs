//! Adversarial cases against the promises: tables and rows built to break them. Each case
//! checks both sides: what left the source is in every destination byte for byte, every other
//! row of every table involved (the tables the run does not choose included) is untouched,
//! every skip and failure is visible, and exit 0 always means every eligible row was handled.

mod altered;
mod archive_side;
mod charsets;
mod completeness;
mod constraints;
mod engines;
mod everywhere;
mod fk_added;
mod fk_names;
mod key_types;
mod referential;
mod server_modes;
mod triggers;
mod versioned;
mod vouched;
