//! Unit tests of [`super`].

use super::*;
use mysql_async::consts::ColumnFlags;
use std::sync::Arc;

fn field(v: Value, kind: CsvKind) -> String {
    let mut out = Vec::new();
    push_field(&mut out, &v, kind, &mut String::new());
    String::from_utf8(out).unwrap()
}

const TEXT: CsvKind = CsvKind::Value(LiteralKind::Text);
const NUMBER: CsvKind = CsvKind::Value(LiteralKind::Number);

#[test]
fn null_is_bare_and_every_value_is_quoted() {
    assert_eq!(field(Value::NULL, TEXT), "NULL");
    assert_eq!(field(Value::NULL, CsvKind::Hex), "NULL");
    assert_eq!(field(Value::NULL, NUMBER), "NULL");
    assert_eq!(field(Value::Bytes(b"NULL".to_vec()), TEXT), "\"NULL\"");
    assert_eq!(field(Value::Bytes(b"".to_vec()), TEXT), "\"\"");
    assert_eq!(field(Value::Bytes(b"\\N".to_vec()), TEXT), "\"\\N\"");
    assert_eq!(field(Value::Int(-5), NUMBER), "\"-5\"");
}

#[test]
fn only_quotes_are_doubled() {
    let cases: &[(&[u8], &str)] = &[
        (b"plain", "\"plain\""),
        (b"say \"hi\"", "\"say \"\"hi\"\"\""),
        (b"\"", "\"\"\"\""),
        (b"a\",b", "\"a\"\",b\""),
        (b"back\\slash\\", "\"back\\slash\\\""),
        (b"crlf\r\nlf\n", "\"crlf\r\nlf\n\""),
        (b"nul\0 ctrl-z\x1a tab\t", "\"nul\0 ctrl-z\x1a tab\t\""),
        ("🦀 é".as_bytes(), "\"🦀 é\""),
    ];
    for (input, want) in cases {
        assert_eq!(field(Value::Bytes(input.to_vec()), TEXT), *want);
    }
}

#[test]
fn binary_is_hex() {
    assert_eq!(field(Value::Bytes(vec![]), CsvKind::Hex), "\"\"");
    assert_eq!(
        field(Value::Bytes(vec![0, 0x22, 0xff, b'N']), CsvKind::Hex),
        "\"0022FF4E\""
    );
}

#[test]
fn numbers_dates_and_times_as_in_sql_without_quotes() {
    let v = CsvKind::Value;
    assert_eq!(
        field(Value::UInt(u64::MAX), NUMBER),
        "\"18446744073709551615\""
    );
    assert_eq!(
        field(Value::Float(f32::MAX), NUMBER),
        "\"3.4028234663852886e38\""
    );
    assert_eq!(field(Value::Double(0.1), NUMBER), "\"1e-1\"");
    assert_eq!(
        field(Value::Bytes(b"-12.500".to_vec()), NUMBER),
        "\"-12.500\""
    );
    assert_eq!(
        field(Value::Date(0, 0, 0, 0, 0, 0, 0), v(LiteralKind::Date)),
        "\"0000-00-00\""
    );
    assert_eq!(
        field(
            Value::Date(2024, 2, 29, 13, 5, 9, 1),
            v(LiteralKind::DateTime)
        ),
        "\"2024-02-29 13:05:09.000001\""
    );
    assert_eq!(
        field(Value::Time(true, 34, 22, 59, 59, 0), v(LiteralKind::Time)),
        "\"-838:59:59\""
    );
}

#[test]
fn years_have_four_digits() {
    assert_eq!(field(Value::Int(0), CsvKind::Year), "\"0000\"");
    assert_eq!(field(Value::UInt(0), CsvKind::Year), "\"0000\"");
    assert_eq!(field(Value::Int(2155), CsvKind::Year), "\"2155\"");
    assert_eq!(
        field(Value::Bytes(b"0000".to_vec()), CsvKind::Year),
        "\"0000\""
    );
}

#[test]
fn kinds_from_column_metadata() {
    let c = |t, cs| Column::new(t).with_character_set(cs);
    assert_eq!(
        CsvKind::of(&c(ColumnType::MYSQL_TYPE_YEAR, 63)),
        CsvKind::Year
    );
    assert_eq!(
        CsvKind::of(&c(ColumnType::MYSQL_TYPE_BLOB, 63)),
        CsvKind::Hex
    );
    assert_eq!(
        CsvKind::of(&c(ColumnType::MYSQL_TYPE_BIT, 63)),
        CsvKind::Hex
    );
    assert_eq!(CsvKind::of(&c(ColumnType::MYSQL_TYPE_BLOB, 45)), TEXT);
    // JSON is text even with the binary charset (MySQL).
    assert_eq!(CsvKind::of(&c(ColumnType::MYSQL_TYPE_JSON, 63)), TEXT);
    let bin_text = c(ColumnType::MYSQL_TYPE_VAR_STRING, 46).with_flags(ColumnFlags::BINARY_FLAG);
    assert_eq!(CsvKind::of(&bin_text), TEXT);
}

/// The records read back with the `csv` crate (RFC 4180) give the fields written.
#[test]
fn output_is_rfc4180() {
    let columns: Vec<String> = ["id", "t\"x", "b"].map(String::from).to_vec();
    let batch = Batch {
        columns: Arc::from(vec![
            Column::new(ColumnType::MYSQL_TYPE_LONG).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
            Column::new(ColumnType::MYSQL_TYPE_BLOB).with_character_set(63),
        ]),
        rows: vec![
            vec![
                Value::Int(1),
                Value::Bytes(b"a,\"b\"\r\nc".to_vec()),
                Value::NULL,
            ],
            vec![Value::Int(2), Value::NULL, Value::Bytes(vec![0, 255])],
            vec![
                Value::Int(3),
                Value::Bytes(b"NULL".to_vec()),
                Value::Bytes(vec![]),
            ],
        ],
        ..Default::default()
    };
    let mut w = CsvWriter::new(&columns);
    let mut out = Vec::new();
    w.write_head(&mut out).unwrap();
    w.write_batch(&batch, &mut out).unwrap();
    w.write_batch(&batch, &mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with("\"id\",\"t\"\"x\",\"b\"\r\n\"1\",\"a,\"\"b\"\"\r\nc\",NULL\r\n"));
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(out.as_slice());
    assert_eq!(reader.headers().unwrap(), vec!["id", "t\"x", "b"]);
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let want = [
        ["1", "a,\"b\"\r\nc", "NULL"],
        ["2", "NULL", "00FF"],
        ["3", "NULL", ""],
    ];
    assert_eq!(records.len(), 6);
    for (got, want) in records.iter().zip(want.iter().chain(want.iter())) {
        assert_eq!(got, want);
    }
}

/// The README's restore statement is the one this module documents and the tests run.
#[test]
fn the_readme_shows_this_statement() {
    let readme = include_str!("../../../../README.md");
    let columns: Vec<String> = ["id", "name", "data", "kana", "deleted_at"]
        .map(String::from)
        .to_vec();
    let sjis = crate::mysql::literal::Charset::needs_own_bytes("sjis").unwrap();
    let kinds = [
        NUMBER,
        TEXT,
        CsvKind::Hex,
        CsvKind::Value(LiteralKind::Encoded(sjis)),
        CsvKind::Value(LiteralKind::DateTime),
    ];
    let s = load_data_statement("db1.t.csv", "db1", "t", &columns, &kinds);
    assert!(readme.contains(&s), "README.md lacks:\n{s}");
    assert!(readme.contains(crate::mysql::literal::LOAD_SESSION_SQL));
}

#[test]
fn text_outside_utf8_is_hex_of_its_own_bytes() {
    use crate::mysql::literal::Charset;
    let sjis = CsvKind::Value(LiteralKind::Encoded(
        Charset::needs_own_bytes("sjis").unwrap(),
    ));
    assert_eq!(
        field(Value::Bytes(vec![0x5c, 0x81, 0x5f]), sjis),
        "\"5C815F\""
    );
    assert_eq!(field(Value::Bytes(vec![]), sjis), "\"\"");
    assert_eq!(field(Value::NULL, sjis), "NULL");
    let columns: Vec<String> = vec!["k".into(), "n".into()];
    let s = load_data_statement("f.csv", "d", "t", &columns, &[sjis, TEXT]);
    assert!(
        s.ends_with("SET `k` = CONVERT(UNHEX(@v1) USING sjis), `n` = @v2;"),
        "{s}"
    );
}

#[test]
fn load_data_statement_unhexes_binary_columns() {
    let columns: Vec<String> = ["id", "data", "name", "bits"].map(String::from).to_vec();
    let kinds = [NUMBER, CsvKind::Hex, TEXT, CsvKind::Hex];
    let s = load_data_statement("/tmp/it's.csv", "nova", "instances", &columns, &kinds);
    assert_eq!(
        s,
        "LOAD DATA LOCAL INFILE '/tmp/it\\'s.csv' INTO TABLE `nova`.`instances`\n  \
         CHARACTER SET utf8mb4\n  \
         FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY ''\n  \
         LINES TERMINATED BY '\\r\\n'\n  \
         IGNORE 1 LINES\n  \
         (@v1,@v2,@v3,@v4)\n  \
         SET `id` = @v1, `data` = UNHEX(@v2), `name` = @v3, `bits` = UNHEX(@v4);"
    );
    let s = load_data_statement("f.csv", "d", "t", &columns[..1], &kinds[..1]);
    assert!(s.ends_with("(@v1)\n  SET `id` = @v1;"), "{s}");
}
