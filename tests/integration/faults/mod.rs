//! Fault injection: runs broken on purpose (the process SIGKILLed at random moments, the
//! server killed and restarted, rows locked by another transaction, the file destination's disk
//! full), each ending with the same check ([`assert_nothing_lost`]): every eligible row is
//! still in the source or in every destination (the archive database and, where configured,
//! the file destination's SQL files), identical, and exactly once in each (each SQL file holds
//! a row at most once; a row a killed run wrote but did not delete is written again by the next
//! run, whose files hold every row it deletes); and a re-run finishes the job. Each test prints
//! its counts (faults injected, rows checked, rows lost).

mod disk_full;
mod hangs;
mod killed;
mod lock_wait;
mod restart;
mod s3_gone;
mod stopped;

use std::collections::BTreeSet;
use std::path::Path;

use crate::file::support::{complete_statements, decode_prefix};
use crate::harness::digest::{count, digest};
use crate::harness::{Ini, ScratchDb, Server};

/// Rows of each fault test's table; `ELIGIBLE` of them are old enough.
pub const ROWS: u32 = 2200;
pub const ELIGIBLE: u64 = 2000;

/// The source `db` (table `t`) and a copy of its rows as they were (`orig`).
pub struct Fixture<'s> {
    pub s: &'s Server,
    pub db: ScratchDb<'s>,
    pub orig: ScratchDb<'s>,
}

impl<'s> Fixture<'s> {
    pub fn new(s: &'s Server, prefix: &str) -> Fixture<'s> {
        let db = ScratchDb::create(s, prefix);
        let mut orig = ScratchDb::create(s, &format!("{prefix}_orig"));
        orig.also_drop(format!("{}_check", orig.name));
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(200), n BIGINT,
               deleted_at DATETIME(6) NULL);
             INSERT INTO t SELECT seq, CONCAT(REPEAT(CHAR(65 + seq % 26), 20 + seq % 80), ' é'),
               seq * 7, IF(seq % 11 = 0, NULL,
               UTC_TIMESTAMP(6) - INTERVAL 10 DAY - INTERVAL seq SECOND)
             FROM seq_1_to_{ROWS};"
        ));
        orig.sql(&format!(
            "CREATE TABLE t LIKE {src}; INSERT INTO t SELECT * FROM {src};",
            src = db.q("t")
        ));
        assert_eq!(
            count(s, &orig.name, "t", "deleted_at IS NOT NULL"),
            ELIGIBLE
        );
        Fixture { s, db, orig }
    }

    /// A run with small batches and a short pause between deletes, so faults land mid-run.
    pub fn ini(&self) -> Ini {
        Ini::new(self.s, &[&self.db.name])
            .src("select_limit", 50)
            .src("delete_limit", 25)
            .src("delete_loop_delay", 0.01)
            .dst("bulk_insert", 50)
    }

    /// [`Self::ini`] plus a file destination writing SQL (gzip, one member per batch) to `dir`.
    pub fn ini_with_files(&self, dir: &Path) -> Ini {
        self.ini()
            .set("archiver:test", "dst", "dst, files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "sql")
            .set("dst:files", "archive_format", "gz")
    }

    /// Eligible rows still in the source.
    pub fn left(&self) -> u64 {
        count(self.s, &self.db.name, "t", "deleted_at IS NOT NULL")
    }
}

/// The counts a fault test prints.
#[derive(Debug, Default)]
pub struct Counts {
    pub faults: u64,
    pub rows_checked: u64,
    pub rows_lost: u64,
}

impl Counts {
    pub fn print(&self, test: &str) {
        eprintln!(
            "FAULTS {test}: faults injected {}, rows checked {}, rows lost {}",
            self.faults, self.rows_checked, self.rows_lost
        );
    }
}

/// Loads the SQL file `path` (plain, cut gzip, or tar) of `f`'s table into a new table
/// `check`.`table` shaped like it but without a key, so that a row in the file twice shows.
pub fn load_sql_file(f: &Fixture<'_>, path: &Path, check: &str, table: &str) {
    let (s, src, orig) = (f.s, &f.db.name, &f.orig.name);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let bytes = if name.ends_with(".tar") {
        crate::file::support::run_tool("tar", &["-xOf", &path.to_string_lossy()])
    } else {
        decode_prefix(path)
    };
    let text = String::from_utf8(bytes).expect("UTF-8 SQL");
    let sql = complete_statements(&text)
        .replace(&format!("`{src}`.`t`"), &format!("`{check}`.`{table}`"));
    s.sql(&format!(
        "CREATE TABLE `{check}`.{table} LIKE `{orig}`.t;
         ALTER TABLE `{check}`.{table} DROP PRIMARY KEY;"
    ));
    s.sql(&sql);
}

/// The ids of `f`'s table found in the SQL files `paths`.
pub fn ids_in_sql_files(f: &Fixture<'_>, paths: &[std::path::PathBuf]) -> BTreeSet<u64> {
    let check = format!("{}_ids", f.orig.name);
    f.s.sql(&format!(
        "DROP DATABASE IF EXISTS `{check}`; CREATE DATABASE `{check}`;"
    ));
    let mut ids = BTreeSet::new();
    for (i, path) in paths.iter().enumerate() {
        let table = format!("f{i}");
        load_sql_file(f, path, &check, &table);
        ids.extend(
            f.s.sql(&format!("SELECT id FROM `{check}`.{table}"))
                .lines()
                .map(|l| l.trim().parse::<u64>().expect("an id")),
        );
    }
    f.s.sql(&format!("DROP DATABASE `{check}`"));
    ids
}

/// The check every fault test ends with (see the module documentation); `files`: the file
/// destination's directory, if any. Returns the number of eligible rows checked.
pub fn assert_nothing_lost(f: &Fixture<'_>, files: Option<&Path>, counts: &mut Counts) {
    let s = f.s;
    let (src, orig, arch) = (&f.db.name, &f.orig.name, f.db.archive());
    let eligible = "deleted_at IS NOT NULL";
    // The source: its rows are the original ones, untouched; live rows all there.
    assert_eq!(
        digest(s, src, "t", "1"),
        digest(s, orig, "t", &format!("id IN (SELECT id FROM `{src}`.t)")),
        "the source's rows differ from the originals"
    );
    assert_eq!(
        count(s, src, "t", "deleted_at IS NULL"),
        u64::from(ROWS) - ELIGIBLE
    );
    // The archive database: identical rows, eligible ones only (its key makes them unique).
    let archived = if crate::harness::digest::table_exists(s, &arch, "t") {
        assert_eq!(
            digest(s, &arch, "t", "1"),
            digest(s, orig, "t", &format!("id IN (SELECT id FROM `{arch}`.t)")),
            "the archive's rows differ from the originals"
        );
        assert_eq!(count(s, &arch, "t", "deleted_at IS NULL"), 0);
        format!("`{arch}`.t")
    } else {
        format!("(SELECT id FROM `{orig}`.t WHERE 0)")
    };
    // Gone from the source means in the archive.
    let lost_db = count(
        s,
        orig,
        "t",
        &format!(
            "{eligible} AND id NOT IN (SELECT id FROM `{src}`.t) AND id NOT IN (SELECT id FROM {archived} x)"
        ),
    );
    let mut lost_files = 0;
    if let Some(dir) = files {
        let check = format!("{orig}_check");
        s.sql(&format!(
            "DROP DATABASE IF EXISTS `{check}`; CREATE DATABASE `{check}`;
             CREATE TABLE `{check}`.all_files (id INT, payload VARCHAR(200), n BIGINT,
               deleted_at DATETIME(6) NULL);"
        ));
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        names.sort();
        for (i, path) in names.iter().enumerate() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.contains(".sql") || name.ends_with(".part") {
                continue;
            }
            let table = format!("f{i}");
            load_sql_file(f, path, &check, &table);
            // Exactly once in each file, identical to the original.
            let n = count(s, &check, &table, "1");
            let distinct: u64 = s
                .sql(&format!("SELECT COUNT(DISTINCT id) FROM `{check}`.{table}"))
                .trim()
                .parse()
                .unwrap();
            assert_eq!(n, distinct, "{name}: a row is in the file twice");
            assert_eq!(
                digest(s, &check, &table, "1"),
                digest(
                    s,
                    orig,
                    "t",
                    &format!("id IN (SELECT id FROM `{check}`.{table})")
                ),
                "{name}: rows differ from the originals"
            );
            s.sql(&format!(
                "INSERT INTO `{check}`.all_files SELECT * FROM `{check}`.{table}"
            ));
        }
        lost_files = count(
            s,
            orig,
            "t",
            &format!(
                "{eligible} AND id NOT IN (SELECT id FROM `{src}`.t) AND id NOT IN (SELECT id FROM `{check}`.all_files)"
            ),
        );
    }
    counts.rows_checked += ELIGIBLE;
    counts.rows_lost += lost_db + lost_files;
    assert_eq!(
        lost_db, 0,
        "rows gone from the source but not in the archive database"
    );
    assert_eq!(
        lost_files, 0,
        "rows gone from the source but in no SQL file"
    );
}
