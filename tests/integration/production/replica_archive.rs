//! An archive server that replicates from the source holds the source's tables under their own
//! names: with no `db_suffix`, an archive table of the source table's name there *is* the
//! source table, its rows already "archived" by replication, and deleted again by it once the
//! source's delete replicates. Such a destination is named as on the source's own server
//! (`<db>_archive`), whether its user may read `SHOW SLAVE STATUS` or not (the GTIDs the
//! replica applied name the source's server id). A replica whose primary its user cannot name
//! is refused where a table would keep its own name, the dry run alike.

use crate::harness::replica::{replica_pair, wait_caught_up};
use crate::harness::{server, Ini, Osarchiver, ScratchDb, ENV_VAR};

use super::{eligible_table, rows};

/// Runs `ini` as a dry run, then for real.
fn dry_then_real(ini: &str) -> [crate::harness::Output; 2] {
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
fn a_replica_of_the_source_never_archives_into_the_source_tables_replica() {
    if !server().is_private() {
        eprintln!("SKIPPED a_replica_of_the_source_never_archives_into_the_source_tables_replica: {ENV_VAR} names an external server");
        return;
    }
    let (primary, replica) = replica_pair();
    // A user of the replica alone, without SLAVE MONITOR: it cannot read the replication
    // status, only the GTIDs applied.
    replica.sql(
        "CREATE USER 'arch'@'%' IDENTIFIED BY 'pw';
         GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, LOCK TABLES ON *.* TO 'arch'@'%';",
    );
    let db = ScratchDb::create(&primary, "onreplica");
    eligible_table(&db, 300);
    wait_caught_up(&primary, &replica);

    // From the shared server (no binary log: nobody's primary), into that replica: the user
    // cannot tell whose replica it is, and the table would keep its own name.
    let other = ScratchDb::create(server(), "notreplicated");
    eligible_table(&other, 20);
    let to_replica = |source: &crate::harness::Server, db: &str| {
        Ini::new(source, &[db])
            .dst_server(&replica)
            .dst("user", "arch")
            .dst("password", "pw")
    };
    for out in dry_then_real(&to_replica(server(), &other.name).text()) {
        out.assert_code(1)
            .output_contains("the archive server replicates from another server");
    }
    assert_eq!(rows(server(), &other.name), 21, "rows deleted");
    // With a suffix, it archives there.
    let suffixed = to_replica(server(), &other.name)
        .dst("db_suffix", "_arch")
        .text();
    for out in dry_then_real(&suffixed) {
        out.assert_success();
    }
    assert_eq!(rows(server(), &other.name), 1);
    assert_eq!(rows(&replica, &format!("{}_arch", other.name)), 20);

    // From its own primary: the replica applied the primary's transactions, so it holds the
    // source's data, and the archive goes beside it.
    for out in dry_then_real(&to_replica(&primary, &db.name).text()) {
        out.assert_success()
            .output_contains("the archive server holds the source's data")
            .output_contains("archive databases are <db>_archive");
    }
    assert_eq!(rows(&primary, &db.name), 1);
    wait_caught_up(&primary, &replica);
    assert_eq!(
        rows(&replica, &db.name),
        1,
        "the replica follows the source"
    );
    assert_eq!(rows(&replica, &db.archive()), 300, "every row archived");
}
