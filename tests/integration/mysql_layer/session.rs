//! The session settings every connection gets, and connection errors.

use super::*;

#[tokio::test]
async fn session_is_utf8mb4_utc_strict_with_zero_dates_and_id_zero() {
    let tmp = ScratchDb::create(server(), "osa_session");
    let mut db = connect().await;
    let row: Option<(String, String, String, String, Option<String>, i64)> = db
        .conn()
        .query_first(
            "SELECT @@SESSION.sql_mode, @@SESSION.time_zone, @@character_set_client, \
             @@character_set_connection, @@character_set_results, @@sql_quote_show_create",
        )
        .await
        .unwrap();
    let (mode, tz, client, connection, results, quote) = row.unwrap();
    let modes: BTreeSet<&str> = mode.split(',').collect();
    assert!(modes.contains("STRICT_TRANS_TABLES"), "{mode}");
    assert!(modes.contains("NO_AUTO_VALUE_ON_ZERO"), "{mode}");
    for absent in [
        "NO_ZERO_DATE",
        "NO_ZERO_IN_DATE",
        "NO_BACKSLASH_ESCAPES",
        "ANSI_QUOTES",
    ] {
        assert!(!modes.contains(absent), "{mode}");
    }
    assert_eq!(tz, "+00:00");
    // Statements in utf8mb4; results raw, each column in its own character set.
    assert_eq!(
        (client.as_str(), connection.as_str(), results.as_deref()),
        ("utf8mb4", "utf8mb4", None)
    );
    assert_eq!(quote, 1);

    let t = tmp.q("t");
    db.conn()
        .query_drop(format!(
            "CREATE TABLE {t} (id INT AUTO_INCREMENT PRIMARY KEY, d DATE, ts TIMESTAMP NULL, s VARCHAR(3))"
        ))
        .await
        .unwrap();
    db.conn()
        .exec_drop(
            format!("INSERT INTO {t} (id, d, ts, s) VALUES (?, ?, ?, ?)"),
            (0, "0000-00-00", "2024-01-01 00:00:00", "abc"),
        )
        .await
        .unwrap();
    let row: Option<(i64, String, i64)> = db
        .conn()
        .query_first(format!(
            "SELECT id, CAST(d AS CHAR), UNIX_TIMESTAMP(ts) FROM {t}"
        ))
        .await
        .unwrap();
    assert_eq!(row, Some((0, "0000-00-00".to_owned(), 1_704_067_200)));
    // Strict: a value that does not fit is an error, not a truncation.
    let err = db
        .conn()
        .exec_drop(format!("INSERT INTO {t} (id, s) VALUES (1, ?)"), ("abcd",))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, mysql_async::Error::Server(e) if e.code == 1406),
        "{err}"
    );
}

#[tokio::test]
async fn foreign_key_checks_setting_survives_a_reconnect() {
    let mut db = connect().await;
    assert_eq!(db.foreign_key_checks(), None);
    db.set_foreign_key_checks(false).await.unwrap();
    let fk: Option<i64> = db
        .conn()
        .query_first("SELECT @@SESSION.foreign_key_checks")
        .await
        .unwrap();
    assert_eq!(fk, Some(0));
    let before = db.connection_id();
    db.reconnect().await.unwrap();
    assert_ne!(db.connection_id(), before);
    let row: Option<(i64, String)> = db
        .conn()
        .query_first("SELECT @@SESSION.foreign_key_checks, @@SESSION.time_zone")
        .await
        .unwrap();
    assert_eq!(row, Some((0, "+00:00".to_owned())));
    db.set_foreign_key_checks(true).await.unwrap();
    let fk: Option<i64> = db
        .conn()
        .query_first("SELECT @@SESSION.foreign_key_checks")
        .await
        .unwrap();
    assert_eq!(fk, Some(1));
}

#[tokio::test]
async fn connect_errors_name_the_target_but_not_the_password() {
    let mut s = spec();
    s.user = Some(unique_name("osa_nobody"));
    s.password = Some(Secret::new("very-secret-pw"));
    let err = Connection::connect(&s).await.unwrap_err();
    let msg = format!("{err} / {err:?}");
    assert!(
        msg.contains(&format!(
            "{}@{}:{}",
            s.user.as_deref().unwrap(),
            s.host,
            s.port
        )),
        "{msg}"
    );
    assert!(!msg.contains("very-secret-pw"), "{msg}");
    // Access denied is not worth retrying.
    assert_eq!(
        osarchiver::mysql::classify(err.mysql_error()),
        ErrorKind::Other
    );
}
