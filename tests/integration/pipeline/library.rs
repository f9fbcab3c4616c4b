//! The pipeline's steps called one by one through the library, where a test must act at an
//! exact moment between them: a row changed by another session after it was read and before
//! the delete.

use std::path::PathBuf;
use std::time::Duration;

use osarchiver::config::{self, RunClock, Source};
use osarchiver::mysql::conn::Db;
use osarchiver::mysql::schema;
use osarchiver::source::delete::delete_rows;
use osarchiver::source::plan::plan_database;
use osarchiver::source::read::PageReader;

use crate::harness::{server, Ini, ScratchDb};

use super::{lines, OLD};

/// The source of a configuration text, resolved as the binary would.
fn source_of(ini: &Ini) -> Source {
    let raw = config::ini::Ini::parse(&ini.text()).expect("the test INI parses");
    let loaded = config::resolve(&raw, PathBuf::from("test.ini"), RunClock::start())
        .expect("the test INI resolves");
    loaded.config.archivers[0].sources[0].clone()
}

/// A row un-deleted (`deleted_at` back to NULL) after the page was read is not deleted: the
/// DELETE re-checks the selection, and the outcome counts it as changed.
#[tokio::test]
async fn a_row_undeleted_after_it_was_read_is_not_deleted() {
    let s = server();
    let db = ScratchDb::create(s, "undeleted");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD}), (4, 'd', NULL);"
    ));
    let source = source_of(&Ini::new(s, &[&db.name]));
    let mut conn = Db::connect(&source.conn).await.expect("connect");
    let tables = schema::list_tables(conn.conn(), &db.name).await.unwrap();
    let fks = schema::foreign_keys(conn.conn(), &db.name).await.unwrap();
    let plan = plan_database(&source, &db.name, &tables, &fks, &[]);
    assert_eq!(plan.tables.len(), 1, "{plan:?}");
    let table = &plan.tables[0];
    assert_eq!(table.key, ["id"]);

    let reader = PageReader::new(table, &source.where_clause, source.select_limit);
    let batch = reader
        .read(conn.conn())
        .await
        .expect("read a page")
        .expect("a page with rows");
    assert_eq!(batch.len(), 3);

    // Another session brings row 2 back to life.
    s.sql(&format!(
        "UPDATE {} SET deleted_at = NULL WHERE id = 2",
        db.q("t")
    ));

    let rows: Vec<usize> = (0..batch.len()).collect();
    let out = delete_rows(
        &mut conn,
        source.retry,
        table,
        &source.where_clause,
        &batch,
        &rows,
        2,
        Duration::ZERO,
    )
    .await
    .expect("delete");
    assert_eq!(out.deleted, 2, "{out:?}");
    assert_eq!(out.changed, 1, "{out:?}");
    assert!(out.blocked.is_empty(), "{out:?}");
    assert_eq!(
        lines(&db.sql("SELECT id, v, deleted_at IS NULL FROM t ORDER BY id")),
        ["2\tb\t1", "4\td\t1"]
    );
    conn.disconnect().await.unwrap();
}
