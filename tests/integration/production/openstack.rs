//! Real OpenStack schemas (nova, cinder, glance, heat, manila, barbican, trove, masakari, as
//! their own code creates them; see
//! `tests/corpus/openstack/README.md`), with a small population: the dry run and the run agree
//! (exit 3, for the rows live rows keep), exactly the expected rows leave each table and every
//! eligible row is in the archive as it was, no row of a table that is not archived changes
//! (heat's `ON DELETE CASCADE` included), and a second run changes nothing.

use std::collections::BTreeMap;

use crate::harness::digest::{count, digest, Before};
use crate::harness::{server, Ini, Osarchiver, ScratchDb};

const SERVICES: [&str; 8] = [
    "nova", "cinder", "glance", "heat", "manila", "barbican", "trove", "masakari",
];

fn corpus(file: &str) -> String {
    let path = format!(
        "{}/tests/corpus/openstack/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `service.table` → (rows left in the source, rows eligible: those that go and the blocked
/// ones).
fn expected() -> BTreeMap<(String, String), (u64, u64)> {
    corpus("expected.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (db, table) = f[0].split_once('.').expect("db.table");
            let service = db.trim_start_matches("osfx_").to_string();
            (
                (service, table.to_string()),
                (f[1].parse().unwrap(), f[2].parse().unwrap()),
            )
        })
        .collect()
}

/// Every table of `db`, with the checksum of its rows (one `CHECKSUM TABLE` for all).
fn all_tables(db: &ScratchDb<'_>) -> BTreeMap<String, String> {
    let tables: Vec<String> = db
        .sql("SHOW TABLES")
        .lines()
        .map(|t| format!("`{}`.`{t}`", db.name))
        .collect();
    db.sql(&format!("CHECKSUM TABLE {} EXTENDED", tables.join(", ")))
        .lines()
        .map(|l| {
            let (table, sum) = l.rsplit_once('\t').expect("table and checksum");
            (table.to_string(), sum.to_string())
        })
        .collect()
}

/// The primary key's columns of `table`, quoted, comma-separated.
fn primary_key(db: &ScratchDb<'_>, table: &str) -> String {
    db.sql(&format!(
        "SELECT GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '`') ORDER BY SEQ_IN_INDEX) \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         AND TABLE_NAME = '{table}' AND INDEX_NAME = 'PRIMARY'"
    ))
    .trim()
    .to_string()
}

#[test]
fn real_openstack_schemas_archive_what_can_go_and_keep_what_live_rows_reference() {
    let s = server();
    let dbs: Vec<ScratchDb> = SERVICES
        .iter()
        .map(|svc| {
            let db = ScratchDb::create(s, svc);
            db.sql(&corpus(&format!("{svc}.sql")));
            db.sql(&corpus(&format!("populate_{svc}.sql")));
            db
        })
        .collect();
    let expected = expected();
    let eligible = "deleted_at < UTC_TIMESTAMP() - INTERVAL 1 DAY";
    // A copy of every table with eligible rows, to tell which rows left.
    let snapshots: Vec<Before> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| {
            let tables: Vec<&str> = expected
                .iter()
                .filter(|((service, _), &(_, eligible))| service == SERVICES[i] && eligible > 0)
                .map(|((_, table), _)| table.as_str())
                .collect();
            Before::take(s, &db.name, &tables)
        })
        .collect();
    let before: Vec<_> = dbs.iter().map(all_tables).collect();
    let names: Vec<&str> = dbs.iter().map(|d| d.name.as_str()).collect();
    let ini = Ini::new(s, &names)
        .src("retention", "1 DAY")
        .src("tables", "*")
        .src("excluded_tables", "shadow_.*");

    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(3).assert_no_panic();
    for (db, b) in dbs.iter().zip(&before) {
        assert_eq!(&all_tables(db), b, "the dry run changed {}", db.name);
        assert!(
            !db.exists(&db.archive()),
            "the dry run created {}",
            db.archive()
        );
    }

    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_code(3).assert_no_panic();
    let after: Vec<_> = dbs.iter().map(all_tables).collect();
    for (i, db) in dbs.iter().enumerate() {
        let service = SERVICES[i];
        for (qualified, sum) in &before[i] {
            let table = qualified.rsplit_once('.').unwrap().1.to_string();
            let key = (service.to_string(), table.clone());
            match expected.get(&key) {
                Some(&(left, eligible_rows)) => {
                    assert_eq!(
                        count(s, &db.name, &table, "1"),
                        left,
                        "{service}.{table} left"
                    );
                    if eligible_rows > 0 {
                        assert_eq!(
                            digest(s, &db.archive(), &table, "1"),
                            snapshots[i].left(&table, eligible, &primary_key(db, &table)),
                            "{service}.{table}: the archive holds every row that left, as it was"
                        );
                    } else {
                        assert_eq!(&after[i][qualified], sum, "{service}.{table} changed");
                    }
                }
                // A table without rows, or never archived (heat's cascade target
                // included): untouched.
                None => assert_eq!(&after[i][qualified], sum, "{service}.{table} changed"),
            }
        }
    }
    let again = Osarchiver::new().config_text(ini.text()).run();
    again.assert_code(3);
    assert_eq!(
        dbs.iter().map(all_tables).collect::<Vec<_>>(),
        after,
        "a second run changes nothing"
    );
}
