//! The key definitions (`src/config/defs.rs`) against what the operator reads: the README's
//! key tables (section Configuration) and `archiver_sample.ini` must list exactly the defined
//! keys, with their defaults. The checks are parsers of those two files; each one is also run
//! on a doctored copy, to show that it catches a difference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use osarchiver::config::defs::KEYS;
use osarchiver::config::keys::{find, KeyDef, Scopes};
use osarchiver::config::{ini::Ini, resolve, RunClock};

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A README key table: the scope it documents and whether it lists only the keys of exactly
/// that scope (the backend tables of remote stores) or every key its sections read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Archiver,
    Src,
    DstDb,
    DstFile,
    Remote,
    Swift,
    S3,
}

impl Table {
    fn scope(self) -> Scopes {
        match self {
            Table::Archiver => Scopes::ARCHIVER,
            Table::Src => Scopes::SRC,
            Table::DstDb => Scopes::DST_DB,
            Table::DstFile => Scopes::DST_FILE,
            Table::Remote => Scopes::REMOTE,
            Table::Swift => Scopes::SWIFT,
            Table::S3 => Scopes::S3,
        }
    }

    /// Whether `d` belongs in this table.
    fn lists(self, d: &KeyDef) -> bool {
        match self {
            Table::Remote => d.scopes.meets(Scopes::SWIFT) && d.scopes.meets(Scopes::S3),
            Table::Swift | Table::S3 => d.scopes == self.scope(),
            _ => d.scopes.meets(self.scope()),
        }
    }
}

/// The key tables of the README's Configuration section: for each table, key -> default cell.
fn readme_tables(readme: &str) -> Result<BTreeMap<Table, BTreeMap<String, String>>, String> {
    let start = readme
        .find("\n## Configuration\n")
        .ok_or("no Configuration section")?;
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    let mut tables: BTreeMap<Table, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = None;
    for line in rest[..end].lines() {
        if let Some(h) = line.strip_prefix("### ") {
            current = Some(if h.starts_with("`[archiver:") {
                Table::Archiver
            } else if h.starts_with("`[src:") {
                Table::Src
            } else if h.starts_with("`[dst:") && h.contains("`backend = db`") {
                Table::DstDb
            } else if h.starts_with("`[dst:") && h.contains("`backend = file`") {
                Table::DstFile
            } else if h.starts_with("`[remote_store:") {
                Table::Remote
            } else {
                return Err(format!("heading {h:?}: which sections?"));
            });
        } else if line.starts_with("Swift (`backend = swift`") {
            current = Some(Table::Swift);
        } else if line.starts_with("S3 (`backend = s3`") {
            current = Some(Table::S3);
        }
        let Some(row) = line.strip_prefix('|') else {
            continue;
        };
        let cells: Vec<&str> = row
            .trim_end_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() != 3 {
            return Err(format!("row without 3 cells: {line:?}"));
        }
        if cells[0] == "key" || cells[0].starts_with("---") {
            continue;
        }
        let table = current.ok_or_else(|| format!("a table before any heading: {line:?}"))?;
        // `a`, `b` (or `c`): every name in backquotes.
        let keys: Vec<&str> = cells[0].split('`').skip(1).step_by(2).collect();
        if keys.is_empty() {
            return Err(format!("row without a key: {line:?}"));
        }
        if keys == ["opt_*"] && table == Table::Remote {
            continue; // the backends' tables below list them
        }
        // `x`, `y` for two keys, or one default for all of them.
        let parts: Vec<&str> = cells[1].split(", ").collect();
        let defaults: Vec<&str> = if keys.len() > 1 && parts.len() == keys.len() {
            parts
        } else {
            vec![cells[1]; keys.len()]
        };
        let entries = tables.entry(table).or_default();
        for (k, d) in keys.iter().zip(defaults) {
            if entries.insert(k.to_string(), d.to_string()).is_some() {
                return Err(format!("{k} twice in the {table:?} table"));
            }
        }
    }
    Ok(tables)
}

/// Every difference between the README's tables and the definitions.
fn readme_differences(readme: &str) -> Vec<String> {
    let tables = match readme_tables(readme) {
        Ok(t) => t,
        Err(e) => return vec![e],
    };
    let mut diffs = Vec::new();
    for table in [
        Table::Archiver,
        Table::Src,
        Table::DstDb,
        Table::DstFile,
        Table::Remote,
        Table::Swift,
        Table::S3,
    ] {
        let empty = BTreeMap::new();
        let rows = tables.get(&table).unwrap_or(&empty);
        let defined: BTreeSet<&str> = KEYS
            .iter()
            .filter(|d| table.lists(d))
            .map(|d| d.name)
            .collect();
        let listed: BTreeSet<&str> = rows.keys().map(String::as_str).collect();
        for k in defined.difference(&listed) {
            diffs.push(format!("{table:?} table: {k} is defined but not listed"));
        }
        for k in listed.difference(&defined) {
            diffs.push(format!("{table:?} table: {k} is listed but not defined"));
        }
        for (k, cell) in rows {
            let Some(d) = find(table.scope(), k) else {
                continue;
            };
            let expected = d.default.readme();
            let same = if cell == "as for sources" {
                find(Scopes::SRC, k).is_some_and(|s| s.default == d.default)
            } else {
                *cell == expected
            };
            if !same {
                diffs.push(format!(
                    "{table:?} table: {k} has default {cell:?}, defined as {expected:?}"
                ));
            }
        }
    }
    diffs
}

#[test]
fn readme_tables_list_every_key_with_its_default() {
    let diffs = readme_differences(&read("README.md"));
    assert!(diffs.is_empty(), "README.md:\n{}", diffs.join("\n"));
}

#[test]
fn readme_check_finds_differences() {
    let readme = read("README.md");
    let doctored = [
        ("| `bulk_insert` | `1000` |", "| `bulk_insert` | `100` |"),
        ("| `delete_data` | `false` |", "| `delete_dat` | `false` |"),
        ("| `opt_part_size` | `16M` |", "| `opt_parts` | `16M` |"),
        ("| `opt_create_bucket` ", "| `opt_make_bucket` "),
    ];
    for (from, to) in doctored {
        assert!(readme.contains(from), "README.md lacks {from:?}");
        let diffs = readme_differences(&readme.replacen(from, to, 1));
        assert!(!diffs.is_empty(), "{to:?} not found");
    }
    let without_row: String = readme
        .lines()
        .filter(|l| !l.starts_with("| `opt_os_interface`"))
        .map(|l| format!("{l}\n"))
        .collect();
    let diffs = readme_differences(&without_row);
    assert!(
        diffs.iter().any(|d| d.contains("opt_os_interface")),
        "{diffs:?}"
    );
}

/// A `key = value` line of the sample.
struct Entry {
    section: String,
    key: String,
    value: String,
    /// Commented out: an example, or the default of a key that is off.
    commented: bool,
}

/// `key = value` lines of the sample, commented out or not.
fn sample_entries(sample: &str) -> Vec<Entry> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in sample.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let body = line.strip_prefix('#').map_or(line, str::trim_start);
        let Some((key, value)) = body.split_once('=') else {
            continue;
        };
        let key = key.trim_end();
        let is_key = !key.is_empty()
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if is_key && !line.starts_with(char::is_whitespace) {
            out.push(Entry {
                section: section.clone(),
                key: key.to_string(),
                value: value.trim().to_string(),
                commented: line.starts_with('#'),
            });
        }
    }
    out
}

/// Every difference between the sample and the definitions: a key defined but not shown, a
/// key shown but not defined, a key shown in a section that does not read it (commented out
/// or not), a default not shown, or a line of [DEFAULT] (not commented out) setting another
/// value.
fn sample_differences(sample: &str) -> Vec<String> {
    let entries = sample_entries(sample);
    let mut diffs = Vec::new();
    let ini = match Ini::parse(sample) {
        Ok(ini) => ini,
        Err(e) => return vec![format!("does not parse: {e}")],
    };
    for e in entries.iter().filter(|e| e.section != "DEFAULT") {
        match Scopes::of_section(&ini, &e.section) {
            Some((scope, _)) if find(scope, &e.key).is_none() => diffs.push(format!(
                "[{}]: {} is not read by {}",
                e.section,
                e.key,
                scope.describe()
            )),
            Some(_) => {}
            None => diffs.push(format!("[{}]: not a section osarchiver reads", e.section)),
        }
    }
    let shown: BTreeSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    let defined: BTreeSet<&str> = KEYS.iter().map(|d| d.name).collect();
    for k in defined.difference(&shown) {
        diffs.push(format!("{k} is defined but not shown"));
    }
    for k in shown.difference(&defined) {
        diffs.push(format!("{k} is shown but not defined"));
    }
    for d in KEYS {
        let Some(default) = d.default.value() else {
            continue;
        };
        let lines: Vec<&Entry> = entries.iter().filter(|e| e.key == d.name).collect();
        if !default.is_empty() && !lines.iter().any(|e| e.value == default) {
            diffs.push(format!("{}: no line shows its default {default:?}", d.name));
        }
        for e in lines
            .iter()
            .filter(|e| e.section == "DEFAULT" && !e.commented)
        {
            let v = &e.value;
            if v != default {
                diffs.push(format!(
                    "{}: [DEFAULT] shows {v:?}, the default is {default:?}",
                    d.name
                ));
            }
        }
    }
    diffs
}

#[test]
fn sample_lists_every_key_with_its_default() {
    let diffs = sample_differences(&read("archiver_sample.ini"));
    assert!(
        diffs.is_empty(),
        "archiver_sample.ini:\n{}",
        diffs.join("\n")
    );
}

#[test]
fn sample_check_finds_differences() {
    let sample = read("archiver_sample.ini");
    let doctored = [
        ("\nselect_limit = 1000\n", "\nselect_limit = 100\n"),
        ("\n# lock_dir = ", "\n# lockdir = "),
        ("\nopt_checksums = when_required\n", "\n"),
        ("\nexcluded_databases =\n", "\nexcluded_databases = x\n"),
        (
            "\nopt_os_interface = public\n",
            "\nopt_os_interface = public\n# opt_region = x\n",
        ),
        (
            "\nformats = csv, sql\n",
            "\nformats = csv, sql\n# bulk_insert = 10\n",
        ),
        (
            "\n# max_flow_control_paused = 0.1\n",
            "\n# max_flow_control_paused = 0.1\n# opt_colour = 5\n",
        ),
    ];
    for (from, to) in doctored {
        assert!(sample.contains(from), "archiver_sample.ini lacks {from:?}");
        let diffs = sample_differences(&sample.replacen(from, to, 1));
        assert!(!diffs.is_empty(), "{to:?} not found");
    }
}

/// The sample resolves without a warning, its remote stores included.
#[test]
fn sample_resolves_without_warnings() {
    let sample = read("archiver_sample.ini");
    let from = "\n# remote_store = swift, s3\n";
    assert!(sample.contains(from));
    let with_stores = sample.replacen(from, "\nremote_store = swift, s3\n", 1);
    for text in [sample.as_str(), with_stores.as_str()] {
        let ini = Ini::parse(text).expect("the sample parses");
        let loaded = resolve(&ini, "archiver_sample.ini".into(), RunClock::start())
            .expect("the sample resolves");
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }
}
