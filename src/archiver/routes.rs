//! The archive databases a run writes into, and the one source database each receives.
//!
//! Two source databases routed into one archive database (two archivers' `db_suffix` meeting,
//! `nova` of two regions' servers sent to one central archive server) would put rows of both
//! under one key space: a row of one taken for the identical archived copy of the other's and
//! deleted against it, or kept as a conflict whose advice (remove the archived copy) would
//! delete the other source's only copy. The first source database to claim an archive
//! database in a run keeps it; another is refused, in the dry run alike.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// An archive server's key and an archive database's name.
pub type ArchiveDbKey = (String, String);
/// A source server's key and a source database's name.
pub type SourceDbKey = (String, String);

/// The run's claims, shared by its sources (and their jobs).
#[derive(Clone, Debug, Default)]
pub struct Routes {
    claims: Arc<Mutex<HashMap<ArchiveDbKey, (SourceDbKey, String)>>>,
}

impl Routes {
    /// Claims `archive` for `source`, `who` naming the claimant for messages (archiver, source
    /// and database). `Err` names the claimant that holds it for another source database.
    pub fn claim(
        &self,
        archive: ArchiveDbKey,
        source: SourceDbKey,
        who: String,
    ) -> Result<(), String> {
        let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
        match claims.get(&archive) {
            Some((held, _)) if *held == source => Ok(()),
            Some((_, holder)) => Err(holder.clone()),
            None => {
                claims.insert(archive, (source, who));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn one_source_database_per_archive_database() {
        let r = Routes::default();
        r.claim(k("arch", "nova_archive"), k("region1", "nova"), "a".into())
            .unwrap();
        // The same source database again (a second archiver, a second pass): fine.
        r.claim(k("arch", "nova_archive"), k("region1", "nova"), "b".into())
            .unwrap();
        // Another server's nova, or another database, into it: refused, naming the holder.
        assert_eq!(
            r.claim(k("arch", "nova_archive"), k("region2", "nova"), "c".into()),
            Err("a".into())
        );
        assert_eq!(
            r.claim(k("arch", "nova_archive"), k("region1", "nova2"), "d".into()),
            Err("a".into())
        );
        // The same name on another archive server: its own.
        r.claim(k("arch2", "nova_archive"), k("region2", "nova"), "e".into())
            .unwrap();
    }
}
