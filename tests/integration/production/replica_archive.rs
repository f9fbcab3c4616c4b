//! An archive server that replicates from the source holds the source's tables under their own
//! names: with no `db_suffix`, an archive table of the source table's name there *is* the
//! source table, its rows already "archived" by replication, and deleted again by it once the
//! source's delete replicates (rows lost everywhere, exit 0). On another server that is, or
//! was, a replica (whose primary cannot always be named: a user without `SLAVE MONITOR`, a
//! chain of replicas), an archive table of the source table's own name is refused, the dry run
//! alike; with a suffix, the archive goes there.

use crate::harness::replica::{replica_pair, wait_caught_up};
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server, ENV_VAR};

use super::{eligible_table, rows};

/// Runs `ini` as a dry run, then for real.
fn dry_then_real(ini: &str) -> [Output; 2] {
    [true, false].map(|dry| {
        let cmd = Osarchiver::new().config_text(ini);
        if dry {
            cmd.arg("--dry-run").run()
        } else {
            cmd.run()
        }
    })
}

#[test]
fn an_archive_of_the_source_tables_own_name_on_a_replica_is_refused() {
    if !server().is_private() {
        eprintln!("SKIPPED an_archive_of_the_source_tables_own_name_on_a_replica_is_refused: {ENV_VAR} names an external server");
        return;
    }
    let (primary, replica) = replica_pair();
    // A user of the replica alone, without SLAVE MONITOR: it cannot read the replication
    // status, only `Slaves_running` and the GTIDs applied.
    replica.sql(
        "CREATE USER 'arch'@'%' IDENTIFIED BY 'pw';
         GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, LOCK TABLES ON *.* TO 'arch'@'%';",
    );
    let db = ScratchDb::create(&primary, "onreplica");
    eligible_table(&db, 300);
    wait_caught_up(&primary, &replica);
    let to_replica = |source: &Server, db: &str, user: Option<(&str, &str)>| {
        let ini = Ini::new(source, &[db]).dst_server(&replica);
        match user {
            Some((user, pw)) => ini.dst("user", user).dst("password", pw),
            None => ini,
        }
    };

    // From its own primary, by root (who reads SHOW SLAVE STATUS) and by the user who cannot.
    for (user, why) in [
        (None, "it replicates from the source's server"),
        (Some(("arch", "pw")), "it is a replica (Slaves_running)"),
    ] {
        for out in dry_then_real(&to_replica(&primary, &db.name, user).text()) {
            out.assert_code(1)
                .output_contains("has the source table's own name, on a server that may hold the source's tables")
                .output_contains(why);
        }
        assert_eq!(rows(&primary, &db.name), 301, "rows deleted");
    }
    // Stopped, it is a replica still: it kept the GTIDs it applied.
    replica.sql("STOP SLAVE");
    for out in dry_then_real(&to_replica(&primary, &db.name, Some(("arch", "pw"))).text()) {
        out.assert_code(1).output_contains("gtid_slave_pos");
    }
    replica.sql("START SLAVE");
    // From another server (no relation the replica can show): refused alike.
    let other = ScratchDb::create(server(), "notreplicated");
    eligible_table(&other, 20);
    for out in dry_then_real(&to_replica(server(), &other.name, Some(("arch", "pw"))).text()) {
        out.assert_code(1);
    }
    assert_eq!(rows(server(), &other.name), 21);

    // With a suffix, the archive goes beside the replicated tables.
    let suffixed = to_replica(&primary, &db.name, Some(("arch", "pw")))
        .dst("db_suffix", "_arch")
        .text();
    for out in dry_then_real(&suffixed) {
        out.assert_success();
    }
    assert_eq!(rows(&primary, &db.name), 1);
    wait_caught_up(&primary, &replica);
    assert_eq!(
        rows(&replica, &db.name),
        1,
        "the replica follows the source"
    );
    assert_eq!(
        rows(&replica, &format!("{}_arch", db.name)),
        300,
        "every row archived"
    );
}
