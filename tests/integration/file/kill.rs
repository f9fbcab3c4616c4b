//! A run SIGKILLed in the middle of a table (small batches, a delay between deletes) leaves
//! files that are valid up to their last complete batch and hold every row it deleted: the
//! SQL file's complete statements load with the `mariadb` client and give back exactly the
//! original table, and the CSV file's complete records name every deleted row. Checked with
//! plain files (`tar`: not packed yet, the table never finished) and with `zst` streaming.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::file::support::{complete_statements, config, count, decode_prefix, file_names};
use crate::file::support::{load_sql, simple_table};
use crate::harness::{server, ScratchDb};

const ROWS: u32 = 3000;

/// The ids of the complete records of a CSV file (a cut record at the end is left out).
fn csv_ids(csv: &[u8]) -> BTreeSet<u32> {
    let end = csv
        .windows(2)
        .rposition(|w| w == b"\r\n")
        .map_or(0, |i| i + 2);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&csv[..end]);
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "name", "data", "deleted_at"]
    );
    reader
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect()
}

fn killed_run(archive_format: &str) {
    let src = ScratchDb::create(server(), "osa_file_kill");
    let orig = ScratchDb::create(server(), "osa_file_kill_orig");
    let (t, o) = (src.q("t"), orig.q("t"));
    simple_table(&t, ROWS);
    server().sql(&format!(
        "CREATE TABLE {o} LIKE {t}; INSERT INTO {o} SELECT * FROM {t};"
    ));

    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("out");
    let ini = work.path().join("osarchiver.ini");
    std::fs::write(
        &ini,
        config(
            &src.name,
            "select_limit = 25\ndelete_limit = 25\ndelete_loop_delay = 0.02\ndelete_data = true",
            &dir,
            "csv, sql",
            archive_format,
        ),
    )
    .unwrap();
    let log = work.path().join("run.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .arg("--config")
        .arg(&ini)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let show_log = || std::fs::read_to_string(&log).unwrap_or_default();

    // Kill it once a few batches are deleted, while most of the table is left.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "{archive_format}: osarchiver ended ({status}) before it was killed\n{}",
                show_log()
            );
        }
        let left = count(&t);
        if left <= u64::from(ROWS) - 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress\n{}", show_log());
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left = count(&t);
    assert!(
        left > 0 && left < u64::from(ROWS),
        "{archive_format}: {left} rows left: the kill came too late or too early"
    );

    let suffix = if archive_format == "tar" {
        String::new()
    } else {
        format!(".{archive_format}")
    };
    let sql_file = dir.join(format!("{}.t.sql{suffix}", src.name));
    let csv_file = dir.join(format!("{}.t.csv{suffix}", src.name));
    assert_eq!(
        file_names(&dir),
        [
            format!("{}.t.csv{suffix}", src.name),
            format!("{}.t.sql{suffix}", src.name)
        ],
        "{archive_format}: the files of the unfinished table\n{}",
        show_log()
    );

    let deleted: BTreeSet<u32> = server()
        .sql(&format!(
            "SELECT id FROM {o} WHERE id NOT IN (SELECT id FROM {t})"
        ))
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(deleted.len() as u64, u64::from(ROWS) - left);

    // CSV: every deleted row is in a complete record.
    let in_csv = csv_ids(&decode_prefix(&csv_file));
    let missing: Vec<_> = deleted.difference(&in_csv).collect();
    assert!(
        missing.is_empty(),
        "{archive_format}: deleted rows missing from the CSV file: {missing:?}"
    );

    // SQL: the complete statements load, and give back exactly the original table.
    let sql = String::from_utf8_lossy(&decode_prefix(&sql_file)).into_owned();
    let complete = complete_statements(&sql);
    if complete.len() < sql.len() {
        eprintln!(
            "{archive_format}: the kill cut a batch: {} bytes after the last complete statement",
            sql.len() - complete.len()
        );
    }
    assert!(complete.contains("INSERT INTO"));
    load_sql(complete);
    assert_eq!(count(&t), u64::from(ROWS), "every deleted row came back");
    let sums = server().sql(&format!("CHECKSUM TABLE {t}, {o}"));
    let sums: Vec<&str> = sums
        .lines()
        .map(|l| l.rsplit('\t').next().unwrap())
        .collect();
    assert_eq!(sums.len(), 2);
    assert_eq!(sums[0], sums[1], "restored rows are identical");
}

#[test]
fn a_killed_run_leaves_loadable_plain_files_holding_every_deleted_row() {
    killed_run("tar");
}

#[test]
fn a_killed_run_leaves_decodable_zst_files_holding_every_deleted_row() {
    killed_run("zst");
}

/// The output directory removed during the run (a cleanup job, an operator): the writes and
/// `fdatasync`s into the removed files succeed, into inodes no name reaches. The next batch
/// fails instead (exit 1) and is not deleted; the run used to delete every row and exit 0,
/// with no file left.
#[test]
fn a_file_removed_during_the_run_stops_the_deletes() {
    let src = ScratchDb::create(server(), "osa_file_gone");
    let t = src.q("t");
    simple_table(&t, ROWS);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("out");
    let ini = work.path().join("osarchiver.ini");
    std::fs::write(
        &ini,
        config(
            &src.name,
            "select_limit = 25\ndelete_limit = 25\ndelete_loop_delay = 0.02\ndelete_data = true",
            &dir,
            "csv, sql",
            "gz",
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .arg("--config")
        .arg(&ini)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&t) > u64::from(ROWS) - 100 {
        assert!(child.try_wait().unwrap().is_none(), "the run ended first");
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let removed_at = count(&t);
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("removed or replaced"), "{log}");
    // At most the batches in flight when the directory went (written and synced before it
    // went: a few of 25 rows), then the run stops.
    let left = count(&t);
    assert!(
        left + 200 >= removed_at && left > 0,
        "{left} rows left, {removed_at} when the files were removed\n{log}"
    );
}
