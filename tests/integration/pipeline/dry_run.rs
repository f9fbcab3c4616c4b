//! `--dry-run` changes nothing anywhere: no DDL, no DML, not even rolled back. It reads, and
//! says what a real run would do.

use crate::harness::digest::{checksum_table, count, digest};
use crate::harness::{dedicated_server, server, Ini, Osarchiver, ScratchDb, Server};

use super::{lines, OLD, RECENT};

/// Server counters that any DDL, DML or transaction would move.
const COUNTERS: &str = "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
    WHERE VARIABLE_NAME IN ('COM_INSERT', 'COM_INSERT_SELECT', 'COM_REPLACE', 'COM_UPDATE',
      'COM_UPDATE_MULTI', 'COM_DELETE', 'COM_DELETE_MULTI', 'COM_TRUNCATE', 'COM_CREATE_DB',
      'COM_CREATE_TABLE', 'COM_ALTER_TABLE', 'COM_DROP_TABLE', 'COM_DROP_DB', 'COM_BEGIN',
      'COM_COMMIT', 'COM_ROLLBACK', 'HANDLER_WRITE', 'HANDLER_UPDATE', 'HANDLER_DELETE')
    ORDER BY VARIABLE_NAME";

/// Everything a run could change: each table's CHECKSUM TABLE, row count and digest, and which
/// of the tables' databases and their archive databases exist.
fn state(s: &Server, tables: &[(&str, &str)]) -> Vec<String> {
    let mut out: Vec<String> = tables
        .iter()
        .map(|(db, t)| {
            format!(
                "{db}.{t}: {} {} {:?}",
                checksum_table(s, db, t),
                count(s, db, t, "1"),
                digest(s, db, t, "1")
            )
        })
        .collect();
    let names: Vec<String> = tables
        .iter()
        .flat_map(|(db, _)| [format!("'{db}'"), format!("'{db}_archive'")])
        .collect();
    out.extend(lines(&s.sql(&format!(
        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ({}) \
         ORDER BY SCHEMA_NAME",
        names.join(", ")
    ))));
    out
}

#[test]
fn a_dry_run_changes_nothing_and_says_what_it_would_do() {
    // A server of its own when possible: then no other test moves its counters.
    let own = server().is_private().then(dedicated_server);
    let s = own.as_ref().unwrap_or_else(|| server());
    let db = ScratchDb::create(s, "dry");
    let other = ScratchDb::create(s, "dry2");
    db.sql(&format!(
        "CREATE TABLE parent (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, deleted_at DATETIME NULL,
           FOREIGN KEY (parent_id) REFERENCES parent (id));
         INSERT INTO parent VALUES (1, {OLD}), (2, {OLD}), (3, NULL);
         INSERT INTO child VALUES (1, 1, {OLD}), (2, 2, NULL), (3, 3, {RECENT});
         CREATE TABLE node (id INT PRIMARY KEY, up INT NULL, deleted_at DATETIME NULL,
           FOREIGN KEY (up) REFERENCES node (id));
         INSERT INTO node VALUES (1, NULL, {OLD}), (2, 1, {OLD}), (3, 2, NULL);"
    ));
    // A database whose archive table exists already, with one of the rows.
    other.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD}), (4, 'd', NULL);
         CREATE DATABASE `{archive}`;
         CREATE TABLE `{archive}`.t LIKE t;
         INSERT INTO `{archive}`.t SELECT * FROM t WHERE id = 1;",
        archive = other.archive()
    ));
    let tables = [
        (db.name.as_str(), "parent"),
        (db.name.as_str(), "child"),
        (db.name.as_str(), "node"),
        (other.name.as_str(), "t"),
        (&other.archive(), "t"),
    ];
    let before = state(s, &tables);
    let counters = own.as_ref().map(|s| s.sql(COUNTERS));
    assert!(
        counters.as_ref().is_none_or(|c| c.lines().count() == 19),
        "{counters:?}"
    );

    let out = Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name, &other.name])
                .src("foreign_key_check", "false")
                .src("select_limit", 1)
                .text(),
        )
        .arg("--dry-run")
        .run();
    // With foreign key checks, the plan's statements run too (counts over the children, a
    // recursive CTE over the table that references itself, conflicts, a sample).
    let planned = Osarchiver::new()
        .config_text(Ini::new(s, &[&db.name, &other.name]).text())
        .arg("--dry-run")
        .run();
    let counters_after = own.as_ref().map(|s| s.sql(COUNTERS));
    out.assert_success();
    planned.assert_code(3);
    let node = &planned.report.as_ref().unwrap()["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "node")
        .unwrap()["plan"];
    assert_eq!(
        (node["eligible"].as_u64(), node["blocked"].as_u64()),
        (Some(2), Some(2)),
        "{node}"
    );

    assert_eq!(
        counters_after, counters,
        "the dry run moved server counters"
    );
    assert_eq!(state(s, &tables), before);
    assert!(!db.exists(&db.archive()));

    out.output_contains(&format!(
        "[dry-run] `{}`.`parent`: 2 eligible rows",
        db.name
    ))
    .output_contains(&format!("[dry-run] `{}`.`child`: 1 eligible rows", db.name))
    .output_contains(&format!("[dry-run] `{}`.`t`: 3 eligible rows", other.name))
    .output_contains(&format!("would create `{}`.`parent`", db.archive()))
    .output_lacks(&format!("would create `{}`", other.archive()))
    // The statements in full are at debug level only.
    .output_lacks("would run: CREATE")
    .output_lacks("then delete with: DELETE")
    .output_lacks("would read pages with: SELECT");
    for (d, t, n) in [
        (&db.name, "parent", 2),
        (&db.name, "child", 1),
        (&other.name, "t", 3),
    ] {
        let row = out.table_row(d, t);
        assert_eq!(row.num("eligible"), n, "{t}");
        assert_eq!(row.get("would archive"), format!("dst={n}"), "{t}");
        assert_eq!(row.num("would delete"), n, "{t}");
    }
    // With --debug, the statements are there, and still nothing changes.
    Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("foreign_key_check", "false")
                .text(),
        )
        .args(["--dry-run", "--debug"])
        .run()
        .assert_success()
        .output_contains(&format!(
            "then delete with: DELETE IGNORE `{}`.`parent`",
            db.name
        ))
        .output_contains("would run: CREATE TABLE");
    assert_eq!(state(s, &tables), before);
}

/// A file destination whose directory a real run could not create (under a regular file) is
/// found by the dry run: exit 1, as the real run's, which deletes nothing; with no eligible
/// row, exit 0 in both, the dry run warning.
#[test]
fn a_directory_that_cannot_be_written_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let db = ScratchDb::create(s, "dryfile");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD});"
    ));
    let cmd = Osarchiver::new();
    let blocker = cmd.dir().join("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", blocker.join("out").display());
    let dry = cmd.config_text(ini.text()).arg("--dry-run").run();
    dry.assert_code(1)
        .output_contains("a real run could not write into");
    let real = Osarchiver::new().config_text(ini.text()).run();
    real.assert_code(1);
    assert_eq!(count(s, &db.name, "t", "1"), 1, "nothing deleted");

    // With no eligible row, a real run writes no file and never looks at the directory:
    // exit 0, which the dry run predicts, with a warning (it said 1).
    db.sql("UPDATE t SET deleted_at = NULL");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(0)
        .output_contains("a real run could not write into")
        .output_contains("has no eligible rows");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_code(0);
}

/// A table whose file name outgrows the 255 bytes file systems take (each `.` of its name is
/// written `%2E`): the real run cannot create its files (exit 1, naming them); the dry run
/// says so too (it said 0).
#[test]
fn a_file_name_too_long_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let mut scratch = ScratchDb::create(s, "dry_long");
    // Within the server's own limits (64 characters, and 255 bytes as it encodes a `.`).
    let db = format!(
        "{}{}",
        ".".repeat(64 - scratch.name.len().max(24)),
        scratch.name
    );
    scratch.also_drop(db.clone());
    let table = format!("{}x", ".".repeat(45));
    s.sql(&format!(
        "CREATE DATABASE `{db}`;
         CREATE TABLE `{db}`.`{table}` (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `{db}`.`{table}` VALUES (1, {OLD}), (2, {OLD});"
    ));
    let cmd = Osarchiver::new();
    let ini = Ini::new(s, &[&db])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", cmd.dir().join("out").display())
        .set("dst:files", "formats", "csv, sql");
    cmd.config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_code(1)
        .output_contains("longer than 255 bytes");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_code(1)
        .output_contains("cannot create the files of");
    assert_eq!(count(s, &db, &table, "1"), 2, "nothing deleted");
}

/// When the pauses of `delete_loop_delay` alone outlast the time budget, the dry run predicts
/// the real run's exit code 4; with a budget they fit in, 0.
#[test]
fn a_dry_run_predicts_a_run_out_of_time() {
    let s = server();
    let db = ScratchDb::create(s, "dry_budget");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME);
         INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_30;"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("delete_limit", 2)
        .src("delete_loop_delay", 0.5);
    let dry = |budget: &str| {
        Osarchiver::new()
            .config_text(ini.text())
            .args(["--dry-run", "--max-runtime", budget])
            .run()
    };
    // 15 chunks, 14 pauses: 7 s.
    let out = dry("3");
    out.assert_code(4)
        .output_contains("the pauses of delete_loop_delay alone would take 7.0s, more than the 3s");
    dry("60").assert_success();
    // With --jobs 2 too: one table is never split across jobs (the dry run said 0).
    Osarchiver::new()
        .config_text(ini.text())
        .args(["--dry-run", "--max-runtime", "3", "--jobs", "2"])
        .run()
        .assert_code(4)
        .output_contains("would take at least 7.0s over 2 jobs, more than the 3s budget");
    assert_eq!(count(s, &db.name, "t", "1"), 30);
    let real = Osarchiver::new()
        .config_text(ini.text())
        .args(["--max-runtime", "3"])
        .run();
    real.assert_code(4);
}

/// A `lock_dir` the real run could not create its lock file in (a file, or under one, or in a
/// kernel pseudo file system, where root passes `access(2)`: the dry run said 0) fails the dry
/// run too, naming the key; nothing is created.
#[test]
fn a_lock_dir_that_cannot_be_used_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let db = ScratchDb::create(s, "dry_lockdir");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME); INSERT INTO t VALUES (1, {OLD});"
    ));
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let proc = std::path::PathBuf::from("/proc/osarchiver-no-such-lock-dir");
    for dir in [file.clone(), file.join("below"), proc] {
        let ini = Ini::new(s, &[&db.name]).src("lock_dir", dir.display());
        for dry in [true, false] {
            let mut cmd = Osarchiver::new().config_text(ini.text());
            if dry {
                cmd = cmd.arg("--dry-run");
            }
            let out = cmd.run();
            out.assert_code(1).output_contains("lock_dir");
            assert_eq!(count(s, &db.name, "t", "1"), 1, "{dir:?} dry={dry}");
        }
    }
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 1);
}

/// An archive database name longer than the server allows fails the dry run as the real run,
/// saying which setting to shorten.
#[test]
fn an_archive_name_too_long_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let db = ScratchDb::create(s, "dry_long");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME); INSERT INTO t VALUES (1, {OLD});"
    ));
    let ini = Ini::new(s, &[&db.name]).dst("db_suffix", format!("_{}", "x".repeat(64)));
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .output_contains("more than the 64 the server allows; shorten db_suffix");
        assert_eq!(count(s, &db.name, "t", "1"), 1);
    }
}

/// A `where` that reads the table itself in a subquery: the server refuses the `DELETE` (1093)
/// that names the rows by key. The table fails in the dry run as in the real run, before
/// anything of it is archived; the other tables go.
#[test]
fn a_delete_the_server_refuses_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let db = ScratchDb::create(s, "refused");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, status VARCHAR(5), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'ok', {OLD}), (2, 'no', {OLD});"
    ));
    let ini = Ini::new(s, &[&db.name]).src(
        "where",
        format!(
            "deleted_at IS NOT NULL AND id IN (SELECT id FROM {} WHERE status = 'ok')",
            db.q("t")
        ),
    );
    for dry in [true, false] {
        let mut command = Osarchiver::new().config_text(ini.text());
        if dry {
            command = command.arg("--dry-run");
        }
        let out = command.run();
        out.assert_code(1)
            .assert_no_panic()
            .output_contains("the server refuses this table's DELETE")
            .output_contains("1093");
    }
    assert_eq!(count(s, &db.name, "t", "1"), 2);
    assert!(
        !db.exists(&db.archive()) || count(s, &db.archive(), "t", "1") == 0,
        "nothing of the table is archived"
    );
    // With no eligible row there is nothing to delete: not a failure.
    db.sql("UPDATE t SET deleted_at = NULL");
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
}

/// A `where` the server refuses on a table (an operator it lacks, which the checks of the
/// configuration do not look for; a column the table lacks) fails the table in the dry run as in the real run,
/// naming the key to fix, and nothing of the table goes.
#[test]
fn a_where_the_server_refuses_names_its_key() {
    let s = server();
    let db = ScratchDb::create(s, "badwhere");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD});"
    ));
    // A LIMIT, an ORDER BY or a FOR UPDATE is refused when the configuration is read (exit
    // 2), before any server.
    for (clause, said) in [
        ("LIMIT 5", "holds LIMIT"),
        ("ORDER BY id", "holds ORDER"),
        ("FOR UPDATE", "holds FOR"),
    ] {
        let limit =
            Ini::new(s, &[&db.name]).src("where", format!("deleted_at IS NOT NULL {clause}"));
        for dry in [true, false] {
            let mut command = Osarchiver::new().config_text(limit.text());
            if dry {
                command = command.arg("--dry-run");
            }
            command
                .run()
                .assert_code(2)
                .output_contains("[src:src]")
                .output_contains(said);
        }
    }
    for bad in ["deleted_at IS NOT NULL <=> <=> 1", "no_such_column = 1"] {
        let ini = Ini::new(s, &[&db.name]).src("where", bad);
        for dry in [true, false] {
            let mut command = Osarchiver::new().config_text(ini.text());
            if dry {
                command = command.arg("--dry-run");
            }
            command
                .run()
                .assert_code(1)
                .output_contains("[src:src] where: the server refuses it on this table");
        }
        assert_eq!(count(s, &db.name, "t", "1"), 1, "{bad}");
    }
}

/// A `where` that selects rows not soft-deleted (`1=1`): the dry run warns, naming how many
/// (it said nothing, and the real run archived and deleted the live rows with exit 0).
#[test]
fn a_where_that_selects_live_rows_is_warned_about() {
    let s = server();
    let db = ScratchDb::create(s, "drylive");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {old}), (2, NULL), (3, NULL);",
        old = OLD
    ));
    let ini = Ini::new(s, &[&db.name]).src("where", "1=1");
    Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success()
        .output_contains("2 of the 3 eligible rows have `deleted_at` NULL");
    let fine = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(fine.text())
        .arg("--dry-run")
        .run()
        .assert_success()
        .output_lacks("NULL, rows not soft-deleted");
}

/// A table of a thousand columns with file destinations: the dry run's measure of the rows'
/// length adds one term per column, and as one flat sum it overran the server's thread stack
/// (1436): the dry run said 1 where the real run archives the table (0).
#[test]
fn a_table_of_a_thousand_columns_is_foreseen_as_it_goes() {
    let s = server();
    let db = ScratchDb::create(s, "wide");
    let columns: Vec<String> = (0..1000).map(|i| format!("c{i} TINYINT")).collect();
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL, {});
         INSERT INTO t (id, deleted_at, c7) VALUES (1, {OLD}, 7), (2, {OLD}, NULL), (3, NULL, 1);",
        columns.join(", ")
    ));
    let cmd = Osarchiver::new();
    let ini = Ini::new(s, &[&db.name]).files("dst, files", &cmd.dir().join("out"), "csv, sql");
    let dry = cmd.config_text(ini.text()).arg("--dry-run").run();
    dry.assert_code(0).assert_no_panic();
    assert_eq!(
        count(s, &db.name, "t", "1"),
        3,
        "the dry run changes nothing"
    );
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_code(0);
    assert_eq!(count(s, &db.name, "t", "1"), 1);
    assert_eq!(count(s, &db.archive(), "t", "c7 = 7"), 1);
}
