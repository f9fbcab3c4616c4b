//! Exact bytes for every character set the server offers (`SHOW CHARACTER SET`): a table per
//! character set, keyed by text in that character set, holding byte sequences known not to
//! survive a trip through `utf8mb4` (`sjis` `0x5C` and `0x815F`, `cp932` `0xED40` and `0xFA5C`,
//! `ucs2`/`utf16`/`utf32` code units, surrogate pairs, NEC and IBM extensions, every byte of
//! the single-byte sets, ...). Each table is archived in two runs (the first without deleting,
//! so the second finds identical rows already archived), with small pages and delete chunks;
//! the rows must leave the source and be, byte for byte (`HEX()` of every column), in the
//! archive table, in the SQL file loaded back with the `mariadb` client and in the CSV file
//! restored with the README's recipe; every other row must be untouched.
//!
//! Also holds the check both adversarial modules share ([`archive_and_check`]).

use std::path::Path;

use crate::file::support::decode_prefix;
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb};
use crate::pipeline::OLD;

/// How a column comes back from the CSV file (README, "The CSV file").
#[derive(Clone, Debug)]
pub(super) enum Csv {
    /// As written (numbers, dates, UTF-8 text).
    Plain,
    /// Hexadecimal of binary data: `UNHEX(@v)`.
    Hex,
    /// Hexadecimal of text in a character set that is not UTF-8: `CONVERT(UNHEX(@v) USING cs)`.
    Charset(String),
}

/// A column of a table under test.
#[derive(Clone, Debug)]
pub(super) struct Col {
    pub name: String,
    pub csv: Csv,
    /// FLOAT or DOUBLE: compared through a DOUBLE with all its digits.
    pub float: bool,
}

impl Col {
    pub fn plain(name: &str) -> Col {
        Col {
            name: name.into(),
            csv: Csv::Plain,
            float: false,
        }
    }
    pub fn hex(name: &str) -> Col {
        Col {
            csv: Csv::Hex,
            ..Col::plain(name)
        }
    }
    pub fn float(name: &str) -> Col {
        Col {
            float: true,
            ..Col::plain(name)
        }
    }
    pub fn charset(name: &str, cs: &str) -> Col {
        let csv = match cs {
            "utf8mb4" | "utf8mb3" => Csv::Plain,
            cs => Csv::Charset(cs.to_string()),
        };
        Col {
            csv,
            ..Col::plain(name)
        }
    }
}

/// The rows of `db.table` matching `filter`, each as the hex of every column's stored bytes
/// (`N` for NULL), sorted: a comparison that no collation, conversion or rounding can blur.
pub(super) fn rows_hex(db: &str, table: &str, cols: &[Col], filter: &str) -> Vec<String> {
    let exprs: Vec<String> = cols
        .iter()
        .map(|c| {
            let name = format!("`{}`", c.name);
            if c.float {
                format!("IFNULL(HEX(BINARY ({name} + 0e0)), 'N')")
            } else {
                format!("IFNULL(HEX(BINARY {name}), 'N')")
            }
        })
        .collect();
    let out = server().sql(&format!(
        "SET NAMES utf8mb4; SET time_zone = '+00:00';
         SELECT CONCAT_WS('|', {}) FROM `{db}`.`{table}` WHERE {filter}",
        exprs.join(", ")
    ));
    let mut rows: Vec<String> = out.lines().map(str::to_string).collect();
    rows.sort();
    rows
}

/// The eligibility of the runs: `deleted_at` older than the retention.
const ELIGIBLE: &str = "deleted_at <= UTC_TIMESTAMP() - INTERVAL 7 DAY";

/// Archives the tables of `db` (each with its columns, `deleted_at` among them) in two runs
/// (first without deleting, then deleting) to the archive database and to SQL and CSV files,
/// `select_limit` 3 and `delete_limit` 2, and checks both sides of every table: eligible rows
/// gone from the source and, byte for byte, in the archive table, in the SQL file loaded with
/// the `mariadb` client and in the CSV file restored with the README's `LOAD DATA`; other rows
/// untouched; both runs exit 0. Returns the second run's output.
pub(super) fn archive_and_check(db: &ScratchDb, tables: &[(String, Vec<Col>)]) -> Output {
    let s = server();
    let mut before = Vec::new();
    for (t, cols) in tables {
        let eligible = rows_hex(&db.name, t, cols, ELIGIBLE);
        let kept = rows_hex(
            &db.name,
            t,
            cols,
            &format!("NOT ({ELIGIBLE}) OR deleted_at IS NULL"),
        );
        assert!(
            !eligible.is_empty(),
            "{t}: no eligible row: the test proves nothing"
        );
        assert!(
            !kept.is_empty(),
            "{t}: no row to keep: the test proves nothing"
        );
        before.push((eligible, kept));
    }
    let dirs = tempfile::tempdir().unwrap();
    let run = |n: usize, delete: bool| {
        let dir = dirs.path().join(format!("run{n}"));
        let ini = Ini::new(s, &[&db.name])
            .src("select_limit", 3)
            .src("delete_limit", 2)
            .src("delete_data", delete)
            .dst("bulk_insert", 2)
            .set("archiver:test", "dst", "dst, files")
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", "sql, csv")
            .set("dst:files", "archive_format", "gz");
        (Osarchiver::new().config_text(ini.text()).run(), dir)
    };
    let (first, _) = run(1, false);
    first.assert_code(0);
    for ((t, cols), (eligible, kept)) in tables.iter().zip(&before) {
        let mut all = eligible.clone();
        all.extend(kept.iter().cloned());
        all.sort();
        assert_eq!(
            &rows_hex(&db.name, t, cols, "1"),
            &all,
            "{t}: a run without delete_data changed the source"
        );
    }
    let (second, dir) = run(2, true);
    second.assert_code(0);
    for ((t, cols), (eligible, kept)) in tables.iter().zip(&before) {
        assert_eq!(
            &rows_hex(&db.name, t, cols, "1"),
            kept,
            "{t}: the source does not hold exactly the rows to keep\n{}",
            second.output()
        );
        assert_eq!(
            &rows_hex(&db.archive(), t, cols, "1"),
            eligible,
            "{t}: the archive table differs from the eligible rows"
        );
        // The SQL file, into an empty copy of the table under the source's name.
        db.sql(&format!(
            "DROP TABLE `{t}`; CREATE TABLE `{t}` LIKE {};",
            db.qa(t)
        ));
        let sql = file_text(&dir, &db.name, t, "sql");
        s.sql_with(&["--default-character-set=utf8mb4"], &sql);
        assert_eq!(
            &rows_hex(&db.name, t, cols, "1"),
            eligible,
            "{t}: the SQL file loads back different rows"
        );
        // The CSV file, with the README's recipe.
        db.sql(&format!("TRUNCATE TABLE `{t}`;"));
        let csv = dir.join(format!("{}.{t}.csv", db.name));
        std::fs::write(&csv, decode_prefix(&with_ext(&csv, "gz"))).unwrap();
        let warnings = s.sql_with(
            &["--local-infile=1", "--default-character-set=utf8mb4"],
            &format!("{}\nSHOW WARNINGS;", load_csv(&csv, &db.name, t, cols)),
        );
        assert_eq!(warnings, "", "{t}: LOAD DATA warnings");
        assert_eq!(
            &rows_hex(&db.name, t, cols, "1"),
            eligible,
            "{t}: the CSV file restores different rows"
        );
    }
    second
}

fn with_ext(path: &Path, ext: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    s.into()
}

/// A table's SQL file of a run (gzip), as text: only ASCII and UTF-8 are written.
fn file_text(dir: &Path, db: &str, table: &str, ext: &str) -> String {
    let path = dir.join(format!("{db}.{table}.{ext}.gz"));
    let bytes = decode_prefix(&path);
    assert!(!bytes.is_empty(), "no {}", path.display());
    String::from_utf8(bytes).expect("the SQL file is UTF-8")
}

/// The README's restore statement for a CSV file.
fn load_csv(path: &Path, db: &str, table: &str, cols: &[Col]) -> String {
    let vars: Vec<String> = (1..=cols.len()).map(|i| format!("@v{i}")).collect();
    let sets: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let v = format!("@v{}", i + 1);
            let value = match &c.csv {
                Csv::Plain => v,
                Csv::Hex => format!("UNHEX({v})"),
                Csv::Charset(cs) => format!("CONVERT(UNHEX({v}) USING {cs})"),
            };
            format!("`{}` = {value}", c.name)
        })
        .collect();
    format!(
        "SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET sql_mode = 'STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';
LOAD DATA LOCAL INFILE '{}' INTO TABLE `{db}`.`{table}`
  CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY ''
  LINES TERMINATED BY '\\r\\n'
  IGNORE 1 LINES
  ({})
  SET {};",
        path.display(),
        vars.join(","),
        sets.join(", ")
    )
}

/// Byte sequences to try in character set `cs` (of at most `maxlen` bytes a character): the
/// known troublemakers of each, and a grid of lead and trail bytes. The server keeps those that
/// are valid.
fn candidates(cs: &str, maxlen: u32) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = vec![
        b"a".to_vec(),
        b"\\".to_vec(),
        b"'\"".to_vec(),
        b"~".to_vec(),
    ];
    let units = |width: usize, values: &[u32], le: bool| -> Vec<Vec<u8>> {
        values
            .iter()
            .map(|&v| {
                let be = v.to_be_bytes();
                let mut b = be[4 - width..].to_vec();
                if le {
                    b.reverse();
                }
                b
            })
            .collect()
    };
    const BMP: &[u32] = &[
        0x005C, 0x00A5, 0x203E, 0xFF3C, 0x301C, 0xFF5E, 0x2225, 0x2016, 0x2212, 0xFFE0, 0xFFE2,
        0x00A6, 0x0000, 0x0027, 0xE000, 0xF8FF, 0xFFFD, 0x00E9, 0x0410,
    ];
    match cs {
        "ucs2" => out = units(2, BMP, false),
        "utf16" => {
            out = units(2, BMP, false);
            out.push(vec![0xD8, 0x3D, 0xDE, 0x00]);
            out.push(vec![0xDB, 0xFF, 0xDF, 0xFF]);
        }
        "utf16le" => {
            out = units(2, BMP, true);
            out.push(vec![0x3D, 0xD8, 0x00, 0xDE]);
        }
        "utf32" => {
            out = units(4, BMP, false);
            out.extend(units(4, &[0x1F600, 0x10FFFF, 0x20000], false));
        }
        "utf8mb4" | "utf8mb3" | "ascii" => {
            out.extend(["é", "😀", "\u{FFFD}", "\u{A5}", "a\u{0}b"].map(|s| s.as_bytes().to_vec()));
        }
        _ if maxlen == 1 => out.extend((0x80..=0xFFu8).map(|b| vec![b])),
        _ => {
            out.extend([0x5C, 0x7E, 0x80, 0xA0, 0xA5, 0xFD, 0xFE, 0xFF].map(|b| vec![b]));
            let known: &[&[u8]] = &[
                // sjis / cp932: YEN/backslash, wave dash, NEC and IBM extensions.
                &[0x81, 0x5F],
                &[0x81, 0x60],
                &[0x81, 0x7C],
                &[0x81, 0x91],
                &[0x87, 0x40],
                &[0x87, 0x90],
                &[0xED, 0x40],
                &[0xEE, 0xF9],
                &[0xFA, 0x40],
                &[0xFA, 0x5C],
                &[0xFA, 0x55],
                // big5, gbk, gb2312, euckr
                &[0xA1, 0xC3],
                &[0xA1, 0x45],
                &[0xF9, 0xF9],
                &[0xC6, 0xA1],
                &[0xA1, 0xA4],
                &[0xA1, 0xAA],
                &[0xA8, 0x44],
                &[0xA2, 0xE6],
                &[0xA1, 0xAD],
                // ujis / eucjpms: JIS X 0212, half-width kana, NEC row 13
                &[0x8F, 0xA2, 0xB7],
                &[0x8F, 0xA2, 0xAF],
                &[0x8F, 0xF3, 0xF3],
                &[0x8F, 0xB0, 0xA1],
                &[0x8E, 0xA4],
                &[0xA1, 0xC1],
                &[0xA1, 0xC0],
                &[0xAD, 0xA1],
                &[0xF9, 0xA1],
            ];
            out.extend(known.iter().map(|k| k.to_vec()));
            for lead in [
                0x81u8, 0x88, 0xA1, 0xA4, 0xB0, 0xC9, 0xED, 0xEE, 0xFA, 0xFC, 0xFE,
            ] {
                for trail in [0x40u8, 0x5C, 0x7E, 0x80, 0xA1, 0xFC, 0xFE] {
                    out.push(vec![lead, trail]);
                }
            }
        }
    }
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The server's character sets: name, default collation, maximum bytes a character.
fn server_charsets() -> Vec<(String, String, u32)> {
    server()
        .sql("SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME, MAXLEN FROM information_schema.CHARACTER_SETS WHERE CHARACTER_SET_NAME <> 'binary' ORDER BY 1")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse().unwrap())
        })
        .collect()
}

#[test]
fn every_charset_keeps_its_own_bytes() {
    let s = server();
    let db = ScratchDb::create(s, "adv_cs");
    let charsets = server_charsets();
    assert!(charsets.len() >= 30, "{charsets:?}");
    // The writer knows every character set the server offers by name.
    for (cs, _, _) in &charsets {
        assert!(
            osarchiver::mysql::literal::KNOWN_CHARSETS.contains(&cs.as_str()),
            "{cs} is not in KNOWN_CHARSETS"
        );
    }
    let mut tables = Vec::new();
    let mut not_round_trip = 0u64;
    for (cs, collation, maxlen) in &charsets {
        let t = format!("t_{cs}");
        db.sql(&format!(
            "CREATE TABLE `{t}` (
               k VARCHAR(16) CHARACTER SET {cs} COLLATE {collation} NOT NULL,
               id INT NOT NULL,
               v VARCHAR(80) CHARACTER SET {cs} COLLATE {cs}_bin NULL,
               e ENUM('x', 'y') CHARACTER SET {cs} NOT NULL DEFAULT 'y',
               deleted_at DATETIME NULL,
               PRIMARY KEY (k)
             )"
        ));
        let mut sql = String::from("SET sql_mode = 'STRICT_ALL_TABLES';\n");
        for (id, c) in candidates(cs, *maxlen).iter().enumerate() {
            let x = hex(c);
            let deleted = if id % 3 == 2 {
                "NULL".to_string()
            } else {
                OLD.to_string()
            };
            // INSERT IGNORE: a sequence the character set rejects, or a key its collation calls
            // equal to an earlier one, is left out (or stored as the server makes it).
            sql.push_str(&format!(
                "INSERT IGNORE INTO `{t}` (k, id, v, deleted_at) VALUES (CONVERT(X'{x}' USING {cs}), {id}, \
                 IF({id} % 4 = 1, NULL, CONVERT(X'{x}5C27{x}0A{x}' USING {cs})), {deleted});\n"
            ));
        }
        db.sql(&sql);
        // How many of the stored keys do not survive a trip through utf8mb4.
        let n: u64 = db
            .sql(&format!(
                "SELECT COUNT(*) FROM `{t}` WHERE BINARY k <> BINARY CONVERT(CONVERT(k USING utf8mb4) USING {cs})"
            ))
            .trim()
            .parse()
            .unwrap();
        not_round_trip += n;
        let cols = vec![
            Col::charset("k", cs),
            Col::plain("id"),
            Col::charset("v", cs),
            Col::charset("e", cs),
            Col::plain("deleted_at"),
        ];
        tables.push((t, cols));
    }
    // The fixture holds what the test is about.
    let sjis = db.sql(
        "SELECT GROUP_CONCAT(HEX(k) ORDER BY HEX(k)) FROM t_sjis WHERE HEX(k) IN ('5C', '815F')",
    );
    assert_eq!(sjis.trim(), "5C,815F");
    let cp932 = db.sql("SELECT COUNT(*) FROM t_cp932 WHERE HEX(k) = 'ED40'");
    assert_eq!(cp932.trim(), "1");
    assert!(
        not_round_trip > 20,
        "only {not_round_trip} keys do not round-trip"
    );
    let rows: u64 = tables
        .iter()
        .map(|(t, _)| {
            db.sql(&format!("SELECT COUNT(*) FROM `{t}`"))
                .trim()
                .parse::<u64>()
                .unwrap()
        })
        .sum();
    eprintln!(
        "ADVERSARIAL charsets: {} character sets, {rows} rows, {not_round_trip} keys that utf8mb4 does not round-trip",
        charsets.len()
    );
    archive_and_check(&db, &tables);
}
