//! The pipeline's steps called one by one through the library, where a test must act at an
//! exact moment between them: rows changed by another session after they were read and before
//! the delete.

use std::path::PathBuf;
use std::time::Duration;

use osarchiver::config::{self, RunClock, Source};
use osarchiver::mysql::conn::Connection;
use osarchiver::mysql::schema;
use osarchiver::source::delete::{delete_rows, DeleteOutcome};
use osarchiver::source::plan::plan_database;
use osarchiver::source::read::PageReader;
use osarchiver::table::TablePlan;

use crate::harness::{server, Ini, ScratchDb};

use super::{lines, OLD};

/// The source of a configuration text, resolved as the binary would.
fn source_of(ini: &Ini) -> Source {
    let raw = config::ini::Ini::parse(&ini.text()).expect("the test INI parses");
    let loaded = config::resolve(&raw, PathBuf::from("test.ini"), RunClock::start())
        .expect("the test INI resolves");
    loaded.config.archivers[0].sources[0].clone()
}

/// A table `t` (id, v, deleted_at) with `rows` (SQL values), its plan, and the first page of
/// its eligible rows, read in the archiver's own session.
async fn read_first_page(
    db: &ScratchDb<'_>,
    rows: &str,
) -> (
    Source,
    Connection,
    TablePlan,
    osarchiver::table::batch::Batch,
) {
    let s = server();
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES {rows};"
    ));
    let source = source_of(&Ini::new(s, &[&db.name]));
    let mut conn = Connection::connect(&source.conn).await.expect("connect");
    let tables = schema::list_tables(conn.conn(), &db.name).await.unwrap();
    let fks = schema::foreign_keys(conn.conn(), &db.name).await.unwrap();
    let plan = plan_database(&source, &db.name, &tables, &fks, &[]);
    assert_eq!(plan.tables.len(), 1, "{plan:?}");
    let table = plan.tables[0].clone();
    assert_eq!(table.key, ["id"]);
    let reader = PageReader::new(&table, &source.where_clause, source.select_limit);
    let batch = reader
        .read(conn.conn())
        .await
        .expect("read a page")
        .expect("a page with rows");
    (source, conn, table, batch)
}

/// Deletes every row of `batch`, two per DELETE.
async fn delete_all(
    source: &Source,
    conn: &mut Connection,
    table: &TablePlan,
    batch: &osarchiver::table::batch::Batch,
) -> DeleteOutcome {
    let rows: Vec<usize> = (0..batch.len()).collect();
    let mut out = DeleteOutcome::default();
    delete_rows(
        &mut out,
        conn,
        source.retry,
        table,
        &source.where_clause,
        batch,
        &rows,
        2,
        Duration::ZERO,
        &mut osarchiver::throttle::Throttle::off(),
    )
    .await
    .expect("delete");
    out
}

/// A row un-deleted (`deleted_at` back to NULL) after the page was read is not deleted: the
/// DELETE re-checks the selection, and the outcome counts it as changed.
#[tokio::test]
async fn a_row_undeleted_after_it_was_read_is_not_deleted() {
    let s = server();
    let db = ScratchDb::create(s, "undeleted");
    let (source, mut conn, table, batch) = read_first_page(
        &db,
        &format!("(1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD}), (4, 'd', NULL)"),
    )
    .await;
    assert_eq!(batch.len(), 3);

    // Another session brings row 2 back to life.
    s.sql(&format!(
        "UPDATE {} SET deleted_at = NULL WHERE id = 2",
        db.q("t")
    ));

    let out = delete_all(&source, &mut conn, &table, &batch).await;
    assert_eq!(out.deleted, 2, "{out:?}");
    assert_eq!(out.changed, 1, "{out:?}");
    assert!(out.blocked.is_empty(), "{out:?}");
    assert_eq!(
        lines(&db.sql("SELECT id, v, deleted_at IS NULL FROM t ORDER BY id")),
        ["2\tb\t1", "4\td\t1"]
    );
    conn.disconnect().await.unwrap();
}

/// A row whose content changed after the page was read, still eligible, is not deleted either:
/// the archive holds what was read, which is no longer that row.
#[tokio::test]
async fn a_row_changed_but_still_eligible_after_it_was_read_is_not_deleted() {
    let s = server();
    let db = ScratchDb::create(s, "rowchanged");
    let (source, mut conn, table, batch) = read_first_page(
        &db,
        &format!("(1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD}), (4, 'd', {OLD})"),
    )
    .await;
    assert_eq!(batch.len(), 4);

    s.sql(&format!(
        "UPDATE {t} SET v = 'B' WHERE id = 2; \
         UPDATE {t} SET deleted_at = deleted_at - INTERVAL 1 SECOND WHERE id = 3;",
        t = db.q("t")
    ));

    let out = delete_all(&source, &mut conn, &table, &batch).await;
    assert_eq!((out.deleted, out.changed), (2, 2), "{out:?}");
    assert_eq!(
        lines(&db.sql("SELECT id, v FROM t ORDER BY id")),
        ["2\tB", "3\tc"]
    );
    conn.disconnect().await.unwrap();
}

/// The locked way's take-back of a chunk's kept rows ([`osarchiver::table::sql::take_back_copies`])
/// reaches the archive by key: on a newly created archive table, with another session's row
/// inserted and not committed (as the other session of the same table does with its own chunk),
/// it deletes the copies of the rows the source still holds and waits for nothing. Written as
/// `DELETE FROM archive WHERE ... IN (SELECT ...)`, the server scanned the archive whole and
/// waited for that row (two such sessions deadlocked in the benchmark).
#[tokio::test]
async fn taking_back_kept_copies_touches_no_other_archive_row() {
    use mysql_async::prelude::Queryable;
    use osarchiver::table::sql;
    let s = server();
    let db = ScratchDb::create(s, "takeback");
    let (_source, mut conn, table, batch) = read_first_page(
        &db,
        &format!("(1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD}), (4, 'd', {OLD})"),
    )
    .await;
    assert_eq!(batch.len(), 4);
    // The archive as a chunk leaves it: every row copied, rows 1 and 3 deleted from the source
    // (2 and 4 kept). A fresh table: its statistics say one row.
    db.sql(
        "CREATE TABLE t_archive LIKE t; INSERT INTO t_archive SELECT * FROM t; \
         DELETE FROM t WHERE id IN (1, 3);",
    );
    let key_params = table.key_params();
    let keys: Vec<mysql_async::Value> = (0..batch.len())
        .flat_map(|i| batch.bound_key(i, &table.key_pos, &key_params))
        .collect();
    let named = sql::key_in(&table.key, &sql::key_placeholders(&table), batch.len());
    let statement = sql::take_back_copies(&table, &db.name, "t_archive", &named);
    // Another session's uncommitted row in the archive, outside the chunk.
    let holder = {
        let t = db.q("t_archive");
        std::thread::spawn(move || {
            server().sql(&format!(
                "START TRANSACTION; INSERT INTO {t} VALUES (100, 'x', NULL); DO SLEEP(4); ROLLBACK;"
            ))
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let c = conn.conn();
    c.query_drop("SET SESSION innodb_lock_wait_timeout = 1")
        .await
        .unwrap();
    c.query_drop("START TRANSACTION").await.unwrap();
    let started = std::time::Instant::now();
    let done = c.exec_drop(statement.as_str(), keys).await;
    let took = started.elapsed();
    c.query_drop("COMMIT").await.unwrap();
    holder.join().unwrap();
    done.unwrap_or_else(|e| panic!("{statement}: {e}"));
    assert!(took < Duration::from_millis(900), "waited {took:?}");
    assert_eq!(
        lines(&db.sql("SELECT id FROM t_archive ORDER BY id")),
        ["1", "3"],
        "the copies of the kept rows 2 and 4 are gone, the others stay"
    );
    conn.disconnect().await.unwrap();
}
