//! A batch that an archive table refuses half-way (here a column whose character set lacks a
//! character of row 3: the drift check compares column names and types, not character sets,
//! and the archive INSERT's warning fails the batch) leaves nothing behind: the
//! rows inserted before the failing one are rolled back, not committed by the next table's
//! transaction, and nothing of the batch is deleted from the source.

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, ScratchDb};

use super::{lines, run, OLD};

#[test]
fn a_batch_refused_half_way_leaves_nothing_in_the_archive_and_deletes_nothing() {
    let s = server();
    let db = ScratchDb::create(s, "rollback");
    db.sql(&format!(
        "CREATE TABLE a_refused (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)
           CHARSET utf8mb4;
         CREATE TABLE b_fine (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO a_refused VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, '🦀', {OLD}),
           (4, 'd', {OLD});
         INSERT INTO b_fine VALUES (1, {OLD});
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.a_refused (id INT PRIMARY KEY, v VARCHAR(10),
           deleted_at DATETIME NULL) CHARSET utf8mb3;",
        archive = db.archive()
    ));
    let before = digest(s, &db.name, "a_refused", "1");

    // One row per INSERT, so rows 1 and 2 are in before row 3 fails.
    let out = run(&Ini::new(s, &[&db.name]).dst("bulk_insert", 1));
    out.assert_code(1)
        .assert_no_panic()
        .output_contains("the server altered values");

    assert_eq!(digest(s, &db.name, "a_refused", "1"), before);
    assert_eq!(count(s, &db.archive(), "a_refused", "1"), 0, "{out}");
    assert_eq!(lines(&db.sql("SELECT COUNT(*) FROM b_fine")), ["0"]);
    assert_eq!(count(s, &db.archive(), "b_fine", "1"), 1);
    assert_eq!(out.table_row(&db.name, "a_refused").get("errors"), "1");
}
