//! Dry runs of the file destination: nothing is created, not even the directory; what a real
//! run would write and upload is logged instead (`[dry-run] ...` lines).

use std::path::{Path, PathBuf};

use crate::config::FileDestination;
use crate::mysql::ident::qualified;
use crate::table::TablePlan;

use super::super::remote::{names, object_name, Remote};
use super::{naming, FileDest, FileError};

/// The longest file name (one path component, in bytes) Linux file systems take.
const NAME_MAX: usize = 255;

/// When the destination is opened: its remote stores, its files and directory.
pub(super) fn log_open(cfg: &FileDestination, remotes: &[Remote], date: &str) {
    for r in remotes {
        tracing::info!(
            "[dry-run] destination {}: would upload each table's files to remote store {} ({}) as {}",
            cfg.name,
            r.name(),
            r.describe(),
            object_name(r.cfg.file_name_prefix.as_deref(), date, "<file>")
        );
    }
    let formats: Vec<&str> = cfg.formats.iter().map(|f| f.extension()).collect();
    tracing::info!(
        "[dry-run] destination {}: would write {} files in {} (archive_format {}){}",
        cfg.name,
        formats.join(" and "),
        cfg.directory.display(),
        cfg.archive_format.name(),
        if cfg.directory.exists() {
            ""
        } else {
            ", creating the directory"
        }
    );
}

impl FileDest {
    /// For a dry run: whether the files of `table`, whose eligible rows' values take about
    /// `bytes` as text, fit in the directory's free space (of the nearest directory that
    /// exists). A format packed after the table (`tar`, `gztar`, `bztar`, `xztar`, `zip`) first
    /// writes plain files, CSV and SQL, each at least that size: when they cannot fit, a real
    /// run fills the disk, and the table fails here as it would there. Counted as they lie on
    /// disk: whole blocks, and the archive being built beside the plain files. Compressed as
    /// written (`gz`, `zst`), the files are smaller by a ratio no one knows before: only a
    /// block each is certain, and when the run's values do not fit before compression, a
    /// warning says so.
    ///
    /// First, whether a real run could write into the directory at all. A table with no
    /// eligible `rows` gets no file from a real run, which does not look at the directory for
    /// it: a directory it could not write into is then only a warning, as is the space.
    pub fn dry_run_space(&mut self, table: &str, rows: u64, bytes: u64) -> Result<(), FileError> {
        if let Err((path, e)) = writable(&self.directory) {
            let what = format!(
                "destination {}: a real run could not write into {} ({} cannot be written)",
                self.name,
                self.directory.display(),
                path.display()
            );
            if rows == 0 {
                tracing::warn!(
                    "[dry-run] {what}: {e}; {table} has no eligible rows, so a real run writes no file for it now, and fails the first table that has some"
                );
                return Ok(());
            }
            return Err(self.io(what, e));
        }
        if rows == 0 {
            return Ok(());
        }
        if let Some(long) = self
            .dry_names
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n.len() > NAME_MAX))
        {
            let what = format!(
                "destination {}: a real run could not create {}: its name is longer than \
                 {NAME_MAX} bytes, which file systems refuse",
                self.name,
                long.display()
            );
            return Err(self.io(
                what,
                std::io::Error::new(std::io::ErrorKind::InvalidFilename, "file name too long"),
            ));
        }
        let plain = bytes.saturating_mul(self.formats.len() as u64);
        self.planned = self.planned.saturating_add(plain);
        let Some((free, block)) = free_space(&self.directory) else {
            return Ok(());
        };
        let packed_after = !matches!(
            self.archive,
            crate::config::ArchiveFormat::Gz | crate::config::ArchiveFormat::Zst
        );
        // On disk a file takes whole blocks, one at least. While a table is packed, its plain
        // files and the archive being built are there at once: a `tar` is its file in blocks
        // of 512 bytes, a header block and two end blocks; a compressed one takes a block at
        // least.
        let on_disk = |n: u64| n.div_ceil(block).max(1).saturating_mul(block);
        // Compressed as written, a file is smaller by a ratio no one knows before: a block.
        let each = if packed_after { on_disk(bytes) } else { block };
        let files = (self.formats.len() as u64).saturating_mul(each);
        let packing = match self.archive {
            crate::config::ArchiveFormat::Gz | crate::config::ArchiveFormat::Zst => 0,
            crate::config::ArchiveFormat::Tar => {
                on_disk(bytes.div_ceil(512).saturating_mul(512).saturating_add(1536))
            }
            _ => block,
        };
        let needed = files.saturating_add(packing);
        if needed > free {
            return Err(self.io(
                format!(
                    "destination {}: the files of {table} take at least {} on disk{} ({} eligible rows' values, as text, in each format, in blocks of {block} bytes), and {} has {} free: a real run would fill it",
                    self.name,
                    crate::archiver::forecast::human_bytes(needed),
                    if packed_after { " while they are packed" } else { "" },
                    crate::archiver::forecast::human_bytes(bytes),
                    self.directory.display(),
                    crate::archiver::forecast::human_bytes(free)
                ),
                std::io::Error::from(std::io::ErrorKind::StorageFull),
            ));
        }
        if self.planned > free && !self.space_warned {
            self.space_warned = true;
            tracing::warn!(
                "[dry-run] destination {}: the files of this run take about {} before compression, and {} has {} free: a real run may fill it",
                self.name,
                crate::archiver::forecast::human_bytes(self.planned),
                self.directory.display(),
                crate::archiver::forecast::human_bytes(free)
            );
        }
        Ok(())
    }

    /// For a dry run: each remote store is asked whether a real run could upload to it
    /// (credentials, container or bucket; see [`Remote::check_access`]), off the runtime's
    /// threads. Nothing is written.
    pub async fn check_remotes(&self) -> Result<(), FileError> {
        for i in 0..self.remotes.len() {
            let remotes = std::sync::Arc::clone(&self.remotes);
            let checked = tokio::task::spawn_blocking(move || remotes[i].check_access()).await;
            let result = match checked {
                Ok(result) => result,
                Err(e) => Err(crate::destination::remote::RemoteError::Option {
                    store: self.remotes[i].name().to_string(),
                    message: format!("the access check did not finish: {e}"),
                }),
            };
            result.map_err(|source| FileError::Remote {
                dest: self.name.clone(),
                source: Box::new(source),
            })?;
            tracing::info!(
                "[dry-run] destination {}: remote store {} accepts the credentials",
                self.name,
                self.remotes[i].name()
            );
        }
        Ok(())
    }

    /// When a table is prepared: the files a real run would write now (numbered after those
    /// already there), their archives and their uploads.
    pub(super) fn log_dry_run_table(&mut self, plan: &TablePlan) -> Result<(), FileError> {
        self.dry_names.clear();
        let table = qualified(&plan.db, &plan.table);
        // A directory a real run could not write into fails the table only when it has
        // eligible rows (see [`FileDest::dry_run_space`]), which the table's count tells later.
        if writable(&self.directory).is_err() {
            return Ok(());
        }
        let stem = naming::stem(&plan.db, &plan.table);
        let n = naming::first_free(&self.directory, &stem, &self.formats, 0).map_err(|e| {
            let what = format!(
                "destination {}: cannot look into {}",
                self.name,
                self.directory.display()
            );
            self.io(what, e)
        })?;
        for &format in &self.formats {
            let names = naming::names(&self.directory, &stem, n, format, self.archive);
            self.dry_names.extend(
                [&names.written, &names.kept]
                    .into_iter()
                    .chain(names.part.as_ref())
                    .cloned(),
            );
            if names.written == names.kept {
                tracing::info!(
                    "[dry-run] destination {}: {table}: would write {}",
                    self.name,
                    names.kept.display()
                );
            } else {
                tracing::info!(
                    "[dry-run] destination {}: {table}: would write {}, then pack it into {}",
                    self.name,
                    names.written.display(),
                    names.kept.display()
                );
            }
            if let Some(file) = names.kept.file_name() {
                self.log_dry_run_uploads(&table, &file.to_string_lossy());
            }
        }
        Ok(())
    }

    fn log_dry_run_uploads(&self, table: &str, file: &str) {
        for r in self.remotes.iter() {
            // As a real run names it, but for the names the store holds already (not looked
            // up: the real run does, and numbers the file past them).
            let prefix = r.cfg.file_name_prefix.as_deref();
            let object = (0..)
                .map(|n| match n {
                    0 => object_name(prefix, &self.date, file),
                    n => object_name(prefix, &self.date, &names::renumbered(file, n)),
                })
                .find(|object| names::claim(&r.identity(), object))
                .unwrap_or_default();
            tracing::info!(
                "[dry-run] destination {}: {table}: would upload {file} to remote store {} ({}) as {object}",
                self.name,
                r.name(),
                r.describe(),
            );
        }
    }
}

/// Whether a real run could create its files in `dir`, without creating anything: `dir`, or
/// the nearest ancestor that exists (the real run creates the rest), must be a directory this
/// process may write into and enter (`access(2)`, which also sees a read-only filesystem).
/// The path that fails, with why.
fn writable(dir: &Path) -> Result<(), (PathBuf, std::io::Error)> {
    if let Some(why) = super::directory::dangling_link(dir) {
        return Err((dir.to_path_buf(), why));
    }
    let mut at = dir;
    loop {
        match std::fs::metadata(at) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return Err((
                    at.to_path_buf(),
                    std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
                ))
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                match at.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => at = parent,
                    _ => return Ok(()),
                }
            }
            Err(e) => return Err((at.to_path_buf(), e)),
        }
    }
    let c = std::ffi::CString::new(at.as_os_str().as_encoded_bytes())
        .map_err(|e| (at.to_path_buf(), std::io::Error::other(e)))?;
    // SAFETY: access(2) reads a NUL-terminated path and touches nothing.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) } == 0 {
        // Nothing can be created under /proc, whatever access(2) says for root.
        if crate::pseudo_fs::refuses_new_entries(at) {
            return Err((
                at.to_path_buf(),
                std::io::Error::other("a kernel pseudo file system: nothing can be created there"),
            ));
        }
        Ok(())
    } else {
        Err((at.to_path_buf(), std::io::Error::last_os_error()))
    }
}

/// The bytes an unprivileged user may still write in `dir`, or in its nearest ancestor that
/// exists, and the file system's block size; `None` when it cannot be told.
fn free_space(dir: &Path) -> Option<(u64, u64)> {
    let mut at = dir;
    while !at.exists() {
        at = at.parent().filter(|p| !p.as_os_str().is_empty())?;
    }
    let c = std::ffi::CString::new(at.as_os_str().as_encoded_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: statvfs(2) reads a NUL-terminated path and fills the struct it is given.
    if unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: filled by the successful call above.
    let st = unsafe { st.assume_init() };
    // Their width differs from one platform to another.
    #[allow(clippy::unnecessary_cast)]
    let (blocks, size) = (st.f_bavail as u64, st.f_frsize as u64);
    Some((blocks.saturating_mul(size), size.max(1)))
}

#[cfg(test)]
mod tests {
    use super::writable;

    #[test]
    fn free_space_is_read_from_the_nearest_directory_that_exists() {
        let d = tempfile::tempdir().unwrap();
        let here = super::free_space(d.path()).unwrap();
        let below = super::free_space(&d.path().join("not/yet")).unwrap();
        assert!(here.0 > 0 && below.0 > 0);
        assert_eq!(here.1, below.1);
        assert!(here.1 >= 512, "a block size: {}", here.1);
    }

    #[test]
    fn a_directory_under_a_file_cannot_be_written() {
        let d = tempfile::tempdir().unwrap();
        assert!(writable(&d.path().join("new/dir")).is_ok());
        assert!(writable(d.path()).is_ok());
        let file = d.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let (path, _) = writable(&file.join("sub")).unwrap_err();
        assert_eq!(path, file);
        assert!(writable(&file).is_err());
    }
}
