//! `--dry-run` changes nothing anywhere and predicts the real run.

use super::{total, Nova};
use crate::harness::server;

#[test]
fn a_dry_run_changes_nothing_and_predicts_the_run() {
    let nova = Nova::create("rs_dry", 2, 2);
    nova.archive();
    nova.db
        .sql("INSERT INTO instances (id, uuid, deleted) VALUES (2, 'live-2', 0)");
    let source = nova.counts(&nova.db.name);
    let archive: Vec<_> = (1..=2)
        .map(|k| nova.digests(&nova.db.archive(), k))
        .collect();
    let all = "uuid IN ('u1', 'u2')".to_string();
    let dry = super::Osarchiver::new()
        .subcommand("restore")
        .config_text(&nova.ini)
        .args([
            "--table",
            &format!("{}.instances", nova.db.name),
            "--where",
            &all,
        ])
        .args(["--with-children", "--remove-from-archive", "--dry-run"])
        .run();
    dry.assert_code(3).output_contains("would restore");
    assert_eq!(nova.counts(&nova.db.name), source, "source unchanged");
    let after: Vec<_> = (1..=2)
        .map(|k| nova.digests(&nova.db.archive(), k))
        .collect();
    assert_eq!(after, archive, "archive unchanged");
    let real = super::Osarchiver::new()
        .subcommand("restore")
        .config_text(&nova.ini)
        .args([
            "--table",
            &format!("{}.instances", nova.db.name),
            "--where",
            &all,
        ])
        .args(["--with-children", "--remove-from-archive"])
        .run();
    real.assert_code(3);
    for field in ["found", "restored", "already", "conflicts", "removed"] {
        assert_eq!(total(&dry, field), total(&real, field), "{field}");
    }
    assert_eq!(total(&real, "restored"), 9);
}

/// A source column whose character set changed since the rows were archived (latin1 to
/// cp1251: the same bytes, other characters), or that became NOT NULL where the archive holds
/// NULLs: the archive table differs from the source, and the restore is refused, by its dry
/// run as by the run (the first restored other characters, exit 0; the second was refused
/// half-way, exit 1, where the dry run said 0).
#[test]
fn a_charset_or_not_null_changed_since_the_archive_is_refused_alike() {
    for alter in [
        "MODIFY display_description TEXT CHARACTER SET cp1251",
        "MODIFY flags BIT(5) NOT NULL DEFAULT b'0'",
        // utf8mb4 text into utf8mb3: characters outside the BMP would be refused half-way
        // (the dry run said 0, the restore 1).
        "MODIFY hostname VARCHAR(255) CHARACTER SET utf8mb3",
    ] {
        let nova = Nova::create("rs_drift", 1, 0);
        nova.archive();
        if alter.contains("flags") {
            server().sql(&format!(
                "UPDATE {} SET flags = NULL",
                nova.db.qa("instances")
            ));
        }
        server().sql(&format!("ALTER TABLE {} {alter}", nova.db.q("instances")));
        for dry in [true, false] {
            let mut cmd = nova.restore(1, &[]);
            if dry {
                cmd = cmd.arg("--dry-run");
            }
            cmd.run()
                .assert_code(1)
                .output_contains("differs from the source table");
        }
        assert_eq!(nova.counts(&nova.db.name), [0, 0, 0, 0], "{alter}");
    }
}

/// A dry run inserts nothing: what a `BEFORE INSERT` trigger of the source table would do to
/// the rows is not known, and the dry run says so (a real restore fails when the trigger
/// changes or refuses a row).
#[test]
fn the_dry_run_warns_of_a_before_insert_trigger() {
    let nova = Nova::create("rs_trig", 1, 0);
    nova.archive();
    server().sql(&format!(
        "CREATE TRIGGER `{}`.rs_trig_bi BEFORE INSERT ON {} FOR EACH ROW SET NEW.hostname = UPPER(NEW.hostname)",
        nova.db.name,
        nova.db.q("instances")
    ));
    nova.restore(1, &[])
        .arg("--dry-run")
        .run()
        .output_contains("has BEFORE INSERT triggers (rs_trig_bi (BEFORE INSERT))");
}

/// A child restored without its parent: the real restore fails on the foreign key (1452), and
/// the dry run now says so (it predicted a restore, exit 0). From the parent with its
/// children, both go, and the dry run says that too.
#[test]
fn the_dry_run_foresees_a_missing_parent() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_parent");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_c_p FOREIGN KEY (pid) REFERENCES p (id));
         INSERT INTO p VALUES (1, {old}), (2, NULL);
         INSERT INTO c VALUES (10, 1, {old}), (11, 2, {old}), (12, NULL, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = crate::harness::Ini::new(s, &[&db.name]).text();
    crate::harness::Osarchiver::new()
        .config_text(&ini)
        .run()
        .assert_success();
    let restore = |table: &str, dry: bool, extra: &[&str]| {
        let mut cmd = super::restore_all(&ini, &db.name, table).args(extra);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    restore("c", true, &[])
        .assert_code(1)
        .output_contains("1 of the rows that would be restored reference a row of")
        .output_contains("fk_c_p");
    // The rows whose parents are there go (the page is put back in halves), the one whose
    // parent is not fails the restore.
    restore("c", false, &[])
        .assert_code(1)
        .output_contains("fk_c_p");
    assert_eq!(
        db.sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM c").trim(),
        "11,12"
    );
    restore("p", true, &["--with-children"]).assert_success();
    restore("p", false, &["--with-children"]).assert_success();
    assert_eq!(
        db.sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM c").trim(),
        "10,11,12"
    );
    // Its parent back, the rest of the children go, as predicted.
    restore("c", true, &[]).assert_success();
    restore("c", false, &[]).assert_success();
    assert_eq!(
        db.sql("SELECT GROUP_CONCAT(id ORDER BY id) FROM c").trim(),
        "10,11,12"
    );
}

/// The dry run checks the grants a real restore uses: INSERT on each source table, and with
/// `--remove-from-archive` DELETE on each archive table. A user with the README's archiving
/// grants only (SELECT and DELETE on the source, no DELETE on the archive here) fails the dry
/// run (exit 1) as it fails the real restore; the dry run used to say 0.
#[test]
fn the_dry_run_checks_the_grants_a_restore_needs() {
    let nova = Nova::create("rs_grants", 1, 1);
    nova.archive();
    let s = server();
    let user = crate::harness::unique_name("rsg");
    s.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT PROCESS ON *.* TO '{user}'@'%';
         GRANT SELECT, DELETE ON `{db}`.* TO '{user}'@'%';
         GRANT SELECT ON `{archive}`.* TO '{user}'@'%';",
        db = nova.db.name,
        archive = nova.db.archive()
    ));
    let ini = crate::harness::Ini::new(s, &[&nova.db.name])
        .src("user", &user)
        .src("password", "pw")
        .dst("user", &user)
        .dst("password", "pw")
        .text();
    let restore = |dry: bool| {
        let mut cmd = super::Osarchiver::new()
            .subcommand("restore")
            .config_text(&ini)
            .args([
                "--table",
                &format!("{}.instances", nova.db.name),
                "--where",
                "uuid = 'u1'",
                "--remove-from-archive",
            ]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    let dry = restore(true);
    dry.assert_code(1)
        .output_contains(&format!("lacks INSERT on `{}`.`instances`", nova.db.name))
        .output_contains(&format!(
            "lacks DELETE on `{}`.`instances`",
            nova.db.archive()
        ));
    restore(false).assert_code(1);
    s.sql(&format!("DROP USER '{user}'@'%'"));
}
