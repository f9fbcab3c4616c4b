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
