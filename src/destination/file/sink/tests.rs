//! Unit tests of [`super`].

use super::*;
use crate::destination::file::deflate::gunzip;

fn sink(dir: &Path, name: &str, c: Compression) -> Sink {
    let path = dir.join(name);
    let file = File::create_new(&path).unwrap();
    Sink::new(path, file, c).unwrap()
}

fn unzstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(bytes).unwrap()
}

#[test]
fn batches_are_durable_and_decode_as_one_stream() {
    let d = tempfile::tempdir().unwrap();
    for (c, decode) in [
        (
            Compression::None,
            (|b: &[u8]| b.to_vec()) as fn(&[u8]) -> Vec<u8>,
        ),
        (Compression::Gzip(6), gunzip),
        (Compression::Zstd(3), unzstd),
    ] {
        let mut s = sink(d.path(), &format!("{c:?}"), c);
        s.write_all(b"first batch\n").unwrap();
        s.end_batch().unwrap();
        let after_one = s.durable_len();
        assert_eq!(std::fs::metadata(s.path()).unwrap().len(), after_one);
        s.write_all(b"second ").unwrap();
        s.write_all(b"batch\n").unwrap();
        s.end_batch().unwrap();
        assert!(s.durable_len() > after_one);
        assert_eq!(s.raw_bytes(), 25);
        let path = s.path().to_path_buf();
        let len = s.close().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() as u64, len);
        assert_eq!(decode(&bytes), b"first batch\nsecond batch\n", "{c:?}");
        if c != Compression::None {
            // A file cut after the first batch decodes to the first batch.
            assert_eq!(decode(&bytes[..after_one as usize]), b"first batch\n");
        }
    }
}

#[test]
fn abort_cuts_the_unfinished_batch_off() {
    let d = tempfile::tempdir().unwrap();
    for c in [
        Compression::None,
        Compression::Gzip(6),
        Compression::Zstd(3),
    ] {
        let mut s = sink(d.path(), &format!("{c:?}"), c);
        s.write_all(b"kept\n").unwrap();
        s.end_batch().unwrap();
        let durable = s.durable_len();
        // Incompressible, and enough to get past the buffers into the file.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let big: Vec<u8> = (0..(3 * BUFFER))
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        s.write_all(&big).unwrap();
        let path = s.path().to_path_buf();
        let before = std::fs::metadata(&path).unwrap().len();
        assert!(
            before > durable,
            "{c:?}: the unfinished batch reached the file"
        );
        s.abort().unwrap();
        assert!(s.write_all(b"more").is_err(), "{c:?}: writes after abort");
        assert!(s.end_batch().is_err());
        assert_eq!(s.close().unwrap(), durable);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.len() as u64, durable, "{c:?}");
        let plain = match c {
            Compression::None => bytes,
            Compression::Gzip(_) => gunzip(&bytes),
            Compression::Zstd(_) => unzstd(&bytes),
        };
        assert_eq!(plain, b"kept\n");
    }
}

#[test]
fn closing_inside_a_batch_drops_that_batch() {
    let d = tempfile::tempdir().unwrap();
    let mut s = sink(d.path(), "z", Compression::Zstd(3));
    s.write_all(b"one").unwrap();
    s.end_batch().unwrap();
    s.write_all(b"two").unwrap();
    let path = s.path().to_path_buf();
    s.close().unwrap();
    assert_eq!(unzstd(&std::fs::read(path).unwrap()), b"one");
}

/// The level of `archive_format = gz` or `zst` (`compression_level`) reaches the compressor:
/// the highest level writes fewer bytes than the lowest, and both read back whole.
#[test]
fn the_compression_level_reaches_the_streaming_compressors() {
    let d = tempfile::tempdir().unwrap();
    let mut x: u64 = 7;
    let mut text = Vec::new();
    for i in 0..20_000u64 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.extend_from_slice(format!("{i},\"{}\",{}\n", x >> 40, x % 97).as_bytes());
    }
    type Decode = fn(&[u8]) -> Vec<u8>;
    let pairs: [(Compression, Compression, Decode); 2] = [
        (Compression::Gzip(0), Compression::Gzip(9), gunzip),
        (Compression::Zstd(1), Compression::Zstd(19), unzstd),
    ];
    for (low, high, decode) in pairs {
        let mut sizes = Vec::new();
        for c in [low, high] {
            let mut s = sink(d.path(), &format!("{c:?}"), c);
            s.write_all(&text).unwrap();
            s.end_batch().unwrap();
            let path = s.path().to_path_buf();
            sizes.push(s.close().unwrap());
            assert!(decode(&std::fs::read(&path).unwrap()) == text, "{c:?}");
        }
        assert!(
            sizes[1] < sizes[0],
            "{low:?} {}, {high:?} {}",
            sizes[0],
            sizes[1]
        );
    }
}

/// A file removed, or replaced, while it is written fails the next batch: its writes and
/// `fdatasync` would succeed into an inode no name reaches.
#[test]
fn a_file_removed_or_replaced_while_written_fails_the_batch() {
    let d = tempfile::tempdir().unwrap();
    for replace in [false, true] {
        let mut s = sink(d.path(), &format!("r{replace}"), Compression::None);
        s.write_all(b"first\n").unwrap();
        s.end_batch().unwrap();
        std::fs::remove_file(s.path()).unwrap();
        if replace {
            std::fs::write(s.path(), b"first\n").unwrap();
        }
        s.write_all(b"second\n").unwrap();
        let e = s.end_batch().unwrap_err();
        assert!(e.to_string().contains("removed or replaced"), "{e}");
    }
}
