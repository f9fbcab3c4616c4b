//! Server identity: two connections to one server are the same server.

use super::*;

#[tokio::test]
async fn two_connections_to_one_server_are_the_same_server() {
    let mut a = connect().await;
    let mut b = connect().await;
    let ia = identity::server_identity(a.conn()).await.unwrap();
    let ib = identity::server_identity(b.conn()).await.unwrap();
    assert_eq!(ia, ib);
    assert!(identity::same_server(&ia, &ib));
    assert_eq!(ia.port, server().port());
    assert!(!ia.hostname.is_empty() && !ia.datadir.is_empty());
    if ia.version.contains("MariaDB") {
        assert_eq!(ia.server_uuid, None, "MariaDB has no @@server_uuid");
    } else {
        assert!(ia.server_uuid.is_some());
    }
    let mut other = ib.clone();
    other.datadir.push_str("elsewhere/");
    assert!(!identity::same_server(&ia, &other));
    // The connection is still usable after the failed @@server_uuid lookup.
    let one: Option<i64> = a.conn().query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
}

/// A server whose data directory's path is not UTF-8 (`…\xE9…`): the archiver reads who it
/// is (it panicked, exit 101, in the dry run and the run: helper 126) and archives, on the
/// same server as on the source's.
#[test]
fn a_data_directory_whose_path_is_not_utf8_is_a_server_like_any() {
    use std::os::unix::ffi::OsStringExt;
    if !server().is_private() {
        eprintln!("SKIPPED a_data_directory_whose_path_is_not_utf8_is_a_server_like_any: {} names an external server", crate::harness::ENV_VAR);
        return;
    }
    let s = crate::harness::dedicated_server_with(crate::harness::Launch {
        dir_suffix: Some(std::ffi::OsString::from_vec(b"-d\xe9".to_vec())),
        ..Default::default()
    });
    assert!(
        s.sql("SELECT HEX(@@datadir)").contains("E9"),
        "the data directory's path holds the byte"
    );
    let db = crate::harness::ScratchDb::create(&s, "nonutf8_dir");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t VALUES (1, {}), (2, NULL);",
        crate::pipeline::OLD
    ));
    let ini = crate::harness::Ini::new(&s, &[&db.name]);
    crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run()
        .assert_success();
    crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success();
    assert_eq!(
        crate::harness::digest::count(&s, &db.archive(), "t", "1"),
        1
    );
    assert_eq!(crate::harness::digest::count(&s, &db.name, "t", "1"), 1);
}

/// The named-lock probe tells one server from two whatever they say of themselves: two
/// sessions of one server see each other's lock, sessions of two servers do not (helper 128: two servers started from one template answered alike, and the
/// archive went into a table of the source's server).
#[tokio::test]
async fn a_named_lock_tells_one_server_from_two() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_named_lock_tells_one_server_from_two: {} names an external server",
            crate::harness::ENV_VAR
        );
        return;
    }
    let mut a = connect().await;
    let mut b = connect().await;
    assert_eq!(
        identity::same_server_probe(a.conn(), b.conn())
            .await
            .unwrap(),
        Some(true)
    );
    let other = tokio::task::spawn_blocking(crate::harness::dedicated_server)
        .await
        .unwrap();
    let mut c = Connection::connect(&DbConnection {
        host: other.host(),
        port: other.port(),
        user: Some(other.user()),
        password: other.password().map(Secret::new),
        socket: None,
        ..DbConnection::default()
    })
    .await
    .unwrap();
    assert_eq!(
        identity::same_server_probe(a.conn(), c.conn())
            .await
            .unwrap(),
        Some(false)
    );
    drop(c);
    tokio::task::spawn_blocking(move || drop(other))
        .await
        .unwrap();
}
