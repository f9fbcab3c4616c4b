//! One instance and its children come back byte-identical, and nothing else comes back.

use super::{total, Nova};

#[test]
fn an_instance_comes_back_with_its_children_byte_identical() {
    let nova = Nova::create("rs_faithful", 3, 3);
    let before = nova.digests(&nova.db.name, 2);
    nova.archive();
    let out = nova.restore(2, &["--with-children"]).run();
    out.assert_success();
    assert_eq!(
        nova.digests(&nova.db.name, 2),
        before,
        "HEX of every column, every table"
    );
    // 1 instance, 3 metadata rows, 2 actions, 4 events; nothing of the other instances.
    assert_eq!(nova.counts(&nova.db.name), [1, 3, 2, 4]);
    assert_eq!(total(&out, "restored"), 10);
    assert_eq!(
        nova.db.sql("SELECT secret FROM instances").trim(),
        "2",
        "the INVISIBLE column too"
    );
    // The archive keeps its copies (no --remove-from-archive).
    assert_eq!(nova.digests(&nova.db.archive(), 2), before);
    // Again: everything is already there, identical.
    let again = nova.restore(2, &["--with-children"]).run();
    again.assert_success();
    assert_eq!(total(&again, "restored"), 0);
    assert_eq!(total(&again, "already"), 10);
    assert_eq!(nova.digests(&nova.db.name, 2), before);
}

#[test]
fn without_children_only_the_rows_asked_for_come_back() {
    let nova = Nova::create("rs_alone", 2, 2);
    nova.archive();
    let out = nova.restore(1, &[]).run();
    out.assert_success();
    assert_eq!(nova.counts(&nova.db.name), [1, 0, 0, 0]);
    // A child whose parent is missing fails clearly (foreign_key_checks stay on).
    let orphan = super::Osarchiver::new()
        .subcommand("restore")
        .config_text(&nova.ini)
        .args([
            "--table",
            &format!("{}.instance_metadata", nova.db.name),
            "--where",
            "instance_uuid = 'u2'",
        ])
        .run();
    orphan
        .assert_code(1)
        .output_contains("a row they reference is missing from the source");
    assert_eq!(nova.counts(&nova.db.name), [1, 0, 0, 0]);
}

#[test]
fn children_in_another_database_and_suffixed_archive_names_are_followed() {
    use crate::harness::{server, Ini, ScratchDb};
    let mut nova = Nova::create("rs_xdb", 2, 1);
    let other = ScratchDb::create(server(), "rs_xdb_cinder");
    other.sql(&format!(
        "CREATE TABLE attachments (id INT PRIMARY KEY, instance_uuid VARCHAR(36) CHARACTER SET utf8mb3, \
         deleted_at DATETIME, deleted INT NOT NULL DEFAULT 0, \
         CONSTRAINT att_fk FOREIGN KEY (instance_uuid) REFERENCES `{}`.instances (uuid)); \
         INSERT INTO attachments VALUES (1, 'u1', '2020-01-01', 1), (2, 'u2', '2020-01-01', 1);",
        nova.db.name
    ));
    let before = crate::harness::digest::digest(server(), &other.name, "attachments", "1");
    nova.db.also_drop(format!("{}_old", nova.db.name));
    let mut other = other;
    other.also_drop(format!("{}_old", other.name));
    nova.ini = Ini::new(server(), &[&other.name, &nova.db.name])
        .dst("db_suffix", "_old")
        .dst("table_suffix", "_t")
        .text();
    let digests = nova.digests(&nova.db.name, 1);
    nova.archive();
    assert_eq!(
        crate::harness::digest::count(server(), &other.name, "attachments", "1"),
        0
    );
    nova.restore(1, &["--with-children"]).run().assert_success();
    assert_eq!(nova.digests(&nova.db.name, 1), digests);
    let (n, _) = crate::harness::digest::digest(server(), &other.name, "attachments", "1");
    assert_eq!(
        n, 1,
        "the attachment of instance 1, from the other database"
    );
    assert_eq!(
        crate::harness::digest::digest(server(), &other.name, "attachments", "id = 1"),
        crate::harness::digest::digest(
            server(),
            &format!("{}_old", other.name),
            "attachments_t",
            "id = 1"
        ),
    );
    assert_ne!(before.0, 0);
}

/// `db_suffix = _{date}`: each run archives into a database named by its start. A restore
/// without `--date` cannot know which one and says so (exit 2, nothing read); with the run's
/// `{date}` it restores from that run's database, byte for byte.
#[test]
fn a_dated_archive_database_is_read_with_the_runs_date() {
    use crate::harness::{server, Ini};
    let mut nova = Nova::create("rs_dated", 2, 1);
    nova.ini = Ini::new(server(), &[&nova.db.name])
        .dst("db_suffix", "_{date}")
        .text();
    let digests = nova.digests(&nova.db.name, 1);
    nova.archive();
    let like = format!("{}\\_%", nova.db.name.replace('_', "\\_"));
    let archives = server().sql(&format!("SHOW DATABASES LIKE '{like}'"));
    let archive = archives.trim().to_string();
    assert_eq!(
        archive.lines().count(),
        1,
        "one dated archive database: {archives}"
    );
    nova.db.also_drop(archive.clone());
    let date = archive[nova.db.name.len() + 1..].to_string();
    assert_eq!(date.len(), "2026-12-06_02:12:38".len(), "{archive}");
    nova.restore(1, &[])
        .run()
        .assert_code(2)
        .output_contains("holds {date}")
        .output_contains(&format!(
            "`{}_YYYY-MM-DD_HH:MM:SS`.`instances`",
            nova.db.name
        ))
        .output_contains("--date");
    assert_eq!(nova.counts(&nova.db.name), [0, 0, 0, 0], "nothing restored");
    nova.restore(1, &["--with-children", "--date", &date])
        .run()
        .assert_success();
    assert_eq!(nova.digests(&nova.db.name, 1), digests);
    nova.restore(1, &["--date", "2026-12-06_ 3:29:36"])
        .run()
        .assert_code(2)
        .output_contains("YYYY-MM-DD_HH:MM:SS");
    nova.restore(1, &["--date", "yesterday"])
        .run()
        .assert_code(2)
        .output_contains("YYYY-MM-DD_HH:MM:SS");
}

/// A new database (`prefix`) made by `sql` (`{old}`: a date past the retention), archived
/// by a run of the harness's configuration, which is returned with it.
fn archived(prefix: &str, sql: &str) -> (super::ScratchDb<'static>, String) {
    let s = super::server();
    let db = super::ScratchDb::create(s, prefix);
    db.sql(&sql.replace("{old}", crate::pipeline::OLD));
    let ini = super::Ini::new(s, &[&db.name]).text();
    super::Osarchiver::new()
        .config_text(&ini)
        .run()
        .assert_success();
    (db, ini)
}

/// Children found by a `BIT` foreign key: the lookup wrote the parent's value as `X'05'`, a
/// string whose number is 0, which matched the children of another parent (`b'000'`) and
/// missed its own: the restore failed on their missing parent, or restored other rows.
#[test]
fn children_by_a_bit_key_are_their_parents_own() {
    let (db, ini) = archived(
        "rs_bit",
        "CREATE TABLE p (f BIT(3) PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, f BIT(3), deleted_at DATETIME NULL,
           FOREIGN KEY (f) REFERENCES p (f));
         INSERT INTO p VALUES (b'101', {old}), (b'000', {old});
         INSERT INTO c VALUES (1, b'101', {old}), (2, b'000', {old}), (3, b'101', {old});",
    );
    let restore = |dry: bool| {
        let mut cmd = super::Osarchiver::new()
            .subcommand("restore")
            .config_text(&ini)
            .args([
                "--table",
                &format!("{}.p", db.name),
                "--where",
                "f = 5",
                "--with-children",
            ]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    let dry = restore(true);
    dry.assert_success();
    assert_eq!(total(&dry, "restored"), 3, "{dry}");
    let out = restore(false);
    out.assert_success();
    assert_eq!(total(&out, "restored"), 3);
    assert_eq!(db.sql("SELECT f + 0 FROM p").trim(), "5");
    assert_eq!(db.sql("SELECT id FROM c ORDER BY id").trim(), "1\n3");
}

/// A table that references itself, its rows' keys in another order than their chain (`v1`
/// references `v3`, `v2` references `v1`; `a1` references `z9` as `'Z9 '`, equal under the
/// `_ci` PAD SPACE collation): one page is put back parents first (in key order the insert
/// failed with 1452, exit 1, where the dry run said 0).
#[test]
fn a_self_referencing_chain_comes_back_in_any_key_order() {
    let (db, ini) = archived(
        "rs_selfref",
        "CREATE TABLE volumes (id VARCHAR(8) PRIMARY KEY, parent_id VARCHAR(8) NULL,
           deleted_at DATETIME NULL, FOREIGN KEY (parent_id) REFERENCES volumes (id));
         INSERT INTO volumes VALUES ('v3', NULL, {old}), ('v1', 'v3', {old}), ('v2', 'v1', {old}),
           ('z9', NULL, {old}), ('a1', 'Z9 ', {old});",
    );
    assert_eq!(db.sql("SELECT COUNT(*) FROM volumes").trim(), "0");
    let dry = super::restore_all(&ini, &db.name, "volumes")
        .arg("--dry-run")
        .run();
    dry.assert_success();
    let out = super::restore_all(&ini, &db.name, "volumes").run();
    out.assert_success();
    assert_eq!(total(&out, "restored"), 5);
    assert_eq!(
        db.sql("SELECT id, COALESCE(parent_id, '-') FROM volumes ORDER BY id")
            .trim(),
        "a1\tZ9 \nv1\tv3\nv2\tv1\nv3\t-\nz9\t-"
    );
}

/// A generated value the archive computes otherwise than the source did (`a/7` under another
/// `div_precision_increment`), cut to its column: the server warns (1265), and the table
/// fails (exit 1) with the row left in the source. Taking that warning as the value the
/// source held (tried, reverted) archived `'0.14'` for the source's `'0'`, exit 0.
#[test]
fn a_generated_value_the_archive_computes_otherwise_fails_the_table() {
    let s = super::server();
    let db = super::ScratchDb::create(s, "rs_gen_other");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, g VARCHAR(4) AS (a / 7) STORED,
           deleted_at DATETIME NULL);
         SET sql_mode = ''; SET div_precision_increment = 0;
         INSERT INTO t (id, a, deleted_at) VALUES (1, 1, {old});",
        old = crate::pipeline::OLD
    ));
    assert_eq!(db.sql("SELECT g FROM t").trim(), "0");
    let ini = super::Ini::new(s, &[&db.name]).text();
    super::Osarchiver::new()
        .config_text(&ini)
        .run()
        .assert_code(1)
        .output_contains("1265");
    assert_eq!(db.sql("SELECT COUNT(*) FROM t").trim(), "1");
}

/// Two rows of one page referencing one parent by values equal under the collation but not in
/// bytes (`'a'`, `'A'`): the dry run counted the parents found for both, found one, and said a
/// real restore would fail (exit 1), which restored both (exit 0).
#[test]
fn children_naming_one_parent_in_two_spellings_are_foreseen_fine() {
    let (db, ini) = archived(
        "rs_ci_parent",
        "CREATE TABLE p (id VARCHAR(8) COLLATE utf8mb4_general_ci PRIMARY KEY,
           deleted_at DATETIME NULL) DEFAULT CHARSET = utf8mb4;
         CREATE TABLE c (id INT PRIMARY KEY, pid VARCHAR(8) COLLATE utf8mb4_general_ci,
           deleted_at DATETIME NULL, FOREIGN KEY (pid) REFERENCES p (id))
           DEFAULT CHARSET = utf8mb4;
         INSERT INTO p VALUES ('a', NULL);
         INSERT INTO c VALUES (1, 'a', {old}), (2, 'A', {old});",
    );
    let restore = |dry: bool| {
        let mut cmd = super::Osarchiver::new()
            .subcommand("restore")
            .config_text(&ini)
            .args(["--table", &format!("{}.c", db.name), "--where", "1=1"]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    restore(true).assert_success();
    restore(false).assert_success();
    assert_eq!(
        db.sql("SELECT id, pid FROM c ORDER BY id").trim(),
        "1\ta\n2\tA"
    );
}

/// A page of 1,000 children naming 1,000 parents: the dry run looked every parent up in one
/// sum of 1,000 nested terms, which overran the server's thread stack (1436, exit 1) where the
/// restore succeeded. It looks them up 200 at a time.
#[test]
fn a_large_page_of_children_is_foreseen_fine() {
    let (db, ini) = archived(
        "rs_many_parents",
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT, deleted_at DATETIME NULL,
           FOREIGN KEY (pid) REFERENCES p (id));
         INSERT INTO p SELECT seq, NULL FROM seq_1_to_1000;
         INSERT INTO c SELECT seq, seq, {old} FROM seq_1_to_1000;",
    );
    let restore = |dry: bool| {
        let mut cmd = super::Osarchiver::new()
            .subcommand("restore")
            .config_text(&ini)
            .args(["--table", &format!("{}.c", db.name), "--where", "1=1"])
            .args(["--batch-size", "1000"]);
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
    };
    restore(true).assert_success();
    restore(false).assert_success();
    assert_eq!(db.sql("SELECT COUNT(*) FROM c").trim(), "1000");
}
