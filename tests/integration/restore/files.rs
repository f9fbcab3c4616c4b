//! `--file`: restoring from the tool's own SQL and CSV files, packed or compressed, with the
//! same rules as from the archive database.

use crate::harness::{server, Ini, Osarchiver};

use super::{total, Nova, TABLES};

fn restore_from_files(
    nova: &Nova,
    ini: &str,
    files: &[std::path::PathBuf],
    extra: &[&str],
) -> crate::harness::Output {
    let mut cmd = Osarchiver::new()
        .subcommand("restore")
        .config_text(ini)
        .args([
            "--table",
            &format!("{}.instances", nova.db.name),
            "--where",
            "uuid = 'u1'",
            "--with-children",
        ])
        .args(extra);
    for f in files {
        cmd = cmd.arg("--file").arg(f);
    }
    cmd.run()
}

fn wipe(nova: &Nova) {
    nova.db.sql(
        "SET foreign_key_checks = 0; DELETE FROM instances; DELETE FROM instance_metadata; \
         DELETE FROM instance_actions; DELETE FROM instance_actions_events;",
    );
}

#[test]
fn an_instance_comes_back_from_packed_sql_and_compressed_csv_files() {
    for (format, packing) in [
        ("sql", "gztar"),
        ("csv", "zst"),
        ("csv", "zip"),
        ("sql", "xztar"),
    ] {
        let nova = Nova::create("rs_files", 2, 3);
        let before = nova.digests(&nova.db.name, 1);
        let dir = tempfile::tempdir().expect("a directory");
        let ini = Ini::new(server(), &[&nova.db.name])
            .set("archiver:test", "dst", "files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.path().display())
            .set("dst:files", "formats", format)
            .set("dst:files", "archive_format", packing)
            .text();
        Osarchiver::new().config_text(&ini).run().assert_success();
        assert_eq!(nova.counts(&nova.db.name), [0, 0, 0, 0]);
        let suffix = match packing {
            "gztar" => ".tar.gz",
            "xztar" => ".tar.xz",
            "zip" => ".zip",
            _ => ".zst",
        };
        let files: Vec<_> = TABLES
            .iter()
            .map(|t| {
                dir.path()
                    .join(format!("{}.{t}.{format}{suffix}", nova.db.name))
            })
            .collect();
        let out = restore_from_files(&nova, &ini, &files, &[]);
        out.assert_success();
        assert_eq!(total(&out, "restored"), 10, "{format} {packing}");
        assert_eq!(
            nova.digests(&nova.db.name, 1),
            before,
            "{format} {packing}: byte-identical"
        );
        assert_eq!(nova.counts(&nova.db.name), [1, 3, 2, 4]);
        // Never overwrite: a changed live row is a conflict; the dry run says so too.
        nova.db
            .sql("UPDATE instance_metadata SET value = 'live' WHERE id = 1000");
        let dry = restore_from_files(&nova, &ini, &files, &["--dry-run"]);
        dry.assert_code(3);
        assert_eq!(total(&dry, "conflicts"), 1);
        assert_eq!(total(&dry, "already"), 9);
        wipe(&nova);
        assert_eq!(nova.counts(&nova.db.name), [0, 0, 0, 0]);
    }
}

#[test]
fn a_file_of_another_kind_or_with_foreign_statements_is_refused() {
    let nova = Nova::create("rs_badfile", 1, 1);
    let dir = tempfile::tempdir().expect("a directory");
    let bad = dir.path().join(format!("{}.instances.sql", nova.db.name));
    std::fs::write(
        &bad,
        format!("SET NAMES utf8mb4;\nDROP DATABASE `{}`;\n", nova.db.name),
    )
    .expect("write");
    let out = restore_from_files(&nova, &nova.ini, std::slice::from_ref(&bad), &[]);
    out.assert_code(1)
        .output_contains("not a statement the tool writes");
    assert!(nova.db.exists(&nova.db.name), "the DROP was not run");
    // A value that is an expression (a sequence, a stored function) is not a literal the tool
    // writes: refused, in the dry run too, before it runs (it ran: helper 129).
    nova.db.sql("CREATE SEQUENCE s1");
    // The second hides the expression from a lax reading of numbers: the server reads `-- ` as
    // a comment, and the quote that seemed to open a string in it (helper 131).
    for values in ["(NEXTVAL(s1));", "(1-- ,'\n+NEXTVAL(s1)) -- ');"] {
        std::fs::write(
            &bad,
            format!(
                "SET NAMES utf8mb4;\nINSERT INTO `{}`.`instances` (`id`) VALUES\n{values}\n",
                nova.db.name
            ),
        )
        .expect("write");
        for dry in [true, false] {
            let extra: &[&str] = if dry { &["--dry-run"] } else { &[] };
            restore_from_files(&nova, &nova.ini, std::slice::from_ref(&bad), extra)
                .assert_code(1)
                .output_contains("not a literal the tool writes");
        }
    }
    assert_eq!(
        nova.db.sql("SELECT NEXTVAL(s1)").trim(),
        "1",
        "the sequence never moved"
    );
    let odd = dir.path().join("notes.txt");
    std::fs::write(&odd, "x").expect("write");
    restore_from_files(&nova, &nova.ini, &[odd], &[])
        .assert_code(1)
        .output_contains("cannot tell its table from its name");
    restore_from_files(
        &nova,
        &nova.ini,
        &[dir.path().join("x.y.sql")],
        &["--remove-from-archive"],
    )
    .assert_code(2);
}

/// Tables `t` and `t.1`: a dot in a name is written `%2E` in file names, so the files of `t.1`
/// are never read as the second files of `t` (its CSV rows were restored into `t`).
#[test]
fn a_dotted_table_name_is_never_read_as_another_tables_numbered_file() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "dotted");
    db.sql(&format!(
        "CREATE TABLE `t.1` (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO `t.1` VALUES (1, 'one-dot', {old}), (2, 'two-dot', {old});
         INSERT INTO t VALUES (1, 'plain', NULL);",
        old = crate::pipeline::OLD
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "csv")
        .set("dst:files", "archive_format", "tar");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    let file = dir.path().join(format!("{}.t%2E1.csv.tar", db.name));
    assert!(file.exists(), "{file:?}");
    for (table, code) in [("t", 1), ("t.1", 0)] {
        let out = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.{table}", db.name), "--where", "1"])
            .arg("--file")
            .arg(&file)
            .run();
        out.assert_code(code);
    }
    assert_eq!(db.sql("SELECT id, v FROM t").trim(), "1\tplain");
    assert_eq!(
        db.sql("SELECT id, v FROM `t.1` ORDER BY id").trim(),
        "1\tone-dot\n2\ttwo-dot"
    );
}

/// A table whose name has 45 to 64 characters: its staging table (`<table>__osarchiver_restore`)
/// would pass the server's 64, and every restore of it from files failed (1103, exit 1). Two
/// such tables that share their first 40 characters come back, each from its own file.
#[test]
fn tables_with_long_names_come_back_from_files() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "longname");
    let (a, b) = (
        format!("{}_a", "l".repeat(62)),
        format!("{}_b", "l".repeat(62)),
    );
    for (t, v) in [(&a, "one"), (&b, "two")] {
        db.sql(&format!(
            "CREATE TABLE `{t}` (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
             INSERT INTO `{t}` VALUES (1, '{v}', {old});",
            old = crate::pipeline::OLD
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "sql, csv")
        .set("dst:files", "archive_format", "gztar");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for (t, format) in [(&a, "sql"), (&b, "csv")] {
        let file = dir.path().join(format!("{}.{t}.{format}.tar.gz", db.name));
        assert!(file.exists(), "{file:?}");
        Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.{t}", db.name), "--where", "1"])
            .arg("--file")
            .arg(&file)
            .run()
            .assert_success();
    }
    assert_eq!(db.sql(&format!("SELECT v FROM `{a}`")).trim(), "one");
    assert_eq!(db.sql(&format!("SELECT v FROM `{b}`")).trim(), "two");
    // No file of the table asked for: said so (the message named the staging table).
    Osarchiver::new()
        .subcommand("restore")
        .config_text(ini.text())
        .args(["--table", &format!("{}.{a}", db.name), "--where", "1"])
        .arg("--file")
        .arg(dir.path().join(format!("{}.{b}.csv.tar.gz", db.name)))
        .run()
        .assert_code(1)
        .output_contains(&format!("no --file is of `{}`.`{a}`", db.name));
}

/// A partitioned table, which can have no `TEMPORARY` copy (1478): its rows come back from its
/// SQL and CSV files, byte for byte, through a staging table made from its definition without
/// the partitions (its restore failed, exit 1: helper 126).
#[test]
fn a_partitioned_table_comes_back_from_files() {
    use crate::harness::digest::digest;
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_part");
    db.sql(&format!(
        "CREATE TABLE p (id INT NOT NULL, k INT NOT NULL, v VARCHAR(10), deleted_at DATETIME NULL,
           PRIMARY KEY (id, k), UNIQUE KEY (k, id)) PARTITION BY HASH (k) PARTITIONS 3;
         INSERT INTO p SELECT seq, seq % 5, CONCAT('v', seq), {} FROM seq_1_to_9;",
        crate::pipeline::OLD
    ));
    let before = digest(s, &db.name, "p", "1");
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "sql, csv");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for format in ["sql", "csv"] {
        db.sql("DELETE FROM p");
        Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.p", db.name), "--where", "1"])
            .arg("--file")
            .arg(dir.path().join(format!("{}.p.{format}.tar", db.name)))
            .run()
            .assert_success();
        assert_eq!(digest(s, &db.name, "p", "1"), before, "{format}");
    }
}

/// A plain SQL or CSV file cut inside its last batch (a run killed while it wrote): the rows
/// before the cut come back, the cut record is left out, and the restore says so (it said
/// nothing, exit 0).
#[test]
fn a_cut_plain_file_restores_its_whole_records_and_says_it_was_cut() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "cutfile");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'one', {old}), (2, 'two', {old});",
        old = crate::pipeline::OLD
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "sql, csv")
        .set("dst:files", "archive_format", "tar")
        .src("select_limit", 1)
        .src("delete_limit", 1);
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    for (format, said, after_comma) in [
        ("sql", "ends in a statement cut short", false),
        ("csv", "ends in a record cut short", false),
        // Cut right after a field's comma: the record is cut all the same (it was left out
        // without a word).
        ("csv", "ends in a record cut short", true),
    ] {
        let name = format!("{}.t.{format}", db.name);
        let tar = dir.path().join(format!("{name}.tar"));
        let mut archive = tar::Archive::new(std::fs::File::open(&tar).unwrap());
        let mut entry = archive.entries().unwrap().next().unwrap().unwrap();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
        // Cut inside the last record: its last value's closing bytes are gone.
        let at = if after_comma {
            body.windows(4).rposition(|w| w == b"\"2\",").unwrap() + 4
        } else {
            body.windows(3).rposition(|w| w == b"two").unwrap() + 2
        };
        let cut = dir.path().join(&name);
        std::fs::write(&cut, &body[..at]).unwrap();
        let out = Osarchiver::new()
            .subcommand("restore")
            .config_text(ini.text())
            .args(["--table", &format!("{}.t", db.name), "--where", "1"])
            .arg("--file")
            .arg(&cut)
            .run();
        out.assert_success().output_contains(said);
        assert_eq!(db.sql("SELECT id, v FROM t").trim(), "1\tone", "{format}");
        db.sql("DELETE FROM t");
    }
}

/// The SQL files of two runs hold rows 1 and 2, which share the value of another unique key
/// of the source (`name`): row 2 came after row 1 was archived. Staged together, the second
/// file's `ON DUPLICATE KEY UPDATE` met that key and rewrote row 1 into row 2: row 1 was gone,
/// exit 0. Only the row key is unique in the staging table now: row 1 comes back, and row 2
/// is a conflict on `name` (exit 3).
#[test]
fn the_files_of_two_runs_never_merge_rows_on_another_unique_key() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_merge");
    let old = crate::pipeline::OLD;
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL, v INT,
           deleted_at DATETIME NULL, UNIQUE KEY (name));
         INSERT INTO t VALUES (1, 'n', 10, {old});"
    ));
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ini = |dir: &std::path::Path| {
        Ini::new(s, &[&db.name])
            .set("archiver:test", "dst", "files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "sql")
            .set("dst:files", "archive_format", "gz")
            .text()
    };
    Osarchiver::new()
        .config_text(ini(a.path()))
        .run()
        .assert_success();
    db.sql(&format!("INSERT INTO t VALUES (2, 'n', 20, {old});"));
    Osarchiver::new()
        .config_text(ini(b.path()))
        .run()
        .assert_success();
    let file = |dir: &std::path::Path| dir.join(format!("{}.t.sql.gz", db.name));
    let out = Osarchiver::new()
        .subcommand("restore")
        .config_text(ini(a.path()))
        .args(["--table", &format!("{}.t", db.name), "--where", "1"])
        .arg("--file")
        .arg(file(a.path()))
        .arg("--file")
        .arg(file(b.path()))
        .run();
    out.assert_code(3);
    assert_eq!(total(&out, "conflicts"), 1, "{out}");
    assert_eq!(db.sql("SELECT id, name, v FROM t").trim(), "1\tn\t10");
}

/// The CSV files of two runs may hold one row: archived by a run that did not delete it
/// (`delete_data = false`), changed, then archived and deleted by the next. Restored from both,
/// the later file's row wins, as with SQL files (the CSV staging used to fail on the
/// duplicate key, 1062, exit 1).
#[test]
fn csv_files_of_two_runs_holding_one_row_restore_the_later() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_csv2");
    let old = crate::pipeline::OLD;
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v INT, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 10, {old}), (2, 20, {old});"
    ));
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ini = |dir: &std::path::Path, delete: bool| {
        Ini::new(s, &[&db.name])
            .src("delete_data", delete)
            .set("archiver:test", "dst", "files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "csv")
            .set("dst:files", "archive_format", "gz")
            .text()
    };
    Osarchiver::new()
        .config_text(ini(a.path(), false))
        .run()
        .assert_success();
    db.sql("UPDATE t SET v = 11 WHERE id = 1");
    Osarchiver::new()
        .config_text(ini(b.path(), true))
        .run()
        .assert_success();
    assert_eq!(db.sql("SELECT COUNT(*) FROM t").trim(), "0");
    let file = |dir: &std::path::Path| dir.join(format!("{}.t.csv.gz", db.name));
    let out = super::restore_all(&ini(a.path(), true), &db.name, "t")
        .arg("--file")
        .arg(file(a.path()))
        .arg("--file")
        .arg(file(b.path()))
        .run();
    out.assert_success();
    assert_eq!(
        db.sql("SELECT id, v FROM t ORDER BY id").trim(),
        "1\t11\n2\t20",
        "{out}"
    );
}

/// A SQL file records the columns its rows were written with; restored after a column was
/// retyped (a `DOUBLE` made `FLOAT`: values would come back rounded, exit 0), the file is
/// refused, naming both definitions. Back to its type, the same file restores.
#[test]
fn a_sql_file_is_refused_after_its_columns_were_retyped() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_retype");
    let old = crate::pipeline::OLD;
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v DOUBLE, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 0.1234567890123, {old});"
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "sql")
        .set("dst:files", "archive_format", "gz")
        .text();
    Osarchiver::new().config_text(&ini).run().assert_success();
    db.sql("ALTER TABLE t MODIFY v FLOAT");
    let restore = || {
        super::restore_all(&ini, &db.name, "t")
            .arg("--file")
            .arg(dir.path().join(format!("{}.t.sql.gz", db.name)))
            .run()
    };
    restore()
        .assert_code(1)
        .output_contains(
            "it was written with the columns [id int(11), v double, deleted_at datetime]",
        )
        .output_contains("v float");
    assert_eq!(db.sql("SELECT COUNT(*) FROM t").trim(), "0");
    db.sql("ALTER TABLE t MODIFY v DOUBLE");
    restore().assert_success();
    assert_eq!(db.sql("SELECT v FROM t").trim(), "0.1234567890123");
}

/// A CSV file does not record its columns' types, but the SQL file written with it does: a
/// CSV restore checks against it, and refuses a file whose columns were retyped since (a
/// `VARBINARY` made `VARCHAR`: its hexadecimal came back as text, exit 0).
#[test]
fn a_csv_file_is_checked_against_its_sql_file() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_csvtype");
    let old = crate::pipeline::OLD;
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, b VARBINARY(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'hi', {old});"
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "csv, sql")
        .set("dst:files", "archive_format", "gz")
        .text();
    Osarchiver::new().config_text(&ini).run().assert_success();
    db.sql("ALTER TABLE t MODIFY b VARCHAR(10) CHARACTER SET utf8mb4");
    let restore = || {
        super::restore_all(&ini, &db.name, "t")
            .arg("--file")
            .arg(dir.path().join(format!("{}.t.csv.gz", db.name)))
            .run()
    };
    restore()
        .assert_code(1)
        .output_contains("checked against its SQL file")
        .output_contains("b varbinary(10)");
    assert_eq!(db.sql("SELECT COUNT(*) FROM t").trim(), "0");
    db.sql("ALTER TABLE t MODIFY b VARBINARY(10)");
    restore().assert_success();
    assert_eq!(db.sql("SELECT HEX(b) FROM t").trim(), "6869");
}

/// A database whose name holds a dot: `--table` takes it in backticks, as SQL writes it, and
/// its files (`<db with %2E>.t...`) come back. `--table` split at the first dot, and no
/// spelling reached the table.
#[test]
fn a_database_named_with_a_dot_is_restored_from_its_files() {
    let s = server();
    let scratch = crate::harness::ScratchDb::create(s, "dotdb");
    let dotted = format!("{}.x", scratch.name);
    s.sql(&format!(
        "CREATE DATABASE `{dotted}`;
         CREATE TABLE `{dotted}`.t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO `{dotted}`.t VALUES (1, 'one', {old});",
        old = crate::pipeline::OLD
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&dotted])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "sql")
        .set("dst:files", "archive_format", "gztar");
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    let file = dir
        .path()
        .join(format!("{}%2Ex.t.sql.tar.gz", scratch.name));
    assert!(
        file.exists(),
        "{:?}",
        crate::file::support::file_names(dir.path())
    );
    let out = Osarchiver::new()
        .subcommand("restore")
        .config_text(ini.text())
        .args(["--table", &format!("`{dotted}`.t"), "--where", "1"])
        .arg("--file")
        .arg(&file)
        .run();
    let back = s.sql(&format!("SELECT v FROM `{dotted}`.t"));
    s.sql(&format!("DROP DATABASE `{dotted}`"));
    out.assert_success();
    assert_eq!(back.trim(), "one");
}

/// A utf8mb4 value the server holds but that is not UTF-8 (an encoded surrogate, which
/// MariaDB accepts) is written to the CSV file as its bytes, and comes back from it byte for
/// byte (restore used to refuse the file: "field 2 is not UTF-8", exit 1).
#[test]
fn a_csv_value_that_is_not_utf8_comes_back_byte_for_byte() {
    let s = server();
    let db = crate::harness::ScratchDb::create(s, "rs_csvsurr");
    let old = crate::pipeline::OLD;
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10) CHARACTER SET utf8mb4, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, CONVERT(X'EDA181' USING utf8mb4), {old}), (2, 'é', {old});"
    ));
    let before = db.sql("SELECT id, HEX(s) FROM t ORDER BY id");
    assert!(before.contains("EDA181"), "{before}");
    let dir = tempfile::tempdir().unwrap();
    let ini = Ini::new(s, &[&db.name])
        .set("archiver:test", "dst", "files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "csv")
        .set("dst:files", "archive_format", "tar")
        .text();
    Osarchiver::new()
        .config_text(ini.clone())
        .run()
        .assert_success();
    assert_eq!(db.sql("SELECT COUNT(*) FROM t").trim(), "0");
    let out = super::restore_all(&ini, &db.name, "t")
        .arg("--file")
        .arg(dir.path().join(format!("{}.t.csv.tar", db.name)))
        .run();
    out.assert_success();
    assert_eq!(
        db.sql("SELECT id, HEX(s) FROM t ORDER BY id"),
        before,
        "{out}"
    );
}
