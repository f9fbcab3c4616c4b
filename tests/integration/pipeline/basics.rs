//! The basic promise: rows older than the retention move to the archive, identical, and leave
//! the source; everything else stays. Keys of every shape name the rows; a table without a
//! usable key is left alone.

use crate::harness::digest::{count, digest, table_exists};
use crate::harness::{server, Ini, ScratchDb};

use super::{assert_moved, lines, run, OLD, RECENT};

/// The seeds of the issue: a live row, a row deleted now and one deleted 10 days ago, with a
/// 7-day retention: only the old one leaves, into `<db>_archive` on the same server.
#[test]
fn only_rows_older_than_the_retention_move_to_the_archive() {
    let s = server();
    let db = ScratchDb::create(s, "seeds");
    db.sql(&format!(
        "CREATE TABLE instances (id INT PRIMARY KEY, name VARCHAR(20), \
           deleted_at DATETIME NULL, deleted INT NOT NULL DEFAULT 0) ENGINE=InnoDB;
         INSERT INTO instances VALUES (1, 'live', NULL, 0), (2, 'deleted now', {RECENT}, 2),
           (3, 'deleted long ago', {OLD}, 3);"
    ));
    let old = digest(s, &db.name, "instances", "id = 3");
    let kept = digest(s, &db.name, "instances", "id IN (1, 2)");

    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_success()
        .output_contains("archive databases are <db>_archive");

    assert_eq!(
        lines(&db.sql("SELECT id FROM instances ORDER BY id")),
        ["1", "2"]
    );
    assert_eq!(digest(s, &db.name, "instances", "1"), kept);
    assert_moved(s, &db.name, &db.archive(), "instances", "id = 3", &old);
    let row = out.table_row(&db.name, "instances");
    assert_eq!(row.num("read"), 1);
    assert_eq!(row.get("archived"), "dst=1");
    assert_eq!(row.num("deleted"), 1);
    assert_eq!(row.num("blocked"), 0);
    assert_eq!(row.get("errors"), "0");

    // A second run finds nothing more to do.
    let again = run(&Ini::new(s, &[&db.name]));
    again.assert_success();
    assert_eq!(again.table_row(&db.name, "instances").num("read"), 0);
    assert_eq!(count(s, &db.archive(), "instances", "1"), 1);
    assert_eq!(count(s, &db.name, "instances", "1"), 2);
}

/// Composite, string and integer primary keys, and a NOT NULL unique key, each read over
/// several keyset pages and deleted in several chunks: exactly the eligible rows move.
#[test]
fn every_kind_of_key_names_exactly_the_eligible_rows() {
    let s = server();
    let db = ScratchDb::create(s, "keys");
    db.sql(&format!(
        "CREATE TABLE composite (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, \
           deleted_at DATETIME NULL, PRIMARY KEY (a, b));
         INSERT INTO composite VALUES
           (1, 'a', 1, {OLD}), (1, 'b', 2, NULL), (1, 'c', 3, {OLD}), (2, 'a', 4, {OLD}),
           (2, 'b', 5, {OLD}), (2, 'c', 6, {RECENT}), (3, '', 7, {OLD}), (3, 'z', 8, {OLD});
         CREATE TABLE strkey (uuid VARCHAR(36) NOT NULL PRIMARY KEY, v TEXT, \
           deleted_at DATETIME NULL);
         INSERT INTO strkey VALUES
           ('0b7e', 'x', {OLD}), ('A-it''s', 'y', {OLD}), ('b\\\\slash', 'z', NULL),
           ('é🦀', 'w', {OLD}), ('zz', 'v', {OLD}), ('Zzz', 'u', {RECENT}), (' lead', 't', {OLD});
         CREATE TABLE intkey (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT, \
           deleted_at DATETIME NULL);
         INSERT INTO intkey VALUES (0, 0, {OLD}), (1, 1, NULL), (2, 2, {OLD}), \
           (9223372036854775808, 3, {OLD}), (18446744073709551614, 4, NULL), \
           (18446744073709551615, 5, {OLD});
         CREATE TABLE uniq (code VARCHAR(20) NOT NULL, maybe INT NULL, v INT, \
           deleted_at DATETIME NULL, UNIQUE KEY uk_maybe (maybe), UNIQUE KEY uk_code (code));
         -- Rows with a NULL in uk_maybe: only uk_code can name them.
         INSERT INTO uniq VALUES ('a', NULL, 1, {OLD}), ('b', NULL, 2, {OLD}), \
           ('c', 3, 3, NULL), ('d', 4, 4, {OLD}), ('e', NULL, 5, {OLD});"
    ));
    let eligible = "deleted_at <= UTC_TIMESTAMP() - INTERVAL 7 DAY";
    let tables = [
        ("composite", 6, 2),
        ("strkey", 5, 2),
        ("intkey", 4, 2),
        ("uniq", 4, 1),
    ];
    let before: Vec<_> = tables
        .iter()
        .map(|(t, _, _)| {
            (
                digest(s, &db.name, t, eligible),
                digest(
                    s,
                    &db.name,
                    t,
                    &format!("NOT ({eligible}) OR deleted_at IS NULL"),
                ),
            )
        })
        .collect();

    let out = run(&Ini::new(s, &[&db.name])
        .src("select_limit", 2)
        .src("delete_limit", 1)
        .dst("bulk_insert", 1));
    out.assert_success();

    for ((table, moved, kept), (old, live)) in tables.iter().zip(&before) {
        assert_eq!(old.0, *moved, "{table}: eligible rows in the fixture");
        assert_eq!(live.0, *kept, "{table}: other rows in the fixture");
        assert_moved(s, &db.name, &db.archive(), table, eligible, old);
        assert_eq!(
            &digest(s, &db.name, table, "1"),
            live,
            "{table}: the rows that stay are untouched"
        );
        let row = out.table_row(&db.name, table);
        assert_eq!(row.num("read"), *moved, "{table}");
        assert_eq!(row.num("deleted"), *moved, "{table}");
        assert_eq!(row.get("archived"), format!("dst={moved}"), "{table}");
    }
}

/// A table whose rows cannot be named exactly (no primary key, no NOT NULL unique key) is
/// skipped with a warning: nothing archived, nothing deleted, and the run still succeeds.
#[test]
fn a_table_without_a_usable_key_is_skipped_with_a_warning() {
    let s = server();
    let db = ScratchDb::create(s, "nokey");
    db.sql(&format!(
        "CREATE TABLE nokey (id INT, deleted_at DATETIME NULL, UNIQUE KEY u (id));
         INSERT INTO nokey VALUES (1, {OLD}), (2, {OLD}), (NULL, {OLD}), (3, NULL);
         CREATE TABLE withkey (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO withkey VALUES (1, {OLD}), (2, NULL);"
    ));
    let before = digest(s, &db.name, "nokey", "1");

    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_code(3); // a skipped table leaves its rows on purpose
    let warning = out.lines_containing("nokey");
    assert!(
        warning
            .iter()
            .any(|l| l.contains("WARN")
                && l.contains("neither a primary key nor a NOT NULL unique key")),
        "no warning about nokey: {warning:?}\n{out}"
    );
    assert_eq!(digest(s, &db.name, "nokey", "1"), before);
    assert!(!table_exists(s, &db.archive(), "nokey"));
    assert!(out
        .table_row(&db.name, "nokey")
        .get("errors")
        .starts_with("skipped: has neither a primary key"));
    // The other table of the database is archived as usual.
    assert_eq!(lines(&db.sql("SELECT id FROM withkey")), ["2"]);
    assert_eq!(count(s, &db.archive(), "withkey", "id = 1"), 1);
}
