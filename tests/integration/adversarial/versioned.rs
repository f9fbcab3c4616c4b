//! System-versioned tables (implicit and explicit period columns, partitioned by
//! `SYSTEM_TIME`), application-time periods with `WITHOUT OVERLAPS`, and the tables that are
//! not archived (views, sequences): each one is archived like a base table or skipped with its
//! reason in the log.

use crate::harness::{server, Ini};

use super::everywhere::{hex_rows, Case, OLD};

const ELIGIBLE: &str = "deleted_at IS NOT NULL";

#[test]
fn system_versioned_tables_are_archived_current_rows_and_keep_their_history() {
    let case = Case::new("adv_sv");
    case.src.sql(&format!(
        "CREATE TABLE implicit (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL)
           WITH SYSTEM VERSIONING;
         CREATE TABLE explicit (id INT NOT NULL, v VARCHAR(20), u INT NOT NULL,
           deleted_at DATETIME NULL,
           rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE,
           re TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,
           PERIOD FOR SYSTEM_TIME (rs, re), PRIMARY KEY (id), UNIQUE KEY uu (u))
           WITH SYSTEM VERSIONING;
         CREATE TABLE parted (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL,
           c INT WITHOUT SYSTEM VERSIONING)
           WITH SYSTEM VERSIONING
           PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH (PARTITION p0 HISTORY, PARTITION pn CURRENT);
         INSERT INTO implicit VALUES (1, 'a', NULL), (2, 'b', NULL), (3, 'c', NULL);
         INSERT INTO explicit (id, v, u, deleted_at) VALUES (1, 'a', 10, NULL), (2, 'b', 20, NULL),
           (3, 'c', 30, NULL);
         INSERT INTO parted VALUES (1, 'a', NULL, 1), (2, 'b', NULL, 2), (3, 'c', NULL, 3);
         UPDATE implicit SET v = CONCAT(v, '2'), deleted_at = {OLD} WHERE id <= 2;
         UPDATE explicit SET v = CONCAT(v, '2'), deleted_at = {OLD} WHERE id <= 2;
         UPDATE parted SET v = CONCAT(v, '2'), deleted_at = {OLD} WHERE id <= 2;"
    ));
    let tables = ["explicit", "implicit", "parted"];
    let mut expected = Vec::new();
    for t in tables {
        case.restore_targets(t);
        expected.push((
            hex_rows(&case.src.name, t, ELIGIBLE),
            hex_rows(&case.src.name, t, &format!("NOT ({ELIGIBLE})")),
        ));
    }
    let history = |t: &str| {
        server()
            .sql(&format!(
                "SELECT COUNT(*) FROM {} FOR SYSTEM_TIME ALL",
                case.src.q(t)
            ))
            .trim()
            .parse::<u64>()
            .unwrap()
    };
    assert_eq!(history("implicit"), 5, "3 rows, 2 of them updated once");

    let out = case.run(|ini| ini);
    out.assert_success();
    for (t, (before, rest)) in tables.iter().zip(&expected) {
        case.assert_moved(&out, t, ELIGIBLE, before, rest, &[]);
        assert_eq!(out.table_row(&case.src.name, t).num("deleted"), 2);
        // The history keeps every version, the deleted ones included.
        assert_eq!(history(t), 5, "{t}");
        // The archive table holds plain rows: no versioning, no period columns.
        let archive = server().sql(&format!(
            "SELECT TABLE_TYPE, (SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION)
               FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{t}')
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{t}'",
            db = case.src.archive()
        ));
        let want_columns = match *t {
            "explicit" => "id,v,u,deleted_at",
            "parted" => "id,v,deleted_at,c",
            _ => "id,v,deleted_at",
        };
        assert_eq!(archive.trim(), format!("BASE TABLE\t{want_columns}"));
        // The files name the current rows' columns only.
        let sql = case.sql_file(&out, t);
        assert!(
            sql.contains(&format!("INSERT INTO {} (", case.src.q(t))) && !sql.contains("`rs`"),
            "{sql}"
        );
    }

    // A second run finds the archive tables as they should be (no drift) and nothing to do.
    let again = case.run(|ini| ini);
    again.assert_success();
    for t in tables {
        assert_eq!(again.table_row(&case.src.name, t).num("read"), 0);
    }
}

#[test]
fn application_time_periods_are_archived_and_an_overlap_is_a_conflict() {
    let case = Case::new("adv_ap");
    case.src.sql(&format!(
        "CREATE TABLE ap (id INT NOT NULL, s DATE NOT NULL, e DATE NOT NULL, v VARCHAR(10),
           deleted_at DATETIME NULL, PERIOD FOR p (s, e), PRIMARY KEY (id, p WITHOUT OVERLAPS));
         INSERT INTO ap VALUES (1, '2020-01-01', '2020-06-01', 'a', {OLD}),
           (1, '2020-06-01', '2021-01-01', 'b', NULL), (2, '2020-01-01', '2030-01-01', 'c', {OLD});"
    ));
    case.restore_targets("ap");
    let before = hex_rows(&case.src.name, "ap", ELIGIBLE);
    let rest = hex_rows(&case.src.name, "ap", &format!("NOT ({ELIGIBLE})"));
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "ap", ELIGIBLE, &before, &rest, &[]);
    // MariaDB refuses ON DUPLICATE KEY UPDATE on such a table (1235): plain INSERTs, and the
    // header says what loading the file twice does.
    let sql = case.sql_file(&out, "ap");
    assert!(!sql.contains("\nON DUPLICATE KEY UPDATE `"), "{sql}");
    assert!(
        sql.contains("the table has a key WITHOUT OVERLAPS"),
        "{sql}"
    );
    let again = case
        .load_sql(&out, "ap")
        .expect_err("a second load stops at a duplicate");
    assert!(again.contains("Duplicate entry"), "{again}");
    let ddl = server().sql(&format!("SHOW CREATE TABLE {}", case.src.qa("ap")));
    assert!(
        ddl.contains("WITHOUT OVERLAPS") && ddl.contains("PERIOD FOR `p`"),
        "{ddl}"
    );

    // A new row whose period overlaps an archived one of the same id: the archive refuses it
    // (WITHOUT OVERLAPS), so it is a conflict, kept in the source and reported. The dry run
    // foresees it (it said exit 0: its conflict check compared the keys for equality), and the
    // message names the overlap, not "a different row with this key" (whose advice, a DELETE
    // by the row's key, removed nothing).
    case.src.sql(&format!(
        "INSERT INTO ap VALUES (2, '2025-01-01', '2026-01-01', 'd', {OLD})"
    ));
    let dry = case.dry_run();
    dry.assert_code(3);
    assert_eq!(
        dry.table_row(&case.src.name, "ap").num("would conflict"),
        1,
        "{dry}"
    );
    let out = case.run(|ini| ini);
    out.assert_code(3);
    assert_eq!(out.table_row(&case.src.name, "ap").num("conflicts"), 1);
    out.output_contains("holds a different row whose period overlaps this one's")
        .output_contains("`s` < '2026-01-01' AND `e` > '2025-01-01'")
        .output_contains("ADD PRIMARY KEY (`id`, `s`, `e`)");
    assert_eq!(
        server()
            .sql(&format!("SELECT v FROM {} WHERE id = 2", case.src.q("ap")))
            .trim(),
        "d"
    );
    // As the message says: with the archive's key made plain, the next run archives the row,
    // and its dry run foresees that.
    server().sql(&format!(
        "ALTER TABLE {} DROP PRIMARY KEY, ADD PRIMARY KEY (id, s, e)",
        case.src.qa("ap")
    ));
    let dry = case.dry_run();
    dry.assert_success();
    assert_eq!(
        dry.table_row(&case.src.name, "ap").num("would conflict"),
        0,
        "{dry}"
    );
    case.run(|ini| ini).assert_success();
    assert_eq!(
        server()
            .sql(&format!(
                "SELECT COUNT(*) FROM {} WHERE id = 2",
                case.src.qa("ap")
            ))
            .trim(),
        "2"
    );
}

#[test]
fn views_sequences_and_other_tables_left_out_are_logged_with_their_reason() {
    let case = Case::new("adv_skip");
    case.src.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE no_deleted (id INT PRIMARY KEY);
         CREATE VIEW v AS SELECT id, deleted_at FROM t;
         CREATE TABLE gone (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE VIEW broken AS SELECT id, deleted_at FROM gone;
         DROP TABLE gone;
         CREATE SEQUENCE sq;
         INSERT INTO t VALUES (1, {OLD}), (2, NULL);"
    ));
    let db = &case.src.name;
    let out = case.run(|ini| ini);
    out.assert_success();
    for (table, reason) in [
        ("v", "is a view, not a base table"),
        ("broken", "is a view, not a base table"),
        ("sq", "is a sequence, not a base table"),
        ("no_deleted", "has no deleted_at column"),
    ] {
        let lines = out.lines_containing(&format!("table {db}.{table} skipped: {reason}"));
        assert_eq!(lines.len(), 1, "{table}\n{out}");
        assert!(lines[0].contains("INFO"), "{}", lines[0]);
    }
    assert_eq!(out.table_row(db, "t").num("deleted"), 1);

    // Listed by name, a table that cannot be archived is a warning and rows left (exit 3).
    let ini = |ini: Ini| ini.src("tables", "t, v, sq, missing, no_deleted");
    let out = case.run(ini);
    out.assert_code(3);
    for (table, reason) in [
        ("v", "listed in tables but is a view, not a base table"),
        ("sq", "listed in tables but is a sequence, not a base table"),
        (
            "missing",
            "listed in tables but does not exist in this database",
        ),
        (
            "no_deleted",
            "listed in tables but has no deleted_at column",
        ),
    ] {
        let lines = out.lines_containing(&format!("table {db}.{table} skipped: {reason}"));
        assert_eq!(lines.len(), 1, "{table}\n{out}");
        assert!(lines[0].contains("WARN"), "{}", lines[0]);
    }
}
