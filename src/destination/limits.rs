//! [`Limits`]: what the background jobs of a run's file destinations share, so that they do
//! not swamp a small machine: one packing at a time, at most [`MAX_TABLE_UPLOADS`] tables
//! uploading at once. Created once per run ([`crate::run`]), handed to every destination it
//! opens; each run (and each test) has its own.

use std::sync::{Arc, Mutex};

use super::remote::slots::Slots;

/// How many tables' files may be uploading at once, in the whole run.
pub const MAX_TABLE_UPLOADS: usize = 4;

/// The bounds shared by the background jobs of one run; clones share them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Held while packing: on a small machine two packings at once only slow archiving down.
    pub packing: Arc<Mutex<()>>,
    /// The places of the tables uploading.
    pub uploads: Arc<Slots>,
}

impl Limits {
    /// One packing at a time, `max_table_uploads` tables uploading at once (at least one).
    pub fn new(max_table_uploads: usize) -> Limits {
        Limits {
            packing: Arc::default(),
            uploads: Arc::new(Slots::new(max_table_uploads)),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new(MAX_TABLE_UPLOADS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_their_bounds_and_new_limits_do_not() {
        let a = Limits::default();
        let b = a.clone();
        let _held = a.packing.lock().unwrap();
        assert!(
            b.packing.try_lock().is_err(),
            "a clone shares the packing lock"
        );
        let c = Limits::default();
        assert!(c.packing.try_lock().is_ok(), "another run has its own");
        assert!(!Arc::ptr_eq(&a.uploads, &c.uploads));
        assert!(Arc::ptr_eq(&a.uploads, &b.uploads));
    }
}
