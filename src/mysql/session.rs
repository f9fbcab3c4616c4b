//! The archiver's session settings, applied to every new connection by
//! [`super::conn::Connection`] (see its module documentation for why each one): character sets,
//! time zone, `sql_mode` ([`session_sql_mode`]), isolation level, `foreign_key_checks`.

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

/// The longest a session waits for a metadata lock, in seconds.
pub const LOCK_WAIT_SECONDS: u32 = 60;

/// Modes removed from the server's `sql_mode` for the archiver's sessions.
///
/// - `NO_ZERO_DATE`, `NO_ZERO_IN_DATE`: zero dates exist in old rows and must be copied as is.
/// - `NO_BACKSLASH_ESCAPES`: literals ([`super::literal`]) use backslash escapes.
/// - `ANSI_QUOTES`: `"` must stay a string quote; identifiers use backticks anyway.
/// - `PAD_CHAR_TO_FULL_LENGTH`: `CHAR` values would be read back with trailing spaces added.
/// - `EMPTY_STRING_IS_NULL`: `''` would be archived as `NULL`.
/// - `NO_KEY_OPTIONS`, `NO_TABLE_OPTIONS`, `NO_FIELD_OPTIONS`: they strip `SHOW CREATE TABLE`.
/// - combination modes (`TRADITIONAL`, `ORACLE`, ...): the server lists their parts next to
///   them, so the parts that are harmless stay; the name itself would bring the others back.
const DROPPED_MODES: &[&str] = &[
    "NO_ZERO_DATE",
    "NO_ZERO_IN_DATE",
    "NO_BACKSLASH_ESCAPES",
    "ANSI_QUOTES",
    "PAD_CHAR_TO_FULL_LENGTH",
    "EMPTY_STRING_IS_NULL",
    "NO_KEY_OPTIONS",
    "NO_TABLE_OPTIONS",
    "NO_FIELD_OPTIONS",
    "ANSI",
    "DB2",
    "MAXDB",
    "MSSQL",
    "MYSQL323",
    "MYSQL40",
    "ORACLE",
    "POSTGRESQL",
    "TRADITIONAL",
];

/// The `sql_mode` for an archiver session, from the server's current one: the modes in
/// `DROPPED_MODES` removed, `STRICT_TRANS_TABLES` added unless a strict mode is already there,
/// `NO_AUTO_VALUE_ON_ZERO` and `NO_ENGINE_SUBSTITUTION` added. Order is kept, names are
/// upper-cased. Without `NO_ENGINE_SUBSTITUTION`, a server whose `enforce_storage_engine`
/// names another engine (`MyISAM`) made the archive table's `CREATE TABLE ... ENGINE=InnoDB`
/// a `MyISAM` table with a warning: the rows went into storage that neither commits nor rolls
/// back, exit 0, where the dry run had foreseen the refusal (exit 1).
pub fn session_sql_mode(current: &str) -> String {
    let mut modes: Vec<String> = Vec::new();
    for m in current.split(',') {
        let m = m.trim().to_ascii_uppercase();
        if !m.is_empty() && !DROPPED_MODES.contains(&m.as_str()) && !modes.contains(&m) {
            modes.push(m);
        }
    }
    let has = |modes: &[String], m: &str| modes.iter().any(|x| x == m);
    if !has(&modes, "STRICT_TRANS_TABLES") && !has(&modes, "STRICT_ALL_TABLES") {
        modes.push("STRICT_TRANS_TABLES".to_owned());
    }
    for m in ["NO_AUTO_VALUE_ON_ZERO", "NO_ENGINE_SUBSTITUTION"] {
        if !has(&modes, m) {
            modes.push(m.to_owned());
        }
    }
    modes.join(",")
}

/// `SET SESSION foreign_key_checks = 0|1` on `conn`.
pub async fn set_foreign_key_checks(conn: &mut Conn, on: bool) -> mysql_async::Result<()> {
    let sql = if on {
        "SET SESSION foreign_key_checks = 1"
    } else {
        "SET SESSION foreign_key_checks = 0"
    };
    conn.query_drop(sql).await
}

pub(super) async fn setup_session(
    conn: &mut Conn,
    foreign_key_checks: Option<bool>,
) -> mysql_async::Result<()> {
    conn.query_drop("SET NAMES utf8mb4").await?;
    conn.query_drop("SET SESSION character_set_results = NULL")
        .await?;
    conn.query_drop("SET SESSION time_zone = '+00:00', SESSION sql_quote_show_create = 1")
        .await?;
    // What a server's global settings (or `init_connect`) may have changed, and would change
    // what the statements do: a `sql_select_limit` cuts every SELECT (the lists of tables and
    // foreign keys, the pages, the locking reads) short without a word; without `autocommit`
    // a statement outside a transaction never commits; `sql_auto_is_null` makes `col IS NULL`
    // find the last inserted row; too few `max_error_count` hides the warnings that are
    // checked; a short `max_sort_length` sorts long keys by their prefix only; a
    // `completion_type` of `CHAIN` starts a transaction at each COMMIT, whose characteristics
    // the next chunk can no longer set.
    conn.query_drop(
        "SET SESSION sql_select_limit = 18446744073709551615, SESSION autocommit = 1, \
         SESSION sql_auto_is_null = 0, SESSION sql_safe_updates = 0, SESSION sql_big_selects = 1, \
         SESSION max_error_count = 65535, SESSION max_sort_length = 8388608, \
         SESSION completion_type = 0",
    )
    .await?;
    // MariaDB: a `system_versioning_asof` would make every read of a system-versioned table
    // read the past. (MySQL has no such variable.)
    match conn
        .query_drop("SET SESSION system_versioning_asof = DEFAULT")
        .await
    {
        Err(mysql_async::Error::Server(e)) if e.code == 1193 => {}
        other => other?,
    }
    // A metadata lock is waited for at most a minute (the server's default is a day): a DDL
    // in progress, or two statements that each add a history partition to a table
    // partitioned `BY SYSTEM_TIME ... AUTO`, fail the statement with 1205, which is retried,
    // instead of holding the run, and every session queued behind its request.
    conn.query_drop(format!(
        "SET SESSION lock_wait_timeout = LEAST(@@GLOBAL.lock_wait_timeout, {LOCK_WAIT_SECONDS})"
    ))
    .await?;
    // The delete's locking reads must lock gaps too, whatever the server's default isolation
    // (see `source::delete`): REPEATABLE READ takes next-key locks, READ COMMITTED does not.
    conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .await?;
    let current: Option<String> = conn.query_first("SELECT @@SESSION.sql_mode").await?;
    let mode = session_sql_mode(current.as_deref().unwrap_or(""));
    conn.exec_drop("SET SESSION sql_mode = ?", (mode,)).await?;
    if let Some(on) = foreign_key_checks {
        set_foreign_key_checks(conn, on).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_default_mode_gains_no_auto_value_on_zero() {
        assert_eq!(
            session_sql_mode(
                "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
            ),
            "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO"
        );
    }

    #[test]
    fn zero_date_modes_are_dropped_and_strict_kept() {
        assert_eq!(
            session_sql_mode(
                "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
            ),
            "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO"
        );
        assert_eq!(
            session_sql_mode("STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO"),
            "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
        );
    }

    #[test]
    fn strict_is_added_when_missing() {
        assert_eq!(
            session_sql_mode(""),
            "STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
        );
        assert_eq!(
            session_sql_mode("NO_ENGINE_SUBSTITUTION"),
            "NO_ENGINE_SUBSTITUTION,STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO"
        );
    }

    #[test]
    fn combination_and_literal_changing_modes_are_dropped() {
        // What MariaDB reports after SET sql_mode='TRADITIONAL,ANSI_QUOTES,NO_BACKSLASH_ESCAPES'.
        let m = session_sql_mode(
            "ANSI_QUOTES,STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
             ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_AUTO_CREATE_USER,NO_BACKSLASH_ESCAPES",
        );
        assert_eq!(
            m,
            "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
        );
        let m = session_sql_mode(
            "PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ORACLE,NO_KEY_OPTIONS,NO_TABLE_OPTIONS,\
             NO_FIELD_OPTIONS,NO_AUTO_CREATE_USER,SIMULTANEOUS_ASSIGNMENT,EMPTY_STRING_IS_NULL,\
             pad_char_to_full_length",
        );
        assert_eq!(
            m,
            "PIPES_AS_CONCAT,IGNORE_SPACE,NO_AUTO_CREATE_USER,SIMULTANEOUS_ASSIGNMENT,STRICT_TRANS_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
        );
    }
}
