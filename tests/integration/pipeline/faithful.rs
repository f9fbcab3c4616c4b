//! Faithfulness through the archive database: a table holding every type, with the extreme
//! and awkward values, is archived and deleted; the archive rows are byte-identical to the
//! originals (digest over the exact stored form of every value, and CHECKSUM TABLE against a
//! server-side copy of the originals).

use crate::harness::digest::{checksum_table, digest};
use crate::harness::{server, Ini, ScratchDb};

use super::{lines, run, OLD};

const COLUMNS: &str = "
    id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
    mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
    dec65 DECIMAL(65,30), f FLOAT, d DOUBLE, bit1 BIT(1), bit64 BIT(64),
    dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), y YEAR,
    c CHAR(20), vc VARCHAR(300), tx TEXT, lt VARCHAR(50) CHARACTER SET latin1,
    bn BINARY(16), vb VARBINARY(300), bl BLOB,
    e ENUM('a','b','it''s','é中'), st SET('x','y','z'), j JSON,
    deleted_at DATETIME NULL";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// A text literal that does not depend on escaping.
fn text(s: &str) -> String {
    format!("CONVERT(UNHEX('{}') USING utf8mb4)", hex(s.as_bytes()))
}

fn bin(b: &[u8]) -> String {
    format!("UNHEX('{}')", hex(b))
}

/// The fixture's rows, as (column, SQL value) lists; all but the last are eligible.
fn rows() -> Vec<Vec<(&'static str, String)>> {
    let all: Vec<u8> = (0..=255).collect();
    let mut reversed = all.clone();
    reversed.reverse();
    let s = |v: &str| v.to_string();
    let old = || ("deleted_at", OLD.to_string());
    vec![
        // id 0 in the AUTO_INCREMENT column, NULL everywhere else.
        vec![("id", s("0")), old()],
        // Minimums, zero dates, empty strings.
        vec![
            ("id", s("1")),
            ("ti", s("-128")),
            ("tiu", s("0")),
            ("si", s("-32768")),
            ("siu", s("0")),
            ("mi", s("-8388608")),
            ("miu", s("0")),
            ("i", s("-2147483648")),
            ("iu", s("0")),
            ("bi", s("-9223372036854775808")),
            ("biu", s("0")),
            (
                "dec65",
                s("'-99999999999999999999999999999999999.999999999999999999999999999999'"),
            ),
            ("f", s("-3.4028234e38")),
            ("d", s("-1.7976931348623157e308")),
            ("bit1", s("b'0'")),
            ("bit64", s("b'0'")),
            ("dt", s("'0000-00-00'")),
            ("dtm", s("'0000-00-00 00:00:00'")),
            ("ts", s("'0000-00-00 00:00:00'")),
            ("tm", s("'-838:59:59.999999'")),
            ("y", s("0")),
            ("c", text("")),
            ("vc", text("")),
            ("tx", text("")),
            ("lt", text("")),
            ("bn", bin(&[0; 16])),
            ("vb", bin(b"")),
            ("bl", bin(b"")),
            ("e", s("'a'")),
            ("st", s("''")),
            ("j", s("'[]'")),
            old(),
        ],
        // Maximums, every byte value, 4-byte characters.
        vec![
            ("id", s("2")),
            ("ti", s("127")),
            ("tiu", s("255")),
            ("si", s("32767")),
            ("siu", s("65535")),
            ("mi", s("8388607")),
            ("miu", s("16777215")),
            ("i", s("2147483647")),
            ("iu", s("4294967295")),
            ("bi", s("9223372036854775807")),
            ("biu", s("18446744073709551615")),
            (
                "dec65",
                s("'99999999999999999999999999999999999.999999999999999999999999999999'"),
            ),
            ("f", s("3.4028234e38")),
            ("d", s("1.7976931348623157e308")),
            ("bit1", s("b'1'")),
            ("bit64", format!("b'{}'", "1".repeat(64))),
            ("dt", s("'9999-12-31'")),
            ("dtm", s("'9999-12-31 23:59:59.999999'")),
            ("ts", s("'2038-01-19 03:14:07.999999'")),
            ("tm", s("'838:59:59.999999'")),
            ("y", s("2155")),
            ("c", text("🦀🦀🦀🦀🦀 twenty chars 😀")),
            ("vc", text(&(1u8..128).map(char::from).collect::<String>())),
            ("tx", text(&"🦀é😀𝄞中".repeat(500))),
            ("lt", text("é€ÿ 'q' \\ \"")),
            ("bn", bin(&[0xff; 16])),
            ("vb", bin(&all)),
            ("bl", bin(&reversed.repeat(4))),
            ("e", text("é中")),
            ("st", s("'x,y,z'")),
            (
                "j",
                text("{\"k\": \"v\\\"q\", \"e\": \"🦀\", \"n\": null, \"a\": [1, 2.5, true]}"),
            ),
            old(),
        ],
        // Quotes, backslashes, newlines, NUL bytes, the string 'NULL', fractions.
        vec![
            ("id", s("3")),
            ("biu", s("9223372036854775808")),
            ("dec65", s("'0.000000000000000000000000000001'")),
            ("f", s("0.1")),
            ("d", s("0.1")),
            ("bit64", s("b'1'")),
            ("dt", s("'2024-02-29'")),
            ("dtm", s("'2024-02-29 12:34:56.000001'")),
            ("ts", s("'2024-02-29 12:34:56.5'")),
            ("tm", s("'-00:00:00.000001'")),
            ("y", s("1901")),
            ("c", text("it's")),
            (
                "vc",
                text("it's \"q\" back\\slash \\n \\0 real: \n \r\n \t \u{1a} \0 end 🦀 %_ ''"),
            ),
            ("tx", text("NULL")),
            ("lt", text("NULL")),
            ("bn", bin(b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01")),
            ("vb", bin(&[0])),
            ("bl", bin(b"it's \\ \n \0 text-looking bytes")),
            ("e", s("'it''s'")),
            ("st", s("'z,x'")),
            ("j", text("\"a string with 'quotes' and \\\\ backslash\"")),
            old(),
        ],
        // TIME beyond 24 h and negative, zero parts in dates, tiny floats.
        vec![
            ("id", s("4")),
            ("f", s("1.17549435e-38")),
            ("d", s("5e-324")),
            ("dt", s("'2020-00-15'")),
            ("dtm", s("'2020-01-00 00:00:00.000000'")),
            ("ts", s("'1970-01-01 00:00:01.000000'")),
            ("tm", s("'100:00:00.5'")),
            ("y", s("2000")),
            ("c", text("\"")),
            ("vc", text("\\")),
            ("tx", text("'")),
            ("vb", bin(b"\\")),
            ("bl", bin(b"'")),
            ("e", s("'b'")),
            ("st", s("'y'")),
            ("j", s("'null'")),
            old(),
        ],
        vec![
            ("id", s("5")),
            ("f", s("16777217")),
            ("d", s("1e0/3")),
            ("tm", s("'-34:00:00.5'")),
            ("vc", text("\u{1a}\0\r\n")),
            ("bi", s("-1")),
            old(),
        ],
        // Live: stays.
        vec![
            ("id", s("6")),
            ("vc", text("live")),
            ("deleted_at", s("NULL")),
        ],
    ]
}

#[test]
fn every_type_reaches_the_archive_byte_identical() {
    let s = server();
    let db = ScratchDb::create(s, "faithful");
    let mut expected = ScratchDb::create(s, "faithful_exp");
    expected.also_drop(expected.archive());
    let mut sql = format!(
        "SET NAMES utf8mb4; SET time_zone = '+00:00';
         SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO';
         CREATE TABLE t ({COLUMNS}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
    );
    for row in rows() {
        let names: Vec<&str> = row.iter().map(|(n, _)| *n).collect();
        let values: Vec<&str> = row.iter().map(|(_, v)| v.as_str()).collect();
        sql.push_str(&format!(
            "INSERT INTO t ({}) VALUES ({});\n",
            names.join(", "),
            values.join(", ")
        ));
    }
    db.sql(&sql);
    // The fixture holds what the test is about.
    assert_eq!(
        lines(&db.sql(
            "SET time_zone = '+00:00';
             SELECT COUNT(*), SUM(id = 0), MAX(LENGTH(vb)), MAX(HEX(bit64)), MIN(CAST(tm AS CHAR)),
               MIN(CAST(dt AS CHAR)), MAX(biu), SUM(LOCATE(UNHEX('00'), vc) > 0),
               SUM(tx = 'NULL'), SUM(tx = '') FROM t"
        )),
        ["7\t1\t256\tFFFFFFFFFFFFFFFF\t-00:00:00.000001\t0000-00-00\t18446744073709551615\t2\t1\t1"]
    );
    let eligible = "deleted_at IS NOT NULL";
    let before = digest(s, &db.name, "t", eligible);
    assert_eq!(before.0, 6);
    // The originals, copied server-side, for CHECKSUM TABLE.
    expected.sql(&format!(
        "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
         CREATE TABLE t LIKE {src};
         INSERT INTO t SELECT * FROM {src} WHERE {eligible};",
        src = db.q("t")
    ));
    assert_eq!(digest(s, &expected.name, "t", "1"), before);

    let out = run(&Ini::new(s, &[&db.name])
        .src("select_limit", 2)
        .dst("bulk_insert", 1));
    out.assert_success();

    assert_eq!(lines(&db.sql("SELECT id FROM t")), ["6"]);
    assert_eq!(digest(s, &db.archive(), "t", "1"), before);
    assert_eq!(
        checksum_table(s, &db.archive(), "t"),
        checksum_table(s, &expected.name, "t")
    );
    let create = |d: &str| {
        let out = s.sql(&format!("SHOW CREATE TABLE `{d}`.t"));
        out.split_once('\t').expect("two columns").1.to_string()
    };
    let source_ddl = create(&db.name);
    assert_eq!(create(&db.archive()), create(&expected.name));
    assert!(source_ddl.contains("AUTO_INCREMENT=7"), "{source_ddl}");
    let row = out.table_row(&db.name, "t");
    assert_eq!((row.num("read"), row.num("deleted")), (6, 6));
    assert_eq!(row.get("archived"), "dst=6");
}

/// MariaDB writes a 4-byte character of an ENUM definition as `?` in `SHOW CREATE TABLE` (and in
/// information_schema), so the archive table derived from it has another ENUM: the insert of
/// such a value fails, loudly, and nothing of the batch is deleted. (A known limitation: the
/// archive DDL comes from `SHOW CREATE TABLE`.)
#[test]
fn a_4_byte_character_in_an_enum_definition_fails_loudly() {
    let s = server();
    let db = ScratchDb::create(s, "enum4");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, e ENUM('a', '🦀'), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, {crab}, {OLD});",
        crab = text("🦀")
    ));
    let before = digest(s, &db.name, "t", "1");
    let out = run(&Ini::new(s, &[&db.name]));
    out.assert_code(1)
        .output_contains("Data truncated for column 'e'")
        .output_contains("finished with errors");
    assert_eq!(digest(s, &db.name, "t", "1"), before);
    assert_eq!(out.table_row(&db.name, "t").num("deleted"), 0);
}
