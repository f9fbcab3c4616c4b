//! `DELETE` triggers present on a source table when the run begins. One runs for every row
//! deleted and may change rows anywhere; the run cannot tell beforehand what it does, so it
//! counts, in each delete's transaction, the rows the session deleted or updated. A trigger
//! that only inserts (an audit trail) lets the table go through; one that deletes or updates
//! other rows (of another table, or the archive's copies) rolls its chunk back with what it
//! did, and fails the table (exit 1): no row the run did not archive is deleted or changed, in
//! every way of deleting.

use crate::harness::digest::count;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::{run, OLD};

use super::altered::{every_way, ids, Edit};

/// The configuration of a run over `t` of `db` in pages of 10 and chunks of 5, with `edit`
/// (a way, given a directory for files) applied.
fn of_t(db: &ScratchDb, edit: &Edit, dir: &std::path::Path) -> Ini {
    edit(
        Ini::new(server(), &[&db.name])
            .src("tables", "t")
            .src("select_limit", 10)
            .src("delete_limit", 5),
        dir,
    )
}

/// What a run must do with a trigger.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Go through: every row archived and deleted.
    Through,
    /// Fail the table with nothing of `o`, `q` or the archive lost.
    Fails,
    /// Fail the table, no row of `t` lost; `o` has no transactions, and keeps what the
    /// trigger did before the failure.
    FailsLeavingO,
    /// Fail the table at the row the trigger refuses (error 1644), nothing of `t`, `o` or `q`
    /// lost.
    Refused,
}

/// What `trigger` (made on a 40-row `t` with a table `o` of 40 rows, `audit` and `q` beside
/// it, before the run) lets a run in each way do; `extra` runs after the tables are made.
/// Returns what went wrong.
fn with_a_trigger(trigger: &str, extra: &str, expect: Expect) -> Vec<String> {
    let mut failed = Vec::new();
    let mut ways = every_way();
    // A foreign key cascading onto the table from the start: the three-stage way (InnoDB
    // only).
    if extra.is_empty() {
        ways.push((
            "with a cascade onto the table",
            Box::new(|ini: Ini, _: &std::path::Path| ini),
        ));
    }
    for (way, edit) in ways {
        let s = server();
        let db = ScratchDb::create(s, "trg_start");
        let cascade = if way == "with a cascade onto the table" {
            "CREATE TABLE k (id INT PRIMARY KEY, t_id INT,
               FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE CASCADE);"
        } else {
            ""
        };
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
             INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_40;
             CREATE TABLE o (id INT PRIMARY KEY);
             INSERT INTO o SELECT seq FROM seq_1_to_40;
             CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
             CREATE TABLE q (id INT PRIMARY KEY, n INT);
             INSERT INTO q VALUES (1, 1000);
             {cascade}
             {extra}"
        ));
        let archive = format!("`{}`.t", db.archive());
        let trigger = trigger.replace("{archive}", &archive);
        if way == "files only" && trigger.contains(&archive) {
            continue;
        }
        if trigger.contains(&archive) {
            // The archive table must be there for the trigger to name it.
            db.sql(&format!(
                "CREATE DATABASE IF NOT EXISTS `{}`; CREATE TABLE {archive} LIKE t;",
                db.archive()
            ));
        }
        db.sql(&trigger);
        let dir = tempfile::tempdir().expect("a directory");
        let ini = of_t(&db, &edit, dir.path());
        // The dry run foresees the exit code from the triggers' statements.
        let foreseen = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        let out = run(&ini);
        if foreseen.code != out.code && !trigger.contains("CALL") {
            failed.push(format!(
                "{way}, {trigger}: the dry run foresaw exit {:?}, the run gave {:?}\n{foreseen}",
                foreseen.code, out.code
            ));
        }
        let left: Vec<u32> = ids(&db, "SELECT id FROM t");
        let archived: Vec<u32> = if way == "files only" {
            (1..=40).filter(|id| !left.contains(id)).collect()
        } else {
            ids(&db, &format!("SELECT id FROM {archive}"))
        };
        let lost: Vec<u32> = (1..=40)
            .filter(|id| !left.contains(id) && !archived.contains(id))
            .collect();
        let other = count(s, &db.name, "o", "1");
        let counter = ids(&db, "SELECT n FROM q");
        let audit = count(s, &db.name, "audit", "1");
        // The three-stage way's delete joins the archive table: the server itself refuses a
        // trigger that changes it (1442).
        let said = format!("{}{}", out.stdout, out.stderr);
        let said = said.contains("the DELETE triggers of") || said.contains("ERROR 1442");
        let wrong = match expect {
            Expect::Through => out.code != Some(0) || !left.is_empty() || audit != 40,
            Expect::Fails => {
                out.code != Some(1) || !said || other != 40 || counter != [1000] || !lost.is_empty()
            }
            Expect::FailsLeavingO => out.code != Some(1) || !said || !lost.is_empty(),
            Expect::Refused => {
                out.code != Some(1)
                    || !format!("{out}").contains("1644")
                    || other != 40
                    || counter != [1000]
                    || !lost.is_empty()
                    || !foreseen.to_string().contains("raise errors (SIGNAL)")
            }
        };
        if wrong {
            failed.push(format!(
                "{way}, {trigger}: exit {:?}, {} left in t, rows lost {lost:?}, {other} of 40 \
                 rows of o, q's counter {counter:?}, {audit} audit rows\n{out}",
                out.code,
                left.len()
            ));
        }
    }
    failed
}

#[test]
fn a_trigger_that_only_inserts_lets_the_table_go_through() {
    let failed = with_a_trigger(
        "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
         INSERT INTO audit (id) VALUES (OLD.id)",
        "",
        Expect::Through,
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
fn a_trigger_that_deletes_or_updates_other_rows_fails_the_table_and_changes_nothing() {
    let mut failed = Vec::new();
    for trigger in [
        // Rows of another table, which no destination holds.
        "CREATE TRIGGER gone BEFORE DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
        "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
        // A row of another table changed.
        "CREATE TRIGGER counted AFTER DELETE ON t FOR EACH ROW UPDATE q SET n = n - 1",
        // The same by an upsert, once two deleted rows meet on its key; the dry run said 0
        // (helper 140).
        "CREATE TRIGGER tally AFTER DELETE ON t FOR EACH ROW \
         INSERT INTO q (id, n) VALUES (1, 1) ON DUPLICATE KEY UPDATE n = n + 1",
        // The archive's copy of each row, the row then in no destination.
        "CREATE TRIGGER unarchive BEFORE DELETE ON t FOR EACH ROW \
         DELETE FROM {archive} WHERE id = OLD.id",
        // Through a procedure, with an audit row as well.
        "CREATE PROCEDURE forget(i INT) DELETE FROM o WHERE id = i;
         DELIMITER //
         CREATE TRIGGER called AFTER DELETE ON t FOR EACH ROW
           BEGIN INSERT INTO audit (id) VALUES (OLD.id); CALL forget(OLD.id); END//
         DELIMITER ;",
    ] {
        failed.extend(with_a_trigger(trigger, "", Expect::Fails));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A trigger that refuses a row (`SIGNAL`) fails the table at its chunk, with nothing lost;
/// the dry run cannot tell which rows it refuses, and foresees the failure from its statement
/// (it said exit 0).
#[test]
fn a_trigger_that_refuses_a_row_fails_the_table_as_the_dry_run_foresees() {
    let mut failed = Vec::new();
    for timing in ["BEFORE", "AFTER"] {
        failed.extend(with_a_trigger(
            &format!(
                "DELIMITER //
                 CREATE TRIGGER guard {timing} DELETE ON t FOR EACH ROW BEGIN
                   IF OLD.id = 13 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'keep 13'; END IF;
                 END//
                 DELIMITER ;"
            ),
            "",
            Expect::Refused,
        ));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A source table without transactions: its own deletes stay, each of a row already archived;
/// what its trigger did in a table with transactions is rolled back all the same.
#[test]
fn a_trigger_on_a_table_without_transactions_changes_nothing_elsewhere() {
    let failed = with_a_trigger(
        "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
        "ALTER TABLE t ENGINE=MyISAM;",
        Expect::Fails,
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A user without the TRIGGER privilege sees no trigger (`information_schema.TRIGGERS` shows
/// it none): every delete is counted all the same. A trigger that deletes other rows fails the
/// table, an audit trigger does not.
#[test]
fn triggers_the_user_cannot_see_are_counted_all_the_same() {
    let s = server();
    for (trigger, harmful) in [
        (
            "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
            true,
        ),
        (
            "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
             INSERT INTO audit (id) VALUES (OLD.id)",
            false,
        ),
    ] {
        let db = ScratchDb::create(s, "trg_unseen");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_40;
             CREATE TABLE o (id INT PRIMARY KEY);
             INSERT INTO o SELECT seq FROM seq_1_to_40;
             CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
             {trigger}"
        ));
        let user = user_without_trigger(&db);
        let unseen = s.sql(&format!(
            "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '{}'",
            db.name
        ));
        assert!(
            unseen.trim().ends_with('1'),
            "root sees the trigger: {unseen}"
        );
        let ini = Ini::new(s, &[&db.name])
            .src("tables", "t")
            .src("select_limit", 10)
            .src("delete_limit", 5)
            .src("user", &user)
            .src("password", "pw")
            .dst("user", &user)
            .dst("password", "pw");
        // The dry run cannot read the statement: it says so.
        Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run()
            .assert_success()
            .output_contains("its statement cannot be read without the TRIGGER privilege");
        let out = run(&ini);
        s.sql(&format!("DROP USER '{user}'@'%'"));
        let left = count(s, &db.name, "t", "1");
        let archived = count(s, &db.archive(), "t", "1");
        let other = count(s, &db.name, "o", "1");
        if harmful {
            out.assert_code(1)
                .output_contains("whose statements this user, without the TRIGGER privilege on it");
            assert_eq!(other, 40, "{out}");
            assert!(
                left + archived >= 40 && left > 0,
                "{left} left, {archived} archived"
            );
        } else {
            out.assert_success()
                .output_contains("no TRIGGER privilege on it");
            assert_eq!((left, archived), (0, 40), "{out}");
            assert_eq!(count(s, &db.name, "audit", "1"), 40);
        }
    }
}

/// A `DELETE` with no condition on a table without transactions empties it at once, and the
/// server counts no row for it: its statement is counted.
#[test]
fn a_trigger_that_empties_a_table_without_transactions_fails_the_table() {
    let mut failed = Vec::new();
    for engine in ["MEMORY", "MyISAM", "Aria"] {
        failed.extend(with_a_trigger(
            "CREATE TRIGGER emptied AFTER DELETE ON t FOR EACH ROW DELETE FROM o",
            &format!("ALTER TABLE o ENGINE={engine};"),
            Expect::FailsLeavingO,
        ));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A partitioned table's own rows count twice (the partition's and the table's): an audit
/// trigger still lets it go through, and one that deletes other rows still fails it.
#[test]
fn a_partitioned_table_with_a_trigger() {
    let partitioned = "ALTER TABLE t PARTITION BY HASH (id) PARTITIONS 4;";
    let mut failed = with_a_trigger(
        "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
         INSERT INTO audit (id) VALUES (OLD.id)",
        partitioned,
        Expect::Through,
    );
    failed.extend(with_a_trigger(
        "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
        partitioned,
        Expect::Fails,
    ));
    // System-versioned and partitioned by SYSTEM_TIME: a row deleted is updated in its
    // partition and moved to the history's.
    failed.extend(with_a_trigger(
        "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
         INSERT INTO audit (id) VALUES (OLD.id)",
        "ALTER TABLE t ADD SYSTEM VERSIONING;
         ALTER TABLE t PARTITION BY SYSTEM_TIME (PARTITION p_hist HISTORY, PARTITION p_cur CURRENT);",
        Expect::Through,
    ));
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A system-versioned table partitioned `BY SYSTEM_TIME LIMIT n AUTO` adds a history
/// partition by itself as the deletes fill the last one: the server then prepares the run's
/// `DELETE` again and counts it twice, having run it once. Not a statement of the trigger's:
/// an audit trigger lets the table go through.
#[test]
fn a_delete_prepared_again_is_not_a_statement_of_the_trigger() {
    let failed = with_a_trigger(
        "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
         INSERT INTO audit (id) VALUES (OLD.id)",
        "ALTER TABLE t ADD SYSTEM VERSIONING;
         ALTER TABLE t PARTITION BY SYSTEM_TIME LIMIT 10 AUTO;",
        Expect::Through,
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// Rows kept for a `RESTRICT` foreign key (live children of rows 1 to 3): the deletes that keep
/// them (a `DELETE IGNORE`, or the server's own checks) try them all the same, and the count
/// takes them as the chunk's own. An audit trigger lets the rest go (exit 3, the three kept and
/// reported); one that deletes other rows still fails the table.
#[test]
fn rows_kept_for_a_foreign_key_are_the_chunks_own_tries() {
    let mut failed = Vec::new();
    for (trigger, harmful) in [
        (
            "CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
             INSERT INTO audit (id) VALUES (OLD.id)",
            false,
        ),
        (
            "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
            true,
        ),
    ] {
        for (way, edit) in every_way() {
            let s = server();
            let db = ScratchDb::create(s, "trg_kept");
            db.sql(&format!(
                "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
                 INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_40;
                 CREATE TABLE r (id INT PRIMARY KEY, t_id INT,
                   FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE RESTRICT);
                 INSERT INTO r SELECT seq, seq FROM seq_1_to_3;
                 CREATE TABLE o (id INT PRIMARY KEY);
                 INSERT INTO o SELECT seq FROM seq_1_to_40;
                 CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
                 {trigger}"
            ));
            let dir = tempfile::tempdir().expect("a directory");
            let ini = of_t(&db, &edit, dir.path());
            let out = run(&ini);
            let left = count(s, &db.name, "t", "1");
            let other = count(s, &db.name, "o", "1");
            let audit = count(s, &db.name, "audit", "1");
            let wrong = if harmful {
                out.code != Some(1) || other != 40 || left == 0
            } else {
                out.code != Some(3) || left != 3 || audit != 37
            };
            if wrong {
                failed.push(format!(
                    "{way}, {trigger}: exit {:?}, {left} left in t, {other} of 40 rows of o, \
                     {audit} audit rows\n{out}",
                    out.code
                ));
            }
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A trigger replaced during the walk (`CREATE OR REPLACE TRIGGER`, the same name) for a user
/// without the TRIGGER privilege, who sees its name, not its statement: its creation time is
/// part of the definition the walk keeps, so the next delete sees the change and the table
/// fails, before the new trigger writes anything.
#[test]
fn a_trigger_replaced_during_the_walk_is_seen_without_the_trigger_privilege() {
    use super::completeness::{slow_walk_under_way, until_it_lands, Landed};
    let s = server();
    let wrong = until_it_lands("replaced trigger", |pace| {
        let db = ScratchDb::create(s, "trg_replaced");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_40;
             CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
             CREATE TABLE side (id INT) ENGINE=MyISAM;
             CREATE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
             INSERT INTO audit (id) VALUES (OLD.id);"
        ));
        let user = user_without_trigger(&db);
        let (running, _) = slow_walk_under_way(&db, pace, |ini, _| {
            ini.src("user", &user)
                .src("password", "pw")
                .dst("user", &user)
                .dst("password", "pw")
        });
        db.sql(
            "CREATE OR REPLACE TRIGGER audit_t AFTER DELETE ON t FOR EACH ROW \
             INSERT INTO side VALUES (OLD.id)",
        );
        let at_change = count(s, &db.name, "t", "1");
        let out = running.wait();
        s.sql(&format!("DROP USER '{user}'@'%'"));
        if at_change == 0 {
            return Landed::Late;
        }
        let side = count(s, &db.name, "side", "1");
        let said = out.output().contains("changed during the run");
        Landed::Checked((side != 0 || out.code != Some(1) || !said).then(|| {
            format!(
                "{side} rows written by the replaced trigger, exit {:?}\n{out}",
                out.code
            )
        }))
    });
    assert!(wrong.is_none(), "{}", wrong.unwrap_or_default());
}

/// A new user (password `pw`) with every privilege on `db` and its archive database but
/// TRIGGER on `db`: it sees the triggers of `db`, not their statements.
fn user_without_trigger(db: &ScratchDb) -> String {
    let user = crate::harness::unique_name("osa_notrg");
    server().sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
         GRANT ALL ON `{0}`.* TO '{user}'@'%';
         GRANT ALL ON `{1}`.* TO '{user}'@'%';
         REVOKE TRIGGER ON `{0}`.* FROM '{user}'@'%';
         GRANT PROCESS ON *.* TO '{user}'@'%';",
        db.name,
        db.archive()
    ));
    user
}

/// A guard against deleting live rows (`IF OLD.deleted_at IS NULL THEN SIGNAL ...`) refuses no
/// eligible row: the dry run counts the eligible rows its condition holds for, none, and
/// foresees the run going through (it foresaw a failure from the `SIGNAL` alone); one that
/// holds for an eligible row is foreseen failing, as the run does.
#[test]
fn a_guard_that_holds_for_no_eligible_row_lets_the_dry_run_foresee_success() {
    let s = server();
    for (condition, through) in [("OLD.deleted_at IS NULL", true), ("OLD.id = 13", false)] {
        let db = ScratchDb::create(s, "trg_guard");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_40;
             INSERT INTO t VALUES (41, NULL);
             DELIMITER //
             CREATE TRIGGER guard BEFORE DELETE ON t FOR EACH ROW BEGIN
               IF {condition} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'kept'; END IF;
             END//
             DELIMITER ;"
        ));
        let ini = Ini::new(s, &[&db.name]).src("delete_limit", 5);
        let dry = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        let out = run(&ini);
        let left = count(s, &db.name, "t", "1");
        if through {
            dry.assert_success();
            out.assert_success();
            assert_eq!(left, 1, "{out}");
        } else {
            dry.assert_code(1).output_contains("raise errors (SIGNAL)");
            out.assert_code(1);
            assert!(left > 1, "{out}");
        }
    }
}

/// A trigger that changes other rows fires only for rows the run deletes: when every eligible
/// row stays (blocked by a live child), the run keeps them (exit 3) and the dry run foresees
/// exit 3, where it foresaw the trigger's failure (exit 1; helper 138). With a row that goes,
/// both fail.
#[test]
fn a_changing_trigger_on_a_table_whose_rows_all_stay_is_foreseen_harmless() {
    let s = server();
    for (free, code) in [(false, 3), (true, 1)] {
        let db = ScratchDb::create(s, "trg_blocked");
        db.sql(&format!(
            "CREATE TABLE other (id INT PRIMARY KEY, val VARCHAR(10));
             CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id));
             INSERT INTO other VALUES (1, 'x');
             INSERT INTO p VALUES (1, {OLD}){};
             INSERT INTO c VALUES (1, 1);
             CREATE TRIGGER trg AFTER DELETE ON p FOR EACH ROW UPDATE other SET val = 'trg';",
            if free {
                format!(", (2, {OLD})")
            } else {
                String::new()
            }
        ));
        let ini = Ini::new(s, &[&db.name]).src("tables", "p");
        let dry = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        let out = run(&ini);
        out.assert_code(code);
        dry.assert_code(code);
        assert_eq!(db.sql("SELECT val FROM other").trim(), "x", "{out}");
    }
}

/// On another server, conflicts are a count: a row both blocked and conflicting counted twice
/// made the plan delete nothing, so the trigger was not foreseen, and the real run deleted the
/// free row, fired it and failed (exit 1) where the dry run said 3 (helper 139).
#[test]
fn a_changing_trigger_is_foreseen_when_a_row_is_both_blocked_and_conflicting() {
    let s = server();
    let archive = crate::harness::dedicated_server();
    let db = ScratchDb::create(s, "trg_both");
    db.sql(&format!(
        "CREATE TABLE other (id INT PRIMARY KEY, val VARCHAR(10));
         CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id));
         INSERT INTO other VALUES (1, 'x');
         INSERT INTO p VALUES (1, 'a', {OLD}), (2, 'b', {OLD});
         INSERT INTO c VALUES (1, 1);
         CREATE TRIGGER trg AFTER DELETE ON p FOR EACH ROW UPDATE other SET val = 'trg';"
    ));
    archive.sql(&format!(
        "CREATE DATABASE `{a}`;
         CREATE TABLE `{a}`.p (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO `{a}`.p VALUES (1, 'OTHER', {OLD});",
        a = db.name
    ));
    let ini = Ini::new(s, &[&db.name])
        .dst_server(&archive)
        .src("tables", "p");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    let out = run(&ini);
    out.assert_code(1);
    dry.assert_code(1);
    assert_eq!(db.sql("SELECT val FROM other").trim(), "x", "{out}");
}
