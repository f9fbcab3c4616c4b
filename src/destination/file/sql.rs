//! The SQL format: a file the `mariadb` client loads back into identical rows, as many times as
//! wanted.
//!
//! ```text
//! -- osarchiver 0.1.0: rows archived from `nova`.`instances`
//! -- source: nova
//! -- run started: 2026-11-21 03:00:00 UTC
//! -- ...
//! SET NAMES utf8mb4;
//! SET time_zone = '+00:00';
//! SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';
//! SET foreign_key_checks = 0;
//!
//! INSERT INTO `nova`.`instances` (`id`,`name`) VALUES
//! (1,'a'),
//! (2,'it\'s')
//! ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`);
//! ```
//!
//! The session lines are [`LOAD_SESSION_SQL`] (what the values need to read back identical)
//! and `foreign_key_checks = 0`, as in `mysqldump` output: a child table's file can be loaded
//! before its parent's. Each batch is one `INSERT` (more when it would pass
//! [`STATEMENT_BUDGET`]), one row a line; values are rendered by [`crate::mysql::literal`]
//! only. Literals never hold a raw newline (text escapes it, binary is hex), so a line that
//! ends with `;` ends a statement, and a file cut by a crash is valid up to its last such line.

use std::io::{self, Write};

use crate::mysql::ident::{push_ident, push_qualified};
use crate::mysql::literal::{push_tuple, LiteralKind, LOAD_SESSION_SQL};
use crate::source::batch::Batch;

/// A statement is closed before it passes this size, a quarter of the `mariadb` client's and
/// the server's default `max_allowed_packet` (16 MiB). A single row larger than that gets a
/// statement of its own.
pub const STATEMENT_BUDGET: usize = 4 << 20;

/// The default `max_allowed_packet` of the client and of MariaDB servers.
pub const DEFAULT_MAX_PACKET: usize = 16 << 20;

/// Rendered statements are handed to the file in pieces of about this size.
const CHUNK: usize = 1 << 20;

/// What the header comment says.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub source: &'a str,
    pub db: &'a str,
    pub table: &'a str,
    /// The run's start, UTC, `YYYY-MM-DD HH:MM:SS`.
    pub started: &'a str,
}

/// A line of comment text: no line breaks.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The beginning of the file: the comment and the session settings.
pub fn header(h: &Header<'_>) -> String {
    let mut table = String::new();
    push_qualified(&mut table, h.db, h.table);
    format!(
        "-- osarchiver {version}: rows archived from {table}\n\
         -- source: {source}\n\
         -- run started: {started} UTC\n\
         --\n\
         -- One INSERT per batch of rows, each ending with ON DUPLICATE KEY UPDATE: loading the\n\
         -- file again changes nothing. Load it where the table exists, with\n\
         --   mariadb --default-character-set=utf8mb4 < FILE\n\
         {LOAD_SESSION_SQL}\
         SET foreign_key_checks = 0;\n\n",
        version = env!("CARGO_PKG_VERSION"),
        table = one_line(&table),
        source = one_line(h.source),
        started = one_line(h.started),
    )
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
}

impl SqlWriter {
    pub fn new(db: &str, table: &str, columns: &[String]) -> SqlWriter {
        let mut head = String::from("INSERT INTO ");
        push_qualified(&mut head, db, table);
        head.push_str(" (");
        let mut tail = String::from("\nON DUPLICATE KEY UPDATE ");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                head.push(',');
                tail.push(',');
            }
            push_ident(&mut head, c);
            push_ident(&mut tail, c);
            tail.push_str("=VALUES(");
            push_ident(&mut tail, c);
            tail.push(')');
        }
        head.push_str(") VALUES\n");
        tail.push_str(";\n");
        SqlWriter {
            head,
            tail,
            kinds: Vec::with_capacity(columns.len()),
            buf: String::with_capacity(CHUNK + (64 << 10)),
            row: String::with_capacity(1024),
            largest: 0,
        }
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
        out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        // A batch of huge values must not keep its memory until the end of the table.
        self.buf.shrink_to(CHUNK + (64 << 10));
        self.row.shrink_to(64 << 10);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_async::consts::ColumnType;
    use mysql_async::{Column, Value};
    use std::sync::Arc;

    /// The statements of one batch, as the file holds them.
    fn render(db: &str, table: &str, columns: &[String], batch: &Batch) -> String {
        let mut w = SqlWriter::new(db, table, columns);
        let mut out = Vec::new();
        w.write_batch(batch, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn columns() -> Vec<String> {
        ["id", "na`me", "data"].map(String::from).to_vec()
    }

    fn batch(rows: Vec<Vec<Value>>) -> Batch {
        Batch {
            columns: Arc::from(vec![
                Column::new(ColumnType::MYSQL_TYPE_LONGLONG).with_character_set(63),
                Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
                Column::new(ColumnType::MYSQL_TYPE_BLOB).with_character_set(63),
            ]),
            rows,
            ..Default::default()
        }
    }

    #[test]
    fn one_insert_per_batch_with_an_upsert_tail() {
        let b = batch(vec![
            vec![
                Value::Int(1),
                Value::Bytes(b"it's\n".to_vec()),
                Value::Bytes(vec![0, 1]),
            ],
            vec![Value::Int(2), Value::Bytes(b"NULL".to_vec()), Value::NULL],
        ]);
        assert_eq!(
            render("d b", "t", &columns(), &b),
            "INSERT INTO `d b`.`t` (`id`,`na``me`,`data`) VALUES\n\
             (1,'it\\'s\\n',X'0001'),\n\
             (2,'NULL',NULL)\n\
             ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`na``me`=VALUES(`na``me`),`data`=VALUES(`data`);\n"
        );
        assert_eq!(render("d", "t", &columns(), &batch(vec![])), "");
    }

    #[test]
    fn statements_stay_under_the_budget() {
        // Rows of about 1 MiB of hex each: four per statement at most.
        let big = vec![0xABu8; 512 << 10];
        let rows: Vec<Vec<Value>> = (0..10)
            .map(|i| vec![Value::Int(i), Value::NULL, Value::Bytes(big.clone())])
            .collect();
        let mut w = SqlWriter::new("d", "t", &columns());
        let mut out = Vec::new();
        w.write_batch(&batch(rows), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let statements: Vec<&str> = text.split_inclusive(";\n").collect();
        assert!(statements.len() >= 3, "{}", statements.len());
        let mut ids = 0;
        for s in &statements {
            assert!(s.starts_with("INSERT INTO `d`.`t`"));
            assert!(s.ends_with("=VALUES(`data`);\n"));
            assert!(s.len() <= STATEMENT_BUDGET, "{}", s.len());
            ids += s.matches("\n(").count();
        }
        assert_eq!(ids, 10);
        assert!(w.largest_statement() <= STATEMENT_BUDGET);
        assert!(w.largest_statement() > STATEMENT_BUDGET / 2);
        // Every line that ends with ';' ends a statement.
        assert_eq!(
            text.lines().filter(|l| l.ends_with(';')).count(),
            statements.len()
        );
    }

    #[test]
    fn a_row_larger_than_the_budget_gets_its_own_statement() {
        let huge = vec![1u8; STATEMENT_BUDGET];
        let rows = vec![
            vec![Value::Int(1), Value::NULL, Value::NULL],
            vec![Value::Int(2), Value::NULL, Value::Bytes(huge)],
            vec![Value::Int(3), Value::NULL, Value::NULL],
        ];
        let mut w = SqlWriter::new("d", "t", &columns());
        let mut out = Vec::new();
        w.write_batch(&batch(rows), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("INSERT INTO").count(), 3);
        assert!(w.largest_statement() > 2 * STATEMENT_BUDGET);
    }

    #[test]
    fn header_names_the_version_source_table_and_start_and_sets_the_session() {
        let h = header(&Header {
            source: "nova\nevil",
            db: "nova",
            table: "instances",
            started: "2026-11-21 03:00:00",
        });
        assert!(h.starts_with(&format!(
            "-- osarchiver {}: rows archived from `nova`.`instances`\n",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(h.contains("-- source: nova evil\n"));
        assert!(h.contains("-- run started: 2026-11-21 03:00:00 UTC\n"));
        assert!(h.contains(LOAD_SESSION_SQL));
        assert!(h.ends_with("SET foreign_key_checks = 0;\n\n"));
        // Every line is a comment or a complete statement.
        for line in h.lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with("-- ") || line == "--" || line.ends_with(';'),
                "{line}"
            );
        }
    }
}
