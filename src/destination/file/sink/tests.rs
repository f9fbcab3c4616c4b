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
        (Compression::Gzip, gunzip),
        (Compression::Zstd, unzstd),
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
    for c in [Compression::None, Compression::Gzip, Compression::Zstd] {
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
            Compression::Gzip => gunzip(&bytes),
            Compression::Zstd => unzstd(&bytes),
        };
        assert_eq!(plain, b"kept\n");
    }
}

#[test]
fn closing_inside_a_batch_drops_that_batch() {
    let d = tempfile::tempdir().unwrap();
    let mut s = sink(d.path(), "z", Compression::Zstd);
    s.write_all(b"one").unwrap();
    s.end_batch().unwrap();
    s.write_all(b"two").unwrap();
    let path = s.path().to_path_buf();
    s.close().unwrap();
    assert_eq!(unzstd(&std::fs::read(path).unwrap()), b"one");
}
