//! The file destination's files on disk: every `archive_format` opens with the standard tools
//! (tar, gzip, bzip2, xz, zstd, unzip) and holds the exact file; a second run into the same
//! directory, and a second source of the same run, never overwrite a file; a dry run creates
//! no file and no directory; a table without eligible rows gets no file; a directory that
//! cannot be created fails the table and deletes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::file::support::{count, dst_section, file_names, run_tool, simple_table, src_section};
use crate::harness::{server, Osarchiver, ScratchDb};

/// Each format, with what it appends to the plain file's name.
const FORMATS: &[(&str, &str)] = &[
    ("tar", ".tar"),
    ("gztar", ".tar.gz"),
    ("bztar", ".tar.bz2"),
    ("xztar", ".tar.xz"),
    ("zip", ".zip"),
    ("gz", ".gz"),
    ("zst", ".zst"),
];

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The names of the files inside an archive, and the content of `member`, read with the
/// standard tools.
fn open_with_tools(format: &str, archive: &Path, member: &str) -> (Vec<String>, Vec<u8>) {
    let a = s(archive);
    let lines = |b: Vec<u8>| -> Vec<String> {
        String::from_utf8(b)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    match format {
        "tar" => (
            lines(run_tool("tar", &["-tf", &a])),
            run_tool("tar", &["-xOf", &a, member]),
        ),
        "gztar" | "bztar" | "xztar" => {
            let (tool, flag) = match format {
                "gztar" => ("gzip", "-z"),
                "bztar" => ("bzip2", "-j"),
                _ => ("xz", "-J"),
            };
            // The compressor itself checks the stream; tar reads through it.
            run_tool(tool, &["-t", &a]);
            (
                lines(run_tool("tar", &[flag, "-tf", &a])),
                run_tool("tar", &[flag, "-xOf", &a, member]),
            )
        }
        "zip" => {
            run_tool("unzip", &["-tq", &a]);
            (
                lines(run_tool("unzip", &["-Z1", &a])),
                run_tool("unzip", &["-p", &a, member]),
            )
        }
        "gz" => {
            run_tool("gzip", &["-t", &a]);
            (vec![member.to_string()], run_tool("gzip", &["-dc", &a]))
        }
        "zst" => {
            run_tool("zstd", &["-tq", &a]);
            (vec![member.to_string()], run_tool("zstd", &["-dcq", &a]))
        }
        other => panic!("unknown format {other}"),
    }
}

#[test]
fn every_archive_format_opens_with_standard_tools_and_holds_the_exact_file() {
    let db = ScratchDb::create(server(), "osa_file_fmt");
    simple_table(&db.q("t"), 40);
    let cmd = Osarchiver::new();
    let root = cmd.dir().join("out");
    // One source to seven destinations: the same rows, the same header, seven formats.
    let names: Vec<String> = FORMATS.iter().map(|(f, _)| format!("f_{f}")).collect();
    let mut text = format!(
        "[archiver:a]\nsrc = s\ndst = {}\n\n{}",
        names.join(", "),
        src_section("s", &db.name, "select_limit = 7")
    );
    for (format, _) in FORMATS {
        text.push_str(&dst_section(
            &format!("f_{format}"),
            &root.join(format),
            "csv, sql",
            format,
        ));
    }
    let out = cmd.config_text(text).run();
    out.assert_success();
    assert_eq!(count(&db.q("t")), 40, "delete_data is off");

    let mut contents: BTreeMap<&str, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for (format, suffix) in FORMATS {
        let dir = root.join(format);
        let csv = format!("{}.t.csv", db.name);
        let sql = format!("{}.t.sql", db.name);
        assert_eq!(
            file_names(&dir),
            [format!("{csv}{suffix}"), format!("{sql}{suffix}")],
            "{format}: only the archives (no plain file, no temporary file)\n{out}"
        );
        for plain in [&csv, &sql] {
            let (members, body) =
                open_with_tools(format, &dir.join(format!("{plain}{suffix}")), plain);
            assert_eq!(
                members,
                std::slice::from_ref(plain),
                "{format}: one file, named as the plain file"
            );
            contents
                .entry(format)
                .or_default()
                .push((plain.clone(), body));
        }
    }
    // All formats hold the same bytes, and those are the files: a header then 40 rows.
    let reference = &contents["tar"];
    for (format, files) in &contents {
        for ((name, body), (_, want)) in files.iter().zip(reference) {
            assert!(body == want, "{format}: {name} differs from the tar's");
        }
    }
    let csv = String::from_utf8(reference[0].1.clone()).unwrap();
    assert!(csv.starts_with("\"id\",\"name\",\"data\",\"deleted_at\"\r\n"));
    assert!(csv.ends_with("\"2001-01-01 00:00:00\"\r\n"));
    assert_eq!(csv.matches("\r\n").count(), 41);
    let sql = String::from_utf8(reference[1].1.clone()).unwrap();
    assert!(sql.starts_with("-- osarchiver "));
    assert_eq!(
        sql.matches("\nINSERT INTO ").count(),
        6,
        "40 rows in batches of 7"
    );
    assert!(sql.contains("(40,'row 40: \\\"q\\\", \\n🦀',X'"));
}

/// The SQL text inside a `.tar.gz`/`.zip` archive written by the binary.
fn sql_in(archive: &Path, member: &str) -> String {
    let format = if s(archive).ends_with(".zip") {
        "zip"
    } else {
        "gztar"
    };
    String::from_utf8(open_with_tools(format, archive, member).1).unwrap()
}

#[test]
fn later_runs_into_the_same_directory_never_overwrite_a_file() {
    let db = ScratchDb::create(server(), "osa_file_rerun");
    simple_table(&db.q("t"), 5);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("archives");
    let run = |archive_format: &str| {
        Osarchiver::new()
            .config_text(crate::file::support::config(
                &db.name,
                "",
                &dir,
                "csv, sql",
                archive_format,
            ))
            .run()
    };
    let d = &db.name;
    run("gztar").assert_success();
    let first = file_names(&dir);
    assert_eq!(
        first,
        [format!("{d}.t.csv.tar.gz"), format!("{d}.t.sql.tar.gz")]
    );
    let kept: Vec<Vec<u8>> = first
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();

    // A leftover plain file of number 1 (a killed run) is not touched either.
    std::fs::write(dir.join(format!("{d}.t.1.sql")), "leftover").unwrap();
    let out = run("gztar");
    out.assert_success();
    // Another format: the names of every format count.
    run("zip").assert_success();
    assert_eq!(
        file_names(&dir),
        [
            format!("{d}.t.1.sql"),
            format!("{d}.t.2.csv.tar.gz"),
            format!("{d}.t.2.sql.tar.gz"),
            format!("{d}.t.3.csv.zip"),
            format!("{d}.t.3.sql.zip"),
            format!("{d}.t.csv.tar.gz"),
            format!("{d}.t.sql.tar.gz"),
        ],
        "{out}"
    );
    for (name, bytes) in first.iter().zip(&kept) {
        assert!(
            std::fs::read(dir.join(name)).unwrap() == *bytes,
            "{name} changed"
        );
    }
    assert_eq!(
        std::fs::read(dir.join(format!("{d}.t.1.sql"))).unwrap(),
        b"leftover"
    );
    // Each archive holds the plain file of its own name, with all the rows.
    for archive in [format!("{d}.t.2.sql.tar.gz"), format!("{d}.t.3.sql.zip")] {
        let member = archive
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".zip")
            .to_string();
        let sql = sql_in(&dir.join(&archive), &member);
        assert_eq!(sql.matches("\n(").count(), 5, "{archive}");
    }
}

#[test]
fn two_sources_of_one_run_writing_one_table_get_distinct_files() {
    let db = ScratchDb::create(server(), "osa_file_twosrc");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let text = format!(
        "[archiver:a]\nsrc = s1, s2\ndst = f\n\n{}{}{}",
        src_section("s1", &db.name, ""),
        src_section("s2", &db.name, ""),
        dst_section("f", &dir, "sql", "tar")
    );
    let out = cmd.config_text(text).run();
    out.assert_success();
    let d = &db.name;
    assert_eq!(
        file_names(&dir),
        [format!("{d}.t.1.sql.tar"), format!("{d}.t.sql.tar")],
        "{out}"
    );
    let first = String::from_utf8(run_tool(
        "tar",
        &["-xOf", &s(&dir.join(format!("{d}.t.sql.tar")))],
    ))
    .unwrap();
    let second = String::from_utf8(run_tool(
        "tar",
        &["-xOf", &s(&dir.join(format!("{d}.t.1.sql.tar")))],
    ))
    .unwrap();
    assert!(first.contains("\n-- source: s1\n"), "{first}");
    assert!(second.contains("\n-- source: s2\n"), "{second}");
    assert_eq!(
        first.replace("-- source: s1", ""),
        second.replace("-- source: s2", "")
    );
}

#[test]
fn a_dry_run_creates_no_file_and_no_directory() {
    let db = ScratchDb::create(server(), "osa_file_dry");
    simple_table(&db.q("t"), 4);
    let cmd = Osarchiver::new();
    let root = cmd.dir().join("out");
    let dir = root.join("{date}");
    let out = cmd
        .config_text(crate::file::support::config(
            &db.name,
            "delete_data = true",
            &dir,
            "csv, sql",
            "xztar",
        ))
        .arg("--dry-run")
        .run();
    out.assert_success();
    assert!(!root.exists(), "{} was created\n{out}", root.display());
    assert_eq!(count(&db.q("t")), 4);
    let csv = format!("{}.t.csv", db.name);
    out.output_contains(&format!("would write {}", root.display()))
        .output_contains(&format!("{csv}, then pack it into"))
        .output_contains(&format!("{csv}.tar.xz"));
}

#[test]
fn a_table_without_eligible_rows_gets_no_file() {
    let db = ScratchDb::create(server(), "osa_file_empty");
    simple_table(&db.q("full"), 2);
    simple_table(&db.q("live"), 2);
    server().sql(&format!("UPDATE {} SET deleted_at = NULL", db.q("live")));
    let work = tempfile::tempdir().unwrap();
    for archive_format in ["zst", "tar"] {
        let dir = work.path().join(archive_format);
        let out = Osarchiver::new()
            .config_text(crate::file::support::config(
                &db.name,
                "",
                &dir,
                "csv, sql",
                archive_format,
            ))
            .run();
        out.assert_success();
        let suffix = if archive_format == "zst" {
            ".zst"
        } else {
            ".tar"
        };
        assert_eq!(
            file_names(&dir),
            [
                format!("{}.full.csv{suffix}", db.name),
                format!("{}.full.sql{suffix}", db.name)
            ],
            "{out}"
        );
    }
}

#[test]
fn a_directory_that_cannot_be_created_fails_the_table_and_deletes_nothing() {
    let db = ScratchDb::create(server(), "osa_file_nodir");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let blocker = cmd.dir().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = cmd
        .config_text(crate::file::support::config(
            &db.name,
            "delete_data = true",
            &blocker.join("out"),
            "csv",
            "tar",
        ))
        .run();
    out.assert_code(1)
        .output_contains("destination f: cannot create")
        .output_lacks("destination f: destination f");
    assert_eq!(count(&db.q("t")), 3, "nothing is deleted");
}

/// A directory through a symbolic link whose target is missing (a file system not mounted):
/// the dry run and the run both refuse it, saying so, and nothing is deleted. The dry run said
/// it would create the directory (exit 0), and the run failed with "File exists".
#[test]
fn a_directory_through_a_link_to_nothing_is_refused_by_the_dry_run_too() {
    let db = ScratchDb::create(server(), "osa_file_link");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let link = cmd.dir().join("archives");
    std::os::unix::fs::symlink(cmd.dir().join("not-mounted"), &link).unwrap();
    let text = crate::file::support::config(
        &db.name,
        "delete_data = true",
        &link.join("{date}"),
        "csv",
        "gztar",
    );
    for dry in [true, false] {
        let mut run = Osarchiver::new().config_text(text.clone());
        if dry {
            run = run.arg("--dry-run");
        }
        run.run()
            .assert_code(1)
            .output_contains("is a symbolic link to")
            .output_contains("not-mounted");
        assert_eq!(count(&db.q("t")), 3);
    }
    assert!(!cmd.dir().join("not-mounted").exists());
}
