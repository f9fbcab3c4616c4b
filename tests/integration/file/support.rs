//! Shared by the file destination's tests (`file/*.rs`): configurations for the test server,
//! the files a run wrote, the standard tools that open them, and loading them back.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use osarchiver::mysql::literal::LOAD_SESSION_SQL;

use crate::harness::server;

/// A `[src:NAME]` section for the test server, archiving database `db`, rows whose
/// `deleted_at` is older than a day, without delay between deletes unless `extra` says one;
/// `extra` is appended (one `key = value` a line).
pub fn src_section(name: &str, db: &str, extra: &str) -> String {
    let s = server();
    let mut text = format!(
        "[src:{name}]\nhost = {}\nport = {}\nuser = {}\n",
        s.host(),
        s.port(),
        s.user()
    );
    if let Some(pw) = s.password() {
        text.push_str(&format!("password = {}\n", pw.replace('$', "$$")));
    }
    text.push_str(&format!("databases = {db}\nretention = 1 DAY\n"));
    if !extra.contains("delete_loop_delay") {
        text.push_str("delete_loop_delay = 0\n");
    }
    text.push_str(&format!("{extra}\n"));
    text
}

/// A `[dst:NAME]` file section.
pub fn dst_section(name: &str, directory: &Path, formats: &str, archive_format: &str) -> String {
    format!(
        "[dst:{name}]\nbackend = file\ndirectory = {}\nformats = {formats}\narchive_format = {archive_format}\n\n",
        directory.display()
    )
}

/// A whole configuration: archiver `a` from source `s` (database `db`, `src_extra` keys) to one
/// file destination `f`.
pub fn config(
    db: &str,
    src_extra: &str,
    directory: &Path,
    formats: &str,
    archive_format: &str,
) -> String {
    format!(
        "[archiver:a]\nsrc = s\ndst = f\n\n{}{}",
        src_section("s", db, src_extra),
        dst_section("f", directory, formats, archive_format)
    )
}

/// The names in `dir`, sorted (empty when it does not exist).
pub fn file_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A standard command-line tool, which the tests need (scripts/test.sh installs them).
pub fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p;
        }
    }
    panic!(
        "`{name}` is not installed: the file destination's tests open archives with the standard \
         tools (tar, gzip, bzip2, xz, zstd, unzip); run scripts/test.sh as root to install them, \
         or apt-get install tar gzip bzip2 xz-utils zstd unzip"
    )
}

/// Runs a tool and returns its stdout; panics with its stderr on failure.
pub fn run_tool(name: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A streaming-compressed file decoded in-process, as far as it goes: a file cut by a crash
/// gives the batches before the cut.
pub fn decode_prefix(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap();
    let mut out = Vec::new();
    let name = path.to_string_lossy();
    // A truncated last member/frame is an error after everything before it was decoded.
    let _ = if name.ends_with(".zst") {
        zstd::stream::read::Decoder::new(file)
            .unwrap()
            .read_to_end(&mut out)
    } else if name.ends_with(".gz") {
        flate2::read::MultiGzDecoder::new(file).read_to_end(&mut out)
    } else {
        std::io::BufReader::new(file).read_to_end(&mut out)
    };
    out
}

/// The part of a SQL file up to its last complete statement (a line ending with `;`).
pub fn complete_statements(sql: &str) -> &str {
    match sql.rfind(";\n") {
        Some(i) => &sql[..i + 2],
        None => "",
    }
}

/// Loads SQL text (a SQL archive file) with the `mariadb` client; panics on any error.
pub fn load_sql(sql: &str) {
    server().sql(sql);
}

/// Restores a CSV archive file into `db.table` with the README's `LOAD DATA LOCAL INFILE`;
/// `binary` lists the binary columns (hexadecimal in the file), `encoded` the text columns in a
/// character set that is not UTF-8, with it (their own bytes in hexadecimal in the file). Any
/// warning fails.
pub fn load_csv(
    path: &Path,
    db: &str,
    table: &str,
    columns: &[String],
    binary: &[&str],
    encoded: &[(&str, &str)],
) {
    load_csv_with(&[], path, db, table, columns, binary, encoded);
}

/// [`load_csv`] with more `mariadb` client options.
pub fn load_csv_with(
    client: &[&str],
    path: &Path,
    db: &str,
    table: &str,
    columns: &[String],
    binary: &[&str],
    encoded: &[(&str, &str)],
) {
    use osarchiver::destination::file::csv::{load_data_statement, CsvKind};
    use osarchiver::mysql::literal::{Charset, LiteralKind};
    let kinds: Vec<CsvKind> = columns
        .iter()
        .map(|c| {
            if binary.contains(&c.as_str()) {
                CsvKind::Hex
            } else if let Some((_, cs)) = encoded.iter().find(|(n, _)| n == c) {
                CsvKind::Value(LiteralKind::Encoded(
                    Charset::needs_own_bytes(cs).expect("not UTF-8"),
                ))
            } else {
                CsvKind::Value(LiteralKind::Text)
            }
        })
        .collect();
    let statement = load_data_statement(&path.to_string_lossy(), db, table, columns, &kinds);
    let mut args = vec!["--local-infile=1"];
    args.extend_from_slice(client);
    let warnings = server().sql_with(
        &args,
        &format!("{LOAD_SESSION_SQL}{statement}\nSHOW WARNINGS;"),
    );
    assert_eq!(warnings, "", "LOAD DATA warnings\n{statement}");
}

/// The column names of `db.table`, in order.
pub fn columns_of(db: &str, table: &str) -> Vec<String> {
    server()
        .sql(&format!(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = '{db}' AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION"
        ))
        .lines()
        .map(str::to_string)
        .collect()
}

/// `SELECT COUNT(*)` of a qualified table.
pub fn count(table: &str) -> u64 {
    server()
        .sql(&format!("SELECT COUNT(*) FROM {table}"))
        .trim()
        .parse()
        .unwrap()
}

/// Creates `table` (`id`, `name`, `data` VARBINARY, `deleted_at`) with rows 1..=n, all
/// eligible: names with quotes, commas, a newline and a 4-byte character, binary data.
pub fn simple_table(qualified_table: &str, n: u32) {
    let mut sql = format!(
        "SET NAMES utf8mb4;
         CREATE TABLE {qualified_table} (
           id INT NOT NULL PRIMARY KEY,
           name VARCHAR(100) NULL,
           data VARBINARY(32) NULL,
           deleted_at DATETIME NULL
         ) DEFAULT CHARSET=utf8mb4;\n"
    );
    for chunk in (1..=n).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "({i}, 'row {i}: \"q\", \\n🦀', UNHEX(SHA2('{i}', 256)), '2001-01-01 00:00:00')"
                )
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO {qualified_table} VALUES {};\n",
            rows.join(",")
        ));
    }
    server().sql(&sql);
}
