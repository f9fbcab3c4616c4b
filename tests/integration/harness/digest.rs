//! Comparing table contents: [`digest`], an MD5 over the hex of every value of every row in key
//! order; [`checksum_table`]; [`count`].
//!
//! The digest reads values as the server stores them: `HEX(BINARY col)`, so `NULL`, `''` and
//! `'NULL'` differ, as do strings that only a collation calls equal; FLOAT and DOUBLE go through
//! a DOUBLE with all its digits. Compare digests taken in the same way on both sides (the same
//! harness session settings: UTC, utf8mb4).

use super::server::Server;

/// The session settings every digest runs under.
const SESSION: &str = "SET NAMES utf8mb4; SET SESSION time_zone = '+00:00'; \
    SET SESSION group_concat_max_len = 1073741824;";

/// Columns of `db.table` in ordinal order, with their data type.
pub fn columns(server: &Server, db: &str, table: &str) -> Vec<(String, String)> {
    server
        .sql(&format!(
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION"
        ))
        .lines()
        .map(|l| {
            let (n, t) = l.split_once('\t').expect("two columns");
            (n.to_string(), t.to_string())
        })
        .collect()
}

/// The primary key's columns, or every column when there is none.
fn order_columns(server: &Server, db: &str, table: &str) -> Vec<String> {
    let pk: Vec<String> = server
        .sql(&format!(
            "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{db}' \
             AND TABLE_NAME = '{table}' AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX"
        ))
        .lines()
        .map(str::to_string)
        .collect();
    if pk.is_empty() {
        columns(server, db, table)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    } else {
        pk
    }
}

/// An expression that gives the exact stored form of a column's value, `N` for NULL.
fn value_expr(name: &str, data_type: &str) -> String {
    match data_type {
        "float" | "double" => format!("IFNULL(HEX(BINARY (`{name}` + 0e0)), 'N')"),
        _ => format!("IFNULL(HEX(BINARY `{name}`), 'N')"),
    }
}

/// `(row count, MD5)` over the rows of `db.table` matching `filter` (SQL, `1` for all), in
/// primary key order. Tables with the same columns and rows have the same digest.
pub fn digest(server: &Server, db: &str, table: &str, filter: &str) -> (u64, String) {
    let values: Vec<String> = columns(server, db, table)
        .iter()
        .map(|(n, t)| value_expr(n, t))
        .collect();
    assert!(!values.is_empty(), "no table {db}.{table}");
    let order: Vec<String> = order_columns(server, db, table)
        .iter()
        .map(|c| format!("`{c}`"))
        .collect();
    // Row by row, hashed here: a server-side MD5(GROUP_CONCAT(... ORDER BY ...)) crashed
    // MariaDB 10.11.19 (segfault) once in CI, taking the shared test server down with it.
    let out = server.sql(&format!(
        "{SESSION} SELECT CONCAT_WS('|', {}) FROM `{db}`.`{table}` WHERE {filter} ORDER BY {}",
        values.join(", "),
        order.join(", ")
    ));
    let rows: Vec<&str> = out.lines().collect();
    if rows.is_empty() {
        return (0, "empty".to_string());
    }
    use md5::Digest;
    let mut hasher = md5::Md5::new();
    hasher.update(rows.join("/").as_bytes());
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (rows.len() as u64, hash)
}

/// `CHECKSUM TABLE` of `db.table`.
pub fn checksum_table(server: &Server, db: &str, table: &str) -> String {
    let out = server.sql(&format!("CHECKSUM TABLE `{db}`.`{table}`"));
    let sum = out.trim().rsplit('\t').next().unwrap_or("").to_string();
    assert!(!sum.is_empty() && sum != "NULL", "CHECKSUM TABLE: {out}");
    sum
}

/// The number of rows of `db.table` matching `filter` (SQL, `1` for all).
pub fn count(server: &Server, db: &str, table: &str, filter: &str) -> u64 {
    server
        .sql(&format!(
            "SELECT COUNT(*) FROM `{db}`.`{table}` WHERE {filter}"
        ))
        .trim()
        .parse()
        .expect("a count")
}

/// Whether `db.table` exists.
pub fn table_exists(server: &Server, db: &str, table: &str) -> bool {
    server
        .sql(&format!(
            "SELECT COUNT(*) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}'"
        ))
        .trim()
        == "1"
}

/// A copy of some tables as they were before a run, in a database of its own (dropped with
/// this value), to compare an archive with the rows that left the source: blocked rows stay in
/// the source, and the archive does not keep a copy of them.
pub struct Before<'a> {
    server: &'a Server,
    db: String,
    source: String,
}

impl<'a> Before<'a> {
    /// Copies `tables` of `source` (`CREATE TABLE ... LIKE`, so with their keys and without
    /// their foreign keys).
    pub fn take(server: &'a Server, source: &str, tables: &[&str]) -> Before<'a> {
        let db = format!("{source}_before");
        let mut sql = format!("DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`;");
        for t in tables {
            sql.push_str(&format!(
                "CREATE TABLE `{db}`.`{t}` LIKE `{source}`.`{t}`; \
                 INSERT INTO `{db}`.`{t}` SELECT * FROM `{source}`.`{t}`;"
            ));
        }
        server.sql(&sql);
        Before {
            server,
            db,
            source: source.to_string(),
        }
    }

    /// The database holding the copies.
    pub fn db(&self) -> &str {
        &self.db
    }

    /// The digest of the rows of `table` that matched `filter` before the run and whose key
    /// (`key`, its columns) is no longer in the source: what the archive must hold.
    pub fn left(&self, table: &str, filter: &str, key: &str) -> (u64, String) {
        let (db, source) = (&self.db, &self.source);
        self.server.sql(&format!(
            "DELETE FROM `{db}`.`{table}` WHERE NOT COALESCE(({filter}), 0) \
               OR ({key}) IN (SELECT {key} FROM `{source}`.`{table}`)"
        ));
        digest(self.server, db, table, "1")
    }
}

impl Drop for Before<'_> {
    fn drop(&mut self) {
        let _ = self
            .server
            .try_sql(&format!("DROP DATABASE IF EXISTS `{}`", self.db));
    }
}
