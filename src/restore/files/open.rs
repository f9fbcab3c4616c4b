//! A file's content, whatever its packing (`.tar`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, `.zip`:
//! the one file the archive holds) or compression (`.gz`, every member; `.zst`, every frame),
//! as a buffered reader: nothing is held in memory beyond the reader's buffer.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Calls `f` with the content of `path`.
pub fn with_content<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn BufRead) -> io::Result<T>,
) -> io::Result<T> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = File::open(path)?;
    let other = |e: String| io::Error::new(io::ErrorKind::InvalidData, e);
    if name.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(file).map_err(|e| {
            other(format!(
                "{name} is not a whole zip archive ({e}): cut short (a run killed while it packed it?) or damaged"
            ))
        })?;
        if zip.len() != 1 {
            return Err(other(format!("{name} holds {} files, not one", zip.len())));
        }
        let entry = zip.by_index(0).map_err(|e| other(e.to_string()))?;
        return f(&mut BufReader::new(entry));
    }
    let reader: Box<dyn Read> = if name.ends_with(".tar") {
        Box::new(file)
    } else if name.ends_with(".tar.gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if name.ends_with(".tar.bz2") {
        Box::new(bzip2::read::MultiBzDecoder::new(file))
    } else if name.ends_with(".tar.xz") {
        Box::new(liblzma::read::XzDecoder::new_multi_decoder(file))
    } else if name.ends_with(".gz") {
        return f(&mut BufReader::new(flate2::read::MultiGzDecoder::new(file)));
    } else if name.ends_with(".zst") {
        return f(&mut BufReader::new(zstd::stream::read::Decoder::new(file)?));
    } else {
        return f(&mut BufReader::new(file));
    };
    let mut archive = tar::Archive::new(reader);
    let mut entries = archive.entries()?;
    let entry = entries
        .next()
        .ok_or_else(|| other(format!("{name} holds no file")))??;
    // The file packed under its own name (the archive's, without the packing's suffix), alone.
    let inner = entry
        .path()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let expected = [".tar.gz", ".tar.bz2", ".tar.xz", ".tar"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(&name)
        .to_string();
    if inner != expected {
        return Err(other(format!(
            "{name} holds {inner:?}, not {expected:?}: not a file the tool packed for this table"
        )));
    }
    let value = f(&mut BufReader::new(entry))?;
    match entries.next() {
        None => {}
        Some(Ok(_)) => return Err(other(format!("{name} holds more than one file"))),
        Some(Err(e)) => {
            return Err(other(format!(
            "{name} is cut short or damaged after its file ({e}): a run killed while it packed it?"
        )))
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.tar` named `name` holding `files` (name, content).
    fn tar(dir: &Path, name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let path = dir.join(name);
        let mut b = tar::Builder::new(File::create(&path).unwrap());
        for (n, content) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(content.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, n, content.as_bytes()).unwrap();
        }
        b.finish().unwrap();
        path
    }

    fn read(path: &Path) -> io::Result<String> {
        with_content(path, |r| {
            let mut s = String::new();
            r.read_to_string(&mut s)?;
            Ok(s)
        })
    }

    #[test]
    fn a_tar_holds_its_own_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let ok = tar(dir.path(), "d.t.csv.tar", &[("d.t.csv", "a,b\r\n")]);
        assert_eq!(read(&ok).unwrap(), "a,b\r\n");
        let two = tar(
            dir.path(),
            "d.t.csv.tar",
            &[("d.t.csv", "a"), ("d.u.csv", "b")],
        );
        assert!(read(&two)
            .unwrap_err()
            .to_string()
            .contains("holds more than one file"));
        let other = tar(dir.path(), "d.t.csv.tar", &[("d.u.csv", "a")]);
        assert!(read(&other)
            .unwrap_err()
            .to_string()
            .contains("not \"d.t.csv\""));
    }
}
