//! Deleting archived rows from the source: chunks of `delete_limit` rows named by their full key,
//! re-checking the selection predicate, each chunk its own transaction, in which the rows are
//! first read again and locked: only those still identical to what was read (and archived) are
//! deleted, the others count as changed.
//!
//! Foreign keys: a table that others reference is deleted with `DELETE IGNORE`, so a row a live
//! child protects is skipped while the rest of the chunk goes in the same statement; the rows
//! left are then the blocked ones (they are locked and were identical). Should a foreign-key
//! error (1451) come back all the same, the chunk is split in halves until every deletable row
//! is gone and each row that cannot go stands alone. In a table that references itself, a row
//! may only have been blocked by rows of the same batch deleted after it: those are tried again.

use std::collections::HashMap;
use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Retry;
use crate::mysql::conn::Db;
use crate::mysql::ident::qualified;
use crate::mysql::literal::literal;
use crate::mysql::retry::{with_retry, ErrorKind, RetryError};
use crate::throttle::Throttle;

use super::batch::{key_id, Batch};
use super::plan::TablePlan;
use super::sql;

/// What a delete of some rows of a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOutcome {
    pub deleted: u64,
    /// Rows (indexes into the batch) that a foreign key keeps, each with the constraints whose
    /// child rows reference it (empty when they could not be told).
    pub blocked: Vec<(usize, Vec<String>)>,
    /// Rows that no longer matched the selection (or were already gone) when deleted.
    pub changed: u64,
    /// A stop was requested during a throttling pause: the rows not reached are left.
    pub stopped: bool,
}

/// Deletes the batch's rows listed in `rows`, asking `throttle` before each chunk.
#[allow(clippy::too_many_arguments)]
pub async fn delete_rows(
    db: &mut Db,
    retry: Retry,
    plan: &TablePlan,
    where_clause: &str,
    batch: &Batch,
    rows: &[usize],
    delete_limit: usize,
    delay: Duration,
    throttle: &mut Throttle,
) -> Result<DeleteOutcome, RetryError> {
    let mut out = DeleteOutcome::default();
    for (n, chunk) in rows.chunks(delete_limit.max(1)).enumerate() {
        if n > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if throttle.wait().await.is_err() {
            out.stopped = true;
            return Ok(out);
        }
        // Halves still to try, last in first out, so rows go in key order.
        let mut stack: Vec<&[usize]> = vec![chunk];
        while let Some(part) = stack.pop() {
            match delete_part(db, retry, plan, where_clause, batch, part).await {
                Ok(done) => {
                    let blocked = done.blocked.len() as u64;
                    out.deleted += done.deleted;
                    out.changed += (part.len() as u64).saturating_sub(done.deleted + blocked);
                    out.blocked.extend(done.blocked);
                }
                Err(e) if e.kind() == ErrorKind::ForeignKey => {
                    if part.len() == 1 {
                        let named = constraint_name(&e.mysql_error().to_string());
                        out.blocked.push((part[0], named.into_iter().collect()));
                    } else {
                        let (left, right) = part.split_at(part.len() / 2);
                        stack.push(right);
                        stack.push(left);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    // A parent that comes before its child in key order was blocked by that child even when
    // the child went later in this batch: in a table that references itself, try the blocked
    // rows again, one at a time and last first (children usually follow their parents), for as
    // long as that frees some.
    let mut progress = out.deleted > 0;
    while progress && !out.blocked.is_empty() && plan.references_itself() {
        progress = false;
        let pending = std::mem::take(&mut out.blocked);
        for (row, constraint) in pending.into_iter().rev() {
            match delete_part(db, retry, plan, where_clause, batch, &[row]).await {
                Ok(done) if !done.blocked.is_empty() => out.blocked.push((row, constraint)),
                Ok(done) => {
                    out.deleted += done.deleted;
                    out.changed += 1 - done.deleted.min(1);
                    progress = true;
                }
                Err(e) if e.kind() == ErrorKind::ForeignKey => out.blocked.push((row, constraint)),
                Err(e) => return Err(e),
            }
        }
        out.blocked.reverse();
    }
    Ok(out)
}

/// What one locked delete of some rows did.
struct Part {
    deleted: u64,
    /// Rows identical and still eligible that a foreign key kept (`DELETE IGNORE` skipped
    /// them), each with the constraints whose child rows reference it.
    blocked: Vec<(usize, Vec<String>)>,
}

/// One transaction deleting the rows `part` of the batch that are still as they were read: it
/// locks them (`SELECT ... FOR UPDATE`, by key and selection), compares each with the batch,
/// and deletes the identical ones by key, re-checking the selection. On an error the
/// transaction is rolled back.
async fn delete_part(
    db: &mut Db,
    retry: Retry,
    plan: &TablePlan,
    where_clause: &str,
    batch: &Batch,
    part: &[usize],
) -> Result<Part, RetryError> {
    let ignore = !plan.referenced_by.is_empty();
    let lock = sql::lock_rows(plan, where_clause, part.len());
    let key_params = plan.key_params();
    let keys: Vec<Value> = part
        .iter()
        .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    with_retry(db, retry, "delete", |a| {
        let (lock, keys, key_params) = (lock.as_str(), keys.clone(), &key_params);
        Box::pin(async move {
            a.conn.query_drop("START TRANSACTION").await?;
            let result = async {
                let found: Vec<Row> = a.conn.exec(lock, keys).await?;
                let current: HashMap<String, Vec<Value>> = found
                    .into_iter()
                    .map(|row| {
                        let values = row.unwrap();
                        (key_id(plan.key_pos.iter().map(|&p| &values[p])), values)
                    })
                    .collect();
                let same: Vec<usize> = part
                    .iter()
                    .copied()
                    .filter(|&i| {
                        current.get(&batch.key_id(i, &plan.key_pos)) == Some(&batch.rows[i])
                    })
                    .collect();
                let mut done = Part {
                    deleted: 0,
                    blocked: Vec::new(),
                };
                if same.is_empty() {
                    return Ok(done);
                }
                let statement = sql::delete_rows(plan, where_clause, same.len(), ignore);
                let params: Vec<Value> = same
                    .iter()
                    .flat_map(|&i| batch.bound_key(i, &plan.key_pos, key_params))
                    .collect();
                a.conn.exec_drop(statement, params.clone()).await?;
                done.deleted = a.conn.affected_rows();
                if ignore {
                    // The rows of `same` are locked: those still there are the ones a foreign
                    // key kept, the others are the ones deleted. (Counted this way because the
                    // affected-rows count of a multi-table DELETE IGNORE that skipped rows is
                    // not reliable on MariaDB 10.11: it reported 0 for rows it deleted.)
                    let left = sql::select_remaining(plan, where_clause, same.len());
                    let rows: Vec<Row> = a.conn.exec(left, params).await?;
                    let left: Vec<String> = rows
                        .into_iter()
                        .map(|row| {
                            let values = row.unwrap();
                            key_id(values[..plan.key.len()].iter())
                        })
                        .collect();
                    let blocked: Vec<usize> = same
                        .iter()
                        .copied()
                        .filter(|&i| left.contains(&batch.key_id(i, &plan.key_pos)))
                        .collect();
                    done.deleted = (same.len() - blocked.len()) as u64;
                    let names = blocking_constraints(a.conn, plan, batch, &blocked).await?;
                    done.blocked = blocked.into_iter().zip(names).collect();
                }
                Ok(done)
            }
            .await;
            match result {
                Ok(done) => {
                    a.conn.query_drop("COMMIT").await?;
                    Ok(done)
                }
                Err(e) => {
                    // A lost connection has rolled back already.
                    let _ = a.conn.query_drop("ROLLBACK").await;
                    Err(e)
                }
            }
        })
    })
    .await
}

/// For each of `rows` (blocked rows of the batch), the foreign keys whose child rows still
/// reference it: one `SELECT DISTINCT` per foreign key onto this table, on the deleting session.
async fn blocking_constraints(
    conn: &mut mysql_async::Conn,
    plan: &TablePlan,
    batch: &Batch,
    rows: &[usize],
) -> mysql_async::Result<Vec<Vec<String>>> {
    let mut names = vec![Vec::new(); rows.len()];
    if rows.is_empty() {
        return Ok(names);
    }
    for fk in &plan.referenced_by {
        let Some(pos) = fk
            .referenced_columns
            .iter()
            .map(|c| plan.columns.iter().position(|p| p == c))
            .collect::<Option<Vec<usize>>>()
        else {
            continue;
        };
        // The parent's columns say how to bind its values (a foreign key joins columns of the
        // same type and character set).
        let params: Vec<_> = pos.iter().map(|&p| plan.param(p)).collect();
        let placeholders: Vec<String> = params.iter().map(|p| p.placeholder()).collect();
        let statement = sql::referencing(fk, &placeholders, rows.len());
        let params: Vec<Value> = rows
            .iter()
            .flat_map(|&i| batch.bound_key(i, &pos, &params))
            .collect();
        let found: Vec<Row> = conn.exec(statement, params).await?;
        let found: Vec<String> = found
            .into_iter()
            .map(|row| key_id(row.unwrap().iter()))
            .collect();
        for (n, &i) in rows.iter().enumerate() {
            if found.contains(&batch.key_id(i, &pos)) {
                names[n].push(fk.name.clone());
            }
        }
    }
    Ok(names)
}

/// The constraint in a 1451 message: "... CONSTRAINT `name` FOREIGN KEY ...".
fn constraint_name(message: &str) -> Option<String> {
    let rest = &message[message.find("CONSTRAINT `")? + "CONSTRAINT `".len()..];
    let end = rest.find("` FOREIGN KEY")?;
    Some(rest[..end].replace("``", "`"))
}

/// The log lines for a row a foreign key keeps: which rows reference it, how to find them, and
/// an UPDATE that would mark the live ones deleted so a later run archives them (as the
/// original suggests). Only the `constraints` found blocking are listed, all foreign keys onto
/// the table when none could be told.
pub fn blocked_report(
    plan: &TablePlan,
    batch: &Batch,
    row: usize,
    constraints: &[String],
    deleted_column: &str,
) -> Vec<String> {
    let kinds = batch.literal_kinds();
    let value_of = |col: &str| -> Option<String> {
        let i = plan.columns.iter().position(|c| c == col)?;
        Some(literal(&batch.rows[row][i], kinds[i]))
    };
    let mut lines = vec![format!(
        "{}: row ({}) kept: rows still reference it{}",
        qualified(&plan.db, &plan.table),
        batch.describe_key(row, &plan.key, &plan.key_pos),
        match constraints {
            [] => String::new(),
            [one] => format!(" (constraint {one})"),
            many => format!(" (constraints {})", many.join(", ")),
        }
    )];
    let deleted_at = value_of(deleted_column).unwrap_or_else(|| "NOW()".to_string());
    for fk in plan
        .referenced_by
        .iter()
        .filter(|f| constraints.is_empty() || constraints.contains(&f.name))
    {
        let conds: Option<Vec<String>> = fk
            .columns
            .iter()
            .zip(&fk.referenced_columns)
            .map(|(child_col, parent_col)| {
                Some(format!(
                    "{} = {}",
                    crate::mysql::ident::quote_ident(child_col),
                    value_of(parent_col)?
                ))
            })
            .collect();
        let Some(conds) = conds else { continue };
        let child = qualified(&fk.db, &fk.table);
        let cond = conds.join(" AND ");
        let dc = crate::mysql::ident::quote_ident(deleted_column);
        lines.push(format!("  find them: SELECT * FROM {child} WHERE {cond};"));
        lines.push(format!(
            "  to archive them on a later run: UPDATE {child} SET {dc} = {deleted_at} WHERE {cond} AND {dc} IS NULL;"
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_constraint_from_a_1451_message() {
        let m = "Cannot delete or update a parent row: a foreign key constraint fails (`nova`.`instance_metadata`, CONSTRAINT `instance_metadata_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances` (`uuid`))";
        assert_eq!(
            constraint_name(m).as_deref(),
            Some("instance_metadata_instance_uuid_fkey")
        );
        assert_eq!(constraint_name("something else"), None);
    }
}
