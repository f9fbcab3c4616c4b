//! Changes that land while the locked way's chunks vouch for each other's definition check
//! (`src/archiver/cover.rs`): a fast walk, two sessions whose transactions overlap, so that most
//! chunks skip their own check. A trigger created, or a table altered, between two chunks
//! must still stop every delete after it: the `CREATE TRIGGER` waits for the chunks under way,
//! and the first chunk whose locks come after it checks for itself. The other mid-walk tests
//! walk slowly (one chunk at a time, nothing to vouch).

use std::time::{Duration, Instant};

use super::altered::{every_way, ids};
use super::completeness::Landed;
use crate::harness::digest::count;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::OLD;

const ROWS: u32 = 20_000;

/// Runs the archiver fast over `t` (20,000 rows, chunks of 50, no delay) in the way `edit`
/// sets, applies `change` once its deletes have begun, and returns what the run printed, its
/// exit code, the rows of `t` left when the change was done, and the chunks vouched for.
fn fast_walk_changed(
    db: &ScratchDb,
    edit: &dyn Fn(Ini, &std::path::Path) -> Ini,
    change: &str,
) -> (crate::harness::Output, u64, u64) {
    let cmd = Osarchiver::new()
        .args(["--log-level", "debug"])
        .timeout(Duration::from_secs(300));
    let dir = cmd.dir().join("files");
    let ini = edit(
        Ini::new(server(), &[&db.name])
            .src("tables", "t")
            .src("select_limit", 50)
            .src("delete_limit", 50)
            .src("delete_loop_delay", 0),
        &dir,
    );
    let running = cmd.config_text(ini.text()).spawn();
    let t0 = Instant::now();
    while count(server(), &db.name, "t", "1") > u64::from(ROWS) - 2_000 {
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "the run does not delete"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    db.sql(change);
    let at_change = count(server(), &db.name, "t", "1");
    let out = running.wait();
    let vouched: u64 = out
        .lines_containing("were vouched for by a chunk under way")
        .iter()
        .filter_map(|l| {
            let (_, after) = l.split_once("definitions, ")?;
            after.split_whitespace().next()?.parse::<u64>().ok()
        })
        .sum();
    (out, at_change, vouched)
}

/// Whether the runs may take the locked way: not when the harness turns the server-side copy
/// off (`scripts/test.sh` runs the safety tests again so), where nothing is vouched for and
/// these tests check the client's way at speed.
fn locked_way() -> bool {
    std::env::var(crate::harness::SERVER_SIDE_COPY_VAR).map_or(true, |v| v != "false")
}

/// Builds `t` (every row eligible) and `o`, a MyISAM table of as many rows.
fn tables(db: &ScratchDb) {
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_{ROWS};
         CREATE TABLE o (id INT PRIMARY KEY) ENGINE=MyISAM;
         INSERT INTO o SELECT seq FROM seq_1_to_{ROWS};"
    ));
}

/// Tries `scenario` up to three times while the change comes after the walk (or before any
/// chunk was vouched for).
fn until_it_lands(name: &str, mut scenario: impl FnMut() -> Landed) -> Option<String> {
    for _ in 0..3 {
        match scenario() {
            Landed::Checked(wrong) => return wrong,
            Landed::Late => eprintln!("{name}: the change came after the walk"),
        }
    }
    Some(format!("{name}: the change never landed during the walk"))
}

/// The ids of `t` in neither the source nor the archive.
fn lost(db: &ScratchDb) -> Vec<u32> {
    let left: std::collections::HashSet<u32> = ids(db, "SELECT id FROM t").into_iter().collect();
    let archived: std::collections::HashSet<u32> =
        ids(db, &format!("SELECT id FROM `{}`.t", db.archive()))
            .into_iter()
            .collect();
    (1..=ROWS)
        .filter(|id| !left.contains(id) && !archived.contains(id))
        .collect()
}

/// A `DELETE` trigger created on the source during a fast walk, whose deletes land in a
/// table without transactions (nothing would give them back): no chunk deletes after it, so
/// `o` keeps every row, and the run fails the table.
#[test]
fn a_delete_trigger_created_while_the_chunks_vouch_stops_every_delete() {
    let mut failed = Vec::new();
    for (way, edit) in every_way().into_iter().take(2) {
        failed.extend(until_it_lands(way, || {
            let db = ScratchDb::create(server(), "vouch_trg");
            tables(&db);
            let (out, at_change, vouched) = fast_walk_changed(
                &db,
                &edit,
                "CREATE TRIGGER gone AFTER DELETE ON t FOR EACH ROW DELETE FROM o WHERE id = OLD.id",
            );
            // A change after the walk, or before any chunk was vouched for (a loaded machine),
            // proves nothing: try again.
            if at_change == 0 || (locked_way() && vouched == 0) {
                return Landed::Late;
            }
            let other = count(server(), &db.name, "o", "1");
            let lost = lost(&db);
            let said = out.output().contains("changed during the run");
            Landed::Checked(
                (other != u64::from(ROWS)
                    || !lost.is_empty()
                    || out.code != Some(1)
                    || !said
                    )
                    .then(|| {
                        format!(
                            "{way}: {other} of {ROWS} rows of o left, {} rows lost, {vouched} \
                             chunks vouched for, exit {:?}\n{}",
                            lost.len(),
                            out.code,
                            out.output()
                        )
                    }),
            )
        }));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A trigger created on the archive table during a fast walk that rewrites every row it
/// gets: no row goes in through it (the chunk that meets it rolls back), and the run fails.
#[test]
fn an_archive_trigger_created_while_the_chunks_vouch_rewrites_no_row() {
    let mut failed = Vec::new();
    for (way, edit) in every_way().into_iter().take(2) {
        failed.extend(until_it_lands(way, || {
            let db = ScratchDb::create(server(), "vouch_arch");
            tables(&db);
            let (out, at_change, vouched) = fast_walk_changed(
                &db,
                &edit,
                &format!(
                    "CREATE TRIGGER `{0}`.tamper BEFORE INSERT ON `{0}`.t FOR EACH ROW \
                     SET NEW.v = 'tampered'",
                    db.archive()
                ),
            );
            // A change after the walk, or before any chunk was vouched for (a loaded machine),
            // proves nothing: try again.
            if at_change == 0 || (locked_way() && vouched == 0) {
                return Landed::Late;
            }
            let tampered = count(server(), &db.archive(), "t", "v = 'tampered'");
            let wrong = count(server(), &db.archive(), "t", "v <> CONCAT('v', id)");
            let lost = lost(&db);
            Landed::Checked(
                (tampered != 0 || wrong != 0 || !lost.is_empty() || out.code != Some(1)).then(
                    || {
                        format!(
                            "{way}: {tampered} rows tampered in the archive, {} rows lost, \
                             {vouched} chunks vouched for, exit {:?}\n{}",
                            lost.len(),
                            out.code,
                            out.output()
                        )
                    },
                ),
            )
        }));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
