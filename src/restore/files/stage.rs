//! Loading files into staging tables: per source table, one `CREATE TEMPORARY TABLE db.t<suffix>
//! LIKE db.t` in the staging session, then each of its files, read on a blocking thread and
//! streamed as statements (at most a few in flight), in the order given (oldest first: a SQL
//! file's `ON DUPLICATE KEY UPDATE` keeps the newest copy of a row found in several files).
//!
//! The session writes as the archive writer does (not strict, `ALLOW_INVALID_DATES`,
//! `check_constraint_checks = 0`) and any warning fails the file, so the staged rows are the
//! file's rows exactly. The file's own session lines are checked, not run: the session already
//! reads values as they were written (`utf8mb4`, `+00:00`).

use std::collections::HashSet;
use std::path::PathBuf;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::destination::db::{check_warnings, lenient_mode, write_session};
use crate::mysql::conn::Connection;
use crate::mysql::ddl;
use crate::mysql::ident::qualified;
use crate::mysql::schema::{self, TableInfo};
use crate::table::TablePlan;

use super::csv::{next_record, push_record, FieldKind};
use super::open::with_content;
use super::sql::statements;
use super::{stage_name, table_of, Format};

/// Why a file could not be staged.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{0}: cannot tell its table from its name (the tool writes <db>.<table>.sql or .csv, packed or compressed)")]
    Name(String),
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: {source}")]
    Db {
        file: String,
        #[source]
        source: mysql_async::Error,
    },
}

/// `ER_ILLEGAL_HA_CREATE_OPTION`: a partitioned table has no `TEMPORARY` copy.
const ILLEGAL_HA_CREATE_OPTION: u16 = 1478;

/// One statement for the staging table, and for a CSV batch its rows (for the warning check).
struct Piece {
    sql: String,
    rows: Vec<Vec<Value>>,
    skip: bool,
}

/// Stages `files` in `stage`'s session (on the source server); returns the source tables
/// staged. `plans(db, table)` gives a source table's description.
pub async fn stage_files(
    stage: &mut Connection,
    files: &[PathBuf],
    batch_size: usize,
) -> Result<HashSet<(String, String)>, StageError> {
    let mut staged: HashSet<(String, String)> = HashSet::new();
    let mut described: Vec<(String, Vec<TableInfo>)> = Vec::new();
    let db_err = |file: &str| {
        let file = file.to_string();
        move |source| StageError::Db {
            file: file.clone(),
            source,
        }
    };
    let mode: Option<String> = stage
        .conn()
        .query_first("SELECT @@SESSION.sql_mode")
        .await
        .map_err(db_err("staging session"))?;
    write_session(stage.conn(), lenient_mode(&mode.unwrap_or_default()))
        .await
        .map_err(db_err("staging session"))?;
    for path in files {
        let file = path.display().to_string();
        let (db, table, format) = table_of(path).ok_or_else(|| StageError::Name(file.clone()))?;
        let stage_name = stage_name(&table);
        if !described.iter().any(|(d, _)| *d == db) {
            let infos = schema::list_tables(stage.conn(), &db)
                .await
                .map_err(db_err(&file))?;
            described.push((db.clone(), infos));
        }
        let info = described
            .iter()
            .find(|(d, _)| *d == db)
            .and_then(|(_, ts)| ts.iter().find(|t| t.name == table))
            .cloned()
            .ok_or_else(|| StageError::File {
                file: file.clone(),
                message: format!(
                    "its table {} does not exist in the source",
                    qualified(&db, &table)
                ),
            })?;
        if staged.insert((db.clone(), table.clone())) {
            let key_index = TablePlan::of(&db, &info).map(|p| p.index).ok();
            let like = stage
                .conn()
                .query_drop(format!(
                    "CREATE TEMPORARY TABLE {} LIKE {}",
                    qualified(&db, &stage_name),
                    qualified(&db, &table)
                ))
                .await;
            match like {
                // A partitioned table cannot have a temporary copy (1478): the staging table
                // is made from its definition without the partitions (and with only its row
                // key unique), as an archive table is. Its restore failed (helper 126).
                Err(mysql_async::Error::Server(e)) if e.code == ILLEGAL_HA_CREATE_OPTION => {
                    let created = schema::show_create_table(stage.conn(), &db, &table)
                        .await
                        .map_err(db_err(&file))?;
                    let key = key_index.clone().unwrap_or_else(|| "PRIMARY".to_string());
                    let sql = ddl::archive_create_table_in(&created, &db, &stage_name, &key)
                        .map_err(|e| StageError::File {
                            file: file.clone(),
                            message: format!(
                                "no staging table can be made for {}: {e}",
                                qualified(&db, &table)
                            ),
                        })?;
                    let sql = sql.replacen("CREATE TABLE", "CREATE TEMPORARY TABLE", 1);
                    stage.conn().query_drop(sql).await.map_err(db_err(&file))?;
                }
                other => other.map_err(db_err(&file))?,
            }
            // Only the row key stays unique in the staging table: the files of several runs
            // may hold two rows that another unique key of the source's would merge (an
            // `ON DUPLICATE KEY UPDATE` on it rewrote one row into the other, silently).
            // Restoring them into the source meets that key, as a conflict, row by row.
            let indexes: Vec<Row> = stage
                .conn()
                .query(format!("SHOW INDEX FROM {}", qualified(&db, &stage_name)))
                .await
                .map_err(db_err(&file))?;
            let mut others: Vec<String> = Vec::new();
            for row in indexes {
                let non_unique = row.get_opt::<i64, _>("Non_unique").and_then(Result::ok);
                let name = row.get_opt::<String, _>("Key_name").and_then(Result::ok);
                if let (Some(0), Some(name)) = (non_unique, name) {
                    if Some(&name) != key_index.as_ref() && !others.contains(&name) {
                        others.push(name);
                    }
                }
            }
            for name in others {
                stage
                    .conn()
                    .query_drop(format!(
                        "ALTER TABLE {} DROP INDEX {}",
                        qualified(&db, &stage_name),
                        crate::mysql::ident::quote_ident(&name)
                    ))
                    .await
                    .map_err(db_err(&file))?;
            }
        }
        let plan = plan_of(&db, &info);
        if format == Format::Csv {
            // A CSV file does not say its columns' types; the SQL file written with it does.
            match super::sql_sibling(path) {
                Some(sql) => {
                    let columns = info.columns.clone();
                    let checked = tokio::task::spawn_blocking(move || {
                        with_content(&sql, |r| checked_header(r, &columns).map(|_| ()))
                            .map_err(|e| format!("checked against its SQL file {}: {e}", sql.display()))
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    if let Err(message) = checked {
                        return Err(StageError::File {
                            file: file.clone(),
                            message,
                        });
                    }
                }
                None => tracing::warn!(
                    "restore: {file}: a CSV file does not record its columns' types, and no SQL file written with it is beside it: its values are read with the table's types of today, so a column retyped since it was written (binary made text, another character set, less precision) comes back changed"
                ),
            }
        }
        // The rows of a CSV file replace those of earlier files with their key, as a SQL
        // file's `ON DUPLICATE KEY UPDATE` does: the files of two runs may hold one row (kept
        // the first time, archived again the next). Not into a key `WITHOUT OVERLAPS`, which
        // refuses it (1235).
        let upsert = match crate::table::definition::read(stage.conn(), &db, &table)
            .await
            .map_err(db_err(&file))?
        {
            Some(create) => !crate::mysql::ddl::has_without_overlaps(&create),
            None => true,
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Piece, String>>(2);
        let reader = {
            let (path, db, table, stage_name) =
                (path.clone(), db.clone(), table.clone(), stage_name.clone());
            let columns: Vec<_> = info.columns.clone();
            tokio::task::spawn_blocking(move || {
                let send = |p: Result<Piece, String>| {
                    tx.blocking_send(p)
                        .map_err(|_| std::io::Error::other("the loader stopped"))
                };
                let result = with_content(&path, |r| match format {
                    Format::Sql => {
                        let head = checked_header(r, &columns)?;
                        let mut r = std::io::Read::chain(std::io::Cursor::new(head), r);
                        statements(&mut r, &db, &table, &stage_name, &mut |sql| {
                            let skip = !sql.starts_with("INSERT");
                            send(Ok(Piece {
                                sql,
                                rows: Vec::new(),
                                skip,
                            }))
                        })
                        .map(|_| ())
                    }
                    Format::Csv => {
                        read_csv(r, &db, &stage_name, &columns, batch_size, upsert, &send)
                    }
                });
                if let Err(e) = result {
                    let _ = tx.blocking_send(Err(e.to_string()));
                }
            })
        };
        let mut pieces = 0u64;
        while let Some(piece) = rx.recv().await {
            let piece = piece.map_err(|message| StageError::File {
                file: file.clone(),
                message,
            })?;
            if piece.skip {
                continue;
            }
            // Prepared: a single statement, whatever the file holds.
            let prepared = stage
                .conn()
                .prep(piece.sql.as_str())
                .await
                .map_err(db_err(&file))?;
            stage
                .conn()
                .exec_drop(&prepared, ())
                .await
                .map_err(db_err(&file))?;
            stage.conn().close(prepared).await.map_err(db_err(&file))?;
            check_warnings(stage.conn(), &plan, &piece.rows)
                .await
                .map_err(db_err(&file))?;
            pieces += 1;
        }
        let _ = reader.await;
        let rows: Option<u64> = stage
            .conn()
            .query_first(format!(
                "SELECT COUNT(*) FROM {}",
                qualified(&db, &stage_name)
            ))
            .await
            .map_err(db_err(&file))?;
        tracing::info!(
            "restore: staged {file} ({pieces} statement(s)): {} now holds {} row(s) of {}",
            qualified(&db, &stage_name),
            rows.unwrap_or(0),
            qualified(&db, &table)
        );
    }
    Ok(staged)
}

/// The columns, types and key of a table, for the warning check.
fn plan_of(db: &str, info: &TableInfo) -> TablePlan {
    let stored: Vec<_> = info.columns.iter().filter(|c| !c.generated).collect();
    TablePlan {
        db: db.to_string(),
        table: info.name.clone(),
        columns: stored.iter().map(|c| c.name.clone()).collect(),
        column_types: stored.iter().map(|c| c.column_type.clone()).collect(),
        column_charsets: stored
            .iter()
            .map(|c| c.charset.clone().zip(c.collation.clone()))
            .collect(),
        key: Vec::new(),
        key_pos: Vec::new(),
        index: String::new(),
        referenced_by: Vec::new(),
        in_cycle: false,
        references_known: false,
        transactional: true,
        undeletable: None,
        key_enforced: true,
        definition: None,
        triggers_unseen: false,
        row_bytes: info.avg_row_length,
    }
}

/// Reads a SQL file's header comment (returned, to be read again) and checks the columns it
/// records, when it does, against the table's stored columns of the day: the same names,
/// types and character sets (the UTF-8 ones are one family), or the file is refused.
fn checked_header(
    r: &mut dyn std::io::BufRead,
    columns: &[schema::ColumnInfo],
) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        if r.read_until(b'\n', &mut head)? == 0 {
            return Ok(head);
        }
        let line = &head[start..];
        if !line.starts_with(b"--") {
            return Ok(head);
        }
        let text = String::from_utf8_lossy(line);
        let Some(written) =
            crate::destination::file::sql::parse_columns_line(text.trim_end_matches(['\n', '\r']))
        else {
            continue;
        };
        let stored: Vec<&schema::ColumnInfo> = columns.iter().filter(|c| !c.generated).collect();
        let same = written.len() == stored.len()
            && written.iter().zip(&stored).all(|((name, ty, cs), c)| {
                *name == c.name
                    && *ty == c.column_type
                    && schema::same_modulo_utf8(cs.as_deref(), c.charset.as_deref())
                    && !schema::utf8_narrows(cs.as_deref(), c.charset.as_deref())
            });
        if !same {
            let describe = |name: &str, ty: &str, cs: Option<&str>| match cs {
                Some(cs) => format!("{name} {ty} CHARACTER SET {cs}"),
                None => format!("{name} {ty}"),
            };
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "it was written with the columns [{}], and the table has [{}] now: its rows \
                     would not come back as they were archived (restore it into a table of the \
                     file's definition)",
                    written
                        .iter()
                        .map(|(n, t, c)| describe(n, t, c.as_deref()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    stored
                        .iter()
                        .map(|c| describe(&c.name, &c.column_type, c.charset.as_deref()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
}

/// Reads a CSV file and sends its rows as INSERTs of `batch_size` rows, each ending with `ON
/// DUPLICATE KEY UPDATE` when `upsert`.
fn read_csv(
    r: &mut dyn std::io::BufRead,
    db: &str,
    stage_name: &str,
    columns: &[schema::ColumnInfo],
    batch_size: usize,
    upsert: bool,
    send: &dyn Fn(Result<Piece, String>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    let Some(header) = next_record(r)? else {
        return Ok(());
    };
    let stored: Vec<&schema::ColumnInfo> = columns.iter().filter(|c| !c.generated).collect();
    let names: Vec<String> = header
        .iter()
        .map(|f| String::from_utf8_lossy(f.as_deref().unwrap_or(b"NULL")).into_owned())
        .collect();
    let expected: Vec<&str> = stored.iter().map(|c| c.name.as_str()).collect();
    if names != expected {
        return Err(invalid(format!(
            "its columns ({}) are not the table's ({})",
            names.join(", "),
            expected.join(", ")
        )));
    }
    let kinds: Vec<FieldKind> = stored.iter().map(|c| FieldKind::of(c)).collect();
    let head = crate::table::sql::insert_head(db, stage_name, &names);
    let tail = if upsert {
        crate::destination::file::sql::upsert_tail(&names)
    } else {
        String::new()
    };
    let mut sql = String::new();
    let mut rows = Vec::new();
    let mut n = 1u64;
    while let Some(record) = next_record(r)? {
        n += 1;
        if sql.is_empty() {
            sql.push_str(&head);
        } else {
            sql.push(',');
        }
        let values = push_record(&mut sql, &record, &kinds)
            .map_err(|e| invalid(format!("record {n}: {e}")))?;
        rows.push(values);
        if rows.len() >= batch_size || sql.len() >= 4 << 20 {
            sql.push_str(&tail);
            send(Ok(Piece {
                sql: std::mem::take(&mut sql),
                rows: std::mem::take(&mut rows),
                skip: false,
            }))?;
        }
    }
    if !rows.is_empty() {
        sql.push_str(&tail);
        send(Ok(Piece {
            sql,
            rows,
            skip: false,
        }))?;
    }
    Ok(())
}
