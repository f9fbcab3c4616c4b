//! Conflicts with an archive table on another server, which no statement on the source can
//! see: the eligible rows are read page by page (as a real run reads them) and looked up by
//! key in the archive table, compared value for value as a real run's write compares them.
//! An empty archive table is found with one `SELECT 1 ... LIMIT 1`, and nothing more is read.
//! The archive table's other unique keys (a table the Python osarchiver made keeps the
//! source's, `uniq_instances0uuid`) are looked up too: an archived row of another key holding
//! an eligible row's values there refuses it, as a real run's write finds.

use std::collections::{HashMap, HashSet};

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Source;
use crate::destination::db::ArchiveDb;
use crate::destination::file::sql::STATEMENT_BUDGET;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, RetryError};
use crate::source::read::PageReader;
use crate::table::batch::key_id;
use crate::table::sql;
use crate::table::TablePlan;

use super::sql::ArchiveRef;

/// The eligible rows of `plan`'s table whose key holds a different row in `archive`'s table
/// `target` (`db`, `table`), which exists, or whose values of one of its other unique keys
/// ([`ArchiveRef::unique`]) an archived row of another key holds.
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
        // The eligible rows (by key) that conflict, each counted once.
        let mut refused: HashSet<String> = found
            .into_iter()
            .map(Row::unwrap)
            .filter_map(|values| {
                let id = key_id(plan.key_pos.iter().map(|&p| &values[p]));
                (eligible.get(&id) != Some(&&values)).then_some(id)
            })
            .collect();
        for unique in &target.unique {
            let (db, retry) = archive.session();
            refused.extend(by_other_key(db, retry, plan, &batch, target, unique).await?);
        }
        conflicts += refused.len() as u64;
    }
    Ok(conflicts)
}

/// The keys of the eligible rows of `batch` whose values of `unique` (another unique key of
/// the archive table) an archived row of another key holds, as the archive server compares
/// them (under its columns' collations: `'A'` holds `'a'`'s place under a `_ci` one). The
/// page's keys and values go to the server as literals ([`crate::mysql::literal`]) in a
/// derived table joined with the archive table, so that each eligible row refused is named
/// once, whichever archived row refuses it. Rows with a NULL there clash with none.
async fn by_other_key(
    db: &mut Connection,
    retry: crate::config::Retry,
    plan: &TablePlan,
    batch: &crate::table::batch::Batch,
    target: &ArchiveRef,
    unique: &[String],
) -> Result<Vec<String>, RetryError> {
    use crate::mysql::ident::quote_ident;
    use crate::mysql::literal::push_literal;
    let Some(pos) = unique
        .iter()
        .map(|c| plan.columns.iter().position(|x| x == c))
        .collect::<Option<Vec<usize>>>()
    else {
        return Ok(Vec::new());
    };
    let rows: Vec<usize> = (0..batch.len())
        .filter(|&i| pos.iter().all(|&p| batch.rows[i][p] != Value::NULL))
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let kinds = batch.literal_kinds();
    let k = plan.key.len();
    let on: Vec<String> = unique
        .iter()
        .enumerate()
        .map(|(j, c)| format!("a.{} = t.`c{}`", quote_ident(c), k + j))
        .collect();
    let same_key: Vec<String> = plan
        .key
        .iter()
        .enumerate()
        .map(|(j, c)| format!("a.{} <=> t.`c{j}`", quote_ident(c)))
        .collect();
    let mut refused = Vec::new();
    let mut rest = rows.as_slice();
    while !rest.is_empty() {
        // Statements of at most a few MiB (the literals of binary data are twice its size):
        // the server's max_allowed_packet bounds them.
        let mut derived = String::new();
        let mut taken = 0;
        for &i in rest {
            if taken > 0 && derived.len() > STATEMENT_BUDGET {
                break;
            }
            derived.push_str(if taken == 0 {
                "SELECT "
            } else {
                " UNION ALL SELECT "
            });
            derived.push_str(itoa::Buffer::new().format(i));
            derived.push_str(" AS `n`");
            for (j, &p) in plan.key_pos.iter().chain(&pos).enumerate() {
                derived.push_str(", ");
                let mut literal = String::new();
                push_literal(&mut literal, &batch.rows[i][p], kinds[p]);
                // A bare `X'..'` of more than 64 KiB is cut in a UNION's column; a binary
                // string with its introducer is not.
                if literal.starts_with("X'") {
                    derived.push_str("_binary ");
                }
                derived.push_str(&literal);
                derived.push_str(&format!(" AS `c{j}`"));
            }
            taken += 1;
        }
        rest = &rest[taken..];
        // (A date only ALLOW_INVALID_DATES stores, `2020-02-31`, is not found this way: the
        // server converts the derived table's text for the archive's index and refuses it.)
        let lookup = format!(
            "SELECT DISTINCT t.`n` FROM ({derived}) AS t STRAIGHT_JOIN {} AS a ON {} WHERE NOT ({})",
            qualified(&target.db, &target.table),
            on.join(" AND "),
            same_key.join(" AND ")
        );
        let found: Vec<u64> = with_retry(db, retry, "read archived rows by unique key", |a| {
            let lookup = lookup.as_str();
            Box::pin(async move { a.conn.query(lookup).await })
        })
        .await?;
        refused.extend(
            found
                .into_iter()
                .filter_map(|i| usize::try_from(i).ok())
                .filter(|&i| i < batch.len())
                .map(|i| batch.key_id(i, &plan.key_pos)),
        );
    }
    Ok(refused)
}
