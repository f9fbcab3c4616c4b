//! Server identity: what tells two connections apart as reaching the same server or not.
//!
//! The archiver needs this when the archive database is on the source server: archiving a
//! table into itself must never happen, so a destination on the same server gets a suffix.
//! The comparison therefore leans towards "same" when in doubt.
//!
//! Another server can hold the source's tables too: a node of the same Galera cluster, or a
//! replica of the source (or the source a replica of it). An archive table of the source
//! table's own name there may *be* the source table, by replication: [`DataLinks`] and
//! [`may_hold_tables_of`] tell when it may.

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

impl ServerIdentity {
    /// One line that tells servers apart as far as they say who they are (the version left
    /// out), for keying what a run sends to each.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.server_uuid.as_deref().unwrap_or_default(),
            self.hostname,
            self.port,
            self.datadir,
            self.server_id
        )
    }
}

/// Asks the server connected to `conn` who it is.
pub async fn server_identity(conn: &mut Conn) -> mysql_async::Result<ServerIdentity> {
    // Bytes, not text: a data directory (or a version string set at startup) need not be
    // UTF-8, and a typed conversion to `String` panicked on one (helper 126).
    type Row = (Vec<u8>, u16, u64, Vec<u8>, Vec<u8>);
    let row: Option<Row> = conn
        .query_first("SELECT @@hostname, @@port, @@server_id, @@datadir, @@version")
        .await?;
    let (hostname, port, server_id, datadir, version) =
        row.ok_or_else(|| Error::Other("SELECT @@hostname, ... returned no row".into()))?;
    let text = |bytes: Vec<u8>| super::schema::escaped_text(&bytes);
    let (hostname, datadir, version) = (text(hostname), text(datadir), text(version));
    let server_uuid = match conn
        .query_first::<Option<Vec<u8>>, _>("SELECT @@server_uuid")
        .await
    {
        Ok(uuid) => uuid.flatten().map(text).filter(|u| !u.is_empty()),
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

/// What ties a server's data to another server's: its Galera cluster, the servers it replicates
/// from, the origins of the transactions it applied. Every field is read if the
/// server and the user allow it, else left empty (MySQL, no `SLAVE MONITOR`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataLinks {
    /// `wsrep_cluster_state_uuid`, when the server is a node of a Galera cluster.
    pub cluster: Option<String>,
    /// The servers it replicates from (`SHOW ALL SLAVES STATUS`): server id and port; `None`
    /// when the user may not read them.
    pub masters: Option<Vec<(u64, u16)>>,
    /// Replication threads run on it now (`Slaves_running`, which every user may read).
    pub replicating: bool,
    /// The origins (domain, server id) of the GTIDs it applied as a replica
    /// (`@@gtid_slave_pos`): through a chain of replicas too.
    pub applied: Vec<(u64, u64)>,
}

/// The (domain, server id) pairs of a GTID list such as `0-1-100,1-2-7`.
fn gtid_origins(list: &str) -> Vec<(u64, u64)> {
    list.split(',')
        .filter_map(|g| {
            let mut parts = g.trim().split('-');
            let domain = parts.next()?.parse().ok()?;
            let server = parts.next()?.parse().ok()?;
            parts.next()?.parse::<u64>().ok()?;
            Some((domain, server))
        })
        .collect()
}

/// Reads what [`DataLinks`] holds from the server connected to `conn`. What the server or the
/// user refuses is left empty; only a lost connection is an error.
pub async fn data_links(conn: &mut Conn) -> mysql_async::Result<DataLinks> {
    let mut links = DataLinks::default();
    let status: Vec<(String, String)> = match conn
        .query(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_state_uuid', 'Slaves_running')",
        )
        .await
    {
        Ok(rows) => rows,
        Err(Error::Server(e)) => {
            tracing::debug!("SHOW GLOBAL STATUS: {} {}", e.code, e.message);
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    for (name, value) in status {
        if name.eq_ignore_ascii_case("wsrep_cluster_state_uuid") {
            let value = value.trim();
            if !value.is_empty() && value.chars().any(|c| c != '0' && c != '-') {
                links.cluster = Some(value.to_owned());
            }
        } else if name.eq_ignore_ascii_case("Slaves_running") {
            links.replicating = value.trim().parse::<u64>().unwrap_or(0) > 0;
        }
    }
    links.masters = match conn
        .query::<mysql_async::Row, _>("SHOW ALL SLAVES STATUS")
        .await
    {
        Ok(rows) => Some(
            rows.iter()
                .filter_map(|r| {
                    let id: u64 = r.get_opt("Master_Server_Id")?.ok()?;
                    let port: u16 = r.get_opt("Master_Port")?.ok()?;
                    Some((id, port))
                })
                .collect(),
        ),
        Err(Error::Server(e)) => {
            tracing::debug!("SHOW ALL SLAVES STATUS: {} {}", e.code, e.message);
            None
        }
        Err(e) => return Err(e),
    };
    match conn
        .query_first::<Option<String>, _>("SELECT @@GLOBAL.gtid_slave_pos")
        .await
    {
        Ok(Some(applied)) => links.applied = gtid_origins(applied.as_deref().unwrap_or("")),
        Ok(None) => {}
        Err(Error::Server(e)) => tracing::debug!("gtid positions: {} {}", e.code, e.message),
        Err(e) => return Err(e),
    }
    Ok(links)
}

/// Why the server `b` may hold the tables of the server `a` under their own names, when it
/// may: one Galera cluster; `b` is a replica (of `a` or, through a chain, of a server that
/// replicates `a`: which one cannot always be told), or was one (`gtid_slave_pos` keeps what
/// it applied, also while replication is stopped); or `a` replicates from `b`. `a` and `b`
/// are not the same server ([`same_server`]). The signs are what replication leaves, not
/// whether it runs now, so the answer does not change from one run to the next as a replica
/// stops and starts.
pub fn may_hold_tables_of(
    a: (&ServerIdentity, &DataLinks),
    b: (&ServerIdentity, &DataLinks),
) -> Option<String> {
    if let (Some(x), Some(y)) = (&a.1.cluster, &b.1.cluster) {
        if x == y {
            return Some(format!("both are nodes of one Galera cluster ({x})"));
        }
    }
    let from = |links: &DataLinks, primary: &ServerIdentity| {
        links.masters.as_ref().is_some_and(|m| {
            m.iter()
                .any(|&(id, port)| id == primary.server_id && port == primary.port)
        })
    };
    if from(b.1, a.0) {
        return Some(format!(
            "it replicates from the source's server (server id {})",
            a.0.server_id
        ));
    }
    if from(a.1, b.0) {
        return Some(format!(
            "the source's server replicates from it (server id {})",
            b.0.server_id
        ));
    }
    let b = b.1;
    if b.masters.as_ref().is_some_and(|m| !m.is_empty()) {
        return Some("it is a replica (SHOW SLAVE STATUS lists a primary)".into());
    }
    if b.replicating {
        return Some("it is a replica (Slaves_running)".into());
    }
    if !b.applied.is_empty() {
        let origins: Vec<String> = b.applied.iter().map(|(d, s)| format!("{d}-{s}")).collect();
        return Some(format!(
            "it applied replicated transactions (gtid_slave_pos of domain and server {})",
            origins.join(", ")
        ));
    }
    None
}

/// Whether the sessions `a` and `b` reach one server, by a named lock: `a` takes a lock of a
/// name no one else uses, and `b` asks who holds it (`IS_USED_LOCK`: `a`'s connection id on
/// the same server, `NULL` on another). Two servers started from one template answer
/// [`same_server`]'s questions alike (a container's `hostname:`, port 3306, `/var/lib/mysql/`,
/// `server_id` 1): the archive then went into a table of the source's server (helper 128).
/// `None` when the lock cannot be taken (a server that refuses `GET_LOCK`); the lock is
/// released at once.
pub async fn same_server_probe(a: &mut Conn, b: &mut Conn) -> mysql_async::Result<Option<bool>> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let name = format!("osarchiver-probe:{}:{nanos:x}", std::process::id());
    let taken: Option<(Option<i64>, u64)> = match a
        .exec_first("SELECT GET_LOCK(?, 0), CONNECTION_ID()", (&name,))
        .await
    {
        Ok(row) => row,
        Err(Error::Server(e)) => {
            tracing::debug!("the same-server probe's lock: {} {}", e.code, e.message);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let Some((Some(1), id)) = taken else {
        return Ok(None);
    };
    let holder: Option<Option<u64>> = b.exec_first("SELECT IS_USED_LOCK(?)", (&name,)).await?;
    a.exec_drop("DO RELEASE_LOCK(?)", (&name,)).await?;
    Ok(Some(holder.flatten() == Some(id)))
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

    fn other(server_id: u64, port: u16) -> ServerIdentity {
        ServerIdentity {
            hostname: format!("db{server_id}"),
            server_id,
            port,
            ..mariadb()
        }
    }

    #[test]
    fn gtid_lists_give_their_origins() {
        assert_eq!(gtid_origins(""), vec![]);
        assert_eq!(gtid_origins("0-1-100"), vec![(0, 1)]);
        assert_eq!(gtid_origins("0-1-100, 7-23-4"), vec![(0, 1), (7, 23)]);
        assert_eq!(gtid_origins("0-1"), vec![], "not a GTID");
        assert_eq!(gtid_origins("x-1-2,0-2-x"), vec![]);
    }

    #[test]
    fn a_cluster_a_replica_or_a_primary_may_hold_the_tables() {
        let (src, dst) = (other(1, 3306), other(2, 3306));
        let none = DataLinks::default();
        assert_eq!(may_hold_tables_of((&src, &none), (&dst, &none)), None);
        // One Galera cluster; two clusters do not.
        let node = |uuid: &str| DataLinks {
            cluster: Some(uuid.into()),
            ..DataLinks::default()
        };
        assert!(may_hold_tables_of((&src, &node("u1")), (&dst, &node("u1")))
            .is_some_and(|why| why.contains("Galera")));
        assert_eq!(
            may_hold_tables_of((&src, &node("u1")), (&dst, &node("u2"))),
            None
        );
        // A replica of the source, of another server, or stopped: each a replica.
        let of = |masters: Vec<(u64, u16)>, replicating: bool| DataLinks {
            masters: Some(masters),
            replicating,
            ..DataLinks::default()
        };
        assert!(
            may_hold_tables_of((&src, &none), (&dst, &of(vec![(9, 3306), (1, 3306)], true)))
                .is_some_and(|why| why.contains("replicates from the source's server"))
        );
        assert!(
            may_hold_tables_of((&src, &none), (&dst, &of(vec![(1, 3307)], false)))
                .is_some_and(|why| why.contains("SHOW SLAVE STATUS"))
        );
        // The source a replica of the destination.
        assert!(
            may_hold_tables_of((&src, &of(vec![(2, 3306)], true)), (&dst, &none))
                .is_some_and(|why| why.contains("the source's server replicates from it"))
        );
        // Without SLAVE MONITOR: Slaves_running, or what it applied, running or not.
        let unseen = |replicating: bool, applied: Vec<(u64, u64)>| DataLinks {
            replicating,
            applied,
            ..DataLinks::default()
        };
        assert!(may_hold_tables_of((&src, &none), (&dst, &unseen(true, vec![]))).is_some());
        assert!(
            may_hold_tables_of((&src, &none), (&dst, &unseen(false, vec![(0, 7)])))
                .is_some_and(|why| why.contains("gtid_slave_pos of domain and server 0-7"))
        );
        // A server that only replicates to others is no replica.
        let primary = DataLinks {
            masters: Some(vec![]),
            ..DataLinks::default()
        };
        assert_eq!(may_hold_tables_of((&src, &none), (&dst, &primary)), None);
    }
}
