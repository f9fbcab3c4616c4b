//! Tests written as an attacker of the archiver's promises: every row leaves the source only
//! once every destination holds it byte for byte, whatever its types, character sets and keys.

mod charsets;
mod key_types;
