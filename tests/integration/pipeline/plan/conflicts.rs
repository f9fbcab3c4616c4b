//! The plan's conflicts: keys that hold another row in an archive table, on the source's server
//! (one count over the eligible rows) and on another (the eligible rows looked up there).

use crate::harness::{dedicated_server, server, Ini, ScratchDb};
use crate::pipeline::OLD;

use super::{dry_then_real, plans};

/// Keys that hold another row in the archive are predicted as conflicts (kept), and the
/// parent of a conflicting row is predicted blocked; an identical archived row is no conflict.
#[test]
fn the_plan_predicts_conflicts_with_the_archive() {
    let s = server();
    let db = ScratchDb::create(s, "plan_conf");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, v VARCHAR(10), deleted_at DATETIME NULL,
           CONSTRAINT fk_conf FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p SELECT seq, 'x', {OLD} FROM seq_1_to_5;
         INSERT INTO c VALUES (1, 1, 'a', {OLD}), (2, 2, 'b', {OLD}), (3, 3, 'c', {OLD});
         CREATE DATABASE {arch};
         CREATE TABLE {arch}.p LIKE p; CREATE TABLE {arch}.c LIKE c;
         INSERT INTO {arch}.p SELECT id, 'X', deleted_at FROM p WHERE id = 4;
         INSERT INTO {arch}.p SELECT * FROM p WHERE id = 5;
         INSERT INTO {arch}.c SELECT id, p_id, 'other', deleted_at FROM c WHERE id = 2;",
        arch = format!("`{}`", db.archive())
    ));
    let (dry, _) = dry_then_real(&Ini::new(s, &[&db.name]));
    dry.assert_code(3);
    let plans = plans(&dry);
    let p = &plans[&format!("{}.p", db.name)];
    // p 4: 'X' against 'x' is another row (byte for byte); p 2 kept by its conflicting child.
    assert_eq!(
        (p["conflicts"].as_u64(), p["blocked"].as_u64()),
        (Some(1), Some(1)),
        "{p}"
    );
    assert_eq!(plans[&format!("{}.c", db.name)]["conflicts"], 1);
    dry.output_contains("rows kept: their key, or another unique key of the archive table, holds a different row in the archive");
}

/// An archive table with the source's other unique keys (as the Python osarchiver makes them,
/// from the source's `SHOW CREATE TABLE`): a row whose `uuid` an archived row of another key
/// holds is refused by it, and the plan predicts that conflict and the exit code. It said
/// exit 0, and the real run exited 3.
#[test]
fn the_plan_predicts_conflicts_on_the_archive_tables_other_unique_keys() {
    let s = server();
    let db = ScratchDb::create(s, "plan_uniq");
    db.sql(&format!(
        "CREATE TABLE i (id INT PRIMARY KEY, uuid VARCHAR(36) NOT NULL, code VARCHAR(8) NULL,
           v VARCHAR(10), deleted_at DATETIME NULL,
           UNIQUE KEY uniq_i0uuid (uuid), UNIQUE KEY uniq_code (code));
         INSERT INTO i VALUES (600, 'u1', NULL, 'dup', {OLD}), (2, 'u2', NULL, 'new', {OLD}),
                              (3, 'u3', 'c1', 'new', {OLD});
         CREATE DATABASE {arch};
         CREATE TABLE {arch}.i LIKE i;
         INSERT INTO {arch}.i VALUES (1, 'u1', NULL, 'archived', {OLD}), (4, 'u4', NULL, 'x', {OLD});",
        arch = format!("`{}`", db.archive())
    ));
    let (dry, real) = dry_then_real(&Ini::new(s, &[&db.name]));
    dry.assert_code(3);
    let p = &plans(&dry)[&format!("{}.i", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(1), Some(2)),
        "{p}"
    );
    real.output_contains("uniq_i0uuid");
}

/// The same on another server, where the plan reads the eligible rows and looks them up in the
/// archive: it looked up their keys only, and said exit 0 where the real run exited 3 (the
/// Python osarchiver's archive tables keep the source's unique keys). Rows with a NULL there
/// clash with none; an archived copy of an eligible row is no conflict.
#[test]
fn the_plan_predicts_conflicts_on_other_unique_keys_of_an_archive_on_another_server() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_remote_uniq");
    let table =
        "CREATE TABLE i (id INT PRIMARY KEY, uuid VARCHAR(36) NOT NULL, code VARCHAR(8) NULL,
           v VARCHAR(10), deleted_at DATETIME NULL,
           UNIQUE KEY uniq_i0uuid (uuid), UNIQUE KEY uniq_code (code))";
    db.sql(&format!(
        "{table};
         INSERT INTO i VALUES (600, 'u1', NULL, 'dup', {OLD}), (2, 'u2', NULL, 'new', {OLD}),
                              (3, 'u3', 'c1', 'new', {OLD}), (7, 'u7', 'c7', 'same', {OLD});"
    ));
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {table};
         INSERT INTO i VALUES (1, 'u1', NULL, 'archived', {OLD}), (4, 'u4', NULL, 'x', {OLD}),
                              (5, 'u5', 'c1', 'x', {OLD});",
        a = db.name
    ));
    // Row 7 archived already, identical (its deleted_at copied from the source).
    let when = db.sql("SELECT deleted_at FROM i WHERE id = 7");
    archive_server.sql(&format!(
        "INSERT INTO `{}`.i VALUES (7, 'u7', 'c7', 'same', '{}')",
        db.name,
        when.trim()
    ));
    let ini = Ini::new(s, &[&db.name])
        .dst_server(&archive_server)
        .src("select_limit", 2);
    let (dry, real) = dry_then_real(&ini);
    dry.assert_code(3);
    real.assert_code(3);
    let p = &plans(&dry)[&format!("{}.i", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(2), Some(2)),
        "{p}"
    );
    assert_eq!(
        db.sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM i").trim(),
        "3,600"
    );
}

/// Unique keys under a `_ci` collation, where the archive holds `'A'` for an eligible `'a'`:
/// each eligible row refused is counted once, however many archived rows or keys refuse it,
/// and every eligible row one archived row refuses is counted (`'q'` and `'Q'`), as the real
/// run finds them. On another server, and on the source's (where a row that repeats another's
/// value goes when the other is refused).
#[test]
fn the_plan_counts_each_row_a_collation_equal_unique_value_refuses_once() {
    let table = |name: &str, keys: &str| {
        format!(
            "CREATE TABLE {name} (id INT PRIMARY KEY, a VARCHAR(10) COLLATE utf8mb4_general_ci,
               b INT, deleted_at DATETIME{keys})"
        )
    };
    let unique = ", UNIQUE KEY ua (a), UNIQUE KEY ub (b)";
    let source = |db: &ScratchDb| {
        db.sql(&format!(
            "{}; {}; {};
             INSERT INTO u1 VALUES (1, 'a', 100, {OLD}), (2, 'f', 5, {OLD}), (3, 'g', 6, {OLD});
             INSERT INTO u2 VALUES (4, 'Y', 7, {OLD}), (2, 'f', 5, {OLD}), (3, 'g', 6, {OLD});
             INSERT INTO u3 VALUES (6, 'q', 9, {OLD}), (7, 'Q', 10, {OLD}), (2, 'f', 5, {OLD}),
                                   (8, 'z', 11, {OLD});",
            table("u1", ""),
            table("u2", ""),
            table("u3", "")
        ))
    };
    let archived = format!(
        "{}; {}; {};
         INSERT INTO u1 VALUES (100, 'A', 100, {OLD});
         INSERT INTO u2 VALUES (4, 'x', 70, {OLD}), (200, 'y', 1, {OLD});
         INSERT INTO u3 VALUES (300, 'q', 300, {OLD}), (6, 'other', 301, {OLD});",
        table("u1", unique),
        table("u2", unique),
        table("u3", unique)
    );
    let s = server();
    let db = ScratchDb::create(s, "plan_ci_uniq");
    source(&db);
    db.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {archived}",
        a = db.archive()
    ));
    let (dry, _) = dry_then_real(&Ini::new(s, &[&db.name]));
    dry.assert_code(3);
    if !s.is_private() {
        return;
    }
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_ci_uniq_remote");
    source(&db);
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {archived}",
        a = db.name
    ));
    let ini = Ini::new(s, &[&db.name])
        .dst_server(&archive_server)
        .src("select_limit", 2);
    let (dry, _) = dry_then_real(&ini);
    dry.assert_code(3);
}

/// On another server, a unique key over long binary values (a `MEDIUMBLOB`, 70,000 bytes): a
/// bare `X'..'` of more than 64 KiB is cut in a `UNION`'s column, and the conflict went
/// unseen (exit 0 against 3). Many such rows in a page: the lookups stay under the packet size.
#[test]
fn the_plan_sees_long_binary_unique_values_on_another_server() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_remote_blob");
    let table = "CREATE TABLE t (id INT PRIMARY KEY, b MEDIUMBLOB, deleted_at DATETIME NULL,
           UNIQUE KEY ub (b))";
    db.sql(&format!(
        "{table};
         INSERT INTO t SELECT seq, CONCAT(LPAD(seq, 8, '0'), REPEAT(X'AB', 70000)), {OLD}
           FROM seq_1_to_300;"
    ));
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {table};
         INSERT INTO t VALUES (1000, CONCAT(LPAD(7, 8, '0'), REPEAT(X'AB', 70000)), {OLD});",
        a = db.name
    ));
    let ini = Ini::new(s, &[&db.name]).dst_server(&archive_server);
    let (dry, _) = dry_then_real(&ini);
    dry.assert_code(3);
}

/// An archive table that keeps a unique key the source has lost (dropped by a later
/// migration): two eligible rows repeating its values conflict with each other there, the
/// second kept. The plan counted only conflicts with rows already archived (exit 0 against 3).
#[test]
fn the_plan_predicts_eligible_rows_repeating_a_unique_key_of_the_archive() {
    let s = server();
    let db = ScratchDb::create(s, "plan_uniq_lost");
    db.sql(&format!(
        "CREATE TABLE i (id INT PRIMARY KEY, n INT NULL, deleted_at DATETIME NULL);
         INSERT INTO i VALUES (1, 10, {OLD}), (3, 30, {OLD}), (4, 30, {OLD}), (5, NULL, {OLD}),
                              (6, NULL, {OLD});
         CREATE DATABASE {arch};
         CREATE TABLE {arch}.i (id INT PRIMARY KEY, n INT NULL, deleted_at DATETIME NULL,
           UNIQUE KEY uniq_n (n));",
        arch = format!("`{}`", db.archive())
    ));
    let (dry, _) = dry_then_real(&Ini::new(s, &[&db.name]));
    dry.assert_code(3);
    let p = &plans(&dry)[&format!("{}.i", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(1), Some(4)),
        "{p}"
    );
}

/// An archive table on another server: the plan reads the eligible rows page by page and looks
/// their keys up there, as the real run's writes do; an identical archived row is no conflict.
#[test]
fn the_plan_predicts_conflicts_with_an_archive_on_another_server() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_remote");
    let table = "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)";
    db.sql(&format!(
        "{table}; INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_7;"
    ));
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}`; USE `{a}`; {table};
         INSERT INTO t VALUES (2, 'other', {OLD}), (5, 'v5', NULL), (6, 'other', NULL);
         INSERT INTO t SELECT 3, 'v3', deleted_at FROM (SELECT {OLD} AS deleted_at) AS x;",
        a = db.name
    ));
    // On another server the archive database has the source's name (no default suffix). Row
    // 3 is archived identically only if its deleted_at matches: copied from the source.
    let when = db.sql("SELECT deleted_at FROM t WHERE id = 3");
    archive_server.sql(&format!(
        "UPDATE `{}`.t SET deleted_at = '{}' WHERE id = 3",
        db.name,
        when.trim()
    ));
    let ini = Ini::new(s, &[&db.name])
        .dst_server(&archive_server)
        .src("select_limit", 3);
    let (dry, _) = dry_then_real(&ini);
    dry.assert_code(3);
    let p = &plans(&dry)[&format!("{}.t", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(3), Some(4)),
        "{p}"
    );
}

/// An archive server that may lose its last second of commits in a crash
/// (`innodb_flush_log_at_trx_commit` 0 or 2) is named, in the dry run as in the run: the
/// source's rows are deleted once their copies are committed there.
#[test]
fn an_archive_server_that_may_lose_commits_is_warned_about() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_flush");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_3;"
    ));
    let ini = Ini::new(s, &[&db.name]).dst_server(&archive_server);
    let warning = "innodb_flush_log_at_trx_commit = 2";
    for flush in [2, 1] {
        archive_server.sql(&format!(
            "SET GLOBAL innodb_flush_log_at_trx_commit = {flush}"
        ));
        let (dry, real) = dry_then_real(&ini);
        for out in [&dry, &real] {
            out.assert_success();
            if flush == 2 {
                out.output_contains(warning);
            } else {
                out.output_lacks("innodb_flush_log_at_trx_commit");
            }
        }
    }
    // On the source's own server the copy and the delete commit together: nothing to say.
    s.sql("SET GLOBAL innodb_flush_log_at_trx_commit = 2");
    let out = crate::pipeline::run(&Ini::new(s, &[&db.name]));
    s.sql("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
    out.assert_success()
        .output_lacks("innodb_flush_log_at_trx_commit");
}

/// An archive on another server holds, under a `_ci` PAD SPACE key, `'A'` for the eligible
/// `'a'` and `'b '` for `'b'`: the archive server finds them by key as its collation compares,
/// and the real run keeps both as conflicts; the dry run counts them too (it compared the
/// keys' bytes, and predicted none: exit 0 against the run's 3).
#[test]
fn the_plan_counts_conflicts_under_the_keys_collation_on_another_server() {
    if !server().is_private() {
        eprintln!("skipped: needs a second server of its own");
        return;
    }
    let s = server();
    let archive_server = dedicated_server();
    let db = ScratchDb::create(s, "plan_remote_ci");
    let table = "CREATE TABLE t (k VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, \
                 deleted_at DATETIME NULL)";
    db.sql(&format!(
        "{table}; INSERT INTO t VALUES ('a', '2020-01-01'), ('b', '2020-01-01'), ('c', '2020-01-01');"
    ));
    archive_server.sql(&format!(
        "CREATE DATABASE `{a}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci; USE `{a}`; {table};
         INSERT INTO t VALUES ('A', '2020-01-01'), ('b ', '2020-01-01'), ('c', '2020-01-01');",
        a = db.name
    ));
    let ini = Ini::new(s, &[&db.name]).dst_server(&archive_server);
    let (dry, real) = dry_then_real(&ini);
    dry.assert_code(3);
    real.assert_code(3);
    let p = &plans(&dry)[&format!("{}.t", db.name)];
    assert_eq!(
        (p["conflicts"].as_u64(), p["delete"].as_u64()),
        (Some(2), Some(1)),
        "{p}"
    );
}
