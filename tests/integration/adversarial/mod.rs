//! Adversarial cases: tables and rows built to break the promises (every eligible row archived
//! byte for byte in every destination, nothing else touched, every skip and failure visible).

mod archive_side;
mod constraints;
mod everywhere;
mod server_modes;
mod versioned;
