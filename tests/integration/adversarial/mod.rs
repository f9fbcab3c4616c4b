//! Adversarial cases against the first promises: no row that was not archived ever leaves
//! the source or changes, and exit 0 always means every eligible row was handled. Each case
//! checks both sides: what left the source is in the archive byte for byte, and every other
//! row of every table involved, the tables the run does not choose included, is untouched.

mod completeness;
mod referential;
