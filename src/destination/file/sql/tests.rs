//! Unit tests of [`super`].

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
        columns: "-- columns: [[\"a\\nb\",\"int(11)\",null]]",
    });
    assert!(
        h.contains("-- columns: [[\"a\\nb\",\"int(11)\",null]]\n"),
        "{h}"
    );
    assert_eq!(
        parse_columns_line(
            "-- columns: [[\"a\\nb\",\"int(11)\",null],[\"c\",\"text\",\"utf8mb4\"]]"
        ),
        Some(vec![
            ("a\nb".to_string(), "int(11)".to_string(), None),
            (
                "c".to_string(),
                "text".to_string(),
                Some("utf8mb4".to_string())
            )
        ])
    );
    assert_eq!(parse_columns_line("-- source: x"), None);
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
