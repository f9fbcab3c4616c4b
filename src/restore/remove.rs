//! `--remove-from-archive`: deleting the archived copies of rows the source now holds
//! identically, by full key, once every insert of the run has committed, child tables before
//! their parents (so a run cut short leaves parents in the archive, through which a re-run
//! still finds their children).

use mysql_async::prelude::*;
use mysql_async::Value;

use crate::config::Retry;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::retry::{with_retry, RetryError};
use crate::table::sql;

use super::tables::RestoreTable;

/// Deletes the archive rows of `t` with `keys` (key values as read, in key order), `chunk` at a
/// time, each chunk one autocommitted statement; returns the rows deleted.
pub async fn remove_keys(
    arc: &mut Connection,
    retry: Retry,
    t: &RestoreTable,
    keys: &[Vec<Value>],
    chunk: usize,
) -> Result<u64, RetryError> {
    let plan = &t.archive;
    let params = plan.key_params();
    let placeholders = sql::key_placeholders(plan);
    let what = format!(
        "remove restored rows from {}",
        qualified(&plan.db, &plan.table)
    );
    let mut removed = 0;
    for part in keys.chunks(chunk.max(1)) {
        let statement = format!(
            "DELETE FROM {} WHERE {}",
            qualified(&plan.db, &plan.table),
            sql::key_in(&plan.key, &placeholders, part.len())
        );
        let values: Vec<Value> = part
            .iter()
            .flat_map(|k| k.iter().zip(&params).map(|(v, p)| p.bind(v)))
            .collect();
        removed += with_retry(arc, retry, &what, |a| {
            let (statement, values) = (&statement, &values);
            Box::pin(async move {
                a.conn.exec_drop(statement.as_str(), values.clone()).await?;
                Ok(a.conn.affected_rows())
            })
        })
        .await?;
    }
    Ok(removed)
}
