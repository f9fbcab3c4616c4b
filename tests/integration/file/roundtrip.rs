//! The file destination restores every value identical: the harness's every-type table
//! ([`every_type`]: integers to their limits, DECIMAL(65,30), FLOAT/DOUBLE, BIT, dates with zero
//! parts, TIME beyond a day and negative, YEAR, text with 4-byte characters, quotes,
//! backslashes, newlines and NUL, binary data with every byte, ENUM, SET, JSON, GEOMETRY,
//! NULL, '' and 'NULL'), plus rows aimed at CSV quoting, is archived by the real binary to both
//! formats and deleted; the SQL file is loaded back with the `mariadb` client (twice), the CSV
//! file with the README's `LOAD DATA`, and both results are compared with a copy of the
//! original rows column by column, by MD5 over every value's hex and by `CHECKSUM TABLE`.

use crate::file::support::{
    columns_of, complete_statements, config, count, decode_prefix, file_names, load_csv,
    load_csv_with, load_sql, simple_table,
};
use crate::harness::every_type::{self, bin, text, BINARY};
use crate::harness::{server, Osarchiver, ScratchDb};
use crate::mysql_layer::assert_identical;

/// Rows aimed at the CSV conventions: quotes next to separators, the NULL markers of every
/// convention as strings, a lone CR and a CRLF at the end.
fn add_csv_rows(db: &ScratchDb) {
    let t = db.q("t");
    let rows = [
        format!(
            "(7, {}, {}, {}, {}, {}, {}, {})",
            text("\",\""),
            text("\\N"),
            text("\""),
            text("a\"b,c\"\r\n\""),
            bin(b"\\N"),
            bin(b"\""),
            text("{\"k\": \"\\\\N\"}")
        ),
        format!(
            "(8, {}, {}, {}, {}, {}, {}, {})",
            text("NULL"),
            text("\r"),
            text("\"NULL\""),
            text("\r\n"),
            bin(b"NULL"),
            bin(b"\r\n"),
            text("\"\\\"\"")
        ),
    ];
    server().sql(&format!(
        "SET NAMES utf8mb4; INSERT INTO {t} (id, c, vc, tx, cb, vb, bl, j) VALUES {};",
        rows.join(", ")
    ));
}

#[test]
fn every_type_restores_identical_from_sql_and_csv() {
    roundtrip(false);
}

/// The same with an archive database on the source's server beside the files: the files are
/// then written from the rows the server-side copy locks (its locked way), and must restore
/// just as identical; the archive table holds the same rows.
#[test]
fn every_type_restores_identical_from_files_written_by_the_server_side_copy() {
    roundtrip(true);
}

fn roundtrip(with_db: bool) {
    let src = ScratchDb::create(
        server(),
        if with_db {
            "osa_file_rtdb"
        } else {
            "osa_file_rt"
        },
    );
    let orig = ScratchDb::create(server(), "osa_file_rt_orig");
    let restored = ScratchDb::create(server(), "osa_file_rt_csv");
    // With an archive database, no 4-byte ENUM member: `SHOW CREATE TABLE` cannot carry it
    // to the archive table (see `every_type::Options`).
    let options = every_type::Options {
        enum_4_byte: !with_db,
        ..every_type::Options::ALL
    };
    every_type::create(server(), &src.name, options);
    add_csv_rows(&src);
    let (t, o, c) = (src.q("t"), orig.q("t"), restored.q("t"));
    server().sql(&format!(
        "ALTER TABLE {t} ADD deleted_at DATETIME NOT NULL DEFAULT '2001-02-03 04:05:06';
         SET time_zone = '+00:00';
         SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO';
         CREATE TABLE {o} LIKE {t};
         INSERT INTO {o} SELECT * FROM {t};
         CREATE TABLE {c} LIKE {t};"
    ));
    assert_eq!(count(&o), 9);

    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("archives");
    let mut text = config(
        &src.name,
        "select_limit = 4\ndelete_data = true",
        &dir,
        "csv, sql",
        "zst",
    );
    if with_db {
        let s = server();
        text = text.replacen("dst = f\n", "dst = f, d\n", 1);
        text.push_str(&format!(
            "[dst:d]\nbackend = db\nhost = {}\nport = {}\nuser = {}\n{}",
            s.host(),
            s.port(),
            s.user(),
            s.password()
                .map(|pw| format!("password = {}\n", pw.replace('$', "$$")))
                .unwrap_or_default()
        ));
    }
    let out = cmd.config_text(text).args(["--debug"]).run();
    out.assert_success();
    if with_db {
        assert!(
            out.stdout.contains("rows are copied inside the server")
                && !out.stdout.contains("cannot copy into"),
            "the locked way was not taken\n{out}"
        );
        let archived = format!("`{}_archive`.`t`", src.name);
        assert_identical(&o, &archived, &[]);
    }
    assert_eq!(count(&t), 0, "every archived row is deleted\n{out}");
    let sql_file = format!("{}.t.sql.zst", src.name);
    let csv_file = format!("{}.t.csv.zst", src.name);
    assert_eq!(
        file_names(&dir),
        [csv_file.clone(), sql_file.clone()],
        "{out}"
    );

    // SQL: one INSERT per batch of 4 rows, loaded twice (ON DUPLICATE KEY UPDATE).
    let sql = String::from_utf8(decode_prefix(&dir.join(&sql_file))).unwrap();
    assert_eq!(sql.matches("\nINSERT INTO ").count(), 3, "{sql}");
    assert_eq!(
        complete_statements(&sql),
        sql,
        "the file ends on a statement"
    );
    load_sql(&sql);
    assert_identical(&o, &t, &[]);
    load_sql(&sql);
    assert_identical(&o, &t, &[]);

    // CSV: header, then the records; LOAD DATA as the README says.
    let csv = decode_prefix(&dir.join(&csv_file));
    let columns = columns_of(&src.name, "t");
    let header: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    assert!(csv.starts_with(format!("{}\r\n", header.join(",")).as_bytes()));
    let plain = dir.join(format!("{}.t.csv", src.name));
    std::fs::write(&plain, &csv).unwrap();
    load_csv(
        &plain,
        &restored.name,
        "t",
        &columns,
        BINARY,
        &[("lt", "latin1")],
    );
    assert_identical(&o, &c, &[]);
}

/// A stored generated column whose value the server cut short when the row was written without
/// strict mode (`VARCHAR(4) AS (HEX(b)) STORED` holds `0011` for 5 bytes): the server computes
/// it again as the SQL file loads, and strict mode refused the row (1406) where the run had
/// exited 0 and deleted it. The file now loads it with strict mode off, identical.
#[test]
fn a_generated_value_cut_short_loads_back_identical_from_the_sql_file() {
    let src = ScratchDb::create(server(), "osa_file_gen");
    let orig = ScratchDb::create(server(), "osa_file_gen_orig");
    let (t, o) = (src.q("t"), orig.q("t"));
    server().sql(&format!(
        "CREATE TABLE {t} (id INT PRIMARY KEY, b VARBINARY(200),
           g VARCHAR(4) AS (HEX(b)) STORED, v VARCHAR(2) AS (HEX(b)) VIRTUAL,
           deleted_at DATETIME NOT NULL DEFAULT '2001-02-03 04:05:06');
         SET sql_mode = '';
         INSERT INTO {t} (id, b) VALUES (1, X'0011223344'), (2, X'AB'), (3, NULL);
         CREATE TABLE {o} LIKE {t};
         INSERT INTO {o} (id, b) SELECT id, b FROM {t};"
    ));
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("archives");
    let text = config(&src.name, "delete_data = true", &dir, "sql", "zst");
    // The output holds the run's directory.
    let out = cmd.config_text(text).run();
    out.assert_success();
    assert_eq!(count(&t), 0);
    let sql =
        String::from_utf8(decode_prefix(&dir.join(format!("{}.t.sql.zst", src.name)))).unwrap();
    load_sql(&sql);
    let rows = |q: &str| server().sql(&format!("SELECT id, HEX(b), g, v FROM {q} ORDER BY id"));
    assert_eq!(rows(&t), rows(&o), "{sql}");
    assert!(rows(&t).contains("1\t0011223344\t0011\t00"), "{}", rows(&t));
}

/// A loading session begun without `autocommit` (a server's `init_connect`, an `init-command`
/// in `~/.my.cnf`) rolled every row of a SQL file back when the client disconnected, and the
/// client exited 0: the only copy of the rows was gone. The files' session lines turn it on.
#[test]
fn files_load_whole_in_a_session_begun_without_autocommit() {
    let src = ScratchDb::create(server(), "osa_file_autocommit");
    let t = src.q("t");
    simple_table(&t, 30);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("archives");
    let out = cmd
        .config_text(config(
            &src.name,
            "delete_data = true",
            &dir,
            "sql, csv",
            "gz",
        ))
        .run();
    out.assert_success();
    assert_eq!(count(&t), 0);
    let off = ["--init-command=SET autocommit = 0"];
    let file = |ext: &str| decode_prefix(&dir.join(format!("{}.t.{ext}.gz", src.name)));
    let sql = String::from_utf8(file("sql")).unwrap();
    server().sql_with(&off, &sql);
    assert_eq!(count(&t), 30, "the SQL file's rows were rolled back");
    server().sql(&format!("DELETE FROM {t}"));
    let columns = columns_of(&src.name, "t");
    let csv = dir.join("t.csv");
    std::fs::write(&csv, file("csv")).unwrap();
    load_csv_with(&off, &csv, &src.name, "t", &columns, &["data"], &[]);
    assert_eq!(count(&t), 30, "the CSV file's rows were rolled back");
}
