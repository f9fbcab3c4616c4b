//! The keyset walk visits every row, whatever the key type, and equality by key names exactly
//! one row: tables keyed by `ENUM` (labels out of alphabetical order), `SET`, `BIT`, `DECIMAL`
//! values that differ beyond a double's precision, case-insensitive, `_bin` and `NO PAD`
//! collations, a descending key, a prefix key, a composite key mixing them, `FLOAT`/`DOUBLE`,
//! `DATETIME(6)`/`TIME(6)`/`YEAR`, `BINARY`/`VARBINARY`, negative and extreme integers. Each is
//! archived with pages of 3 rows and delete chunks of 2, in two runs (the second finds the
//! first's identical copies in the archive: never a conflict); see
//! [`super::charsets::archive_and_check`] for what is checked.

use crate::harness::{server, ScratchDb};
use crate::pipeline::OLD;

use super::charsets::{archive_and_check, Col};

/// A table under test: its columns and keys (`deleted_at` is added), the columns to compare,
/// and its rows (values without `deleted_at`, eligible or not).
struct Case {
    table: &'static str,
    definition: &'static str,
    cols: Vec<Col>,
    rows: Vec<(&'static str, bool)>,
}

fn check(prefix: &str, cases: Vec<Case>) {
    let db = ScratchDb::create(server(), prefix);
    let mut tables = Vec::new();
    for case in cases {
        let values: Vec<String> = case
            .rows
            .iter()
            .map(|(v, eligible)| format!("({v}, {})", if *eligible { OLD } else { "NULL" }))
            .collect();
        db.sql(&format!(
            "CREATE TABLE `{t}` ({def}, deleted_at DATETIME NULL);
             SET time_zone = '+00:00';
             INSERT INTO `{t}` VALUES {};",
            values.join(", "),
            t = case.table,
            def = case.definition,
        ));
        let n: usize = db
            .sql(&format!("SELECT COUNT(*) FROM `{}`", case.table))
            .trim()
            .parse()
            .unwrap();
        assert_eq!(n, case.rows.len(), "{}: rows", case.table);
        let mut cols = case.cols;
        cols.push(Col::plain("deleted_at"));
        tables.push((case.table.to_string(), cols));
    }
    let out = archive_and_check(&db, &tables);
    out.output_lacks("conflict:");
}

#[test]
fn enum_and_set_keys_follow_the_member_order() {
    check(
        "adv_enum",
        vec![
            Case {
                table: "e",
                definition: "e ENUM('zeta','kiwi','apple','banana','mango','Äpfel') NOT NULL PRIMARY KEY, n INT",
                cols: vec![Col::plain("e"), Col::plain("n")],
                rows: vec![
                    ("'zeta', 1", true),
                    ("'kiwi', 2", true),
                    ("'apple', 3", true),
                    ("'banana', 4", false),
                    ("'mango', 5", true),
                    ("'Äpfel', 6", true),
                ],
            },
            Case {
                table: "s",
                definition: "s SET('z','k','a','b') NOT NULL PRIMARY KEY, n INT",
                cols: vec![Col::plain("s"), Col::plain("n")],
                rows: vec![
                    ("'', 0", true),
                    ("'z', 1", true),
                    ("'k', 2", true),
                    ("'z,k', 3", true),
                    ("'a', 4", false),
                    ("'k,a', 5", true),
                    ("'b', 6", true),
                    ("'z,k,a,b', 7", true),
                ],
            },
            Case {
                table: "e2",
                definition: "e ENUM('b','a') NOT NULL, n INT NOT NULL, PRIMARY KEY (e, n)",
                cols: vec![Col::plain("e"), Col::plain("n")],
                rows: vec![
                    ("'b', 2", true),
                    ("'b', 1", true),
                    ("'b', 3", false),
                    ("'a', 1", true),
                    ("'a', 2", true),
                    ("'a', 3", true),
                    ("'a', 4", true),
                ],
            },
        ],
    );
}

#[test]
fn bit_keys_compare_as_numbers() {
    check(
        "adv_bit",
        vec![
            Case {
                table: "b",
                definition: "b BIT(10) NOT NULL PRIMARY KEY",
                cols: vec![Col::hex("b")],
                rows: vec![
                    ("b'0'", true),
                    ("1", true),
                    ("5", true),
                    ("92", false),
                    ("39", true),
                    ("255", true),
                    ("256", true),
                    ("512", false),
                    ("1023", true),
                ],
            },
            Case {
                table: "b64",
                definition: "b BIT(64) NOT NULL PRIMARY KEY",
                cols: vec![Col::hex("b")],
                rows: vec![
                    ("0", true),
                    (
                        "b'1000000000000000000000000000000000000000000000000000000000000000'",
                        true,
                    ),
                    ("18446744073709551615", true),
                    ("4294967296", false),
                    ("1", true),
                ],
            },
        ],
    );
}

#[test]
fn decimal_keys_beyond_double_precision() {
    check(
        "adv_dec",
        vec![Case {
            table: "d",
            definition: "d DECIMAL(40,30) NOT NULL PRIMARY KEY",
            cols: vec![Col::plain("d")],
            rows: vec![
                ("1.000000000000000000000000000001", true),
                ("1.000000000000000000000000000002", false),
                ("1.000000000000000000000000000003", true),
                ("1.000000000000000000000000000004", true),
                ("1.000000000000000000000000000005", true),
                ("0.1", true),
                ("-0.1", true),
                ("-0.100000000000000000000000000001", true),
                ("9999999999.999999999999999999999999999999", true),
                ("-9999999999.999999999999999999999999999999", true),
                ("0", true),
            ],
        }],
    );
}

#[test]
fn collation_keys_walk_in_their_collation() {
    check(
        "adv_coll",
        vec![
            Case {
                table: "ci",
                definition: "v VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("v")],
                rows: vec![
                    ("'a'", true),
                    ("'B'", true),
                    ("'c'", true),
                    ("'Ä2'", true),
                    ("'ß'", true),
                    ("'_'", false),
                    ("'%'", true),
                    ("'Z'", true),
                    ("'é'", true),
                    ("'😀'", true),
                    ("'a\\\\'", true),
                ],
            },
            Case {
                table: "nopad",
                definition: "v VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("v")],
                rows: vec![
                    ("'a'", true),
                    ("'a '", true),
                    ("'a  '", false),
                    ("'a\\t'", true),
                    ("'b'", true),
                    ("''", true),
                ],
            },
            Case {
                table: "uni3",
                definition: "v VARCHAR(20) CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci NOT NULL PRIMARY KEY",
                cols: vec![Col::charset("v", "utf8mb3")],
                rows: vec![
                    ("'x'", true),
                    ("'Y'", true),
                    ("'ǅ'", false),
                    ("'ø'", true),
                    ("'zß'", true),
                    ("'ı'", true),
                ],
            },
            Case {
                table: "latin",
                definition: "v VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL PRIMARY KEY",
                cols: vec![Col::charset("v", "latin1")],
                rows: vec![
                    ("'z'", true),
                    ("'å'", true),
                    ("'ä'", true),
                    ("'ö'", false),
                    ("'y'", true),
                    ("'ñ'", true),
                    ("'#'", true),
                ],
            },
        ],
    );
}

#[test]
fn descending_and_prefix_keys() {
    check(
        "adv_desc",
        vec![
            Case {
                table: "desc1",
                definition: "a INT NOT NULL, n INT, PRIMARY KEY (a DESC)",
                cols: vec![Col::plain("a"), Col::plain("n")],
                rows: vec![
                    ("-5, 1", true),
                    ("-1, 2", true),
                    ("0, 3", true),
                    ("3, 4", false),
                    ("4, 5", true),
                    ("7, 6", true),
                    ("2147483647, 7", true),
                ],
            },
            Case {
                table: "desc2",
                definition: "a INT NOT NULL, b VARCHAR(5) NOT NULL, PRIMARY KEY (a, b DESC)",
                cols: vec![Col::plain("a"), Col::plain("b")],
                rows: vec![
                    ("1, 'a'", true),
                    ("1, 'b'", true),
                    ("1, 'c'", true),
                    ("2, 'a'", false),
                    ("2, 'z'", true),
                    ("2, 'y'", true),
                    ("3, 'a'", true),
                ],
            },
            Case {
                table: "prefix",
                definition: "c VARCHAR(50) NOT NULL, n INT, UNIQUE KEY u (c(3))",
                cols: vec![Col::plain("c"), Col::plain("n")],
                rows: vec![
                    ("'abcX', 1", true),
                    ("'abd', 2", true),
                    ("'ab', 3", true),
                    ("'b', 4", false),
                    ("'zzzzzzz', 5", true),
                    ("'abe and more', 6", true),
                    ("'ABF', 7", true),
                ],
            },
        ],
    );
}

#[test]
fn composite_key_mixing_awkward_types() {
    check(
        "adv_mix",
        vec![Case {
            table: "m",
            definition: "e ENUM('b','a') NOT NULL, d DECIMAL(30,25) NOT NULL, b BIT(3) NOT NULL, \
                         s VARCHAR(5) CHARACTER SET latin1 COLLATE latin1_general_ci NOT NULL, \
                         n BIGINT NOT NULL, PRIMARY KEY (e, d, b, s, n)",
            cols: vec![
                Col::plain("e"),
                Col::plain("d"),
                Col::hex("b"),
                Col::charset("s", "latin1"),
                Col::plain("n"),
            ],
            rows: vec![
                ("'b', 1.0000000000000000000000001, 1, 'x', 1", true),
                ("'b', 1.0000000000000000000000002, 1, 'x', 1", true),
                ("'b', 1.0000000000000000000000002, 2, 'x', 1", false),
                ("'b', 1.0000000000000000000000002, 2, 'Y', 1", true),
                ("'b', 1.0000000000000000000000002, 2, 'é', -1", true),
                (
                    "'b', 1.0000000000000000000000002, 2, 'é', 9223372036854775807",
                    true,
                ),
                ("'a', 0, 0, '', -9223372036854775808", true),
                ("'a', 0, 7, '', 0", true),
                ("'a', 1.0000000000000000000000001, 0, 'x', 0", true),
                ("'a', 1.0000000000000000000000002, 0, 'x', 0", false),
                ("'a', 1.0000000000000000000000003, 0, 'x', 0", true),
            ],
        }],
    );
}

#[test]
fn float_double_temporal_binary_and_integer_keys() {
    check(
        "adv_num",
        vec![
            Case {
                table: "f",
                definition: "f FLOAT NOT NULL PRIMARY KEY",
                cols: vec![Col::float("f")],
                rows: vec![
                    ("0.1", true),
                    ("-1.5", true),
                    ("3.4028234663852886e38", true),
                    ("1.1754943508222875e-38", false),
                    ("16777216", true),
                    ("0", true),
                    ("0.2", true),
                ],
            },
            Case {
                table: "dbl",
                definition: "d DOUBLE NOT NULL PRIMARY KEY",
                cols: vec![Col::float("d")],
                rows: vec![
                    ("0.1", true),
                    ("0.30000000000000004", true),
                    ("0.3", false),
                    ("-1.7976931348623157e308", true),
                    ("5e-324", true),
                    ("1e300", true),
                ],
            },
            Case {
                table: "dt",
                definition: "t DATETIME(6) NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("t")],
                rows: vec![
                    ("'2024-01-01 00:00:00.000001'", true),
                    ("'2024-01-01 00:00:00.000002'", true),
                    ("'2024-01-01 00:00:00'", false),
                    ("'0000-00-00 00:00:00'", true),
                    ("'9999-12-31 23:59:59.999999'", true),
                ],
            },
            Case {
                table: "tm",
                definition: "t TIME(6) NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("t")],
                rows: vec![
                    ("'-838:59:59'", true),
                    ("'-00:00:00.000001'", true),
                    ("'00:00:00'", false),
                    ("'24:00:00'", true),
                    ("'838:59:59'", true),
                ],
            },
            Case {
                table: "yr",
                definition: "y YEAR NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("y")],
                rows: vec![
                    ("0", true),
                    ("1901", true),
                    ("2000", false),
                    ("2155", true),
                    ("1999", true),
                ],
            },
            Case {
                table: "bin",
                definition: "b BINARY(3) NOT NULL PRIMARY KEY",
                cols: vec![Col::hex("b")],
                rows: vec![
                    ("X'000000'", true),
                    ("X'FFFFFF'", true),
                    ("X'5C2700'", false),
                    ("X'E9'", true),
                    ("X'80FF'", true),
                ],
            },
            Case {
                table: "vbin",
                definition: "b VARBINARY(10) NOT NULL PRIMARY KEY",
                cols: vec![Col::hex("b")],
                rows: vec![
                    ("X''", true),
                    ("X'00'", true),
                    ("X'0000'", true),
                    ("X'FF'", false),
                    ("X'815F'", true),
                    ("X'C3'", true),
                ],
            },
            Case {
                table: "ubig",
                definition: "u BIGINT UNSIGNED NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("u")],
                rows: vec![
                    ("0", true),
                    ("1", true),
                    ("9223372036854775808", true),
                    ("18446744073709551614", false),
                    ("18446744073709551615", true),
                ],
            },
            Case {
                table: "sbig",
                definition: "i BIGINT NOT NULL PRIMARY KEY",
                cols: vec![Col::plain("i")],
                rows: vec![
                    ("-9223372036854775808", true),
                    ("-1", true),
                    ("0", false),
                    ("9223372036854775807", true),
                    ("-2", true),
                ],
            },
        ],
    );
}

/// The exact statements the archiver prepares for ordinary keys (and the wrapped ones) stay
/// range reads on the key: the page (no filesort) and the `key IN (...)` lookups, checked with
/// `EXPLAIN` of the prepared statement with its parameters bound.
#[tokio::test]
async fn pages_and_lookups_stay_range_reads() {
    use osarchiver::mysql::conn::Connection;
    use osarchiver::mysql::literal::push_str_literal;
    use osarchiver::mysql::schema;
    use osarchiver::source::plan::plan_database;
    use osarchiver::table::sql;

    let s = server();
    let db = ScratchDb::create(s, "adv_explain");
    let old = "NOW() - INTERVAL 30 DAY";
    db.sql(&format!(
        "CREATE TABLE i (id INT NOT NULL PRIMARY KEY, x INT, deleted_at DATETIME NULL, KEY (deleted_at));
         INSERT INTO i SELECT seq, seq, {old} FROM seq_1_to_3000;
         CREATE TABLE v (v VARCHAR(20) NOT NULL PRIMARY KEY, deleted_at DATETIME NULL, KEY (deleted_at));
         INSERT INTO v SELECT CONCAT('v', seq), {old} FROM seq_1_to_3000;
         CREATE TABLE l (v VARCHAR(20) CHARACTER SET latin1 NOT NULL PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO l SELECT CONCAT('v', seq), {old} FROM seq_1_to_3000;
         CREATE TABLE c (a INT NOT NULL, b VARCHAR(20) CHARACTER SET sjis NOT NULL, deleted_at DATETIME NULL, PRIMARY KEY (a, b));
         INSERT INTO c SELECT seq DIV 10, CONCAT('b', seq), {old} FROM seq_1_to_3000;
         CREATE TABLE d (d DECIMAL(30,10) NOT NULL PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO d SELECT seq + 0.0000000001, {old} FROM seq_1_to_3000;
         CREATE TABLE b (b BIT(16) NOT NULL PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO b SELECT seq, {old} FROM seq_1_to_3000;
         ANALYZE TABLE i, v, l, c, d, b;"
    ));
    // Key values, as SQL expressions giving what the archiver binds, in key order.
    let samples: &[(&str, &[&str])] = &[
        ("i", &["1500"]),
        ("v", &["'v1500'"]),
        ("l", &["HEX('v1500')"]),
        ("c", &["150", "HEX('b1500')"]),
        ("d", &["'1500.0000000001'"]),
        ("b", &["1500"]),
    ];
    let ini = crate::harness::Ini::new(s, &[&db.name]);
    let raw = osarchiver::config::ini::Ini::parse(&ini.text()).unwrap();
    let loaded = osarchiver::config::resolve(
        &raw,
        std::path::PathBuf::from("test.ini"),
        osarchiver::config::RunClock::start(),
    )
    .unwrap();
    let source = loaded.config.archivers[0].sources[0].clone();
    let mut conn = Connection::connect(&source.conn).await.unwrap();
    let tables = schema::list_tables(conn.conn(), &db.name).await.unwrap();
    let plan = plan_database(&source, &db.name, &tables, &[], &[]);
    assert_eq!(plan.tables.len(), samples.len());
    let explain = |statement: &str, params: &[&str]| -> Vec<String> {
        let mut q = String::new();
        push_str_literal(&mut q, &format!("EXPLAIN {statement}"));
        let mut sql = format!("USE `{}`; SET @q = {q}; PREPARE st FROM @q;", db.name);
        let mut using = Vec::new();
        for (n, p) in params.iter().enumerate() {
            sql.push_str(&format!("SET @p{n} = {p};"));
            using.push(format!("@p{n}"));
        }
        sql.push_str(&format!("EXECUTE st USING {};", using.join(", ")));
        s.sql(&sql).lines().map(str::to_string).collect()
    };
    for table in &plan.tables {
        let (_, key) = samples
            .iter()
            .find(|(t, _)| *t == table.table)
            .expect("a sample key");
        let page = sql::page_select(table, &source.where_clause, false, 3);
        let params: Vec<&str> = sql::after_key_params(key.len())
            .iter()
            .map(|&i| key[i])
            .collect();
        let plan_rows = explain(&page, &params);
        assert_eq!(plan_rows.len(), 1, "{page}\n{plan_rows:?}");
        let cols: Vec<&str> = plan_rows[0].split('\t').collect();
        let page_type = cols[3].to_string();
        assert_eq!(
            (cols[3], cols[5]),
            ("range", table.index.as_str()),
            "{}: the page is not a range read on its key: {page}\n{plan_rows:?}",
            table.table
        );
        assert!(
            !plan_rows[0].contains("filesort"),
            "{}: the page sorts: {page}\n{plan_rows:?}",
            table.table
        );
        let lookup = sql::select_remaining(table, &source.where_clause, 2);
        let params: Vec<&str> = key.iter().chain(key.iter()).copied().collect();
        let plan_rows = explain(&lookup, &params);
        let cols: Vec<&str> = plan_rows[0].split('\t').collect();
        assert!(
            matches!(cols[3], "range" | "const" | "eq_ref" | "ref"),
            "{}: the lookup by key is not a key read: {lookup}\n{plan_rows:?}",
            table.table
        );
        eprintln!(
            "ADVERSARIAL explain {}: page {page_type} on {}, lookup {}",
            table.table, table.index, cols[3]
        );
    }
}

/// A parent keyed by `latin1` text that a live child still references is kept and reported
/// with its constraint: the child-reference check binds the parent's bytes as `latin1` too (a
/// `latin1` `é` bound as it is read reaches the server as `?` and finds no child).
#[test]
fn a_latin1_parent_kept_by_a_child_is_reported_with_its_constraint() {
    let s = server();
    let db = ScratchDb::create(s, "adv_fk");
    db.sql(&format!(
        "CREATE TABLE p (k VARCHAR(10) CHARACTER SET latin1 NOT NULL PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pk VARCHAR(10) CHARACTER SET latin1,
           CONSTRAINT c_p FOREIGN KEY (pk) REFERENCES p (k));
         INSERT INTO p VALUES ('é', {OLD}), ('ß', {OLD}), ('a', {OLD}), ('Ø', NULL);
         INSERT INTO c VALUES (1, 'é');"
    ));
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("select_limit", 2)
        .src("delete_limit", 2);
    let out = crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .run();
    out.assert_code(3);
    out.output_contains("kept: rows still reference it (constraint c_p)");
    assert_eq!(
        db.sql("SELECT HEX(k) FROM p ORDER BY HEX(k)").trim(),
        "D8\nE9",
        "{}",
        out.output()
    );
}

/// A long unique key (MariaDB's hash over a `TEXT`) as the only key, its values alike in their
/// first 2,000 bytes: the walk sorts them with a filesort, which used to compare the first
/// `max_sort_length` (1,024) bytes only, so pages overlapped and skipped rows (exit 1, a row
/// twice in the files, on every run). The session sorts by up to 8 MiB of each value.
#[test]
fn a_long_unique_key_whose_values_share_a_long_prefix_is_walked_whole() {
    let s = crate::harness::server();
    let db = crate::harness::ScratchDb::create(s, "longuniq");
    db.sql(&format!(
        "CREATE TABLE t (b TEXT NOT NULL, deleted_at DATETIME NULL, UNIQUE KEY (b));
         INSERT INTO t SELECT CONCAT(REPEAT('a', 2000), MD5(seq)), {} FROM seq_1_to_50;",
        crate::pipeline::OLD
    ));
    // Sorted here: the server's own sort would compare prefixes too.
    let before = super::everywhere::hex_rows(&db.name, "t", "1");
    assert_eq!(before.len(), 50);
    let ini = crate::harness::Ini::new(s, &[&db.name])
        .src("select_limit", 3)
        .src("delete_limit", 2);
    crate::pipeline::run(&ini).assert_success();
    assert_eq!(crate::harness::digest::count(s, &db.name, "t", "1"), 0);
    assert_eq!(super::everywhere::hex_rows(&db.archive(), "t", "1"), before);
}
