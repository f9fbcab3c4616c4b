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
