//! Snapshots of the file formats: a small fixed table archived by the real binary (two batches)
//! to SQL and CSV, compared byte for byte with `tests/snapshots/file_small.sql` and
//! `file_small.csv`. The test database's name, the tool's version and the run's start are
//! masked (`DB`, `{VERSION}`, `{START}`). `OSARCHIVER_UPDATE_SNAPSHOTS=1` rewrites the files
//! instead (then review them with `git diff`).

use std::path::{Path, PathBuf};

use crate::file::support::{config, decode_prefix, file_names};
use crate::harness::{server, Osarchiver, ScratchDb};

const UPDATE: &str = "OSARCHIVER_UPDATE_SNAPSHOTS";

/// The table: a little of every kind of column, rows with the values the conventions are
/// about, and one row that is not eligible (`deleted_at` NULL).
const FIXTURE: &str = r#"
SET NAMES utf8mb4; SET time_zone = '+00:00';
SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO';
CREATE TABLE {t} (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  name VARCHAR(80) NULL,
  price DECIMAL(10,2) NULL,
  ratio DOUBLE NULL,
  data VARBINARY(16) NULL,
  created DATETIME(6) NULL,
  took TIME NULL,
  y YEAR NULL,
  state ENUM('active','deleted') NULL,
  meta JSON NULL,
  deleted_at DATETIME NULL
) DEFAULT CHARSET=utf8mb4;
INSERT INTO {t} VALUES
 (1, 'plain', 12.50, 0.25, X'00FF', '2024-02-29 13:05:09.000001', '-838:59:59', 2024,
  'deleted', '{"a": [1, "x"]}', '2001-01-01 00:00:00'),
 (2, 'it''s "quoted", a back\\slash \\N, a tab\t and a\r\nnewline 🦀', -0.01, -1.5e300, '',
  '0000-00-00 00:00:00', '100:00:00.5', 0, 'active', '[]', '2001-01-01 00:00:00'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2001-01-01 00:00:00'),
 (4, 'NULL', 0, 0, 'NULL', '1970-01-01 00:00:01', '00:00:00', 1901, 'active', 'null',
  '2001-01-01 00:00:00'),
 (5, '', 99999999.99, 1e-300, X'22', '2038-01-19 03:14:07.999999', '-00:00:00.000001', 2155,
  'deleted', '"\\""', '2001-01-01 00:00:00'),
 (6, 'live: not archived', 1, 1, NULL, NULL, NULL, NULL, 'active', NULL, NULL);
"#;

fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name)
}

/// The text with the run-specific parts masked.
fn mask(text: &str, db: &str) -> String {
    let text = text
        .replace(db, "DB")
        .replace(env!("CARGO_PKG_VERSION"), "{VERSION}");
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with("-- run started: ") {
            out.push_str("-- run started: {START} UTC\n");
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Compares `got` with the snapshot `name`, or rewrites it when asked to.
fn check_snapshot(name: &str, got: &str) {
    let path = snapshot_path(name);
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&path, got).unwrap();
        eprintln!("{UPDATE}: wrote {}", path.display());
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; run with {UPDATE}=1 to create it",
            path.display()
        )
    });
    assert!(
        got == want,
        "{name} differs from {}:\n--- expected ---\n{want:?}\n--- got ---\n{got:?}\n\
         (if the change is intended: {UPDATE}=1 cargo test file::formats, then git diff)",
        path.display()
    );
}

#[test]
fn sql_and_csv_files_match_their_snapshots() {
    let db = ScratchDb::create(server(), "osa_file_snap");
    server().sql(&FIXTURE.replace("{t}", &db.q("small")));
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let out = cmd
        .config_text(config(
            &db.name,
            "select_limit = 3\ndelete_data = true",
            &dir,
            "sql, csv",
            "gz",
        ))
        .run();
    out.assert_success();
    let names = file_names(&dir);
    assert_eq!(
        names,
        [
            format!("{}.small.csv.gz", db.name),
            format!("{}.small.sql.gz", db.name)
        ],
        "{out}"
    );
    // Only the live row stays.
    assert_eq!(
        server().sql(&format!("SELECT id FROM {}", db.q("small"))),
        "6\n"
    );
    let sql = String::from_utf8(decode_prefix(&dir.join(&names[1]))).unwrap();
    let csv = String::from_utf8(decode_prefix(&dir.join(&names[0]))).unwrap();
    check_snapshot("file_small.sql", &mask(&sql, &db.name));
    check_snapshot("file_small.csv", &mask(&csv, &db.name));
}

#[test]
fn masking_leaves_the_rest_alone() {
    let text = "-- osarchiver 0.1.0: rows archived from `t_x_1`.`small`\n\
                -- run started: 2026-01-02 03:04:05 UTC\nINSERT INTO `t_x_1`.`small`\n";
    let masked = mask(&text.replace("0.1.0", env!("CARGO_PKG_VERSION")), "t_x_1");
    assert_eq!(
        masked,
        "-- osarchiver {VERSION}: rows archived from `DB`.`small`\n\
         -- run started: {START} UTC\nINSERT INTO `DB`.`small`\n"
    );
}
