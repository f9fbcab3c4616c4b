//! Errors sorted into transient or not, and reconnect-and-retry.

use super::*;

fn retry(max_retries: u64) -> Retry {
    Retry {
        max_retries,
        delay: Duration::from_millis(20),
    }
}

#[tokio::test]
async fn a_killed_session_is_a_transient_error_that_needs_a_reconnect() {
    let mut db = connect().await;
    server().sql(&format!("KILL {}", db.connection_id()));
    let err = with_retry(&mut db, retry(0), "select", |a| {
        Box::pin(async move { a.conn.query_drop("SELECT 1").await })
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, RetryError::Exhausted { attempts: 1, .. }),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Transient);
    assert!(needs_reconnect(err.mysql_error()), "{err:?}");
}

#[tokio::test]
async fn retry_reconnects_after_the_session_is_killed() {
    let mut db = connect().await;
    db.set_foreign_key_checks(false).await.unwrap();
    let killed = db.connection_id();
    server().sql(&format!("KILL {killed}"));
    let calls = AtomicU64::new(0);
    let calls_ref = &calls;
    let sessions = std::sync::Mutex::new(Vec::new());
    let sessions_ref = &sessions;
    let sql = "SELECT CONNECTION_ID(), @@SESSION.foreign_key_checks, @@SESSION.time_zone";
    let (id, fk, tz) = with_retry(&mut db, retry(3), "select after kill", |a| {
        calls_ref.fetch_add(1, Ordering::SeqCst);
        sessions_ref.lock().unwrap().push(a.session);
        Box::pin(async move {
            let row: Option<(u32, i64, String)> = a.conn.query_first(sql).await?;
            Ok(row.expect("one row"))
        })
    })
    .await
    .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one failure, one success");
    // Each session of the connection has its own number, whatever the server's ids (which
    // start again after a restart): per-session setup (the archive writes' sql_mode) keyed on
    // it is done again on the new one.
    assert_eq!(*sessions.lock().unwrap(), [1, 2]);
    assert_eq!(db.session(), 2);
    assert_ne!(id, killed);
    assert_eq!(id, db.connection_id());
    // The new session is set up like the first one.
    assert_eq!((fk, tz.as_str()), (0, "+00:00"));
}

#[tokio::test]
async fn retry_waits_out_a_lock_wait_timeout_on_the_same_session() {
    let tmp = ScratchDb::create(server(), "osa_lock");
    let t = tmp.q("t");
    server().sql(&format!(
        "CREATE TABLE {t} (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO {t} VALUES (1, 0);"
    ));
    let mut holder = connect().await;
    holder.conn().query_drop("START TRANSACTION").await.unwrap();
    holder
        .conn()
        .query_drop(format!("SELECT * FROM {t} WHERE id = 1 FOR UPDATE"))
        .await
        .unwrap();

    let mut db = connect().await;
    db.conn()
        .query_drop("SET SESSION innodb_lock_wait_timeout = 1")
        .await
        .unwrap();
    let session = db.connection_id();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        holder.conn().query_drop("COMMIT").await.unwrap();
        holder
    });
    let update = format!("UPDATE {t} SET v = v + 1 WHERE id = 1");
    let update = update.as_str();
    let attempts = with_retry(&mut db, retry(10), "update", |a| {
        Box::pin(async move {
            a.conn.query_drop(update).await?;
            Ok(a.number)
        })
    })
    .await
    .unwrap();
    release.await.unwrap();
    assert!(attempts >= 2, "the first attempt must have timed out");
    assert_eq!(
        db.connection_id(),
        session,
        "no reconnect for a lock wait timeout"
    );
    assert_eq!(server().sql(&format!("SELECT v FROM {t}")).trim(), "1");
}

#[tokio::test]
async fn constraint_and_sql_errors_are_not_retried() {
    let tmp = ScratchDb::create(server(), "osa_noretry");
    let (p, c) = (tmp.q("parent"), tmp.q("child"));
    server().sql(&format!(
        "CREATE TABLE {p} (id INT PRIMARY KEY) ENGINE=InnoDB; \
         CREATE TABLE {c} (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES {p} (id)) ENGINE=InnoDB; \
         INSERT INTO {p} VALUES (1); INSERT INTO {c} VALUES (1, 1);"
    ));
    let mut db = connect().await;
    let cases = [
        (
            format!("DELETE FROM {p} WHERE id = 1"),
            ErrorKind::ForeignKey,
        ),
        (
            format!("INSERT INTO {p} VALUES (1)"),
            ErrorKind::DuplicateKey,
        ),
        (
            format!("SELECT * FROM {}", tmp.q("missing")),
            ErrorKind::Other,
        ),
    ];
    for (sql, kind) in cases {
        let calls = AtomicU64::new(0);
        let calls_ref = &calls;
        let sql_ref = sql.as_str();
        let err = with_retry(&mut db, retry(5), "statement", |a| {
            calls_ref.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { a.conn.query_drop(sql_ref).await })
        })
        .await
        .unwrap_err();
        assert!(matches!(err, RetryError::Failed { .. }), "{err}");
        assert_eq!(err.kind(), kind, "{sql}: {err}");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{sql}");
    }
}
