//! The destination's directory: created (`0700`, with its parents) when the first file of the
//! run is, never before; a dry run never creates it.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

use super::naming::PART;
use super::sink::sync_dir;
use super::{FileDest, FileError};

/// Directories this destination creates are for their owner only: the files hold rows.
const DIR_MODE: u32 = 0o700;

impl FileDest {
    /// Creates the directory unless it exists (checked once per destination), and makes its
    /// name durable.
    pub(super) fn ensure_directory(&mut self) -> Result<(), FileError> {
        if self.directory_ready {
            return Ok(());
        }
        if !self.directory.is_dir() {
            if let Some(why) = dangling_link(&self.directory) {
                return Err(self.io(format!("cannot create {}", self.directory.display()), why));
            }
            fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(&self.directory)
                .map_err(|e| self.io(format!("cannot create {}", self.directory.display()), e))?;
            tracing::info!(
                "destination {}: created {}",
                self.name,
                self.directory.display()
            );
            // The new directory's name must be durable too.
            let _ = sync_dir(
                self.directory
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new(".")),
            );
        } else {
            let left = self.leftovers();
            if !left.is_empty() {
                tracing::warn!(
                    "destination {}: {} holds {} file(s) that an interrupted run left: {}{} (a pack killed before it finished; the plain files it was packing are beside it and hold their rows: pack them, or keep them, and remove the .part by hand)",
                    self.name,
                    self.directory.display(),
                    left.len(),
                    left.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                    if left.len() > 5 { ", ..." } else { "" },
                );
            }
        }
        self.directory_ready = true;
        Ok(())
    }

    /// The names of the `.part` files in the directory from before this run began: packs that
    /// did not finish (this run's own are newer), sorted.
    fn leftovers(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.directory) else {
            return Vec::new();
        };
        let Some(started) =
            chrono::NaiveDateTime::parse_from_str(&self.started, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|t| std::time::SystemTime::from(t.and_utc()))
        else {
            return Vec::new();
        };
        let mut left: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(PART))
            .filter(|e| {
                e.metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t < started)
            })
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        left
    }
}

/// Why `dir` cannot be created when it, or one of its ancestors, is a symbolic link whose
/// target does not exist (a file system not mounted): creating the directory would fail with
/// "File exists", or create the target where the link's file system should be.
pub(super) fn dangling_link(dir: &Path) -> Option<std::io::Error> {
    dir.ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| {
            fs::metadata(a).is_err() && fs::symlink_metadata(a).is_ok_and(|m| m.is_symlink())
        })
        .map(|link| {
            let target = fs::read_link(link).unwrap_or_default();
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "{} is a symbolic link to {}, which does not exist (a file system not mounted?): create its target or mend the link",
                    link.display(),
                    target.display()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_directory_is_for_its_owner_only() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a/b");
        let mut f = super::super::tests::open(&dir);
        f.ensure_directory().unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, super::DIR_MODE);
        // Found ready the second time, even if it went away: the check is once per destination.
        std::fs::remove_dir(&dir).unwrap();
        f.ensure_directory().unwrap();
        assert!(!dir.exists());
    }

    /// A pack killed before it finished leaves its `.part`: those from before the run began are
    /// the leftovers the run warns of; its own (newer) are not.
    #[test]
    fn the_part_files_of_an_interrupted_run_are_found() {
        let d = tempfile::tempdir().unwrap();
        let f = super::super::tests::open(d.path());
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        for (name, when) in [
            ("db.t.csv.tar.xz.part", Some(old)),
            ("db.a.sql.gz.part", Some(old)),
            ("db.t.csv", Some(old)),
            ("db.u.csv.tar.part", None),
        ] {
            let file = std::fs::File::create(d.path().join(name)).unwrap();
            if let Some(when) = when {
                file.set_modified(when).unwrap();
            }
        }
        assert_eq!(f.leftovers(), ["db.a.sql.gz.part", "db.t.csv.tar.xz.part"]);
    }

    #[test]
    fn a_link_to_nothing_on_the_way_is_found() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("archives");
        std::os::unix::fs::symlink(tmp.path().join("not-mounted"), &link).unwrap();
        for dir in [link.clone(), link.join("sub/dir")] {
            let e = super::dangling_link(&dir).expect("found").to_string();
            assert!(e.contains("is a symbolic link to"), "{e}");
            assert!(e.contains("not-mounted"), "{e}");
        }
        assert!(super::dangling_link(&tmp.path().join("plain/sub")).is_none());
        std::fs::create_dir(tmp.path().join("not-mounted")).unwrap();
        assert!(super::dangling_link(&link.join("sub")).is_none());
    }
}
