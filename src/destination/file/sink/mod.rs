//! A durable output file, written batch by batch.
//!
//! Bytes go through a buffer and, for `archive_format = gz` or `zst`, a compressor.
//! [`Sink::end_batch`] makes everything written so far durable: the batch's gzip member or
//! zstd frame is closed, the buffer is flushed and the file is `fdatasync`ed. A file cut at any
//! moment therefore holds complete batches followed by at most one incomplete one, and
//! `gzip -d`/`zstd -d` decode every complete batch (gzip members and zstd frames concatenate).
//! [`Sink::abort`] cuts a failed batch off: the file is truncated back to the end of the last
//! complete batch.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;

/// The buffer between the encoders and the file.
const BUFFER: usize = 256 << 10;

/// How the file is compressed as it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    /// One gzip member per batch, at this level.
    Gzip(u32),
    /// One zstd frame per batch, with a checksum, at this level.
    Zstd(u32),
}

enum Out {
    /// Between batches, and always for uncompressed files.
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
}

/// An open output file.
pub struct Sink {
    path: PathBuf,
    compression: Compression,
    /// A second handle on the same open file: `fdatasync` and truncation.
    file: File,
    /// `None` once a write failed.
    out: Option<Out>,
    /// The file's length after the last complete batch.
    durable: u64,
    /// Bytes written before compression.
    raw_bytes: u64,
    /// An [`Sink::abort`] could not cut the file back: it may end with part of a batch.
    uncut: Option<String>,
}

impl Sink {
    /// Wraps a newly created, empty file.
    pub fn new(path: PathBuf, file: File, compression: Compression) -> io::Result<Sink> {
        let handle = file.try_clone()?;
        Ok(Sink {
            path,
            compression,
            file: handle,
            out: Some(Out::Plain(BufWriter::with_capacity(BUFFER, file))),
            durable: 0,
            raw_bytes: 0,
            uncut: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's length after the last complete batch.
    pub fn durable_len(&self) -> u64 {
        self.durable
    }

    /// Bytes written so far, before compression.
    pub fn raw_bytes(&self) -> u64 {
        self.raw_bytes
    }

    fn failed(&self) -> io::Error {
        io::Error::other(format!(
            "{}: an earlier write to this file failed",
            self.path.display()
        ))
    }

    /// The writer of the current batch, starting a gzip member or zstd frame if needed.
    fn batch_writer(&mut self) -> io::Result<&mut Out> {
        let out = match self.out.take() {
            Some(Out::Plain(w)) => match self.compression {
                Compression::None => Out::Plain(w),
                Compression::Gzip(level) => {
                    Out::Gzip(GzEncoder::new(w, flate2::Compression::new(level)))
                }
                Compression::Zstd(level) => {
                    let level = i32::try_from(level).map_err(io::Error::other)?;
                    let mut e = zstd::stream::write::Encoder::new(w, level)?;
                    e.include_checksum(true)?;
                    Out::Zstd(e)
                }
            },
            Some(out) => out,
            None => return Err(self.failed()),
        };
        Ok(self.out.insert(out))
    }

    /// Ends the batch: closes its gzip member or zstd frame, flushes, `fdatasync`s. When this
    /// returns Ok, everything written so far is on disk. On an error, call [`Sink::abort`].
    pub fn end_batch(&mut self) -> io::Result<()> {
        let mut w = match self.out.take() {
            Some(Out::Plain(w)) => w,
            Some(Out::Gzip(e)) => e.finish()?,
            Some(Out::Zstd(e)) => e.finish()?,
            None => return Err(self.failed()),
        };
        w.flush()?;
        let len = w.get_mut().stream_position()?;
        self.out = Some(Out::Plain(w));
        self.file.sync_data()?;
        self.still_linked()?;
        self.durable = len;
        Ok(())
    }

    /// The open file is still the one at its path: a file removed (or its directory) while it
    /// is written takes every write and `fdatasync` without an error, into an inode that no
    /// name reaches, and the rows written to it would be nowhere once deleted.
    fn still_linked(&self) -> io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        let open = self.file.metadata()?;
        let named = std::fs::metadata(&self.path).ok();
        let same = named.is_some_and(|n| n.dev() == open.dev() && n.ino() == open.ino());
        if open.nlink() == 0 || !same {
            return Err(io::Error::other(format!(
                "{} was removed or replaced while it was written: the rows written to it are in no file",
                self.path.display()
            )));
        }
        Ok(())
    }

    /// Drops what was written since the last complete batch: the file is truncated back to
    /// [`Sink::durable_len`] and synced. The sink takes no more writes.
    pub fn abort(&mut self) -> io::Result<()> {
        match self.out.take() {
            // The buffer is dropped unwritten.
            Some(Out::Plain(w)) => drop(w.into_parts()),
            // An encoder may write its end into the buffer, and the buffer into the file, as
            // it is dropped: truncated away below.
            Some(other) => drop(other),
            None => {}
        }
        let cut = self
            .file
            .set_len(self.durable)
            .and_then(|()| self.file.sync_data());
        self.uncut = cut.as_ref().err().map(|e| e.to_string());
        cut
    }

    /// Closes the file after its last complete batch; returns its length. An error when the
    /// file could not be cut back after a failed batch (it may end with part of that batch).
    pub fn close(mut self) -> io::Result<u64> {
        if let Some(e) = &self.uncut {
            return Err(io::Error::other(format!(
                "it may end with an incomplete batch after byte {} (cutting it failed: {e})",
                self.durable
            )));
        }
        match self.out.take() {
            Some(Out::Plain(w)) => {
                let (_, rest) = w.into_parts();
                debug_assert!(rest.map(|b| b.is_empty()).unwrap_or(true));
                Ok(self.durable)
            }
            Some(other) => {
                // A batch was started and not ended: it is not part of the file.
                self.out = Some(other);
                self.abort()?;
                Ok(self.durable)
            }
            None => Ok(self.durable),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match self.batch_writer()? {
            Out::Plain(w) => w.write(buf)?,
            Out::Gzip(e) => e.write(buf)?,
            Out::Zstd(e) => e.write(buf)?,
        };
        self.raw_bytes += n as u64;
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let w = self.batch_writer()?;
        match w {
            Out::Plain(w) => w.write_all(buf)?,
            Out::Gzip(e) => e.write_all(buf)?,
            Out::Zstd(e) => e.write_all(buf)?,
        }
        self.raw_bytes += buf.len() as u64;
        Ok(())
    }

    /// Durability is [`Sink::end_batch`]'s business: this does nothing.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `fsync`s a directory, so that the names created or removed in it are durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests;
