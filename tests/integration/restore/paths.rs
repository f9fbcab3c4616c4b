//! `--with-children` where two foreign-key paths meet: `p -> a_c -> gc` and `p -> z_q -> gc`.
//! The walk goes down one path at a time, so it reaches `gc` through `a_c` before the other
//! path has restored the `z_q` row `gc` also references. Such a page is put off and tried again
//! once the walk is over. Every restore of that shape failed (1452, exit 1), and so did every
//! run after it.

use crate::harness::digest::digest;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};

/// The tables, parents first, for the digests.
const TABLES: [&str; 4] = ["p", "a_c", "z_q", "gc"];

fn restore(ini: &Ini, db: &ScratchDb, dry: bool) -> crate::harness::Output {
    let mut cmd = Osarchiver::new()
        .subcommand("restore")
        .config_text(ini.text())
        .args(["--table", &format!("{}.p", db.name), "--where", "1"])
        .arg("--with-children");
    if dry {
        cmd = cmd.arg("--dry-run");
    }
    cmd.run()
}

#[test]
fn rows_reached_by_two_paths_come_back_after_both_parents() {
    let s = server();
    let db = ScratchDb::create(s, "rs_paths");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE a_c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE TABLE z_q (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE TABLE gc (id INT PRIMARY KEY, c_id INT, q_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (c_id) REFERENCES a_c (id), FOREIGN KEY (q_id) REFERENCES z_q (id));
         INSERT INTO p VALUES (1, {old}), (2, {old});
         INSERT INTO a_c VALUES (10, 1, {old}), (20, 2, {old});
         INSERT INTO z_q VALUES (100, 1, {old}), (200, 2, {old});
         INSERT INTO gc VALUES (1000, 10, 100, {old}), (2000, 20, 200, {old}), (3000, 10, 200, {old});",
        old = crate::pipeline::OLD
    ));
    let before: Vec<_> = TABLES.iter().map(|t| digest(s, &db.name, t, "1")).collect();
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for t in TABLES {
        assert_eq!(digest(s, &db.name, t, "1").0, 0, "{t} archived");
    }
    restore(&ini, &db, true).assert_success();
    for t in TABLES {
        assert_eq!(
            digest(s, &db.name, t, "1").0,
            0,
            "{t}: the dry run changed nothing"
        );
    }
    let out = restore(&ini, &db, false);
    out.assert_success();
    let after: Vec<_> = TABLES.iter().map(|t| digest(s, &db.name, t, "1")).collect();
    assert_eq!(after, before, "{out}");
    // Run again: everything is there already.
    restore(&ini, &db, false).assert_success();
}

/// A row whose parent is in neither the source nor the archive still fails the restore, after
/// the pages put off are tried again, and its dry run says so.
#[test]
fn a_page_whose_parent_never_comes_still_fails() {
    let s = server();
    let db = ScratchDb::create(s, "rs_orphan");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p VALUES (1, {old});
         INSERT INTO c VALUES (10, 1, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for dry in [true, false] {
        let mut cmd = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.c", db.name), "--where", "1"]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .output_contains("a row they reference is missing from the source");
    }
    assert_eq!(digest(s, &db.name, "c", "1").0, 0);
}

/// A table that references itself (`s.parent_id -> s.id`):
/// - a row whose parent stays in the archive (outside `--where`) fails the restore, and the dry
///   run now says so (it said exit 0: a reference to the table itself was taken as restored);
/// - a child whose key sorts before its parent's, in pages of one row: the child's page is put
///   off, then goes in after its parent's (it failed, which the dry run did not foresee).
#[test]
fn a_table_that_references_itself_restores_as_its_dry_run_says() {
    let s = server();
    let db = ScratchDb::create(s, "rs_selfref");
    db.sql(&format!(
        "CREATE TABLE s (id INT PRIMARY KEY, parent_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (parent_id) REFERENCES s (id));
         INSERT INTO s VALUES (5, NULL, {old}), (2, 5, {old}), (1, 2, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.name, "s", "1").0, 0);
    let restore = |filter: &str, dry: bool| {
        let mut cmd = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.s", db.name), "--where", filter])
            .args(["--batch-size", "1"]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    for dry in [true, false] {
        restore("id = 2", dry)
            .assert_code(1)
            .output_contains("a row they reference is missing from the source");
    }
    assert_eq!(digest(s, &db.name, "s", "1").0, 0);
    for dry in [true, false] {
        restore("1", dry).assert_success();
    }
    assert_eq!(
        db.sql("SELECT id, parent_id FROM s ORDER BY id").trim(),
        "1\t2\n2\t5\n5\tNULL"
    );
}

/// A chain of 30 rows of a table that references itself, each row's parent the next key,
/// restored in pages of one row: every page but the last is put off, and the pages put off go
/// in, last first, within one round (first first, one went in a round: 29 rounds, each trying
/// every page left).
#[test]
fn a_long_chain_put_off_goes_in_within_one_round() {
    let s = server();
    let db = ScratchDb::create(s, "rs_chain");
    db.sql(&format!(
        "CREATE TABLE ch (id INT PRIMARY KEY, parent INT, deleted_at DATETIME NULL,
             FOREIGN KEY (parent) REFERENCES ch (id));
         SET foreign_key_checks = 0;
         INSERT INTO ch SELECT seq, IF(seq = 30, NULL, seq + 1), {old} FROM seq_1_to_30;",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.name, "ch", "1").0, 0);
    let out = Osarchiver::new()
        .subcommand("restore")
        .config_text(ini.text())
        .args(["--table", &format!("{}.ch", db.name), "--where", "1"])
        .args(["--batch-size", "1"])
        .run();
    out.assert_success();
    assert_eq!(digest(s, &db.name, "ch", "1").0, 30);
    let rounds = out.lines_containing("were tried again").len();
    assert_eq!(rounds, 1, "{out}");
}

/// Where two paths meet and one parent stays in the archive (`gc` 101 references `a_c` 11,
/// which `--where` leaves out): the restore fails on it (1452, once `gc` 100 is in), and its
/// dry run now says so.
/// It predicted exit 0: a parent table the walk had been through was taken as holding every
/// parent.
#[test]
fn the_dry_run_sees_a_parent_left_in_the_archive_where_paths_meet() {
    let s = server();
    let db = ScratchDb::create(s, "rs_meet");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE a_c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE TABLE z_q (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (p_id) REFERENCES p (id));
         CREATE TABLE gc (id INT PRIMARY KEY, c_id INT, q_id INT, deleted_at DATETIME NULL,
             FOREIGN KEY (c_id) REFERENCES a_c (id), FOREIGN KEY (q_id) REFERENCES z_q (id));
         INSERT INTO p VALUES (1, {old}), (2, {old});
         INSERT INTO a_c VALUES (10, 1, {old}), (11, 2, {old});
         INSERT INTO z_q VALUES (20, 1, {old}), (21, 2, {old});
         INSERT INTO gc VALUES (100, 10, 20, {old}), (101, 11, 20, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for dry in [true, false] {
        let mut cmd = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.p", db.name), "--where", "id = 1"])
            .arg("--with-children");
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .output_contains("a row they reference is missing from the source");
        if dry {
            for t in TABLES {
                assert_eq!(
                    digest(s, &db.name, t, "1").0,
                    0,
                    "{t}: the dry run changed nothing"
                );
            }
        }
    }
    // gc 100 found both its parents; gc 101 stays in the archive.
    assert_eq!(db.sql("SELECT id FROM gc").trim(), "100");
}

/// `--with-children` reaches `c` 10 and 20 from `p` in one page; 10 references 30, which is a
/// child of 20 through `c`'s own key. The page was put off whole: 20 never went in, so 30 was
/// never reached, and the restore (and its dry run) failed with 1452, exit 1, every time. A
/// page refused for a parent now goes in halves: 20 goes, then 30 as its child, then 10.
#[test]
fn a_page_put_off_lets_its_other_rows_bring_the_parent_it_waits_for() {
    let s = server();
    let db = ScratchDb::create(s, "rs_halves");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT, sid INT, deleted_at DATETIME NULL,
           FOREIGN KEY (pid) REFERENCES p (id), FOREIGN KEY (sid) REFERENCES c (id));
         INSERT INTO p VALUES (1, {old});
         INSERT INTO c VALUES (20, 1, NULL, {old}), (30, NULL, 20, {old}), (10, 1, 30, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(digest(s, &db.name, "c", "1").0, 0);
    restore(&ini, &db, true).assert_success();
    assert_eq!(
        digest(s, &db.name, "c", "1").0,
        0,
        "the dry run changed nothing"
    );
    let out = restore(&ini, &db, false);
    out.assert_success();
    assert_eq!(digest(s, &db.name, "p", "1").0, 1, "{out}");
    assert_eq!(
        db.sql("SELECT id, pid, sid FROM c ORDER BY id").trim(),
        "10\t1\t30\n20\t1\tNULL\n30\tNULL\t20"
    );
}

/// A chain that needs a round per link (`g` i+1 waits for `h` i+1, restored after it), beside
/// 1,000 `g` rows whose `h` parents are lost: rows put off and refused again as they were are
/// retried as whole pages, not one by one each round (50 rounds beside 1,000 such rows took
/// 36 s, with one statement per row and round). The chain goes in; the rest fail the restore
/// (exit 1) in a few seconds.
#[test]
fn rows_that_never_go_do_not_slow_every_round() {
    let s = server();
    let db = ScratchDb::create(s, "rs_stale");
    let (k, n) = (50, 1000);
    db.sql(&format!(
        "CREATE TABLE g (id INT PRIMARY KEY, sid INT NULL, hid INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT g_self FOREIGN KEY (sid) REFERENCES g (id));
         CREATE TABLE h (id INT PRIMARY KEY, gid INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT h_g FOREIGN KEY (gid) REFERENCES g (id));
         ALTER TABLE g ADD CONSTRAINT g_h FOREIGN KEY (hid) REFERENCES h (id);
         INSERT INTO g VALUES (1, NULL, NULL, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    // The archive as a long history left it (an archiving run keeps a chain this long through
    // a cycle of tables for later runs): written straight into the archive tables.
    s.sql(&format!(
        "SET foreign_key_checks = 0; USE `{arc}`;
         INSERT INTO g SELECT seq, seq - 1, seq, {old} FROM seq_2_to_{k};
         INSERT INTO h SELECT seq, seq - 1, {old} FROM seq_2_to_{k};
         INSERT INTO g SELECT 100000 + seq, 1, 100000 + seq, {old} FROM seq_1_to_{n};",
        arc = db.archive(),
        old = crate::pipeline::OLD
    ));
    let run = |dry: bool| {
        let mut cmd = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.g", db.name), "--where", "id = 1"])
            .arg("--with-children");
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        let t0 = std::time::Instant::now();
        let out = cmd.run();
        (out, t0.elapsed())
    };
    for dry in [true, false] {
        let (out, took) = run(dry);
        out.assert_code(1).output_contains("g_h");
        assert!(
            took < std::time::Duration::from_secs(15),
            "dry run {dry}: took {took:?}"
        );
    }
    assert_eq!(
        digest(s, &db.name, "g", "1").0,
        k as u64,
        "the chain went in"
    );
    assert_eq!(digest(s, &db.name, "h", "1").0, (k - 1) as u64);
}
