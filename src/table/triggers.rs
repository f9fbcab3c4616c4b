//! What a source table's `DELETE` triggers do, checked as they run.
//!
//! A trigger present when the walk begins runs for every row deleted, and may delete or
//! rewrite rows anywhere: rows of other tables, which no destination holds, or the archive's
//! own copies. Nothing tells what it will do before it runs, so every transaction that deletes
//! from such a table counts what the session changed: its `Handler_delete` and
//! `Handler_update` counters, read before the transaction's first delete and before its
//! commit ([`Guard`]). The server counts there every row deleted or updated through a table
//! handler, a trigger's statements included (an `INSERT`, as an audit trigger's, is not
//! counted; the rows InnoDB deletes or changes for a foreign key's `CASCADE` or `SET NULL` are
//! not either, and are checked apart). A count above the rows the transaction deleted itself
//! is a trigger that changed rows the run did not archive: the transaction rolls back, with
//! what the trigger did in transactional tables, and the table fails (the error a changed
//! definition gives, never retried). A table without such a trigger costs nothing: each read
//! costs about a quarter of a millisecond of the server's time.

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, ServerError};

use super::definition::TABLE_DEF_CHANGED;
use super::TablePlan;
use crate::mysql::ident::qualified;

/// The statement that reads the session's count of rows deleted and updated.
const CHANGED_ROWS_SQL: &str = "SELECT CAST(COALESCE(SUM(VARIABLE_VALUE), 0) AS UNSIGNED) \
    FROM information_schema.SESSION_STATUS \
    WHERE VARIABLE_NAME IN ('HANDLER_DELETE', 'HANDLER_UPDATE')";

/// The `DELETE` triggers of the plan's table when its walk began, as its definition holds
/// them ([`super::definition::read_source`]): `name timing` each. Empty without a definition
/// (dry runs, restores).
pub fn delete_triggers(plan: &TablePlan) -> Vec<&str> {
    let Some(definition) = plan.definition.as_deref() else {
        return Vec::new();
    };
    definition
        .split("\n-- trigger ")
        .skip(1)
        .filter_map(|line| line.split_once(" DELETE: ").map(|(named, _)| named))
        .collect()
}

/// The count of a transaction that deletes from a table with `DELETE` triggers, taken before
/// its first delete; nothing for a table without one.
pub struct Guard {
    before: Option<u64>,
}

impl Guard {
    /// Reads the session's count now when the plan's table has `DELETE` triggers.
    pub async fn start(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<Guard> {
        let before = if delete_triggers(plan).is_empty() {
            None
        } else {
            Some(changed_rows(conn).await?)
        };
        Ok(Guard { before })
    }

    /// Checks, before the commit, that the session deleted or updated no more rows since
    /// [`Guard::start`] than `ours`, the rows the transaction's own statements deleted: else
    /// the error the caller rolls back with.
    pub async fn check(
        &self,
        conn: &mut Conn,
        plan: &TablePlan,
        ours: u64,
    ) -> mysql_async::Result<()> {
        let Some(before) = self.before else {
            return Ok(());
        };
        let now = changed_rows(conn).await?;
        verdict(plan, now.saturating_sub(before), ours)
    }
}

/// Rows the session has deleted or updated so far.
async fn changed_rows(conn: &mut Conn) -> mysql_async::Result<u64> {
    Ok(conn.query_first(CHANGED_ROWS_SQL).await?.unwrap_or(0))
}

/// [`Guard::check`]'s judgement: `changed` rows deleted or updated, `ours` of them the
/// transaction's own deletes.
fn verdict(plan: &TablePlan, changed: u64, ours: u64) -> mysql_async::Result<()> {
    if changed <= ours {
        return Ok(());
    }
    let triggers = delete_triggers(plan)
        .iter()
        .map(|t| format!("{t} DELETE"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the DELETE triggers of {} ({triggers}) deleted or changed {} rows besides the {ours} \
             rows this chunk deleted: rows no destination holds (of other tables, or the \
             archive's copies). This chunk was rolled back, with what the triggers did in \
             tables with transactions, and no row of the table is deleted; drop or change the \
             triggers, and run again",
            qualified(&plan.db, &plan.table),
            changed - ours
        ),
        state: "HY000".into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(definition: Option<&str>) -> TablePlan {
        TablePlan {
            definition: definition.map(str::to_string),
            ..TablePlan::example(&["id"], &["int(11)"])
        }
    }

    #[test]
    fn the_triggers_are_read_from_the_definition() {
        assert!(delete_triggers(&plan(None)).is_empty());
        assert!(delete_triggers(&plan(Some("CREATE TABLE `t` (...)"))).is_empty());
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger audit AFTER DELETE: INSERT INTO a VALUES (1)\
             \n-- trigger gone BEFORE DELETE: DELETE FROM o WHERE id = OLD.id",
        ));
        assert_eq!(delete_triggers(&p), ["audit AFTER", "gone BEFORE"]);
    }

    #[test]
    fn only_rows_beyond_the_chunks_own_fail_it() {
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger gone BEFORE DELETE: DELETE FROM o",
        ));
        assert!(verdict(&p, 0, 0).is_ok());
        assert!(verdict(&p, 5, 5).is_ok());
        let Err(mysql_async::Error::Server(e)) = verdict(&p, 7, 5) else {
            panic!("two rows more must fail");
        };
        assert_eq!(e.code, TABLE_DEF_CHANGED);
        assert!(
            e.message
                .contains("`nova`.`instances` (gone BEFORE DELETE)"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("changed 2 rows besides the 5 rows"),
            "{}",
            e.message
        );
    }
}
