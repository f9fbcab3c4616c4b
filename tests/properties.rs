//! No input panics: property tests (proptest) that feed arbitrary and adversarial input to
//! everything that reads what an operator types: the value parsers (`config::value`), the INI
//! loader (`config::ini` then `config::resolve`, and `load_file` on arbitrary bytes), and the
//! command line (`cli::Args`). Each must answer with an error, never a panic; the binary must
//! exit 2 (or 0 for a valid `--check-config`, `--help`, `--version`), never 101.
//!
//! A test binary of its own: it needs no database server, and runs in a few seconds (the
//! number of cases is capped). A failing case is printed minimized; proptest also records its
//! seed in `tests/properties.proptest-regressions`, to be committed with the fix.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::process::Command;

use clap::Parser;
use proptest::prelude::*;
use proptest::sample::select;

use osarchiver::cli::Args;
use osarchiver::config::ini::Ini;
use osarchiver::config::value::{self, MAX_SECONDS};
use osarchiver::config::{self, RunClock};

/// Values chosen to hit the edges of every parser: numbers out of range, units, NaN and
/// infinities, unbalanced brackets and braces, interpolations, multi-byte characters.
const VALUES: &[&str] = &[
    "",
    " ",
    "0",
    "1",
    "-1",
    "1.5",
    "18446744073709551616",
    "99999999999999999999999",
    "1e308",
    "1e400",
    "NaN",
    "inf",
    "-inf",
    "-0",
    "0.0000001",
    "3155760000",
    "3155760001",
    "90s",
    "30m",
    "2h",
    "1d",
    "1.5 days",
    "9e300d",
    "1é",
    "é1",
    "true",
    "yes",
    "Off",
    "maybe",
    "12 MONTH",
    "30 day",
    "0 YEAR",
    "99999999999999999999999 YEAR",
    "1 FORTNIGHT",
    "localhost",
    "host:3306",
    "host:0",
    "host:65536",
    "host:",
    ":3306",
    "[::1]:3306",
    "[::1]",
    "[::1",
    "[]:1",
    "::1",
    "a:b:c",
    "csv",
    "sql",
    "csv,sql",
    "csv;sql;xml",
    "tar",
    "gztar",
    "bztar",
    "xztar",
    "zip",
    "gz",
    "zst",
    "none",
    "file",
    "db",
    "s3",
    "swift",
    "{now}",
    "{date}",
    "/tmp/{date}",
    "{",
    "}",
    "{{}}",
    "{x}",
    "{now",
    "}{",
    "*",
    "nova, cinder",
    "^shadow_.*$",
    "(",
    "deleted_at <= NOW()",
    "${x}",
    "${src:s:host}",
    "${DEFAULT:x}",
    "${a:b:c:d}",
    "${",
    "$$",
    "$",
    "$x",
    "/tmp/osarchiver-properties",
    "r",
    "r1",
    "r1, r2",
    "\u{feff}",
    "\0",
];

/// Section names: the kinds osarchiver knows, the names the generated archiver refers to, and
/// anything else.
fn section_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("DEFAULT".to_string()),
        6 => "(archiver|src|dst|remote_store):[a-c]{1,2}",
        3 => select(&["archiver:a", "src:s", "dst:d", "remote_store:r"][..]).prop_map(String::from),
        1 => ".{0,6}",
    ]
}

/// Keys: every option of every kind of section, `opt_*` keys and anything else.
fn key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "src",
        "dst",
        "enable",
        "backend",
        "host",
        "port",
        "user",
        "password",
        "socket",
        "databases",
        "tables",
        "excluded_databases",
        "excluded_tables",
        "retention",
        "deleted_column",
        "where",
        "archive_data",
        "delete_data",
        "select_limit",
        "delete_limit",
        "bulk_insert",
        "delete_loop_delay",
        "progress_interval",
        "max_retries",
        "retry_time_limit",
        "foreign_key_check",
        "max_runtime",
        "lock_dir",
        "replicas",
        "max_replication_lag",
        "max_threads_running",
        "max_wsrep_recv_queue",
        "max_flow_control_paused",
        "db_suffix",
        "table_suffix",
        "directory",
        "formats",
        "archive_format",
        "remote_store",
        "container",
        "bucket",
        "file_name_prefix",
        "delete_after_upload",
        "upload_attempts",
        "upload_backoff",
        "opt_os_auth_url",
        "opt_region",
        "opt_endpoint_url",
        "opt_aws_access_key_id",
        "opt_os_username",
    ];
    prop_oneof![
        8 => select(KEYS).prop_map(String::from),
        1 => "opt_[a-z_]{0,12}",
        1 => "[^=:\\[\\]\n\r]{0,8}",
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(VALUES).prop_map(String::from),
        2 => "[0-9.eE+-]{0,12} ?[a-zA-Z]{0,7}",
        // Numbers of any size, with and without a unit.
        2 => "[0-9]{1,25}(\\.[0-9]{1,3})? ?(s|m|h|d|days|MONTH|)",
        1 => "\\$\\{([a-zA-Z_:]{0,8}:)?[a-z_]{0,8}\\}",
        1 => "[ -~]{0,16}",
        1 => ".{0,12}",
    ]
}

/// One line of an INI-like file.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => section_name().prop_map(|s| format!("[{s}]")),
        8 => (key(), select(&["=", ":", " = ", " : ", "=="][..]), value())
            .prop_map(|(k, d, v)| format!("{k}{d}{v}")),
        2 => ("[ \t]{1,4}", value()).prop_map(|(i, v)| format!("{i}{v}")),
        1 => "[#;].{0,10}",
        1 => Just(String::new()),
        1 => ".{0,20}",
    ]
}

/// Text that is INI most of the time: a valid archiver whose sections get arbitrary options,
/// then arbitrary lines, joined by any kind of line ending.
fn ini_text() -> impl Strategy<Value = String> {
    let options = || prop::collection::btree_map(key(), value(), 0..8);
    (
        prop::bool::weighted(0.85),
        options(),
        options(),
        options(),
        options(),
        options(),
        prop::collection::vec(line(), 0..4),
        select(&["\n", "\r\n", "\r"][..]),
    )
        .prop_map(|(skeleton, defaults, arch, src, dst, store, extra, eol)| {
            let mut lines = Vec::new();
            let mut section =
                |header: &str, base: &[(&str, &str)], own: BTreeMap<String, String>| {
                    lines.push(format!("[{header}]"));
                    let mut all: BTreeMap<String, String> = base
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    all.extend(own);
                    lines.extend(all.into_iter().map(|(k, v)| format!("{k} = {v}")));
                };
            if skeleton {
                section("DEFAULT", &[], defaults);
                section("archiver:a", &[("src", "s"), ("dst", "d")], arch);
                section(
                    "src:s",
                    &[("host", "localhost"), ("retention", "12 MONTH")],
                    src,
                );
                section(
                    "dst:d",
                    &[
                        ("backend", "file"),
                        ("directory", "/tmp/osarchiver-properties"),
                        ("remote_store", "r"),
                    ],
                    dst,
                );
                section(
                    "remote_store:r",
                    &[("backend", "s3"), ("bucket", "b")],
                    store,
                );
            }
            lines.extend(extra);
            lines.join(eol)
        })
}

fn clock() -> RunClock {
    RunClock::start()
}

/// Parses and resolves `text` as `load_file` does; checks what an accepted text gives.
fn load(text: &str) {
    let Ok(ini) = Ini::parse(text) else {
        return;
    };
    // Every value of every section, interpolated: errors are fine, panics are not.
    for s in ini.sections() {
        let _ = ini.items(&s.name);
        for k in ini.keys(&s.name) {
            let _ = ini.get(&s.name, &k);
        }
    }
    if let Ok(loaded) = config::resolve(&ini, PathBuf::from("p.ini"), clock()) {
        // What --check-config prints.
        let _ = config::render::render(&loaded.config);
        for a in &loaded.config.archivers {
            for s in &a.sources {
                assert!(s.select_limit >= 1 && s.delete_limit >= 1, "{s:?}");
                for d in [s.max_runtime, Some(s.progress_interval)]
                    .into_iter()
                    .flatten()
                {
                    assert!(d.as_secs_f64() <= MAX_SECONDS, "{d:?} in {text:?}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn value_parsers_answer_every_string(raw in prop_oneof![value(), any::<String>()]) {
        let _ = value::parse_bool(&raw);
        let _ = value::parse_count(&raw);
        if let Ok(n) = value::parse_positive(&raw) {
            prop_assert!(n >= 1);
        }
        if let Ok(p) = value::parse_port(&raw) {
            prop_assert!(p >= 1);
        }
        if let Ok(s) = value::parse_seconds(&raw) {
            prop_assert!((0.0..=MAX_SECONDS).contains(&s), "{s}");
        }
        if let Ok(Some(d)) = value::parse_duration(&raw) {
            // Within what Instant arithmetic holds.
            prop_assert!(d.as_secs_f64() <= MAX_SECONDS * 1.000_001, "{d:?}");
            prop_assert!(std::time::Instant::now().checked_add(d).is_some());
        }
        if let Ok((host, _)) = value::parse_host_port(&raw) {
            prop_assert!(!host.is_empty());
        }
        if let Ok(r) = value::parse_retention(&raw) {
            // Normalised: reading it again gives it back.
            prop_assert_eq!(value::parse_retention(&r), Ok(r.clone()));
        }
        for item in value::parse_list(&raw) {
            prop_assert!(!item.is_empty() && item == item.trim());
            prop_assert!(!item.contains([',', ';', '\n']));
        }
        let fields: BTreeMap<&str, &str> = [("now", "N"), ("date", "D")].into_iter().collect();
        if let Ok(out) = value::format_placeholders(&raw, &fields) {
            if !raw.contains(['{', '}']) {
                prop_assert_eq!(out, raw);
            }
        }
    }

    #[test]
    fn ini_like_text_loads_or_is_refused(text in ini_text()) {
        load(&text);
    }

    #[test]
    fn arbitrary_text_loads_or_is_refused(text in any::<String>()) {
        load(&text);
    }

    #[test]
    fn arbitrary_bytes_in_a_file_load_or_are_refused(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            ini_text().prop_map(String::into_bytes),
        ]
    ) {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("osarchiver.ini");
        std::fs::write(&path, &bytes).unwrap();
        let _ = config::load_file(&path, clock());
    }

    #[test]
    fn the_command_line_is_parsed_or_refused_with_usage(args in cli_args()) {
        let argv = std::iter::once(OsString::from("osarchiver")).chain(args);
        match Args::try_parse_from(argv) {
            Ok(a) => {
                let _ = a.level();
            }
            Err(e) => {
                use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
                let expected = if matches!(e.kind(), DisplayHelp | DisplayVersion) { 0 } else { 2 };
                prop_assert_eq!(e.exit_code(), expected, "{}", e);
                let _ = e.render().to_string();
            }
        }
    }
}

/// Arguments: the real flags (with `=` or apart), values from [`VALUES`], arbitrary strings and
/// bytes that are not UTF-8.
fn cli_args() -> impl Strategy<Value = Vec<OsString>> {
    const FLAGS: &[&str] = &[
        "--config",
        "--log-file",
        "--log-level",
        "--debug",
        "--dry-run",
        "--check-config",
        "--report",
        "--max-runtime",
        "--version",
        "--help",
        "-h",
        "-V",
        "--",
        "-",
        "--config=",
        "--max-runtime=",
        "--log-level=",
        "--unknown",
    ];
    let one = |s: BoxedStrategy<OsString>| s.prop_map(|a| vec![a]);
    let arg = prop_oneof![
        4 => one(select(FLAGS).prop_map(OsString::from).boxed()),
        3 => one(select(VALUES).prop_map(OsString::from).boxed()),
        // A flag that takes a value, and a value meant to hit its parser's edges.
        3 => (select(&["--max-runtime", "--log-level", "--config"][..]), value())
            .prop_map(|(f, v)| vec![OsString::from(f), OsString::from(v)]),
        1 => one(
            (select(FLAGS), select(VALUES))
                .prop_map(|(f, v)| OsString::from(format!("{f}{v}")))
                .boxed()
        ),
        1 => one(any::<String>().prop_map(OsString::from).boxed()),
        1 => one(
            prop::collection::vec(any::<u8>(), 0..8)
                .prop_map(OsString::from_vec)
                .boxed()
        ),
    ];
    prop::collection::vec(arg, 0..5).prop_map(|args| args.into_iter().flatten().collect())
}

/// Runs the binary in an empty directory; its exit code, checked not to be a panic's.
fn binary(args: &[OsString], dir: &std::path::Path) -> Result<i32, TestCaseError> {
    let out = Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .map_err(|e| TestCaseError::fail(format!("cannot run the binary: {e}")))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let code = out.status.code();
    prop_assert!(code.is_some(), "{args:?}: killed by a signal");
    Ok(code.unwrap_or_default())
}

proptest! {
    // Each case runs the binary: fewer of them.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_binary_checks_any_config_with_exit_0_or_2(text in ini_text()) {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("c.ini"), &text).unwrap();
        let args: Vec<OsString> = ["--config", "c.ini", "--check-config"].map(OsString::from).to_vec();
        let code = binary(&args, d.path())?;
        let accepted = config::load_file(&d.path().join("c.ini"), clock()).is_ok();
        prop_assert_eq!(code, if accepted { 0 } else { 2 }, "{:?}", text);
    }

    #[test]
    fn the_binary_refuses_a_bad_command_line_with_exit_2(args in cli_args()) {
        // A NUL byte cannot be passed to a process.
        prop_assume!(!args.iter().any(|a| a.as_encoded_bytes().contains(&0)));
        let argv = std::iter::once(OsString::from("osarchiver")).chain(args.iter().cloned());
        // A command line that parses runs for real: only those refused (or help) are run here,
        // and no file they name exists in the empty directory.
        let parsed = Args::try_parse_from(argv);
        let expected = match &parsed {
            Ok(_) => return Ok(()),
            Err(e) => e.exit_code(),
        };
        let d = tempfile::tempdir().unwrap();
        prop_assert_eq!(binary(&args, d.path())?, expected);
        prop_assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0, "nothing created");
    }
}
