//! From the raw INI to the typed [`Config`]: defaults, typed values, cross-section references
//! and validation. Every error names its section and key; unknown keys become warnings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;

use super::error::ConfigError;
use super::ini::{Ini, DEFAULT_SECTION};
use super::keys::{is_known, is_known_anywhere, SectionKind};
use super::model::*;
use super::value::*;
use super::RunClock;

/// The default selection predicate, as the original's sample writes it.
pub const DEFAULT_WHERE: &str = "${deleted_column} <= SUBDATE('{now}', INTERVAL ${retention})";

/// Built-in defaults, used when neither the section nor DEFAULT sets a key.
const DEFAULTS: &[(&str, &str)] = &[
    ("enable", "true"),
    ("delete_after_upload", "false"),
    ("upload_attempts", "5"),
    ("upload_backoff", "1"),
    ("backend", "db"),
    ("port", "3306"),
    ("host", "localhost"),
    ("select_limit", "1000"),
    ("delete_limit", "500"),
    ("bulk_insert", "1000"),
    ("delete_loop_delay", "2"),
    ("progress_interval", "10"),
    ("max_retries", "5"),
    ("retry_time_limit", "2"),
    ("deleted_column", "deleted_at"),
    ("foreign_key_check", "true"),
    ("databases", "*"),
    ("tables", "*"),
    ("archive_data", "true"),
    ("delete_data", "false"),
    ("archive_format", "tar"),
    ("formats", "csv"),
    ("excluded_databases", ""),
    ("excluded_tables", ""),
];

/// A loaded configuration and the warnings found on the way (unknown keys, odd combinations).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
}

/// Reads and resolves the file at `path`.
pub fn load_file(path: &Path, clock: RunClock) -> Result<Loaded, ConfigError> {
    let bytes = std::fs::read(path).map_err(|e| ConfigError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ConfigError::Unreadable {
        path: path.to_path_buf(),
        reason: format!("not valid UTF-8 ({e})"),
    })?;
    let ini = Ini::parse(&text)?;
    resolve(&ini, path.to_path_buf(), clock)
}

/// Reads one section's options, with DEFAULT and the built-in defaults as fallbacks.
struct Reader<'a> {
    ini: &'a Ini,
    section: &'a str,
    clock: &'a RunClock,
}

impl Reader<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::value(self.section, key, message)
    }

    /// The interpolated value from the file (section, then DEFAULT), if any.
    fn opt(&self, key: &str) -> Result<Option<String>, ConfigError> {
        self.ini.get(self.section, key)
    }

    /// The value, falling back on the built-in default.
    fn get(&self, key: &str) -> Result<String, ConfigError> {
        if let Some(v) = self.opt(key)? {
            return Ok(v);
        }
        Ok(DEFAULTS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default())
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

    fn selection(&self, key: &str) -> Result<Selection, ConfigError> {
        let items = self.list(key)?;
        if items.is_empty() || items.iter().any(|i| i == "*") {
            if items.len() > 1 {
                return Err(self.err(key, "'*' cannot be combined with names"));
            }
            return Ok(Selection::All);
        }
        Ok(Selection::Names(items))
    }

    fn regexes(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        self.list(key)?
            .into_iter()
            .map(|re| {
                let anchored = format!("^(?:{re})$");
                Regex::new(&anchored)
                    .map(|_| anchored)
                    .map_err(|e| self.err(key, format!("invalid regex {re:?}: {e}")))
            })
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
        Ok(DbConnection {
            host: self.get("host")?,
            port: self.typed("port", parse_port)?,
            user: self.non_empty("user")?,
            password: self.opt("password")?.map(Secret::new),
            socket: self.non_empty("socket")?.map(PathBuf::from),
        })
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
pub fn resolve(ini: &Ini, path: PathBuf, clock: RunClock) -> Result<Loaded, ConfigError> {
    let mut warnings = Vec::new();
    check_keys(ini, &mut warnings);

    let mut archivers = Vec::new();
    let mut disabled = Vec::new();
    for section in ini.sections() {
        let Some((SectionKind::Archiver, name)) = SectionKind::of(&section.name) else {
            continue;
        };
        let r = Reader {
            ini,
            section: &section.name,
            clock: &clock,
        };
        if !r.bool("enable")? {
            disabled.push(name.to_string());
            continue;
        }
        let src_names = parse_list(&r.required("src")?);
        let dst_names = r.list("dst")?;
        let mut destinations = Vec::new();
        for d in &dst_names {
            let dst_section = format!("dst:{d}");
            if ini.section(&dst_section).is_none() {
                return Err(r.err(
                    "dst",
                    format!("refers to [{dst_section}], which does not exist"),
                ));
            }
            destinations.push(resolve_destination(ini, &dst_section, d, &clock)?);
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
            let source = resolve_source(ini, &src_section, s, &clock)?;
            if source.archive_data && destinations.is_empty() {
                return Err(r.err(
                    "dst",
                    format!(
                        "no destination, but [{src_section}] has archive_data = true: rows would be \
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
    Ok(Loaded {
        config: Config {
            path,
            clock,
            archivers,
            disabled,
        },
        warnings,
    })
}

fn check_keys(ini: &Ini, warnings: &mut Vec<String>) {
    for key in ini.default_keys() {
        if !is_known_anywhere(key) {
            warnings.push(format!(
                "[{DEFAULT_SECTION}]: unknown key '{key}' is ignored"
            ));
        }
    }
    for section in ini.sections() {
        match SectionKind::of(&section.name) {
            Some((kind, _)) => {
                for key in section.keys() {
                    if !is_known(kind, key) {
                        warnings.push(format!("[{}]: unknown key '{key}' is ignored", section.name));
                    }
                }
            }
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
) -> Result<Source, ConfigError> {
    let r = Reader {
        ini,
        section,
        clock,
    };
    r.backend(&["db"])?;
    let retention = match r.non_empty("retention")? {
        Some(v) => Some(parse_retention(&v).map_err(|m| r.err("retention", m))?),
        None => None,
    };
    let raw_where = match r.opt("where")? {
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
        lock_dir: r.non_empty("lock_dir")?.map(|d| PathBuf::from(d.trim())),
        throttle: ThrottleConfig {
            replicas: r
                .list("replicas")?
                .iter()
                .map(|h| parse_host_port(h))
                .collect::<Result<_, _>>()
                .map_err(|m| r.err("replicas", m))?,
            max_replication_lag: match r.non_empty("max_replication_lag")? {
                Some(v) => parse_count(v.trim()).map_err(|m| r.err("max_replication_lag", m))?,
                None => 10,
            },
            max_threads_running: optional(&r, "max_threads_running", parse_positive)?,
            max_wsrep_recv_queue: optional(&r, "max_wsrep_recv_queue", parse_count)?,
            max_flow_control_paused: optional(&r, "max_flow_control_paused", |v| {
                match v.trim().parse::<f64>() {
                    Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
                    _ => Err(format!("{v:?} is not a fraction between 0 and 1")),
                }
            })?,
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
) -> Result<Destination, ConfigError> {
    let r = Reader {
        ini,
        section,
        clock,
    };
    match r.backend(&["db", "file"])?.as_str() {
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
            let mut remote_stores = Vec::new();
            for store in r.list("remote_store")? {
                let store_section = format!("remote_store:{store}");
                if ini.section(&store_section).is_none() {
                    return Err(r.err(
                        "remote_store",
                        format!("refers to [{store_section}], which does not exist"),
                    ));
                }
                remote_stores.push(resolve_remote_store(ini, &store_section, &store, clock)?);
            }
            Ok(Destination::File(FileDestination {
                name: name.to_string(),
                directory: PathBuf::from(directory),
                formats,
                archive_format,
                remote_stores,
            }))
        }
    }
}

fn resolve_remote_store(
    ini: &Ini,
    section: &str,
    name: &str,
    clock: &RunClock,
) -> Result<RemoteStore, ConfigError> {
    let r = Reader {
        ini,
        section,
        clock,
    };
    // The original only knew Swift; a section without a backend meant Swift.
    let backend = match r.non_empty("backend")?.map(|b| b.trim().to_lowercase()) {
        None => RemoteBackend::Swift,
        Some(b) if b == "swift" => RemoteBackend::Swift,
        Some(b) if b == "s3" => RemoteBackend::S3,
        Some(b) => {
            return Err(r.err(
                "backend",
                format!("unknown remote store backend {b:?} (expected swift or s3)"),
            ))
        }
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
    let mut options = Vec::new();
    for key in ini.keys(section) {
        if let Some(opt) = key.strip_prefix("opt_") {
            let v = r.get(&key)?;
            options.push((opt.to_string(), v));
        }
    }
    Ok(RemoteStore {
        name: name.to_string(),
        backend,
        container,
        file_name_prefix: r
            .non_empty("file_name_prefix")?
            .map(|p| p.trim_matches('/').to_string())
            .filter(|p| !p.is_empty()),
        delete_after_upload: r.bool("delete_after_upload")?,
        upload_attempts: r.typed("upload_attempts", |v| match v.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("{v:?} is not a number of attempts (1 or more)")),
        })?,
        upload_backoff: r.typed("upload_backoff", |v| match v.parse::<f64>() {
            Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => {
                Ok(std::time::Duration::from_secs_f64(s))
            }
            _ => Err(format!("{v:?} is not a number of seconds (0 to 3600)")),
        })?,
        options,
    })
}
