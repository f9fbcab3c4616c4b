//! The typed configuration through the real binary: `--check-config` on good and bad files, and
//! the command line itself. A bad file exits with 2 and one error line naming the section and
//! the key, never a panic; a password never appears in the output.

use std::path::Path;

use crate::harness::{Osarchiver, Output};

/// A valid configuration with one archiver; `{src}`, `{archiver}` and `{default}` are replaced by
/// extra lines for that section (a section cannot repeat a key, so cases only add keys the base
/// does not set), `{dst}` by the whole body of the destination.
const BASE: &str = "\
[DEFAULT]
{default}

[archiver:main]
src = nova
dst = files
{archiver}

[src:nova]
host = 127.0.0.1
user = root
password = Pa55-base-SECRET
databases = nova
delete_data = true
{src}

[dst:files]
{dst}
";

#[derive(Default, Clone, Copy)]
struct Extra<'a> {
    default: &'a str,
    archiver: &'a str,
    src: &'a str,
    /// The destination's body, `{dir}` being the run's directory; empty: a valid file
    /// destination.
    dst: &'a str,
}

fn config(dir: &Path, extra: Extra) -> String {
    let dst = match extra.dst {
        "" => "backend = file\nformats = csv\ndirectory = {dir}/out",
        dst => dst,
    }
    .replace("{dir}", &dir.display().to_string());
    let retention = if extra.src.contains("retention") || extra.default.contains("retention") {
        ""
    } else {
        "retention = 1 MONTH\n"
    };
    BASE.replace("{default}", extra.default)
        .replace("{archiver}", extra.archiver)
        .replace("{src}", &format!("{retention}{}", extra.src))
        .replace("{dst}", &dst)
}

fn check(extra: Extra) -> Output {
    let cmd = Osarchiver::new();
    let text = config(cmd.dir(), extra);
    cmd.config_text(text).arg("--check-config").run()
}

/// Exit 2, no panic, and exactly one error line, which contains every one of `names`.
fn assert_config_error(out: &Output, names: &[&str]) {
    out.assert_code(2).assert_no_panic();
    let errors = out.lines_containing("ERROR");
    assert_eq!(errors.len(), 1, "expected one error line\n{out}");
    for name in names {
        assert!(
            errors[0].contains(name),
            "the error line does not name {name:?}\n{out}"
        );
    }
}

#[test]
fn base_configuration_is_valid() {
    let out = check(Extra::default());
    out.assert_success()
        .assert_no_panic()
        .stdout_contains("archiver main:")
        .stdout_contains("source nova (db root@127.0.0.1:3306 password=******** connect_timeout=")
        .output_lacks("Pa55-base-SECRET");
    assert!(out.lines_containing("WARN").is_empty(), "{out}");
}

#[test]
fn bad_boolean() {
    let out = check(Extra {
        src: "archive_data = maybe",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'archive_data'", "maybe"]);
    let out = check(Extra {
        archiver: "enable = sometimes",
        ..Extra::default()
    });
    assert_config_error(&out, &["[archiver:main]", "'enable'"]);
}

#[test]
fn non_numeric_limit() {
    let out = check(Extra {
        src: "select_limit = lots",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'select_limit'", "lots"]);
}

#[test]
fn zero_limit() {
    let out = check(Extra {
        src: "delete_limit = 0",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'delete_limit'"]);
}

/// `tables =` or `databases =` set to nothing chose nothing in the Python osarchiver; here it is
/// an error, never every table of the server.
#[test]
fn an_empty_selection_is_an_error_not_everything() {
    for empty in ["", " , ;"] {
        let src = format!("tables = {empty}");
        let out = check(Extra {
            src: &src,
            ..Extra::default()
        });
        assert_config_error(&out, &["[src:nova]", "'tables'", "is empty"]);
        // databases, from [DEFAULT] (the base sets it in the section).
        let text = format!(
            "[DEFAULT]\ndatabases = {empty}\n[archiver:a]\nsrc = s\n\n[src:s]\nhost = 127.0.0.1\n\
             archive_data = false\ndelete_data = true\nretention = 1 DAY\n"
        );
        let out = Osarchiver::new()
            .config_text(text)
            .arg("--check-config")
            .run();
        assert_config_error(&out, &["[src:s]", "'databases'", "is empty"]);
    }
}

#[test]
fn bad_retention() {
    for bad in ["12 MONTHS", "soon", "1 DAY; DROP TABLE x"] {
        let src = format!("retention = {bad}");
        let out = check(Extra {
            src: &src,
            ..Extra::default()
        });
        assert_config_error(&out, &["[src:nova]", "'retention'"]);
    }
}

/// A number alone, whose unit the `where` writes (a Python osarchiver config, helper 132), is
/// a retention; after an `INTERVAL` without a unit it is still refused.
#[test]
fn a_retention_without_unit_is_taken_when_the_where_writes_it() {
    for (where_, resolved) in [
        (
            "deleted_at <= DATE_SUB('{now}', INTERVAL ${retention} DAY)",
            "INTERVAL 30 DAY)",
        ),
        ("deleted_at <= SUBDATE('{now}', ${retention})", "', 30)"),
    ] {
        let src = format!("retention = 30\nwhere = {where_}");
        let out = check(Extra {
            src: &src,
            ..Extra::default()
        });
        out.assert_code(0)
            .assert_no_panic()
            .output_contains(resolved);
    }
    // Through `${DEFAULT:retention}`, and beside a where of the section's own that holds the
    // number's digits in a date (both refused, helper 139).
    for (default, src) in [
        (
            "retention = 30",
            "where = deleted_at <= SUBDATE('{now}', INTERVAL ${DEFAULT:retention} DAY)",
        ),
        (
            "retention = 30\nwhere = deleted_at <= SUBDATE('{now}', INTERVAL ${retention} DAY)",
            "where = deleted_at < '2020-01-30'",
        ),
    ] {
        check(Extra {
            default,
            src,
            ..Extra::default()
        })
        .assert_code(0)
        .assert_no_panic();
    }
    // A unit on both sides (`INTERVAL 12 MONTH DAY`) is refused.
    let out = check(Extra {
        src: "retention = 12 MONTH\nwhere = deleted_at <= SUBDATE('{now}', INTERVAL ${retention} DAY)",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'retention'", "a unit after"]);
    for (src, section) in [
        (
            "retention = 30\nwhere = deleted_at <= SUBDATE('{now}', INTERVAL ${retention})",
            "[src:nova]",
        ),
        ("retention = 30", "[src:nova]"),
    ] {
        let out = check(Extra {
            src,
            ..Extra::default()
        });
        assert_config_error(&out, &[section, "'retention'"]);
    }
}

#[test]
fn a_where_that_would_escape_its_parentheses_or_run_a_statement_is_refused() {
    for bad in [
        "deleted_at < NOW()); DELETE FROM nova.victim WHERE (1=1",
        "deleted_at < NOW()) OR (1=1",
        "deleted_at < NOW() /*!) OR (1=1 */",
        "deleted_at < NOW() -- and the rest",
        "deleted_at < 'never closed",
    ] {
        let src = format!("where = {bad}");
        let out = check(Extra {
            src: &src,
            ..Extra::default()
        });
        assert_config_error(&out, &["[src:nova]", "'where'"]);
    }
    // Quotes and nested parentheses are fine.
    let out = check(Extra {
        src: "where = deleted_at < NOW() AND (name <> ')' OR note = 'a;b -- (')",
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
}

#[test]
fn archiver_with_missing_source_section() {
    let out = Osarchiver::new()
        .config_text("[archiver:main]\nsrc = ghost\narchive_data = false\n")
        .arg("--check-config")
        .run();
    assert_config_error(&out, &["[archiver:main]", "'src'", "[src:ghost]"]);
}

#[test]
fn archiver_with_missing_destination_section() {
    let cmd = Osarchiver::new();
    let text = config(cmd.dir(), Extra::default()).replace("dst = files", "dst = files, nowhere");
    let out = cmd.config_text(text).arg("--check-config").run();
    assert_config_error(&out, &["[archiver:main]", "'dst'", "[dst:nowhere]"]);
}

#[test]
fn unknown_backend() {
    let out = check(Extra {
        src: "backend = postgres",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'backend'", "postgres"]);
    let out = check(Extra {
        dst: "backend = tape\ndirectory = {dir}",
        ..Extra::default()
    });
    assert_config_error(&out, &["[dst:files]", "'backend'", "tape"]);
}

#[test]
fn archive_data_without_destination() {
    let cmd = Osarchiver::new();
    let text = config(cmd.dir(), Extra::default()).replace("dst = files\n", "");
    let out = cmd.config_text(text).arg("--check-config").run();
    assert_config_error(&out, &["[archiver:main]", "'dst'"]);
}

#[test]
fn file_destination_without_directory() {
    let out = check(Extra {
        dst: "backend = file\nformats = csv, sql",
        ..Extra::default()
    });
    assert_config_error(&out, &["[dst:files]", "'directory'"]);
}

#[test]
fn interpolation_cycle() {
    let out = check(Extra {
        src: "retention = ${other}\nother = ${retention}",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'retention'"]);
}

#[test]
fn missing_reference() {
    let out = check(Extra {
        src: "where = deleted_at < ${nope:x}",
        ..Extra::default()
    });
    assert_config_error(&out, &["[src:nova]", "'where'", "nope"]);
}

#[test]
fn syntax_errors_name_the_line() {
    let out = Osarchiver::new()
        .config_text("[src:a]\nhost = h\nthis is not an option\n")
        .arg("--check-config")
        .run();
    assert_config_error(&out, &["line 3"]);
    let out = Osarchiver::new()
        .config_text("[src:a]\nhost = h\nHOST = i\n")
        .arg("--check-config")
        .run();
    assert_config_error(&out, &["[src:a]", "'host'"]);
}

#[test]
fn missing_config_file() {
    let cmd = Osarchiver::new();
    let missing = cmd.dir().join("nope.ini");
    let out = cmd.config_file(&missing).arg("--check-config").run();
    assert_config_error(&out, &[&missing.display().to_string()]);
}

#[test]
fn unknown_key_is_a_warning() {
    let out = check(Extra {
        src: "delete_dat = 1",
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
    let warnings = out.lines_containing("WARN");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("delete_dat") && w.contains("[src:nova]")),
        "no warning names the unknown key\n{out}"
    );
    assert!(out.lines_containing("ERROR").is_empty(), "{out}");
}

/// A key of another backend is named with the backend it needs: a `[dst:...]` without
/// `backend` is a database destination, whose `directory` and `formats` would otherwise be
/// ignored with no hint why.
#[test]
fn a_key_of_another_backend_names_the_backend_it_needs() {
    let out = Osarchiver::new()
        .config_text(
            "[archiver:a]\nsrc = s\ndst = files\n\n[src:s]\nretention = 1 DAY\n\n\
             [dst:files]\ndirectory = /tmp/x\nformats = csv\n\n\
             [dst:db]\nbackend = file\ndirectory = /tmp/y\ndb_suffix = _a\n\n\
             [remote_store:r]\ncontainer = c\nopt_region = eu\n",
        )
        .arg("--check-config")
        .run();
    out.assert_success().assert_no_panic();
    for (key, section, needs) in [
        ("directory", "[dst:files]", "[dst:NAME] with backend = file"),
        ("formats", "[dst:files]", "[dst:NAME] with backend = file"),
        ("db_suffix", "[dst:db]", "[dst:NAME] with backend = db"),
        ("opt_region", "[remote_store:r]", "with backend = s3"),
    ] {
        assert!(
            out.lines_containing(&format!("'{key}'"))
                .iter()
                .any(|l| l.contains("WARN") && l.contains(section) && l.contains(needs)),
            "no warning naming {needs:?} for {key}\n{out}"
        );
    }
    assert!(
        out.lines_containing("'directory'")
            .iter()
            .any(|l| l.contains("no backend key")),
        "{out}"
    );
}

/// `text` with every password (`password`, `opt_*password*`) replaced by a unique literal,
/// and those literals.
fn with_unique_passwords(text: &str) -> (String, Vec<String>) {
    let mut secrets = Vec::new();
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let Some((key, _)) = line.split_once(['=', ':']) else {
                return line.to_string();
            };
            let key = key.trim().to_lowercase();
            let is_password =
                key == "password" || (key.starts_with("opt_") && key.contains("pass"));
            if line.starts_with(char::is_whitespace) || !is_password {
                return line.to_string();
            }
            let secret = format!("Zq{}-pw-{}", secrets.len(), key.len());
            let out = format!("{key} = {secret}");
            secrets.push(secret);
            out
        })
        .collect();
    (lines.join("\n") + "\n", secrets)
}

fn assert_sample_masks_passwords(sample: &Path) {
    let text = std::fs::read_to_string(sample).expect("read the sample");
    let (text, secrets) = with_unique_passwords(&text);
    assert!(!secrets.is_empty(), "{} sets no password", sample.display());
    let out = Osarchiver::new()
        .config_text(text)
        .arg("--check-config")
        .run();
    out.assert_success()
        .assert_no_panic()
        .stdout_contains("archiver ")
        .stdout_contains("********");
    for secret in &secrets {
        out.output_lacks(secret);
    }
}

#[test]
fn python_sample_plan_masks_passwords() {
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/ini/python_original_sample.ini");
    assert_sample_masks_passwords(&sample);
    let out = Osarchiver::new()
        .config_file(&sample)
        .arg("--check-config")
        .run();
    out.assert_success()
        .stdout_contains("archiver nova:")
        .stdout_contains("archiver glance: disabled")
        .stdout_contains("retention: 12 MONTH")
        .stdout_contains("INTERVAL 12 MONTH)")
        .stdout_contains("opt_os_password = ********")
        .stdout_contains("formats: csv, sql  archive_format: bztar")
        .stdout_contains("progress_interval: 10s");
}

#[test]
fn repository_sample_plan_masks_passwords() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("archiver_sample.ini");
    if !sample.is_file() {
        eprintln!("SKIPPED repository_sample_plan_masks_passwords: no archiver_sample.ini yet");
        return;
    }
    assert_sample_masks_passwords(&sample);
}

/// The sample's disabled archivers are checked too: a value that only a disabled archiver reads
/// (once `${src:nova:host}`, which configparser refuses) must not hide in the sample.
#[test]
fn repository_sample_with_every_archiver_enabled_is_valid() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("archiver_sample.ini");
    let text = std::fs::read_to_string(&sample).expect("read the sample");
    assert!(
        text.contains("enable = false"),
        "the sample lost its disabled archiver"
    );
    let enabled = text.replace("enable = false", "enable = true");
    Osarchiver::new()
        .config_text(enabled)
        .arg("--check-config")
        .run()
        .assert_success()
        .assert_no_panic()
        .output_lacks("archiver glance: disabled");
}

#[test]
fn command_line_errors_exit_2() {
    Osarchiver::new()
        .run()
        .assert_code(2)
        .stderr_contains("--config");
    Osarchiver::new()
        .config_text("[DEFAULT]\n")
        .args(["--log-level", "loud"])
        .run()
        .assert_code(2)
        .assert_no_panic();
    Osarchiver::new()
        .arg("--help")
        .run()
        .assert_success()
        .stdout_contains("Exit codes:")
        .stdout_contains("--check-config");
}

/// A file destination uploading to `[remote_store:r]`, whose body is `store`.
fn with_store(store: &str) -> String {
    format!(
        "backend = file\nformats = csv\ndirectory = {{dir}}/out\nremote_store = r\n\n[remote_store:r]\ncontainer = c\n{store}"
    )
}

const SWIFT_V3: &str = "opt_os_auth_url = https://keystone.example/v3\nopt_os_username = u\n\
                        opt_os_password = p\nopt_os_project_name = p\n";

#[test]
fn remote_store_options_are_checked_with_the_configuration() {
    let ok = with_store(SWIFT_V3);
    let out = check(Extra {
        dst: &ok,
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
    assert!(out.lines_containing("WARN").is_empty(), "{out}");
    // python-swiftclient's v1password and v2password (helpers 135, 139).
    for store in [
        "opt_os_auth_type = v1password
opt_auth = https://s/auth/v1.0
opt_user = a:u
opt_key = k
"
        .to_string(),
        format!(
            "opt_os_auth_type = v2password
{SWIFT_V3}"
        ),
    ] {
        let text = with_store(&store);
        check(Extra {
            dst: &text,
            ..Extra::default()
        })
        .assert_success()
        .assert_no_panic();
    }

    let cases: &[(&str, &[&str])] = &[
        (
            "backend = s3\nopt_checksums = sometimes\n",
            &["'opt_checksums'", "sometimes"],
        ),
        ("backend = s3\nopt_part_size = 0\n", &["'opt_part_size'"]),
        (
            "backend = s3\nopt_multipart_threshold = big\n",
            &["'opt_multipart_threshold'", "big"],
        ),
        (
            "backend = s3\nopt_create_bucket = perhaps\n",
            &["'opt_create_bucket'", "perhaps"],
        ),
        (
            "backend = s3\nopt_aws_access_key_id = AKIA\n",
            &["'opt_aws_secret_access_key'"],
        ),
        (
            "opt_os_username = u\nopt_os_password = p\nopt_os_project_name = p\n",
            &["'opt_os_auth_url'"],
        ),
        (
            "opt_os_auth_url = https://k/v3\nopt_os_password = p\nopt_os_project_name = p\n",
            &["'opt_os_username'"],
        ),
        (
            "opt_os_auth_url = https://k/v3\nopt_os_username = u\nopt_os_password = p\n",
            &["'opt_os_project_name'"],
        ),
        (
            "opt_os_auth_url = http://h/auth/v1.0\nopt_user = a:u\n",
            &["'opt_key'"],
        ),
        (
            "opt_auth_version = 4\nopt_os_auth_url = https://k/v3\n",
            &["'opt_auth_version'"],
        ),
    ];
    for (store, names) in cases {
        let text = with_store(store);
        let out = check(Extra {
            dst: &text,
            ..Extra::default()
        });
        let mut names = names.to_vec();
        names.push("[remote_store:r]");
        assert_config_error(&out, &names);
    }
    // Swift with a segment size of 0: the key's own kind.
    let text = with_store(&format!("{SWIFT_V3}opt_segment_size = 0\n"));
    let out = check(Extra {
        dst: &text,
        ..Extra::default()
    });
    assert_config_error(&out, &["[remote_store:r]", "'opt_segment_size'"]);
}

#[test]
fn keys_of_another_backend_are_warnings() {
    // An S3 key in a Swift store, a file key in a db destination.
    let store = with_store(&format!("{SWIFT_V3}opt_region = us-east-1\n"));
    let out = check(Extra {
        dst: &store,
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
    let warnings = out.lines_containing("WARN");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("[remote_store:r]") && w.contains("opt_region")),
        "{out}"
    );
    let out = check(Extra {
        dst: "backend = db\nhost = 127.0.0.1\nformats = sql",
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
    let warnings = out.lines_containing("WARN");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("[dst:files]") && w.contains("'formats'")),
        "{out}"
    );
}

/// A file that would do nothing (empty, or whose archiver section is misspelt) is an error,
/// not a run that says every eligible row was handled; the misspelt section is named, even
/// beside another error. Archivers all disabled on purpose are a warning and exit 0.
#[test]
fn a_configuration_that_does_nothing_is_an_error() {
    for (text, names) in [
        ("", vec!["no [archiver:NAME] section"]),
        (
            "# only a comment\n[DEFAULT]\nretention = 1 MONTH\n",
            vec!["no [archiver:NAME] section"],
        ),
        (
            "[archivers:nova]\nsrc = nova\n[src:nova]\nhost = db\n",
            vec!["no [archiver:NAME] section", "[archivers:nova]"],
        ),
    ] {
        for dry_run in [false, true] {
            let mut cmd = Osarchiver::new().config_text(text);
            if dry_run {
                cmd = cmd.arg("--dry-run");
            }
            assert_config_error(&cmd.run(), &names);
        }
    }
    // A typo in a section name beside another error: the typo is still named.
    let out = Osarchiver::new()
        .config_text("[archiver:a]\nsrc = x\n[srcs:x]\nhost = db\n")
        .arg("--check-config")
        .run();
    out.assert_code(2)
        .output_contains("[srcs:x]: unknown section")
        .output_contains("refers to [src:x], which does not exist");
    let out = Osarchiver::new()
        .config_text("[archiver:a]\nenable = false\nsrc = x\n")
        .arg("--check-config")
        .run();
    out.assert_code(0)
        .output_contains("every archiver is disabled (enable = false): a");
}

/// `archive_data = false` in a `[dst:...]` section leaves that destination out, as the Python
/// osarchiver does; a source that archives still needs another one.
#[test]
fn a_destination_with_archive_data_false_is_left_out() {
    let text = "[archiver:a]\nsrc = s\ndst = off, on\n\
        [src:s]\nhost = db\nretention = 1 MONTH\n\
        [dst:off]\nbackend = db\nhost = nowhere\narchive_data = false\n\
        [dst:on]\nbackend = db\nhost = db\n";
    let out = Osarchiver::new()
        .config_text(text)
        .arg("--check-config")
        .run();
    out.assert_code(0).output_contains(
        "[dst:off]: archive_data = false: archiver 'a' does not write to this destination",
    );
    assert!(
        !out.stdout.contains("nowhere"),
        "[dst:off] is in the plan\n{out}"
    );
    let only_off = text.replace("dst = off, on", "dst = off");
    let out = Osarchiver::new()
        .config_text(only_off)
        .arg("--check-config")
        .run();
    assert_config_error(&out, &["[archiver:a]", "dst", "no destination"]);
}

/// Only a database destination reads `archive_data`, as in the Python osarchiver: a `false` in
/// `[DEFAULT]` (for the sources that only delete) leaves a file destination on (it was left
/// out, and the archiver refused for having no destination); one in the file destination's own
/// section is said to have no effect.
#[test]
fn a_file_destination_does_not_read_archive_data() {
    let text = "[DEFAULT]\narchive_data = false\n\
        [archiver:a]\nsrc = s\ndst = files\n\
        [src:s]\nhost = db\nretention = 1 MONTH\narchive_data = true\n\
        [dst:files]\nbackend = file\ndirectory = /tmp/osa-never-written\n";
    let out = Osarchiver::new()
        .config_text(text)
        .arg("--check-config")
        .run();
    out.assert_code(0).output_contains("/tmp/osa-never-written");
    assert!(
        !out.stdout.contains("does not write to this destination"),
        "{out}"
    );
    let own = text.replace(
        "directory = /tmp/osa-never-written\n",
        "directory = /tmp/osa-never-written\narchive_data = false\n",
    );
    let out = Osarchiver::new()
        .config_text(own)
        .arg("--check-config")
        .run();
    out.assert_code(0)
        .output_contains("[dst:files]: archive_data = false has no effect on a file destination");
}

/// The README's minimal configuration (its operator guide) is valid as printed.
#[test]
fn the_readme_minimal_config_is_valid() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read the README");
    let after = readme
        .split("### A minimal configuration")
        .nth(1)
        .expect("the README has a minimal configuration");
    let block = after
        .split("```ini\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("an ini block");
    let out = Osarchiver::new()
        .config_text(block)
        .arg("--check-config")
        .run();
    out.assert_success().assert_no_panic();
    assert!(out.lines_containing("WARN").is_empty(), "{out}");
}

/// Python's `re` takes look-around and backreferences; so do the exclusion patterns.
#[test]
fn exclusion_patterns_take_pythons_look_around() {
    let out = check(Extra {
        src: "excluded_databases = (?!nova$$).*\nexcluded_tables = (?=shadow_).*, (a)\\1",
        ..Extra::default()
    });
    out.assert_success().assert_no_panic();
    // Class syntax that Python reads as plain characters and our engine as operators: refused,
    // naming the key (`[a&&b]b` spared table `ab` in Python, nothing here; helper 132).
    for (key, re) in [
        ("excluded_tables", "[a&&b]b"),
        ("excluded_databases", "[[:alpha:]]+"),
    ] {
        let src = format!("{key} = {re}");
        let out = check(Extra {
            src: &src,
            ..Extra::default()
        });
        assert_config_error(&out, &["[src:nova]", key, "escape it"]);
    }
}

/// Values the run uses that are not the defaults show: the timeouts and `server_side_copy`
/// were left out.
#[test]
fn timeouts_and_server_side_copy_are_shown() {
    let ini = crate::harness::Ini::new(crate::harness::server(), &["nova"])
        .src("read_timeout", 77)
        .dst("server_side_copy", "false");
    crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .arg("--check-config")
        .run()
        .assert_success()
        .stdout_contains("read_timeout=77s")
        .stdout_contains("server_side_copy: false");
}
