//! The bench dataset (`gen_dataset.sh`: nova's instances and their six child tables, cinder,
//! freezer) archived by a real run, then one instance restored with its children: every row of
//! it, in every table, byte-identical to before.

use crate::harness::digest::digest;
use crate::harness::{dedicated_server, server, Ini, Osarchiver, Server};

const CUT: &str = "deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH)";

/// Each table of the instance's family, with the filter that selects the instance's rows.
fn family(uuid: &str) -> Vec<(&'static str, String)> {
    let by_instance = format!("instance_uuid = '{uuid}'");
    vec![
        ("instances", format!("uuid = '{uuid}'")),
        ("instance_metadata", by_instance.clone()),
        ("instance_actions", by_instance.clone()),
        (
            "instance_actions_events",
            format!("action_id IN (SELECT id FROM nova.instance_actions WHERE {by_instance})"),
        ),
        ("instance_faults", by_instance.clone()),
        ("block_device_mapping", by_instance.clone()),
        ("instance_extra", by_instance),
    ]
}

fn digests(s: &Server, uuid: &str) -> Vec<(&'static str, (u64, String))> {
    family(uuid)
        .into_iter()
        .map(|(t, filter)| (t, digest(s, "nova", t, &filter)))
        .collect()
}

#[test]
fn an_instance_of_the_bench_dataset_comes_back_with_its_children() {
    if !server().is_private() {
        eprintln!("skipped: the bench dataset needs a server of its own (fixed database names)");
        return;
    }
    let s = dedicated_server();
    crate::pipeline::plan::bench::bench_dataset(&s, 400);
    // An eligible instance whose rows in every child table are eligible too (so the run takes
    // it), with metadata, actions and events.
    let uuid = s
        .sql(&format!(
            "SELECT i.uuid FROM nova.instances i WHERE i.{CUT}
               AND EXISTS (SELECT 1 FROM nova.instance_metadata m WHERE m.instance_uuid = i.uuid)
               AND EXISTS (SELECT 1 FROM nova.instance_actions a JOIN nova.instance_actions_events e
                           ON e.action_id = a.id WHERE a.instance_uuid = i.uuid)
               AND NOT EXISTS (SELECT 1 FROM nova.instance_metadata m WHERE m.instance_uuid = i.uuid AND NOT m.{CUT})
               AND NOT EXISTS (SELECT 1 FROM nova.instance_actions a WHERE a.instance_uuid = i.uuid AND NOT a.{CUT})
               AND NOT EXISTS (SELECT 1 FROM nova.instance_actions a JOIN nova.instance_actions_events e
                               ON e.action_id = a.id WHERE a.instance_uuid = i.uuid AND (NOT e.{CUT} OR e.deleted_at IS NULL))
               AND NOT EXISTS (SELECT 1 FROM nova.instance_faults f WHERE f.instance_uuid = i.uuid AND NOT f.{CUT})
               AND NOT EXISTS (SELECT 1 FROM nova.block_device_mapping b WHERE b.instance_uuid = i.uuid AND NOT b.{CUT})
               AND NOT EXISTS (SELECT 1 FROM nova.instance_extra x WHERE x.instance_uuid = i.uuid AND NOT x.{CUT})
             ORDER BY i.id LIMIT 1"
        ))
        .trim()
        .to_string();
    assert!(
        !uuid.is_empty(),
        "no fully eligible instance in the dataset"
    );
    let before = digests(&s, &uuid);
    let rows: u64 = before.iter().map(|(_, (n, _))| n).sum();
    assert!(rows >= 4, "{before:?}");

    let ini = Ini::new(&s, &["nova", "cinder", "freezer"])
        .unset("src:src", "retention")
        .src("where", CUT)
        .src("excluded_tables", "shadow_.*")
        .text();
    Osarchiver::new().config_text(&ini).run().assert_code(3);
    for (t, (n, _)) in digests(&s, &uuid) {
        assert_eq!(
            n, 0,
            "nova.{t}: the instance's rows are still in the source"
        );
    }

    let out = Osarchiver::new()
        .subcommand("restore")
        .config_text(&ini)
        .args([
            "--table",
            "nova.instances",
            "--where",
            &format!("uuid = '{uuid}'"),
            "--with-children",
        ])
        .run();
    out.assert_success();
    assert_eq!(
        digests(&s, &uuid),
        before,
        "HEX of every column, every table"
    );
}
