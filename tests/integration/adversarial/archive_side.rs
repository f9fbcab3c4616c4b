//! Attacks from the archive side and from old server settings: a trigger on an existing
//! archive table that rewrites what it is given, dates that only `ALLOW_INVALID_DATES`
//! stores (`2020-02-31`), and an archive table dropped during its walk.

use crate::harness::digest::count;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};

use super::completeness::{deletes_have_begun, until_it_lands, Landed};
use super::everywhere::{hex_rows, Case, OLD};

/// An archive table dropped during its table's walk fails that table, and that table only:
/// the chunk that met it had begun its transaction in the same round trip, and left it open
/// on the session the next table then used (its statements ran inside it, and its next chunk
/// failed with 1568, "Transaction characteristics can't be changed while a transaction is in
/// progress", with most of its rows left).
#[test]
fn an_archive_table_dropped_mid_walk_fails_its_table_alone() {
    let wrong = until_it_lands("archive table dropped", |pace| {
        let s = server();
        let db = ScratchDb::create(s, "arc_drop");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_40;
             CREATE TABLE u (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO u SELECT seq, {OLD} FROM seq_1_to_30;"
        ));
        let ini = Ini::new(s, &[&db.name])
            .src("select_limit", 10)
            .src("delete_limit", 5)
            .src("delete_loop_delay", pace);
        let running = Osarchiver::new().config_text(ini.text()).spawn();
        deletes_have_begun(&db);
        db.sql(&format!("DROP TABLE {}", db.qa("t")));
        let out = running.wait();
        if count(s, &db.name, "t", "1") == 0 {
            return Landed::Late;
        }
        let text = format!("{}{}", out.stdout, out.stderr);
        let u_left = count(s, &db.name, "u", "1");
        Landed::Checked(
            (out.code != Some(1) || u_left != 0 || text.contains("1568"))
                .then(|| format!("exit {:?}, {u_left} rows of u left\n{out}", out.code)),
        )
    });
    assert!(wrong.is_none(), "{}", wrong.unwrap_or_default());
}

const ELIGIBLE: &str = "deleted_at IS NOT NULL";

#[test]
fn an_archive_table_with_a_trigger_is_refused_and_nothing_is_deleted() {
    let case = Case::new("adv_trg");
    case.src.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', NULL);"
    ));
    // An archive table as this version would create it, plus a trigger that rewrites rows.
    server().sql(&format!(
        "CREATE DATABASE `{}`; CREATE TABLE {a} LIKE {t};
         CREATE TRIGGER {trg} BEFORE INSERT ON {a} FOR EACH ROW SET NEW.v = UPPER(NEW.v);",
        case.src.archive(),
        a = case.src.qa("t"),
        t = case.src.q("t"),
        trg = case.src.qa("shout"),
    ));
    let before = hex_rows(&case.src.name, "t", "1");
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&case.src.name]).text())
        .run();
    out.assert_code(1)
        .output_contains("has triggers (shout (BEFORE INSERT))");
    assert_eq!(
        hex_rows(&case.src.name, "t", "1"),
        before,
        "nothing deleted"
    );
    assert_eq!(
        hex_rows(&case.src.archive(), "t", "1"),
        Vec::<String>::new()
    );
}

#[test]
fn dates_stored_with_allow_invalid_dates_are_archived_identically() {
    let case = Case::new("adv_baddate");
    case.src.sql(&format!(
        "CREATE TABLE d (id INT PRIMARY KEY, dt DATE, dtm DATETIME(3), deleted_at DATETIME NULL);
         SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
         INSERT INTO d VALUES (1, '2020-02-31', '2021-04-31 10:11:12.345', {OLD}),
           (2, '2020-02-29', '2000-00-00 00:00:00', {OLD}),
           (3, '2019-02-30', NULL, NULL);"
    ));
    assert_eq!(
        case.src.sql("SELECT dt FROM d WHERE id = 1").trim(),
        "2020-02-31",
        "the fixture holds an invalid date"
    );
    case.restore_targets("d");
    let before = hex_rows(&case.src.name, "d", ELIGIBLE);
    let rest = hex_rows(&case.src.name, "d", &format!("NOT ({ELIGIBLE})"));
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "d", ELIGIBLE, &before, &rest, &[]);
}

#[test]
fn a_partition_added_to_the_source_later_does_not_stop_the_archive() {
    let case = Case::new("adv_part");
    case.src.sql(&format!(
        "CREATE TABLE p (id INT NOT NULL, region INT NOT NULL, deleted_at DATETIME NULL,
           PRIMARY KEY (id, region))
           PARTITION BY LIST (region) (PARTITION r1 VALUES IN (1));
         INSERT INTO p VALUES (1, 1, {OLD}), (2, 1, NULL);"
    ));
    case.restore_targets("p");
    let out = case.run(|ini| ini);
    out.assert_success();
    // Later the operators open region 2, in the source only. (The archive table made by the
    // first run stays; its row is cleared so that it holds this run's rows only.)
    server().sql(&format!("DELETE FROM {}", case.src.qa("p")));
    case.src.sql(&format!(
        "ALTER TABLE p ADD PARTITION (PARTITION r2 VALUES IN (2));
         INSERT INTO p VALUES (3, 2, {OLD}), (4, 2, NULL);"
    ));
    for db in [&case.sql, &case.csv] {
        server().sql(&format!(
            "ALTER TABLE {} ADD PARTITION (PARTITION r2 VALUES IN (2))",
            db.q("p")
        ));
    }
    let before = hex_rows(&case.src.name, "p", "id = 3");
    let rest = hex_rows(&case.src.name, "p", "NOT (id = 3)");
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "p", "id = 3", &before, &rest, &[]);
    let archive = server().sql(&format!(
        "SELECT CREATE_OPTIONS FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = 'p'",
        case.src.archive()
    ));
    assert!(!archive.contains("partitioned"), "{archive}");
}

/// Sources in engines that do not keep committed rows (MEMORY loses them at a restart, MyISAM
/// and Aria neither commit nor flush a batch): their archive tables are InnoDB, with the rows
/// identical. An existing archive table in such an engine (here MEMORY, empty after the next
/// restart) is refused, and nothing is deleted.
#[test]
fn archive_tables_are_durable_whatever_the_source_engine() {
    let case = Case::new("adv_eng");
    for engine in ["MEMORY", "MyISAM", "Aria"] {
        case.src.sql(&format!(
            "CREATE TABLE t_{engine} (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL)
               ENGINE={engine} ROW_FORMAT=FIXED;
             INSERT INTO t_{engine} VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', NULL);"
        ));
    }
    let before: Vec<_> = ["MEMORY", "MyISAM", "Aria"]
        .iter()
        .map(|e| hex_rows(&case.src.name, &format!("t_{e}"), ELIGIBLE))
        .collect();
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&case.src.name]).text())
        .run();
    out.assert_success();
    for (engine, before) in ["MEMORY", "MyISAM", "Aria"].iter().zip(before) {
        let table = format!("t_{engine}");
        assert_eq!(
            hex_rows(&case.src.archive(), &table, "1"),
            before,
            "{engine}"
        );
        let archive_engine = server().sql(&format!(
            "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' AND TABLE_NAME = '{table}'",
            case.src.archive()
        ));
        assert_eq!(archive_engine.trim(), "InnoDB", "{engine}");
    }

    let other = Case::new("adv_bh");
    other.src.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {OLD});"
    ));
    server().sql(&format!(
        "CREATE DATABASE `{}`; CREATE TABLE {} (id INT PRIMARY KEY, deleted_at DATETIME NULL) ENGINE=MEMORY;",
        other.src.archive(),
        other.src.qa("t"),
    ));
    let out = Osarchiver::new()
        .config_text(Ini::new(server(), &[&other.src.name]).text())
        .run();
    out.assert_code(1).output_contains("uses the MEMORY engine");
    assert_eq!(
        hex_rows(&other.src.name, "t", "1").len(),
        1,
        "nothing deleted"
    );
}

/// A row whose literal `INSERT` outgrows `max_allowed_packet` (binary data is written `X'..'`,
/// two characters a byte: a blob of 60% of the packet) while the row itself fits: archived
/// the client's way (`server_side_copy = false`, the way of an archive on another server) and
/// restored, byte for byte, its values bound. It used to be refused by the driver, retried as a
/// lost connection and fail the table on every run (exit 1), while the dry run said exit 0.
#[test]
fn a_row_too_large_as_a_literal_is_archived_and_restored_bound() {
    use crate::harness::ScratchDb;
    let s = server();
    let db = ScratchDb::create(s, "bigrow");
    let packet: u64 = s
        .sql("SELECT @@GLOBAL.max_allowed_packet")
        .trim()
        .parse()
        .unwrap();
    let size = packet * 6 / 10;
    let part = packet * 4 / 10;
    // Row 1: a blob too large as hex; row 2: latin1 text too large as `_latin1 X'..'`; rows 4
    // and 5: blobs that fit alone as hex, not together.
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB, c LONGTEXT CHARACTER SET latin1, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, REPEAT(X'00FF41', {size} DIV 3), X'E9', {OLD}),
                              (2, X'00', REPEAT(CONVERT(X'E9FF41' USING latin1), {size} DIV 3), {OLD}),
                              (3, 'live', 'x', NULL),
                              (4, REPEAT(X'AB', {part}), NULL, {OLD}), (5, REPEAT(X'CD', {part}), NULL, {OLD});"
    ));
    let sums = |d: &str| {
        s.sql(&format!(
            "SELECT id, LENGTH(b), MD5(b), LENGTH(c), MD5(c) FROM `{d}`.t WHERE deleted_at IS NOT NULL ORDER BY id"
        ))
    };
    let before = sums(&db.name);
    let ini = Ini::new(s, &[&db.name]).dst("server_side_copy", "false");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_success();
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(sums(&db.archive()), before, "the archive holds the rows");
    assert_eq!(s.sql(&format!("SELECT id FROM {}", db.q("t"))).trim(), "3");
    Osarchiver::new()
        .subcommand("restore")
        .config_text(ini.text())
        .args(["--table", &format!("{}.t", db.name), "--where", "1"])
        .run()
        .assert_success();
    assert_eq!(sums(&db.name), before, "the rows are back");
}

/// An archive table made beforehand without a unique index on the source's key (a plain
/// `KEY`, or none): a row archived already would be written again, and another row under the
/// same key would go in beside it, unseen. It is refused, by the dry run as by the run, with
/// the `ALTER TABLE` to run; nothing moves. The run used to archive a duplicate and delete the
/// row (exit 0) where the dry run predicted a conflict (exit 3).
#[test]
fn an_archive_table_without_a_unique_key_is_refused() {
    for index in ["", ", KEY (id)"] {
        let case = Case::new("adv_nouniq");
        case.src.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
             INSERT INTO t VALUES (1, 'x', {OLD}), (2, 'y', {OLD});"
        ));
        server().sql(&format!(
            "CREATE DATABASE `{}`;
             CREATE TABLE {a} (id INT, v VARCHAR(10), deleted_at DATETIME NULL{index});
             INSERT INTO {a} VALUES (1, 'old', NULL);",
            case.src.archive(),
            a = case.src.qa("t"),
        ));
        let ini = Ini::new(server(), &[&case.src.name]);
        for dry in [true, false] {
            let mut cmd = Osarchiver::new().config_text(ini.text());
            if dry {
                cmd = cmd.arg("--dry-run");
            }
            cmd.run()
                .assert_code(1)
                .output_contains("has no unique index on the source's key (`id`)")
                .output_contains("ADD UNIQUE (`id`)");
        }
        assert_eq!(hex_rows(&case.src.name, "t", "1").len(), 2, "{index}");
        assert_eq!(hex_rows(&case.src.archive(), "t", "1").len(), 1, "{index}");
    }
}

/// A row larger than the server's `max_allowed_packet` (stored while it was larger): the
/// server sends it whole, and the driver used to refuse it at the server's limit, which was
/// retried as a lost connection and failed the table (exit 1) where the dry run said exit 0.
/// The locked way (an archive on the source's server) archives it, with files, byte for byte.
/// The client's way cannot send it to a server whose packet is smaller than one of its
/// values: it fails the table at once, saying what to raise, and nothing is deleted.
#[test]
fn a_row_larger_than_the_servers_packet_is_archived() {
    use crate::harness::{dedicated_server, ScratchDb};
    if !server().is_private() {
        return;
    }
    let s = dedicated_server();
    for copy in ["true", "false"] {
        let db = ScratchDb::create(&s, "hugerow");
        s.sql("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024");
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB, deleted_at DATETIME NULL);
             INSERT INTO t VALUES (1, REPEAT(X'00FF41', 7000000), {OLD}), (2, 'small', {OLD});"
        ));
        s.sql("SET GLOBAL max_allowed_packet = 16 * 1024 * 1024");
        let sums = |d: &str| {
            s.sql(&format!(
                "SELECT id, LENGTH(b), MD5(b) FROM `{d}`.t ORDER BY id"
            ))
        };
        let before = sums(&db.name);
        assert!(before.contains("21000000"), "{before}");
        let cmd = Osarchiver::new();
        let ini = Ini::new(&s, &[&db.name])
            .dst("server_side_copy", copy)
            .files("dst, files", &cmd.dir().join("out"), "csv, sql");
        if copy == "false" {
            let out = cmd.config_text(ini.text()).run();
            out.assert_code(1)
                .output_contains("larger than the server's max_allowed_packet (16777216 bytes)");
            assert!(!out.stderr.contains("attempt 2/"), "retried\n{out}");
            assert_eq!(sums(&db.name), before, "nothing deleted");
            continue;
        }
        Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run()
            .assert_success();
        cmd.config_text(ini.text()).run().assert_success();
        assert_eq!(sums(&db.archive()), before, "server_side_copy = {copy}");
        assert_eq!(
            s.sql(&format!("SELECT COUNT(*) FROM {}", db.q("t"))).trim(),
            "0"
        );
    }
}

/// An archive server that folds names to lower case (`lower_case_table_names = 1`) takes the
/// source's `Tb` and `tb` for one table: both are refused, by the dry run too, naming the
/// pair, and nothing of them is deleted (the other tables go). Their rows went into one archive
/// table (exit 0), and a restore gave each table the other's rows.
#[test]
fn tables_differing_by_case_are_refused_by_an_archive_server_that_folds_names() {
    use crate::harness::{dedicated_server_with, Launch, ScratchDb};
    if !server().is_private() {
        return;
    }
    let archive = dedicated_server_with(Launch {
        args: vec!["--lower-case-table-names=1".into()],
        ..Launch::default()
    });
    assert_eq!(archive.sql("SELECT @@lower_case_table_names").trim(), "1");
    let s = server();
    let db = ScratchDb::create(s, "case_twins");
    db.sql(&format!(
        "CREATE TABLE Tb (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         CREATE TABLE tb LIKE Tb;
         CREATE TABLE other LIKE Tb;
         INSERT INTO Tb VALUES (1, 'same', {OLD}), (2, 'upper only', {OLD});
         INSERT INTO tb VALUES (1, 'same', {OLD}), (3, 'lower only', {OLD});
         INSERT INTO other VALUES (1, 'x', {OLD});
         SET NAMES utf8mb4;
         CREATE TABLE ix LIKE Tb;
         CREATE TABLE `İx` LIKE Tb;
         INSERT INTO ix VALUES (1, 'i', {OLD});
         INSERT INTO `İx` VALUES (1, 'dotted', {OLD});"
    ));
    let ini = Ini::new(s, &[&db.name]).dst_server(&archive);
    for dry in [true, false] {
        let mut cmd = Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .output_contains("folds names to lower case (lower_case_table_names = 1)")
            .output_contains(&format!("`{}`.`tb`", db.name))
            // The server lowers `İ` to `i` (Unicode's lower case is `i̇`).
            .output_contains(&format!("`{}`.`İx`", db.name));
    }
    assert_eq!(count(s, &db.name, "ix", "1"), 1);
    assert_eq!(count(s, &db.name, "İx", "1"), 1);
    assert_eq!(count(s, &db.name, "Tb", "1"), 2);
    assert_eq!(count(s, &db.name, "tb", "1"), 2);
    assert_eq!(count(s, &db.name, "other", "1"), 0);
}
