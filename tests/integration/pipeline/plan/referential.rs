//! The plan's blocked rows on the referential cases: every rule, chains, self references,
//! children in other databases gone through before or after, and the indexes it reads through.

use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::{OLD, RECENT};

use super::{blocked_by, dry_then_real, plans};

/// Live children with every rule, chains three deep (middle table chosen or not), a table
/// referencing itself (chains ending in a live row, a row referencing itself) at several
/// page and chunk sizes: predicted exactly.
#[test]
fn the_plan_predicts_what_the_real_run_blocks_on_the_referential_cases() {
    let s = server();
    for (rule, select_limit, delete_limit) in [
        ("CASCADE", 1000, 500),
        ("SET NULL", 2, 2),
        ("RESTRICT", 3, 1),
        ("NO ACTION", 1000, 1),
    ] {
        let db = ScratchDb::create(s, "plan_refs");
        db.sql(&format!(
            "CREATE TABLE a (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE b (id INT PRIMARY KEY, a_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             CREATE TABLE c (id INT PRIMARY KEY, b_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_c_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE {rule});
             CREATE TABLE unchosen (id INT PRIMARY KEY, a_id INT NULL,
               CONSTRAINT fk_un_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             CREATE TABLE node (id INT PRIMARY KEY, parent_id INT NULL, a_id INT NULL,
               deleted_at DATETIME NULL,
               CONSTRAINT fk_node FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE {rule},
               CONSTRAINT fk_node_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE {rule});
             INSERT INTO a SELECT seq, {OLD} FROM seq_1_to_12;
             INSERT INTO b VALUES (1, 1, {OLD}), (2, 2, {OLD}), (3, 3, NULL), (4, 4, {OLD}),
               (5, 5, {RECENT});
             INSERT INTO c VALUES (1, 1, NULL), (2, 2, {OLD}), (3, 4, {OLD}), (4, 4, {OLD});
             INSERT INTO unchosen VALUES (1, 6), (2, NULL);
             INSERT INTO node VALUES (1, NULL, 7, {OLD}), (2, 1, NULL, NULL),
               (3, NULL, 8, {OLD}), (4, 3, NULL, {OLD}), (5, 4, NULL, {OLD}),
               (6, NULL, 9, {OLD}), (7, 6, NULL, {OLD}), (8, 7, NULL, {RECENT}),
               (20, NULL, 10, {OLD}), (19, 20, NULL, {OLD}), (18, 19, NULL, {OLD}),
               (17, 18, NULL, NULL), (30, NULL, NULL, {OLD});
             UPDATE node SET parent_id = 30 WHERE id = 30;"
        ));
        let ini = Ini::new(s, &[&db.name])
            .src("select_limit", select_limit)
            .src("delete_limit", delete_limit);
        let (dry, _) = dry_then_real(&ini);
        let plans = plans(&dry);
        let name = |t: &str| format!("{}.{t}", db.name);
        // c 1 live keeps b 1 keeps a 1; b 3 live keeps a 3; b 5 recent keeps a 5; unchosen
        // keeps a 6; the node chains keep node 1, 6, 7, 18, 19, 20 and so a 7, 9, 10.
        let a = &plans[&name("a")];
        assert_eq!(a["blocked"], 7, "{rule}: {a}");
        let mut by = blocked_by(a);
        by.sort();
        assert_eq!(
            by,
            [
                format!("fk_b_a {} 3", name("b")),
                format!("fk_node_a {} 3", name("node")),
                format!("fk_un_a {} 1", name("unchosen")),
            ],
            "{rule}"
        );
        // Node 30 references itself: the server deletes it under CASCADE and SET NULL, never
        // under RESTRICT and NO ACTION.
        let node = if matches!(rule, "CASCADE" | "SET NULL") {
            6
        } else {
            7
        };
        assert_eq!(plans[&name("node")]["blocked"], node, "{rule}");
        assert_eq!(plans[&name("b")]["blocked"], 1, "{rule}");
    }
}

/// A child in another database: gone through before the parent's database (listed first), its
/// eligible rows are gone when the parent is deleted; after it, they all keep their parents.
#[test]
fn the_plan_follows_the_order_of_the_databases() {
    let s = server();
    for child_first in [true, false] {
        let parent = ScratchDb::create(s, "plan_par");
        let child = ScratchDb::create(s, "plan_chi");
        parent.sql(&format!(
            "CREATE TABLE instances (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO instances SELECT seq, {OLD} FROM seq_1_to_6;"
        ));
        child.sql(&format!(
            "CREATE TABLE ports (id INT PRIMARY KEY, instance_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_port FOREIGN KEY (instance_id) REFERENCES {} (id) ON DELETE CASCADE);
             INSERT INTO ports VALUES (1, 1, {OLD}), (2, 2, NULL), (3, 3, {OLD}), (4, 3, {RECENT});",
            parent.q("instances")
        ));
        let dbs: [&str; 2] = if child_first {
            [&child.name, &parent.name]
        } else {
            [&parent.name, &child.name]
        };
        let (dry, _) = dry_then_real(&Ini::new(s, &dbs));
        let p = &plans(&dry)[&format!("{}.instances", parent.name)];
        assert_eq!(p["blocked"], if child_first { 2 } else { 3 }, "{p}");
    }
}

/// The plan's count of blocked rows reads the eligible rows through the `where`'s index (a
/// range on `deleted_at`), and each child by its foreign-key index: no table is scanned.
#[test]
fn the_blocked_count_reads_through_the_indexes() {
    let s = server();
    let db = ScratchDb::create(s, "plan_explain");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL,
           KEY p_deleted_at (deleted_at));
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_explain FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p SELECT seq, REPEAT('x', 20), IF(seq % 100 = 0, {OLD}, NULL)
           FROM seq_1_to_5000;
         INSERT INTO c SELECT seq, seq, IF(seq % 200 = 0, {OLD}, NULL) FROM seq_1_to_5000;
         ANALYZE TABLE p, c;"
    ));
    let dry = Osarchiver::new()
        .config_text(Ini::new(s, &[&db.name]).text())
        .args(["--dry-run", "--debug"])
        .run();
    dry.assert_code(3);
    let marker = format!("[dry-run] {}.p: ", db.name);
    let statement = dry
        .lines_containing(&marker)
        .iter()
        .find_map(|l| l.split_once(&marker).map(|(_, s)| s.to_string()))
        .unwrap_or_else(|| panic!("no plan statement for p\n{dry}"));
    let explain = db.sql(&format!("EXPLAIN {statement}"));
    for line in explain.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        let (table, access, key) = (cells[2], cells[3], cells[5]);
        assert!(
            !matches!(access, "ALL" | "index"),
            "{table} is scanned ({access})\n{explain}"
        );
        if table.starts_with('p') {
            assert_eq!((access, key), ("range", "p_deleted_at"), "{explain}");
        }
    }
    let p = &plans(&dry)[&format!("{}.p", db.name)];
    assert_eq!(p["blocked"], 25, "{p}");
}

/// Two tables referencing each other: the real run passes over the cycle until nothing more
/// goes; the plan follows the references round it and predicts the end: rows whose references
/// all go, go (whichever table comes first); rows that reference each other, or that a live
/// row keeps, stay.
#[test]
fn the_plan_follows_a_foreign_key_cycle_to_its_end() {
    let s = server();
    for delete_limit in [500, 1] {
        let db = ScratchDb::create(s, "plan_cycle");
        db.sql(&format!(
            "CREATE TABLE a_x (id INT PRIMARY KEY, y_id INT NULL, deleted_at DATETIME NULL);
             CREATE TABLE b_y (id INT PRIMARY KEY, x_id INT NULL, deleted_at DATETIME NULL);
             ALTER TABLE a_x ADD CONSTRAINT fk_pc_x_y FOREIGN KEY (y_id) REFERENCES b_y (id);
             ALTER TABLE b_y ADD CONSTRAINT fk_pc_y_x FOREIGN KEY (x_id) REFERENCES a_x (id);
             INSERT INTO a_x VALUES (1, NULL, {OLD}), (3, NULL, {OLD}), (4, NULL, {OLD}),
               (5, NULL, {OLD}), (6, NULL, {OLD});
             INSERT INTO b_y VALUES (1, 1, {OLD}), (2, NULL, {OLD}), (3, 3, {OLD}),
               (4, 4, NULL), (5, 5, {OLD}), (6, 6, {OLD});
             INSERT INTO a_x VALUES (2, 2, {OLD}), (7, 5, {OLD}), (8, 6, NULL);
             UPDATE a_x SET y_id = 3 WHERE id = 3;"
        ));
        // x1 <- y1, y2 <- x2: go. x3 <-> y3: stay. y4 live keeps x4. x5 <- y5 <- x7: go.
        // x6 <- y6 <- x8 live: y6 and x6 stay.
        let (dry, _) = dry_then_real(&Ini::new(s, &[&db.name]).src("delete_limit", delete_limit));
        dry.assert_code(3);
        let plans = plans(&dry);
        let (x, y) = (
            &plans[&format!("{}.a_x", db.name)],
            &plans[&format!("{}.b_y", db.name)],
        );
        assert_eq!(
            (x["blocked"].as_u64(), y["blocked"].as_u64()),
            (Some(3), Some(2)),
            "{x}\n{y}"
        );
    }
}

/// A case of the foreign-key fuzzer (three tables, 24 rows, a cycle between two of them with
/// several keys each, `tests/corpus/fuzz/cycle_blowup.sql`): the dry run followed the cycle
/// round 10 times in one 1.4 MB statement of 11,000 nested `EXISTS`, which took the server's
/// memory at 0.5 GB a second until the kernel killed it. The plan now stays small (a cycle
/// followed round fewer times), finishes at once, and predicts the real run.
#[test]
fn a_cycle_with_many_keys_is_planned_in_a_small_statement() {
    let s = server();
    let db = ScratchDb::create(s, "fuzz_cycle");
    let setup = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/fuzz/cycle_blowup.sql"),
    )
    .unwrap();
    db.sql(&setup.replace("{db}", &db.name));
    let ini = Ini::new(s, &[&db.name]).src("retention", "12 MONTH");
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .args(["--dry-run", "--debug"])
        .run();
    assert!(dry.elapsed < std::time::Duration::from_secs(20), "{dry}");
    let longest = dry
        .stdout
        .lines()
        .filter(|l| l.contains("[dry-run]") && l.contains("SELECT"))
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(longest < 40 * 1024, "a statement of {longest} bytes");
    super::dry_then_real(&ini);
}

/// A row that references itself through a key that sets NULL (or cascades), in a table that
/// is in a foreign-key cycle with another: its delete takes the reference with it, and the
/// real run deletes it. The dry run counted it kept by itself (exit 3 against 0).
#[test]
fn a_row_referencing_itself_in_a_cycle_is_not_kept_by_itself() {
    let s = server();
    for rule in ["SET NULL", "CASCADE"] {
        let db = ScratchDb::create(s, "self_cycle");
        db.sql(&format!(
            "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL, q INT NULL);
             CREATE TABLE c (id INT PRIMARY KEY, deleted_at DATETIME NULL, self_id INT NULL,
               p_id INT NULL,
               FOREIGN KEY (self_id) REFERENCES c (id) ON DELETE {rule},
               FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE);
             ALTER TABLE p ADD FOREIGN KEY (q) REFERENCES c (id) ON DELETE SET NULL;
             INSERT INTO c VALUES (1, {OLD}, 1, NULL);"
        ));
        let (dry, _) = super::dry_then_real(&Ini::new(s, &[&db.name]));
        dry.assert_success();
    }
}

/// A chain of rows through a cycle of two tables, one of which also references itself: each
/// round of the cycle doubles the plan's statement, so it is followed round fewer times than
/// the chain is long, and the plan counts rows further down as kept where the real run deletes
/// them (a documented limit). The dry run says so (it said nothing, exit 3 against 0).
#[test]
fn a_plan_that_follows_a_cycle_round_fewer_times_says_so() {
    let s = server();
    let db = ScratchDb::create(s, "cut_cycle");
    let mut setup = String::from(
        "SET foreign_key_checks = 0;
         CREATE TABLE t0 (id INT PRIMARY KEY, deleted_at DATETIME NULL, p INT NULL, s INT NULL,
           FOREIGN KEY (p) REFERENCES t1 (id));
         CREATE TABLE t1 (id INT PRIMARY KEY, deleted_at DATETIME NULL, p INT NULL,
           FOREIGN KEY (p) REFERENCES t0 (id));",
    );
    let n = 8;
    for i in 0..n {
        let table = 1 - i % 2;
        let parent = if i + 1 < n {
            (i + 1).to_string()
        } else {
            "NULL".into()
        };
        setup.push_str(&format!(
            "INSERT INTO t{table} (id, deleted_at, p) VALUES ({i}, {OLD}, {parent});"
        ));
    }
    setup.push_str(
        "SET foreign_key_checks = 1;
         ALTER TABLE t0 ADD FOREIGN KEY (s) REFERENCES t0 (id) ON DELETE CASCADE;",
    );
    db.sql(&setup);
    let ini = Ini::new(s, &[&db.name]);
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    assert!(
        dry.stdout
            .contains("a foreign-key cycle is followed round only"),
        "{dry}"
    );
    let real = crate::pipeline::run(&ini);
    real.assert_success();
    assert_eq!(db.sql("SELECT COUNT(*) FROM t0").trim(), "0", "{real}");
}

/// A table of a foreign-key cycle whose dry run fails (its archive table has a column more),
/// as its real run does: its rows stay and keep those of the other table, and the plan says
/// so. The plan counted them gone, and the other table's row with them (helper 138).
#[test]
fn a_failed_table_of_a_cycle_keeps_its_rows_in_the_plan() {
    let s = server();
    let db = ScratchDb::create(s, "plan_cycle_fail");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, cid INT NULL, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT, deleted_at DATETIME NULL,
           FOREIGN KEY (pid) REFERENCES p (id));
         INSERT INTO p VALUES (1, NULL, {OLD});
         ALTER TABLE p ADD FOREIGN KEY (cid) REFERENCES c (id) ON DELETE SET NULL;
         INSERT INTO c VALUES (1, 1, {OLD});
         CREATE DATABASE `{a}`;
         CREATE TABLE `{a}`.c LIKE c;
         ALTER TABLE `{a}`.c ADD COLUMN extra INT;",
        a = db.archive()
    ));
    let ini = Ini::new(s, &[&db.name]);
    failed_runs_keep_p_blocked(&ini, &db.name);
}

/// A child whose DELETE trigger changes rows fails in both runs; its rows stay and keep their
/// parent, which the plan now says: it counted the child's rows gone (helper 140).
#[test]
fn a_child_failed_by_its_trigger_keeps_its_parent_in_the_plan() {
    let s = server();
    let db = ScratchDb::create(s, "plan_trg_child");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, pid INT, deleted_at DATETIME NULL,
           FOREIGN KEY (pid) REFERENCES p (id));
         CREATE TABLE log (n INT PRIMARY KEY, v INT);
         INSERT INTO p VALUES (1, {OLD});
         INSERT INTO c VALUES (1, 1, {OLD});
         CREATE TRIGGER tr BEFORE DELETE ON c FOR EACH ROW UPDATE log SET v = 1 WHERE n < 0;"
    ));
    let ini = Ini::new(s, &[&db.name]).src("tables", "p, c");
    failed_runs_keep_p_blocked(&ini, &db.name);
}

/// A dry run of `ini`, then the real run: both fail (exit 1), and `db.p`, whose row another
/// table's failure keeps, is planned as it is run: nothing deleted, one row blocked.
fn failed_runs_keep_p_blocked(ini: &Ini, db: &str) {
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    let real = crate::pipeline::run(ini);
    dry.assert_code(1);
    real.assert_code(1);
    let p = format!("{db}.p");
    let (d, r) = (dry.summary(), real.summary());
    let (d, r) = (
        d.iter().find(|(t, _)| *t == p).expect("p planned"),
        r.iter().find(|(t, _)| *t == p).expect("p run"),
    );
    assert_eq!(
        (d.1.num("would delete"), d.1.num("would block")),
        (r.1.num("deleted"), r.1.num("blocked")),
        "{dry}\n{real}"
    );
    assert_eq!(r.1.num("blocked"), 1, "{real}");
}
