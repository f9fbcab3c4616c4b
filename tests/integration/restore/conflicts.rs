//! A live row with the key of an archived row is never overwritten: it is a conflict.

use super::{server, total, Nova};

#[test]
fn a_live_row_with_the_same_key_is_reported_not_overwritten() {
    let nova = Nova::create("rs_conflict", 2, 2);
    nova.archive();
    // A new live instance took id 1; another took the uuid of instance 2 under another id.
    nova.db.sql(
        "INSERT INTO instances (id, uuid, hostname, deleted) VALUES (1, 'live-1', 'live', 0);
         INSERT INTO instances (id, uuid, hostname, deleted) VALUES (77, 'u2', 'live too', 0);",
    );
    let live = nova
        .db
        .sql("SELECT id, uuid, hostname FROM instances ORDER BY id");
    let out = nova.restore(1, &["--with-children"]).run();
    out.assert_code(3).output_contains("conflict on id=1");
    let report = out.report.as_ref().expect("a report");
    let conflict = &report["conflicts"][0];
    assert_eq!(conflict["key"], "id=1");
    let compare = conflict["compare"].as_str().expect("a SELECT");
    // The SELECT runs and shows both rows.
    let rows = server().sql(compare);
    assert_eq!(rows.lines().count(), 2, "{compare}: {rows}");
    assert!(
        rows.contains("source") && rows.contains("archive"),
        "{rows}"
    );
    // Every column, the INVISIBLE one too (`*` left it out).
    assert!(
        compare.contains("s.`secret`") && compare.contains("a.`secret`"),
        "{compare}"
    );
    let out = nova.restore(2, &["--with-children"]).run();
    out.assert_code(3).output_contains("Duplicate entry 'u2'");
    assert_eq!(total(&out, "conflicts"), 1);
    assert_eq!(
        nova.db
            .sql("SELECT id, uuid, hostname FROM instances ORDER BY id"),
        live,
        "the live rows are untouched"
    );
    // The children of a conflicting row are not restored.
    assert_eq!(nova.counts(&nova.db.name)[1..], [0, 0, 0]);
}

/// A live row whose key equals an archived row's only under the key's collation (`'ABC'`
/// for `'abc'` under `_general_ci`, `'p6 '` for `'p6'` under PAD SPACE): the restore's insert
/// collides with it, and its dry run says so too (it predicted a restore, exit 0, where the
/// restore kept a conflict, exit 3).
#[test]
fn a_key_equal_under_its_collation_is_a_conflict_in_the_dry_run_too() {
    let s = crate::harness::server();
    let db = crate::harness::ScratchDb::create(s, "rs_coll");
    db.sql(&format!(
        "CREATE TABLE p (id VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, v INT,
           deleted_at DATETIME NULL);
         INSERT INTO p VALUES ('abc', 1, {old}), ('p6', 2, {old}), ('zz', 3, {old});",
        old = crate::pipeline::OLD
    ));
    let ini = crate::harness::Ini::new(s, &[&db.name]).text();
    crate::harness::Osarchiver::new()
        .config_text(&ini)
        .run()
        .assert_success();
    db.sql("INSERT INTO p VALUES ('ABC', 10, NULL), ('p6 ', 20, NULL);");
    let restore = |dry: bool| {
        let mut cmd = crate::harness::Osarchiver::new()
            .subcommand("restore")
            .config_text(&ini)
            .args(["--table", &format!("{}.p", db.name), "--where", "1"]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    let dry = restore(true);
    dry.assert_code(3);
    assert_eq!(super::total(&dry, "conflicts"), 2, "{dry}");
    let real = restore(false);
    real.assert_code(3);
    assert_eq!(super::total(&real, "conflicts"), 2, "{real}");
    assert_eq!(
        s.sql(&format!(
            "SELECT GROUP_CONCAT(v ORDER BY v) FROM {}",
            db.q("p")
        ))
        .trim(),
        "3,10,20"
    );
}

/// In a table without transactions (MyISAM), a multi-row INSERT that meets a live row's
/// other unique key has inserted the rows before it, and nothing undoes them: they are
/// restored, not conflicts (the retry one by one called them duplicates: `conflicts 2`).
#[test]
fn a_partial_insert_into_a_table_without_transactions_counts_what_it_restored() {
    let s = crate::harness::server();
    let db = crate::harness::ScratchDb::create(s, "rs_myisam");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(5), v VARCHAR(10), deleted_at DATETIME NULL,
           UNIQUE KEY (u)) ENGINE=MyISAM;
         INSERT INTO t VALUES (1, 'a', 'x', {old}), (2, 'b', 'y', {old}), (3, 'c', 'z', {old});",
        old = crate::pipeline::OLD
    ));
    let ini = crate::harness::Ini::new(s, &[&db.name]).text();
    crate::harness::Osarchiver::new()
        .config_text(&ini)
        .run()
        .assert_success();
    db.sql("INSERT INTO t VALUES (9, 'b', 'live', NULL);");
    let out = super::restore_all(&ini, &db.name, "t").run();
    out.assert_code(3);
    assert_eq!(
        (total(&out, "restored"), total(&out, "conflicts")),
        (2, 1),
        "{out}"
    );
    assert_eq!(
        db.sql("SELECT id FROM t ORDER BY id")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["1", "3", "9"]
    );
}
