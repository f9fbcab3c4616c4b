//! Unit tests of the file destination as the pipeline uses it: open, prepare, write, finish.

use std::path::Path;
use std::sync::Arc;

use super::super::limits::Limits;
use super::super::WriteOutcome;
use super::*;
use crate::config::ArchiveFormat;
use crate::config::{RemoteBackend, RemoteStore};
use crate::table::batch::Batch;
use mysql_async::consts::ColumnType;
use mysql_async::{Column, Value};

fn cfg(dir: &Path, archive: ArchiveFormat) -> FileDestination {
    FileDestination {
        name: "f".into(),
        directory: dir.to_path_buf(),
        formats: vec![FileFormat::Csv, FileFormat::Sql],
        archive_format: archive,
        compression_level: archive.levels().map_or(0, |l| l.default),
        remote_stores: vec![],
    }
}

/// A destination writing tar archives of CSV and SQL files in `dir`.
pub(super) fn open(dir: &Path) -> FileDest {
    FileDest::open(
        &cfg(dir, ArchiveFormat::Tar),
        "s",
        &clock(),
        false,
        &Limits::default(),
    )
    .unwrap()
}

fn clock() -> RunClock {
    RunClock {
        now: "2026-11-21 03:00:00".into(),
        date: "2026-11-21_04:00:00".into(),
    }
}

fn plan() -> TablePlan {
    TablePlan::example(&["id", "name"], &["int(11)", "varchar(10)"])
}

fn batch(ids: std::ops::Range<i64>) -> Batch {
    Batch {
        columns: Arc::from(vec![
            Column::new(ColumnType::MYSQL_TYPE_LONG).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
        ]),
        rows: ids
            .map(|i| vec![Value::Int(i), Value::Bytes(format!("n{i}").into_bytes())])
            .collect(),
        ..Default::default()
    }
}

#[test]
fn a_remote_store_with_bad_options_is_refused_before_anything_happens() {
    let d = tempfile::tempdir().unwrap();
    let mut c = cfg(&d.path().join("out"), ArchiveFormat::Tar);
    c.remote_stores.push(RemoteStore {
        name: "swift".into(),
        backend: RemoteBackend::Swift,
        container: "c".into(),
        file_name_prefix: None,
        delete_after_upload: false,
        upload_attempts: 1,
        upload_backoff: std::time::Duration::ZERO,
        connect_timeout: std::time::Duration::from_secs(1),
        read_timeout: std::time::Duration::from_secs(1),
        options: vec![],
        // A CA file that was there when the configuration was resolved, and is gone.
        settings: crate::config::remote::StoreSettings::Swift(
            crate::config::remote::swift::SwiftSettings {
                auth: crate::config::remote::swift::SwiftAuth::PreAuth {
                    token: "t".into(),
                    then: None,
                },
                storage_url: Some("http://127.0.0.1:9/v1/AUTH_t".into()),
                region: None,
                interface: "public".into(),
                service_type: "object-store".into(),
                segment_size: 1 << 30,
                segment_container: None,
                tls: crate::config::remote::tls::TlsFiles {
                    cacert: Some(("opt_os_cacert".into(), d.path().join("gone.pem"))),
                    ..Default::default()
                },
                from_env: vec![],
            },
        ),
    });
    let e = FileDest::open(&c, "s", &clock(), false, &Limits::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("opt_os_cacert: cannot read"), "{e}");
    assert!(!d.path().join("out").exists());
}

#[tokio::test]
async fn files_come_with_the_first_batch_and_are_packed_at_finish() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("a/b");
    let mut f = FileDest::open(
        &cfg(&dir, ArchiveFormat::Tar),
        "s",
        &clock(),
        false,
        &Limits::default(),
    )
    .unwrap();
    let p = plan();
    let mut t = f.prepare(&p, false).unwrap();
    assert!(!dir.exists(), "nothing before the first batch");
    let out = f.write(&mut t, &p, &batch(0..0)).unwrap();
    assert_eq!(out.archived, 0);
    assert!(!dir.exists(), "nothing for an empty batch");
    let out = f.write(&mut t, &p, &batch(0..3)).unwrap();
    assert_eq!(
        out,
        WriteOutcome {
            archived: 3,
            ..Default::default()
        }
    );
    f.write(&mut t, &p, &batch(3..5)).unwrap();
    let plain = std::fs::read_to_string(dir.join("nova.instances.sql")).unwrap();
    assert!(plain.starts_with("-- osarchiver "));
    assert!(plain.contains("-- run started: 2026-11-21 03:00:00 UTC\n"));
    assert_eq!(plain.matches("INSERT INTO `nova`.`instances`").count(), 2);
    let csv = std::fs::read_to_string(dir.join("nova.instances.csv")).unwrap();
    assert_eq!(csv.lines().count(), 6);
    let packing = f.finish(t).unwrap().expect("tar files are packed");
    assert!(packing.wait().await.is_empty());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["nova.instances.csv.tar", "nova.instances.sql.tar"]);

    // The same table again (another source): numbered, nothing overwritten.
    let mut t = f.prepare(&p, false).unwrap();
    f.write(&mut t, &p, &batch(0..1)).unwrap();
    let packing = f.finish(t).unwrap().expect("tar files are packed");
    assert!(packing.wait().await.is_empty());
    assert!(dir.join("nova.instances.1.sql.tar").exists());
    // A table without rows: no file.
    let t = f.prepare(&p, false).unwrap();
    assert!(f.finish(t).unwrap().is_none());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
}

#[test]
fn a_dry_run_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("out");
    let mut f = FileDest::open(
        &cfg(&dir, ArchiveFormat::Zst),
        "s",
        &clock(),
        true,
        &Limits::default(),
    )
    .unwrap();
    let p = plan();
    let mut t = f.prepare(&p, true).unwrap();
    assert_eq!(f.write(&mut t, &p, &batch(0..3)).unwrap().archived, 0);
    f.finish(t).unwrap();
    assert!(!dir.exists());
}

#[tokio::test]
async fn packing_waits_for_the_packing_lock_of_its_run_only() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("out");
    let limits = Limits::default();
    let mut f = FileDest::open(
        &cfg(&dir, ArchiveFormat::Tar),
        "s",
        &clock(),
        false,
        &limits,
    )
    .unwrap();
    let p = plan();
    let mut t = f.prepare(&p, false).unwrap();
    f.write(&mut t, &p, &batch(0..2)).unwrap();
    // Another run packing: this one's lock is free, its limits are its own.
    let other = Limits::default();
    let other_packing = other.packing.lock().unwrap();
    // This run packing another table: the packing waits.
    let held = limits.packing.lock().unwrap();
    let packing = f.finish(t).unwrap().expect("tar files are packed");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!dir.join("nova.instances.csv.tar").exists());
    assert!(dir.join("nova.instances.csv").exists());
    drop(held);
    let packed = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !dir.join("nova.instances.sql.tar").exists() && std::time::Instant::now() < packed {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        dir.join("nova.instances.sql.tar").exists(),
        "packed while another run holds its own lock"
    );
    drop(other_packing);
    assert!(packing.wait().await.is_empty());
    assert!(dir.join("nova.instances.csv.tar").exists());
    assert!(!dir.join("nova.instances.csv").exists());
}

#[test]
fn a_failed_file_cuts_every_file_of_the_table_back() {
    let d = tempfile::tempdir().unwrap();
    let mut f = open(d.path());
    let p = plan();
    let mut t = f.prepare(&p, false).unwrap();
    f.write(&mut t, &p, &batch(0..3)).unwrap();
    let csv = d.path().join("nova.instances.csv");
    let after_first = std::fs::metadata(&csv).unwrap().len();
    // The SQL file (written on another thread than the CSV file) now fails: its handle is
    // read-only.
    let broken = d.path().join("broken.sql");
    std::fs::write(&broken, b"").unwrap();
    let read_only = std::fs::File::open(&broken).unwrap();
    assert!(t.files[1].names.written.ends_with("nova.instances.sql"));
    t.files[1].sink = sink::Sink::new(broken.clone(), read_only, sink::Compression::None).unwrap();
    let e = f.write(&mut t, &p, &batch(3..600)).unwrap_err().to_string();
    assert!(
        e.contains("cannot write") && e.contains("broken.sql"),
        "{e}"
    );
    // Each file ends with a complete batch of its own: the CSV file, written beside the
    // failed one, holds the batch whole (its rows stay in the source all the same).
    let lines = std::fs::read_to_string(&csv).unwrap().lines().count();
    assert!(lines == 4 || lines == 601, "{lines} lines");
    let len = std::fs::metadata(&csv).unwrap().len();
    assert!(len >= after_first);
    assert!(
        f.write(&mut t, &p, &batch(600..601)).is_err(),
        "no more batches"
    );
    assert_eq!(std::fs::metadata(&csv).unwrap().len(), len);
}
