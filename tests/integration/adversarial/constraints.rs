//! Rows that today's constraints or `sql_mode` would refuse: CHECK violations (rows older than
//! their constraint, or written with `check_constraint_checks = 0`), invalid JSON behind the
//! `json_valid` check of a `JSON` column, invalid ENUM values (`''`, index 0, stored by a
//! non-strict server). Each is archived byte for byte to the archive table and to files that
//! load back; an archive that would alter a value fails the batch, and nothing is deleted.

use crate::harness::{server, Ini, Osarchiver};

use super::everywhere::{hex_rows, Case, OLD};

const ELIGIBLE: &str = "deleted_at IS NOT NULL";

/// A table whose eligible rows violate a column-level check, a table-level check with quotes,
/// parentheses and backticks in its expression, and the `json_valid` check of a JSON column.
fn checked_table(case: &Case) {
    case.src.sql(&format!(
        "CREATE TABLE c (id INT PRIMARY KEY,
           n INT CHECK (n > 0),
           s VARCHAR(20) DEFAULT 'CHECK (x)' CHECK (s <> ')' AND s NOT LIKE '%it''s (%'),
           j JSON,
           `we``ird` INT,
           deleted_at DATETIME NULL,
           CONSTRAINT `c (1)` CHECK (`we``ird` IN (1, 2) OR s = 'CONSTRAINT x CHECK (')
         );
         SET SESSION check_constraint_checks = 0;
         INSERT INTO c VALUES
           (1, -1, ')', '{{not json', 3, {OLD}),
           (2, 0, 'it''s (no)', '[1, 2]', 9, {OLD}),
           (3, 5, 'ok', '{{\"a\": 1}}', 1, {OLD}),
           (4, -7, ')', 'nope', 5, NULL);"
    ));
}

#[test]
fn rows_violating_check_constraints_are_archived_identically() {
    let case = Case::new("adv_chk");
    checked_table(&case);
    case.restore_targets("c");
    let before = hex_rows(&case.src.name, "c", ELIGIBLE);
    let rest = hex_rows(&case.src.name, "c", &format!("NOT ({ELIGIBLE})"));
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "c", ELIGIBLE, &before, &rest, &[]);
    // The archive table has no CHECK constraint; the restore tables (as the source) have theirs.
    let checks = |db: &str| {
        server()
            .sql(&format!(
                "SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = '{db}' AND TABLE_NAME = 'c'"
            ))
            .trim()
            .to_string()
    };
    assert_eq!(checks(&case.src.archive()), "0");
    assert_eq!(checks(&case.sql.name), "4");
    assert_eq!(checks(&case.csv.name), "4");
}

#[test]
fn an_archive_table_of_an_earlier_version_with_its_checks_takes_the_rows() {
    let case = Case::new("adv_chk_old");
    checked_table(&case);
    case.restore_targets("c");
    // What earlier versions created: the source's definition, checks included.
    server().sql(&format!(
        "CREATE DATABASE `{}`; CREATE TABLE {} LIKE {};",
        case.src.archive(),
        case.src.qa("c"),
        case.src.q("c")
    ));
    let before = hex_rows(&case.src.name, "c", ELIGIBLE);
    let rest = hex_rows(&case.src.name, "c", &format!("NOT ({ELIGIBLE})"));
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "c", ELIGIBLE, &before, &rest, &[]);
}

#[test]
fn invalid_enum_values_are_archived_identically() {
    let case = Case::new("adv_enum");
    case.src.sql(&format!(
        "CREATE TABLE e (id INT PRIMARY KEY,
           a ENUM('x', 'y') NOT NULL,
           b ENUM('', 'z') NULL,
           c ENUM('p', 'q') NULL,
           st SET('m', 'n') NOT NULL,
           deleted_at DATETIME NULL);
         SET SESSION sql_mode = '';
         INSERT INTO e VALUES
           (1, 'nope', '', 'p', 'm,n', {OLD}),
           (2, 'x', 'z', 'bad', '', {OLD}),
           (3, 'y', NULL, NULL, 'n', {OLD}),
           (4, '', '', '', '', NULL);"
    ));
    // The fixture holds invalid values: index 0.
    assert_eq!(
        case.src
            .sql("SELECT id, a + 0, b + 0, c + 0 FROM e ORDER BY id")
            .lines()
            .collect::<Vec<_>>(),
        ["1\t0\t1\t1", "2\t1\t2\t0", "3\t2\tNULL\tNULL", "4\t0\t1\t0"]
    );
    case.restore_targets("e");
    let before = hex_rows(&case.src.name, "e", ELIGIBLE);
    let rest = hex_rows(&case.src.name, "e", &format!("NOT ({ELIGIBLE})"));
    let index = |db: &str| {
        server()
            .sql(&format!(
                "SELECT GROUP_CONCAT(CONCAT_WS(':', id, a + 0, b + 0, c + 0) ORDER BY id) FROM `{db}`.e"
            ))
            .trim()
            .to_string()
    };
    let out = case.run(|ini| ini);
    out.assert_success();
    // The LOAD DATA of the CSV recipe stores the invalid value, with warning 1265 for each,
    // which the README says to expect.
    let csv_warnings = [
        "Warning\t1265\tData truncated for column 'a' at row 1",
        "Warning\t1265\tData truncated for column 'c' at row 2",
    ]
    .map(String::from);
    case.assert_moved(&out, "e", ELIGIBLE, &before, &rest, &csv_warnings);
    let want = "1:0:1:1,2:1:2:0,3:2";
    for db in [&case.src.archive(), &case.sql.name, &case.csv.name] {
        assert_eq!(index(db), want, "{db}");
    }
    // Strict mode is off only around the batch that needs it.
    let sql = case.sql_file(&out, "e");
    assert_eq!(
        sql.matches("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO").count(),
        1,
        "{sql}"
    );
}

#[test]
fn an_archive_that_would_alter_a_value_fails_the_batch_and_nothing_is_deleted() {
    let case = Case::new("adv_alter");
    case.src.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('a', 'b') NULL, v VARCHAR(10), deleted_at DATETIME NULL)
           DEFAULT CHARSET = utf8mb4;
         SET SESSION sql_mode = '';
         INSERT INTO t VALUES (1, '', 'plain', {OLD}), (2, 'a', '🦀', {OLD});"
    ));
    // An archive table in utf8mb3, which the drift check lets through (the same bytes for
    // what it can hold): a non-strict insert would store '?' for the crab.
    server().sql(&format!(
        "CREATE DATABASE `{}`;
         CREATE TABLE {} (id INT PRIMARY KEY, e ENUM('a', 'b') NULL, v VARCHAR(10), deleted_at DATETIME NULL)
           DEFAULT CHARSET = utf8mb3;",
        case.src.archive(),
        case.src.qa("t")
    ));
    let before = hex_rows(&case.src.name, "t", "1");
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&case.src.name]).text())
        .run();
    out.assert_code(1)
        .output_contains("the server altered values while inserting them")
        .output_contains("1366");
    assert_eq!(
        hex_rows(&case.src.name, "t", "1"),
        before,
        "nothing deleted"
    );
    assert_eq!(
        hex_rows(&case.src.archive(), "t", "1"),
        Vec::<String>::new()
    );
    assert_eq!(out.table_row(&case.src.name, "t").num("deleted"), 0);
}

#[test]
fn invalid_enum_values_are_archived_identically_one_by_one_too() {
    // A batch whose first row the archive already holds goes in row by row (prepared
    // statements), with its warnings checked the same way.
    let case = Case::new("adv_enum1");
    case.src.sql(&format!(
        "CREATE TABLE e (id INT PRIMARY KEY, a ENUM('x', 'y') NOT NULL, deleted_at DATETIME NULL);
         SET SESSION sql_mode = '';
         INSERT INTO e VALUES (1, 'x', {OLD}), (2, 'nope', {OLD}), (3, 'y', {OLD});"
    ));
    let before = hex_rows(&case.src.name, "e", "1");
    server().sql(&format!(
        "CREATE DATABASE `{}`; CREATE TABLE {a} LIKE {e}; INSERT INTO {a} SELECT * FROM {e} WHERE id = 1;",
        case.src.archive(),
        a = case.src.qa("e"),
        e = case.src.q("e")
    ));
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&case.src.name]).text())
        .run();
    out.assert_success();
    assert_eq!(hex_rows(&case.src.name, "e", "1"), Vec::<String>::new());
    assert_eq!(hex_rows(&case.src.archive(), "e", "1"), before);
    assert_eq!(
        server()
            .sql(&format!(
                "SELECT a + 0 FROM {} WHERE id = 2",
                case.src.qa("e")
            ))
            .trim(),
        "0"
    );
    let row = out.table_row(&case.src.name, "e");
    assert_eq!((row.num("read"), row.num("deleted")), (3, 3));
}

#[test]
fn an_archive_that_would_alter_a_value_fails_the_batch_one_by_one_too() {
    let case = Case::new("adv_alter1");
    case.src.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)
           DEFAULT CHARSET = utf8mb4;
         INSERT INTO t VALUES (1, 'plain', {OLD}), (2, '🦀', {OLD});"
    ));
    // Row 1 is already archived, so the batch goes in row by row; row 2 does not fit utf8mb3.
    server().sql(&format!(
        "CREATE DATABASE `{}`;
         CREATE TABLE {a} (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)
           DEFAULT CHARSET = utf8mb3;
         INSERT INTO {a} SELECT * FROM {t} WHERE id = 1;",
        case.src.archive(),
        a = case.src.qa("t"),
        t = case.src.q("t")
    ));
    let before = hex_rows(&case.src.name, "t", "1");
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&case.src.name]).text())
        .run();
    out.assert_code(1)
        .output_contains("the server altered values while inserting them")
        .output_contains("1366");
    assert_eq!(
        hex_rows(&case.src.name, "t", "1"),
        before,
        "nothing deleted"
    );
    assert_eq!(
        server()
            .sql(&format!("SELECT COUNT(*) FROM {}", case.src.qa("t")))
            .trim(),
        "1"
    );
}

#[test]
fn enum_and_set_labels_that_name_two_values_leave_their_table_out() {
    let case = Case::new("adv_labels");
    case.src.sql(&format!(
        "SET SESSION sql_mode = '';
         CREATE TABLE k (k ENUM('z', 'a', '', 'm'), s SET('c', 'b', 'a'), deleted_at DATETIME,
           PRIMARY KEY (k, s));
         INSERT INTO k VALUES ('', 'c', {OLD}), ('', '', {OLD}), ('bad', '', {OLD});
         CREATE TABLE st (id INT PRIMARY KEY, s SET('a', 'b', ''), deleted_at DATETIME);
         INSERT INTO st VALUES (1, 4, {OLD}), (2, 'a', {OLD});
         CREATE TABLE ci (id INT PRIMARY KEY,
           e ENUM('a', 'A', 'b') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,
           deleted_at DATETIME);
         INSERT INTO ci VALUES (1, 2, {OLD}), (2, 'b', {OLD});
         CREATE TABLE fine (id INT PRIMARY KEY, b ENUM('', 'z'), s SET('p', '', 'q'),
           e ENUM('x', 'y'), deleted_at DATETIME);
         INSERT INTO fine VALUES (1, '', 'p,q', 'nope', {OLD}), (2, 'z', '', 'y', {OLD});"
    ));
    // The fixture: index 0 and index 3 in `k`, the member '' in `st`, index 2 in `ci`.
    assert_eq!(
        case.src
            .sql("SELECT GROUP_CONCAT(CONCAT(k + 0, ':', s + 0) ORDER BY k + 0, s + 0) FROM k")
            .trim(),
        "0:0,3:0,3:1"
    );
    let digest = |table: &str| hex_rows(&case.src.name, table, "1");
    let kept: Vec<_> = ["k", "st", "ci"].iter().map(|t| digest(t)).collect();
    let fine = hex_rows(&case.src.name, "fine", ELIGIBLE);
    let dry = Osarchiver::new();
    let files = dry.dir().join("files");
    let dry = dry
        .config_text(case.ini(&files).text())
        .arg("--dry-run")
        .run();
    dry.assert_code(3);
    let out = case.run(|ini| ini);
    out.assert_code(3);
    let log = out.output();
    for (table, why) in [
        (
            "k",
            "column `k` is enum('z','a','','m') and holds the invalid value (index 0)",
        ),
        (
            "st",
            "column `s` is set('a','b','') and holds sets with its member ''",
        ),
        (
            "ci",
            "column `e` is enum('a','A','b'): some of its members are equal under utf8mb4_general_ci",
        ),
    ] {
        assert!(
            log.contains(&format!("table {}.{table} skipped: {why}", case.src.name)),
            "{table}: {log}"
        );
    }
    // Nothing of the three left the source; the fourth went whole, index 0 of `e` included.
    let after: Vec<_> = ["k", "st", "ci"].iter().map(|t| digest(t)).collect();
    assert_eq!(after, kept);
    assert_eq!(
        hex_rows(&case.src.name, "fine", ELIGIBLE),
        Vec::<String>::new()
    );
    assert_eq!(hex_rows(&case.src.archive(), "fine", "1"), fine);
}

/// A `VARBINARY` column's `DEFAULT 0xFF` makes the table's `SHOW CREATE TABLE` hold a byte that
/// is not UTF-8 (the sessions read results raw). The archive table cannot be derived from that
/// text: the dry run and the run say so and delete nothing (both panicked, exit 101); an
/// archive table made beforehand takes the rows, identical, and the table goes.
#[test]
fn a_binary_default_in_the_definition_is_said_and_an_archive_made_beforehand_takes_the_rows() {
    use crate::harness::digest::{count, digest};
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "bindef");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, b VARBINARY(4) DEFAULT 0xFF, deleted_at DATETIME NULL);
         INSERT INTO t (id, deleted_at) VALUES (1, {OLD}), (2, {OLD}), (3, NULL);
         INSERT INTO t VALUES (4, 0x00FE, {OLD});"
    ));
    let eligible = digest(s, &db.name, "t", ELIGIBLE);
    let ini = Ini::new(s, &[&db.name]);
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .assert_no_panic()
            .output_contains("holds bytes that are not UTF-8");
        assert_eq!(count(s, &db.name, "t", "1"), 4, "dry run: {dry}");
    }
    s.sql(&format!(
        "CREATE DATABASE IF NOT EXISTS `{0}`; CREATE TABLE `{0}`.t LIKE `{1}`.t",
        db.archive(),
        db.name
    ));
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.archive(), "t", "1"), eligible);
    assert_eq!(count(s, &db.name, "t", "1"), 1);
}

/// `ENUM` and `SET` columns of the binary character set. Members that are UTF-8 (`'a'`,
/// `'b'`) go like any (the check of their members named the collation `binary` bare, a
/// keyword: the statement failed, and every table of the database with it). Members that are
/// not (`0xFF`) the server writes `?` in its `SHOW CREATE TABLE`: no archive table is derived
/// from that text, in the dry run as in the run (the run failed, exit 1, where the dry run
/// foresaw exit 0); one made beforehand takes the rows, identical. (Helper 126.)
#[test]
fn binary_enum_and_set_columns_go_and_members_not_utf8_want_the_archive_made_beforehand() {
    use crate::harness::digest::{count, digest};
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "binenum");
    db.sql(&format!(
        "CREATE TABLE ascii (id INT PRIMARY KEY, e ENUM('a', 'b') CHARACTER SET binary,
           st SET('x', 'y') CHARACTER SET binary, deleted_at DATETIME NULL);
         INSERT INTO ascii VALUES (1, 'b', 'x,y', {OLD}), (2, 'a', '', NULL);
         CREATE TABLE other (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO other VALUES (1, {OLD});"
    ));
    let eligible = digest(s, &db.name, "ascii", ELIGIBLE);
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.archive(), "ascii", "1"), eligible);
    assert_eq!(count(s, &db.name, "other", "1"), 0);

    db.sql(&format!(
        "CREATE TABLE bytes (id INT PRIMARY KEY, e ENUM(0xFF) CHARACTER SET binary,
           st SET(0xFE) CHARACTER SET binary, deleted_at DATETIME NULL);
         INSERT INTO bytes VALUES (1, 1, 1, {OLD}), (2, 1, 0, {OLD}), (3, NULL, 1, NULL);"
    ));
    let eligible = digest(s, &db.name, "bytes", ELIGIBLE);
    let ini = ini.src("tables", "bytes");
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .assert_no_panic()
            .output_contains("have members the server shows with a `?`");
        assert_eq!(count(s, &db.name, "bytes", "1"), 3, "dry run: {dry}");
    }
    s.sql(&format!(
        "CREATE TABLE `{}`.bytes LIKE `{}`.bytes",
        db.archive(),
        db.name
    ));
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.archive(), "bytes", "1"), eligible);
    assert_eq!(count(s, &db.name, "bytes", "1"), 1);
}
