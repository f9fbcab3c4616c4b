//! The file destination through the real binary: its files on disk and their archives
//! (`archives`), the formats byte for byte against snapshots (`formats`), runs killed while
//! writing (`kill`), every type loaded back from the files (`roundtrip`); `support` holds what
//! they share (and what other suites use to read the files).

mod archives;
mod formats;
mod kill;
mod roundtrip;
pub mod support;
