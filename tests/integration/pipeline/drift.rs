//! Schema drift: an archive table that exists with other columns than the source table fails
//! that table, clearly, before anything of it is deleted; the other tables are still processed,
//! and the run exits 1.

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, ScratchDb};

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
