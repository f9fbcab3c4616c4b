//! The server-side copy (an archive database on the source's own server): rows are copied with
//! `INSERT ... SELECT` and a source row is deleted only when its archived copy is identical, byte
//! for byte. The same cases run with `server_side_copy = false` (every row through osarchiver):
//! both ways must leave the same rows, in the source and in the archive.

use crate::harness::digest::digest;
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server};

use super::OLD;

/// Rows whose archived copy differs from the source only in ways that equality (`=`, `<=>`)
/// does not see: each is a conflict and stays; the identical ones go.
#[test]
fn only_rows_identical_to_their_archived_copy_leave_the_source() {
    let s = server();
    for server_side in [true, false] {
        let db = ScratchDb::create(s, if server_side { "sscopy" } else { "clcopy" });
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY,
               s VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,
               f DOUBLE, b VARBINARY(4), l VARCHAR(10) CHARACTER SET latin1,
               deleted_at DATETIME(6) NULL);
             INSERT INTO t VALUES
               (1, 'same', 0.5, 'a', 'caf\\xe9', {OLD}),
               (2, 'abc', 0.5, 'a', 'x', {OLD}),
               (3, 'abc', 0.5, 'a', 'x', {OLD}),
               (4, 'abc', 0.3, 'a', 'x', {OLD}),
               (5, 'abc', 0.5, 'a', 'x', {OLD}),
               (6, 'new', 0.5, 'a', 'x', {OLD}),
               (7, 'abc', 0.5, 'a', 'x', {OLD});
             UPDATE t SET l = CONVERT(_latin1 0x636166E9 USING latin1) WHERE id = 1;
             CREATE DATABASE `{archive}`;
             CREATE TABLE `{archive}`.t LIKE t;
             INSERT INTO `{archive}`.t SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5, 7);
             -- A trailing space (PAD SPACE: 'abc' = 'abc ').
             UPDATE `{archive}`.t SET s = 'abc ' WHERE id = 2;
             -- Case (a case-insensitive collation).
             UPDATE `{archive}`.t SET s = 'ABC' WHERE id = 3;
             -- The last bits of a double.
             UPDATE `{archive}`.t SET f = 0.1e0 + 0.2e0 WHERE id = 4;
             -- A binary string one zero byte longer.
             UPDATE `{archive}`.t SET b = 0x6100 WHERE id = 5;
             -- Latin-1 text, other bytes that a collation may call equal ('e' and 'é').
             UPDATE `{archive}`.t SET l = 'cafe', s = 'abc' WHERE id = 7;
             UPDATE t SET l = CONVERT(_latin1 0x636166E9 USING latin1) WHERE id = 7;",
            archive = db.archive()
        ));
        let kept = digest(s, &db.name, "t", "id IN (2, 3, 4, 5, 7)");
        let moved = digest(s, &db.name, "t", "id IN (1, 6)");
        let archived_before = digest(s, &db.archive(), "t", "id IN (2, 3, 4, 5, 7)");
        let out = Osarchiver::new()
            .config_text(
                Ini::new(s, &[&db.name])
                    .dst("server_side_copy", server_side)
                    .text(),
            )
            .arg("--debug")
            .run();
        out.assert_code(3);
        let used = format!("`{}`.`t`: rows are copied inside the server", db.name);
        if server_side {
            out.output_contains(&used);
        } else {
            out.output_lacks(&used);
        }
        assert_eq!(
            digest(s, &db.name, "t", "1"),
            kept,
            "server_side_copy = {server_side}: exactly the conflicting rows stay, unchanged"
        );
        assert_eq!(
            digest(s, &db.archive(), "t", "id IN (1, 6)"),
            moved,
            "server_side_copy = {server_side}: the identical rows are archived as they were"
        );
        assert_eq!(
            digest(s, &db.archive(), "t", "id IN (2, 3, 4, 5, 7)"),
            archived_before,
            "server_side_copy = {server_side}: the archive's own rows are not overwritten"
        );
        let row = out.table_row(&db.name, "t");
        assert_eq!(
            (row.num("read"), row.num("deleted"), row.num("conflicts")),
            (7, 2, 5),
            "server_side_copy = {server_side}"
        );
    }
}

/// The source's user may not write the archive (no locked copy by the source's session), and
/// the archive's user may not read the source table: the copy inside the server fails, and the
/// rows go through osarchiver instead, all of them, as if `server_side_copy` were off.
#[test]
fn an_archive_user_that_cannot_read_the_source_gets_the_rows_through_osarchiver() {
    let s = server();
    let db = ScratchDb::create(s, "ssgrant");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', NULL);"
    ));
    let user = crate::harness::unique_name("osa_ssgrant");
    let src_user = crate::harness::unique_name("osa_ssgrant_src");
    s.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
         GRANT ALL ON `{archive}`.* TO '{user}'@'%';
         CREATE USER '{src_user}'@'%' IDENTIFIED BY 'pw';
         GRANT PROCESS ON *.* TO '{src_user}'@'%';
         GRANT ALL ON `{source}`.* TO '{src_user}'@'%';
         GRANT SELECT ON `{archive}`.* TO '{src_user}'@'%';",
        archive = db.archive(),
        source = db.name
    ));
    let moved = digest(s, &db.name, "t", "id IN (1, 2)");
    let out = Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("user", &src_user)
                .src("password", "pw")
                .dst("user", &user)
                .dst("password", "pw")
                .text(),
        )
        .args(["--debug"])
        .run();
    s.sql(&format!("DROP USER '{user}'@'%'"));
    s.sql(&format!("DROP USER '{src_user}'@'%'"));
    out.output_contains("the source's session cannot copy into");
    out.assert_success();
    out.output_contains("the server-side copy failed");
    assert_eq!(digest(s, &db.archive(), "t", "1"), moved);
    assert_eq!(
        digest(s, &db.name, "t", "1").0,
        1,
        "only the live row stays"
    );
    let row = out.table_row(&db.name, "t");
    assert_eq!((row.num("read"), row.num("deleted")), (2, 2));
}

/// With a file destination beside the archive database, the files get every archived row,
/// whether the copy was made inside the server (rows read back) or refused (the archive's user
/// cannot read the source: the rows go through osarchiver, files included).
#[test]
fn the_files_get_every_row_whether_the_copy_inside_the_server_works_or_not() {
    use std::io::Read;
    let s = server();
    // The locked way (the source's user writes the archive), the three stages (it may not:
    // the files get the rows read back from the archive), and a refused copy (nor may the
    // archive's user read the source: every row through osarchiver).
    for way in ["locked", "stages", "refused"] {
        let refused = way == "refused";
        let db = ScratchDb::create(s, &format!("ssf{way}"));
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
             INSERT INTO t VALUES (1, 'first', {OLD}), (2, 'second', {OLD}), (3, 'live', NULL);"
        ));
        let user = crate::harness::unique_name("osa_ssfiles");
        let src_user = crate::harness::unique_name("osa_ssfiles_src");
        s.sql(&format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
             GRANT ALL ON `{archive}`.* TO '{user}'@'%';
             CREATE USER '{src_user}'@'%' IDENTIFIED BY 'pw';
             GRANT PROCESS ON *.* TO '{src_user}'@'%';
         GRANT PROCESS ON *.* TO '{src_user}'@'%';
             GRANT ALL ON `{source}`.* TO '{src_user}'@'%';
             GRANT SELECT ON `{archive}`.* TO '{src_user}'@'%';",
            archive = db.archive(),
            source = db.name
        ));
        let cmd = Osarchiver::new();
        let dir = cmd.dir().join("files");
        let mut ini = Ini::new(s, &[&db.name])
            .set("archiver:test", "dst", "dst, files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "csv")
            .set("dst:files", "archive_format", "gz");
        if way != "locked" {
            ini = ini.src("user", &src_user).src("password", "pw");
        }
        if refused {
            ini = ini.dst("user", &user).dst("password", "pw");
        }
        let out = cmd.config_text(ini.text()).args(["--debug"]).run();
        s.sql(&format!("DROP USER '{user}'@'%'"));
        s.sql(&format!("DROP USER '{src_user}'@'%'"));
        out.assert_success();
        if way == "locked" {
            assert!(
                !out.stdout.contains("cannot copy into"),
                "the locked way was not taken\n{out}"
            );
        } else {
            out.output_contains("the source's session cannot copy into");
        }
        if refused {
            out.output_contains("the server-side copy failed");
        }
        let path = dir.join(format!("{}.t.csv.gz", db.name));
        let mut csv = String::new();
        flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).expect("the CSV file"))
            .read_to_string(&mut csv)
            .expect("gzip");
        let records: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(records.len(), 2, "{way}: {csv}");
        assert!(csv.contains("first") && csv.contains("second") && !csv.contains("live"));
        let row = out.table_row(&db.name, "t");
        assert_eq!(
            (row.num("read"), row.num("deleted"), row.get("archived")),
            (2, 2, "dst=2 files=2"),
            "{way}"
        );
    }
}

/// Rows updated all the time while they are archived: a row leaves the source only as the
/// archive holds it. Another session updates blocks of 100 rows over and over (`v = v + 1`),
/// logging in the same transaction the values it committed; afterwards, every row gone from
/// the source must be in the archive with the last value committed before it went. Both ways:
/// server-side copy and through osarchiver.
#[test]
fn rows_updated_while_they_are_archived_leave_the_source_as_the_archive_holds_them() {
    let s = server();
    for server_side in [true, false] {
        let db = ScratchDb::create(s, if server_side { "sshammer" } else { "clhammer" });
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, pad VARCHAR(40),
               deleted_at DATETIME(6) NULL);
             INSERT INTO t SELECT seq, 0, REPEAT('x', 40), {OLD} FROM seq_1_to_20000;
             CREATE TABLE log (id INT NOT NULL, v INT NOT NULL, KEY (id));"
        ));
        let hammer = {
            let name = db.name.clone();
            std::thread::spawn(move || {
                // Longer than the run: blocks of 100 rows in turn, each block's new values
                // logged in the same transaction.
                let mut script = String::new();
                for _round in 0..40 {
                    for block in 0..200 {
                        let (lo, hi) = (block * 100 + 1, block * 100 + 100);
                        script.push_str(&format!(
                            "START TRANSACTION; UPDATE `{name}`.t SET v = v + 1 WHERE id BETWEEN {lo} AND {hi}; \
                             INSERT INTO `{name}`.log SELECT id, v FROM `{name}`.t WHERE id BETWEEN {lo} AND {hi}; COMMIT;\n"
                        ));
                    }
                }
                server().sql(&script);
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(300));
        // Slowed down (10 ms between delete chunks), so that many rows change between their
        // copy and their delete.
        let out = Osarchiver::new()
            .config_text(
                Ini::new(s, &[&db.name])
                    .src("tables", "t")
                    .src("select_limit", 200)
                    .src("delete_limit", 50)
                    .src("delete_loop_delay", 0.01)
                    .dst("server_side_copy", server_side)
                    .text(),
            )
            .run();
        hammer.join().expect("the updating session");
        assert!(
            out.code == Some(0) || out.code == Some(3),
            "server_side_copy = {server_side}: {out}"
        );
        let wrong = s.sql(&format!(
            "SELECT COUNT(*) FROM `{archive}`.t AS a
             WHERE NOT EXISTS (SELECT 1 FROM `{db}`.t AS s WHERE s.id = a.id)
               AND a.v <> COALESCE((SELECT MAX(l.v) FROM `{db}`.log AS l WHERE l.id = a.id), 0)",
            archive = db.archive(),
            db = db.name
        ));
        let gone = s.sql(&format!("SELECT COUNT(*) FROM `{db}`.t", db = db.name));
        let archived = s.sql(&format!(
            "SELECT COUNT(*) FROM `{archive}`.t AS a WHERE NOT EXISTS (SELECT 1 FROM `{db}`.t AS s WHERE s.id = a.id)",
            archive = db.archive(),
            db = db.name
        ));
        eprintln!(
            "server_side_copy = {server_side}: {} rows left, {} gone and archived, updates logged: {}",
            gone.trim(),
            archived.trim(),
            s.sql(&format!("SELECT COUNT(*) FROM `{}`.log", db.name)).trim()
        );
        assert_eq!(
            wrong.trim(),
            "0",
            "server_side_copy = {server_side}: rows left the source with another value than the archive holds"
        );
        assert_eq!(
            archived.trim().parse::<u64>().unwrap() + gone.trim().parse::<u64>().unwrap(),
            20000,
            "server_side_copy = {server_side}: every row is in the source or in the archive"
        );
    }
}

/// The locked way locks a chunk by copying it (`INSERT ... SELECT ... FOR UPDATE RETURNING
/// key`) only when the first archive's key columns are defined as the source's: the keys the
/// archive returns drive the walk. Keys whose order is not their bytes' (a case-insensitive
/// Latin-1 collation with trailing spaces, an `ENUM` whose order is not alphabetical, in a
/// composite key) go through many small chunks that way, and an archive whose key is in
/// `utf8mb3` where the source's is in `utf8mb4` (the same bytes and order, another
/// definition) takes the other path; every eligible row leaves, archived, either way.
#[test]
fn a_chunk_is_locked_by_its_copy_only_when_the_archive_key_is_the_sources() {
    let s = server();
    for (name, key, archive_key) in [
        (
            "latin1",
            "k VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL, PRIMARY KEY (k)",
            None,
        ),
        (
            "enum",
            "e ENUM('z', 'a', 'm') NOT NULL, k VARCHAR(20) CHARACTER SET latin1 NOT NULL, \
             PRIMARY KEY (e, k)",
            None,
        ),
        (
            "unicode",
            "k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, PRIMARY KEY (k)",
            Some("k VARCHAR(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NOT NULL, PRIMARY KEY (k)"),
        ),
    ] {
        let db = ScratchDb::create(s, &format!("sskey{name}"));
        let enum_col = if name == "enum" { "e, " } else { "" };
        let enum_val = if name == "enum" {
            "ELT(1 + seq % 3, 'z', 'a', 'm'), "
        } else {
            ""
        };
        db.sql(&format!(
            "CREATE TABLE t ({key}, v INT, deleted_at DATETIME(6) NULL);
             INSERT INTO t ({enum_col}k, v, deleted_at)
               SELECT {enum_val}CONCAT(ELT(1 + seq % 4, 'A', 'b', _latin1 0xE9, 'c '), seq), seq,
                      IF(seq % 10 = 0, NULL, {OLD})
               FROM seq_1_to_60;
             CREATE TABLE snapshot SELECT * FROM t;"
        ));
        if let Some(archive_key) = archive_key {
            db.sql(&format!(
                "CREATE DATABASE `{archive}`;
                 CREATE TABLE `{archive}`.t ({archive_key}, v INT, deleted_at DATETIME(6) NULL);",
                archive = db.archive()
            ));
        }
        let moved = digest(s, &db.name, "t", "deleted_at IS NOT NULL");
        let out = Osarchiver::new()
            .config_text(
                Ini::new(s, &[&db.name])
                    .src("tables", "t")
                    .src("select_limit", 5)
                    .src("delete_limit", 4)
                    .text(),
            )
            .arg("--debug")
            .run();
        out.assert_success();
        out.output_contains(if archive_key.is_none() {
            "the first archive's key is defined as the source's"
        } else {
            "the first archive's key is not defined as the source's"
        });
        let row = out.table_row(&db.name, "t");
        assert_eq!((row.num("read"), row.num("deleted")), (54, 54), "{name}");
        assert_eq!(
            s.sql(&format!(
                "SELECT COUNT(*), SUM(deleted_at IS NULL) FROM `{}`.t",
                db.name
            ))
            .trim(),
            "6\t6",
            "{name}: the live rows stay, only they"
        );
        if archive_key.is_none() {
            assert_eq!(digest(s, &db.archive(), "t", "1"), moved, "{name}");
        } else {
            let same = s.sql(&format!(
                "SELECT COUNT(*) FROM `{db}`.snapshot AS s JOIN `{archive}`.t AS a
                   ON BINARY a.k = BINARY s.k AND a.v <=> s.v
                      AND a.deleted_at <=> s.deleted_at
                 WHERE s.deleted_at IS NOT NULL",
                db = db.name,
                archive = db.archive()
            ));
            assert_eq!(same.trim(), "54", "{name}: every row archived as it was");
        }
    }
}

/// With file destinations beside the archive database, the locked way writes the files from
/// the rows its copy returns when every column of the archive is defined as the source's, and
/// from a locking read when one is not (here a collation): either way the files and the
/// archive get every eligible row, in small chunks.
#[test]
fn the_files_get_the_rows_whether_the_copy_returns_them_or_not() {
    use std::io::Read;
    let s = server();
    for same in [true, false] {
        let db = ScratchDb::create(s, if same { "ssretsame" } else { "ssretother" });
        db.sql(&format!(
            "CREATE TABLE t (id INT PRIMARY KEY,
               s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,
               b VARBINARY(8), deleted_at DATETIME(6) NULL);
             INSERT INTO t SELECT seq, CONCAT('row ', seq, ' \u{e9}\u{1f980}'), UNHEX(HEX(seq)),
                    IF(seq % 10 = 0, NULL, {OLD})
               FROM seq_1_to_40;"
        ));
        if !same {
            db.sql(&format!(
                "CREATE DATABASE `{archive}`;
                 CREATE TABLE `{archive}`.t (id INT PRIMARY KEY,
                   s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                   b VARBINARY(8), deleted_at DATETIME(6) NULL);",
                archive = db.archive()
            ));
        }
        let moved = digest(s, &db.name, "t", "deleted_at IS NOT NULL");
        let cmd = Osarchiver::new();
        let dir = cmd.dir().join("files");
        let ini = Ini::new(s, &[&db.name])
            .src("tables", "t")
            .src("select_limit", 7)
            .set("archiver:test", "dst", "dst, files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "csv")
            .set("dst:files", "archive_format", "gz");
        let out = cmd.config_text(ini.text()).args(["--debug"]).run();
        out.assert_success();
        out.output_contains(if same {
            "the first archive's columns are all defined as the source's"
        } else {
            "the first archive's columns are not all defined as the source's"
        });
        assert_eq!(digest(s, &db.archive(), "t", "1"), moved, "same = {same}");
        let mut csv = String::new();
        let path = dir.join(format!("{}.t.csv.gz", db.name));
        flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).expect("the CSV file"))
            .read_to_string(&mut csv)
            .expect("gzip");
        let mut ids: Vec<u32> = csv
            .lines()
            .skip(1)
            .map(|l| {
                l.split(',')
                    .next()
                    .unwrap()
                    .trim_matches('"')
                    .parse()
                    .expect("an id")
            })
            .collect();
        ids.sort_unstable();
        let expected: Vec<u32> = (1..=40).filter(|i| i % 10 != 0).collect();
        assert_eq!(ids, expected, "same = {same}: {csv}");
        assert!(
            csv.contains("row 13 \u{e9}\u{1f980}"),
            "same = {same}: {csv}"
        );
        let row = out.table_row(&db.name, "t");
        assert_eq!(
            (row.num("read"), row.num("deleted"), row.get("archived")),
            (36, 36, "dst=36 files=36"),
            "same = {same}"
        );
    }
}

/// Archives table `p` of `db` in chunks of 100 rows, with the debug log.
fn run_p_by_100(s: &'static Server, db: &ScratchDb) -> Output {
    Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("tables", "p")
                .src("select_limit", 100)
                .src("delete_limit", 100)
                .text(),
        )
        .arg("--debug")
        .run()
}

/// A parent that `RESTRICT` and `NO ACTION` foreign keys reference (from its own database and
/// from another one, some rows through both) goes the locked way with the server's own checks:
/// each chunk's `DELETE IGNORE` keeps the referenced rows (one warning each, more in a chunk
/// than the server lists by default), and the report counts exactly the rows deleted and
/// those blocked. The selection's column has an index of its own, which the delete must not
/// use. In a table of 600 rows the server would scan the whole table for a chunk of 100
/// (its `EXPLAIN` says so): that table gets `NOT EXISTS` instead, with the same counts.
#[test]
fn referenced_parents_are_kept_by_the_servers_own_checks_and_counted_exactly() {
    let s = server();
    for (live, way) in [
        (2400, "the delete reads range by PRIMARY: rows still referenced are left to the server's foreign-key checks"),
        (0, "the delete reads ALL by no index: rows still referenced are left to NOT EXISTS"),
    ] {
        let db = ScratchDb::create(s, "srvfk");
        let other = ScratchDb::create(s, "srvfk_x");
        db.sql(&format!(
            "CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL,
               KEY (deleted_at));
             INSERT INTO p SELECT seq, CONCAT('v', seq), IF(seq % 50 = 0, NULL, {OLD})
               FROM seq_1_to_600;
             INSERT INTO p SELECT 600 + seq, 'live', NULL FROM seq_1_to_{live};
             CREATE TABLE c (id INT PRIMARY KEY, p_id INT,
               CONSTRAINT fk_srv_c FOREIGN KEY (p_id) REFERENCES p (id));
             INSERT INTO c SELECT seq, seq * 7 FROM seq_1_to_85;
             ANALYZE TABLE p;",
            live = live.max(1)
        ));
        if live == 0 {
            db.sql("DELETE FROM p WHERE id > 600");
        }
        other.sql(&format!(
            "CREATE TABLE x (id INT PRIMARY KEY, p_id INT,
               CONSTRAINT fk_srv_x FOREIGN KEY (p_id) REFERENCES {} (id) ON DELETE NO ACTION);
             INSERT INTO x VALUES (1, 3), (2, 301), (3, 14), (4, 599), (5, 599);
             INSERT INTO x SELECT 100 + seq, 120 + seq FROM seq_1_to_75;",
            db.q("p")
        ));
        let referenced = format!(
            "deleted_at IS NOT NULL AND (id IN (SELECT p_id FROM {}) OR id IN (SELECT p_id FROM {}))",
            db.q("c"),
            other.q("x")
        );
        let count = |filter: &str| -> u64 {
            s.sql(&format!(
                "SELECT COUNT(*) FROM {} WHERE {filter}",
                db.q("p")
            ))
            .trim()
            .parse()
            .unwrap()
        };
        let blocked = count(&referenced);
        let deleted = count("deleted_at IS NOT NULL") - blocked;
        assert_eq!((deleted, blocked), (438, 150), "the case as written");
        let kept_ids = s.sql(&format!(
            "SELECT GROUP_CONCAT(id) FROM {} WHERE {referenced}",
            db.q("p")
        ));
        let moved_filter = format!("deleted_at IS NOT NULL AND id NOT IN ({})", kept_ids.trim());
        let moved = digest(s, &db.name, "p", &moved_filter);
        let stays = digest(s, &db.name, "p", &format!("NOT ({moved_filter})"));

        let out = run_p_by_100(s, &db);
        out.assert_code(3)
            .output_contains(way)
            .output_lacks("kept for a foreign key, of")
            .output_lacks("unlisted warnings");
        let p = out.table_row(&db.name, "p");
        assert_eq!(
            (p.num("deleted"), p.num("blocked")),
            (deleted, blocked),
            "{live} live rows"
        );
        assert_eq!(
            digest(s, &db.name, "p", "1"),
            stays,
            "the source keeps these rows only"
        );
        assert_eq!(digest(s, &db.archive(), "p", &moved_filter), moved);
    }
}

/// A `BEFORE DELETE` trigger runs before the server's foreign-key check, so a `DELETE IGNORE`
/// would run it for the rows it then keeps: a parent with one keeps `NOT EXISTS`, and the
/// trigger runs for the rows deleted, only them.
#[test]
fn a_before_delete_trigger_runs_only_for_the_rows_deleted() {
    let s = server();
    let db = ScratchDb::create(s, "srvtrg");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO p SELECT seq, IF(seq <= 600, {OLD}, NULL) FROM seq_1_to_3000;
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT,
           CONSTRAINT fk_trg_c FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO c SELECT seq, seq * 7 FROM seq_1_to_85;
         CREATE TABLE audit (p_id INT PRIMARY KEY);
         CREATE TRIGGER p_bd BEFORE DELETE ON p FOR EACH ROW INSERT INTO audit VALUES (OLD.id);
         ANALYZE TABLE p;"
    ));
    let out = run_p_by_100(s, &db);
    out.assert_code(3)
        .output_contains("a BEFORE DELETE trigger would run for the rows kept")
        .output_lacks("left to the server's foreign-key checks");
    let p = out.table_row(&db.name, "p");
    assert_eq!((p.num("deleted"), p.num("blocked")), (515, 85));
    let audit = s.sql(&format!(
        "SELECT COUNT(*), SUM(p_id % 7 = 0), MAX(p_id) FROM {}",
        db.q("audit")
    ));
    assert_eq!(
        audit.trim(),
        "515\t0\t600",
        "the trigger ran for the rows deleted, not for those the foreign key kept"
    );
}

/// Source and archive users apart, the source's user without any right on the archive
/// database: the dry run looks the conflicts up through the archive's session (it used to fail,
/// exit 1, for a `SELECT` on the archive refused to the source's user), and predicts the real
/// run: one conflict, exit code 3.
#[test]
fn a_dry_run_sees_conflicts_an_archive_the_source_user_cannot_read() {
    let s = server();
    let db = ScratchDb::create(s, "ssdry");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME(6) NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', NULL);"
    ));
    s.sql(&format!(
        "CREATE DATABASE `{a}`; CREATE TABLE `{a}`.t LIKE `{d}`.t;
         INSERT INTO `{a}`.t VALUES (1, 'other', {OLD});",
        a = db.archive(),
        d = db.name
    ));
    let user = crate::harness::unique_name("osa_ssdry");
    let src_user = crate::harness::unique_name("osa_ssdry_src");
    s.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
         GRANT ALL ON `{archive}`.* TO '{user}'@'%';
         GRANT SELECT ON `{source}`.* TO '{user}'@'%';
         CREATE USER '{src_user}'@'%' IDENTIFIED BY 'pw';
         GRANT PROCESS ON *.* TO '{src_user}'@'%';
         GRANT ALL ON `{source}`.* TO '{src_user}'@'%';",
        archive = db.archive(),
        source = db.name
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("user", &src_user)
        .src("password", "pw")
        .dst("user", &user)
        .dst("password", "pw");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    let real = Osarchiver::new().config_text(ini.text()).run();
    s.sql(&format!("DROP USER '{user}'@'%'"));
    s.sql(&format!("DROP USER '{src_user}'@'%'"));
    dry.assert_code(3);
    real.assert_code(3);
    assert_eq!(
        db.sql("SELECT id FROM t ORDER BY id").trim(),
        "1\n3",
        "the conflict and the live row stay"
    );
}
