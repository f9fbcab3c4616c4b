//! Unit tests of [`super`].

use super::*;

const BOTH: &[FileFormat] = &[FileFormat::Csv, FileFormat::Sql];

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn names_as_the_original_plus_the_archive_suffix() {
    let d = Path::new("/x");
    let n = names(
        d,
        "nova.instances",
        0,
        FileFormat::Csv,
        ArchiveFormat::Gztar,
    );
    assert_eq!(n.written, Path::new("/x/nova.instances.csv"));
    assert_eq!(n.kept, Path::new("/x/nova.instances.csv.tar.gz"));
    assert_eq!(
        n.part.as_deref(),
        Some(Path::new("/x/nova.instances.csv.tar.gz.part"))
    );
    let n = names(d, "nova.instances", 2, FileFormat::Sql, ArchiveFormat::Zst);
    assert_eq!(n.written, Path::new("/x/nova.instances.2.sql.zst"));
    assert_eq!(n.kept, n.written);
    assert_eq!(n.part, None);
    for (name, format) in ArchiveFormat::ALL {
        let n = names(d, "a.b", 0, FileFormat::Sql, *format);
        let kept = n.kept.to_string_lossy().into_owned();
        let want = match *name {
            "tar" => "/x/a.b.sql.tar",
            "gztar" => "/x/a.b.sql.tar.gz",
            "bztar" => "/x/a.b.sql.tar.bz2",
            "xztar" => "/x/a.b.sql.tar.xz",
            "zip" => "/x/a.b.sql.zip",
            "gz" => "/x/a.b.sql.gz",
            "zst" => "/x/a.b.sql.zst",
            other => panic!("{other}"),
        };
        assert_eq!(kept, want);
    }
}

#[test]
fn names_cannot_leave_the_directory() {
    assert_eq!(stem("nova", "instances"), "nova.instances");
    assert_eq!(stem("../etc", "pass/wd"), "%2E%2E%2Fetc.pass%2Fwd");
    assert_eq!(stem("h", "t.1"), "h.t%2E1");
    assert_eq!(stem("a%2Fb", "n\0ul"), "a%252Fb.n%00ul");
    assert_eq!(stem("é", "🦀 x"), "é.🦀 x");
}

#[test]
fn a_missing_directory_has_every_name_free() {
    let d = tmp();
    let missing = d.path().join("not/yet");
    assert_eq!(first_free(&missing, "a.b", BOTH, 0).unwrap(), 0);
}

#[test]
fn any_taken_name_of_any_format_moves_to_the_next_number() {
    let d = tmp();
    let dir = d.path();
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 0);
    // A finished archive of another format from an earlier run.
    fs::write(dir.join("a.b.sql.zip"), "").unwrap();
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 1);
    // A leftover temporary archive of number 1.
    fs::write(dir.join("a.b.1.csv.tar.xz.part"), "").unwrap();
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 2);
    // A plain file of number 2 (a killed run).
    fs::write(dir.join("a.b.2.csv"), "").unwrap();
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 3);
    // Only the CSV format: number 1's .sql.zip does not matter, number 0's neither.
    fs::write(dir.join("a.b.3.sql.gz"), "").unwrap();
    assert_eq!(first_free(dir, "a.b", &[FileFormat::Csv], 0).unwrap(), 0);
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 4);
    // A dangling symbolic link is taken too.
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("a.b.4.sql.tar")).unwrap();
    assert_eq!(first_free(dir, "a.b", BOTH, 0).unwrap(), 5);
}

#[test]
fn claim_creates_every_format_exclusively_and_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp();
    let dir = d.path();
    let first = claim(dir, "a.b", BOTH, ArchiveFormat::Gztar).unwrap();
    let written: Vec<_> = first.iter().map(|(n, _)| n.written.clone()).collect();
    assert_eq!(written, [dir.join("a.b.csv"), dir.join("a.b.sql")]);
    for p in &written {
        let mode = fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, FILE_MODE, "{}", p.display());
    }
    // A second writer of the same table gets the next number, for both formats.
    let second = claim(dir, "a.b", BOTH, ArchiveFormat::Zst).unwrap();
    let written: Vec<_> = second.iter().map(|(n, _)| n.written.clone()).collect();
    assert_eq!(
        written,
        [dir.join("a.b.1.csv.zst"), dir.join("a.b.1.sql.zst")]
    );
}

#[test]
fn concurrent_claims_get_distinct_numbers() {
    let d = tmp();
    let dir = d.path().to_path_buf();
    // An existing file of number 0 is never touched.
    fs::write(dir.join("a.b.sql"), "x").unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || claim(&dir, "a.b", BOTH, ArchiveFormat::Tar).unwrap())
        })
        .collect();
    let mut numbers: Vec<String> = Vec::new();
    for t in threads {
        let got = t.join().unwrap();
        let csv = got[0]
            .0
            .written
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let sql = got[1]
            .0
            .written
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // Both formats of one claim share the number.
        assert_eq!(csv.trim_end_matches(".csv"), sql.trim_end_matches(".sql"));
        numbers.push(csv);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 8, "{numbers:?}");
    assert!(!numbers.contains(&"a.b.csv".to_string()));
    assert_eq!(fs::read(dir.join("a.b.sql")).unwrap(), b"x");
    // Exactly the 8 claims' 16 files and the existing one: a lost race leaves nothing behind.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 17);
}

/// A name that fits, whose siblings with longer suffixes (`.tar.bz2.part`) would not: the
/// files are created (the look for those siblings failed with `ENAMETOOLONG`, 12 bytes below
/// the file system's limit).
#[test]
fn a_name_near_the_limit_is_claimed() {
    let d = tmp();
    // `<stem>.csv.gz` is 254 bytes; `<stem>.csv.tar.bz2.part` would be 265.
    let stem = "s".repeat(254 - ".csv.gz".len());
    let claimed = claim(d.path(), &stem, &[FileFormat::Csv], ArchiveFormat::Gz).unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        claimed[0].0.kept.file_name().unwrap().len(),
        254,
        "{:?}",
        claimed[0].0.kept
    );
}
