//! From the raw INI to the typed [`Config`]: defaults, typed values, cross-section references
//! and validation, all read from the key definitions ([`super::defs`]). Every error names its
//! section and key; unknown keys become warnings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::ConfigError;
use super::ini::{Ini, DEFAULT_SECTION};
use super::keys::{find, is_known_anywhere, where_read, KeyDef, Scopes};
use super::model::*;
use super::remote;
use super::value::*;
use super::RunClock;

pub use super::defs::DEFAULT_WHERE;

pub mod connection;

/// A loaded configuration and the warnings found on the way (unknown keys, odd combinations).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
}

/// Reads and resolves the file at `path`.
pub fn load_file(path: &Path, clock: RunClock) -> Result<Loaded, ConfigError> {
    let bytes = read_bounded(path).map_err(|reason| ConfigError::Unreadable {
        path: path.to_path_buf(),
        reason,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ConfigError::Unreadable {
        path: path.to_path_buf(),
        reason: format!("not valid UTF-8 ({e})"),
    })?;
    let ini = Ini::parse(&text)?;
    resolve(&ini, path.to_path_buf(), clock)
}

/// The largest configuration file read: a real one is a few KiB, and a path such as
/// `/dev/zero` must not be read until memory runs out.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The bytes of the file at `path`, at most [`MAX_CONFIG_BYTES`] of them, else why not.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {} MiB: not a configuration file",
            MAX_CONFIG_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// Reads one section's options, with DEFAULT and the built-in defaults as fallbacks; every
/// key read must be defined for the section's scope, and every value is checked against its
/// definition's kind.
struct Reader<'a> {
    ini: &'a Ini,
    section: &'a str,
    scope: Scopes,
    clock: &'a RunClock,
}

impl Reader<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let mut message = message.into();
        // A value taken from a key that may hold a secret (`port = ${password}`) is not shown.
        let from_secret = self
            .ini
            .raw(self.section, key)
            .is_some_and(super::ini::references_secret);
        if from_secret {
            if let Ok(Some(value)) = self.ini.get(self.section, key) {
                let hidden = "(a value taken from a secret, not shown)";
                // As written, and as a check may have turned it (trimmed, lower case).
                let trimmed = value.trim();
                for form in [
                    trimmed.to_string(),
                    trimmed.to_lowercase(),
                    trimmed.to_uppercase(),
                ] {
                    if !form.is_empty() {
                        message = message.replace(&format!("{form:?}"), &form);
                        message = message.replace(&form, hidden);
                    }
                }
            }
        }
        // A value the section inherits: the operator looks for it in [DEFAULT].
        if !self.own(key)
            && !self.scope.meets(Scopes::REMOTE)
            && self.section != super::ini::DEFAULT_SECTION
            && self.ini.raw(super::ini::DEFAULT_SECTION, key).is_some()
        {
            message.push_str(" (the value comes from [DEFAULT])");
        }
        ConfigError::value(self.section, key, message)
    }

    fn def(&self, key: &str) -> Result<&'static KeyDef, ConfigError> {
        find(self.scope, key).ok_or_else(|| {
            self.err(
                key,
                format!("internal error: not a key of {}", self.scope.describe()),
            )
        })
    }

    /// The interpolated value from the file (section, then DEFAULT), if any; a non-empty value
    /// is checked against the key's kind.
    fn opt(&self, key: &str) -> Result<Option<String>, ConfigError> {
        let def = self.def(key)?;
        // A remote store reads its own keys only: the Python osarchiver hands it its section
        // without [DEFAULT]'s (whose `backend = db`, meant for sources and databases, would
        // name no store).
        if self.scope.meets(Scopes::REMOTE) && !self.own(key) {
            return Ok(None);
        }
        let v = self.ini.get(self.section, key)?;
        if let Some(v) = &v {
            // `port = 3306` then, indented by mistake, `password = ...`: one value, which its
            // check's error (or the log) would show. (`where` is SQL: `key_id = 3` on a line
            // of its own is a condition.)
            if key != "where" && super::ini::holds_secret_line(v) {
                return Err(self.err(
                    key,
                    "runs on over an indented line that reads as a secret's own (`password = ...`), not shown: is that line indented by mistake?",
                ));
            }
            let t = v.trim();
            if !t.is_empty() {
                def.kind.check(t).map_err(|m| self.err(key, m))?;
            }
        }
        Ok(v)
    }

    /// Whether the section itself sets `key` (not [DEFAULT]).
    fn own(&self, key: &str) -> bool {
        self.ini.has_own(self.section, key)
    }

    /// The value, falling back on the built-in default.
    fn get(&self, key: &str) -> Result<String, ConfigError> {
        if let Some(v) = self.opt(key)? {
            return Ok(v);
        }
        self.built_in(key)
    }

    /// The built-in default alone.
    fn built_in(&self, key: &str) -> Result<String, ConfigError> {
        Ok(self
            .def(key)?
            .default
            .value()
            .unwrap_or_default()
            .to_string())
    }

    fn required(&self, key: &str) -> Result<String, ConfigError> {
        match self.opt(key)? {
            Some(v) if !v.trim().is_empty() => Ok(v),
            _ => Err(self.err(key, "is required")),
        }
    }

    fn non_empty(&self, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.opt(key)?.filter(|v| !v.trim().is_empty()))
    }

    fn typed<T>(&self, key: &str, f: impl Fn(&str) -> Result<T, String>) -> Result<T, ConfigError> {
        let raw = self.get(key)?;
        f(raw.trim()).map_err(|m| self.err(key, m))
    }

    fn bool(&self, key: &str) -> Result<bool, ConfigError> {
        self.typed(key, parse_bool)
    }

    fn list(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        Ok(parse_list(&self.get(key)?))
    }

    /// A list of names or patterns, spaces removed as the original does.
    fn names(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        Ok(parse_name_list(&self.get(key)?))
    }

    fn selection(&self, key: &str) -> Result<Selection, ConfigError> {
        let items = self.names(key)?;
        if items.is_empty() {
            // Set, to nothing: the Python osarchiver then chose nothing; taking every one
            // instead would widen the run to the whole server.
            return Err(self.err(
                key,
                "is empty: name what to archive, or write * for all (left out, it is *)",
            ));
        }
        if items.iter().any(|i| i == "*") {
            if items.len() > 1 {
                return Err(self.err(key, "'*' cannot be combined with names"));
            }
            return Ok(Selection::All);
        }
        Ok(Selection::Names(items))
    }

    fn regexes(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        self.names(key)?
            .into_iter()
            .map(|re| super::keys::anchored_regex(&re).map_err(|e| self.err(key, e)))
            .collect()
    }

    fn retry(&self) -> Result<Retry, ConfigError> {
        Ok(Retry {
            max_retries: self.typed("max_retries", parse_count)?,
            delay: Duration::from_secs_f64(self.typed("retry_time_limit", parse_seconds)?),
        })
    }

    fn placeholders(
        &self,
        key: &str,
        raw: &str,
        fields: &[(&str, &str)],
    ) -> Result<String, ConfigError> {
        let fields: BTreeMap<&str, &str> = fields.iter().copied().collect();
        format_placeholders(raw, &fields).map_err(|m| self.err(key, m))
    }

    fn date(&self, key: &str, raw: &str) -> Result<String, ConfigError> {
        self.placeholders(key, raw, &[("date", &self.clock.date)])
    }

    fn connection(&self) -> Result<DbConnection, ConfigError> {
        connection::read(self)
    }

    fn backend(&self, allowed: &[&str]) -> Result<String, ConfigError> {
        let b = self.get("backend")?.trim().to_lowercase();
        if allowed.contains(&b.as_str()) {
            Ok(b)
        } else {
            Err(self.err(
                "backend",
                format!("unknown backend {b:?} (expected {})", allowed.join(" or ")),
            ))
        }
    }
}

/// Resolves a parsed file into the plan of a run.
///
/// When the file has an error, the unknown sections are logged before it is returned: a
/// misspelt section name (`[archivers:nova]`) is often the cause of the error reported.
pub fn resolve(ini: &Ini, path: PathBuf, clock: RunClock) -> Result<Loaded, ConfigError> {
    let result = resolve_all(ini, path, clock);
    if result.is_err() {
        for warning in unknown_sections(ini) {
            tracing::warn!("{warning}");
        }
    }
    result
}

/// `names` without their repeats, each repeat a warning: a source listed twice would be gone
/// through twice (the dry run counting its rows twice), a destination written twice.
fn once_each(
    names: Vec<String>,
    section: &str,
    key: &str,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let mut kept: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        if kept.contains(&n) {
            warnings.push(format!(
                "[{section}]: {key} lists {n} more than once: it is used once"
            ));
        } else {
            kept.push(n);
        }
    }
    kept
}

/// The warnings for sections no definition reads.
fn unknown_sections(ini: &Ini) -> Vec<String> {
    ini.sections()
        .iter()
        .filter(|section| Scopes::of_section(ini, &section.name).is_none())
        .map(|section| {
            format!(
                "[{}]: unknown section (expected archiver:, src:, dst: or remote_store:) is ignored",
                section.name
            )
        })
        .collect()
}

fn resolve_all(ini: &Ini, path: PathBuf, clock: RunClock) -> Result<Loaded, ConfigError> {
    let mut warnings = Vec::new();
    check_keys(ini, &mut warnings);
    check_spaced_names(ini, &mut warnings);

    let mut archivers = Vec::new();
    let mut disabled = Vec::new();
    for section in ini.sections() {
        let Some((Scopes::ARCHIVER, name)) = Scopes::of_section(ini, &section.name) else {
            continue;
        };
        let name = name.as_str();
        let r = Reader {
            ini,
            section: &section.name,
            scope: Scopes::ARCHIVER,
            clock: &clock,
        };
        if !r.bool("enable")? {
            disabled.push(name.to_string());
            continue;
        }
        let src_names = once_each(
            parse_list(&r.required("src")?),
            &section.name,
            "src",
            &mut warnings,
        );
        let dst_names = once_each(r.list("dst")?, &section.name, "dst", &mut warnings);
        let mut destinations = Vec::new();
        // Destinations listed but turned off by their archive_data, and why.
        let mut turned_off: Vec<String> = Vec::new();
        for d in &dst_names {
            let dst_section = format!("dst:{d}");
            if ini.section(&dst_section).is_none() {
                return Err(r.err(
                    "dst",
                    format!("refers to [{dst_section}], which does not exist"),
                ));
            }
            let enabled = Reader {
                ini,
                section: &dst_section,
                scope: Scopes::DST,
                clock: &clock,
            }
            .bool("archive_data")?;
            let destination = resolve_destination(ini, &dst_section, d, &clock, &mut warnings)?;
            // As in the Python osarchiver, only a database destination reads `archive_data`: a
            // file destination is written whatever it says (a `false` in [DEFAULT] meant for
            // the sources must not turn the files off).
            if let (Destination::File(_), false) = (&destination, enabled) {
                if ini.has_own(&dst_section, "archive_data") {
                    warnings.push(format!(
                        "[{dst_section}]: archive_data = false has no effect on a file destination (as in the Python osarchiver): its files are written"
                    ));
                }
                destinations.push(destination);
                continue;
            }
            if !enabled {
                warnings.push(format!(
                    "[{dst_section}]: archive_data = false: archiver '{name}' does not write to this destination"
                ));
                let inherited = !ini.has_own(&dst_section, "archive_data");
                turned_off.push(format!(
                    "[{dst_section}] has archive_data = false{}",
                    if inherited { " (from [DEFAULT])" } else { "" }
                ));
                continue;
            }
            destinations.push(destination);
        }
        let mut sources = Vec::new();
        for s in &src_names {
            let src_section = format!("src:{s}");
            if ini.section(&src_section).is_none() {
                return Err(r.err(
                    "src",
                    format!("refers to [{src_section}], which does not exist"),
                ));
            }
            let source = resolve_source(ini, &src_section, s, &clock, &mut warnings)?;
            if source.archive_data && destinations.is_empty() {
                let why = if turned_off.is_empty() {
                    "no destination".to_string()
                } else {
                    format!("no destination written ({})", turned_off.join(", "))
                };
                return Err(r.err(
                    "dst",
                    format!(
                        "{why}, but [{src_section}] has archive_data = true: rows would be \
                         deleted without being archived (set a dst, or archive_data = false to only delete)"
                    ),
                ));
            }
            if !source.archive_data && !source.delete_data {
                warnings.push(format!(
                    "[{src_section}]: archive_data and delete_data are both false: archiver '{name}' will only count rows"
                ));
            }
            if !source.archive_data && source.delete_data {
                warnings.push(format!(
                    "[{src_section}]: archive_data = false and delete_data = true: archiver '{name}' deletes rows without archiving them"
                ));
            }
            sources.push(source);
        }
        archivers.push(Archiver {
            name: name.to_string(),
            sources,
            destinations,
        });
    }
    if archivers.is_empty() && disabled.is_empty() {
        return Err(ConfigError::NoArchiver {
            unknown: ini
                .sections()
                .iter()
                .filter(|section| Scopes::of_section(ini, &section.name).is_none())
                .map(|section| section.name.clone())
                .collect(),
        });
    }
    if archivers.is_empty() {
        warnings.push(format!(
            "every archiver is disabled (enable = false): {}; nothing will be archived",
            disabled.join(", ")
        ));
    }
    // The database destinations no enabled archiver uses: a disabled archiver's archives are
    // never another's sources. A section that does not resolve names no archive.
    let used: Vec<&str> = archivers
        .iter()
        .flat_map(|a| &a.destinations)
        .map(|d| d.name())
        .collect();
    let mut other_db_suffixes = Vec::new();
    for section in ini.sections() {
        let Some((Scopes::DST_DB, name)) = Scopes::of_section(ini, &section.name) else {
            continue;
        };
        if used.contains(&name.as_str()) {
            continue;
        }
        if let Ok(Destination::Db(d)) =
            resolve_destination(ini, &section.name, &name, &clock, &mut Vec::new())
        {
            other_db_suffixes.push((d.db_suffix, d.table_suffix));
        }
    }
    Ok(Loaded {
        config: Config {
            path,
            clock,
            archivers,
            disabled,
            other_db_suffixes,
        },
        warnings,
    })
}

/// The keys whose items lose their spaces (see [`parse_name_list`]).
const NAME_LISTS: [&str; 4] = [
    "databases",
    "tables",
    "excluded_databases",
    "excluded_tables",
];

/// Warns about every name or pattern with a space inside, which the original (and we) read
/// without its spaces: `shadow_ .*` looks like two patterns and is one, `shadow_.*`.
fn check_spaced_names(ini: &Ini, warnings: &mut Vec<String>) {
    for section in ini.sections() {
        if !matches!(
            Scopes::of_section(ini, &section.name),
            Some((Scopes::SRC, _))
        ) {
            continue;
        }
        for key in NAME_LISTS {
            let Ok(Some(raw)) = ini.get(&section.name, key) else {
                continue;
            };
            for item in spaced_items(&raw) {
                warnings.push(format!(
                    "[{}]: {key}: {item:?} contains spaces; they are removed, as the Python \
                     osarchiver does: it reads {:?} (separate items with commas or new lines)",
                    section.name,
                    item.replace(' ', "")
                ));
            }
        }
    }
}

/// Warns about every key no definition reads in its section (or, in DEFAULT, anywhere).
fn check_keys(ini: &Ini, warnings: &mut Vec<String>) {
    // Keys and sections kept as variables for `${...}`, as configparser allows.
    let references = ini.references();
    let referenced = |section: &str, key: &str| {
        references.iter().any(|(s, k)| {
            k == key
                && s.as_deref()
                    .is_none_or(|s| s == section || s == DEFAULT_SECTION)
        })
    };
    let section_referenced = |section: &str| {
        references
            .iter()
            .any(|(s, _)| s.as_deref() == Some(section))
    };
    let remote_stores = ini
        .sections()
        .iter()
        .any(|s| s.name.starts_with("remote_store:"));
    for key in ini.default_keys() {
        if !is_known_anywhere(key) && !referenced(DEFAULT_SECTION, key) {
            warnings.push(format!(
                "[{DEFAULT_SECTION}]: unknown key '{key}' is ignored"
            ));
        } else if remote_stores
            && find(Scopes::REMOTE, key).is_some()
            && find(Scopes::SRC.union(Scopes::DST).union(Scopes::ARCHIVER), key).is_none()
            && !referenced(DEFAULT_SECTION, key)
        {
            warnings.push(format!(
                "[{DEFAULT_SECTION}]: key '{key}' is ignored: a [remote_store:NAME] section reads its own keys only, as in the Python osarchiver; set it there"
            ));
        }
    }
    for section in ini.sections() {
        match Scopes::of_section(ini, &section.name) {
            Some((scope, _)) => {
                for key in section.keys() {
                    if find(scope, key).is_some() || referenced(&section.name, key) {
                        continue;
                    }
                    let unused = key
                        .strip_prefix("opt_")
                        .filter(|_| scope == Scopes::SWIFT)
                        .and_then(super::remote::swift::unused);
                    if let Some(why) = unused {
                        warnings.push(format!(
                            "[{}]: '{key}' is a python-swiftclient option osarchiver does not use ({why}); it is ignored",
                            section.name
                        ));
                        continue;
                    }
                    let other = if is_known_anywhere(key) {
                        let implicit = if scope == Scopes::DST_DB
                            && !section.keys().any(|k| k == "backend")
                        {
                            " (this section has no backend key, so it is one with backend = db)"
                        } else if scope == Scopes::SWIFT && !section.keys().any(|k| k == "backend") {
                            " (this section has no backend key, so it is one with backend = swift)"
                        } else {
                            ""
                        };
                        format!(
                            ": it is a key of {}, not of {}{implicit}",
                            where_read(key),
                            scope.describe()
                        )
                    } else {
                        String::new()
                    };
                    warnings.push(format!(
                        "[{}]: unknown key '{key}' is ignored{other}",
                        section.name
                    ));
                }
            }
            None if section_referenced(&section.name) => {}
            None => warnings.push(format!(
                "[{}]: unknown section (expected archiver:, src:, dst: or remote_store:) is ignored",
                section.name
            )),
        }
    }
}

fn resolve_source(
    ini: &Ini,
    section: &str,
    name: &str,
    clock: &RunClock,
    warnings: &mut Vec<String>,
) -> Result<Source, ConfigError> {
    let r = Reader {
        ini,
        section,
        scope: Scopes::SRC,
        clock,
    };
    r.backend(&["db"])?;
    let own_where = r.opt("where")?;
    let where_set = own_where.is_some();
    let raw = r.ini.raw(section, "where").unwrap_or_default().to_string();
    // A `where` written with `${retention}` (as the Python tool's sample is): an empty
    // retention makes it `INTERVAL )`, which the server would refuse on every table.
    // (Only the section's own: `${other:retention}` is another section's value.)
    let where_uses_retention = raw.to_lowercase().contains("${retention}");
    // A retention of another section that the `where` names (`${DEFAULT:retention}`): checked
    // as the section's own is, in its own section's name.
    let named = regex::Regex::new(r"(?i)\$\{([^}:]+):retention\}").expect("a valid regex");
    // The values those references take, checked: the section's own retention, when it is
    // one of them (inherited from `[DEFAULT]`), needs no other check (helper 139).
    let mut taken = Vec::new();
    for reference in named.captures_iter(&raw) {
        let other = reference[1].to_string();
        let Some(value) = r.ini.get(&other, "retention")? else {
            continue;
        };
        if let Err(m) = parse_retention_in_where(&value, &raw, &reference[0]) {
            return Err(ConfigError::Value {
                section: other,
                key: "retention".into(),
                message: format!("{m} (the 'where' of [{section}] uses it)"),
            });
        }
        taken.push(value.trim().to_string());
    }
    // A retention no `where` uses (one of `[DEFAULT]` beside a `where` of the section's own)
    // is only shown: the Python tool never read it, whatever it said. One that the `where`
    // takes through a key of its own (`${ret}`) shows in the interpolated `where`.
    // (A number alone found in the `where`, `30` in `'2020-01-30'`, proves nothing: one that
    // reaches the `where` by another key leaves its unit to it, helper 139.)
    let uses = |v: &str| {
        !where_set
            || where_uses_retention
            || (!is_bare_number(v) && own_where.as_deref().unwrap_or_default().contains(v.trim()))
    };
    let retention = match r.non_empty("retention")? {
        Some(v) if !where_uses_retention && taken.contains(&v.trim().to_string()) => {
            Some(v.trim().to_string())
        }
        Some(v) => match if where_uses_retention {
            parse_retention_in_where(&v, &raw, "${retention}")
        } else {
            parse_retention(&v)
        } {
            Ok(retention) => Some(retention),
            Err(m) if !uses(&v) => {
                warnings.push(format!(
                    "[{section}] key 'retention': {m}; no 'where' of the section uses it"
                ));
                None
            }
            Err(m) => return Err(r.err("retention", m)),
        },
        None => None,
    };
    if retention.is_none() && where_uses_retention {
        return Err(r.err(
            "retention",
            "is missing or empty, and the 'where' uses it (${retention})",
        ));
    }
    let raw_where = match own_where {
        Some(w) => w,
        None => {
            // The built-in default, interpolated in this section like a file value would be.
            if retention.is_none() {
                return Err(r.err("retention", "is required by the default 'where'"));
            }
            DEFAULT_WHERE
                .replace("${deleted_column}", &r.get("deleted_column")?)
                .replace("${retention}", retention.as_deref().unwrap_or_default())
        }
    };
    if raw_where.trim().is_empty() {
        return Err(r.err("where", "is empty: it would select every row"));
    }
    let where_clause = r.placeholders("where", &raw_where, &[("now", &clock.now)])?;
    super::condition::check(&where_clause).map_err(|m| {
        if where_set {
            r.err("where", m)
        } else {
            // The default `where`, made of `deleted_column` and `retention`: name them.
            r.err(
                "deleted_column",
                format!("makes the default 'where' ({raw_where}) invalid: {m}"),
            )
        }
    })?;
    let deleted_column = r.get("deleted_column")?.trim().to_string();
    if deleted_column.is_empty() {
        return Err(r.err("deleted_column", "is empty"));
    }
    Ok(Source {
        name: name.to_string(),
        conn: r.connection()?,
        databases: r.selection("databases")?,
        tables: r.selection("tables")?,
        excluded_databases: r.regexes("excluded_databases")?,
        excluded_tables: r.regexes("excluded_tables")?,
        retention,
        deleted_column,
        where_clause,
        where_is_default: !where_set,
        archive_data: r.bool("archive_data")?,
        delete_data: r.bool("delete_data")?,
        select_limit: r.typed("select_limit", parse_positive)?,
        delete_limit: r.typed("delete_limit", parse_positive)?,
        delete_loop_delay: Duration::from_secs_f64(r.typed("delete_loop_delay", parse_seconds)?),
        progress_interval: Duration::from_secs_f64(r.typed("progress_interval", parse_seconds)?),
        retry: r.retry()?,
        foreign_key_check: r.bool("foreign_key_check")?,
        max_runtime: match r.non_empty("max_runtime")? {
            Some(v) => parse_duration(&v).map_err(|m| r.err("max_runtime", m))?,
            None => None,
        },
        jobs: match usize::try_from(r.typed("jobs", parse_positive)?) {
            Ok(n) if n <= crate::cli::MAX_JOBS => n,
            _ => return Err(r.err("jobs", format!("must be at most {}", crate::cli::MAX_JOBS))),
        },
        lock_dir: r.non_empty("lock_dir")?.map(|d| PathBuf::from(d.trim())),
        throttle: ThrottleConfig {
            replicas: r
                .list("replicas")?
                .iter()
                .map(|h| parse_host_port(h))
                .collect::<Result<_, _>>()
                .map_err(|m| r.err("replicas", m))?,
            // Empty means the default, as unset.
            max_replication_lag: match r.non_empty("max_replication_lag")? {
                Some(v) => parse_count(v.trim()),
                None => parse_count(&r.built_in("max_replication_lag")?),
            }
            .map_err(|m| r.err("max_replication_lag", m))?,
            max_threads_running: optional(&r, "max_threads_running", parse_positive)?,
            max_wsrep_recv_queue: optional(&r, "max_wsrep_recv_queue", parse_count)?,
            max_flow_control_paused: optional(&r, "max_flow_control_paused", parse_fraction)?,
            max_pause: match r.non_empty("max_pause")? {
                Some(v) => parse_duration(&v).map_err(|m| r.err("max_pause", m))?,
                None => {
                    parse_duration(&r.built_in("max_pause")?).map_err(|m| r.err("max_pause", m))?
                }
            },
        },
    })
}

/// An optional typed key: `None` when unset or empty.
fn optional<T>(
    r: &Reader<'_>,
    key: &str,
    f: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    match r.non_empty(key)? {
        Some(v) => f(v.trim()).map(Some).map_err(|m| r.err(key, m)),
        None => Ok(None),
    }
}

fn resolve_destination(
    ini: &Ini,
    section: &str,
    name: &str,
    clock: &RunClock,
    warnings: &mut Vec<String>,
) -> Result<Destination, ConfigError> {
    let scope = Scopes::DST;
    let backend = Reader {
        ini,
        section,
        scope,
        clock,
    }
    .backend(&["db", "file"])?;
    let scope = if backend == "db" {
        Scopes::DST_DB
    } else {
        Scopes::DST_FILE
    };
    let r = Reader {
        ini,
        section,
        scope,
        clock,
    };
    match backend.as_str() {
        "db" => {
            let suffix = |key: &str| -> Result<Option<String>, ConfigError> {
                match r.non_empty(key)? {
                    Some(v) => Ok(Some(r.date(key, &v)?)),
                    None => Ok(None),
                }
            };
            Ok(Destination::Db(DbDestination {
                name: name.to_string(),
                conn: r.connection()?,
                db_suffix: suffix("db_suffix")?,
                table_suffix: suffix("table_suffix")?,
                bulk_insert: r.typed("bulk_insert", parse_positive)?,
                server_side_copy: r.bool("server_side_copy")?,
                retry: r.retry()?,
            }))
        }
        _ => {
            let directory = r.date("directory", &r.required("directory")?)?;
            let mut formats = Vec::new();
            for f in r.list("formats")? {
                let Some(format) = FileFormat::parse(&f) else {
                    return Err(r.err(
                        "formats",
                        format!("unknown format {f:?} (expected csv, sql)"),
                    ));
                };
                if !formats.contains(&format) {
                    formats.push(format);
                }
            }
            if formats.is_empty() {
                return Err(r.err("formats", "is empty (expected csv, sql or both)"));
            }
            let af = r.get("archive_format")?;
            let Some(archive_format) = ArchiveFormat::parse(af.trim()) else {
                let names: Vec<&str> = ArchiveFormat::ALL.iter().map(|(n, _)| *n).collect();
                return Err(r.err(
                    "archive_format",
                    format!(
                        "unknown archive format {af:?} (expected one of {})",
                        names.join(", ")
                    ),
                ));
            };
            let compression_level = compression_level(&r, archive_format, warnings)?;
            let mut remote_stores = Vec::new();
            for store in r.list("remote_store")? {
                let store_section = format!("remote_store:{store}");
                if ini.section(&store_section).is_none() {
                    return Err(r.err(
                        "remote_store",
                        format!("refers to [{store_section}], which does not exist"),
                    ));
                }
                remote_stores.push(resolve_remote_store(
                    ini,
                    &store_section,
                    &store,
                    clock,
                    warnings,
                )?);
            }
            Ok(Destination::File(FileDestination {
                name: name.to_string(),
                directory: PathBuf::from(directory),
                formats,
                archive_format,
                compression_level,
                remote_stores,
            }))
        }
    }
}

/// `compression_level`, checked against what `format` takes; the format's own level when
/// unset. Set for `tar`, which does not compress, it is ignored with a warning (it may come
/// from `[DEFAULT]`, meant for other destinations).
fn compression_level(
    r: &Reader<'_>,
    format: ArchiveFormat,
    warnings: &mut Vec<String>,
) -> Result<u32, ConfigError> {
    let set = optional(r, "compression_level", parse_count)?;
    let Some(levels) = format.levels() else {
        if set.is_some() {
            warnings.push(format!(
                "[{}] compression_level is ignored: archive_format tar does not compress",
                r.section
            ));
        }
        return Ok(0);
    };
    let Some(level) = set else {
        return Ok(levels.default);
    };
    match u32::try_from(level) {
        Ok(level) if (levels.min..=levels.max).contains(&level) => Ok(level),
        _ => Err(r.err(
            "compression_level",
            format!(
                "{level} is out of range for archive_format {} (expected {} to {})",
                format.name(),
                levels.min,
                levels.max
            ),
        )),
    }
}

fn resolve_remote_store(
    ini: &Ini,
    section: &str,
    name: &str,
    clock: &RunClock,
    warnings: &mut Vec<String>,
) -> Result<RemoteStore, ConfigError> {
    // The original only knew Swift; a section without a backend meant Swift.
    let any_backend = Reader {
        ini,
        section,
        scope: Scopes::REMOTE,
        clock,
    };
    let backend = match any_backend
        .non_empty("backend")?
        .map(|b| b.trim().to_lowercase())
        .as_deref()
    {
        Some("s3") => RemoteBackend::S3,
        _ => RemoteBackend::Swift,
    };
    let r = Reader {
        ini,
        section,
        scope: match backend {
            RemoteBackend::Swift => Scopes::SWIFT,
            RemoteBackend::S3 => Scopes::S3,
        },
        clock,
    };
    let container = match (r.non_empty("container")?, r.non_empty("bucket")?) {
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => {
            return Err(r.err(
                "container",
                "is required (the container or bucket to upload to)",
            ))
        }
    };
    // The backend's opt_* keys, each checked; the others were warned about and are left out.
    let mut options = Vec::new();
    let own: Vec<String> = ini
        .section(section)
        .map(|s| s.keys().map(str::to_string).collect())
        .unwrap_or_default();
    for key in own {
        if let (Some(opt), Some(_)) = (key.strip_prefix("opt_"), find(r.scope, &key)) {
            let v = r.get(&key)?;
            options.push((opt.to_string(), v));
        }
    }
    // The section's own keys first, so that a bad one of them is the error named.
    let delete_after_upload = r.bool("delete_after_upload")?;
    let explicit_attempts = r.typed("upload_attempts", parse_attempts)?;
    let upload_backoff = r.typed("upload_backoff", parse_backoff)?;
    let connect_timeout = r.typed("connect_timeout", parse_timeout)?;
    r.typed("read_timeout", parse_timeout)?;
    let (settings, notes) = remote::resolve(backend, &options, &|k| std::env::var(k).ok())
        .map_err(|(key, message)| match key.strip_prefix("opt_") {
            Some(_) => r.err(&key, message),
            None => r.err(&format!("{key} (environment variable)"), message),
        })?;
    for w in notes.warnings {
        warnings.push(format!("[{section}]: {w}"));
    }
    // Swift's opt_timeout is swiftclient's name for read_timeout; read_timeout wins.
    let read_timeout = match (r.non_empty("read_timeout")?, backend) {
        (None, RemoteBackend::Swift) => match r.non_empty("opt_timeout")? {
            Some(_) => r.typed("opt_timeout", parse_timeout)?,
            None => r.typed("read_timeout", parse_timeout)?,
        },
        _ => r.typed("read_timeout", parse_timeout)?,
    };
    // opt_retries is swiftclient's retry count; upload_attempts wins.
    let upload_attempts = match (r.non_empty("upload_attempts")?, notes.attempts) {
        (None, Some(n)) => n,
        _ => explicit_attempts,
    };
    Ok(RemoteStore {
        name: name.to_string(),
        backend,
        container,
        file_name_prefix: r
            .non_empty("file_name_prefix")?
            .map(|p| p.trim_matches('/').to_string())
            .filter(|p| !p.is_empty()),
        delete_after_upload,
        upload_attempts,
        upload_backoff,
        connect_timeout,
        read_timeout,
        options,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, ConfigError> {
        let ini = Ini::parse(text)?;
        resolve(&ini, PathBuf::from("t.ini"), RunClock::start())
    }

    const BASE: &str = "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\n\n\
                        [dst:f]\nbackend = file\ndirectory = /tmp/x\nremote_store = r\n\n";

    /// A default `where` made invalid by `deleted_column` names that key, not `where`.
    #[test]
    fn an_invalid_default_where_names_deleted_column() {
        let text = "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\n\
                    deleted_column = a`b\n\n[dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let e = load(text).unwrap_err().to_string();
        assert!(e.contains("key 'deleted_column'"), "{e}");
    }

    /// An empty `retention` that the `where` uses (the Python sample's form) is an error of
    /// `retention`; it passed, and the server refused `INTERVAL )` on every table.
    #[test]
    fn an_empty_retention_used_by_the_where_is_an_error() {
        let text = "[DEFAULT]\nretention =\n\n[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\n\
                    where = deleted_at <= SUBDATE(NOW(), INTERVAL ${retention})\n\n\
                    [dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let e = load(text).unwrap_err().to_string();
        assert!(
            e.contains("[src:s]") && e.contains("key 'retention'") && e.contains("empty"),
            "{e}"
        );
        // A `where` that does not use it does not need it, nor one that takes another
        // section's.
        assert!(load(&text.replace("INTERVAL ${retention}", "INTERVAL 1 DAY")).is_ok());
        let other = text.replace("${retention}", "${common:retention}").replace(
            "[archiver:a]",
            "[common]\nretention = 90 DAY\n\n[archiver:a]",
        );
        assert!(load(&other).is_ok(), "{:?}", load(&other).err());
        assert!(load(&text.replace("retention =", "retention = 2 DAY")).is_ok());
    }

    /// A retention no `where` uses is shown, not checked: the Python tool never read it (a
    /// `[DEFAULT]` retention beside a source's own `where`); one that a `where` uses is.
    #[test]
    fn a_retention_nothing_uses_is_a_warning() {
        let text = "[DEFAULT]\nretention = 365*2 DAY\n\n[archiver:a]\nsrc = s\ndst = f\n\n\
                    [src:s]\nwhere = deleted_at <= SUBDATE(NOW(), INTERVAL 2 YEAR)\n\n\
                    [dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let loaded = load(text).expect("loads");
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.contains("[src:s] key 'retention'") && w.contains("365*2")),
            "{:?}",
            loaded.warnings
        );
        let used = text.replace("INTERVAL 2 YEAR", "INTERVAL ${retention}");
        let e = load(&used).unwrap_err().to_string();
        assert!(
            e.contains("[src:s]") && e.contains("key 'retention'"),
            "{e}"
        );
        // The default `where` uses it.
        let default = text.replace(
            "where = deleted_at <= SUBDATE(NOW(), INTERVAL 2 YEAR)\n",
            "",
        );
        assert!(load(&default).is_err());
        // So does a `where` that takes it through another name, beside a retention of the
        // section's own.
        let own = text.replace("[src:s]\n", "[src:s]\nretention = 30 DAY\n");
        let e = load(&own.replace("INTERVAL 2 YEAR", "INTERVAL ${DEFAULT:retention}"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[DEFAULT]") && e.contains("key 'retention'"),
            "{e}"
        );
        for other in ["${DEFAULT:retention}", "${ret}"] {
            let used = text
                .replace("INTERVAL 2 YEAR", &format!("INTERVAL {other}"))
                .replace("[archiver:a]", "ret = ${retention}\n\n[archiver:a]");
            let e = load(&used).unwrap_err().to_string();
            assert!(e.contains("key 'retention'"), "{other}: {e}");
        }
    }

    /// A value taken from a secret key, refused by another key's check, is not shown.
    #[test]
    fn a_value_taken_from_a_secret_is_not_shown_in_errors() {
        let text =
            "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\npassword = SeCrEt\nport = ${password}\n\n\
                    [dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let e = load(text).unwrap_err().to_string();
        assert!(e.contains("port") && e.contains("not shown"), "{e}");
        assert!(!e.contains("SeCrEt"), "{e}");
        let e = load(&text.replace("${password}", "SeCrEt"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("SeCrEt"), "a value of its own is shown: {e}");
        // A check that lowers the value's case first (`ssl_mode`) hides it all the same.
        let e = load(&text.replace("port = ", "ssl_mode = "))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ssl_mode") && e.contains("not shown"), "{e}");
        assert!(!e.to_lowercase().contains("secret\""), "{e}");
    }

    /// A password line indented by mistake under `user` is read as part of the user name,
    /// which the log and the server's refusal showed: a line break in a host, socket or user
    /// is a configuration error naming the key, and the password is not shown.
    #[test]
    fn a_line_indented_into_the_user_is_an_error_that_shows_no_password() {
        for key in [
            "user",
            "host",
            "socket",
            "port",
            "select_limit",
            "databases",
        ] {
            let text = format!(
                "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\n{key} = arch\n\tpassword = SeCrEt\n\n\
                 [dst:f]\nbackend = file\ndirectory = /tmp/x\n"
            );
            let e = load(&text).unwrap_err().to_string();
            assert!(e.contains("[src:s]") && e.contains(key), "{e}");
            assert!(
                (e.contains("line break") || e.contains("indented")) && !e.contains("SeCrEt"),
                "{e}"
            );
        }
    }

    /// A bad value a section inherits from `[DEFAULT]` says so: the section named has no such
    /// key of its own.
    #[test]
    fn a_bad_value_inherited_from_default_says_where_it_comes_from() {
        let text =
            format!("[DEFAULT]\ndelete_data = maybe\n\n{BASE}").replace("remote_store = r\n", "");
        let e = load(&text).unwrap_err().to_string();
        assert!(
            e.contains("[src:s], key 'delete_data'")
                && e.ends_with("(the value comes from [DEFAULT])"),
            "{e}"
        );
        let own = text.replace(
            "retention = 1 DAY",
            "retention = 1 DAY\ndelete_data = perhaps",
        );
        let e = load(&own).unwrap_err().to_string();
        assert!(e.contains("perhaps") && !e.contains("[DEFAULT]"), "{e}");
    }

    /// Every destination turned off by its `archive_data` (here from [DEFAULT]) while the source
    /// archives: refused, naming the destination and where its `archive_data` comes from (it
    /// said "no destination" with a `dst` set).
    #[test]
    fn a_destination_turned_off_by_default_archive_data_is_named() {
        let text = "[DEFAULT]\narchive_data = false\n\n[archiver:a]\nsrc = s\ndst = d\n\n\
                    [src:s]\nretention = 1 DAY\narchive_data = true\ndelete_data = true\n\n\
                    [dst:d]\nbackend = db\n";
        let e = load(text).unwrap_err().to_string();
        assert!(
            e.contains(
                "no destination written ([dst:d] has archive_data = false (from [DEFAULT]))"
            ),
            "{e}"
        );
    }

    /// A source or a destination listed twice by an archiver is used once, with a warning: the
    /// dry run counted a twice-listed source's rows twice, and a real run went through it twice.
    #[test]
    fn a_name_listed_twice_in_src_or_dst_is_used_once() {
        let text = "[archiver:a]\nsrc = s, t; s\ndst = f, f\n\n[src:s]\nretention = 1 DAY\n\n\
                    [src:t]\nretention = 1 DAY\n\n[dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let loaded = load(text).unwrap();
        let a = &loaded.config.archivers[0];
        let sources: Vec<&str> = a.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(sources, ["s", "t"]);
        assert_eq!(a.destinations.len(), 1);
        let w = loaded.warnings.join("\n");
        assert!(
            w.contains("[archiver:a]: src lists s more than once"),
            "{w}"
        );
        assert!(
            w.contains("[archiver:a]: dst lists f more than once"),
            "{w}"
        );
        let once = load(&text.replace("t; s", "t").replace("f, f", "f")).unwrap();
        assert!(!once.warnings.join("\n").contains("more than once"));
    }

    /// Keys and sections kept only as `${...}` variables are not "unknown": configparser users
    /// write them so. An unreferenced unknown key still is.
    #[test]
    fn variables_kept_for_interpolation_are_not_unknown_keys() {
        let text = "[DEFAULT]\ndb_host = h\nhost = ${db_host}\n\n[common]\npw = x\n\n\
                    [archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\n\
                    password = ${common:pw}\nmine = 2\nport = ${mine}0\ntypo_key = 1\n\n\
                    [dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let loaded = load(text).unwrap();
        let w = loaded.warnings.join("\n");
        assert!(w.contains("unknown key 'typo_key'"), "{w}");
        for quiet in ["db_host", "[common]", "'mine'"] {
            assert!(!w.contains(quiet), "{quiet}: {w}");
        }
    }

    #[test]
    fn remote_options_are_those_of_the_backend() {
        let text = format!(
            "{BASE}[remote_store:r]\nbucket = b\nopt_auth_url = http://h/auth/v1.0\nopt_user = u\n\
             opt_key = k\nopt_region = x\nopt_colour = blue\n"
        );
        let loaded = load(&text).unwrap();
        let Destination::File(f) = &loaded.config.archivers[0].destinations[0] else {
            panic!("a file destination");
        };
        let store = &f.remote_stores[0];
        assert_eq!(store.backend, RemoteBackend::Swift);
        let keys: Vec<&str> = store.options.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["auth_url", "user", "key"]);
        for key in ["opt_region", "opt_colour"] {
            assert!(
                loaded
                    .warnings
                    .iter()
                    .any(|w| w.contains("[remote_store:r]") && w.contains(key)),
                "{key}: {:?}",
                loaded.warnings
            );
        }
    }

    /// A remote store reads its own keys only, as the Python osarchiver does: `backend = db`
    /// in [DEFAULT] (for sources and databases) refused the file (exit 2), and a
    /// `file_name_prefix` there named the objects otherwise than the Python tool.
    #[test]
    fn a_remote_store_takes_nothing_from_default() {
        let text = format!(
            "[DEFAULT]\nbackend = db\nfile_name_prefix = region1\nopt_user = du\n\n{BASE}\
             [remote_store:r]\ncontainer = c\nopt_auth_url = http://h/auth/v1.0\nopt_key = k\n"
        );
        // TempAuth needs a user: not the one of [DEFAULT], which is not read.
        let e = load(&text).unwrap_err().to_string();
        assert!(
            e.contains("[remote_store:r], key 'opt_user'") && !e.contains("[DEFAULT]"),
            "{e}"
        );
        let text = text.replace("opt_key = k\n", "opt_key = k\nopt_user = u\n");
        let loaded = load(&text).unwrap();
        let Destination::File(f) = &loaded.config.archivers[0].destinations[0] else {
            panic!("a file destination");
        };
        let store = &f.remote_stores[0];
        assert_eq!(store.backend, RemoteBackend::Swift);
        assert_eq!(store.file_name_prefix, None);
        let keys: Vec<&str> = store.options.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["auth_url", "key", "user"]);
        let w = loaded.warnings.join("\n");
        for key in ["file_name_prefix", "opt_user"] {
            assert!(
                w.contains(&format!(
                    "[DEFAULT]: key '{key}' is ignored: a [remote_store:NAME]"
                )),
                "{key}: {w}"
            );
        }
        assert!(!w.contains("key 'backend' is ignored"), "{w}");
        // Its own keys are read as ever.
        let own = text.replace("container = c\n", "container = c\nfile_name_prefix = p\n");
        let loaded = load(&own).unwrap();
        let Destination::File(f) = &loaded.config.archivers[0].destinations[0] else {
            panic!("a file destination");
        };
        assert_eq!(f.remote_stores[0].file_name_prefix.as_deref(), Some("p"));
    }

    #[test]
    fn defaults_come_from_the_definitions() {
        let loaded = load(&format!(
            "{BASE}[remote_store:r]\nbackend = s3\nbucket = b\n"
        ))
        .unwrap();
        let a = &loaded.config.archivers[0];
        let s = &a.sources[0];
        assert_eq!((s.select_limit, s.delete_limit), (1000, 500));
        assert_eq!(s.conn.host, "localhost");
        assert_eq!(s.conn.port, 3306);
        assert_eq!(s.throttle.max_replication_lag, 10);
        assert!(s.where_clause.starts_with("deleted_at <= SUBDATE('"));
        let Destination::File(f) = &a.destinations[0] else {
            panic!("a file destination");
        };
        assert_eq!(f.formats, [FileFormat::Csv]);
        assert_eq!(f.archive_format, ArchiveFormat::Tar);
        let r = &f.remote_stores[0];
        assert_eq!((r.upload_attempts, r.delete_after_upload), (5, false));
        assert_eq!(r.upload_backoff, Duration::from_secs(1));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }

    #[test]
    fn compression_level_defaults_per_format_and_is_checked_against_it() {
        let level = |dst_keys: &str| -> Result<(u32, Vec<String>), ConfigError> {
            let text = format!(
                "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nretention = 1 DAY\n\n\
                 [dst:f]\nbackend = file\ndirectory = /tmp/x\n{dst_keys}\n"
            );
            let loaded = load(&text)?;
            let Destination::File(f) = &loaded.config.archivers[0].destinations[0] else {
                panic!("a file destination");
            };
            Ok((f.compression_level, loaded.warnings))
        };
        for (format, default) in [
            ("gztar", 1),
            ("gz", 6),
            ("zip", 6),
            ("bztar", 6),
            ("xztar", 6),
            ("zst", 3),
            ("tar", 0),
        ] {
            let (got, warnings) = level(&format!("archive_format = {format}")).unwrap();
            assert_eq!(got, default, "{format}");
            assert!(warnings.is_empty(), "{format}: {warnings:?}");
        }
        assert_eq!(
            level("archive_format = gztar\ncompression_level = 12")
                .unwrap()
                .0,
            12
        );
        assert_eq!(
            level("archive_format = xztar\ncompression_level = 0")
                .unwrap()
                .0,
            0
        );
        for (keys, what) in [
            (
                "archive_format = gztar\ncompression_level = 0",
                "0 is out of range for archive_format gztar (expected 1 to 12)",
            ),
            (
                "archive_format = bztar\ncompression_level = 10",
                "expected 1 to 9",
            ),
            (
                "archive_format = gztar\ncompression_level = 4294967297",
                "4294967297 is out of range",
            ),
            (
                "archive_format = zst\ncompression_level = 99999999999999999999",
                "not a whole number",
            ),
            (
                "archive_format = zip\ncompression_level = fast",
                "not a whole number",
            ),
        ] {
            let e = level(keys).unwrap_err().to_string();
            assert!(
                e.contains("[dst:f]") && e.contains("compression_level") && e.contains(what),
                "{keys}: {e}"
            );
        }
        // From [DEFAULT], meant for other destinations: ignored by a tar one, with a warning.
        let text = "[DEFAULT]\ncompression_level = 9\n\n[archiver:a]\nsrc = s\ndst = f\n\n\
                    [src:s]\nretention = 1 DAY\n\n[dst:f]\nbackend = file\ndirectory = /tmp/x\n";
        let loaded = load(text).unwrap();
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.contains("[dst:f] compression_level is ignored")),
            "{:?}",
            loaded.warnings
        );
    }
}
