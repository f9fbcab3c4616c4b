//! What a run takes: `excluded_databases` and `excluded_tables` (anchored regexes), tables
//! without `deleted_at`, and the archive databases and tables of the run itself, which are never
//! sources (the same-server suffix rule).

use crate::harness::digest::{count, digest, table_exists};
use crate::harness::{dedicated_server, server, Ini, ScratchDb, ENV_VAR};

use super::{lines, run, OLD};

/// A table with two eligible rows and a live one.
fn table(db: &ScratchDb, name: &str) {
    db.sql(&format!(
        "CREATE TABLE `{name}` (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `{name}` VALUES (1, {OLD}), (2, {OLD}), (3, NULL);"
    ));
}

#[test]
fn excluded_databases_and_tables_are_anchored_regexes() {
    let s = server();
    let db = ScratchDb::create(s, "sel");
    let skipped = ScratchDb::create(s, "skipme");
    let kept = ScratchDb::create(s, "x_skipme");
    for t in ["shadow_x", "x_shadow_y", "plain"] {
        table(&db, t);
    }
    db.sql(&format!(
        "CREATE TABLE nodel (id INT PRIMARY KEY, deleted INT, created_at DATETIME);
         INSERT INTO nodel VALUES (1, 1, {OLD});"
    ));
    table(&skipped, "plain");
    table(&kept, "plain");
    assert!(skipped.name.starts_with("t_skipme_") && kept.name.starts_with("t_x_skipme_"));
    let untouched = [
        (&db, "shadow_x", digest(s, &db.name, "shadow_x", "1")),
        (&db, "nodel", digest(s, &db.name, "nodel", "1")),
        (&skipped, "plain", digest(s, &skipped.name, "plain", "1")),
    ];

    let out = run(&Ini::new(s, &[&db.name, &skipped.name, &kept.name])
        .src("excluded_databases", "t_skipme_.*, mysql")
        .src("excluded_tables", "shadow_.*"));
    // Listed by name and excluded: the operator's two keys disagree, a warning (exit 3).
    out.assert_code(3).output_contains(&format!(
        "database {} skipped: listed in databases but excluded by excluded_databases t_skipme_.*",
        skipped.name
    ));

    for (d, t, before) in &untouched {
        assert_eq!(&digest(s, &d.name, t, "1"), before, "{}.{t}", d.name);
        assert!(!table_exists(s, &d.archive(), t), "{}.{t} archived", d.name);
    }
    assert!(!skipped.exists(&skipped.archive()));
    for (d, t) in [(&db, "x_shadow_y"), (&db, "plain"), (&kept, "plain")] {
        assert_eq!(
            lines(&d.sql(&format!("SELECT id FROM `{t}`"))),
            ["3"],
            "{t}"
        );
        assert_eq!(count(s, &d.archive(), t, "1"), 2, "{}.{t}", d.name);
    }
    out.output_contains(&format!(
        "table {}.shadow_x skipped: excluded by excluded_tables shadow_.*",
        db.name
    ))
    .output_contains(&format!(
        "table {}.nodel skipped: has no deleted_at column",
        db.name
    ))
    .output_contains(&format!(
        "databases to archive: [{}, {}]",
        db.name, kept.name
    ));
    let names: Vec<String> = out.summary().into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        names,
        [
            format!("{}.*", skipped.name),
            format!("{}.plain", db.name),
            format!("{}.x_shadow_y", db.name),
            format!("{}.plain", kept.name)
        ]
    );
}

/// On the source's server with only `table_suffix`: the archive tables are `<table><suffix>` in
/// `<db>_archive`, as the Python osarchiver puts them (it sets `db_suffix = _archive` whenever
/// `db_suffix` is empty there); they were put in the source database itself, so a Python
/// user's archives moved into the production database. A second run does not take them for
/// sources, nor, with `tables = *`, the archive tables an earlier build left beside their
/// sources.
#[test]
fn table_suffix_alone_archives_into_db_archive_as_the_python_tool_does() {
    let s = server();
    let db = ScratchDb::create(s, "tsuffix");
    table(&db, "t");
    let eligible = digest(s, &db.name, "t", "id <= 2");
    let ini = Ini::new(s, &[&db.name]).dst("table_suffix", "_arch");

    run(&ini).assert_success();
    assert!(!table_exists(s, &db.name, "t_arch"));
    assert_eq!(digest(s, &db.archive(), "t_arch", "1"), eligible);
    assert_eq!(lines(&db.sql("SELECT id FROM t")), ["3"]);

    // New eligible rows, an archive table of an earlier build beside its source, and a second
    // run: neither archive table is a source.
    db.sql(&format!(
        "INSERT INTO t VALUES (4, {OLD}); CREATE TABLE u_arch (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE u LIKE u_arch; INSERT INTO u_arch VALUES (1, {OLD});"
    ));
    let out = run(&ini);
    out.assert_success().output_contains(&format!(
        "table {}.u_arch skipped: an archive table of this run",
        db.name
    ));
    assert_eq!(count(s, &db.archive(), "t_arch", "1"), 3);
    assert_eq!(count(s, &db.name, "u_arch", "1"), 1);
    assert!(!table_exists(s, &db.archive(), "t_arch_arch"));
    let names: Vec<String> = out.summary().into_iter().map(|(t, _)| t).collect();
    assert_eq!(names, [format!("{}.t", db.name), format!("{}.u", db.name)]);
}

/// Tables named like the aliases of osarchiver's statements (`a` for an archive table, `c` for
/// a child, `k` for keys), their archive tables named with `table_suffix`, taken the
/// three-stage way (a `CASCADE` child): the archive's row `a` is never taken for the source's
/// table `a`. It was: the check that the archive holds the row identically compared the archive
/// with itself, and row 1, whose key the archive held with an older row, was deleted from the
/// source (exit 0) while the files got the archive's older row.
#[test]
fn tables_named_like_the_statements_aliases_are_never_mistaken_for_their_archives() {
    let s = server();
    let db = ScratchDb::create(s, "alias");
    let dir = tempfile::tempdir().unwrap();
    for t in ["a", "k", "p"] {
        db.sql(&format!(
            "CREATE TABLE {t} (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
             CREATE TABLE {t}_child (id INT PRIMARY KEY, pid INT,
                 FOREIGN KEY (pid) REFERENCES {t} (id) ON DELETE CASCADE);
             INSERT INTO {t} VALUES (1, 'new', {OLD}), (2, 'two', {OLD}), (3, 'live', NULL);
             INSERT INTO {t}_child VALUES (1, 3);
             CREATE DATABASE IF NOT EXISTS `{a}`;
             CREATE TABLE `{a}`.{t}_arch LIKE {t};
             INSERT INTO `{a}`.{t}_arch VALUES (1, 'old', '2019-01-01');",
            a = db.archive()
        ));
    }
    let ini = Ini::new(s, &[&db.name])
        .dst("table_suffix", "_arch")
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", dir.path().display())
        .set("dst:files", "formats", "csv")
        .set("dst:files", "archive_format", "tar");
    let out = run(&ini);
    out.assert_code(3);
    for t in ["a", "k", "p"] {
        assert_eq!(
            lines(&db.sql(&format!("SELECT id, v FROM {t} ORDER BY id"))),
            ["1\tnew", "3\tlive"],
            "{t}: the conflict stays as it is, the live row too"
        );
        assert_eq!(
            lines(&db.sql(&format!(
                "SELECT id, v FROM `{}`.{t}_arch ORDER BY id",
                db.archive()
            ))),
            ["1\told", "2\ttwo"],
            "{t}: the archive keeps its row 1 and gets row 2"
        );
    }
    // The files got row 2 of each table, never the archive's row 1.
    let mut csv = String::new();
    for entry in walk(dir.path()) {
        if entry.extension().is_some_and(|e| e == "tar") {
            let bytes = std::fs::read(&entry).unwrap();
            csv.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert_eq!(csv.matches("\"two\"").count(), 3, "{csv}");
    assert!(!csv.contains("old"), "{csv}");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// With `db_suffix` set, that suffix names the archive database, on the same server or not.
#[test]
fn db_suffix_names_the_archive_database() {
    let s = server();
    let mut db = ScratchDb::create(s, "dsuffix");
    let archive = format!("{}_old", db.name);
    db.also_drop(archive.clone());
    table(&db, "t");
    let eligible = digest(s, &db.name, "t", "id <= 2");

    run(&Ini::new(s, &[&db.name]).dst("db_suffix", "_old")).assert_success();
    assert!(!db.exists(&db.archive()));
    assert_eq!(digest(s, &archive, "t", "1"), eligible);

    // Both suffixes: `<db><db_suffix>.<table><table_suffix>`.
    table(&db, "u");
    run(&Ini::new(s, &[&db.name])
        .dst("db_suffix", "_old")
        .dst("table_suffix", "_v2"))
    .assert_success();
    assert_eq!(count(s, &archive, "u_v2", "1"), 2);
    assert!(!table_exists(s, &archive, "u"));
}

/// Two databases listed by name, one the archive database of the other by `db_suffix`: the run
/// refuses, before anything is written (it skipped the second as an archive database and
/// wrote the first's rows into it, a live database, with exit 0), and so does its dry run.
#[test]
fn a_listed_database_that_is_another_ones_archive_is_refused() {
    let s = server();
    let mut db = ScratchDb::create(s, "dcell");
    let live = format!("{}_cell0", db.name);
    db.also_drop(live.clone());
    s.sql(&format!("CREATE DATABASE `{live}`"));
    table(&db, "t");
    s.sql(&format!(
        "CREATE TABLE `{live}`.t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `{live}`.t VALUES (11, {OLD}), (12, NULL);"
    ));
    let before = (digest(s, &db.name, "t", "1"), digest(s, &live, "t", "1"));
    let ini = Ini::new(s, &[&db.name, &live]).dst("db_suffix", "_cell0");
    for dry in [true, false] {
        let mut cmd = crate::harness::Osarchiver::new().config_text(ini.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(1)
            .output_contains(&format!("makes {live} the archive database of {}", db.name))
            .output_contains("[dst:dst]");
        assert_eq!(
            (digest(s, &db.name, "t", "1"), digest(s, &live, "t", "1")),
            before,
            "dry run: {dry}"
        );
    }
    // The second excluded by excluded_databases (`.*_cell0`, as `.*_archive` in [DEFAULT]):
    // never a source, it is the archive, as the operator set; listed and excluded, it is
    // skipped with a warning (exit 3).
    let excluded = ini.src("excluded_databases", ".*_cell0");
    run(&excluded)
        .assert_code(3)
        .output_contains("listed in databases but excluded by excluded_databases .*_cell0");
    assert_eq!(
        count(s, &live, "t", "id <= 2"),
        2,
        "the first's rows archived there"
    );
}

/// Operator mistakes that made a run do nothing and say all was well (exit 0): a misspelt
/// `deleted_column` that no table of a listed database has, and a table listed in `tables`
/// that `excluded_tables` excludes. Each is now a warning, exit 3, in the dry run as in the
/// run; the default column missing from a whole database (nova_api) stays quiet.
#[test]
fn a_run_that_archives_nothing_by_mistake_says_so() {
    let s = server();
    let db = ScratchDb::create(s, "dnothing");
    table(&db, "t");
    table(&db, "u");
    let typo = Ini::new(s, &[&db.name]).src("deleted_column", "deleted_ad");
    for dry in [true, false] {
        let mut cmd = crate::harness::Osarchiver::new().config_text(typo.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run().assert_code(3).output_contains(&format!(
            "no table of database {} has one: is deleted_column right?",
            db.name
        ));
    }
    let excluded = Ini::new(s, &[&db.name])
        .src("tables", "t")
        .src("excluded_tables", "t");
    run(&excluded)
        .assert_code(3)
        .output_contains("listed in tables but excluded by excluded_tables t");
    assert_eq!(count(s, &db.name, "t", "1"), 3, "nothing was archived");
    // The same disagreement about a database (it archived nothing and said exit 0), in the
    // dry run too.
    let prefix = db.name.get(..4).unwrap();
    let excluded = Ini::new(s, &[&db.name]).src("excluded_databases", format!("{prefix}.*"));
    for dry in [true, false] {
        let mut cmd = crate::harness::Osarchiver::new().config_text(excluded.text());
        if dry {
            cmd = cmd.arg("--dry-run");
        }
        cmd.run()
            .assert_code(3)
            .output_contains("listed in databases but excluded by excluded_databases");
    }
    assert_eq!(count(s, &db.name, "t", "1"), 3, "nothing was archived");
    // A name wider than the formatter pads (65,535) in the summary: it panicked (exit 101)
    // after the run's work.
    let long = Ini::new(s, &[&db.name]).src("tables", format!("t, {}", "x".repeat(70_000)));
    run(&long).assert_code(3).assert_no_panic();
    // A database without deleted_at at all, with the default column: nothing to say.
    let plain = ScratchDb::create(s, "dplain");
    plain.sql("CREATE TABLE k (id INT PRIMARY KEY); INSERT INTO k VALUES (1);");
    run(&Ini::new(s, &[&plain.name])).assert_success();
}

/// `databases = *` (a server of its own, so that it sees only this test's databases): the
/// archive databases `<db>_archive` made by the first run are not sources of the second.
#[test]
fn all_databases_leaves_the_archive_databases_alone() {
    if !server().is_private() {
        eprintln!("SKIPPED all_databases_leaves_the_archive_databases_alone: {ENV_VAR} is set");
        return;
    }
    let s = dedicated_server();
    let db = ScratchDb::create(&s, "star");
    table(&db, "t");
    let ini = Ini::new(&s, &["*"]);

    let first = run(&ini);
    first.assert_success();
    assert_eq!(count(&s, &db.archive(), "t", "1"), 2);
    let archived = digest(&s, &db.archive(), "t", "1");

    let second = run(&ini);
    second
        .assert_success()
        .output_contains(&format!("databases to archive: [{}]", db.name));
    assert_eq!(digest(&s, &db.archive(), "t", "1"), archived);
    assert!(!db.exists(&format!("{}_archive", db.archive())));

    // With {date} in db_suffix, the archive databases of earlier runs are not sources either.
    let dated = ini.dst("db_suffix", "_{date}");
    s.sql(&format!("DROP DATABASE `{}`", db.archive()));
    db.sql(&format!("INSERT INTO t VALUES (4, {OLD}), (5, {OLD})"));
    run(&dated).assert_success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    db.sql(&format!("INSERT INTO t VALUES (6, {OLD})"));
    let out = run(&dated);
    out.assert_success()
        .output_contains(&format!("databases to archive: [{}]", db.name));
    let archives = lines(&s.sql(&format!(
        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '{}\\_%' \
         ORDER BY SCHEMA_NAME",
        db.name
    )));
    assert_eq!(archives.len(), 2, "{archives:?}");
    assert_eq!(count(&s, &archives[0], "t", "1"), 2);
    assert_eq!(count(&s, &archives[1], "t", "1"), 1);
}

/// Two archivers in one file: the first archives a database into `<db>_archive`, the second
/// purges "everything else" (`databases = *`, no archive): the first one's archive database is
/// not among "everything else". It was: the second archiver deleted the rows the first had
/// just archived (exit 0). Listed by name, an archive database is the operator's choice (a job
/// that purges old archives) and is gone through.
#[test]
fn another_archivers_archive_database_is_not_a_source_of_databases_star() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED another_archivers_archive_database_is_not_a_source_of_databases_star: {ENV_VAR} is set"
        );
        return;
    }
    let s = dedicated_server();
    let db = ScratchDb::create(&s, "twoarch");
    table(&db, "t");
    let purge = |databases: &str| {
        Ini::new(&s, &[&db.name])
            .set("archiver:purge", "src", "rest")
            .set("src:rest", "backend", "db")
            .set("src:rest", "databases", databases)
            .set("src:rest", "excluded_databases", &db.name)
            .set("src:rest", "archive_data", "false")
            .set("src:rest", "delete_data", "true")
            .set("src:rest", "where", "deleted_at IS NOT NULL")
            .set("src:rest", "delete_loop_delay", 0)
    };
    let mut ini = purge("*");
    // The purge's connection: the archive source's own.
    for (k, v) in crate::harness::connection(&s) {
        ini = ini.set("src:rest", &k, v);
    }
    let out = run(&ini);
    out.assert_success();
    assert_eq!(
        count(&s, &db.archive(), "t", "1"),
        2,
        "the archive keeps its rows"
    );
    // The first archiver disabled (maintenance): its archive is an archive all the same.
    run(&ini.set("archiver:test", "enable", "false")).assert_success();
    assert_eq!(
        count(&s, &db.archive(), "t", "1"),
        2,
        "with its archiver disabled"
    );
    // Named, the archive database is purged as asked.
    let mut named = purge(&db.archive());
    for (k, v) in crate::harness::connection(&s) {
        named = named.set("src:rest", &k, v);
    }
    run(&named).assert_success();
    assert_eq!(count(&s, &db.archive(), "t", "1"), 0);
}

/// Two archivers sharing one archive destination (`_archive` on the same server): the nightly
/// one archives a database into `<db>_archive`, the other lists `<db>_archive` by name to move
/// its oldest rows on into `<db>_archive_archive`. Listed by name, the archive database is gone
/// through. It was left out as "an archive database of this run" (at debug level), exit 0, its
/// old rows still there.
#[test]
fn an_archive_database_listed_by_name_is_gone_through_by_an_archiver_with_the_same_destination() {
    if !server().is_private() {
        eprintln!("SKIPPED an_archive_database_listed_by_name_is_gone_through_by_an_archiver_with_the_same_destination: {ENV_VAR} is set");
        return;
    }
    let s = dedicated_server();
    let db = ScratchDb::create(&s, "oldarch");
    table(&db, "t");
    s.sql(&format!(
        "CREATE DATABASE `{a}`; CREATE TABLE `{a}`.t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `{a}`.t VALUES (100, '2001-01-01 00:00:00'), (101, UTC_TIMESTAMP());",
        a = db.archive()
    ));
    let mut ini = Ini::new(&s, &[&db.name])
        .set("archiver:old", "src", "old")
        .set("archiver:old", "dst", "dst")
        .set("src:old", "backend", "db")
        .set("src:old", "databases", db.archive())
        .set("src:old", "retention", "1 YEAR")
        .set("src:old", "delete_data", "true")
        .set("src:old", "delete_loop_delay", 0);
    for (k, v) in crate::harness::connection(&s) {
        ini = ini.set("src:old", &k, v);
    }
    let out = run(&ini);
    out.assert_success()
        .output_contains(&format!("databases to archive: [{}]", db.archive()));
    // The nightly archiver's two rows, and the recent one of the old archive.
    assert_eq!(count(&s, &db.archive(), "t", "1"), 3);
    assert_eq!(count(&s, &db.archive(), "t", "id = 100"), 0);
    let older = format!("{}_archive", db.archive());
    assert_eq!(count(&s, &older, "t", "1"), 1);
    assert_eq!(count(&s, &older, "t", "id = 100"), 1);
    s.sql(&format!("DROP DATABASE `{older}`"));
}

/// With `{date}` in `table_suffix`, each run has its own archive tables: those of earlier runs
/// are archive tables all the same, never sources.
#[test]
fn a_date_in_table_suffix_never_rearchives_earlier_runs() {
    let s = server();
    let db = ScratchDb::create(s, "datesuffix");
    table(&db, "t");
    let ini = Ini::new(s, &[&db.name]).dst("table_suffix", "_{date}");
    run(&ini).assert_success();
    let archive_tables = || {
        lines(&s.sql(&format!(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}' \
             AND TABLE_NAME LIKE 't\\_%' ORDER BY TABLE_NAME",
            db.archive()
        )))
    };
    let first = archive_tables();
    assert_eq!(first.len(), 1, "{first:?}");
    let archived = digest(s, &db.archive(), &first[0], "1");
    assert_eq!(archived.0, 2);

    // {date} has a resolution of one second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    db.sql(&format!("INSERT INTO t VALUES (4, {OLD})"));
    let out = run(&ini);
    out.assert_success();
    assert_eq!(digest(s, &db.archive(), &first[0], "1"), archived);
    let tables = archive_tables();
    assert_eq!(tables.len(), 2, "{tables:?}");
    assert_eq!(count(s, &db.archive(), &tables[1], "1"), 1, "{tables:?}");
    let names: Vec<String> = out.summary().into_iter().map(|(t, _)| t).collect();
    assert_eq!(names, [format!("{}.t", db.name)]);
}

/// `excluded_tables = shadow_ .*` means `shadow_.*` to the Python tool, which removes spaces
/// from these lists: the table it excludes must stay, with a warning about the spaces; the log
/// says what each pattern matched, and warns about one that matched nothing.
#[test]
fn spaces_in_exclusions_are_removed_and_matches_are_logged() {
    let s = server();
    let db = ScratchDb::create(s, "spaced");
    for t in ["shadow_x", "plain"] {
        table(&db, t);
    }
    let before = digest(s, &db.name, "shadow_x", "1");
    let out = run(&Ini::new(s, &[&db.name])
        .src("excluded_tables", "shadow_ .*, nomatch_ .*")
        .src("excluded_databases", "no_such_db"));
    out.assert_success();
    assert_eq!(digest(s, &db.name, "shadow_x", "1"), before);
    assert!(!table_exists(s, &db.archive(), "shadow_x"));
    assert_eq!(count(s, &db.archive(), "plain", "1"), 2);
    let warned = |needle: &str| {
        assert!(
            out.lines_containing(needle)
                .iter()
                .any(|l| l.contains("WARN")),
            "no WARN line with {needle:?}:\n{out}"
        )
    };
    warned("excluded_tables: \"shadow_ .*\" contains spaces");
    warned("excluded_tables pattern \"nomatch_.*\" matched no table");
    warned("excluded_databases pattern \"no_such_db\" matched no database");
    out.output_contains(&format!(
        "excluded_tables pattern \"shadow_.*\" matched 1 table(s): {}.shadow_x",
        db.name
    ));
}
