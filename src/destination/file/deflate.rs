//! The gzip stream of a `gztar` archive, compressed by libdeflate: the input is cut into
//! pieces of [`PIECE`] bytes, each compressed whole into one gzip member, and the members are
//! concatenated. A file of concatenated members is one valid gzip file (RFC 1952, section
//! 2.2): `gzip -d`, `tar xzf`, Python's `tarfile` and `shutil.unpack_archive` read it whole.
//!
//! Why not a streaming deflater: on the archives osarchiver writes (CSV and SQL text),
//! libdeflate at level 6 compresses a third faster than zlib-rs at level 6 and its output is
//! about 5% smaller; it only compresses whole buffers, hence the members. A piece restarts the
//! 32 KiB window once per MiB, which costs next to nothing. (`gzip -l` shows the size of the
//! last member only: a known limit of the format's trailer, not of the archive.)

use std::io::{self, Write};

use libdeflater::{CompressionLvl, Compressor};

/// Bytes of input per gzip member.
pub const PIECE: usize = 1 << 20;

/// Writes a gzip stream of members of [`PIECE`] input bytes each to `W`.
pub struct GzMembers<W: Write> {
    out: W,
    compressor: Compressor,
    /// Input not compressed yet (less than a piece).
    pending: Vec<u8>,
    /// A compressed member, reused.
    member: Vec<u8>,
    /// A member was written (the stream is never empty: see [`GzMembers::finish`]).
    wrote: bool,
}

impl<W: Write> GzMembers<W> {
    /// At `level` (libdeflate's: 1 to 12; out of range, its default).
    pub fn new(out: W, level: u32) -> GzMembers<W> {
        let level =
            CompressionLvl::new(i32::try_from(level).unwrap_or(i32::MAX)).unwrap_or_default();
        let mut compressor = Compressor::new(level);
        let bound = compressor.gzip_compress_bound(PIECE);
        GzMembers {
            out,
            compressor,
            pending: Vec::with_capacity(PIECE),
            member: vec![0; bound],
            wrote: false,
        }
    }

    /// Compresses `input` (at most a piece) into one member and writes it.
    fn member(&mut self, input: &[u8]) -> io::Result<()> {
        let n = self
            .compressor
            .gzip_compress(input, &mut self.member)
            .map_err(|e| io::Error::other(format!("gzip: {e:?}")))?;
        self.out.write_all(&self.member[..n])?;
        self.wrote = true;
        Ok(())
    }

    /// Compresses what is pending (an empty member when nothing was ever written, so that the
    /// stream is a valid gzip file) and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.pending.is_empty() || !self.wrote {
            let pending = std::mem::take(&mut self.pending);
            self.member(&pending)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for GzMembers<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Whole pieces straight from the caller's buffer, when nothing is pending.
        if self.pending.is_empty() && buf.len() >= PIECE {
            self.member(&buf[..PIECE])?;
            return Ok(PIECE);
        }
        let n = buf.len().min(PIECE - self.pending.len());
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() == PIECE {
            let pending = std::mem::take(&mut self.pending);
            let done = self.member(&pending);
            self.pending = pending;
            self.pending.clear();
            done?;
        }
        Ok(n)
    }

    /// Flushes the writer underneath; pending input stays pending (a member is a whole piece).
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Decompresses a whole gzip stream, every member (for the tests).
#[cfg(test)]
pub(crate) fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Rows of CSV as the archives hold them: counters, dates, random hex identifiers.
    fn text(len: usize) -> Vec<u8> {
        let mut x = 0x2545_f491_u32;
        let mut out = Vec::with_capacity(len + 200);
        let mut id = 0u32;
        while out.len() < len {
            id += 1;
            let mut hex = String::new();
            for _ in 0..4 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                hex.push_str(&format!("{x:08x}"));
            }
            out.extend_from_slice(
                format!(
                    "\"{id}\",\"2025-{:02}-{:02} {:02}:{:02}:00\",\"instance-{id:08x}\",\"{hex}\",\"0\",NULL\r\n",
                    1 + id % 12,
                    1 + id % 28,
                    id % 24,
                    id % 60
                )
                .as_bytes(),
            );
        }
        out.truncate(len);
        out
    }

    fn compress(input: &[u8], write_size: usize) -> Vec<u8> {
        let mut gz = GzMembers::new(Vec::new(), 6);
        for piece in input.chunks(write_size.max(1)) {
            gz.write_all(piece).unwrap();
        }
        gz.finish().unwrap()
    }

    #[test]
    fn any_input_reads_back_whole_whatever_the_write_sizes() {
        for len in [0, 1, 1000, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 17] {
            let input = text(len);
            for write_size in [1 << 16, PIECE, 5 * PIECE] {
                let gz = compress(&input, write_size);
                assert!(gunzip(&gz) == input, "len {len}, writes of {write_size}");
            }
        }
    }

    #[test]
    fn the_stream_is_gzip_members_one_per_piece() {
        let input = text(2 * PIECE + 10);
        let gz = compress(&input, 4096);
        // A member starts with the gzip magic and deflate's method; count them by decoding.
        let mut members = 0;
        let mut rest: &[u8] = &gz;
        while !rest.is_empty() {
            assert_eq!(
                &rest[..3],
                &[0x1f, 0x8b, 8],
                "member {members} starts a gzip header"
            );
            let mut d = flate2::bufread::GzDecoder::new(rest);
            let mut sink = Vec::new();
            d.read_to_end(&mut sink).unwrap();
            assert!(sink.len() <= PIECE);
            rest = d.into_inner();
            members += 1;
        }
        assert_eq!(members, 3);
    }

    #[test]
    fn an_empty_input_is_still_a_gzip_file() {
        let gz = compress(b"", 1);
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        assert!(gunzip(&gz).is_empty());
    }

    #[test]
    fn it_compresses_as_well_as_zlib_at_the_same_level() {
        let input = text(2 * PIECE);
        let ours = compress(&input, PIECE).len();
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        z.write_all(&input).unwrap();
        let zlib = z.finish().unwrap().len();
        assert!(
            ours * 100 <= zlib * 102,
            "libdeflate {ours} bytes, zlib {zlib} bytes"
        );
    }

    #[test]
    fn a_failing_writer_fails_the_stream() {
        #[derive(Debug)]
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut gz = GzMembers::new(Full, 1);
        assert!(gz.write_all(&text(PIECE + 1)).is_err());
        let gz = GzMembers::new(Full, 1);
        assert_eq!(gz.finish().unwrap_err().kind(), io::ErrorKind::StorageFull);
    }
}
