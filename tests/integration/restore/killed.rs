//! A restore killed with SIGKILL halfway, then run again: nothing duplicated, nothing lost.

use std::time::Duration;

use super::{total, Nova};

#[test]
fn a_restore_killed_halfway_then_run_again_loses_and_duplicates_nothing() {
    let nova = Nova::create("rs_killed", 2, 40);
    let before = nova.digests(&nova.db.name, 1);
    let other = nova.digests(&nova.db.name, 2);
    nova.archive();
    let args = [
        "--with-children",
        "--remove-from-archive",
        "--batch-size",
        "2",
        "--batch-delay",
        "0.05",
    ];
    let mut running = nova.restore(1, &args).spawn();
    assert!(
        running.wait_for_log("instance_metadata: 2 row(s)", Duration::from_secs(60)),
        "the restore reached the metadata: {}",
        running.log()
    );
    running.signal(libc::SIGKILL);
    let killed = running.wait();
    assert_eq!(killed.code, None, "killed by the signal");
    let partial = nova.counts(&nova.db.name);
    assert!(partial[0] == 1 && partial[1] < 40, "halfway: {partial:?}");
    let out = nova.restore(1, &args).run();
    out.assert_success();
    assert!(
        total(&out, "already") >= 1,
        "the re-run found the rows already restored"
    );
    assert_eq!(
        nova.digests(&nova.db.name, 1),
        before,
        "nothing lost, nothing changed"
    );
    assert_eq!(
        nova.counts(&nova.db.name),
        [1, 40, 2, 4],
        "nothing duplicated"
    );
    let left: Vec<u64> = nova
        .digests(&nova.db.archive(), 1)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        left,
        [0, 0, 0, 0],
        "the archived copies are removed once restored"
    );
    assert_eq!(nova.digests(&nova.db.archive(), 2), other);
}

#[test]
fn a_signal_stops_a_restore_after_its_batch_with_exit_code_4() {
    let nova = Nova::create("rs_signal", 1, 40);
    let before = nova.digests(&nova.db.name, 1);
    nova.archive();
    let args = [
        "--with-children",
        "--batch-size",
        "2",
        "--batch-delay",
        "0.2",
    ];
    let mut running = nova.restore(1, &args).spawn();
    assert!(
        running.wait_for_log("instance_metadata: 2 row(s)", Duration::from_secs(60)),
        "{}",
        running.log()
    );
    running.signal(libc::SIGTERM);
    let out = running.wait();
    out.assert_code(4);
    let report = out.report.as_ref().expect("a report");
    assert_eq!(report["outcome"], "interrupted");
    assert!(nova.counts(&nova.db.name)[1] < 40, "stopped early");
    nova.restore(1, &args[..3]).run().assert_success();
    assert_eq!(nova.digests(&nova.db.name, 1), before);
}
