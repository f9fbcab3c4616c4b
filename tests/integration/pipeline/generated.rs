//! Generated columns (VIRTUAL and STORED) are not inserted into: the archive table has the same
//! definition and computes the same values; an existing archive table that would compute other
//! values (or none) is a drift.

use crate::harness::digest::digest;
use crate::harness::{server, Ini, ScratchDb};

use super::{assert_moved, lines, run, OLD};

#[test]
fn generated_columns_are_archived_with_their_definition_and_values() {
    let s = server();
    let db = ScratchDb::create(s, "generated");
    db.sql(&format!(
        "CREATE TABLE g (id INT PRIMARY KEY, a INT, b VARCHAR(20),
           v INT AS (a * 2) VIRTUAL,
           st VARCHAR(40) AS (CONCAT(b, '-', a)) STORED,
           deleted_at DATETIME NULL, KEY k_st (st), UNIQUE KEY u_v (v));
         INSERT INTO g (id, a, b, deleted_at) VALUES (1, 1, 'one', {OLD}), (2, 2, 'two', {OLD}),
           (3, NULL, NULL, {OLD}), (4, 4, 'four', NULL);"
    ));
    let eligible = digest(s, &db.name, "g", "id <= 3");

    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_success();
    assert_moved(s, &db.name, &db.archive(), "g", "id <= 3", &eligible);
    assert_eq!(lines(&db.sql("SELECT id, v, st FROM g")), ["4\t8\tfour-4"]);
    assert_eq!(
        lines(&s.sql(&format!("SELECT id, v, st FROM {} ORDER BY id", db.qa("g")))),
        ["1\t2\tone-1", "2\t4\ttwo-2", "3\tNULL\tNULL"]
    );
    let definition = |schema: &str| {
        s.sql(&format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, EXTRA, IFNULL(GENERATION_EXPRESSION, '-')
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{schema}' AND TABLE_NAME = 'g'
             ORDER BY ORDINAL_POSITION"
        ))
    };
    let source = definition(&db.name);
    assert!(source.contains("VIRTUAL GENERATED") && source.contains("STORED GENERATED"));
    assert_eq!(definition(&db.archive()), source);
    let row = out.table_row(&db.name, "g");
    assert_eq!((row.num("read"), row.num("deleted")), (3, 3));
}

/// An archive table that exists already must compute what the source stored: a generated
/// column defined otherwise (a migration changed the expression), a plain column where the
/// source's is generated (it would get NULL), or a NOT NULL column where the source allows NULL
/// is a drift. The table fails before anything is read, in a dry run too; nothing is deleted.
#[test]
fn an_archive_table_whose_columns_would_not_hold_the_same_values_is_a_drift() {
    let s = server();
    for (case, archive_column) in [
        ("expression", "gs INT AS (v * 3) STORED"),
        ("plain", "gs INT"),
        ("not_null", "gs INT AS (v * 2) STORED, w INT NOT NULL"),
    ] {
        let db = ScratchDb::create(s, &format!("gen_drift_{case}"));
        let extra = if case == "not_null" { ", w INT" } else { "" };
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v INT, gs INT AS (v * 2) STORED{extra},
               deleted_at DATETIME NULL);
             INSERT INTO t (id, v, deleted_at) VALUES (1, 10, {OLD}), (2, 20, {OLD});"
        ));
        let archive_extra = if case == "not_null" { "" } else { extra };
        s.sql(&format!(
            "CREATE DATABASE `{}`;
             CREATE TABLE {} (id INT PRIMARY KEY, v INT, {archive_column}{archive_extra},
               deleted_at DATETIME NULL);",
            db.archive(),
            db.qa("t")
        ));
        let before = digest(s, &db.name, "t", "1");
        let ini = Ini::new(s, &[&db.name]);
        let dry = crate::harness::Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        dry.assert_code(1);
        let out = run(&ini);
        out.assert_code(1);
        out.output_contains("differs from the source table");
        assert_eq!(digest(s, &db.name, "t", "1"), before, "{case}");
        assert_eq!(
            lines(&s.sql(&format!("SELECT COUNT(*) FROM {}", db.qa("t")))),
            ["0"],
            "{case}"
        );
    }
}
