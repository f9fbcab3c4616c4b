//! A live row with the key of an archived row is never overwritten: it is a conflict.

use super::{server, total, Nova};

#[test]
fn a_live_row_with_the_same_key_is_reported_not_overwritten() {
    let nova = Nova::create("rs_conflict", 2, 2);
    nova.archive();
    // A new live instance took id 1; another took the uuid of instance 2 under another id.
    nova.db.sql(
        "INSERT INTO instances (id, uuid, hostname, deleted) VALUES (1, 'live-1', 'live', 0);
         INSERT INTO instances (id, uuid, hostname, deleted) VALUES (77, 'u2', 'live too', 0);",
    );
    let live = nova
        .db
        .sql("SELECT id, uuid, hostname FROM instances ORDER BY id");
    let out = nova.restore(1, &["--with-children"]).run();
    out.assert_code(3).output_contains("conflict on id=1");
    let report = out.report.as_ref().expect("a report");
    let conflict = &report["conflicts"][0];
    assert_eq!(conflict["key"], "id=1");
    let compare = conflict["compare"].as_str().expect("a SELECT");
    // The SELECT runs and shows both rows.
    let rows = server().sql(compare);
    assert_eq!(rows.lines().count(), 2, "{compare}: {rows}");
    assert!(
        rows.contains("source") && rows.contains("archive"),
        "{rows}"
    );
    let out = nova.restore(2, &["--with-children"]).run();
    out.assert_code(3).output_contains("Duplicate entry 'u2'");
    assert_eq!(total(&out, "conflicts"), 1);
    assert_eq!(
        nova.db
            .sql("SELECT id, uuid, hostname FROM instances ORDER BY id"),
        live,
        "the live rows are untouched"
    );
    // The children of a conflicting row are not restored.
    assert_eq!(nova.counts(&nova.db.name)[1..], [0, 0, 0]);
}
