//! SQL literals: rendering a fetched value as MariaDB/MySQL SQL text that reads back identical.
//!
//! This is the single place that turns a [`Value`] into SQL text. It serves the SQL archive
//! files (loaded back later with the `mariadb` client) and the dry-run statement logs.
//!
//! A column's metadata ([`Column`]) decides the form, once per result set, as a
//! [`LiteralKind`]; then [`push_literal`] appends one value to a reusable `String` without
//! allocating. Both protocols are handled: the binary protocol (prepared statements) gives
//! `Int`/`UInt`/`Float`/`Double`/`Date`/`Time`/`Bytes`, the text protocol gives `Bytes` for
//! everything.
//!
//! The forms:
//!
//! | value | literal |
//! |---|---|
//! | `NULL` | `NULL` |
//! | integers, `YEAR` | decimal digits, bare: `-9223372036854775808`, `18446744073709551615` |
//! | `DECIMAL` | the server's exact text, bare: `-12.500` |
//! | `FLOAT`, `DOUBLE` | the shortest text that reads back to the same bits as a double: `3.4028234663852886e38` |
//! | `DATE` | `'2024-02-29'`, zero dates as `'0000-00-00'` |
//! | `DATETIME`, `TIMESTAMP` | `'2024-02-29 13:05:09'`, with `.ffffff` when there are microseconds |
//! | `TIME` | `'-838:59:59.000001'`: hours beyond 24 and a sign, as the server writes them |
//! | binary data (charset 63: `BINARY`, `VARBINARY`, `BLOB`, `BIT`, `GEOMETRY`) | `X'00FF'`, empty as `X''` |
//! | text (`CHAR`, `VARCHAR`, `TEXT`, `ENUM`, `SET`, `JSON`) in `utf8mb4`, `utf8mb3` | `'it\'s'`, backslash-escaped |
//! | text in any other character set ([`LiteralKind::Encoded`]) | its own bytes, `_sjis X'815F'` |
//!
//! Text escaping is MariaDB's backslash escaping (that of `mysql_real_escape_string`): NUL as
//! `\0`, `'` as `\'`, `"` as `\"`, `\` as `\\`, newline as `\n`, carriage return as `\r` and
//! 0x1A as `\Z`; every other character is written as is, in UTF-8. **A file of these literals
//! must therefore be loaded with backslash escapes enabled** (`NO_BACKSLASH_ESCAPES` off), with
//! `utf8mb4` as the connection character set and with the time zone the values were read in
//! (`+00:00`, see [`super::conn`]): [`LOAD_SESSION_SQL`] sets all of that and belongs at the top
//! of such a file.
//!
//! `TIMESTAMP` values are written as they were read: the reading session's time zone is
//! `+00:00`, so the loading session must use `+00:00` too.
//!
//! FLOAT/DOUBLE: read them with the binary protocol. With the text protocol MariaDB sends a
//! FLOAT with 6 significant digits, so the bytes it sends (written here as they are) do not
//! always read back to the same value. MariaDB cannot store NaN or infinities, so they never
//! come from a column; if one were rendered it would come out as `NaN`/`inf`, which the server
//! rejects loudly.

use std::fmt::Write as _;

use mysql_async::consts::ColumnType;
use mysql_async::{Column, Row, Value};

/// The session settings a file of these literals must be loaded with, one statement a line.
///
/// `NO_AUTO_VALUE_ON_ZERO` keeps an archived id 0 as 0; no `NO_ZERO_DATE`/`NO_ZERO_IN_DATE` so
/// zero dates load; `ALLOW_INVALID_DATES` so a date such as `2020-02-31`, which a server with
/// that mode stored, loads as it was; no `NO_BACKSLASH_ESCAPES` so the text escapes are
/// understood. `autocommit` on: a session begun without it (a server's `init_connect`, a
/// client's `init-command`) would roll every row back when the client disconnects, and the
/// client would still exit 0.
pub const LOAD_SESSION_SQL: &str = "SET autocommit = 1;\n\
SET NAMES utf8mb4;\n\
SET time_zone = '+00:00';\n\
SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';\n";

/// A character set whose text is written as its own bytes, with its introducer: `_sjis
/// X'815F'`. The archiver's sessions read text raw (see [`super::conn`]), in the column's own
/// character set, and many of them do not survive a trip through `utf8mb4` (`sjis` `0x5C` comes
/// back as `0x815F`, `cp932` `0xED40` as `0xFA5C`, `ucs2`/`utf16`/`utf32` are not UTF-8 bytes
/// at all). Only the server's own names ([`KNOWN_CHARSETS`]) are written into a statement; a
/// name the list does not know gives a bare `X'..'`, which an `INSERT` stores as the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charset(&'static str);

/// The character sets of MariaDB 10.11 (`SHOW CHARACTER SET`), but `binary`, and MySQL's
/// `gb18030`.
pub const KNOWN_CHARSETS: &[&str] = &[
    "armscii8", "ascii", "big5", "cp1250", "cp1251", "cp1256", "cp1257", "cp850", "cp852", "cp866",
    "cp932", "dec8", "eucjpms", "euckr", "gb18030", "gb2312", "gbk", "geostd8", "greek", "hebrew",
    "hp8", "keybcs2", "koi8r", "koi8u", "latin1", "latin2", "latin5", "latin7", "macce",
    "macroman", "sjis", "swe7", "tis620", "ucs2", "ujis", "utf16", "utf16le", "utf32", "utf8mb3",
    "utf8mb4",
];

impl Charset {
    /// The character set named `name` when its text must be kept as its own bytes: every
    /// character set but `utf8mb4` and `utf8mb3` (`utf8`), whose bytes are UTF-8 and are
    /// written as UTF-8 text. (`ascii` too: a column can hold bytes above 0x7F, which a UTF-8
    /// literal would not give back.)
    pub fn needs_own_bytes(name: &str) -> Option<Charset> {
        let lower = name.to_ascii_lowercase();
        if matches!(lower.as_str(), "utf8mb4" | "utf8mb3" | "utf8" | "binary") {
            return None;
        }
        let known = KNOWN_CHARSETS.iter().find(|&&k| k == lower);
        Some(Charset(known.copied().unwrap_or("")))
    }

    /// The name, or `""` for a character set [`KNOWN_CHARSETS`] does not list.
    pub fn name(self) -> &'static str {
        self.0
    }
}

/// The character set number of binary strings (`binary`/`my_charset_bin`).
pub const BINARY_CHARSET: u16 = 63;

/// How the values of one column are written; computed once per result set with
/// [`LiteralKind::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiteralKind {
    /// Integers, `DECIMAL`, `FLOAT`, `DOUBLE`, `YEAR`: numbers, written bare.
    Number,
    /// `DATE`.
    Date,
    /// `DATETIME`, `TIMESTAMP`.
    DateTime,
    /// `TIME`.
    Time,
    /// Character data, `ENUM`, `SET`, `JSON`: a quoted, escaped string.
    Text,
    /// Character data in a character set that is not UTF-8: its own bytes in hex, after the
    /// character set's introducer (`_sjis X'815F'`).
    Encoded(Charset),
    /// Binary data (character set 63): `X'..'`.
    Binary,
    /// `BIT(M)`: its number, written bare (as `X'..'`, a binary string, it compares with a
    /// `BIT` column as the string's number, `0` for `X'05'`, and would match other rows).
    Bit,
    /// No metadata (a bound parameter in a log line): bytes are written as text when they are
    /// valid UTF-8, as `X'..'` otherwise; dates without a time part as dates.
    Untyped,
}

impl LiteralKind {
    /// The kind for a result-set column.
    ///
    /// Binary-ness comes from the character set (63), not from the `BINARY` flag: the server
    /// also sets that flag on text columns with a `_bin` collation. `JSON` (MySQL's own type,
    /// reported with charset 63) is text; MariaDB's JSON is a `LONGTEXT` and text anyway.
    pub fn of(column: &Column) -> LiteralKind {
        use ColumnType::*;
        match column.column_type() {
            MYSQL_TYPE_DECIMAL
            | MYSQL_TYPE_NEWDECIMAL
            | MYSQL_TYPE_TINY
            | MYSQL_TYPE_SHORT
            | MYSQL_TYPE_LONG
            | MYSQL_TYPE_INT24
            | MYSQL_TYPE_LONGLONG
            | MYSQL_TYPE_FLOAT
            | MYSQL_TYPE_DOUBLE
            | MYSQL_TYPE_YEAR => LiteralKind::Number,
            MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => LiteralKind::Date,
            MYSQL_TYPE_DATETIME
            | MYSQL_TYPE_DATETIME2
            | MYSQL_TYPE_TIMESTAMP
            | MYSQL_TYPE_TIMESTAMP2 => LiteralKind::DateTime,
            MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => LiteralKind::Time,
            MYSQL_TYPE_JSON => LiteralKind::Text,
            MYSQL_TYPE_BIT => LiteralKind::Bit,
            MYSQL_TYPE_GEOMETRY => LiteralKind::Binary,
            MYSQL_TYPE_NULL => LiteralKind::Untyped,
            _ if column.character_set() == BINARY_CHARSET => LiteralKind::Binary,
            _ => LiteralKind::Text,
        }
    }

    /// The kinds of all columns of a result set, in order.
    pub fn of_columns(columns: &[Column]) -> Vec<LiteralKind> {
        columns.iter().map(LiteralKind::of).collect()
    }

    /// The kinds of all columns of a result set, the text of column `i` written as its own
    /// bytes when `own[i]` names its character set (see [`Charset`]).
    pub fn of_columns_in(columns: &[Column], own: &[Option<Charset>]) -> Vec<LiteralKind> {
        columns
            .iter()
            .enumerate()
            .map(
                |(i, c)| match (LiteralKind::of(c), own.get(i).copied().flatten()) {
                    (LiteralKind::Text, Some(cs)) => LiteralKind::Encoded(cs),
                    (kind, _) => kind,
                },
            )
            .collect()
    }
}

/// The column types whose values the files write in hexadecimal (binary data, bits, spatial
/// values), by `DATA_TYPE` (`varbinary`) or full `COLUMN_TYPE` (`varbinary(200)`).
pub fn is_binary_type(column_type: &str) -> bool {
    const BINARY_TYPES: &[&str] = &[
        "binary",
        "varbinary",
        "tinyblob",
        "blob",
        "mediumblob",
        "longblob",
        "bit",
        "geometry",
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection",
    ];
    let lower = column_type.to_ascii_lowercase();
    let name = lower.split(['(', ' ']).next().unwrap_or_default();
    BINARY_TYPES.contains(&name)
}

/// Appends `value` as a SQL literal of the given kind to `out`.
pub fn push_literal(out: &mut String, value: &Value, kind: LiteralKind) {
    match value {
        Value::NULL => out.push_str("NULL"),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::UInt(u) => out.push_str(itoa::Buffer::new().format(*u)),
        // The server parses the literal as a DOUBLE, then stores it into the FLOAT column. The
        // f32's exact value as a DOUBLE (shortest form) converts back exactly; f32's own
        // shortest form may not: "3.4028235e38" is above FLT_MAX as a double, which a strict
        // server rejects as out of range.
        Value::Float(f) => {
            let _ = write!(out, "{:e}", f64::from(*f));
        }
        // `{:e}` is the shortest digit string that parses back to the same f64.
        Value::Double(d) => {
            let _ = write!(out, "{d:e}");
        }
        Value::Date(y, mo, d, h, mi, s, us) => {
            out.push('\'');
            push_padded(out, u64::from(*y), 4);
            out.push('-');
            push_padded(out, u64::from(*mo), 2);
            out.push('-');
            push_padded(out, u64::from(*d), 2);
            let date_only = match kind {
                LiteralKind::Date => true,
                LiteralKind::Untyped => (*h, *mi, *s, *us) == (0, 0, 0, 0),
                _ => false,
            };
            if !date_only {
                out.push(' ');
                push_clock(out, u64::from(*h), *mi, *s);
                push_micros(out, *us);
            }
            out.push('\'');
        }
        Value::Time(neg, days, h, mi, s, us) => {
            let hours = u64::from(*days) * 24 + u64::from(*h);
            out.push('\'');
            if *neg {
                out.push('-');
            }
            push_clock(out, hours, *mi, *s);
            push_micros(out, *us);
            out.push('\'');
        }
        Value::Bytes(bytes) => push_bytes(out, bytes, kind),
    }
}

/// `value` as a SQL literal of the given kind, in a new `String`.
pub fn literal(value: &Value, kind: LiteralKind) -> String {
    let mut out = String::new();
    push_literal(&mut out, value, kind);
    out
}

/// Appends a row as a parenthesized tuple, `(v1,v2,...)`, for a multi-row `INSERT ... VALUES`.
///
/// `kinds[i]` is the kind of the i-th value; values beyond `kinds` are written
/// [`LiteralKind::Untyped`].
pub fn push_tuple<'a>(
    out: &mut String,
    values: impl IntoIterator<Item = &'a Value>,
    kinds: &[LiteralKind],
) {
    out.push('(');
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let kind = kinds.get(i).copied().unwrap_or(LiteralKind::Untyped);
        push_literal(out, value, kind);
    }
    out.push(')');
}

/// Appends a fetched row as a tuple (see [`push_tuple`]).
///
/// # Panics
///
/// When a value of the row was already taken out of it (`Row::take`).
pub fn push_row(out: &mut String, row: &Row, kinds: &[LiteralKind]) {
    push_tuple(out, (0..row.len()).map(|i| &row[i]), kinds);
}

/// Appends `s` as a quoted string literal with MariaDB's backslash escapes.
pub fn push_str_literal(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('\'');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = ESCAPES[usize::from(b)];
        if esc != 0 {
            // Every escaped byte is ASCII, so `i` is a char boundary.
            out.push_str(&s[start..i]);
            out.push('\\');
            out.push(char::from(esc));
            start = i + 1;
        }
    }
    out.push_str(&s[start..]);
    out.push('\'');
}

/// Appends `bytes` as a hexadecimal literal, `X'..'` (`X''` when empty, which the server reads
/// as the empty binary string, not NULL).
pub fn push_hex_literal(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 2 + 3);
    out.push_str("X'");
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out.push('\'');
}

/// `.ffffff` when there are microseconds; six digits always read back exactly, whatever the
/// column's fractional precision.
fn push_micros(out: &mut String, us: u32) {
    if us != 0 {
        out.push('.');
        push_padded(out, u64::from(us), 6);
    }
}

/// `hh:mm:ss`, each part at least two digits (hours may have more).
fn push_clock(out: &mut String, hours: u64, minutes: u8, seconds: u8) {
    push_padded(out, hours, 2);
    out.push(':');
    push_padded(out, u64::from(minutes), 2);
    out.push(':');
    push_padded(out, u64::from(seconds), 2);
}

/// `n` in decimal, left-padded with zeros to at least `width` digits (as `{n:0width$}`),
/// without going through `fmt`: dates are most of what the file formats write.
pub fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

fn push_bytes(out: &mut String, bytes: &[u8], kind: LiteralKind) {
    match kind {
        LiteralKind::Bit if bytes.len() <= 8 => {
            let n = bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
            out.push_str(itoa::Buffer::new().format(n));
        }
        LiteralKind::Binary | LiteralKind::Bit => push_hex_literal(out, bytes),
        LiteralKind::Encoded(cs) => {
            if !cs.name().is_empty() {
                out.push('_');
                out.push_str(cs.name());
                out.push(' ');
            }
            push_hex_literal(out, bytes);
        }
        LiteralKind::Number if is_number_token(bytes) => {
            // A valid number token is ASCII.
            out.push_str(std::str::from_utf8(bytes).unwrap_or_default());
        }
        // Text, dates and times as the server wrote them (text protocol), and anything a
        // number column sent that is not a plain number.
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => push_str_literal(out, s),
            // Not UTF-8 although the connection is utf8mb4: keep the exact bytes.
            Err(_) => push_hex_literal(out, bytes),
        },
    }
}

/// Whether `b` is a plain SQL number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
///
/// Only such tokens are written bare; anything else is quoted, so a value can never inject SQL.
fn is_number_token(b: &[u8]) -> bool {
    number_token_len(b) == Some(b.len())
}

/// The length of the plain SQL number ([`is_number_token`]'s form) that `b` begins with, the
/// longest one; `None` when `b` does not begin with one.
pub(crate) fn number_token_len(b: &[u8]) -> Option<usize> {
    fn digits(b: &[u8], mut i: usize) -> usize {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    }
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_end = digits(b, i);
    let mut mantissa = int_end > i;
    i = int_end;
    if i < b.len() && b[i] == b'.' {
        let frac_end = digits(b, i + 1);
        mantissa |= frac_end > i + 1;
        i = frac_end;
    }
    if !mantissa {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_end = digits(b, j);
        if exp_end == j {
            // `1e` or `1e+` then something else: the server would not read a number there.
            return None;
        }
        i = exp_end;
    }
    Some(i)
}

/// For each byte, the letter that follows the backslash in its escape, or 0 when it is written
/// as is.
const ESCAPES: [u8; 256] = {
    let mut t = [0u8; 256];
    t[0x00] = b'0';
    t[b'\'' as usize] = b'\'';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[0x1a] = b'Z';
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_async::consts::ColumnFlags;

    #[test]
    fn bits_are_written_as_their_number() {
        let lit = |b: Vec<u8>| {
            let mut out = String::new();
            push_literal(&mut out, &Value::Bytes(b), LiteralKind::Bit);
            out
        };
        assert_eq!(lit(vec![0x05]), "5");
        assert_eq!(lit(vec![0x01, 0x00]), "256");
        assert_eq!(lit(vec![0xff; 8]), "18446744073709551615");
        assert_eq!(lit(vec![]), "0");
        // Not a BIT's width: bytes, as a binary string.
        assert_eq!(lit(vec![0x01; 9]), "X'010101010101010101'");
    }

    fn col(t: ColumnType, charset: u16) -> Column {
        Column::new(t).with_character_set(charset)
    }

    fn lit(v: Value, kind: LiteralKind) -> String {
        literal(&v, kind)
    }

    const UTF8MB4: u16 = 45;

    #[test]
    fn null_is_null_whatever_the_kind() {
        for kind in [
            LiteralKind::Number,
            LiteralKind::Date,
            LiteralKind::DateTime,
            LiteralKind::Time,
            LiteralKind::Text,
            LiteralKind::Binary,
            LiteralKind::Untyped,
        ] {
            assert_eq!(lit(Value::NULL, kind), "NULL");
        }
    }

    #[test]
    fn the_string_null_is_quoted() {
        assert_eq!(
            lit(Value::Bytes(b"NULL".to_vec()), LiteralKind::Text),
            "'NULL'"
        );
    }

    #[test]
    fn integers_are_decimal_including_extremes() {
        let n = LiteralKind::Number;
        assert_eq!(lit(Value::Int(0), n), "0");
        assert_eq!(lit(Value::Int(-42), n), "-42");
        assert_eq!(lit(Value::Int(i64::MIN), n), "-9223372036854775808");
        assert_eq!(lit(Value::Int(i64::MAX), n), "9223372036854775807");
        assert_eq!(lit(Value::UInt(u64::MAX), n), "18446744073709551615");
    }

    #[test]
    fn text_protocol_numbers_are_written_bare() {
        let n = LiteralKind::Number;
        for s in [
            "0",
            "-1",
            "18446744073709551615",
            "-12.500",
            "0.000000000000000000000000000001",
            "12345678901234567890123456789012345.123456789012345678901234567890",
            ".5",
            "5.",
            "+3",
            "1e10",
            "-1.5E-7",
            "3.40282e38",
            "00042",
        ] {
            assert_eq!(lit(Value::Bytes(s.as_bytes().to_vec()), n), s, "{s}");
        }
    }

    #[test]
    fn number_columns_quote_anything_that_is_not_a_plain_number() {
        let n = LiteralKind::Number;
        for (s, want) in [
            ("", "''"),
            ("-", "'-'"),
            (".", "'.'"),
            ("1e", "'1e'"),
            ("1e+", "'1e+'"),
            ("--1", "'--1'"),
            ("1;DROP TABLE x", "'1;DROP TABLE x'"),
            ("1 ", "'1 '"),
            ("0x10", "'0x10'"),
            ("nan", "'nan'"),
        ] {
            assert_eq!(lit(Value::Bytes(s.as_bytes().to_vec()), n), want, "{s}");
        }
    }

    #[test]
    fn floats_read_back_to_the_same_bits() {
        let n = LiteralKind::Number;
        for f in [
            -0.0f32,
            0.0f32,
            1.0,
            -1.5,
            0.1,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            1e-45,
            16777217.0,
            2.718_281_7,
        ] {
            let s = lit(Value::Float(f), n);
            // Read as a double, as the server does: exactly the float, so within FLOAT's range
            // and stored back without a second rounding.
            let d = s.parse::<f64>().unwrap();
            assert_eq!(d.to_bits(), f64::from(f).to_bits(), "{s}");
            assert_eq!((d as f32).to_bits(), f.to_bits(), "{s}");
        }
        assert_eq!(lit(Value::Float(f32::MAX), n), "3.4028234663852886e38");
        assert_eq!(lit(Value::Float(0.5), n), "5e-1");
        assert_eq!(lit(Value::Float(0.1), n), "1.0000000149011612e-1");
        for d in [
            0.0f64,
            -0.0,
            0.1,
            1.0 / 3.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            123456789012345680.0,
        ] {
            let s = lit(Value::Double(d), n);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), d.to_bits(), "{s}");
        }
        assert_eq!(lit(Value::Double(f64::MAX), n), "1.7976931348623157e308");
        assert_eq!(lit(Value::Double(-0.0), n), "-0e0");
    }

    #[test]
    fn dates_by_kind() {
        let v = Value::Date(2024, 2, 29, 0, 0, 0, 0);
        assert_eq!(lit(v.clone(), LiteralKind::Date), "'2024-02-29'");
        assert_eq!(
            lit(v.clone(), LiteralKind::DateTime),
            "'2024-02-29 00:00:00'"
        );
        assert_eq!(lit(v, LiteralKind::Untyped), "'2024-02-29'");
        let v = Value::Date(2024, 2, 29, 13, 5, 9, 0);
        assert_eq!(
            lit(v.clone(), LiteralKind::DateTime),
            "'2024-02-29 13:05:09'"
        );
        assert_eq!(lit(v, LiteralKind::Untyped), "'2024-02-29 13:05:09'");
    }

    #[test]
    fn zero_dates_and_padding() {
        let zero = Value::Date(0, 0, 0, 0, 0, 0, 0);
        assert_eq!(lit(zero.clone(), LiteralKind::Date), "'0000-00-00'");
        assert_eq!(lit(zero, LiteralKind::DateTime), "'0000-00-00 00:00:00'");
        let v = Value::Date(5, 1, 0, 1, 2, 3, 0);
        assert_eq!(lit(v, LiteralKind::DateTime), "'0005-01-00 01:02:03'");
    }

    #[test]
    fn fractional_seconds_have_six_digits() {
        let v = Value::Date(9999, 12, 31, 23, 59, 59, 999_999);
        assert_eq!(
            lit(v, LiteralKind::DateTime),
            "'9999-12-31 23:59:59.999999'"
        );
        let v = Value::Date(2000, 1, 1, 0, 0, 0, 1);
        assert_eq!(
            lit(v, LiteralKind::DateTime),
            "'2000-01-01 00:00:00.000001'"
        );
        let v = Value::Date(2000, 1, 1, 0, 0, 0, 120_000);
        assert_eq!(
            lit(v, LiteralKind::DateTime),
            "'2000-01-01 00:00:00.120000'"
        );
    }

    #[test]
    fn times_carry_days_into_hours_and_keep_the_sign() {
        let t = LiteralKind::Time;
        assert_eq!(lit(Value::Time(false, 0, 0, 0, 0, 0), t), "'00:00:00'");
        assert_eq!(lit(Value::Time(false, 0, 1, 2, 3, 0), t), "'01:02:03'");
        assert_eq!(lit(Value::Time(true, 34, 22, 59, 59, 0), t), "'-838:59:59'");
        assert_eq!(
            lit(Value::Time(false, 34, 22, 59, 59, 999_999), t),
            "'838:59:59.999999'"
        );
        assert_eq!(lit(Value::Time(false, 1, 1, 0, 0, 0), t), "'25:00:00'");
        assert_eq!(
            lit(Value::Time(true, 0, 0, 0, 0, 500_000), t),
            "'-00:00:00.500000'"
        );
    }

    #[test]
    fn text_is_quoted_with_backslash_escapes() {
        let t = LiteralKind::Text;
        let cases: &[(&str, &str)] = &[
            ("", "''"),
            ("plain", "'plain'"),
            ("it's", "'it\\'s'"),
            ("say \"hi\"", "'say \\\"hi\\\"'"),
            ("back\\slash", "'back\\\\slash'"),
            ("a\nb\rc", "'a\\nb\\rc'"),
            ("nul\0byte", "'nul\\0byte'"),
            ("ctrl-z\u{1a}", "'ctrl-z\\Z'"),
            ("tab\tstays", "'tab\tstays'"),
            ("%_ stay", "'%_ stay'"),
            ("emoji 🦀 é", "'emoji 🦀 é'"),
            ("'\\'", "'\\'\\\\\\''"),
        ];
        for (s, want) in cases {
            assert_eq!(lit(Value::Bytes(s.as_bytes().to_vec()), t), *want, "{s:?}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_keeps_its_bytes_in_hex() {
        let v = Value::Bytes(vec![b'a', 0xff, b'\'']);
        assert_eq!(lit(v.clone(), LiteralKind::Text), "X'61FF27'");
        assert_eq!(lit(v, LiteralKind::Untyped), "X'61FF27'");
    }

    #[test]
    fn text_in_other_charsets_keeps_its_own_bytes() {
        let sjis = LiteralKind::Encoded(Charset::needs_own_bytes("sjis").unwrap());
        assert_eq!(lit(Value::Bytes(vec![0x81, 0x5f]), sjis), "_sjis X'815F'");
        assert_eq!(lit(Value::Bytes(vec![]), sjis), "_sjis X''");
        assert_eq!(lit(Value::NULL, sjis), "NULL");
        let ucs2 = LiteralKind::Encoded(Charset::needs_own_bytes("UCS2").unwrap());
        assert_eq!(lit(Value::Bytes(vec![0, b'\'']), ucs2), "_ucs2 X'0027'");
        // A name the list does not know is never written; the bytes still are.
        let odd = LiteralKind::Encoded(Charset::needs_own_bytes("x'; DROP").unwrap());
        assert_eq!(lit(Value::Bytes(vec![1]), odd), "X'01'");
        for utf8 in ["utf8mb4", "utf8mb3", "utf8", "binary"] {
            assert_eq!(Charset::needs_own_bytes(utf8), None);
        }
        let cols = [
            col(ColumnType::MYSQL_TYPE_VAR_STRING, 13),
            col(ColumnType::MYSQL_TYPE_VAR_STRING, BINARY_CHARSET),
            col(ColumnType::MYSQL_TYPE_LONG, BINARY_CHARSET),
        ];
        let cs = Charset::needs_own_bytes("sjis");
        assert_eq!(
            LiteralKind::of_columns_in(&cols, &[cs, cs, cs]),
            [sjis, LiteralKind::Binary, LiteralKind::Number]
        );
    }

    #[test]
    fn binary_is_hex_even_when_it_looks_like_text() {
        let b = LiteralKind::Binary;
        assert_eq!(lit(Value::Bytes(vec![]), b), "X''");
        assert_eq!(lit(Value::Bytes(b"abc".to_vec()), b), "X'616263'");
        let all: Vec<u8> = (0..=255).collect();
        let s = lit(Value::Bytes(all.clone()), b);
        assert_eq!(s.len(), 2 * 256 + 3);
        assert!(s.starts_with("X'000102") && s.ends_with("FDFEFF'"));
        let hex = &s[2..s.len() - 1];
        let back: Vec<u8> = (0..256)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(back, all);
    }

    #[test]
    fn text_protocol_dates_and_times_are_quoted_as_sent() {
        for (kind, s) in [
            (LiteralKind::Date, "0000-00-00"),
            (LiteralKind::DateTime, "2024-01-01 00:00:00.123456"),
            (LiteralKind::Time, "-838:59:59.000000"),
        ] {
            assert_eq!(
                lit(Value::Bytes(s.as_bytes().to_vec()), kind),
                format!("'{s}'")
            );
        }
    }

    #[test]
    fn kinds_from_column_metadata() {
        use ColumnType::*;
        let cases = [
            (col(MYSQL_TYPE_TINY, BINARY_CHARSET), LiteralKind::Number),
            (
                col(MYSQL_TYPE_LONGLONG, BINARY_CHARSET),
                LiteralKind::Number,
            ),
            (
                col(MYSQL_TYPE_NEWDECIMAL, BINARY_CHARSET),
                LiteralKind::Number,
            ),
            (col(MYSQL_TYPE_FLOAT, BINARY_CHARSET), LiteralKind::Number),
            (col(MYSQL_TYPE_DOUBLE, BINARY_CHARSET), LiteralKind::Number),
            (col(MYSQL_TYPE_YEAR, BINARY_CHARSET), LiteralKind::Number),
            (col(MYSQL_TYPE_DATE, BINARY_CHARSET), LiteralKind::Date),
            (
                col(MYSQL_TYPE_DATETIME, BINARY_CHARSET),
                LiteralKind::DateTime,
            ),
            (
                col(MYSQL_TYPE_TIMESTAMP, BINARY_CHARSET),
                LiteralKind::DateTime,
            ),
            (col(MYSQL_TYPE_TIME, BINARY_CHARSET), LiteralKind::Time),
            (col(MYSQL_TYPE_BIT, BINARY_CHARSET), LiteralKind::Bit),
            (
                col(MYSQL_TYPE_GEOMETRY, BINARY_CHARSET),
                LiteralKind::Binary,
            ),
            (col(MYSQL_TYPE_BLOB, BINARY_CHARSET), LiteralKind::Binary),
            (
                col(MYSQL_TYPE_VAR_STRING, BINARY_CHARSET),
                LiteralKind::Binary,
            ),
            (col(MYSQL_TYPE_STRING, BINARY_CHARSET), LiteralKind::Binary),
            (col(MYSQL_TYPE_BLOB, UTF8MB4), LiteralKind::Text),
            (col(MYSQL_TYPE_VAR_STRING, UTF8MB4), LiteralKind::Text),
            (col(MYSQL_TYPE_STRING, UTF8MB4), LiteralKind::Text),
            // MySQL's JSON is reported with the binary charset but is text.
            (col(MYSQL_TYPE_JSON, BINARY_CHARSET), LiteralKind::Text),
            (col(MYSQL_TYPE_NULL, BINARY_CHARSET), LiteralKind::Untyped),
        ];
        for (c, want) in cases {
            assert_eq!(LiteralKind::of(&c), want, "{:?}", c.column_type());
        }
    }

    #[test]
    fn the_binary_flag_alone_does_not_make_binary_data() {
        // utf8mb4_bin text: BINARY flag set, charset utf8mb4 (46).
        let c = col(ColumnType::MYSQL_TYPE_VAR_STRING, 46).with_flags(ColumnFlags::BINARY_FLAG);
        assert_eq!(LiteralKind::of(&c), LiteralKind::Text);
        // ENUM and SET arrive as STRING with their flag, in the connection charset.
        let c = col(ColumnType::MYSQL_TYPE_STRING, UTF8MB4).with_flags(ColumnFlags::ENUM_FLAG);
        assert_eq!(LiteralKind::of(&c), LiteralKind::Text);
        // Unsigned integers are numbers.
        let c = col(ColumnType::MYSQL_TYPE_LONGLONG, BINARY_CHARSET)
            .with_flags(ColumnFlags::UNSIGNED_FLAG);
        assert_eq!(LiteralKind::of(&c), LiteralKind::Number);
    }

    #[test]
    fn tuples_join_values_and_default_to_untyped() {
        let mut out = String::from("INSERT INTO t VALUES ");
        let values = [
            Value::Int(1),
            Value::Bytes(b"a'b".to_vec()),
            Value::Bytes(vec![0, 1]),
            Value::NULL,
            Value::Bytes(vec![0xfe]),
        ];
        let kinds = [LiteralKind::Number, LiteralKind::Text, LiteralKind::Binary];
        push_tuple(&mut out, &values, &kinds);
        out.push(',');
        push_tuple(&mut out, &[] as &[Value], &kinds);
        assert_eq!(
            out,
            "INSERT INTO t VALUES (1,'a\\'b',X'0001',NULL,X'FE'),()"
        );
    }

    #[test]
    fn appending_reuses_the_buffer() {
        let mut out = String::with_capacity(64);
        let ptr = out.as_ptr();
        push_literal(&mut out, &Value::Bytes(b"x".to_vec()), LiteralKind::Text);
        push_literal(&mut out, &Value::Int(7), LiteralKind::Number);
        assert_eq!(out, "'x'7");
        assert_eq!(out.as_ptr(), ptr);
    }
}
