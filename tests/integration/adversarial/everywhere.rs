//! [`Case`]: a source database archived at once to an archive database and to CSV and SQL
//! files, then checked on every side: the eligible rows left the source and are, byte for byte
//! (`HEX()` of every column), in the archive table, in a fresh database the SQL file was loaded
//! into with the `mariadb` client, and in one the CSV file was restored into with the README's
//! recipe; every other row is untouched.

use std::path::PathBuf;

use osarchiver::destination::file::csv::{load_data_statement, CsvKind};
use osarchiver::mysql::literal::{LiteralKind, LOAD_SESSION_SQL};

use crate::file::support::decode_prefix;
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server};

/// A `deleted_at` older than the retention of [`Ini`] (`7 DAY`).
pub const OLD: &str = "UTC_TIMESTAMP() - INTERVAL 10 DAY";

/// The CSV recipe's session lines, as the README gives them.
pub const CSV_SESSION: &str = "SET check_constraint_checks = 0;\n";

/// A source database and the two databases its files are restored into, on one server.
pub struct Case<'s> {
    pub server: &'s Server,
    pub src: ScratchDb<'s>,
    pub sql: ScratchDb<'s>,
    pub csv: ScratchDb<'s>,
}

/// A table's rows as `HEX()` of every column but the period columns of system versioning,
/// `N` for NULL, `|`-separated, sorted.
pub fn hex_rows(db: &str, table: &str, filter: &str) -> Vec<String> {
    hex_rows_on(server(), db, table, filter)
}

/// [`hex_rows`] on server `s`.
pub fn hex_rows_on(s: &Server, db: &str, table: &str, filter: &str) -> Vec<String> {
    let columns: Vec<String> = s
        .sql(&format!(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}' \
             AND IFNULL(GENERATION_EXPRESSION, '-') NOT IN ('ROW START', 'ROW END') \
             ORDER BY ORDINAL_POSITION"
        ))
        .lines()
        .map(|c| format!("IFNULL(HEX(`{}`), 'N')", c.replace('`', "``")))
        .collect();
    assert!(!columns.is_empty(), "no table {db}.{table}");
    let out = s.sql(&format!(
        "SET NAMES utf8mb4; SET time_zone = '+00:00';
         SELECT CONCAT_WS('|', {}) FROM `{db}`.`{table}` WHERE {filter}",
        columns.join(", ")
    ));
    let mut rows: Vec<String> = out.lines().map(str::to_string).collect();
    rows.sort();
    rows
}

impl Case<'static> {
    /// Three fresh databases on the shared test server.
    pub fn new(prefix: &str) -> Case<'static> {
        Case::on(server(), prefix)
    }
}

impl<'s> Case<'s> {
    /// Three fresh databases on `server`.
    pub fn on(server: &'s Server, prefix: &str) -> Case<'s> {
        Case {
            server,
            src: ScratchDb::create(server, prefix),
            sql: ScratchDb::create(server, &format!("{prefix}_sql")),
            csv: ScratchDb::create(server, &format!("{prefix}_csv")),
        }
    }

    fn hex(&self, db: &str, table: &str, filter: &str) -> Vec<String> {
        hex_rows_on(self.server, db, table, filter)
    }

    /// Creates `table` in the two restore databases as it is in the source (`CREATE TABLE
    /// LIKE`: checks, versioning and all): where an operator restores archived rows.
    pub fn restore_targets(&self, table: &str) {
        for db in [&self.sql, &self.csv] {
            self.server.sql(&format!(
                "CREATE TABLE {} LIKE {}",
                db.q(table),
                self.src.q(table)
            ));
        }
    }

    /// The run's configuration: the harness's archive database destination plus a file
    /// destination (CSV and SQL, zstd) in `dir`.
    pub fn ini(&self, dir: &std::path::Path) -> Ini {
        Ini::new(self.server, &[&self.src.name])
            .set("archiver:test", "dst", "dst, files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "csv, sql")
            .set("dst:files", "archive_format", "zst")
    }

    /// Runs the binary with [`Case::ini`] changed by `edit`.
    pub fn run(&self, edit: impl FnOnce(Ini) -> Ini) -> Output {
        let cmd = Osarchiver::new();
        let dir = cmd.dir().join("files");
        let ini = edit(self.ini(&dir));
        cmd.config_text(ini.text()).run()
    }

    /// A dry run of [`Case::ini`].
    pub fn dry_run(&self) -> Output {
        let cmd = Osarchiver::new();
        let dir = cmd.dir().join("files");
        cmd.config_text(self.ini(&dir).text())
            .arg("--dry-run")
            .run()
    }

    fn file(&self, out: &Output, table: &str, ext: &str) -> PathBuf {
        out.dir
            .path()
            .join("files")
            .join(format!("{}.{table}.{ext}.zst", self.src.name))
    }

    /// The SQL file of `table`, decoded.
    pub fn sql_file(&self, out: &Output, table: &str) -> String {
        let path = self.file(out, table, "sql");
        assert!(path.exists(), "no {}\n{out}", path.display());
        String::from_utf8(decode_prefix(&path)).expect("UTF-8")
    }

    /// Loads the SQL file of `table` into the SQL restore database with the `mariadb` client
    /// (its statements renamed from the source database); the client's error, if any.
    pub fn load_sql(&self, out: &Output, table: &str) -> Result<(), String> {
        let text = self.sql_file(out, table).replace(
            &format!("INSERT INTO {}", self.src.q(table)),
            &format!("INSERT INTO {}", self.sql.q(table)),
        );
        self.server.try_sql(&text).map(|_| ())
    }

    /// Restores the CSV file of `table` into the CSV restore database with the README's
    /// recipe (`binary`: the columns written in hexadecimal); the warnings it gave.
    pub fn load_csv(&self, out: &Output, table: &str, binary: &[&str]) -> Vec<String> {
        let path = self.file(out, table, "csv");
        assert!(path.exists(), "no {}\n{out}", path.display());
        let csv = decode_prefix(&path);
        let plain = out.dir.path().join(format!("{table}.csv"));
        std::fs::write(&plain, &csv).unwrap();
        let header = String::from_utf8_lossy(&csv[..csv.iter().position(|&b| b == b'\r').unwrap()])
            .to_string();
        let columns: Vec<String> = header
            .split(',')
            .map(|c| c.trim_matches('"').to_string())
            .collect();
        let kinds: Vec<CsvKind> = columns
            .iter()
            .map(|c| {
                if binary.contains(&c.as_str()) {
                    CsvKind::Hex
                } else {
                    CsvKind::Value(LiteralKind::Text)
                }
            })
            .collect();
        let statement = load_data_statement(
            &plain.to_string_lossy(),
            &self.csv.name,
            table,
            &columns,
            &kinds,
        );
        self.server
            .sql_with(
                &["--local-infile=1"],
                &format!("{LOAD_SESSION_SQL}{CSV_SESSION}{statement}\nSHOW WARNINGS;"),
            )
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Asserts that the rows of `table` matching `eligible` (`before` as [`hex_rows`] read them
    /// before the run) left the source and are identical in the archive database and in both
    /// restore databases, and that `rest` (the other rows, read before the run) is untouched;
    /// the CSV restore may only give `csv_warnings`.
    pub fn assert_moved(
        &self,
        out: &Output,
        table: &str,
        eligible: &str,
        before: &[String],
        rest: &[String],
        csv_warnings: &[String],
    ) {
        assert!(!before.is_empty(), "{table}: the test moves no row");
        assert_eq!(
            self.hex(&self.src.name, table, eligible),
            Vec::<String>::new(),
            "{table}: eligible rows left in the source\n{out}"
        );
        assert_eq!(
            self.hex(&self.src.name, table, &format!("NOT ({eligible})")),
            rest,
            "{table}: rows that were not eligible changed\n{out}"
        );
        assert_eq!(
            self.hex(&self.src.archive(), table, "1"),
            before,
            "{table}: the archive table differs\n{out}"
        );
        if let Err(e) = self.load_sql(out, table) {
            panic!(
                "{table}: the SQL file does not load: {e}\n{}",
                self.sql_file(out, table)
            );
        }
        assert_eq!(
            self.hex(&self.sql.name, table, "1"),
            before,
            "{table}: the SQL file restores other rows\n{}",
            self.sql_file(out, table)
        );
        let warnings = self.load_csv(out, table, &[]);
        assert_eq!(warnings, csv_warnings, "{table}: CSV restore warnings");
        assert_eq!(
            self.hex(&self.csv.name, table, "1"),
            before,
            "{table}: the CSV file restores other rows"
        );
    }
}
