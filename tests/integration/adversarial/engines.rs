//! Source tables whose engine neither rolls back nor locks rows (MyISAM, Aria), and archive
//! "tables" that are views: the cases where what a transaction promises does not hold.

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::{run, OLD};

/// The rows of `t` that left the source, as `HEX()` of every column, must be in the archive
/// byte for byte.
fn assert_nothing_lost(db: &ScratchDb, out: &crate::harness::Output) {
    let s = server();
    let gone = s.sql(&format!(
        "SELECT COUNT(*) FROM {} a WHERE NOT EXISTS (SELECT 1 FROM {} s WHERE s.id = a.id)",
        db.qa("t"),
        db.q("t")
    ));
    let archived_gone = gone.trim().parse::<u64>().unwrap();
    let left = count(s, &db.name, "t", "1");
    assert_eq!(
        archived_gone + left,
        10,
        "rows left the source archived nowhere ({left} left, {archived_gone} archived and gone)\n{out}"
    );
    let same = s.sql(&format!(
        "SELECT COUNT(*) FROM {} a JOIN {} o USING (id) \
         WHERE BINARY a.v <=> BINARY o.v AND a.deleted_at <=> o.deleted_at",
        db.qa("t"),
        db.q("o")
    ));
    let archived = count(s, &db.archive(), "t", "1");
    assert_eq!(same.trim().parse::<u64>().unwrap(), archived, "{out}");
}

/// A delete that fails half-way (a `BEFORE DELETE` trigger refuses row 5) in a MyISAM or Aria
/// table has deleted the rows before it: no rollback brings them back. Whatever the way, every
/// row that left the source is in the archive, and the failure is visible. The locked way
/// (copy and delete in one transaction, undone on failure) used to be taken: rows 1 to 4 left
/// the source and their copies were rolled back, archived nowhere.
#[test]
fn a_failing_delete_in_a_table_without_transactions_loses_no_row() {
    let s = server();
    for engine in ["MyISAM", "Aria"] {
        for server_side in [true, false] {
            let db = ScratchDb::create(s, "notx");
            db.sql(&format!(
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL)
                   ENGINE={engine};
                 INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_10;
                 CREATE TABLE o ENGINE=InnoDB AS SELECT * FROM t;
                 DELIMITER //
                 CREATE TRIGGER t_bd BEFORE DELETE ON t FOR EACH ROW
                   IF OLD.id = 5 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no 5'; END IF//
                 DELIMITER ;"
            ));
            let ini = Ini::new(s, &[&db.name]).src("tables", "t").set(
                "dst:dst",
                "server_side_copy",
                server_side,
            );
            let out = run(&ini);
            out.assert_code(1).output_contains("no 5");
            assert!(
                count(s, &db.name, "t", "id = 5") == 1,
                "{engine}, server_side_copy = {server_side}: row 5 stays\n{out}"
            );
            assert_nothing_lost(&db, &out);
        }
    }
}

/// Without the trigger, a MyISAM table goes whole, both ways (the client's way locks the table
/// from its compare to its delete).
#[test]
fn a_table_without_transactions_is_archived_both_ways() {
    let s = server();
    for server_side in [true, false] {
        let db = ScratchDb::create(s, "notx_ok");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL)
               ENGINE=MyISAM;
             INSERT INTO t SELECT seq, CONCAT('v', seq), IF(seq <= 1500, {OLD}, NULL)
               FROM seq_1_to_1600;"
        ));
        let before = digest(s, &db.name, "t", "deleted_at IS NOT NULL");
        let ini = Ini::new(s, &[&db.name]).set("dst:dst", "server_side_copy", server_side);
        run(&ini).assert_success();
        assert_eq!(digest(s, &db.archive(), "t", "1"), before);
        assert_eq!(count(s, &db.name, "t", "1"), 100);
    }
}

/// An archive "table" that is a view of the source table itself: every row would count as
/// archived already, through the view, and go from both at once. It is refused, by the dry
/// run as by the run, and the source keeps every row. It used to end with exit 0, every row
/// gone everywhere.
#[test]
fn an_archive_table_that_is_a_view_is_refused() {
    let s = server();
    let db = ScratchDb::create(s, "viewarc");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, 'x', {OLD} FROM seq_1_to_20;"
    ));
    s.sql(&format!(
        "CREATE DATABASE IF NOT EXISTS `{}`; CREATE VIEW {} AS SELECT * FROM {};",
        db.archive(),
        db.qa("t"),
        db.q("t")
    ));
    let ini = Ini::new(s, &[&db.name]);
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1).output_contains("is a VIEW, not a table");
    run(&ini)
        .assert_code(1)
        .output_contains("is a VIEW, not a table");
    assert_eq!(count(s, &db.name, "t", "1"), 20);
}

/// A `where` that reads another table (a subquery), on a MyISAM source taken the client's way:
/// its deletes run under `LOCK TABLES`, which forbids reading any other table. The table is
/// refused before anything is archived, by the dry run as by the run (the dry run said exit 0,
/// the run failed with 1100). Through the same server's archive (no lock), it goes.
#[test]
fn a_where_reading_other_tables_on_a_table_without_transactions_is_told_alike() {
    let s = server();
    for server_side in [false, true] {
        let db = ScratchDb::create(s, "notx_sub");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL)
               ENGINE=MyISAM;
             INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_10;
             CREATE TABLE keep (id INT PRIMARY KEY);
             INSERT INTO keep VALUES (5), (7);"
        ));
        let ini = Ini::new(s, &[&db.name])
            .src("tables", "t")
            .src(
                "where",
                format!(
                    "deleted_at IS NOT NULL AND id NOT IN (SELECT id FROM {})",
                    db.q("keep")
                ),
            )
            .set("dst:dst", "server_side_copy", server_side);
        let dry = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        let out = run(&ini);
        if server_side {
            dry.assert_success();
            out.assert_success();
            assert_eq!(count(s, &db.name, "t", "1"), 2);
        } else {
            for o in [&dry, &out] {
                o.assert_code(1)
                    .output_contains("it reads other tables (a subquery)");
            }
            assert_eq!(count(s, &db.name, "t", "1"), 10);
            assert_eq!(count(s, &db.archive(), "t", "1"), 0);
        }
    }
}

/// A MyISAM table wider than InnoDB's strict check of its largest possible row (320
/// `VARCHAR(190)` latin1 columns): the archive table (InnoDB) is created without that check,
/// with a warning, and the rows, which fit, are archived. The `CREATE TABLE` used to fail with
/// 1118 (exit 1) where the dry run said exit 0.
#[test]
fn a_table_wider_than_innodb_allows_is_archived_with_a_warning() {
    let s = server();
    let db = ScratchDb::create(s, "wide");
    let columns: Vec<String> = (0..320)
        .map(|i| format!("c{i} VARCHAR(190) CHARACTER SET latin1"))
        .collect();
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, {}, deleted_at DATETIME NULL) ENGINE=MyISAM;
         INSERT INTO t (id, c0, c319, deleted_at) VALUES (1, 'a', 'z', {OLD}), (2, NULL, NULL, NULL);",
        columns.join(", ")
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success()
        .output_contains("created with innodb_strict_mode off");
    assert_eq!(
        s.sql(&format!("SELECT id, c0, c319 FROM {}", db.qa("t")))
            .trim(),
        "1\ta\tz"
    );
    assert_eq!(count(s, &db.name, "t", "1"), 1);
}

/// A source table in the `ARCHIVE` engine, which refuses every `DELETE` (1031): the table
/// fails before anything of it is archived, in the dry run as in the real run (the dry run
/// said 0; the real run copied its rows again into the archive at every run, then failed).
#[test]
fn a_table_whose_engine_cannot_delete_fails_before_it_is_archived() {
    let s = server();
    s.sql("INSTALL PLUGIN IF NOT EXISTS archive SONAME 'ha_archive'");
    let db = ScratchDb::create(s, "arch_engine");
    db.sql(&format!(
        "CREATE TABLE ar (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME)
           ENGINE=ARCHIVE;
         INSERT INTO ar (v, deleted_at) VALUES ('a', {OLD}), ('b', {OLD}), ('c', NULL);"
    ));
    let ini = Ini::new(s, &[&db.name]);
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .assert_no_panic()
            .output_contains("its engine ARCHIVE cannot delete rows");
    }
    assert_eq!(count(s, &db.name, "ar", "1"), 3);
    assert!(
        !db.exists(&db.archive()) || count(s, &db.archive(), "ar", "1") == 0,
        "nothing of the table is archived"
    );
    // Archived only, without the delete, it goes as any table.
    Osarchiver::new()
        .config_text(ini.src("delete_data", "false").text())
        .run()
        .assert_success();
    assert_eq!(count(s, &db.archive(), "ar", "1"), 2);
}

/// A MyISAM table whose `AUTO_INCREMENT` column is second in its primary key (a counter per
/// group, which InnoDB refuses with 1075): its InnoDB archive table gets a key that starts
/// with the column, and the rows are archived identical. One of more columns than InnoDB
/// takes (1017) is refused before anything is archived, in the dry run as in the run, with a
/// message that says so. Both used to pass the dry run (exit 0) and fail the run (exit 1).
#[test]
fn a_table_of_another_engine_is_archived_into_innodb_or_refused_alike() {
    let s = server();
    let db = ScratchDb::create(s, "engine_innodb");
    db.sql(&format!(
        "CREATE TABLE ai (g INT NOT NULL, id INT NOT NULL AUTO_INCREMENT, v VARCHAR(10),
           deleted_at DATETIME, PRIMARY KEY (g, id)) ENGINE=MyISAM;
         INSERT INTO ai (g, v, deleted_at) VALUES (1, 'a', {OLD}), (1, 'b', {OLD}),
           (2, 'c', {OLD}), (2, 'd', NULL);"
    ));
    let eligible = digest(s, &db.name, "ai", "deleted_at IS NOT NULL");
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    run(&ini).assert_success();
    assert_eq!(digest(s, &db.archive(), "ai", "1"), eligible);
    assert_eq!(count(s, &db.name, "ai", "1"), 1);

    let columns: String = (0..1100).map(|i| format!(", c{i} TINYINT")).collect();
    db.sql(&format!(
        "CREATE TABLE wide (id INT PRIMARY KEY, deleted_at DATETIME{columns}) ENGINE=MyISAM;
         INSERT INTO wide (id, deleted_at) VALUES (1, {OLD}), (2, NULL);"
    ));
    let wide = ini.src("tables", "wide");
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(wide.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run().assert_code(1).assert_no_panic().output_contains(
            "would be an InnoDB table of 1102 columns, and InnoDB takes at most 1017",
        );
    }
    assert_eq!(count(s, &db.name, "wide", "1"), 2);
}

/// A MERGE table declares a primary key that binds nothing across its tables: two of them
/// may hold a row of the same key. The copy inside the server, which tells rows apart by key,
/// is not used: the rows go through osarchiver, and no row leaves the source without its
/// archived copy. Both rows used to be deleted and one archived.
#[test]
fn rows_of_one_key_in_a_merge_table_are_not_lost() {
    let s = server();
    let db = ScratchDb::create(s, "engine_merge");
    db.sql(&format!(
        "CREATE TABLE m1 (id INT NOT NULL, v VARCHAR(10), deleted_at DATETIME, PRIMARY KEY (id))
           ENGINE=MyISAM;
         CREATE TABLE m2 LIKE m1;
         INSERT INTO m1 VALUES (1, 'one', {OLD}), (4, 'same', {OLD});
         INSERT INTO m2 VALUES (2, 'two', {OLD}), (4, 'same', {OLD});
         CREATE TABLE mrg (id INT NOT NULL, v VARCHAR(10), deleted_at DATETIME,
           PRIMARY KEY (id)) ENGINE=MRG_MyISAM UNION=(m1, m2);"
    ));
    let out = run(&Ini::new(s, &[&db.name]).src("tables", "mrg"));
    out.assert_no_panic();
    let left = count(s, &db.name, "mrg", "id = 4");
    let archived = count(s, &db.archive(), "mrg", "id = 4");
    assert!(
        left + archived >= 2,
        "a row of key 4 left the source archived nowhere ({left} left, {archived} archived)\n{out}"
    );
    assert_eq!(count(s, &db.name, "mrg", "id IN (1, 2)"), 0, "{out}");
}
