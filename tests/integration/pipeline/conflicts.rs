//! Rows already in the archive: an identical row (a re-run) is fine and the source row goes; a
//! different row under the same key is a conflict: the source row stays and is reported, and
//! the archive row is not overwritten.

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, ScratchDb};

use super::{lines, run, OLD, RECENT};

#[test]
fn a_different_archive_row_under_the_same_key_keeps_the_source_row() {
    let s = server();
    let db = ScratchDb::create(s, "conflict");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         INSERT INTO t VALUES (1, 'original', {OLD}), (2, 'same', {OLD}), (3, 'new', {OLD});
         -- Only a case-insensitive collation calls these equal.
         CREATE TABLE ci (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         INSERT INTO ci VALUES (1, 'abc', {OLD}), (2, 'xyz', {OLD});
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.t LIKE t;
         INSERT INTO `{archive}`.t SELECT id, 'something else', deleted_at FROM t WHERE id = 1;
         INSERT INTO `{archive}`.t SELECT * FROM t WHERE id = 2;
         CREATE TABLE `{archive}`.ci LIKE ci;
         INSERT INTO `{archive}`.ci SELECT id, 'ABC', deleted_at FROM ci WHERE id = 1;",
        archive = db.archive()
    ));
    let kept = digest(s, &db.name, "t", "id = 1");
    let moved = digest(s, &db.name, "t", "id IN (2, 3)");
    let archive_row_1 = digest(s, &db.archive(), "t", "id = 1");

    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_code(3); // a conflict leaves its row on purpose

    assert_eq!(digest(s, &db.name, "t", "1"), kept, "row 1 stays as it was");
    assert_eq!(digest(s, &db.archive(), "t", "id = 1"), archive_row_1);
    assert_eq!(digest(s, &db.archive(), "t", "id IN (2, 3)"), moved);
    let row = out.table_row(&db.name, "t");
    assert_eq!(
        (row.num("read"), row.num("deleted"), row.num("conflicts")),
        (3, 2, 1)
    );
    assert_eq!(row.get("archived"), "dst=2");
    out.output_contains(&format!(
        "`{}`.`t`: row (id=1) kept: destination dst already holds a different row with this key",
        db.name
    ))
    .output_contains(&format!(
        "compare them: SELECT * FROM `{0}`.`t` WHERE `id` = 1; SELECT * FROM `{1}`.`t` WHERE `id` = 1;",
        db.name,
        db.archive()
    ))
    .output_contains(&format!(
        "not a row another source or configuration archived there), remove it to archive the source row instead (DELETE FROM `{}`.`t` WHERE `id` = 1;)",
        db.archive()
    ));
    // The operator follows the advice: the next run archives the source row and deletes it.
    s.sql(&format!("DELETE FROM `{}`.t WHERE id = 1", db.archive()));
    run(&Ini::new(s, &[&db.name]).src("tables", "t")).assert_success();
    assert_eq!(count(s, &db.name, "t", "1"), 0);
    assert_eq!(digest(s, &db.archive(), "t", "id = 1"), kept);

    assert_eq!(lines(&db.sql("SELECT id, v FROM ci")), ["1\tabc"]);
    assert_eq!(
        lines(&s.sql(&format!("SELECT id, v FROM {} ORDER BY id", db.qa("ci")))),
        ["1\tABC", "2\txyz"]
    );
    let row = out.table_row(&db.name, "ci");
    assert_eq!((row.num("deleted"), row.num("conflicts")), (1, 1));
}

/// Archive first (`delete_data = false`), delete on a second run: the rows the archive already
/// holds identically are deleted, and the archive is unchanged.
#[test]
fn a_rerun_over_rows_already_archived_deletes_them() {
    let s = server();
    let db = ScratchDb::create(s, "rerun");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v BLOB, deleted_at TIMESTAMP(6) NULL);
         INSERT INTO t VALUES (1, UNHEX('00FF'), {OLD}), (2, NULL, {OLD}), (3, '', {OLD}),
           (4, 'live', NULL);"
    ));
    let eligible = digest(s, &db.name, "t", "id <= 3");
    let ini = Ini::new(s, &[&db.name]).src("select_limit", 2);

    let first = run(&ini.clone().src("delete_data", "false"));
    first.assert_success();
    assert_eq!(count(s, &db.name, "t", "1"), 4);
    assert_eq!(digest(s, &db.archive(), "t", "1"), eligible);
    let row = first.table_row(&db.name, "t");
    assert_eq!((row.num("read"), row.num("deleted")), (3, 0));

    let second = run(&ini);
    second.assert_success();
    assert_eq!(lines(&db.sql("SELECT id FROM t")), ["4"]);
    assert_eq!(digest(s, &db.archive(), "t", "1"), eligible);
    let row = second.table_row(&db.name, "t");
    assert_eq!(
        (row.num("read"), row.num("deleted"), row.num("conflicts")),
        (3, 3, 0)
    );
    assert_eq!(row.get("archived"), "dst=3");
}

/// Keys that only differ after their first bytes (long string keys, as OpenStack's UUIDs): a
/// batch whose rows are partly in the archive already (identical) and partly new is archived
/// and deleted whole, without a conflict.
#[test]
fn long_string_keys_partly_archived_are_told_apart() {
    let s = server();
    let db = ScratchDb::create(s, "longkeys");
    db.sql(&format!(
        "CREATE TABLE t (uuid VARCHAR(36) NOT NULL PRIMARY KEY, v INT,
           deleted_at DATETIME NULL);
         INSERT INTO t VALUES ('instance-00000001', 1, {OLD}), ('instance-00000002', 2, {RECENT}),
           ('instance-00000003', 3, {OLD}), ('instance-00000004', 4, {RECENT}),
           ('instance-00000005', 5, {OLD}), ('instance-00000006', 6, {RECENT});"
    ));
    let ini = Ini::new(s, &[&db.name]);
    // The odd rows are archived first, without being deleted.
    run(&ini.clone().src("delete_data", "false")).assert_success();
    assert_eq!(count(s, &db.archive(), "t", "1"), 3);

    db.sql(&format!("UPDATE t SET deleted_at = {OLD} WHERE v % 2 = 0"));
    let eligible = digest(s, &db.name, "t", "1");
    let out = run(&ini);
    out.assert_success();
    let row = out.table_row(&db.name, "t");
    assert_eq!(
        (row.num("read"), row.num("deleted"), row.num("conflicts")),
        (6, 6, 0)
    );
    assert_eq!(count(s, &db.name, "t", "1"), 0);
    assert_eq!(digest(s, &db.archive(), "t", "1"), eligible);
}

/// A row that changes after its batch reached the archive and before its delete stays in the
/// source as it now is; the archive copy of what was read is stale and is removed in the same
/// run (the source row locked meanwhile), so that the next run archives the row again instead
/// of keeping it as a conflict for ever. A row deleted meanwhile by someone else keeps its
/// copy: it may be the only one left.
#[test]
fn the_archive_copy_of_a_row_that_changed_before_its_delete_is_removed() {
    let s = server();
    let db = ScratchDb::create(s, "stale");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         INSERT INTO t SELECT seq, CONCAT('row ', seq), {OLD} FROM seq_1_to_8;"
    ));
    let gone = digest(s, &db.name, "t", "id = 6");
    let files = tempfile::tempdir().unwrap();
    let db_only = Ini::new(s, &[&db.name])
        .dst("server_side_copy", "false")
        .src("select_limit", 4)
        .src("delete_limit", 2);
    // The files keep every row as it was read: the archive database's copy is not the last.
    let ini = db_only
        .clone()
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.path().display())
        .set("dst:files", "formats", "csv");
    // Another session locks rows 2, 4 and 6 before the run begins, so that the run reads and
    // archives them but waits at their delete; then it changes 2 (still eligible), un-deletes
    // 4, deletes 6, and commits.
    let locker = {
        let t = db.q("t");
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} WHERE id IN (2, 4, 6) FOR UPDATE;
                 DO SLEEP(3);
                 UPDATE {t} SET v = 'changed' WHERE id = 2;
                 UPDATE {t} SET deleted_at = NULL WHERE id = 4;
                 DELETE FROM {t} WHERE id = 6;
                 COMMIT;"
            ))
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = run(&ini);
    locker.join().unwrap();
    // Row 2 stays, changed and still eligible: the next run's, a row left (exit code 3).
    out.assert_code(3)
        .output_contains("2 archive copies removed from destination dst");
    let row = out.table_row(&db.name, "t");
    assert_eq!(
        (row.num("read"), row.num("deleted"), row.num("changed")),
        (8, 5, 3),
        "the run must have read rows 2, 4 and 6 before they changed"
    );
    assert_eq!(
        lines(&db.sql("SELECT id, v FROM t ORDER BY id")),
        ["2\tchanged", "4\trow 4"]
    );
    // The copies of 2 and 4 are gone; 6's stays, identical to the row read.
    assert_eq!(
        lines(&s.sql(&format!("SELECT id FROM {} ORDER BY id", db.qa("t")))),
        ["1", "3", "5", "6", "7", "8"]
    );
    assert_eq!(digest(s, &db.archive(), "t", "id = 6"), gone);
    // The next run archives row 2 as it now is, with no conflict.
    let changed = digest(s, &db.name, "t", "id = 2");
    let next = run(&ini);
    next.assert_success();
    assert_eq!(lines(&db.sql("SELECT id FROM t")), ["4"]);
    assert_eq!(digest(s, &db.archive(), "t", "id = 2"), changed);

    // Without files the archive database's copy may be the last one of a row deleted and
    // inserted again under its key: it stays, and the next run keeps the row as a conflict.
    db.sql(&format!("INSERT INTO t VALUES (9, 'row 9', {OLD})"));
    let locker = {
        let t = db.q("t");
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} WHERE id = 9 FOR UPDATE;
                 DO SLEEP(3);
                 DELETE FROM {t} WHERE id = 9;
                 INSERT INTO {t} VALUES (9, 'another row', {OLD});
                 COMMIT;"
            ))
        })
    };
    let first = digest(s, &db.name, "t", "id = 9");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = run(&db_only);
    locker.join().unwrap();
    out.assert_code(3);
    assert_eq!(out.table_row(&db.name, "t").num("changed"), 1, "{out}");
    assert_eq!(digest(s, &db.archive(), "t", "id = 9"), first);
    run(&db_only).assert_code(3);
}

/// A row that a `where` reading another table stops selecting after its batch reached the
/// archive, and before its delete, stays in the source as it was read: the archive copy is
/// redundant and is removed in the same run (with no file destination: the source keeps the
/// row), so that the row, once touched by the service and selected again, is not a conflict
/// for ever. The copy used to stay.
#[test]
fn the_archive_copy_of_a_row_no_longer_selected_is_removed() {
    let s = server();
    let db = ScratchDb::create(s, "unselected");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         CREATE TABLE keep (k INT PRIMARY KEY);
         INSERT INTO t SELECT seq, CONCAT('row ', seq), {OLD} FROM seq_1_to_6;"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("tables", "t")
        .src(
            "where",
            format!(
                "deleted_at <= SUBDATE('{{now}}', INTERVAL 7 DAY) AND id NOT IN (SELECT k FROM {})",
                db.q("keep")
            ),
        )
        .dst("server_side_copy", "false")
        .src("select_limit", 6)
        .src("delete_limit", 2);
    // Another session locks row 3 before the run begins, so that the run reads and archives
    // it but waits at its delete; then it keeps row 3 out of the selection, and commits.
    let locker = {
        let (t, keep) = (db.q("t"), db.q("keep"));
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} WHERE id = 3 FOR UPDATE;
                 DO SLEEP(3);
                 INSERT INTO {keep} VALUES (3);
                 COMMIT;"
            ))
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = run(&ini);
    locker.join().unwrap();
    out.assert_success()
        .output_contains("1 archive copies removed from destination dst");
    let row = out.table_row(&db.name, "t");
    assert_eq!(
        (row.num("read"), row.num("deleted"), row.num("changed")),
        (6, 5, 1),
        "the run must have read row 3 before it stopped being selected"
    );
    assert_eq!(lines(&db.sql("SELECT id, v FROM t")), ["3\trow 3"]);
    assert_eq!(
        lines(&s.sql(&format!("SELECT id FROM {} ORDER BY id", db.qa("t")))),
        ["1", "2", "4", "5", "6"]
    );
    // Selected again later, changed by the service meanwhile: archived, no conflict.
    db.sql("DELETE FROM keep; UPDATE t SET v = 'touched' WHERE id = 3");
    let changed = digest(s, &db.name, "t", "id = 3");
    run(&ini).assert_success();
    assert_eq!(count(s, &db.name, "t", "1"), 0);
    assert_eq!(digest(s, &db.archive(), "t", "id = 3"), changed);
}

/// A unique key other than the row key holds among the source's current rows only: glance's
/// `(image_id, name)` of an image property removed, archived, added again and removed again.
/// The archive table osarchiver creates keeps such keys as plain keys, so the second row is
/// archived too; an archive table made beforehand with such a unique key refuses the row, which
/// stays, and the log says which key refuses it and what to do (not to delete an archived copy
/// by a key that holds none).
#[test]
fn a_unique_key_of_the_source_does_not_refuse_archived_rows_of_other_years() {
    let s = server();
    let db = ScratchDb::create(s, "uniqueyears");
    db.sql(&format!(
        "CREATE TABLE prop (id INT PRIMARY KEY, image_id INT NOT NULL, name VARCHAR(20) NOT NULL,
           deleted_at DATETIME NULL, UNIQUE KEY ix_prop_image_name (image_id, name));
         INSERT INTO prop VALUES (1, 7, 'foo', {OLD}), (2, 8, 'bar', NULL);
         CREATE TABLE made (id INT PRIMARY KEY, v INT, deleted_at DATETIME NULL);
         INSERT INTO made VALUES (1, 1, {OLD});
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.made (id INT PRIMARY KEY, v INT, deleted_at DATETIME NULL,
           UNIQUE KEY one_v (v));",
        archive = db.archive()
    ));
    let ini = Ini::new(s, &[&db.name]);
    run(&ini).assert_success();
    let created = s.sql(&format!("SHOW CREATE TABLE {}", db.qa("prop")));
    assert!(
        created.contains("KEY `ix_prop_image_name`") && !created.contains("UNIQUE"),
        "{created}"
    );
    // The property comes back and goes again; so does a row of `made` with the same `v`.
    db.sql(&format!(
        "INSERT INTO prop VALUES (3, 7, 'foo', {OLD}); INSERT INTO made VALUES (2, 1, {OLD});"
    ));
    let out = run(&ini);
    out.assert_code(3);
    assert_eq!(lines(&db.sql("SELECT id FROM prop")), ["2"]);
    assert_eq!(
        lines(&s.sql(&format!("SELECT id FROM {} ORDER BY id", db.qa("prop")))),
        ["1", "3"]
    );
    assert_eq!(lines(&db.sql("SELECT id FROM made")), ["2"]);
    out.output_contains(&format!(
        "`{}`.`made`: row (id=2) kept: destination dst refuses it (Duplicate entry '1' for key 'one_v')",
        db.name
    ))
    .output_contains("make that key non-unique");
    assert!(
        out.lines_containing("to archive the source row instead")
            .is_empty(),
        "no advice to delete a copy the key does not hold:\n{out}"
    );
}

/// Many conflicts (a whole restored tree deleted again): the first ten are named each, with
/// their advice, the rest only counted, so that a nightly run's log stays readable.
#[test]
fn many_conflicts_are_named_ten_at_a_time() {
    let s = server();
    let db = ScratchDb::create(s, "manyconflicts");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, 'new', {OLD} FROM seq_1_to_15;
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.t LIKE t;
         INSERT INTO `{archive}`.t SELECT seq, 'old', {OLD} FROM seq_1_to_15;",
        archive = db.archive()
    ));
    // Through the client, and through the locked way with small chunks, which hands each
    // chunk's key range over to the client's way one at a time: ten per table either way.
    for ini in [
        Ini::new(s, &[&db.name]).dst("server_side_copy", "false"),
        Ini::new(s, &[&db.name])
            .src("select_limit", 4)
            .src("delete_limit", 2),
    ] {
        let out = run(&ini);
        out.assert_code(3);
        assert_eq!(out.table_row(&db.name, "t").num("conflicts"), 15);
        assert_eq!(
            out.lines_containing("already holds a different row with this key")
                .len(),
            10,
            "{out}"
        );
        out.output_contains(&format!(
            "`{}`.`t`: 15 rows kept because a destination holds a different row with their key (the first 10 are named above; --debug names each)",
            db.name
        ));
    }
}

/// A row whose key changes, before its delete, to a value its collation calls equal (`'j'`
/// to `'J'`): the copy of the row read is stale like any changed row's, and is removed, so
/// that the next run archives the row as it now is. It stayed (the clean-up matched the
/// source rows by the key's bytes and took the row for gone), a conflict on every later run.
#[test]
fn the_copy_of_a_row_whose_key_changed_to_an_equal_one_is_removed() {
    let s = server();
    let db = ScratchDb::create(s, "stale_ci");
    db.sql(&format!(
        "CREATE TABLE t (k VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, v VARCHAR(10),
           deleted_at DATETIME(6) NULL);
         INSERT INTO t SELECT CHAR(96 + seq), 'x', {OLD} FROM seq_1_to_6;"
    ));
    let files = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .dst("server_side_copy", "false")
        .src("select_limit", 6)
        .src("delete_limit", 2)
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.path().display())
        .set("dst:files", "formats", "csv");
    // Row 'd' is locked before the run begins: the run reads and archives it, waits at its
    // delete, and finds it under the key 'D'.
    let locker = {
        let t = db.q("t");
        std::thread::spawn(move || {
            s.sql(&format!(
                "START TRANSACTION; SELECT COUNT(*) FROM {t} WHERE k = 'd' FOR UPDATE;
                 DO SLEEP(3);
                 UPDATE {t} SET k = 'D' WHERE k = 'd';
                 COMMIT;"
            ))
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = run(&ini);
    locker.join().unwrap();
    out.assert_code(3)
        .output_contains("1 archive copies removed from destination dst");
    assert_eq!(
        lines(&s.sql(&format!("SELECT k FROM {} ORDER BY k", db.qa("t")))),
        ["a", "b", "c", "e", "f"]
    );
    // The next run archives the row as it now is.
    let again = run(&ini);
    again.assert_success();
    assert_eq!(
        lines(&s.sql(&format!(
            "SELECT BINARY k FROM {} WHERE k = 'd'",
            db.qa("t")
        ))),
        ["D"]
    );
    assert_eq!(count(s, &db.name, "t", "1"), 0);
}

/// Two source databases routed into one archive database in a run (two archivers whose
/// `db_suffix` meet): the second is refused, in the dry run alike, and its rows stay. Its
/// rows, under the first's keys, were kept as conflicts whose advice (remove the archived
/// copy) deleted the first's only copy, or, identical, deleted against it (helper 136).
#[test]
fn two_source_databases_into_one_archive_database_are_refused() {
    let s = server();
    let mut b = ScratchDb::create(s, "routes");
    let a = format!("{}_p", b.name);
    b.also_drop(a.clone());
    b.also_drop(format!("{}_p_archive", b.name));
    b.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME(6) NULL);
         INSERT INTO t VALUES (1, 'of b', {OLD});
         CREATE DATABASE `{a}`;
         CREATE TABLE `{a}`.t LIKE t;
         INSERT INTO `{a}`.t VALUES (1, 'of a', {OLD});"
    ));
    // b's rows go to `b_p_archive` (db_suffix `_p_archive`), a's (`b_p`) to `b_p_archive` too.
    let ini = Ini::new(s, &[&b.name])
        .dst("db_suffix", "_p_archive")
        .set("archiver:second", "src", "a")
        .set("archiver:second", "dst", "dst2");
    let mut ini = ini;
    for (k, v) in crate::harness::connection(s) {
        ini = ini.set("src:a", &k, &v).set("dst:dst2", &k, &v);
    }
    let ini = ini
        .set("src:a", "databases", &a)
        .set("src:a", "retention", "7 DAY")
        .set("src:a", "delete_data", "true")
        .set("src:a", "delete_loop_delay", "0")
        .set("dst:dst2", "backend", "db")
        .set("dst:dst2", "db_suffix", "_archive");
    let dry = crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1)
        .output_contains("this run already archives");
    assert!(
        !b.exists(&format!("{}_p_archive", b.name)),
        "the dry run created nothing"
    );
    let out = run(&ini);
    out.assert_code(1).output_contains(&format!(
        "database {a}: destination dst2 would write it into"
    ));
    assert_eq!(
        b.sql(&format!("SELECT v FROM `{}_p_archive`.t", b.name))
            .trim(),
        "of b"
    );
    assert_eq!(
        b.sql(&format!("SELECT v FROM `{a}`.t")).trim(),
        "of a",
        "a's row stays"
    );
    assert_eq!(b.sql("SELECT COUNT(*) FROM t").trim(), "0");
    // With tables of its own there (a table_suffix), a's rows share no table: they go (they
    // were refused, helper 139).
    run(&ini.set("dst:dst2", "table_suffix", "_a")).assert_success();
    assert_eq!(
        b.sql(&format!("SELECT v FROM `{}_p_archive`.t_a", b.name))
            .trim(),
        "of a"
    );
}
