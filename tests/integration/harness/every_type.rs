//! The every-type fixture: table `t` with a column of every type the archiver may meet, filled
//! with the extreme and awkward values of each (integers to their limits, DECIMAL(65,30),
//! FLOAT/DOUBLE denormals and values they cannot hold exactly, BIT, zero dates and dates with
//! zero parts, TIME beyond a day and negative, YEAR, text with 3- and 4-byte characters, quotes,
//! backslashes, newlines and NUL, binary data with every byte, ENUM, SET, JSON, GEOMETRY, NULL,
//! '' and 'NULL'), and the helpers that spell values without depending on escaping.
//!
//! Used by the MySQL layer's literal round trip, the file destination's round trip and the
//! pipeline's faithfulness test, so that all three cover the same values.

use super::scratch::q;
use super::server::Server;

/// The values in hex, upper case.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// A text value, spelled in hex so it does not depend on escaping.
pub fn text(s: &str) -> String {
    format!("CONVERT(UNHEX('{}') USING utf8mb4)", hex(s.as_bytes()))
}

/// A binary value.
pub fn bin(b: &[u8]) -> String {
    format!("UNHEX('{}')", hex(b))
}

/// The columns of `t`, in order. Column `e` gets [`ENUM_MEMBERS`], and the 4-byte member where
/// [`Options::enum_4_byte`] says so.
pub const TYPES: &[(&str, &str)] = &[
    ("id", "INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY"),
    ("ti", "TINYINT"),
    ("tiu", "TINYINT UNSIGNED"),
    ("si", "SMALLINT"),
    ("siu", "SMALLINT UNSIGNED"),
    ("mi", "MEDIUMINT"),
    ("miu", "MEDIUMINT UNSIGNED"),
    ("i", "INT"),
    ("iu", "INT UNSIGNED"),
    ("bi", "BIGINT"),
    ("biu", "BIGINT UNSIGNED"),
    ("dec65", "DECIMAL(65,30)"),
    ("dec5", "DECIMAL(5,0)"),
    ("f", "FLOAT"),
    ("d", "DOUBLE"),
    ("bit1", "BIT(1)"),
    ("bit64", "BIT(64)"),
    ("dt", "DATE"),
    ("dtm", "DATETIME(6)"),
    ("dtm0", "DATETIME"),
    ("ts", "TIMESTAMP(6) NULL DEFAULT NULL"),
    ("tm", "TIME(6)"),
    ("tm0", "TIME"),
    ("y", "YEAR"),
    ("c", "CHAR(20)"),
    ("vc", "VARCHAR(600)"),
    ("tx", "TEXT"),
    ("lt", "VARCHAR(50) CHARACTER SET latin1"),
    ("cb", "VARCHAR(50) COLLATE utf8mb4_bin"),
    ("bn", "BINARY(16)"),
    ("vb", "VARBINARY(600)"),
    ("bl", "BLOB"),
    ("lb", "LONGBLOB"),
    ("e", "ENUM"),
    ("st", "SET('x','y','z')"),
    ("j", "JSON"),
    ("g", "GEOMETRY"),
];

/// The members of ENUM column `e` (SQL).
pub const ENUM_MEMBERS: &str = "'a','b','it''s','é中'";
/// The 4-byte member of `e`, with [`Options::enum_4_byte`].
pub const ENUM_4_BYTE: &str = "'é🦀'";

/// The binary columns (hexadecimal in CSV files).
pub const BINARY: &[&str] = &["bit1", "bit64", "bn", "vb", "bl", "lb", "g"];

const TRICKY: &str = "it's \"quoted\" back\\slash \\0 \\n \\Z \\\\ literal escapes; real: \n \r\n \t \u{1a} \0 end; 🦀𝄞 é ñ 中文 \u{feff} %_ ''";

/// What [`create`] makes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// ENUM `e` has a member with a 4-byte character, and row 2 holds it. MariaDB writes such a
    /// member as `?` in `SHOW CREATE TABLE`, so a table that the archiver copies to an archive
    /// database cannot have it (see `pipeline::faithful`).
    pub enum_4_byte: bool,
    /// A last column `deleted_at DATETIME NULL`, old (`pipeline::OLD`) on every row, and one
    /// more row, [`LIVE_ID`], with `deleted_at` NULL.
    pub deleted_at: Option<&'static str>,
}

impl Options {
    /// Every type and value, for tests that do not copy the table with `SHOW CREATE TABLE`.
    pub const ALL: Options = Options {
        enum_4_byte: true,
        deleted_at: None,
    };
}

/// The rows [`create`] inserts without [`Options::deleted_at`].
pub const ROWS: u64 = 7;
/// The id of the live row that [`Options::deleted_at`] adds.
pub const LIVE_ID: u64 = 7;

/// The fixture's rows, as (column, SQL value) lists; the columns not named are NULL.
pub fn rows(options: Options) -> Vec<Vec<(&'static str, String)>> {
    let all: Vec<u8> = (0..=255).collect();
    let mut reversed = all.clone();
    reversed.reverse();
    let ascii: String = (0u8..128).map(char::from).collect();
    let ones = "1".repeat(64);
    let mut bn = vec![0u8; 16];
    bn[0] = 1;
    let s = |v: &str| v.to_owned();
    let e4 = if options.enum_4_byte {
        text("é🦀")
    } else {
        text("é中")
    };
    let mut rows = vec![
        // 0: the id that NO_AUTO_VALUE_ON_ZERO keeps, and NULL everywhere else.
        vec![("id", s("0"))],
        // 1: minimums, zeros, zero dates, empty strings.
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
            ("dec5", s("-99999")),
            ("f", s("-3.4028234e38")),
            ("d", s("-1.7976931348623157e308")),
            ("bit1", s("b'0'")),
            ("bit64", s("b'0'")),
            ("dt", s("'0000-00-00'")),
            ("dtm", s("'0000-00-00 00:00:00'")),
            ("dtm0", s("'0000-00-00 00:00:00'")),
            ("ts", s("'0000-00-00 00:00:00'")),
            ("tm", s("'-838:59:59.999999'")),
            ("tm0", s("'-838:59:59'")),
            ("y", s("0")),
            ("c", text("")),
            ("vc", text("")),
            ("tx", text("")),
            ("lt", text("")),
            ("cb", text("")),
            ("bn", bin(&[0; 16])),
            ("vb", bin(b"")),
            ("bl", bin(b"")),
            ("lb", bin(b"")),
            ("e", s("'a'")),
            ("st", s("''")),
            ("j", s("'[]'")),
            ("g", s("ST_GeomFromText('POINT(0 0)')")),
        ],
        // 2: maximums, every byte, 3- and 4-byte characters.
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
            ("dec5", s("99999")),
            ("f", s("3.4028234e38")),
            ("d", s("1.7976931348623157e308")),
            ("bit1", s("b'1'")),
            ("bit64", format!("b'{ones}'")),
            ("dt", s("'9999-12-31'")),
            ("dtm", s("'9999-12-31 23:59:59.999999'")),
            ("dtm0", s("'9999-12-31 23:59:59'")),
            ("ts", s("'2038-01-19 03:14:07.999999'")),
            ("tm", s("'838:59:59.999999'")),
            ("tm0", s("'838:59:59'")),
            ("y", s("2155")),
            ("c", text("twenty chars 🦀🦀🦀🦀🦀🦀🦀")),
            ("vc", text(&ascii)),
            ("tx", text(&"🦀é\u{1F600}𝄞中x".repeat(2000))),
            ("lt", text("é€ÿ latin1 'q' \\ \"")),
            ("cb", text("CaseSensitive")),
            ("bn", bin(&[0xff; 16])),
            ("vb", bin(&all)),
            ("bl", bin(&reversed.repeat(4))),
            ("lb", bin(&all.repeat(16))),
            ("e", e4),
            ("st", s("'x,y,z'")),
            (
                "j",
                text("{\"k\": \"v\\\"q\", \"e\": \"🦀\", \"n\": null, \"a\": [1, 2.5, true]}"),
            ),
            ("g", s("ST_GeomFromText('LINESTRING(0 0, 1.5 2.25)')")),
        ],
        // 3: ordinary values with fractions, escapes, padding.
        vec![
            ("id", s("3")),
            ("ti", s("0")),
            ("biu", s("9223372036854775808")),
            ("dec65", s("'0.000000000000000000000000000001'")),
            ("dec5", s("0")),
            ("f", s("0.1")),
            ("d", s("0.1")),
            ("bit64", s("b'1'")),
            ("dt", s("'2024-02-29'")),
            ("dtm", s("'2024-02-29 12:34:56.000001'")),
            ("dtm0", s("'2024-02-29 12:34:56'")),
            ("ts", s("'2024-02-29 12:34:56.5'")),
            ("tm", s("'-00:00:00.000001'")),
            ("tm0", s("'100:00:00'")),
            ("y", s("1901")),
            ("c", text("it's")),
            ("vc", text(TRICKY)),
            ("tx", text("NULL")),
            ("lt", text("l'a\\tin")),
            ("cb", text("trailing   ")),
            ("bn", bin(&bn)),
            ("vb", bin(&[0])),
            ("bl", bin(b"it's \\ \n \0 text-looking bytes")),
            ("e", s("'it''s'")),
            ("st", s("'z,x'")),
            ("j", text("\"a string with 'quotes' and \\\\ backslash\"")),
        ],
        // 4: zero parts in dates, tiny floats, single special characters.
        vec![
            ("id", s("4")),
            ("f", s("1.17549435e-38")),
            ("d", s("2.2250738585072014e-308")),
            ("dt", s("'2020-00-15'")),
            ("dtm", s("'2020-01-00 00:00:00.000000'")),
            ("dtm0", s("'0000-01-01 00:00:00'")),
            ("ts", s("'1970-01-01 00:00:01.000000'")),
            ("tm", s("'24:00:00'")),
            ("tm0", s("'-01:02:03'")),
            ("y", s("2000")),
            ("c", text("\"")),
            ("vc", text("\\")),
            ("tx", text("'")),
            ("lt", text("")),
            ("cb", text("NULL")),
            ("vb", bin(b"\\")),
            ("bl", bin(b"'")),
            ("e", s("'b'")),
            ("st", s("'y'")),
            ("j", s("'null'")),
        ],
        // 5: denormals, control characters, the 3-byte ENUM member.
        vec![
            ("id", s("5")),
            ("f", s("1.4e-45")),
            ("d", s("5e-324")),
            ("tm", s("'-34:00:00.5'")),
            ("vc", text("\u{1a}\0\r\n")),
            ("bi", s("-1")),
            ("e", text("é中")),
        ],
        // 6: values a float cannot hold exactly, -0, TIME beyond 24 h with a fraction.
        vec![
            ("id", s("6")),
            ("f", s("16777217")),
            ("d", s("1e0/3")),
            ("i", s("-0")),
            ("tm", s("'100:00:00.5'")),
            ("c", text("🦀🦀🦀🦀🦀 twenty chars 😀")),
            ("lt", text("NULL")),
        ],
    ];
    if let Some(old) = options.deleted_at {
        for row in &mut rows {
            row.push(("deleted_at", old.to_owned()));
        }
        rows.push(vec![
            ("id", LIVE_ID.to_string()),
            ("vc", text("live")),
            ("deleted_at", s("NULL")),
        ]);
    }
    rows
}

/// Creates `db`.`t` with every type, fills it with [`rows`] and checks that it holds what the
/// tests are about (so that a round trip of nothing cannot pass).
pub fn create(s: &Server, db: &str, options: Options) {
    let t = q(db, "t");
    let mut cols: Vec<String> = TYPES
        .iter()
        .map(|(n, ty)| match *n {
            "e" if options.enum_4_byte => format!("`e` ENUM({ENUM_MEMBERS},{ENUM_4_BYTE})"),
            "e" => format!("`e` ENUM({ENUM_MEMBERS})"),
            _ => format!("`{n}` {ty}"),
        })
        .collect();
    if options.deleted_at.is_some() {
        cols.push("`deleted_at` DATETIME NULL".to_owned());
    }
    let mut sql = format!(
        "SET NAMES utf8mb4; SET time_zone = '+00:00'; \
         SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO';\n\
         CREATE TABLE {t} ({}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n",
        cols.join(", ")
    );
    for row in rows(options) {
        let names: Vec<String> = row.iter().map(|(n, _)| format!("`{n}`")).collect();
        let values: Vec<&str> = row.iter().map(|(_, v)| v.as_str()).collect();
        sql.push_str(&format!(
            "INSERT INTO {t} ({}) VALUES ({});\n",
            names.join(","),
            values.join(",")
        ));
    }
    s.sql(&sql);

    let check = s.sql(&format!(
        "SET time_zone = '+00:00';\
         SELECT COUNT(*), SUM(id = 0), \
           (SELECT LENGTH(vb) FROM {t} WHERE id = 2), \
           (SELECT HEX(bit64) FROM {t} WHERE id = 2), \
           (SELECT CAST(tm AS CHAR) FROM {t} WHERE id = 1), \
           (SELECT CAST(dt AS CHAR) FROM {t} WHERE id = 1), \
           (SELECT CAST(ts AS CHAR) FROM {t} WHERE id = 2), \
           (SELECT CAST(biu AS CHAR) FROM {t} WHERE id = 2), \
           (SELECT LOCATE(UNHEX('00'), vc) > 0 FROM {t} WHERE id = 3), \
           (SELECT HEX(e) FROM {t} WHERE id = 2) \
         FROM {t}"
    ));
    let count = ROWS + u64::from(options.deleted_at.is_some());
    let e = if options.enum_4_byte {
        hex("é🦀".as_bytes())
    } else {
        hex("é中".as_bytes())
    };
    assert_eq!(
        check.trim(),
        format!(
            "{count}\t1\t256\tFFFFFFFFFFFFFFFF\t-838:59:59.999999\t0000-00-00\t\
             2038-01-19 03:14:07.999999\t18446744073709551615\t1\t{e}"
        )
    );
}
