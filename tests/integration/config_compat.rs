//! The raw INI layer against Python's configparser, the parser the original osarchiver uses.
//!
//! Every file of `tests/corpus/ini/` (and the repository's `archiver_sample.ini` when present)
//! is read twice: by `tests/corpus/configparser_dump.py`, and by [`Ini`]. The two readings must
//! agree: the same parse error family, or the same sections, the same keys in the same order,
//! the same values, and an error for exactly the keys where Python raises one, with our message
//! naming the section and the key. All differences are listed in one failure.

use std::fmt::Write as _;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::process::Command;

use osarchiver::config::ini::{Ini, DEFAULT_SECTION};
use osarchiver::config::ConfigError;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus, sorted, then the repository's own sample when it exists.
fn corpus() -> Vec<PathBuf> {
    let dir = repo_root().join("tests/corpus/ini");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ini"))
        .collect();
    files.sort();
    let sample = repo_root().join("archiver_sample.ini");
    if sample.is_file() {
        files.push(sample);
    }
    files
}

/// A JSON object read with its keys in document order (serde_json's `Map` sorts them).
struct Ordered<T>(Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

#[derive(Deserialize, Debug)]
struct PyError {
    #[serde(rename = "type")]
    kind: String,
    section: Option<String>,
    option: Option<String>,
}

#[derive(Deserialize)]
struct PyEntry {
    value: Option<String>,
    error: Option<PyError>,
}

#[derive(Deserialize)]
struct PyDump {
    error: Option<PyError>,
    sections: Option<Ordered<Ordered<PyEntry>>>,
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Python's readings of `files`, in order (one interpreter for all of them).
fn python_readings(files: &[PathBuf]) -> Vec<PyDump> {
    let script = repo_root().join("tests/corpus/configparser_dump.py");
    let out = Command::new(python())
        .arg(&script)
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} (python3 is needed for the configparser comparison): {e}",
                python()
            )
        });
    assert!(
        out.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("the dump script prints UTF-8");
    let dumps: Vec<PyDump> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("bad JSON from the dump script: {e}\n{line}"))
        })
        .collect();
    assert_eq!(dumps.len(), files.len(), "one JSON line per file");
    dumps
}

type Section = (String, Vec<(String, Result<String, String>)>);

/// Our reading, in the dump script's shape.
fn our_reading(text: &str) -> Result<Vec<Section>, ConfigError> {
    let ini = Ini::parse(text)?;
    let names = std::iter::once(DEFAULT_SECTION.to_string())
        .chain(ini.sections().iter().map(|s| s.name.clone()));
    Ok(names
        .map(|section| {
            let entries = ini
                .keys(&section)
                .into_iter()
                .map(|key| {
                    let value = match ini.get(&section, &key) {
                        Ok(Some(v)) => Ok(v),
                        Ok(None) => Err("(listed by keys(), but get() found nothing)".to_string()),
                        Err(e) => Err(e.to_string()),
                    };
                    (key, value)
                })
                .collect();
            (section, entries)
        })
        .collect())
}

/// Whether our parse error is of the family Python raised (`MissingSectionHeaderError` is a
/// `ParsingError` there, and a syntax error here).
fn same_parse_error(ours: &ConfigError, python: &str) -> bool {
    matches!(
        (ours, python),
        (
            ConfigError::Syntax { .. },
            "ParsingError" | "MissingSectionHeaderError"
        ) | (
            ConfigError::DuplicateSection { .. },
            "DuplicateSectionError"
        ) | (ConfigError::DuplicateKey { .. }, "DuplicateOptionError")
    )
}

/// Every difference between Python's reading of the file `name` and ours of its `text`.
fn compare(name: &str, text: &str, python: PyDump) -> Vec<String> {
    let ours = our_reading(text);
    let mut diffs = Vec::new();
    match (python.error, python.sections, ours) {
        (Some(py), _, Err(e)) => {
            if !same_parse_error(&e, &py.kind) {
                diffs.push(format!(
                    "{name}: Python raises {}, we report a different error: {e}",
                    py.kind
                ));
            }
            let mut names = Vec::new();
            if let Some(s) = &py.section {
                names.push(format!("[{s}]"));
            }
            if let Some(o) = &py.option {
                names.push(format!("'{o}'"));
            }
            for n in names {
                if !e.to_string().contains(&n) {
                    diffs.push(format!(
                        "{name}: our error does not name {n} as Python's {} does: {e}",
                        py.kind
                    ));
                }
            }
        }
        (Some(py), _, Ok(_)) => diffs.push(format!(
            "{name}: Python raises {py:?}, we parse the file without error"
        )),
        (None, None, _) => panic!("{name}: the dump script printed neither error nor sections"),
        (None, Some(_), Err(e)) => {
            diffs.push(format!("{name}: Python parses the file, we fail: {e}"))
        }
        (None, Some(Ordered(py_sections)), Ok(our_sections)) => {
            let py_names: Vec<&String> = py_sections.iter().map(|(s, _)| s).collect();
            let our_names: Vec<&String> = our_sections.iter().map(|(s, _)| s).collect();
            if py_names != our_names {
                diffs.push(format!(
                    "{name}: sections differ: Python {py_names:?}, ours {our_names:?}"
                ));
            }
            for (section, Ordered(py_entries)) in &py_sections {
                let Some((_, our_entries)) = our_sections.iter().find(|(s, _)| s == section) else {
                    continue;
                };
                let py_keys: Vec<&String> = py_entries.iter().map(|(k, _)| k).collect();
                let our_keys: Vec<&String> = our_entries.iter().map(|(k, _)| k).collect();
                if py_keys != our_keys {
                    diffs.push(format!(
                        "{name}: [{section}] keys differ: Python {py_keys:?}, ours {our_keys:?}"
                    ));
                }
                for (key, py) in py_entries {
                    let Some((_, ours)) = our_entries.iter().find(|(k, _)| k == key) else {
                        continue;
                    };
                    let at = format!("{name}: [{section}] {key:?}");
                    match (&py.value, &py.error, ours) {
                        (Some(pv), _, Ok(ov)) if pv == ov => {}
                        (Some(pv), _, Ok(ov)) => {
                            diffs.push(format!("{at}: Python {pv:?}, ours {ov:?}"))
                        }
                        (Some(pv), _, Err(e)) => {
                            diffs.push(format!("{at}: Python {pv:?}, we fail: {e}"))
                        }
                        (None, Some(pe), Ok(ov)) => {
                            diffs.push(format!("{at}: Python raises {}, we read {ov:?}", pe.kind))
                        }
                        (None, Some(pe), Err(e)) => {
                            let wanted = [format!("[{section}]"), format!("'{key}'")];
                            if wanted.iter().any(|w| !e.contains(w.as_str())) {
                                diffs.push(format!(
                                    "{at}: Python raises {}; our error should name the section \
                                     and the key: {e}",
                                    pe.kind
                                ));
                            }
                        }
                        (None, None, _) => panic!("{at}: the dump has neither value nor error"),
                    }
                }
            }
        }
    }
    diffs
}

fn read(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
}

#[test]
fn ini_parser_matches_python_configparser() {
    let files = corpus();
    assert!(
        files.len() >= 25,
        "the corpus has only {} files",
        files.len()
    );
    let readings = python_readings(&files);
    let failing = readings.iter().filter(|r| r.error.is_some()).count();
    assert!(
        failing > 0 && failing < files.len(),
        "the corpus needs files that parse and files that do not"
    );
    let mut report = String::new();
    let mut count = 0;
    for (file, python) in files.iter().zip(readings) {
        let name = file
            .strip_prefix(repo_root())
            .unwrap_or(file)
            .display()
            .to_string();
        for diff in compare(&name, &read(file), python) {
            count += 1;
            let _ = writeln!(report, "- {diff}");
        }
    }
    assert!(
        count == 0,
        "{count} difference(s) with Python's configparser over {} files:\n{report}",
        files.len()
    );
}

/// The comparison itself reports differences (a check that cannot fail proves nothing).
#[test]
fn comparison_reports_differences() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("inline.ini", "[a]\nk = v ; no inline comment\n"),
        ("dup.ini", "[a]\n[a]\n"),
        // configparser reads the file as plain UTF-8 and chokes on a byte-order mark; we skip it.
        ("bom.ini", "\u{feff}[a]\nk = v\n"),
    ];
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            path
        })
        .collect();
    let mut readings = python_readings(&files).into_iter();
    let (inline, dup, bom) = (
        readings.next().unwrap(),
        readings.next().unwrap(),
        readings.next().unwrap(),
    );

    // Same text: no difference. Another text: the value differs.
    let diffs = compare(
        "inline.ini",
        cases[0].1,
        python_readings(&files[..1]).remove(0),
    );
    assert!(diffs.is_empty(), "{diffs:?}");
    let diffs = compare("inline.ini", "[a]\nk = v\n", inline);
    assert!(
        diffs.len() == 1 && diffs[0].contains("\"v ; no inline comment\""),
        "{diffs:?}"
    );

    // Python's parse error matches ours; a text that parses does not.
    assert_eq!(
        dup.error.as_ref().map(|e| e.kind.as_str()),
        Some("DuplicateSectionError")
    );
    assert!(compare(
        "dup.ini",
        cases[1].1,
        python_readings(&files[1..2]).remove(0)
    )
    .is_empty());
    let diffs = compare("dup.ini", "[a]\n[b]\n", dup);
    assert!(
        diffs.len() == 1 && diffs[0].contains("without error"),
        "{diffs:?}"
    );

    // The known difference, kept out of the corpus.
    let diffs = compare("bom.ini", cases[2].1, bom);
    assert!(
        diffs.len() == 1 && diffs[0].contains("MissingSectionHeaderError"),
        "{diffs:?}"
    );
}
