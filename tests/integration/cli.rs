//! The command line as argparse reads it (unambiguous prefixes, the last of a repeated option
//! wins), the three log formats, a log file or report that cannot be written, and
//! `--rows-left-ok` for cron wrappers.

use serde_json::Value;

use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::OLD;

/// A valid configuration that `--check-config` accepts without a server, with one unknown key
/// (a WARNING line) and an archiver.
const CONFIG: &str = "[archiver:a]\nsrc = s\narchive_data = x\n\n[src:s]\nhost = 127.0.0.1\n\
                      archive_data = false\ndelete_data = true\nretention = 1 DAY\nfrobnicate = 1\n";

#[test]
fn unambiguous_prefixes_are_accepted_as_argparse_does() {
    let cmd = Osarchiver::new();
    let log = cmd.dir().join("prefix.log");
    let out = cmd
        .config_text(CONFIG)
        // The harness passes --config itself; these spell every other flag of the Python
        // tool by a prefix.
        .args(["--check-c", "--dry", "--deb", "--log-fi"])
        .arg(&log)
        .args(["--log-le", "debug"])
        .run();
    out.assert_success().stdout_contains("archiver a:");
    assert!(
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("frobnicate")),
        "--log-fi was not read as --log-file:\n{out}"
    );
}

#[test]
fn the_config_flag_itself_may_be_shortened() {
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("short.ini");
    std::fs::write(&path, CONFIG).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .arg("--conf")
        .arg(&path)
        .arg("--check")
        .output()
        .expect("run osarchiver");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("archiver a:"));
}

/// A path that is no configuration file, such as `/dev/zero`, is not read until memory runs
/// out (it was: 8.5 GB in 20 s): exit 2, at once, saying why.
#[test]
fn a_config_path_that_never_ends_is_refused() {
    let started = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .args(["--config", "/dev/zero", "--check-config"])
        .output()
        .expect("run osarchiver");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("/dev/zero") && said.contains("larger than 1 MiB"),
        "{said}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn an_ambiguous_prefix_is_a_usage_error() {
    // --d: --debug or --dry-run; --log: --log-file, --log-level or --log-format.
    for ambiguous in [&["--d"][..], &["--log", "x"][..]] {
        Osarchiver::new()
            .config_text(CONFIG)
            .args(ambiguous)
            .run()
            .assert_code(2)
            .assert_no_panic();
    }
}

#[test]
fn a_repeated_option_takes_its_last_value() {
    // The harness's own --config comes first; a second one wins.
    let cmd = Osarchiver::new();
    let good = cmd.dir().join("good.ini");
    std::fs::write(&good, CONFIG).unwrap();
    cmd.config_text("not an ini file [")
        .arg("--config")
        .arg(&good)
        .arg("--check-config")
        .run()
        .assert_success()
        .stdout_contains("archiver a:");
    // The last --log-level wins: error hides the unknown-key warning, warn shows it.
    Osarchiver::new()
        .config_text(CONFIG)
        .args([
            "--check-config",
            "--log-level",
            "warn",
            "--log-level",
            "error",
        ])
        .run()
        .assert_success()
        .output_lacks("frobnicate");
    Osarchiver::new()
        .config_text(CONFIG)
        .args([
            "--check-config",
            "--log-level",
            "error",
            "--log-level",
            "warn",
        ])
        .run()
        .assert_success()
        .output_contains("frobnicate");
}

/// The log lines of a run (stdout lines that are not the plan `--check-config` prints).
fn log_lines(out: &crate::harness::Output, looks_like_log: impl Fn(&str) -> bool) -> Vec<String> {
    out.output()
        .lines()
        .filter(|l| looks_like_log(l))
        .map(str::to_string)
        .collect()
}

#[test]
fn classic_format_is_the_python_tools() {
    let re = regex::Regex::new(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): \S",
    )
    .unwrap();
    let out = Osarchiver::new()
        .config_text(CONFIG)
        .args(["--check-config", "--log-format", "classic"])
        .run();
    out.assert_success();
    let lines = log_lines(&out, |l| l.starts_with("20"));
    assert!(!lines.is_empty(), "no log line:\n{out}");
    for l in &lines {
        assert!(re.is_match(l), "not a classic line: {l:?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(" WARNING: ") && l.contains("frobnicate")),
        "{lines:#?}"
    );
}

#[test]
fn json_format_is_one_object_per_line() {
    let cmd = Osarchiver::new();
    let log = cmd.dir().join("json.log");
    let out = cmd
        .config_text(CONFIG)
        .args(["--check-config", "--log-format", "json", "--log-file"])
        .arg(&log)
        .run();
    out.assert_success();
    let text = std::fs::read_to_string(&log).expect("the log file");
    let mut warned = false;
    for line in text.lines() {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
        let level = v["level"].as_str().expect("level");
        let message = v["message"].as_str().expect("message");
        assert!(v["timestamp"].is_string(), "{line}");
        warned |= level == "WARN" && message.contains("frobnicate");
    }
    assert!(warned, "no WARN line about frobnicate:\n{text}");
}

/// A log file that cannot be written (a full disk: `/dev/full`) fails the run, said on stderr;
/// a report to a device is written into it, not renamed over it.
#[test]
fn a_log_file_or_report_that_cannot_be_written_fails_the_run() {
    let out = Osarchiver::new()
        .config_text(CONFIG)
        .args(["--check-config", "--log-file", "/dev/full"])
        .run();
    out.assert_code(1)
        .stderr_contains("cannot write the log file: No space left on device");
    let s = server();
    let db = ScratchDb::create(s, "reportfull");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME); INSERT INTO t VALUES (1, {OLD});"
    ));
    let out = Osarchiver::new()
        .config_text(Ini::new(s, &[&db.name]).text())
        .args(["--report", "/dev/full"])
        .run();
    out.assert_code(1)
        .output_contains("cannot write the report to /dev/full");
    assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
    // A real run whose log file fails: its report says the failure its exit code says (it
    // said success, exit code 0, where the process exited 1).
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    db.sql(&format!("INSERT INTO t VALUES (2, {OLD});"));
    let out = Osarchiver::new()
        .config_text(Ini::new(s, &[&db.name]).text())
        .args(["--log-file", "/dev/full", "--report"])
        .arg(&report)
        .run();
    out.assert_code(1)
        .stderr_contains("cannot write the log file");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["exit_code"], 1, "{written}");
    assert!(
        written.to_string().contains("cannot write the log file"),
        "{written}"
    );
}

/// `--check-config` whose stdout cannot be written (a full disk) fails, said on stderr: it
/// panicked (exit 101). With stderr full as well, it still exits 1 without a panic.
#[test]
fn a_check_config_that_cannot_print_fails_without_a_panic() {
    let cmd = Osarchiver::new();
    let path = cmd.dir().join("check.ini");
    std::fs::write(&path, CONFIG).unwrap();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full")
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .arg("--config")
        .arg(&path)
        .arg("--check-config")
        .stdout(full())
        .output()
        .expect("run osarchiver");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the configuration to stdout: No space left on device"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_osarchiver"))
        .arg("--config")
        .arg(&path)
        .args(["--check-config", "--log-file", "/dev/full"])
        .stdout(full())
        .stderr(full())
        .status()
        .expect("run osarchiver");
    assert_eq!(out.code(), Some(1));
}

/// A log file that cannot be opened (its directory missing) stops the run (exit 2), and the
/// report says so: it was not written, and an older report was left to be read as this run's.
#[test]
fn a_log_file_that_cannot_be_opened_is_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, "{\"outcome\": \"success\", \"stale\": true}").unwrap();
    let out = Osarchiver::new()
        .config_text(CONFIG)
        .args(["--log-file", "/nonexistent/osarchiver.log", "--report"])
        .arg(&report)
        .run();
    out.assert_code(2)
        .stderr_contains("cannot open log file /nonexistent/osarchiver.log");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["exit_code"], 2, "{written}");
    assert!(written.get("stale").is_none(), "{written}");
    assert!(
        written.to_string().contains("cannot open log file"),
        "{written}"
    );
}

/// A report path that cannot be written (its directory missing, or a directory itself) is
/// refused before anything is archived (exit 2), as a log file is: the run used to archive and
/// delete, say "exit code 0", then fail for the report.
#[test]
fn a_report_path_that_cannot_be_written_stops_the_run_before_it_starts() {
    let s = server();
    let db = ScratchDb::create(s, "reportdir");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME); INSERT INTO t VALUES (1, {OLD});"
    ));
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/report.json");
    let slash = std::path::PathBuf::from(format!("{}/x.json/", dir.path().display()));
    let long = dir.path().join("r".repeat(250));
    for path in [missing.as_path(), dir.path(), &slash, &long] {
        let out = Osarchiver::new()
            .config_text(Ini::new(s, &[&db.name]).text())
            .arg("--report")
            .arg(path)
            .run();
        out.assert_code(2)
            .output_contains(&format!("cannot write the report to {}", path.display()));
        assert_eq!(
            db.sql("SELECT COUNT(*) FROM t").trim(),
            "1",
            "nothing was archived"
        );
    }
    let restore = Osarchiver::new()
        .subcommand("restore")
        .config_text(Ini::new(s, &[&db.name]).text())
        .args([
            "--table",
            &format!("{}.t", db.name),
            "--where",
            "1",
            "--report",
        ])
        .arg(&missing)
        .run();
    restore.assert_code(2);
}

/// `--report` or `--log-file` naming the configuration file (through another path, too), or
/// both naming one file: exit 2 before anything is written. The report replaced the
/// configuration, in a dry run too, and the log made it unreadable (helper 136).
#[test]
fn a_report_or_log_file_onto_the_configuration_is_refused() {
    let s = server();
    let db = ScratchDb::create(s, "ontoconfig");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME); INSERT INTO t VALUES (1, {OLD});"
    ));
    let text = Ini::new(s, &[&db.name]).text();
    for flag in ["--report", "--log-file"] {
        for dry in [true, false] {
            let cmd = Osarchiver::new().config_text(&text);
            let config = cmd.dir().join("osarchiver.ini");
            let via = cmd.dir().join(".").join("osarchiver.ini");
            let cmd = if dry { cmd.arg("--dry-run") } else { cmd };
            let out = cmd.arg(flag).arg(&via).run();
            out.assert_code(2)
                .output_contains("is the configuration file");
            assert_eq!(std::fs::read_to_string(&config).unwrap(), text, "{flag}");
        }
    }
    let cmd = Osarchiver::new().config_text(&text);
    let both = cmd.dir().join("out.txt");
    cmd.arg("--report")
        .arg(&both)
        .arg("--log-file")
        .arg(&both)
        .run()
        .assert_code(2)
        .output_contains("name the same file");
    // Two spellings of a file not there yet (helper 139).
    let cmd = Osarchiver::new().config_text(&text);
    let (plain, dotted) = (cmd.dir().join("o.json"), cmd.dir().join(".").join("o.json"));
    cmd.arg("--report")
        .arg(&plain)
        .arg("--log-file")
        .arg(&dotted)
        .run()
        .assert_code(2)
        .output_contains("name the same file");
    // A device is shared harmlessly.
    Osarchiver::new()
        .config_text(&text)
        .args([
            "--check-config",
            "--report",
            "/dev/null",
            "--log-file",
            "/dev/null",
        ])
        .run()
        .assert_success();
    let cmd = Osarchiver::new().subcommand("restore").config_text(&text);
    let config = cmd.dir().join("osarchiver.ini");
    let out = cmd
        .args([
            "--table",
            &format!("{}.t", db.name),
            "--where",
            "1",
            "--report",
        ])
        .arg(&config)
        .run();
    out.assert_code(2)
        .output_contains("is the configuration file");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    // Nor the file a restore reads: the report replaced the archive, the rows' only copy
    // (helper 139).
    let files = tempfile::tempdir().unwrap();
    let archive = files.path().join(format!("{}.t.sql", db.name));
    std::fs::write(&archive, "-- the rows\n").unwrap();
    for flag in ["--report", "--log-file"] {
        let out = Osarchiver::new()
            .subcommand("restore")
            .config_text(&text)
            .args([
                "--table",
                &format!("{}.t", db.name),
                "--where",
                "1",
                "--dry-run",
            ])
            .arg("--file")
            .arg(&archive)
            .arg(flag)
            .arg(&archive)
            .run();
        out.assert_code(2)
            .output_contains("is a file to restore (--file)");
        assert_eq!(std::fs::read_to_string(&archive).unwrap(), "-- the rows\n");
    }
    assert_eq!(
        db.sql("SELECT COUNT(*) FROM t").trim(),
        "1",
        "nothing was archived"
    );
}

#[test]
fn rows_left_ok_turns_exit_3_into_0_and_nothing_else() {
    let s = server();
    let db = ScratchDb::create(s, "rowsleftok");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
           FOREIGN KEY (p_id) REFERENCES p (id));
         INSERT INTO p VALUES (1, {OLD}), (2, {OLD}), (3, {OLD});
         INSERT INTO c VALUES (1, 1, NULL);"
    ));
    let ini = Ini::new(s, &[&db.name]);
    // A dry run predicts the real run's code, with the flag too.
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .args(["--dry-run", "--rows-left-ok"])
        .run();
    dry.assert_success();
    let out = Osarchiver::new()
        .config_text(ini.text())
        .arg("--rows-left-ok")
        .run();
    out.assert_success()
        .output_contains("rows left in the source on purpose")
        .output_contains("(exit code 0: --rows-left-ok)");
    let r = out.report.as_ref().expect("the report");
    assert_eq!(r["exit_code"], 0, "{r:#}");
    assert_eq!(r["outcome"], "rows_left", "{r:#}");
    // Without the flag, the same state is exit 3 (p = 1 is still there, blocked).
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_code(3);
    // A failure stays a failure (nothing listens on port 1).
    Osarchiver::new()
        .config_text(ini.src("port", 1).src("max_retries", 0).text())
        .arg("--rows-left-ok")
        .run()
        .assert_code(1);
}

/// A table named with a line break: each event stays one line of the log, the break written
/// `\n`, so the name cannot make a line of its own that reads as another event (it did: a
/// line `FAKE ERROR ...` in the middle of the log).
#[test]
fn a_line_break_in_a_name_does_not_make_a_log_line() {
    let s = server();
    let db = ScratchDb::create(s, "cli_nl");
    db.sql(&format!(
        "CREATE TABLE `t\nFAKE ERROR injected` (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `t\nFAKE ERROR injected` VALUES (1, {OLD});"
    ));
    let cmd = Osarchiver::new();
    let log = cmd.dir().join("nl.log");
    let out = cmd
        .config_text(Ini::new(s, &[&db.name]).text())
        .arg("--log-file")
        .arg(&log)
        .run();
    out.assert_success();
    let file = std::fs::read_to_string(&log).unwrap();
    for text in [out.stdout.as_str(), file.as_str()] {
        assert!(!text.lines().any(|l| l.starts_with("FAKE ERROR")), "{text}");
        assert!(text.contains("t\\nFAKE ERROR injected"), "{text}");
    }
}

/// stdout closed under a run (`osarchiver ... | head -1`): the run goes on and finishes, and
/// stderr says so once. tracing wrote an error line per log line to stderr (94 of them in a
/// small run), which cron mails line by line.
#[test]
fn a_closed_stdout_is_said_once_and_the_run_goes_on() {
    let s = server();
    let db = ScratchDb::create(s, "pipe");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, {OLD} FROM seq_1_to_50;"
    ));
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("a.ini");
    let text = Ini::new(s, &[&db.name])
        .src("select_limit", 5)
        .src("delete_limit", 5)
        .text();
    std::fs::write(&ini, text).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --config '{}' --log-level debug | head -c 1 >/dev/null; exit 0",
            crate::harness::BINARY,
            ini.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Unable to write an event"), "{stderr}");
    assert!(
        stderr.matches("stdout cannot be written").count() <= 1,
        "{stderr}"
    );
    assert_eq!(
        crate::harness::digest::count(s, &db.name, "t", "1"),
        0,
        "{stderr}"
    );
    assert_eq!(
        crate::harness::digest::count(s, &db.archive(), "t", "1"),
        50
    );
}
