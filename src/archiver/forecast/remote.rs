//! Conflicts with an archive table on another server, which no statement on the source can
//! see: the eligible rows are read page by page (as a real run reads them) and looked up by
//! key in the archive table, compared value for value as a real run's write compares them.
//! An empty archive table is found with one `SELECT 1 ... LIMIT 1`, and nothing more is read.

use std::collections::HashMap;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Source;
use crate::destination::db::ArchiveDb;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, RetryError};
use crate::source::read::PageReader;
use crate::table::batch::key_id;
use crate::table::sql;
use crate::table::TablePlan;

use super::sql::ArchiveRef;

/// The eligible rows of `plan`'s table whose key holds a different row in `archive`'s table
/// `target` (`db`, `table`), which exists.
pub async fn conflicts(
    src: &mut Connection,
    source: &Source,
    plan: &TablePlan,
    archive: &mut ArchiveDb,
    target: &ArchiveRef,
) -> Result<u64, RetryError> {
    let table = qualified(&target.db, &target.table);
    let any = format!("SELECT 1 FROM {table} LIMIT 1");
    let (db, retry) = archive.session();
    let any: Option<u8> = with_retry(db, retry, "look into the archive table", |a| {
        let any = any.as_str();
        Box::pin(async move { a.conn.query_first(any).await })
    })
    .await?;
    if any.is_none() {
        return Ok(0);
    }
    let key_params = plan.key_params();
    let placeholders = sql::key_placeholders(plan);
    let mut reader = PageReader::new(
        plan,
        &source.where_clause,
        plan.page_rows(source.select_limit),
    );
    let mut conflicts = 0;
    loop {
        let batch = {
            let reader = &reader;
            with_retry(src, source.retry, "read page", |a| {
                Box::pin(reader.read(a.conn))
            })
            .await?
        };
        let Some(batch) = batch else { break };
        reader.advance(&batch);
        let lookup = sql::select_by_keys(
            &target.db,
            &target.table,
            &plan.columns,
            &plan.key,
            &placeholders,
            batch.len(),
        );
        let keys: Vec<Value> = (0..batch.len())
            .flat_map(|i| batch.bound_key(i, &plan.key_pos, &key_params))
            .collect();
        let (db, retry) = archive.session();
        let found: Vec<Row> = with_retry(db, retry, "read archived rows by key", |a| {
            let (lookup, keys) = (lookup.as_str(), keys.clone());
            Box::pin(async move { a.conn.exec(lookup, keys).await })
        })
        .await?;
        // The archive server found these rows by key under the key's collation: `'A'` or
        // `'a '` for an eligible `'a'` under a `_ci` or PAD SPACE one. Each archived row not
        // identical, bytes and all, to the eligible row of its exact key is a conflict for the
        // eligible row it was found for (the archive's key is unique: one row per key).
        let eligible: HashMap<String, &Vec<Value>> = (0..batch.len())
            .map(|i| (batch.key_id(i, &plan.key_pos), &batch.rows[i]))
            .collect();
        conflicts += found
            .into_iter()
            .map(Row::unwrap)
            .filter(|values| {
                let id = key_id(plan.key_pos.iter().map(|&p| &values[p]));
                eligible.get(&id) != Some(&values)
            })
            .count() as u64;
    }
    Ok(conflicts)
}
