//! File names: `<directory>/<db>.<table>.<csv|sql>`, as the original names them, then the
//! compressed name (`.tar`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, `.zip`, `.gz`, `.zst` appended),
//! and never a name that is already taken.
//!
//! A table's files are numbered when their plain name or one of the names it can become is
//! taken, whatever this destination's own `archive_format`: `<db>.<table>.csv`, then
//! `<db>.<table>.1.csv`, `<db>.<table>.2.csv`, ... All the formats of one table share the
//! number. [`claim`] creates the files with `O_CREAT|O_EXCL`, so two writers (two sources of
//! one run, two runs at once) can never both get a name: the loser moves on to the next number.
//!
//! `/`, `%`, NUL and `.` in database and table names are written `%2F`, `%25`, `%00` and `%2E`:
//! a name can never leave the directory, and `<db>.<table>[.N]` reads back one way only.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::config::{ArchiveFormat, FileFormat};

/// Files are created readable and writable by their owner only: they hold database rows.
pub const FILE_MODE: u32 = 0o600;

/// The suffix of the temporary file an archive is built in.
pub const PART: &str = ".part";

/// How many numbers [`claim`] tries before giving up.
const MAX_NUMBER: u32 = 100_000;

/// What each archive format appends to the plain file's name.
pub fn archive_suffix(format: ArchiveFormat) -> &'static str {
    match format {
        ArchiveFormat::Tar => ".tar",
        ArchiveFormat::Gztar => ".tar.gz",
        ArchiveFormat::Bztar => ".tar.bz2",
        ArchiveFormat::Xztar => ".tar.xz",
        ArchiveFormat::Zip => ".zip",
        ArchiveFormat::Gz => ".gz",
        ArchiveFormat::Zst => ".zst",
    }
}

/// Whether the format compresses the file as it is written (no plain file, no packing step).
pub fn is_streaming(format: ArchiveFormat) -> bool {
    matches!(format, ArchiveFormat::Gz | ArchiveFormat::Zst)
}

/// `<db>.<table>`, with `/`, `%`, NUL and `.` percent-encoded.
pub fn stem(db: &str, table: &str) -> String {
    let mut out = String::with_capacity(db.len() + table.len() + 1);
    push_escaped(&mut out, db);
    out.push('.');
    push_escaped(&mut out, table);
    out
}

fn push_escaped(out: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            '/' => out.push_str("%2F"),
            '%' => out.push_str("%25"),
            '\0' => out.push_str("%00"),
            // A dot in a name would make `<db>.<table>` and a file's number ambiguous: the
            // files of table `t.1` would read as the second files of table `t`.
            '.' => out.push_str("%2E"),
            c => out.push(c),
        }
    }
}

/// The names of one file of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNames {
    /// The file rows are written to: the plain file, or the compressed file for `gz`/`zst`.
    pub written: PathBuf,
    /// The file that stays: the archive holding the plain file, or `written` for `gz`/`zst`.
    pub kept: PathBuf,
    /// Where the archive is built before it is linked to `kept` (archive formats only).
    pub part: Option<PathBuf>,
}

/// The plain file name of number `n` (0: no number).
fn base_name(stem: &str, n: u32, format: FileFormat) -> String {
    if n == 0 {
        format!("{stem}.{}", format.extension())
    } else {
        format!("{stem}.{n}.{}", format.extension())
    }
}

/// The names of file number `n` of a table.
pub fn names(
    dir: &Path,
    stem: &str,
    n: u32,
    format: FileFormat,
    archive: ArchiveFormat,
) -> FileNames {
    let base = base_name(stem, n, format);
    let kept = dir.join(format!("{base}{}", archive_suffix(archive)));
    if is_streaming(archive) {
        FileNames {
            written: kept.clone(),
            kept,
            part: None,
        }
    } else {
        FileNames {
            written: dir.join(&base),
            part: Some(dir.join(format!("{base}{}{PART}", archive_suffix(archive)))),
            kept,
        }
    }
}

/// Whether `p` exists (a dangling symbolic link counts).
fn exists(p: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(p) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        // A component that is a file: nothing can be there.
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => Ok(false),
        // A name longer than the file system takes (a sibling name with a longer suffix than
        // the one this run writes, `.tar.bz2.part`): no such file can exist.
        Err(e) if e.raw_os_error() == Some(libc::ENAMETOOLONG) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the plain name `base` or any name it can become (any archive format, temporary
/// names included) exists in `dir`.
fn taken(dir: &Path, base: &str) -> io::Result<bool> {
    if exists(&dir.join(base))? {
        return Ok(true);
    }
    for (_, format) in ArchiveFormat::ALL {
        let compressed = format!("{base}{}", archive_suffix(*format));
        if exists(&dir.join(&compressed))? || exists(&dir.join(format!("{compressed}{PART}")))? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The first number, from `from` on, whose names are all free for every format.
pub fn first_free(dir: &Path, stem: &str, formats: &[FileFormat], from: u32) -> io::Result<u32> {
    let mut n = from;
    loop {
        let mut free = true;
        for &f in formats {
            if taken(dir, &base_name(stem, n, f))? {
                free = false;
                break;
            }
        }
        if free {
            return Ok(n);
        }
        n += 1;
        if n > MAX_NUMBER {
            return Err(io::Error::other(format!(
                "no free file name for {stem} in {} after {MAX_NUMBER} tries",
                dir.display()
            )));
        }
    }
}

/// Creates the files of a table (`written` of each format) under the first free number, each
/// with `O_CREAT|O_EXCL` and mode [`FILE_MODE`]; `dir` must exist. On a race with another
/// writer (a file appeared between the check and the creation) the files created so far are
/// removed and the next number is tried.
pub fn claim(
    dir: &Path,
    stem: &str,
    formats: &[FileFormat],
    archive: ArchiveFormat,
) -> io::Result<Vec<(FileNames, File)>> {
    let mut from = 0;
    'numbers: loop {
        let n = first_free(dir, stem, formats, from)?;
        let mut created: Vec<(FileNames, File)> = Vec::with_capacity(formats.len());
        for &f in formats {
            let names = names(dir, stem, n, f, archive);
            let opened = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(FILE_MODE)
                .open(&names.written);
            match opened {
                Ok(file) => created.push((names, file)),
                Err(e) => {
                    for (names, file) in created {
                        drop(file);
                        let _ = fs::remove_file(&names.written);
                    }
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        from = n + 1;
                        continue 'numbers;
                    }
                    return Err(io::Error::new(
                        e.kind(),
                        format!("cannot create {}: {e}", names.written.display()),
                    ));
                }
            }
        }
        return Ok(created);
    }
}

#[cfg(test)]
mod tests;
