//! Schema drift: an archive table that exists with other columns than the source table fails
//! that table, clearly, before anything of it is deleted; the other tables are still processed,
//! and the run exits 1.

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, Osarchiver, ScratchDb};

use super::{lines, run, OLD};

#[test]
fn an_archive_table_with_other_columns_fails_only_that_table() {
    let s = server();
    let db = ScratchDb::create(s, "drift");
    db.sql(&format!(
        "CREATE TABLE a_type (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         CREATE TABLE b_fine (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         CREATE TABLE c_extra (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO a_type VALUES (1, 'x', {OLD}), (2, 'y', NULL);
         INSERT INTO b_fine VALUES (1, 'x', {OLD}), (2, 'y', NULL);
         INSERT INTO c_extra VALUES (1, {OLD});
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.a_type (id INT PRIMARY KEY, v VARCHAR(10),
           deleted_at DATETIME NULL);
         CREATE TABLE `{archive}`.c_extra (id INT PRIMARY KEY, deleted_at DATETIME NULL,
           added INT);",
        archive = db.archive()
    ));
    let a_before = digest(s, &db.name, "a_type", "1");
    let c_before = digest(s, &db.name, "c_extra", "1");

    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_code(1).assert_no_panic();

    assert_eq!(digest(s, &db.name, "a_type", "1"), a_before);
    assert_eq!(digest(s, &db.name, "c_extra", "1"), c_before);
    assert_eq!(count(s, &db.archive(), "a_type", "1"), 0);
    assert_eq!(count(s, &db.archive(), "c_extra", "1"), 0);
    assert_eq!(lines(&db.sql("SELECT id FROM b_fine")), ["2"]);
    assert_eq!(count(s, &db.archive(), "b_fine", "1"), 1);

    let error = out.lines_containing(&format!("`{}`.`a_type` differs", db.archive()));
    assert!(
        error.iter().any(|l| l.contains("ERROR")
            && l.contains("archive: [id int(11) NOT NULL, v varchar(10), deleted_at datetime]")
            && l.contains("source: [id int(11) NOT NULL, v varchar(20), deleted_at datetime]")),
        "no clear drift error: {error:?}\n{out}"
    );
    out.output_contains(&format!("`{}`.`c_extra` differs", db.archive()))
        .output_contains("finished with errors");
    assert_eq!(out.table_row(&db.name, "a_type").get("errors"), "1");
    assert_eq!(out.table_row(&db.name, "c_extra").get("errors"), "1");
    let fine = out.table_row(&db.name, "b_fine");
    assert_eq!((fine.num("deleted"), fine.get("errors")), (1, "0"));
}

/// An existing archive table whose text is in another character set (other bytes for the same
/// text, or a refusal), or whose key compares otherwise (`'a'` and `'A'` one key under a `_ci`
/// collation: the conflict check and the advice to delete an archived copy by its key would
/// name another row), is a drift: the dry run and the run say so, nothing is deleted. The
/// UTF-8 character sets are one family: an archive made before the source went from `utf8mb3`
/// to `utf8mb4` stores the same bytes, and is used.
#[test]
fn an_archive_table_whose_text_is_stored_or_compared_otherwise_is_a_drift() {
    let s = server();
    let db = ScratchDb::create(s, "textdrift");
    db.sql(&format!(
        "CREATE TABLE k (k VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, deleted_at DATETIME);
         INSERT INTO k VALUES ('a', {OLD}), ('A', {OLD}), ('e', {OLD}), ('é', {OLD});
         CREATE TABLE c (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb4,
           deleted_at DATETIME);
         INSERT INTO c VALUES (1, 'é', {OLD});
         CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb4
           COLLATE utf8mb4_general_ci, deleted_at DATETIME);
         INSERT INTO u VALUES (1, 'é', {OLD});
         CREATE TABLE a (k CHAR(36) CHARACTER SET ascii PRIMARY KEY, deleted_at DATETIME);
         INSERT INTO a VALUES ('00000000-0000-0000-0000-000000000001', {OLD});
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.k (k VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY,
           deleted_at DATETIME);
         CREATE TABLE `{archive}`.c (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET latin1,
           deleted_at DATETIME);
         CREATE TABLE `{archive}`.u (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb3
           COLLATE utf8mb3_general_ci, deleted_at DATETIME);
         CREATE TABLE `{archive}`.a (k CHAR(36) CHARACTER SET utf8mb3 PRIMARY KEY,
           deleted_at DATETIME);",
        archive = db.archive()
    ));
    let before = digest(s, &db.name, "k", "1");
    let ini = Ini::new(s, &[&db.name]);
    for dry in [true, false] {
        let mut command = Osarchiver::new().config_text(ini.text());
        if dry {
            command = command.arg("--dry-run");
        }
        let out = command.run();
        out.assert_code(1).assert_no_panic();
        for table in ["k", "c"] {
            assert!(
                out.lines_containing(&format!("`{}`.`{table}` differs", db.archive()))
                    .iter()
                    .any(|l| l.contains("ERROR") && l.contains("COLLATE")),
                "dry run {dry}: no drift error naming the collations for {table}:\n{out}"
            );
        }
        assert_eq!(out.table_row(&db.name, "u").get("errors"), "0", "{out}");
        // ASCII is stored as UTF-8 stores it, and compares alike.
        assert_eq!(out.table_row(&db.name, "a").get("errors"), "0", "{out}");
    }
    assert_eq!(digest(s, &db.name, "k", "1"), before);
    assert_eq!(count(s, &db.name, "c", "1"), 1);
    assert_eq!(count(s, &db.archive(), "k", "1"), 0);
    // The utf8mb3 archive of a utf8mb4 table holds the same bytes.
    assert_eq!(count(s, &db.name, "u", "1"), 0);
    assert_eq!(
        lines(&s.sql(&format!("SELECT HEX(v) FROM {}", db.qa("u")))),
        ["C3A9"]
    );
}

/// An archive column in a narrower UTF-8 character set than the source's (`ascii`, `utf8mb3`
/// for `utf8mb4`) is used, but an eligible row holding a character it cannot store fails the
/// table: the dry run said 0 where the run failed (1). It now looks among the eligible rows,
/// and only there: a live row holding one does not count.
#[test]
fn text_a_narrower_archive_column_cannot_store_fails_the_dry_run_as_the_run() {
    let s = server();
    let db = ScratchDb::create(s, "narrowed");
    db.sql(&format!(
        "SET NAMES utf8mb4;
         CREATE TABLE x (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb4, deleted_at DATETIME);
         INSERT INTO x VALUES (1, 'é', {OLD}), (2, 'plain', {OLD});
         CREATE TABLE y (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb4, deleted_at DATETIME);
         INSERT INTO y VALUES (1, '🦀', {OLD});
         CREATE TABLE z (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb4, deleted_at DATETIME);
         INSERT INTO z VALUES (1, 'é', {OLD}), (2, '🦀', NULL);
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.x (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET ascii,
           deleted_at DATETIME);
         CREATE TABLE `{archive}`.y (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb3,
           deleted_at DATETIME);
         CREATE TABLE `{archive}`.z (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET utf8mb3,
           deleted_at DATETIME);",
        archive = db.archive()
    ));
    let ini = Ini::new(s, &[&db.name]);
    for dry in [true, false] {
        let mut command = Osarchiver::new().config_text(ini.text());
        if dry {
            command = command.arg("--dry-run");
        }
        let out = command.run();
        out.assert_code(1).assert_no_panic();
        for table in ["x", "y"] {
            assert_ne!(
                out.table_row(&db.name, table).get("errors"),
                "0",
                "dry run {dry}: {table}\n{out}"
            );
        }
        assert_eq!(out.table_row(&db.name, "z").get("errors"), "0", "{out}");
        if dry {
            out.output_contains("cannot store in `v` (ascii)")
                .output_contains("cannot store in `v` (utf8mb3)");
        }
    }
    assert_eq!(count(s, &db.name, "x", "1"), 2);
    assert_eq!(count(s, &db.name, "y", "1"), 1);
    assert_eq!(count(s, &db.name, "z", "1"), 1, "the live row stays");
    assert_eq!(count(s, &db.archive(), "z", "1"), 1);
}
