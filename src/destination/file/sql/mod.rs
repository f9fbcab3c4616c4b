//! The SQL format: a file the `mariadb` client loads back into identical rows, as many times as
//! wanted.
//!
//! ```text
//! -- osarchiver 0.1.0: rows archived from `nova`.`instances`
//! -- source: nova
//! -- run started: 2026-11-21 03:00:00 UTC
//! -- ...
//! SET autocommit = 1;
//! SET NAMES utf8mb4;
//! SET time_zone = '+00:00';
//! SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';
//! SET foreign_key_checks = 0;
//! /*M!100201 SET check_constraint_checks = 0 */;
//!
//! INSERT INTO `nova`.`instances` (`id`,`name`) VALUES
//! (1,'a'),
//! (2,'it\'s')
//! ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`);
//! ```
//!
//! The session lines are [`LOAD_SESSION_SQL`] (what the values need to read back identical)
//! and `foreign_key_checks = 0`, as in `mysqldump` output: a child table's file can be loaded
//! before its parent's. `check_constraint_checks = 0` (MariaDB 10.2.1 and later; a comment
//! elsewhere) loads rows that a CHECK constraint added after them, or bypassed when they were
//! written, would refuse: the file restores what the table held. A batch holding an invalid
//! ENUM value (`''`, index 0, which only a non-strict server stores) is written between
//! [`LENIENT_MODE_SQL`] and [`STRICT_MODE_SQL`]: strict mode refuses that value; so is every
//! batch of a table with generated columns ([`SqlWriter::lenient`]). Each batch is one `INSERT` (more when it would pass
//! [`STATEMENT_BUDGET`]), one row a line; values are rendered by [`crate::mysql::literal`]
//! only. Literals never hold a raw newline (text escapes it, binary is hex), so a line that
//! ends with `;` ends a statement, and a file cut by a crash is valid up to its last such line.

use std::io::{self, Write};

use crate::mysql::ident::{push_ident, push_qualified};
use mysql_async::consts::ColumnFlags;
use mysql_async::Value;

use crate::mysql::literal::{push_tuple, LiteralKind, LOAD_SESSION_SQL};
use crate::table::batch::Batch;

/// A statement is closed before it passes this size, a quarter of the `mariadb` client's and
/// the server's default `max_allowed_packet` (16 MiB). A single row larger than that gets a
/// statement of its own.
pub const STATEMENT_BUDGET: usize = 4 << 20;

/// The default `max_allowed_packet` of the client and of MariaDB servers.
pub const DEFAULT_MAX_PACKET: usize = 16 << 20;

/// Rendered statements are handed to the file in pieces of about this size.
const CHUNK: usize = 1 << 20;

/// Turns strict mode off, around the statements of a batch that holds an invalid ENUM value.
pub const LENIENT_MODE_SQL: &str =
    "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';\n";

/// Turns strict mode back on: the `sql_mode` of [`LOAD_SESSION_SQL`].
pub const STRICT_MODE_SQL: &str =
    "SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES';\n";

/// Turns CHECK constraints off on MariaDB (10.2.1 and later), a comment elsewhere.
pub const NO_CHECKS_SQL: &str = "/*M!100201 SET check_constraint_checks = 0 */;\n";

/// What the header comment says.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub source: &'a str,
    pub db: &'a str,
    pub table: &'a str,
    /// The run's start, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub started: &'a str,
    /// Whether the INSERTs end with `ON DUPLICATE KEY UPDATE` (see [`SqlWriter::without_upsert`]).
    pub upsert: bool,
    /// The columns' line ([`columns_line`]).
    pub columns: &'a str,
}

/// The start of the header line that records the columns the rows were written with.
pub const COLUMNS_PREFIX: &str = "-- columns: ";

/// A column as the header records it: name, full type, character set (`None` for other types).
pub type FileColumn = (String, String, Option<String>);

/// The header line that records the archived columns, each with its full type and character
/// set, as JSON on one line (`-- columns: [["id","int(11)",null],...]`): a restore compares
/// them with the table's columns of the day, so that rows are never loaded into columns
/// retyped since (a `BLOB` made `TEXT`, a `DOUBLE` made `FLOAT`).
pub fn columns_line(plan: &crate::table::TablePlan) -> String {
    let columns: Vec<FileColumn> = plan
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                name.clone(),
                plan.column_types.get(i).cloned().unwrap_or_default(),
                plan.column_charsets
                    .get(i)
                    .cloned()
                    .flatten()
                    .map(|(charset, _)| charset),
            )
        })
        .collect();
    let json = serde_json::to_string(&columns).unwrap_or_else(|_| "[]".into());
    format!("{COLUMNS_PREFIX}{json}")
}

/// The columns of a header line written by [`columns_line`]; `None` for any other line.
pub fn parse_columns_line(line: &str) -> Option<Vec<FileColumn>> {
    serde_json::from_str(line.strip_prefix(COLUMNS_PREFIX)?).ok()
}

/// A line of comment text: no line breaks.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The beginning of the file: the comment and the session settings.
pub fn header(h: &Header<'_>) -> String {
    let mut table = String::new();
    push_qualified(&mut table, h.db, h.table);
    let inserts = if h.upsert {
        "-- One INSERT per batch of rows, each ending with ON DUPLICATE KEY UPDATE: loading the\n\
         -- file again changes nothing."
    } else {
        "-- One INSERT per batch of rows, plain: the table has a key WITHOUT OVERLAPS, where\n\
         -- MariaDB refuses ON DUPLICATE KEY UPDATE, so loading the file again stops at the\n\
         -- first row already there."
    };
    format!(
        "-- osarchiver {version}: rows archived from {table}\n\
         -- source: {source}\n\
         -- run started: {started} UTC\n\
         {columns}\n\
         --\n\
         {inserts} Load it where the table exists, with\n\
         --   mariadb --default-character-set=utf8mb4 < FILE\n\
         {LOAD_SESSION_SQL}\
         SET foreign_key_checks = 0;\n\
         {NO_CHECKS_SQL}\n",
        version = env!("CARGO_PKG_VERSION"),
        table = one_line(&table),
        source = one_line(h.source),
        started = one_line(h.started),
        columns = one_line(h.columns),
    )
}

/// `\nON DUPLICATE KEY UPDATE `a`=VALUES(`a`),`b`=VALUES(`b`)`: the row loaded last wins.
pub fn upsert_tail(columns: &[String]) -> String {
    let mut tail = String::from("\nON DUPLICATE KEY UPDATE ");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            tail.push(',');
        }
        push_ident(&mut tail, c);
        tail.push_str("=VALUES(");
        push_ident(&mut tail, c);
        tail.push(')');
    }
    tail
}

/// Writes a table's SQL file, batch by batch, with buffers reused from one batch to the next.
pub struct SqlWriter {
    /// `INSERT INTO `db`.`t` (`a`,`b`) VALUES\n`
    head: String,
    /// `\nON DUPLICATE KEY UPDATE `a`=VALUES(`a`),`b`=VALUES(`b`);\n`
    tail: String,
    kinds: Vec<LiteralKind>,
    buf: String,
    row: String,
    /// The largest statement written so far, in bytes.
    largest: usize,
    /// Every batch between [`LENIENT_MODE_SQL`] and [`STRICT_MODE_SQL`] ([`SqlWriter::lenient`]).
    lenient: bool,
}

impl SqlWriter {
    pub fn new(db: &str, table: &str, columns: &[String]) -> SqlWriter {
        let mut head = String::from("INSERT INTO ");
        push_qualified(&mut head, db, table);
        head.push_str(" (");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                head.push(',');
            }
            push_ident(&mut head, c);
        }
        head.push_str(") VALUES\n");
        let mut tail = upsert_tail(columns);
        tail.push_str(";\n");
        SqlWriter {
            head,
            tail,
            kinds: Vec::with_capacity(columns.len()),
            buf: String::with_capacity(CHUNK + (64 << 10)),
            row: String::with_capacity(1024),
            largest: 0,
            lenient: false,
        }
    }

    /// Every batch loaded with strict mode off: for a table with generated columns, which the
    /// server computes again as the file loads. A value it stored cut short (`VARCHAR(4) AS
    /// (HEX(b)) STORED`, written without strict mode) is cut the same way again, where strict
    /// mode refused the row (1406) and the file did not load.
    pub fn lenient(mut self) -> SqlWriter {
        self.lenient = true;
        self
    }

    /// Plain `INSERT`s, without `ON DUPLICATE KEY UPDATE`: for a table with a key `WITHOUT
    /// OVERLAPS`, into which MariaDB refuses upserts (error 1235). Loading the file twice then
    /// stops at the first row already there (a duplicate-key error), instead of loading nothing.
    pub fn without_upsert(mut self) -> SqlWriter {
        self.tail = ";\n".to_string();
        self
    }

    /// The largest statement written so far, in bytes.
    pub fn largest_statement(&self) -> usize {
        self.largest
    }

    /// The statements of a batch.
    pub fn write_batch(&mut self, batch: &Batch, out: &mut impl Write) -> io::Result<()> {
        self.kinds.clear();
        self.kinds.extend(batch.literal_kinds());
        self.buf.clear();
        let lenient = self.lenient || holds_empty_enum(batch);
        if lenient {
            self.buf.push_str(LENIENT_MODE_SQL);
        }
        // The size of the statement being written; 0 when none is open.
        let mut statement = 0usize;
        for row in &batch.rows {
            self.row.clear();
            push_tuple(&mut self.row, row.iter(), &self.kinds);
            if statement > 0 && statement + 2 + self.row.len() + self.tail.len() > STATEMENT_BUDGET
            {
                self.buf.push_str(&self.tail);
                self.largest = self.largest.max(statement + self.tail.len());
                statement = 0;
            }
            if statement == 0 {
                self.buf.push_str(&self.head);
                statement = self.head.len();
            } else {
                self.buf.push_str(",\n");
                statement += 2;
            }
            self.buf.push_str(&self.row);
            statement += self.row.len();
            if self.buf.len() >= CHUNK {
                out.write_all(self.buf.as_bytes())?;
                self.buf.clear();
            }
        }
        if statement > 0 {
            self.buf.push_str(&self.tail);
            self.largest = self.largest.max(statement + self.tail.len());
        }
        if lenient {
            self.buf.push_str(STRICT_MODE_SQL);
        }
        out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        // A batch of huge values must not keep its memory until the end of the table.
        self.buf.shrink_to(CHUNK + (64 << 10));
        self.row.shrink_to(64 << 10);
        Ok(())
    }
}

/// Whether a row of `batch` holds `''` in an ENUM column: an invalid value (index 0) unless
/// `''` is one of the ENUM's members, which strict mode refuses to store again.
fn holds_empty_enum(batch: &Batch) -> bool {
    let enums: Vec<usize> = batch
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.flags().contains(ColumnFlags::ENUM_FLAG))
        .map(|(i, _)| i)
        .collect();
    !enums.is_empty()
        && batch.rows.iter().any(|row| {
            enums
                .iter()
                .any(|&i| matches!(row.get(i), Some(Value::Bytes(b)) if b.is_empty()))
        })
}

#[cfg(test)]
mod tests;
