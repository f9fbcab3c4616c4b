//! A source table's definition, fixed when its walk begins and checked by every delete.
//!
//! The rows are read, archived and deleted by the columns the run listed. An `ALTER TABLE`
//! during the walk (a column added, and values written into it) would let later deletes take
//! rows whose new values no archive holds. So, when a table's walk begins, its definition is
//! read (`SHOW CREATE TABLE`, [`read`]) and its stored columns are compared with the plan's
//! ([`columns_match`]); then every delete, inside its transaction and after its first
//! statement on the table (which holds the table's metadata lock until the commit, so no
//! `ALTER` can complete before it), reads the definition again and stops the table when it
//! changed ([`check`]). One `SHOW CREATE TABLE` per chunk: a round trip and no
//! `information_schema` scan.

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, ServerError};

use super::TablePlan;
use crate::mysql::ident::qualified;
use crate::mysql::schema::ColumnInfo;

/// `ER_TABLE_DEF_CHANGED`, the error a changed definition is reported with (never retried).
pub const TABLE_DEF_CHANGED: u16 = 1412;

/// `SHOW CREATE TABLE db.table`, without the table's `AUTO_INCREMENT=` counter (which inserts
/// move); `None` when the statement returns no text (not a table).
pub async fn read(conn: &mut Conn, db: &str, table: &str) -> mysql_async::Result<Option<String>> {
    let row: Option<Row> = conn
        .query_first(format!("SHOW CREATE TABLE {}", qualified(db, table)))
        .await?;
    Ok(row
        .and_then(|mut r| r.take_opt::<String, _>(1))
        .and_then(Result::ok)
        .map(|text| without_counter(&text)))
}

/// The text of `SHOW CREATE TABLE` without its table option `AUTO_INCREMENT=n`: the first one
/// on the line of table options, the one that begins with `)` (columns and keys are indented
/// above it, and the counter comes before the table's `COMMENT`).
pub fn without_counter(text: &str) -> String {
    const OPTION: &str = " AUTO_INCREMENT=";
    let Some(line) = text.find("\n) ").map(|i| i + 1) else {
        return text.to_string();
    };
    let line_end = text[line..].find('\n').map_or(text.len(), |i| line + i);
    let Some(at) = text[line..line_end].find(OPTION).map(|i| line + i) else {
        return text.to_string();
    };
    let digits = text[at + OPTION.len()..line_end]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if digits == 0 {
        return text.to_string();
    }
    format!("{}{}", &text[..at], &text[at + OPTION.len() + digits..])
}

/// Whether the stored (not generated) columns listed now are the plan's: names, types,
/// character sets and collations, in order.
pub fn columns_match(plan: &TablePlan, now: &[ColumnInfo]) -> bool {
    let stored: Vec<&ColumnInfo> = now.iter().filter(|c| !c.generated).collect();
    stored.len() == plan.columns.len()
        && stored.iter().enumerate().all(|(i, c)| {
            c.name == plan.columns[i]
                && plan.column_types.get(i) == Some(&c.column_type)
                && plan.column_charsets.get(i).cloned().flatten()
                    == c.charset.clone().zip(c.collation.clone())
        })
}

/// Inside a delete's transaction, after a statement that read or locked the table: fails with
/// [`TABLE_DEF_CHANGED`] when the table's definition is no longer the one its walk began with.
/// Does nothing for a plan without one.
pub async fn check(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<()> {
    let Some(expected) = plan.definition.as_deref() else {
        return Ok(());
    };
    let now = read(conn, &plan.db, &plan.table).await?;
    if now.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(changed(plan))
}

/// Begins a transaction that holds the table's metadata lock (a read of no row: `SHOW CREATE
/// TABLE` alone takes none for the transaction) and checks the definition under it, in one
/// round trip: for a statement that would otherwise run alone, such as a `DELETE` that
/// compares the rows with their archived copies itself. The caller commits or rolls back.
/// Does nothing for a plan without a definition.
pub async fn begin_checked(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<()> {
    let Some(expected) = plan.definition.as_deref() else {
        return Ok(());
    };
    let name = qualified(&plan.db, &plan.table);
    let mut result = conn
        .query_iter(format!(
            "START TRANSACTION; SELECT 1 FROM {name} LIMIT 0; SHOW CREATE TABLE {name}"
        ))
        .await?;
    let mut last: Vec<Row> = Vec::new();
    while !result.is_empty() {
        last = result.collect().await?;
    }
    drop(result);
    let now = last
        .pop()
        .and_then(|mut r| r.take_opt::<String, _>(1))
        .and_then(Result::ok)
        .map(|text| without_counter(&text));
    if now.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(changed(plan))
}

/// The error of a table whose definition changed during its walk.
pub fn changed(plan: &TablePlan) -> mysql_async::Error {
    mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the definition of {} changed during the run (ALTER TABLE): no row is deleted after \
             it, since the rows were read and archived with the columns listed before it; the \
             rows deleted before it were archived whole. Bring the archive tables in line if \
             needed, and run again",
            qualified(&plan.db, &plan.table)
        ),
        state: "HY000".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_goes_and_nothing_else() {
        let table = |counter: &str, extra: &str| {
            format!(
                "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n{extra}  \
                 PRIMARY KEY (`id`)\n) ENGINE=InnoDB{counter} DEFAULT CHARSET=latin1 \
                 COMMENT='AUTO_INCREMENT=7 ) x'\n PARTITION BY HASH (`id`)"
            )
        };
        let plain = table("", "");
        assert_eq!(without_counter(&table(" AUTO_INCREMENT=42", "")), plain);
        assert_eq!(without_counter(&table(" AUTO_INCREMENT=43", "")), plain);
        assert_eq!(without_counter(&plain), plain);
        let added = table(" AUTO_INCREMENT=42", "  `x` int(11) DEFAULT NULL,\n");
        assert_ne!(without_counter(&added), plain);
        assert!(without_counter(&added).contains("`x` int(11)"));
        assert_eq!(without_counter("no options"), "no options");
        let odd = ") ENGINE=InnoDB AUTO_INCREMENT=";
        assert_eq!(without_counter(&format!("x\n{odd}")), format!("x\n{odd}"));
    }
}
