//! A server whose global `sql_mode` is as hostile as it gets (`ORACLE`, `ANSI_QUOTES`,
//! `NO_BACKSLASH_ESCAPES`, `PAD_CHAR_TO_FULL_LENGTH`, `EMPTY_STRING_IS_NULL`, `NO_ZERO_DATE`,
//! `STRICT_ALL_TABLES`): every session the archiver opens, and every file it writes, must still
//! read and write the rows as they are. On a dedicated server, since the mode is global.

use crate::harness::{dedicated_server, server, Osarchiver, ENV_VAR};

use super::everywhere::{hex_rows_on, Case, OLD};

#[test]
fn a_hostile_global_sql_mode_changes_nothing() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_hostile_global_sql_mode_changes_nothing: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let case = Case::on(&s, "adv_mode");
    case.src.sql(
        "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
         CREATE TABLE m (id INT AUTO_INCREMENT PRIMARY KEY, c CHAR(5), v VARCHAR(20) NOT NULL,
           t TEXT, d DATE, e ENUM('a', 'b'), deleted_at DATETIME NULL);
         INSERT INTO m VALUES
           (0, 'a', '', 'back\\\\slash \"dq\" ''sq''', '0000-00-00', 'a',
            UTC_TIMESTAMP() - INTERVAL 10 DAY),
           (1, '', '', '', '2020-01-00', NULL, UTC_TIMESTAMP() - INTERVAL 10 DAY),
           (2, 'keep', 'x', NULL, NULL, 'b', NULL);",
    );
    s.sql(
        "SET GLOBAL sql_mode = 'ORACLE,ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PAD_CHAR_TO_FULL_LENGTH,\
         EMPTY_STRING_IS_NULL,NO_ZERO_DATE,NO_ZERO_IN_DATE,STRICT_ALL_TABLES'",
    );
    // The fixture holds what the test is about, read under the hostile mode.
    assert_eq!(
        case.src
            .sql("SELECT COUNT(*) FROM m WHERE LENGTH(v) = 0")
            .trim(),
        "2"
    );
    case.restore_targets("m");
    let eligible = "deleted_at IS NOT NULL";
    let before = hex_rows_on(&s, &case.src.name, "m", eligible);
    let rest = hex_rows_on(&s, &case.src.name, "m", &format!("NOT ({eligible})"));
    assert!(before.iter().any(|r| r.starts_with("0|")), "{before:?}");
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "m", eligible, &before, &rest, &[]);
}

/// A server whose global settings would change what the archiver's statements do: a
/// `sql_select_limit` (every SELECT cut short: the lists of tables and of foreign keys, the
/// pages), no `autocommit`, `sql_auto_is_null`, no room for warnings, and reads of
/// system-versioned tables in the past, `completion_type = CHAIN` (a transaction begun at each
/// COMMIT), an `optimizer_switch` without `in_to_exists` (which the compare with archived
/// copies, turning semi-joins and materialization off, needs). The archiver's sessions set them back: every eligible
/// row moves, and every foreign key is seen (the parents of live children stay, the children
/// are untouched: exit 3). It used to miss a `CASCADE` key cut from the list and let the
/// server delete the live child rows, archived nowhere.
#[test]
fn hostile_global_session_settings_change_nothing() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED hostile_global_session_settings_change_nothing: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let case = Case::on(&s, "adv_vars");
    case.src.sql(&format!(
        "CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO m SELECT seq, CONCAT('v', seq), IF(seq <= 30, {OLD}, NULL) FROM seq_1_to_35;
         CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO p SELECT seq, {OLD} FROM seq_1_to_5;
         CREATE TABLE c1 (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES p (id));
         CREATE TABLE c2 (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES p (id) ON DELETE CASCADE);
         CREATE TABLE c3 (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES p (id) ON DELETE SET NULL);
         INSERT INTO c1 VALUES (1, 1); INSERT INTO c2 VALUES (1, 2); INSERT INTO c3 VALUES (1, 3);"
    ));
    for t in ["m", "p"] {
        case.restore_targets(t);
    }
    let eligible = "deleted_at IS NOT NULL";
    let before = hex_rows_on(&s, &case.src.name, "m", eligible);
    let rest = hex_rows_on(&s, &case.src.name, "m", &format!("NOT ({eligible})"));
    let hostile = "SET GLOBAL sql_select_limit = 2, GLOBAL autocommit = 0, \
                   GLOBAL sql_auto_is_null = 1, GLOBAL max_error_count = 0, \
                   GLOBAL system_versioning_asof = '2001-01-01 00:00:00', \
                   GLOBAL completion_type = 1, GLOBAL optimizer_switch = 'in_to_exists=off'";
    let sane = "SET GLOBAL sql_select_limit = DEFAULT, GLOBAL autocommit = 1, \
                GLOBAL sql_auto_is_null = 0, GLOBAL max_error_count = DEFAULT, \
                GLOBAL system_versioning_asof = DEFAULT, GLOBAL completion_type = 0, \
                GLOBAL optimizer_switch = 'in_to_exists=on'";
    s.sql(hostile);
    let cmd = Osarchiver::new();
    let ini = case.ini(&cmd.dir().join("files"));
    let dry = cmd.config_text(ini.text()).arg("--dry-run").run();
    let out = case.run(|ini| ini);
    s.sql(sane);
    dry.assert_code(3);
    out.assert_code(3);
    case.assert_moved(&out, "m", eligible, &before, &rest, &[]);
    let ids = |db: &str| {
        s.sql(&format!(
            "SELECT GROUP_CONCAT(id ORDER BY id) FROM `{db}`.p"
        ))
    };
    assert_eq!(ids(&case.src.name).trim(), "1,2,3", "{out}");
    assert_eq!(ids(&case.src.archive()).trim(), "4,5", "{out}");
    for (t, row) in [("c1", "1|1"), ("c2", "1|2"), ("c3", "1|3")] {
        assert_eq!(
            hex_rows_on(&s, &case.src.name, t, "1"),
            [row.to_string()],
            "{t}: a live child changed\n{out}"
        );
    }
}

/// A server that enforces another engine (`enforce_storage_engine = MyISAM`) refuses the
/// archive table's `CREATE TABLE` (1290): the dry run foresees it (it said exit 0), and the
/// run fails alike, nothing deleted.
#[test]
fn an_enforced_storage_engine_is_foreseen_by_the_dry_run() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED an_enforced_storage_engine_is_foreseen_by_the_dry_run: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let db = crate::harness::ScratchDb::create(&s, "adv_enforce");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL) ENGINE=InnoDB;
         INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_5;"
    ));
    s.sql("SET GLOBAL enforce_storage_engine = 'MyISAM'");
    let ini = crate::harness::Ini::new(&s, &[&db.name]);
    // The server's default sql_mode, then one without NO_ENGINE_SUBSTITUTION: the server then
    // makes an `ENGINE=InnoDB` table a MyISAM one with a warning (helper 125: the run archived
    // into it and exited 0).
    for mode in ["DEFAULT", "'STRICT_TRANS_TABLES'"] {
        s.sql(&format!("SET GLOBAL sql_mode = {mode}"));
        let dry = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        let out = Osarchiver::new().config_text(ini.text()).run();
        dry.assert_code(1)
            .output_contains("enforces the MyISAM engine (enforce_storage_engine)");
        out.assert_code(1);
        assert_eq!(
            crate::harness::digest::count(&s, &db.name, "t", "1"),
            5,
            "sql_mode {mode}"
        );
        assert_eq!(
            s.sql(&format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}'",
                db.archive()
            )),
            "0\n",
            "sql_mode {mode}: no archive table"
        );
    }
    s.sql("SET GLOBAL sql_mode = DEFAULT; SET GLOBAL enforce_storage_engine = NULL");
}

/// A read-only server (`read_only = ON`) refuses the deletes and inserts of a user without
/// `READ_ONLY ADMIN` (error 1290): the dry run says so and exits 1, as the real run does (it
/// said 0); a user that has it goes through in both, and so does any user when no row is
/// eligible (a real run then writes nothing).
#[test]
fn a_read_only_server_fails_the_dry_run_as_the_real_run() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_read_only_server_fails_the_dry_run_as_the_real_run: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let db = crate::harness::ScratchDb::create(&s, "ro");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD}), (2, NULL);"
    ));
    s.sql(&format!(
        "CREATE USER ro_user@'%'; GRANT ALL ON `{0}`.* TO ro_user@'%';
         GRANT ALL ON `{0}\\_archive`.* TO ro_user@'%'; GRANT PROCESS ON *.* TO ro_user@'%';
         CREATE USER ro_admin@'%'; GRANT ALL ON `{0}`.* TO ro_admin@'%';
         GRANT ALL ON `{0}\\_archive`.* TO ro_admin@'%';
         GRANT PROCESS, READ_ONLY ADMIN ON *.* TO ro_admin@'%';
         CREATE DATABASE `{0}_archive`; CREATE TABLE `{0}_archive`.t LIKE `{0}`.t;
         SET GLOBAL read_only = ON;",
        db.name
    ));
    let ini = |user: &str| crate::connection::ini_as(&s, &db, user);
    // With no eligible row, a real run writes nothing (the archive table exists): 0 in both.
    s.sql(&format!("UPDATE `{}`.t SET deleted_at = NULL", db.name));
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini("ro_user").text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run().assert_code(0);
    }
    s.sql(&format!(
        "UPDATE `{}`.t SET deleted_at = {OLD} WHERE id = 1",
        db.name
    ));
    let dry = Osarchiver::new()
        .config_text(ini("ro_user").text())
        .arg("--dry-run")
        .run();
    dry.assert_code(1).output_contains("read-only");
    Osarchiver::new()
        .config_text(ini("ro_user").text())
        .run()
        .assert_code(1);
    assert_eq!(crate::harness::digest::count(&s, &db.name, "t", "1"), 2);
    Osarchiver::new()
        .config_text(ini("ro_admin").text())
        .arg("--dry-run")
        .run()
        .assert_success();
    Osarchiver::new()
        .config_text(ini("ro_admin").text())
        .run()
        .assert_success();
    assert_eq!(crate::harness::digest::count(&s, &db.name, "t", "1"), 1);
}

/// A server that logs statements (`binlog_format = STATEMENT`): InnoDB refuses every write of a
/// `READ COMMITTED` transaction there (error 1665), which the locked way's chunks are. The
/// locked way is not taken, and the rows go another way: every eligible row moves, exit 0. It
/// used to fail the table at its first chunk (exit 1, nothing archived).
#[test]
fn statement_based_binary_logging_moves_every_row() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED statement_based_binary_logging_moves_every_row: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = crate::harness::dedicated_server_with(crate::harness::Launch {
        args: vec![
            "--log-bin=osa-bin".into(),
            "--binlog-format=STATEMENT".into(),
            "--server-id=1".into(),
        ],
        ..Default::default()
    });
    assert_eq!(
        s.sql("SELECT @@log_bin, @@binlog_format")
            .split_whitespace()
            .last(),
        Some("STATEMENT")
    );
    let case = Case::on(&s, "adv_sbr");
    case.src.sql(&format!(
        "CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO m SELECT seq, CONCAT('v', seq), IF(seq % 3 = 0, NULL, {OLD}) FROM seq_1_to_3000;"
    ));
    case.restore_targets("m");
    let eligible = "deleted_at IS NOT NULL";
    let before = hex_rows_on(&s, &case.src.name, "m", eligible);
    let rest = hex_rows_on(&s, &case.src.name, "m", &format!("NOT ({eligible})"));
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "m", eligible, &before, &rest, &[]);
}

/// A server whose time zone is not UTC: the sessions read `NOW()` in UTC (what OpenStack writes
/// `deleted_at` in), where the Python tool read it in the server's zone, and the run says so
/// in a warning; a `where` on `'{now}'` gets none.
#[test]
fn a_where_on_the_servers_clock_is_read_in_utc_and_said() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_where_on_the_servers_clock_is_read_in_utc_and_said: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    s.sql("SET GLOBAL time_zone = '-05:00'");
    for (condition, warned) in [
        ("deleted_at < NOW() - INTERVAL 1 HOUR", true),
        ("deleted_at < '{now}' - INTERVAL 1 HOUR", false),
    ] {
        let case = Case::on(&s, "adv_zone");
        // Two and seven hours old in UTC: under the server's zone (five hours behind) only
        // the older is an hour old.
        case.src.sql(
            "CREATE TABLE z (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO z VALUES (1, UTC_TIMESTAMP() - INTERVAL 2 HOUR),
               (2, UTC_TIMESTAMP() - INTERVAL 7 HOUR), (3, NULL);",
        );
        let out = case.run(|ini| ini.src("where", condition));
        out.assert_success();
        assert_eq!(
            case.src.sql("SELECT GROUP_CONCAT(id) FROM z").trim(),
            "3",
            "{out}"
        );
        let said = out.to_string().contains("the where calls NOW");
        assert_eq!(said, warned, "{condition}: {out}");
        if warned {
            out.output_contains("-300 minutes from UTC");
        }
    }
}
