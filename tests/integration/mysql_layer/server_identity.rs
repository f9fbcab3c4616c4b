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
