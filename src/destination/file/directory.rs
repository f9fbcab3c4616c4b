//! The destination's directory: created (`0700`, with its parents) when the first file of the
//! run is, never before; a dry run never creates it.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

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
        }
        self.directory_ready = true;
        Ok(())
    }
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
}
