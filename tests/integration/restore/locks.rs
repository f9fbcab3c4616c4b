//! A restore takes the locks of an archiving run of the same configuration and source: while
//! it runs, an archiving run and a second restore exit with code 5; a dry run takes none.

use std::time::Duration;

use crate::harness::{server, Ini, Osarchiver};

use super::Nova;

#[test]
fn a_restore_and_an_archiving_run_exclude_each_other() {
    let nova = Nova::create("rs_locks", 1, 100);
    nova.archive();
    let first = Osarchiver::new();
    let ini = Ini::new(server(), &[&nova.db.name])
        .src("lock_dir", first.dir().join("locks").display())
        .text();
    let args = [
        "--table".to_string(),
        format!("{}.instances", nova.db.name),
        "--where".to_string(),
        "1".to_string(),
        "--with-children".to_string(),
        "--batch-size".to_string(),
        "2".to_string(),
        "--batch-delay".to_string(),
        "0.3".to_string(),
    ];
    let mut first = first
        .subcommand("restore")
        .config_text(&ini)
        .args(&args)
        .spawn();
    let config = first.dir().join("osarchiver.ini");
    assert!(
        first.wait_for_log("row(s) from the archive", Duration::from_secs(30)),
        "{}",
        first.log()
    );
    Osarchiver::new()
        .config_file(&config)
        .run()
        .assert_code(5)
        .output_contains(&format!("is held by another run (pid {}", first.pid()));
    Osarchiver::new()
        .subcommand("restore")
        .config_file(&config)
        .args(&args)
        .run()
        .assert_code(5)
        .output_contains("not restored");
    Osarchiver::new()
        .subcommand("restore")
        .config_file(&config)
        .args(&args[..5])
        .arg("--dry-run")
        .run()
        .assert_success();
    first.signal(libc::SIGTERM);
    first.wait().assert_code(4);
}

/// An archiving run of another configuration (another file: another run's locks) waits for
/// the table a restore is putting back (the restore holds the table's lock until it ends),
/// then archives the restored rows again: no row is lost. It used to take them out of the
/// source while the restore ran, and `--remove-from-archive` then deleted their copies: rows
/// in neither (helper 129).
#[test]
fn an_archiving_run_of_another_configuration_waits_for_the_restore() {
    let s = server();
    let nova = Nova::create("rs_tlock", 1, 20);
    nova.archive();
    let mut restore = nova
        .restore(
            1,
            &[
                "--with-children",
                "--remove-from-archive",
                "--batch-size",
                "2",
                "--batch-delay",
                "0.3",
            ],
        )
        .spawn();
    assert!(
        restore.wait_for_log("row(s) from the archive", Duration::from_secs(30)),
        "{}",
        restore.log()
    );
    // Another file, hence other locks: only the table's lock keeps the two apart.
    let archiving = Osarchiver::new().config_text(&nova.ini).spawn();
    let out = restore.wait();
    out.assert_success();
    let archived = archiving.wait();
    // Rows the restored children keep are left on purpose (exit 3), or none (0).
    assert!(matches!(archived.code, Some(0 | 3)), "{archived}");
    archived.output_contains(
        "another job of this run, or another osarchiver run, is archiving this table",
    );
    // Every row is in the source or in the archive.
    for (table, rows) in super::TABLES.iter().zip([1, 20, 2, 4]) {
        let both = s.sql(&format!(
            "SELECT COUNT(*) FROM (SELECT id FROM `{0}`.`{table}` UNION SELECT id FROM `{1}`.`{table}`) u",
            nova.db.name,
            nova.db.archive()
        ));
        assert_eq!(both.trim(), rows.to_string(), "{table}\n{out}\n{archived}");
    }
}

/// Two restores of tables linked both ways, started from either end (`p` with its children,
/// `c` with its children), each holding the table the other waits for: the server calls it a
/// deadlock, one restore stops (exit 1, saying why), releasing its tables, and the other
/// finishes. Both waited for ever (helper 130). No row is lost either way.
#[test]
fn two_restores_waiting_for_each_others_tables_do_not_hang() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_dead");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, c_id INT NULL, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
           FOREIGN KEY (p_id) REFERENCES p (id));
         ALTER TABLE p ADD FOREIGN KEY (c_id) REFERENCES c (id);
         INSERT INTO p VALUES (1, NULL, {0}), (2, NULL, {0}), (3, NULL, {0});
         INSERT INTO c VALUES (1, 1, {0}), (2, 2, {0}), (3, NULL, {0});
         UPDATE p SET c_id = 3 WHERE id = 2;",
        crate::pipeline::OLD
    ));
    let ini = Ini::new(s, &[&db.name]);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    let restore = |table: &str| {
        Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.{table}", db.name), "--where", "1"])
            .args(["--with-children", "--batch-size", "1", "--batch-delay", "1"])
            .timeout(Duration::from_secs(60))
            .spawn()
    };
    let first = restore("p");
    let second = restore("c");
    // Both end (the harness's timeout would fail a hang); when they met, one says why it
    // stopped (the other may then miss a parent the first did not bring back: exit 1 too).
    let (a, b) = (first.wait(), second.wait());
    let said = format!("{a}{b}");
    if a.code != Some(0) || b.code != Some(0) {
        assert!(said.contains("a deadlock between two restores"), "{said}");
    }
    for table in ["p", "c"] {
        let both = s.sql(&format!(
            "SELECT COUNT(*) FROM (SELECT id FROM {} UNION SELECT id FROM {}) u",
            db.q(table),
            db.qa(table)
        ));
        assert_eq!(both.trim(), "3", "{table}\n{said}");
    }
}
