//! Deleting archived rows from the source: chunks of `delete_limit` rows named by their full key,
//! re-checking the selection predicate, each chunk its own transaction (autocommit). A chunk that
//! a foreign key refuses (1451) is split in halves until every deletable row is gone and each
//! row that cannot go is isolated and reported once.

use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::Value;

use crate::config::Retry;
use crate::mysql::conn::Db;
use crate::mysql::ident::qualified;
use crate::mysql::literal::{literal, LiteralKind};
use crate::mysql::retry::{classify_code, with_retry, ErrorKind, RetryError};

use super::batch::Batch;
use super::plan::TablePlan;
use super::sql;

/// What a delete of some rows of a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOutcome {
    pub deleted: u64,
    /// Rows (indexes into the batch) that a foreign key keeps, with the constraint named by the
    /// server when it could be read from the error.
    pub blocked: Vec<(usize, Option<String>)>,
    /// Rows that no longer matched the selection (or were already gone) when deleted.
    pub changed: u64,
}

/// Deletes the batch's rows listed in `rows`.
///
/// Tables that other tables reference are deleted with `DELETE IGNORE`: a row a foreign key
/// protects is skipped (a warning, not an error) while the others go, in one statement. The
/// rows left are then classified with one SELECT: still eligible means blocked, no longer
/// eligible means changed since read. Should a foreign-key error come back all the same, the
/// chunk is split in halves until each blocked row stands alone.
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
) -> Result<DeleteOutcome, RetryError> {
    let mut out = DeleteOutcome::default();
    let ignore = !plan.referenced_by.is_empty();
    for (n, chunk) in rows.chunks(delete_limit.max(1)).enumerate() {
        if n > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        // Halves still to try, last in first out, so rows go in key order.
        let mut stack: Vec<&[usize]> = vec![chunk];
        while let Some(part) = stack.pop() {
            let statement = sql::delete_rows(plan, where_clause, part.len(), ignore);
            let params = key_params(plan, batch, part);
            let result = with_retry(db, retry, "delete", |a| {
                let statement = statement.as_str();
                let params = params.clone();
                Box::pin(async move {
                    a.conn.exec_drop(statement, params).await?;
                    let affected = a.conn.affected_rows();
                    // Which constraints refused rows: only asked when some rows stayed.
                    let warnings: Vec<(String, u16, String)> =
                        if ignore && affected < part.len() as u64 && a.conn.get_warnings() > 0 {
                            a.conn.query("SHOW WARNINGS").await?
                        } else {
                            Vec::new()
                        };
                    Ok((affected, warnings))
                })
            })
            .await;
            match result {
                Ok((n, warnings)) => {
                    out.deleted += n;
                    if n < part.len() as u64 {
                        let constraints: Vec<String> = warnings
                            .iter()
                            .filter(|(_, code, _)| classify_code(*code) == ErrorKind::ForeignKey)
                            .filter_map(|(_, _, m)| constraint_name(m))
                            .collect();
                        let constraint = match constraints.as_slice() {
                            [first, rest @ ..] if rest.iter().all(|c| c == first) => {
                                Some(first.clone())
                            }
                            _ => None,
                        };
                        let left =
                            still_eligible(db, retry, plan, where_clause, batch, part).await?;
                        let mut blocked = 0u64;
                        for (i, eligible) in left {
                            if eligible && ignore {
                                out.blocked.push((i, constraint.clone()));
                                blocked += 1;
                            }
                        }
                        // The rest no longer matched the selection, or someone else deleted it.
                        out.changed += (part.len() as u64).saturating_sub(n + blocked);
                    }
                }
                Err(e) if e.kind() == ErrorKind::ForeignKey => {
                    if part.len() == 1 {
                        out.blocked
                            .push((part[0], constraint_name(&e.mysql_error().to_string())));
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
    Ok(out)
}

/// The key values of some rows of a batch, flattened, as the statements bind them.
fn key_params(plan: &TablePlan, batch: &Batch, rows: &[usize]) -> Vec<Value> {
    rows.iter()
        .flat_map(|&i| batch.key(i, &plan.key_pos).cloned())
        .collect()
}

/// The rows of `part` still in the source, each with whether it still matches the selection.
async fn still_eligible(
    db: &mut Db,
    retry: Retry,
    plan: &TablePlan,
    where_clause: &str,
    batch: &Batch,
    part: &[usize],
) -> Result<Vec<(usize, bool)>, RetryError> {
    let statement = sql::select_remaining(plan, where_clause, part.len());
    let params = key_params(plan, batch, part);
    let found: Vec<mysql_async::Row> = with_retry(db, retry, "check rows left", |a| {
        let statement = statement.as_str();
        let params = params.clone();
        Box::pin(async move { a.conn.exec(statement, params).await })
    })
    .await?;
    let mut left = Vec::with_capacity(found.len());
    for row in found {
        let mut values = row.unwrap();
        let eligible = matches!(values.pop(), Some(Value::Int(1)) | Some(Value::UInt(1)));
        let i = part
            .iter()
            .copied()
            .find(|&i| batch.key(i, &plan.key_pos).eq(values.iter()));
        if let Some(i) = i {
            left.push((i, eligible));
        }
    }
    Ok(left)
}

/// The constraint in a 1451 message: "... CONSTRAINT `name` FOREIGN KEY ...".
fn constraint_name(message: &str) -> Option<String> {
    let rest = &message[message.find("CONSTRAINT `")? + "CONSTRAINT `".len()..];
    let end = rest.find("` FOREIGN KEY")?;
    Some(rest[..end].replace("``", "`"))
}

/// The log lines for a row a foreign key keeps: which live rows reference it, how to find them,
/// and an UPDATE that would mark them deleted so a later run archives them (as the original
/// suggests). Only foreign keys named by the server are listed when it named one.
pub fn blocked_report(
    plan: &TablePlan,
    batch: &Batch,
    row: usize,
    constraint: Option<&str>,
    deleted_column: &str,
) -> Vec<String> {
    let kinds = LiteralKind::of_columns(&batch.columns);
    let value_of = |col: &str| -> Option<String> {
        let i = plan.columns.iter().position(|c| c == col)?;
        Some(literal(&batch.rows[row][i], kinds[i]))
    };
    let mut lines = vec![format!(
        "{}: row ({}) kept: live rows still reference it{}",
        qualified(&plan.db, &plan.table),
        batch.describe_key(row, &plan.key, &plan.key_pos),
        constraint
            .map(|c| format!(" (constraint {c})"))
            .unwrap_or_default()
    )];
    let deleted_at = value_of(deleted_column).unwrap_or_else(|| "NOW()".to_string());
    for fk in plan
        .referenced_by
        .iter()
        .filter(|f| constraint.is_none_or(|c| c == f.name))
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
        lines.push(format!(
            "  find them: SELECT * FROM {child} WHERE {cond} AND {dc} IS NULL;"
        ));
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
