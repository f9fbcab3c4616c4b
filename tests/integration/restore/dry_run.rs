//! `--dry-run` changes nothing anywhere and predicts the real run.

use super::{total, Nova};

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
