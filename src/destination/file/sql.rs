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
//! [`LENIENT_MODE_SQL`] and [`STRICT_MODE_SQL`]: strict mode refuses that value. Each batch is one `INSERT` (more when it would pass
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
        let lenient = holds_empty_enum(batch);
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
    fn a_batch_with_an_empty_enum_value_is_loaded_without_strict_mode() {
        use mysql_async::consts::ColumnFlags;
        let cols: Arc<[Column]> = Arc::from(vec![
            Column::new(ColumnType::MYSQL_TYPE_LONGLONG).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_STRING)
                .with_character_set(45)
                .with_flags(ColumnFlags::ENUM_FLAG),
        ]);
        let names = ["id", "e"].map(String::from).to_vec();
        let b = |e: &[u8]| Batch {
            columns: cols.clone(),
            rows: vec![
                vec![Value::Int(1), Value::Bytes(b"a".to_vec())],
                vec![Value::Int(2), Value::Bytes(e.to_vec())],
                vec![Value::Int(3), Value::NULL],
            ],
            ..Default::default()
        };
        let out = render("d", "t", &names, &b(b""));
        assert!(out.starts_with(LENIENT_MODE_SQL), "{out}");
        assert!(out.ends_with(&format!(";\n{STRICT_MODE_SQL}")), "{out}");
        assert_eq!(out.matches("INSERT INTO").count(), 1);
        let out = render("d", "t", &names, &b(b"b"));
        assert!(out.starts_with("INSERT INTO"), "{out}");
        assert!(!out.contains("sql_mode"), "{out}");
        // An empty string in a column that is not an ENUM is just a string.
        let mut plain = b(b"");
        plain.columns = Arc::from(vec![
            Column::new(ColumnType::MYSQL_TYPE_LONGLONG).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_STRING).with_character_set(45),
        ]);
        assert!(!render("d", "t", &names, &plain).contains("sql_mode"));
    }

    #[test]
    fn plain_inserts_without_upsert() {
        let b = batch(vec![vec![Value::Int(1), Value::NULL, Value::NULL]]);
        let mut w = SqlWriter::new("d", "t", &columns()).without_upsert();
        let mut out = Vec::new();
        w.write_batch(&b, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "INSERT INTO `d`.`t` (`id`,`na``me`,`data`) VALUES\n(1,NULL,NULL);\n"
        );
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
            upsert: true,
        });
        assert!(h.starts_with(&format!(
            "-- osarchiver {}: rows archived from `nova`.`instances`\n",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(h.contains("-- source: nova evil\n"));
        assert!(h.contains("-- run started: 2026-11-21 03:00:00 UTC\n"));
        assert!(h.contains(LOAD_SESSION_SQL));
        assert!(h.ends_with(
            "SET foreign_key_checks = 0;\n/*M!100201 SET check_constraint_checks = 0 */;\n\n"
        ));
        assert!(LOAD_SESSION_SQL.contains(STRICT_MODE_SQL));
        // Every line is a comment or a complete statement.
        for line in h.lines().filter(|l| !l.is_empty()) {
            assert!(
                line.starts_with("-- ") || line == "--" || line.ends_with(';'),
                "{line}"
            );
        }
    }
}
