//! The CSV format: RFC 4180 records that `LOAD DATA` restores to identical rows.
//!
//! The conventions (README, "Archive files"):
//!
//! - A header record with the column names, then one record per row; fields separated by `,`,
//!   records ended by CRLF.
//! - **NULL is the bare word `NULL`, unquoted. Every other value is enclosed in double quotes**,
//!   a `"` inside doubled (`""`); nothing else is escaped: backslashes, NUL bytes, CR and LF are
//!   written as they are. So `NULL` is NULL, `"NULL"` the string 'NULL', `""` the empty string,
//!   `"\N"` the two characters `\N`. This is exactly what MariaDB's `SELECT ... INTO OUTFILE`
//!   writes with `FIELDS OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''`, and what `LOAD DATA` reads
//!   back with the same options (see [`load_data_statement`]). (MySQL's other convention, an
//!   unquoted `\N`, needs `ESCAPED BY '\\'`, which reads a quoted `"\N"` as NULL as well and
//!   takes every backslash of the data for an escape: not RFC 4180, and not exact.)
//! - Binary columns (character set 63: `BINARY`, `VARBINARY`, `BLOB`s, `BIT`, `GEOMETRY`) are
//!   written in upper-case hexadecimal (`""` for the empty string) and restored with
//!   `SET col = UNHEX(@var)`.
//! - Text (`CHAR`, `VARCHAR`, `TEXT`, `ENUM`, `SET`, `JSON`) in `utf8mb4`/`utf8mb3` is UTF-8,
//!   as read. Text in any other character set ([`LiteralKind::Encoded`]) is hexadecimal of the
//!   column's own bytes, restored with `SET col = CONVERT(UNHEX(@var) USING cs)`.
//! - Numbers, dates and times are written as in the SQL files (see
//!   [`crate::mysql::literal`]), without the SQL quotes: `18446744073709551615`, `-12.500`,
//!   `3.4028234663852886e38`, `0000-00-00`, `2024-02-29 13:05:09.000001`, `-838:59:59`.
//!   `TIMESTAMP`s are in UTC (`+00:00`). `YEAR` has four digits: `LOAD DATA` reads the string
//!   `0` as the year 2000, `0000` as 0000.
//!
//! The `csv` crate cannot write a field unquoted while quoting the others (its quote style is
//! per writer), and that distinction is what keeps NULL apart from the string 'NULL'. Fields
//! are therefore written here, by [`push_quoted`]; the tests read the output back with the
//! `csv` crate as an RFC 4180 reference.

use std::fmt::Write as _;
use std::io::{self, Write};

use mysql_async::consts::ColumnType;
use mysql_async::{Column, Value};

use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::literal::{push_literal, push_padded, LiteralKind};
use crate::table::batch::Batch;

/// Rendered records are handed to the file in pieces of about this size.
const CHUNK: usize = 1 << 20;

/// The record terminator.
pub const CRLF: &[u8] = b"\r\n";

/// How the values of one column are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvKind {
    /// Binary data: hexadecimal.
    Hex,
    /// `YEAR`: four digits.
    Year,
    /// Anything else, as its SQL literal without the quotes (text: as is).
    Value(LiteralKind),
}

impl CsvKind {
    /// The kind for a result-set column.
    pub fn of(column: &Column) -> CsvKind {
        CsvKind::with_literal(column, LiteralKind::of(column))
    }

    /// The kind for a result-set column whose SQL literals are of kind `kind`: text in a
    /// character set that is not UTF-8 ([`LiteralKind::Encoded`]) is hexadecimal too, of the
    /// column's own bytes.
    pub fn with_literal(column: &Column, kind: LiteralKind) -> CsvKind {
        if column.column_type() == ColumnType::MYSQL_TYPE_YEAR {
            return CsvKind::Year;
        }
        match kind {
            // BIT too, as the files always had it (a CSV reader takes it back as bytes).
            LiteralKind::Binary | LiteralKind::Bit => CsvKind::Hex,
            kind => CsvKind::Value(kind),
        }
    }
}

/// Appends `bytes` as a quoted field: `"`, the bytes with every `"` doubled, `"`.
pub fn push_quoted(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for i in memchr::memchr_iter(b'"', bytes) {
        out.extend_from_slice(&bytes[start..=i]);
        out.push(b'"');
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Appends `bytes` in upper-case hexadecimal, quoted.
fn push_hex_field(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 2 + 2);
    out.push(b'"');
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0x0f)]);
    }
    out.push(b'"');
}

/// Appends `bytes`, which hold no `"`, as a quoted field.
fn push_unescaped(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    out.extend_from_slice(bytes);
    out.push(b'"');
}

/// Appends one value as a field. `scratch` is a reusable buffer.
pub fn push_field(out: &mut Vec<u8>, value: &Value, kind: CsvKind, scratch: &mut String) {
    match (value, kind) {
        (Value::NULL, _) => out.extend_from_slice(b"NULL"),
        (Value::Bytes(b), CsvKind::Hex | CsvKind::Value(LiteralKind::Encoded(_))) => {
            push_hex_field(out, b)
        }
        // Text, and whatever the text protocol sends: the bytes as they are.
        (Value::Bytes(b), _) => push_quoted(out, b),
        (Value::Int(y), CsvKind::Year) => {
            scratch.clear();
            let _ = write!(scratch, "{y:04}");
            push_quoted(out, scratch.as_bytes());
        }
        (Value::UInt(y), CsvKind::Year) => {
            scratch.clear();
            push_padded(scratch, *y, 4);
            push_quoted(out, scratch.as_bytes());
        }
        // Quoted like every field; digits hold no quote to double.
        (Value::Int(i), CsvKind::Value(_)) => {
            push_unescaped(out, itoa::Buffer::new().format(*i).as_bytes())
        }
        (Value::UInt(u), CsvKind::Value(_)) => {
            push_unescaped(out, itoa::Buffer::new().format(*u).as_bytes())
        }
        (v, kind) => {
            let kind = match kind {
                CsvKind::Value(k) => k,
                _ => LiteralKind::Untyped,
            };
            scratch.clear();
            push_literal(scratch, v, kind);
            // Dates and times come as '...'; numbers bare. Neither holds a quote inside.
            let text = scratch
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .unwrap_or(scratch);
            push_quoted(out, text.as_bytes());
        }
    }
}

/// Appends the header record.
pub fn push_header(out: &mut Vec<u8>, columns: &[String]) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_quoted(out, c.as_bytes());
    }
    out.extend_from_slice(CRLF);
}

/// Appends one record.
pub fn push_record(out: &mut Vec<u8>, row: &[Value], kinds: &[CsvKind], scratch: &mut String) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let kind = kinds
            .get(i)
            .copied()
            .unwrap_or(CsvKind::Value(LiteralKind::Untyped));
        push_field(out, value, kind, scratch);
    }
    out.extend_from_slice(CRLF);
}

/// Writes a table's CSV file, batch by batch, with buffers reused from one batch to the next.
pub struct CsvWriter {
    columns: Vec<String>,
    kinds: Vec<CsvKind>,
    buf: Vec<u8>,
    scratch: String,
}

impl CsvWriter {
    pub fn new(columns: &[String]) -> CsvWriter {
        CsvWriter {
            columns: columns.to_vec(),
            kinds: Vec::with_capacity(columns.len()),
            buf: Vec::with_capacity(CHUNK + (64 << 10)),
            scratch: String::with_capacity(64),
        }
    }

    /// The column kinds of the last batch written.
    pub fn kinds(&self) -> &[CsvKind] {
        &self.kinds
    }

    /// The beginning of the file: the header record.
    pub fn write_head(&mut self, out: &mut impl Write) -> io::Result<()> {
        self.buf.clear();
        push_header(&mut self.buf, &self.columns);
        out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// The records of a batch.
    pub fn write_batch(&mut self, batch: &Batch, out: &mut impl Write) -> io::Result<()> {
        self.kinds.clear();
        let literal = batch.literal_kinds();
        self.kinds.extend(
            batch
                .columns
                .iter()
                .zip(literal)
                .map(|(c, k)| CsvKind::with_literal(c, k)),
        );
        self.buf.clear();
        for row in &batch.rows {
            push_record(&mut self.buf, row, &self.kinds, &mut self.scratch);
            if self.buf.len() >= CHUNK {
                out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        out.write_all(&self.buf)?;
        self.buf.clear();
        // A batch of huge values must not keep its memory until the end of the table.
        self.buf.shrink_to(CHUNK + (64 << 10));
        Ok(())
    }
}

/// The statement that restores a CSV file of `db.table` (columns `columns`, of kinds `kinds`)
/// into that table. The session must first be set up with
/// [`crate::mysql::literal::LOAD_SESSION_SQL`] (utf8mb4, time zone `+00:00`, zero dates
/// allowed, `NO_AUTO_VALUE_ON_ZERO`), and `LOCAL` needs `--local-infile=1` on the `mariadb`
/// client.
///
/// Every field is read into a variable and assigned in `SET`, binary columns through `UNHEX`.
/// (Columns loaded directly next to a `SET` clause would do, but MariaDB then gives an
/// `AUTO_INCREMENT` column's 0 a new value despite `NO_AUTO_VALUE_ON_ZERO`.)
///
/// ```text
/// LOAD DATA LOCAL INFILE 'nova.instances.csv' INTO TABLE `nova`.`instances`
///   CHARACTER SET utf8mb4
///   FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''
///   LINES TERMINATED BY '\r\n'
///   IGNORE 1 LINES
///   (@v1,@v2,@v3)
///   SET `id` = @v1, `name` = @v2, `data` = UNHEX(@v3);
/// ```
pub fn load_data_statement(
    file: &str,
    db: &str,
    table: &str,
    columns: &[String],
    kinds: &[CsvKind],
) -> String {
    let mut s = String::from("LOAD DATA LOCAL INFILE ");
    crate::mysql::literal::push_str_literal(&mut s, file);
    let _ = write!(
        s,
        " INTO TABLE {}\n  CHARACTER SET utf8mb4\n  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY ''\n  LINES TERMINATED BY '\\r\\n'\n  IGNORE 1 LINES\n  (",
        qualified(db, table)
    );
    for i in 1..=columns.len() {
        if i > 1 {
            s.push(',');
        }
        let _ = write!(s, "@v{i}");
    }
    s.push_str(")\n  SET ");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&quote_ident(c));
        match kinds.get(i) {
            Some(CsvKind::Hex) => {
                let _ = write!(s, " = UNHEX(@v{})", i + 1);
            }
            Some(CsvKind::Value(LiteralKind::Encoded(cs))) if !cs.name().is_empty() => {
                let _ = write!(s, " = CONVERT(UNHEX(@v{}) USING {})", i + 1, cs.name());
            }
            Some(CsvKind::Value(LiteralKind::Encoded(_))) => {
                let _ = write!(s, " = UNHEX(@v{})", i + 1);
            }
            _ => {
                let _ = write!(s, " = @v{}", i + 1);
            }
        }
    }
    s.push(';');
    s
}

#[cfg(test)]
mod tests;
