//! The command line, any arguments: parsed, or refused with clap's usage error (exit 2; 0 for
//! help and version), in process and through the binary, which then creates nothing.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::Command;

use clap::Parser;
use proptest::prelude::*;
use proptest::sample::select;

use osarchiver::cli::Args;

use crate::edges::VALUES;
use crate::strategies::value;

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
pub fn binary(args: &[OsString], dir: &std::path::Path) -> Result<i32, TestCaseError> {
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
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

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

proptest! {
    // Each case runs the binary: fewer of them.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

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
