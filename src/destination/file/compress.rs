//! Packing a finished file into an archive, as the original's `shutil.make_archive` did:
//! `tar`, `gztar` (`.tar.gz`, compressed by [`super::deflate`]), `bztar` (`.tar.bz2`), `xztar` (`.tar.xz`) or `zip` (deflated),
//! holding the one file under its own name; the plain file is removed afterwards.
//!
//! It happens when a table is finished, not at the end of the run, and safely: the archive is
//! built in `<archive>.part` (created exclusively), synced, then linked to its name with
//! `link(2)`, which never replaces an existing file; only then is the plain file removed. A
//! crash at any point leaves the plain file or the finished archive (or both), never a
//! truncated archive under the final name, and an existing archive is never written to.
//! (`gz` and `zst` compress as the file is written: see [`super::sink`].)

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::config::ArchiveFormat;

use super::naming::FILE_MODE;
use super::sink::sync_dir;

const BUFFER: usize = 256 << 10;

/// Packs `plain` into the archive `kept` (format `format`), building it in `part`; removes
/// `plain` when the archive is in place. Returns the archive's size. On an error the plain
/// file is left as it is and `part` is removed.
pub fn pack(
    plain: &Path,
    part: &Path,
    kept: &Path,
    format: ArchiveFormat,
    level: u32,
) -> io::Result<u64> {
    let with_path = |what: &str, p: &Path, e: io::Error| {
        io::Error::new(e.kind(), format!("{what} {}: {e}", p.display()))
    };
    let mut src = File::open(plain).map_err(|e| with_path("cannot read", plain, e))?;
    let out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(part)
        .map_err(|e| with_path("cannot create", part, e))?;
    let built = build(out, &mut src, plain, format, level)
        .and_then(|out| {
            out.sync_all()?;
            Ok(out.metadata()?.len())
        })
        .map_err(|e| with_path("cannot write", part, e))
        .and_then(|size| publish(part, kept).map(|()| size));
    let size = match built {
        Ok(size) => size,
        Err(e) => {
            let _ = fs::remove_file(part);
            return Err(e);
        }
    };
    if let Some(dir) = kept.parent() {
        sync_dir(dir)?;
    }
    fs::remove_file(plain).map_err(|e| with_path("cannot remove", plain, e))?;
    if let Some(dir) = plain.parent() {
        sync_dir(dir)?;
    }
    Ok(size)
}

/// Writes the archive of `src` (named `path`'s file name inside) to `out`.
fn build(
    out: File,
    src: &mut File,
    path: &Path,
    format: ArchiveFormat,
    level: u32,
) -> io::Result<File> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("a file name is needed"))?;
    let w = BufWriter::with_capacity(BUFFER, out);
    let w = match format {
        ArchiveFormat::Tar => tar(w, name, src)?,
        ArchiveFormat::Gztar => {
            let gz = super::deflate::GzMembers::new(w, level);
            tar(gz, name, src)?.finish()?
        }
        ArchiveFormat::Bztar => {
            let bz = bzip2::write::BzEncoder::new(w, bzip2::Compression::new(level));
            tar(bz, name, src)?.finish()?
        }
        ArchiveFormat::Xztar => {
            let xz = liblzma::write::XzEncoder::new(w, level);
            tar(xz, name, src)?.finish()?
        }
        ArchiveFormat::Zip => zip(w, &name.to_string_lossy(), src, level)?,
        ArchiveFormat::Gz | ArchiveFormat::Zst => {
            return Err(io::Error::other(format!(
                "{} compresses as it writes: nothing to pack",
                format.name()
            )))
        }
    };
    w.into_inner().map_err(io::IntoInnerError::into_error)
}

/// A tar stream holding `src` as `name` (mode, owner and modification time from the file).
fn tar<W: Write>(w: W, name: &std::ffi::OsStr, src: &mut File) -> io::Result<W> {
    let mut b = tar::Builder::new(w);
    b.mode(tar::HeaderMode::Complete);
    b.append_file(name, src)?;
    b.into_inner()
}

/// A zip archive holding `src` as `name`, deflated (zip64 when it is large).
fn zip(w: BufWriter<File>, name: &str, src: &mut File, level: u32) -> io::Result<BufWriter<File>> {
    let meta = src.metadata()?;
    let mut options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(i64::from(level)))
        .unix_permissions(FILE_MODE)
        .large_file(meta.len() >= u64::from(u32::MAX));
    if let Ok(modified) = meta.modified() {
        let local = chrono::DateTime::<chrono::Local>::from(modified).naive_local();
        if let Ok(t) = zip::DateTime::try_from(local) {
            options = options.last_modified_time(t);
        }
    }
    let mut z = zip::ZipWriter::new(w);
    z.start_file(name, options).map_err(io::Error::other)?;
    io::copy(&mut BufReader::with_capacity(BUFFER, src), &mut z)?;
    z.finish().map_err(io::Error::other)
}

/// Gives `part` the name `kept`, never replacing an existing file.
fn publish(part: &Path, kept: &Path) -> io::Result<()> {
    let exists = || {
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists: not overwritten", kept.display()),
        )
    };
    match fs::hard_link(part, kept) {
        Ok(()) => fs::remove_file(part),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(exists()),
        // A file system without hard links: check, then rename (not atomic, but nothing else
        // uses the names this destination claimed).
        Err(_) => {
            if fs::symlink_metadata(kept).is_ok() {
                return Err(exists());
            }
            fs::rename(part, kept)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn content() -> Vec<u8> {
        (0..300_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect()
    }

    fn setup(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let plain = d.path().join(name);
        fs::write(&plain, content()).unwrap();
        (d, plain)
    }

    fn untar(r: impl Read) -> (String, Vec<u8>) {
        let mut a = tar::Archive::new(r);
        let mut entries = a.entries().unwrap();
        let mut e = entries.next().unwrap().unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut body = Vec::new();
        e.read_to_end(&mut body).unwrap();
        assert!(entries.next().is_none(), "one entry only");
        (name, body)
    }

    /// CSV-like rows of pseudo-random numbers, where a harder level finds more to save.
    fn rows() -> Vec<u8> {
        let mut x: u64 = 1;
        let mut out = Vec::new();
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let line = format!(
                "{i},\"{}\",{},2024-0{}-1{} 00:00:00\n",
                x >> 40,
                x % 97,
                x % 9 + 1,
                x % 10
            );
            out.extend_from_slice(line.as_bytes());
        }
        out
    }

    /// The format's own level, as an unset `compression_level` gives.
    fn level(fmt: ArchiveFormat) -> u32 {
        fmt.levels().map_or(0, |l| l.default)
    }

    /// `compression_level` reaches the compressor: each format packs at both ends of its
    /// range, the archive reads back whole, and the highest level writes fewer bytes than
    /// the lowest.
    #[test]
    fn the_compression_level_reaches_every_compressor() {
        for fmt in [
            ArchiveFormat::Gztar,
            ArchiveFormat::Bztar,
            ArchiveFormat::Xztar,
            ArchiveFormat::Zip,
        ] {
            let levels = fmt.levels().unwrap();
            let mut sizes = Vec::new();
            for level in [levels.min, levels.max] {
                let d = tempfile::tempdir().unwrap();
                let plain = d.path().join("db.t.csv");
                fs::write(&plain, rows()).unwrap();
                let kept = d.path().join("db.t.csv.packed");
                let size = pack(&plain, &d.path().join("p.part"), &kept, fmt, level).unwrap();
                let f = File::open(&kept).unwrap();
                let body = match fmt {
                    ArchiveFormat::Gztar => untar(flate2::read::MultiGzDecoder::new(f)).1,
                    ArchiveFormat::Bztar => untar(bzip2::read::BzDecoder::new(f)).1,
                    ArchiveFormat::Xztar => untar(liblzma::read::XzDecoder::new(f)).1,
                    _ => {
                        let mut z = zip::ZipArchive::new(f).unwrap();
                        let mut body = Vec::new();
                        z.by_index(0).unwrap().read_to_end(&mut body).unwrap();
                        body
                    }
                };
                assert!(body == rows(), "{fmt:?} at level {level}: content differs");
                sizes.push(size);
            }
            assert!(
                sizes[1] < sizes[0],
                "{fmt:?}: level {} gave {} bytes, level {} gave {}",
                levels.max,
                sizes[1],
                levels.min,
                sizes[0]
            );
        }
    }

    #[test]
    fn every_archive_format_holds_the_file_under_its_name() {
        for (fmt, suffix) in [
            (ArchiveFormat::Tar, ".tar"),
            (ArchiveFormat::Gztar, ".tar.gz"),
            (ArchiveFormat::Bztar, ".tar.bz2"),
            (ArchiveFormat::Xztar, ".tar.xz"),
            (ArchiveFormat::Zip, ".zip"),
        ] {
            let (d, plain) = setup("db.t.csv");
            let kept = d.path().join(format!("db.t.csv{suffix}"));
            let part = d.path().join(format!("db.t.csv{suffix}.part"));
            let size = pack(&plain, &part, &kept, fmt, level(fmt)).unwrap();
            assert_eq!(fs::metadata(&kept).unwrap().len(), size);
            assert!(!plain.exists(), "{fmt:?}: the plain file is removed");
            assert!(!part.exists(), "{fmt:?}: the temporary file is removed");
            let f = File::open(&kept).unwrap();
            let (name, body) = match fmt {
                ArchiveFormat::Tar => untar(f),
                ArchiveFormat::Gztar => untar(flate2::read::MultiGzDecoder::new(f)),
                ArchiveFormat::Bztar => untar(bzip2::read::BzDecoder::new(f)),
                ArchiveFormat::Xztar => untar(liblzma::read::XzDecoder::new(f)),
                _ => {
                    let mut z = zip::ZipArchive::new(f).unwrap();
                    assert_eq!(z.len(), 1);
                    let mut e = z.by_index(0).unwrap();
                    let mut body = Vec::new();
                    e.read_to_end(&mut body).unwrap();
                    (e.name().to_string(), body)
                }
            };
            assert_eq!(name, "db.t.csv", "{fmt:?}");
            assert!(body == content(), "{fmt:?}: content differs");
        }
    }

    /// A `gztar` of more than a MiB is several gzip members: the tools operators unpack with
    /// read it whole.
    #[test]
    fn a_gztar_of_several_members_unpacks_whole_with_tar_and_python() {
        let (d, plain) = setup("db.t.csv");
        assert!(content().len() > super::super::deflate::PIECE);
        let kept = d.path().join("db.t.csv.tar.gz");
        pack(
            &plain,
            &d.path().join("p.part"),
            &kept,
            ArchiveFormat::Gztar,
            1,
        )
        .unwrap();
        // Each reader must succeed and give the content whole.
        let reads_whole = |mut cmd: std::process::Command, who: &str| {
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{who}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(out.stdout == content(), "{who} reads it whole");
        };
        let mut python = std::process::Command::new("python3");
        python
            .arg("-c")
            .arg(
                "import sys, tarfile\n\
                 with tarfile.open(sys.argv[1]) as t:\n\
                 \x20   m = t.getmembers()\n\
                 \x20   assert [x.name for x in m] == ['db.t.csv'], m\n\
                 \x20   sys.stdout.buffer.write(t.extractfile(m[0]).read())",
            )
            .arg(&kept);
        reads_whole(python, "python's tarfile");
        let mut tar = std::process::Command::new("tar");
        tar.arg("-xzOf").arg(&kept);
        reads_whole(tar, "tar xz");
    }

    #[test]
    fn an_existing_archive_is_never_overwritten() {
        let (d, plain) = setup("db.t.sql");
        let kept = d.path().join("db.t.sql.tar");
        let part = d.path().join("db.t.sql.tar.part");
        fs::write(&kept, b"an earlier run's archive").unwrap();
        let e = pack(&plain, &part, &kept, ArchiveFormat::Tar, 0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        assert!(e.to_string().contains("not overwritten"), "{e}");
        assert_eq!(fs::read(&kept).unwrap(), b"an earlier run's archive");
        assert_eq!(fs::read(&plain).unwrap(), content(), "the plain file stays");
        assert!(!part.exists());
    }

    #[test]
    fn an_existing_temporary_file_is_not_reused() {
        let (d, plain) = setup("db.t.sql");
        let kept = d.path().join("db.t.sql.zip");
        let part = d.path().join("db.t.sql.zip.part");
        fs::write(&part, b"someone else's").unwrap();
        let e = pack(&plain, &part, &kept, ArchiveFormat::Zip, 6).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        assert_eq!(fs::read(&part).unwrap(), b"someone else's");
        assert!(!kept.exists());
        assert!(plain.exists());
    }

    #[test]
    fn streaming_formats_are_not_packed() {
        let (d, plain) = setup("db.t.sql");
        let kept = d.path().join("db.t.sql.gz");
        let part = d.path().join("db.t.sql.gz.part");
        assert!(pack(&plain, &part, &kept, ArchiveFormat::Gz, 6).is_err());
        assert!(plain.exists() && !part.exists() && !kept.exists());
    }
}
