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
        let mut zip = zip::ZipArchive::new(file).map_err(|e| other(e.to_string()))?;
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
    f(&mut BufReader::new(entry))
}
