//! A table of large rows is read in pages of fewer rows than `select_limit`, so that a page
//! holds about 8 MiB: with `select_limit = 1000` (the default), a table of 60 rows of 2 MiB
//! was read in one page of 120 MiB, held whole with its CSV and SQL encodings (peak RSS 157
//! MB; it grows with the table). Every row is still archived identical.

use std::time::Duration;

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, Osarchiver, ScratchDb};

use super::OLD;

/// The process's peak resident set (`VmHWM`, kB) while it runs, polled until it ends.
fn peak_rss_kb(mut running: crate::harness::Running) -> (u64, crate::harness::Output) {
    let status = format!("/proc/{}/status", running.pid());
    let mut peak = 0;
    while running.is_running() {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    (peak, running.wait())
}

#[test]
fn a_table_of_large_rows_is_read_in_pages_of_bytes_not_of_select_limit_rows() {
    let s = server();
    let db = ScratchDb::create(s, "largerows");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB, deleted_at DATETIME);
         INSERT INTO t SELECT seq, REPEAT(UNHEX(SHA2(seq, 256)), 65536), {OLD} FROM seq_1_to_60;
         ANALYZE TABLE t;"
    ));
    let before = digest(s, &db.name, "t", "1");
    let files = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .files("dst, files", files.path(), "csv")
        .set("dst:files", "archive_format", "tar");
    let (peak, out) = peak_rss_kb(Osarchiver::new().config_text(ini.text()).spawn());
    out.assert_success();
    let log = out.output();
    assert!(
        log.contains("`t`: rows of about 2.0 MiB each") && log.contains("pages of 3 rows"),
        "{log}"
    );
    assert_eq!(count(s, &db.name, "t", "1"), 0);
    assert_eq!(digest(s, &db.archive(), "t", "1"), before);
    // 120 MiB of rows; a page of 3 rows, with its encodings and the other session's.
    eprintln!("peak RSS {peak} kB");
    assert!(peak > 0 && peak < 100_000, "peak RSS {peak} kB\n{log}");
}
