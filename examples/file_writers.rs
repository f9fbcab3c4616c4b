//! A micro-benchmark of the file destination's hot path: a million rows (1000 batches of 1000,
//! eight columns of the usual kinds) rendered to CSV and SQL and written through a durable sink
//! (one fdatasync per batch), plain and compressed as written.
//!
//! ```sh
//! cargo run --release --example file_writers
//! ```
//!
//! (`scripts/bench.sh` with `MODE=files` measures whole runs against a database.)

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use mysql_async::consts::ColumnType;
use mysql_async::{Column, Value};
use osarchiver::destination::file::csv::CsvWriter;
use osarchiver::destination::file::sink::{Compression, Sink};
use osarchiver::destination::file::sql::SqlWriter;
use osarchiver::table::batch::Batch;

fn main() {
    let cols = vec![
        Column::new(ColumnType::MYSQL_TYPE_LONGLONG).with_character_set(63),
        Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
        Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
        Column::new(ColumnType::MYSQL_TYPE_DATETIME).with_character_set(63),
        Column::new(ColumnType::MYSQL_TYPE_DATETIME).with_character_set(63),
        Column::new(ColumnType::MYSQL_TYPE_LONG).with_character_set(63),
        Column::new(ColumnType::MYSQL_TYPE_BLOB).with_character_set(45),
        Column::new(ColumnType::MYSQL_TYPE_BLOB).with_character_set(63),
    ];
    let names: Vec<String> = (0..cols.len()).map(|i| format!("c{i}")).collect();
    let mut batches = Vec::new();
    for b in 0..1000u64 {
        let rows = (0..1000u64)
            .map(|i| {
                let id = b * 1000 + i;
                vec![
                    Value::UInt(id),
                    Value::Bytes(format!("{:032x}-uuid-like", id * 7919).into_bytes()),
                    Value::Bytes(b"some display name with 'quote' and \"dq\"".to_vec()),
                    Value::Date(2024, 2, 29, 13, 5, 9, 0),
                    Value::NULL,
                    Value::Int(i as i64 - 500),
                    Value::Bytes(b"{\"key\": \"value\", \"n\": [1,2,3]}".to_vec()),
                    Value::Bytes((0..16u8).map(|x| x.wrapping_mul(id as u8)).collect()),
                ]
            })
            .collect();
        batches.push(Batch {
            columns: Arc::from(cols.clone()),
            rows,
            ..Default::default()
        });
    }
    let dir = tempfile::tempdir().unwrap();
    for (fmt, c) in [
        ("csv", Compression::None),
        ("sql", Compression::None),
        ("csv", Compression::Zstd(3)),
        ("sql", Compression::Zstd(3)),
        ("sql", Compression::Gzip(6)),
    ] {
        let path = dir.path().join(format!("x.{fmt}.{c:?}"));
        let file = std::fs::File::create_new(&path).unwrap();
        let mut sink = Sink::new(path.clone(), file, c).unwrap();
        let t = Instant::now();
        let mut csv = CsvWriter::new(&names);
        let mut sql = SqlWriter::new("db", "t", &names);
        for b in &batches {
            if fmt == "csv" {
                csv.write_batch(b, &mut sink).unwrap();
            } else {
                sql.write_batch(b, &mut sink).unwrap();
            }
            sink.end_batch().unwrap();
        }
        sink.flush().unwrap();
        let raw = sink.raw_bytes();
        let len = sink.close().unwrap();
        println!(
            "{fmt} {c:?}: 1M rows in {:.2}s, {raw} bytes rendered, {len} on disk",
            t.elapsed().as_secs_f64()
        );
    }
}
