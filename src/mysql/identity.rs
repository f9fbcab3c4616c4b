//! Server identity: what tells two connections apart as reaching the same server or not.
//!
//! The archiver needs this when the archive database is on the source server: archiving a
//! table into itself must never happen, so a destination on the same server gets a suffix.
//! The comparison therefore leans towards "same" when in doubt.

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Error};

/// `ER_UNKNOWN_SYSTEM_VARIABLE`: MariaDB has no `@@server_uuid`.
const UNKNOWN_SYSTEM_VARIABLE: u16 = 1193;

/// What a server says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerIdentity {
    /// `@@server_uuid` (MySQL); `None` on MariaDB, which has no such variable.
    pub server_uuid: Option<String>,
    /// `@@hostname`: the machine (or container) the server runs on.
    pub hostname: String,
    /// `@@port`.
    pub port: u16,
    /// `@@server_id`.
    pub server_id: u64,
    /// `@@datadir`.
    pub datadir: String,
    /// `@@version`, for log lines.
    pub version: String,
}

/// Asks the server connected to `conn` who it is.
pub async fn server_identity(conn: &mut Conn) -> mysql_async::Result<ServerIdentity> {
    let row: Option<(String, u16, u64, String, String)> = conn
        .query_first("SELECT @@hostname, @@port, @@server_id, @@datadir, @@version")
        .await?;
    let (hostname, port, server_id, datadir, version) =
        row.ok_or_else(|| Error::Other("SELECT @@hostname, ... returned no row".into()))?;
    let server_uuid = match conn
        .query_first::<Option<String>, _>("SELECT @@server_uuid")
        .await
    {
        Ok(uuid) => uuid.flatten().filter(|u| !u.is_empty()),
        Err(Error::Server(e)) if e.code == UNKNOWN_SYSTEM_VARIABLE => None,
        Err(e) => return Err(e),
    };
    Ok(ServerIdentity {
        server_uuid,
        hostname,
        port,
        server_id,
        datadir,
        version,
    })
}

/// Whether `a` and `b` describe the same server: the same `server_uuid` when both have one,
/// otherwise the same hostname, port, data directory and server id.
pub fn same_server(a: &ServerIdentity, b: &ServerIdentity) -> bool {
    match (&a.server_uuid, &b.server_uuid) {
        (Some(x), Some(y)) => x == y,
        _ => {
            a.hostname == b.hostname
                && a.port == b.port
                && a.datadir == b.datadir
                && a.server_id == b.server_id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mariadb() -> ServerIdentity {
        ServerIdentity {
            server_uuid: None,
            hostname: "db1".into(),
            port: 3306,
            server_id: 1,
            datadir: "/var/lib/mysql/".into(),
            version: "10.11.6-MariaDB".into(),
        }
    }

    #[test]
    fn same_fields_same_server() {
        assert!(same_server(&mariadb(), &mariadb()));
        let mut b = mariadb();
        b.version = "other".into();
        assert!(same_server(&mariadb(), &b), "version is not identity");
    }

    #[test]
    fn any_differing_field_makes_another_server() {
        let cases: [fn(&mut ServerIdentity); 4] = [
            |s| s.hostname = "db2".into(),
            |s| s.port = 3307,
            |s| s.datadir = "/srv/mysql/".into(),
            |s| s.server_id = 2,
        ];
        for change in cases {
            let mut b = mariadb();
            change(&mut b);
            assert!(!same_server(&mariadb(), &b), "{b:?}");
        }
    }

    #[test]
    fn uuids_decide_when_both_have_one() {
        let mut a = mariadb();
        let mut b = mariadb();
        a.server_uuid = Some("3e11fa47-71ca-11e1-9e33-c80aa9429562".into());
        b.server_uuid = Some("3e11fa47-71ca-11e1-9e33-c80aa9429562".into());
        b.hostname = "alias".into();
        assert!(same_server(&a, &b));
        b.server_uuid = Some("8a94f357-aab4-11df-86ab-c80aa9429562".into());
        b.hostname = a.hostname.clone();
        assert!(!same_server(&a, &b));
    }

    #[test]
    fn one_uuid_falls_back_to_the_other_fields() {
        let mut a = mariadb();
        a.server_uuid = Some("3e11fa47-71ca-11e1-9e33-c80aa9429562".into());
        assert!(same_server(&a, &mariadb()));
        let mut b = mariadb();
        b.port = 3307;
        assert!(!same_server(&a, &b));
    }
}
