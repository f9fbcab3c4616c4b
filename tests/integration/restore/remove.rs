//! `--remove-from-archive`: the archived copies restored are deleted, and only they.

use super::{total, Nova};

#[test]
fn restored_rows_leave_the_archive_and_the_others_stay() {
    let nova = Nova::create("rs_remove", 2, 2);
    let before = nova.digests(&nova.db.name, 1);
    let other = nova.digests(&nova.db.name, 2);
    nova.archive();
    let out = nova
        .restore(1, &["--with-children", "--remove-from-archive"])
        .run();
    out.assert_success();
    assert_eq!(total(&out, "removed"), 9);
    assert_eq!(nova.digests(&nova.db.name, 1), before);
    let gone: Vec<u64> = nova
        .digests(&nova.db.archive(), 1)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(gone, [0, 0, 0, 0], "instance 1's rows left the archive");
    assert_eq!(
        nova.digests(&nova.db.archive(), 2),
        other,
        "instance 2's stayed"
    );
}

/// A `BEFORE INSERT` trigger on the source changes the rows as they go back: the batch is
/// rolled back, the run fails, and the archive keeps the only copy of the original values.
#[test]
fn rows_a_trigger_changes_as_they_go_back_stay_in_the_archive() {
    let nova = Nova::create("rs_trigger", 2, 2);
    nova.archive();
    let archived = nova.digests(&nova.db.archive(), 1);
    nova.db.sql(
        "CREATE TRIGGER up BEFORE INSERT ON instances FOR EACH ROW
           SET NEW.hostname = UPPER(NEW.hostname);",
    );
    let out = nova
        .restore(1, &["--with-children", "--remove-from-archive"])
        .run();
    out.assert_code(1)
        .output_contains("does not hold the rows as archived once inserted");
    assert_eq!(total(&out, "removed"), 0);
    assert_eq!(nova.digests(&nova.db.archive(), 1), archived);
    assert_eq!(
        crate::harness::digest::count(crate::harness::server(), &nova.db.name, "instances", "1"),
        0
    );
}

/// `--remove-from-archive` deletes only the copies the source holds identically when the
/// restore ends: the instance's copy, changed in the archive after it went back, and a
/// metadata row the service changes in the source before the end, keep their copies (exit 3,
/// `kept_in_archive` 2); the others go. Every copy was deleted by key alone, exit 0: with
/// another run archiving the restored rows again meanwhile, rows ended in neither (helper
/// 129).
#[test]
fn copies_the_source_does_not_hold_identically_stay_in_the_archive() {
    use crate::harness::digest::count;
    let s = crate::harness::server();
    let nova = Nova::create("rs_keep", 1, 3);
    nova.archive();
    let running = nova
        .restore(
            1,
            &[
                "--with-children",
                "--remove-from-archive",
                "--batch-size",
                "1",
                "--batch-delay",
                "0.5",
            ],
        )
        .spawn();
    let wait_until = |what: &str, done: &dyn Fn() -> bool| {
        let t0 = std::time::Instant::now();
        while !done() {
            assert!(t0.elapsed().as_secs() < 60, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait_until("the instance is back", &|| {
        count(s, &nova.db.name, "instances", "1") == 1
    });
    nova.db.sql(&format!(
        "UPDATE `{}`.instances SET hostname = 'changed in the archive'",
        nova.db.archive()
    ));
    wait_until("the metadata are back", &|| {
        count(s, &nova.db.name, "instance_metadata", "1") == 3
    });
    nova.db
        .sql("UPDATE instance_metadata SET value = 'changed by the service' ORDER BY id LIMIT 1");
    let out = running.wait();
    out.assert_code(3)
        .output_contains("archived row(s) kept in")
        .output_contains("restore finished with 2 archived row(s) kept in the archive");
    assert_eq!(total(&out, "kept_in_archive"), 2);
    assert_eq!(total(&out, "removed"), 10 - 2);
    assert_eq!(count(s, &nova.db.archive(), "instances", "1"), 1);
    assert_eq!(count(s, &nova.db.archive(), "instance_metadata", "1"), 1);
    assert_eq!(count(s, &nova.db.archive(), "instance_actions", "1"), 0);
}
