//! The file destination's disk fills up in the middle of a run (a 64 KiB tmpfs mounted for
//! the test; skipped, and said so, when mounting is not possible): the table fails with exit
//! code 1, the file is cut back to its last complete batch, rows of the failed batch stay in
//! the source, nothing is lost; a re-run to a roomier directory finishes the job.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{server, Osarchiver};

use super::{assert_nothing_lost, Counts, Fixture};

/// A tmpfs of a given size mounted for a test, unmounted on drop.
struct Tmpfs {
    /// The mount point.
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    /// A tmpfs of `size` (`64k`), or `None` (said, for `test`) when mounting is not possible.
    fn mount(size: &str, test: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small");
        std::fs::create_dir(&path).unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(&path)
            .output();
        match &mounted {
            Ok(o) if o.status.success() => Some(Tmpfs { path, _dir: dir }),
            other => {
                eprintln!("SKIPPED {test}: cannot mount a tmpfs: {other:?}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_fails_the_table_and_loses_nothing() {
    let Some(tmpfs) = Tmpfs::mount("64k", "a_full_disk_fails_the_table") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let small = &tmpfs.path;
    let s = server();
    let f = Fixture::new(s, "fk_full");
    let files = small.join("files");
    // SQL written plainly (not packed: `tar` packs only at the end of the table).
    let ini = f
        .ini_with_files(&files)
        .set("dst:files", "archive_format", "tar");
    // The dry run foresees it: the plain files cannot fit (it used to predict exit 0).
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1)
        .output_contains("a real run would fill it");
    assert!(!files.exists(), "the dry run created {}", files.display());
    // Compressed as written: how much smaller is not known before, so only a warning.
    let gz = ini.clone().set("dst:files", "archive_format", "gz");
    let dry = Osarchiver::new()
        .config_text(gz.text())
        .arg("--dry-run")
        .run();
    dry.output_contains("before compression")
        .output_contains("a real run may fill it")
        .output_lacks("a real run would fill it");
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_code(1)
        .output_contains("No space left on device");
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert!(f.left() > 0, "the disk did not fill up");
    assert_nothing_lost(&f, Some(&files), &mut counts);
    // A re-run to a directory with room.
    let roomy = dir.path().join("roomy");
    let out = Osarchiver::new()
        .config_text(ini.set("dst:files", "directory", roomy.display()).text())
        .run();
    out.assert_success();
    assert_eq!(f.left(), 0);
    // Each row is in the files of one of the two directories: check both together.
    for e in std::fs::read_dir(&files).unwrap().flatten() {
        let name = e.file_name();
        std::fs::copy(
            e.path(),
            roomy.join(format!("full-{}", name.to_string_lossy())),
        )
        .unwrap();
    }
    assert_nothing_lost(&f, Some(&roomy), &mut counts);
    counts.print("disk full");
}

/// A disk with room for the rows' values but not for the files as they lie on it: each file
/// takes whole blocks, and a table's plain files and its `tar` being built are there at once.
/// The dry run foresees the real run's failure (it predicted exit 0: it counted the values
/// only).
#[test]
fn the_dry_run_counts_blocks_and_the_archive_being_packed() {
    let Some(tmpfs) = Tmpfs::mount("8k", "the_dry_run_counts_blocks") else {
        return;
    };
    let small = &tmpfs.path;
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "blocks");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'a', {old}), (2, 'b', {old}), (3, 'c', NULL);",
        old = crate::pipeline::OLD
    ));
    let files = small.join("files");
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.display())
        .set("dst:files", "formats", "csv, sql")
        .set("dst:files", "archive_format", "tar");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1)
        .output_contains("on disk while they are packed")
        .output_contains("a real run would fill it");
    assert!(!files.exists(), "the dry run created {}", files.display());
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_code(1)
        .output_contains("No space left on device");
}
