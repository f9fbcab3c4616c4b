//! The osarchiver process SIGKILLed at random moments of a run, several times in a row (each
//! killed run leaves a cut gzip SQL file and a half-done table), then a re-run: nothing is lost
//! or doubled within a file, and the re-run finishes the job, with every row it deletes in its own
//! files.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::harness::{server, Osarchiver};

use super::{assert_nothing_lost, ids_in_sql_files, Counts, Fixture, ELIGIBLE};

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let s = server();
    let f = Fixture::new(s, "fk_kill");
    let files = tempfile::tempdir().unwrap();
    // A slower pace, so that the killed runs leave work for the re-run.
    let ini = f
        .ini_with_files(files.path())
        .src("delete_loop_delay", 0.05);
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    eprintln!("sigkill_at_random_moments: seed {seed}");
    let mut rng = seed;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        rng >> 33
    };
    let mut counts = Counts::default();
    for _ in 0..4 {
        let mut run = Osarchiver::new().config_text(ini.text()).spawn();
        assert!(run.wait_for_log("databases to archive", Duration::from_secs(20)));
        std::thread::sleep(Duration::from_millis(50 + next() % 400));
        let finished = !run.is_running();
        run.signal(libc::SIGKILL);
        let out = run.wait();
        if !finished {
            assert_eq!(out.code, None, "killed by the signal\n{out}");
            counts.faults += 1;
        }
        assert_nothing_lost(&f, Some(files.path()), &mut counts);
    }
    assert!(
        f.left() > 0,
        "the killed runs finished the job: nothing tested"
    );
    // Each run's files are self-contained: every row the re-run deletes is in its own files,
    // including rows the killed runs had already written but not deleted.
    let ids = |filter: &str| -> BTreeSet<u64> {
        s.sql(&format!("SELECT id FROM `{}`.t WHERE {filter}", f.db.name))
            .lines()
            .map(|l| l.trim().parse().expect("an id"))
            .collect()
    };
    let listing = || -> BTreeSet<PathBuf> {
        std::fs::read_dir(files.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().contains(".sql"))
            .collect()
    };
    let (left_before, files_before) = (ids("deleted_at IS NOT NULL"), listing());
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_success();
    assert_eq!(f.left(), 0);
    let new_files: Vec<PathBuf> = listing().difference(&files_before).cloned().collect();
    let in_new_files = ids_in_sql_files(&f, &new_files);
    let missing: Vec<&u64> = left_before.difference(&in_new_files).collect();
    assert!(
        missing.is_empty(),
        "rows the re-run deleted are not in its own files: {missing:?}"
    );
    assert_nothing_lost(&f, Some(files.path()), &mut counts);
    assert_eq!(
        crate::harness::digest::count(s, &f.db.archive(), "t", "1"),
        ELIGIBLE
    );
    counts.print("sigkill");
}
