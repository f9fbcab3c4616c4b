//! The vocabulary of a configuration key's definition: where it may appear ([`Scopes`]), what
//! its value must be ([`Kind`]), what it is when unset ([`Default`]), and [`KeyDef`] itself.
//! The definitions are in [`super::defs`]; parsing, `--check-config`, the unknown-key warnings
//! and the README and sample tests all read them.

use super::ini::Ini;
use super::model::ArchiveFormat;
use super::value::*;

/// The kinds of section a key belongs to, as a set. `[DEFAULT]` takes every key of every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    pub const ARCHIVER: Scopes = Scopes(1);
    pub const SRC: Scopes = Scopes(1 << 1);
    /// `[dst:NAME]` with `backend = db`.
    pub const DST_DB: Scopes = Scopes(1 << 2);
    /// `[dst:NAME]` with `backend = file`.
    pub const DST_FILE: Scopes = Scopes(1 << 3);
    /// `[remote_store:NAME]` with `backend = swift` (or no backend).
    pub const SWIFT: Scopes = Scopes(1 << 4);
    /// `[remote_store:NAME]` with `backend = s3`.
    pub const S3: Scopes = Scopes(1 << 5);
    /// Both kinds of destination.
    pub const DST: Scopes = Scopes(Self::DST_DB.0 | Self::DST_FILE.0);
    /// Both kinds of remote store.
    pub const REMOTE: Scopes = Scopes(Self::SWIFT.0 | Self::S3.0);
    /// The sections that connect to a database server.
    pub const CONN: Scopes = Scopes(Self::SRC.0 | Self::DST_DB.0);
    /// Every kind of section: what `[DEFAULT]` takes.
    pub const ALL: Scopes = Scopes(0b11_1111);

    pub const fn union(self, other: Scopes) -> Scopes {
        Scopes(self.0 | other.0)
    }

    /// Whether the two sets share a kind.
    pub const fn meets(self, other: Scopes) -> bool {
        self.0 & other.0 != 0
    }

    /// The scope of a section, from its name's prefix and, for destinations and remote stores,
    /// its backend. A backend that cannot be read or is not valid gives every backend of the
    /// kind (the error is reported when the section is resolved). `None`: not a section kind
    /// osarchiver reads.
    pub fn of_section(ini: &Ini, section: &str) -> Option<(Scopes, String)> {
        let (prefix, name) = section.split_once(':')?;
        let backend = || -> Option<String> {
            match ini.get(section, "backend") {
                Ok(Some(b)) if !b.trim().is_empty() => Some(b.trim().to_lowercase()),
                _ => None,
            }
        };
        let scope = match prefix {
            "archiver" => Scopes::ARCHIVER,
            "src" => Scopes::SRC,
            "dst" => match backend().as_deref() {
                None | Some("db") => Scopes::DST_DB,
                Some("file") => Scopes::DST_FILE,
                Some(_) => Scopes::DST,
            },
            "remote_store" => match backend().as_deref() {
                None | Some("swift") => Scopes::SWIFT,
                Some("s3") => Scopes::S3,
                Some(_) => Scopes::REMOTE,
            },
            _ => return None,
        };
        Some((scope, name.to_string()))
    }

    /// How the README and warnings name the scope.
    pub fn describe(self) -> &'static str {
        match self {
            Scopes::ARCHIVER => "archivers",
            Scopes::SRC => "sources",
            Scopes::DST_DB => "db destinations",
            Scopes::DST_FILE => "file destinations",
            Scopes::SWIFT => "swift remote stores",
            Scopes::S3 => "s3 remote stores",
            _ => "these sections",
        }
    }
}

/// What a key's value must be. [`Kind::check`] validates a non-empty, trimmed value; the
/// typed reading is in [`super::resolve`] (and, for `opt_*` keys, in the remote stores).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Text,
    /// Text on one line: a line break in it is an indented line read as part of the value
    /// (`user = arch` then, indented by mistake, `password = ...`), which would be shown in
    /// the log and sent to the server as the name.
    Line,
    /// A secret text: masked by `--check-config`.
    Secret,
    /// `1/yes/true/on`, `0/no/false/off`.
    Bool,
    /// A list of names: comma, semicolon or newline separated.
    List,
    /// `*` or a list of names.
    Selection,
    /// A list of regexes, anchored when used.
    Regexes,
    /// A whole number of at least 1.
    Positive,
    /// A whole number, 0 allowed.
    Count,
    /// A TCP port.
    Port,
    /// Seconds, fractions allowed.
    Seconds,
    /// A duration: seconds, or a number with s, m, h or d.
    Duration,
    /// `N UNIT`, MySQL interval syntax.
    Retention,
    /// A list of `host:port`.
    HostPorts,
    /// A number between 0 and 1.
    Fraction,
    /// A number of attempts, at least 1.
    Attempts,
    /// Seconds, 0 to 3600.
    Backoff,
    /// Seconds, more than 0, at most a day.
    Timeout,
    /// One of `values`, any case; `what` names it in the error.
    Choice {
        what: &'static str,
        values: &'static [&'static str],
    },
    /// A list of file formats (`csv`, `sql`).
    Formats,
    /// An archive format ([`ArchiveFormat`]).
    ArchiveFormat,
    /// A size in bytes with an optional K, M, G or T suffix (powers of 1024).
    Size,
    /// A size of at least 1 byte.
    NonZeroSize,
    /// Swift's authentication version: `1`, `2.0` (read as 3) or `3` (a leading `v` allowed).
    AuthVersion,
}

impl Kind {
    /// Checks a trimmed, non-empty value; the message says what is wrong (the caller adds
    /// section and key).
    pub fn check(self, v: &str) -> Result<(), String> {
        match self {
            Kind::Text | Kind::Secret | Kind::List => Ok(()),
            Kind::Line if v.contains(['\n', '\r']) => Err(
                "holds a line break: an indented line after it is read as part of this value (is the next line indented by mistake?)"
                    .to_string(),
            ),
            Kind::Line => Ok(()),
            Kind::Bool => parse_bool(v).map(drop),
            Kind::Selection => {
                let items = parse_name_list(v);
                if items.len() > 1 && items.iter().any(|i| i == "*") {
                    Err("'*' cannot be combined with names".to_string())
                } else {
                    Ok(())
                }
            }
            Kind::Regexes => parse_name_list(v)
                .iter()
                .try_for_each(|re| anchored_regex(re).map(drop)),
            Kind::Positive => parse_positive(v).map(drop),
            Kind::Count => parse_count(v).map(drop),
            Kind::Port => parse_port(v).map(drop),
            Kind::Seconds => parse_seconds(v).map(drop),
            Kind::Duration => parse_duration(v).map(drop),
            // Checked where a `where` uses it (`resolve_source`): one nothing uses is a warning.
            Kind::Retention => Ok(()),
            Kind::HostPorts => parse_list(v)
                .iter()
                .try_for_each(|h| parse_host_port(h).map(drop)),
            Kind::Fraction => parse_fraction(v).map(drop),
            Kind::Attempts => parse_attempts(v).map(drop),
            Kind::Backoff => parse_backoff(v).map(drop),
            Kind::Timeout => parse_timeout(v).map(drop),
            Kind::Choice { what, values } => {
                let l = v.to_lowercase();
                if values.contains(&l.as_str()) {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown {what} {l:?} (expected {})",
                        values.join(" or ")
                    ))
                }
            }
            Kind::Formats => {
                let formats = parse_list(v);
                match formats
                    .iter()
                    .find(|f| !["csv", "sql"].contains(&f.to_lowercase().as_str()))
                {
                    Some(f) => Err(format!("unknown format {f:?} (expected csv, sql)")),
                    None => Ok(()),
                }
            }
            Kind::ArchiveFormat => match ArchiveFormat::parse(v) {
                Some(_) => Ok(()),
                None => {
                    let names: Vec<&str> = ArchiveFormat::ALL.iter().map(|(n, _)| *n).collect();
                    Err(format!(
                        "unknown archive format {v:?} (expected one of {})",
                        names.join(", ")
                    ))
                }
            },
            Kind::Size => parse_size(v).map(drop),
            Kind::NonZeroSize => match parse_size(v)? {
                0 => Err("must be more than 0".to_string()),
                _ => Ok(()),
            },
            Kind::AuthVersion => match v.trim_start_matches(['v', 'V']) {
                "1" | "1.0" | "2" | "2.0" | "3" | "3.0" => Ok(()),
                _ => Err(format!("{v:?}: expected 1, 2.0 or 3")),
            },
        }
    }
}

/// What a key is when neither its section nor `[DEFAULT]` sets it. The README's default
/// column says [`Default::readme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    /// This value (README: the value in backquotes).
    Value(&'static str),
    /// An empty list or text (README: `empty`).
    Empty,
    /// Off, or not used (README: `unset`).
    Unset,
    /// Must be set (README: `(required)`).
    Required,
    /// Computed, or required in some cases only: the README's words.
    Described(&'static str),
}

impl Default {
    /// The built-in value, if there is one.
    pub fn value(self) -> Option<&'static str> {
        match self {
            Default::Value(v) => Some(v),
            Default::Empty => Some(""),
            _ => None,
        }
    }

    /// The README's default column for this default.
    pub fn readme(self) -> String {
        match self {
            Default::Value(v) => format!("`{v}`"),
            Default::Empty => "empty".to_string(),
            Default::Unset => "unset".to_string(),
            Default::Required => "(required)".to_string(),
            Default::Described(s) => s.to_string(),
        }
    }
}

/// One configuration key, defined once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyDef {
    /// The key as written in the file (lower case).
    pub name: &'static str,
    /// Other spellings read as this key (not documented separately).
    pub aliases: &'static [&'static str],
    /// The kinds of section that read it.
    pub scopes: Scopes,
    pub kind: Kind,
    pub default: Default,
    /// What it does, in one line.
    pub doc: &'static str,
}

impl KeyDef {
    /// Whether `key` is this key or one of its aliases.
    pub fn is(&self, key: &str) -> bool {
        self.name == key || self.aliases.contains(&key)
    }

    /// Whether its value is a secret (masked by `--check-config`).
    pub fn is_secret(&self) -> bool {
        self.kind == Kind::Secret
    }
}

/// The definition of `key` in a section of `scope`.
pub fn find(scope: Scopes, key: &str) -> Option<&'static KeyDef> {
    super::defs::KEYS
        .iter()
        .find(|d| d.scopes.meets(scope) && d.is(key))
}

/// Where `key` is read, for a warning about it in a section that does not read it:
/// `[dst:NAME] with backend = file`, `[remote_store:NAME] with backend = s3`, ...
pub fn where_read(key: &str) -> String {
    const PLACES: [(Scopes, &str); 6] = [
        (Scopes::ARCHIVER, "[archiver:NAME]"),
        (Scopes::SRC, "[src:NAME]"),
        (Scopes::DST_DB, "[dst:NAME] with backend = db"),
        (Scopes::DST_FILE, "[dst:NAME] with backend = file"),
        (Scopes::SWIFT, "[remote_store:NAME] with backend = swift"),
        (Scopes::S3, "[remote_store:NAME] with backend = s3"),
    ];
    let places: Vec<&str> = PLACES
        .iter()
        .filter(|(scope, _)| find(*scope, key).is_some())
        .map(|(_, place)| *place)
        .collect();
    places.join(" or ")
}

/// Whether `key` is read by some kind of section (what `[DEFAULT]` may hold).
pub fn is_known_anywhere(key: &str) -> bool {
    find(Scopes::ALL, key).is_some()
}

/// `re` anchored to the whole name (`^(?:re)$`), once it compiles; the error is that of `re`
/// as written (the anchored form's would point into the wrapping: a lone `\` escapes its `)`).
pub fn anchored_regex(re: &str) -> Result<String, String> {
    if let Some(what) = read_otherwise_than_python(re) {
        return Err(format!(
            "regex {re:?}: {what} in a character class is a plain character to Python's re (which the Python osarchiver used) and an operator to this tool's regex engine, so the two would pick other tables: escape it with a backslash"
        ));
    }
    let invalid = |e: fancy_regex::Error| format!("invalid regex {re:?}: {e}");
    fancy_regex::Regex::new(re).map_err(invalid)?;
    let anchored = format!("^(?:{re})$");
    if fancy_regex::Regex::new(&anchored).is_ok() {
        return Ok(anchored);
    }
    // A regex in free-spacing mode (`(?x)`) that ends in a comment (`# ...`) comments out the
    // wrapping's end: a newline ends the comment (and is blank in that mode).
    let ended = format!("^(?:{re}\n)$");
    fancy_regex::Regex::new(&ended).map_err(|e| {
        format!("invalid regex {re:?}: it cannot be anchored to the whole name: {e}")
    })?;
    Ok(ended)
}

/// What in a character class of `re` Python's `re` reads as plain characters and
/// `fancy-regex` as class syntax: a `[` (a nested class, `[[:alpha:]]`), `&&`, `--`, `~~` (set
/// operations); `None` when nothing.
fn read_otherwise_than_python(re: &str) -> Option<&'static str> {
    let b = re.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'[' if !in_class => {
                in_class = true;
                i += 1;
                // A `^`, then a `]` right away, are members, not the end.
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => {
                in_class = false;
                i += 1;
            }
            b'[' => return Some("'['"),
            c @ (b'&' | b'-' | b'~') if in_class && b.get(i + 1) == Some(&c) => {
                return Some(match c {
                    b'&' => "'&&'",
                    b'-' => "'--'",
                    _ => "'~~'",
                });
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::anchored_regex;

    /// Python's `re` reads these as plain characters; the tool's engine read them as class
    /// syntax, and `[a&&b]b`, which spares table `ab` in the Python osarchiver, spared nothing
    /// (helper 132).
    #[test]
    fn class_syntax_python_reads_as_characters_is_refused() {
        for re in [
            "[a&&b]b",
            "[[:alpha:]]+",
            "x[a[]",
            "[^a--z]",
            "[~~]",
            "[]&&]",
        ] {
            let e = anchored_regex(re).unwrap_err();
            assert!(e.contains("escape it"), "{re}: {e}");
        }
        for re in [
            "[a\\&&b]b",
            "[a&b]",
            "[a-z]-[0-9]",
            "a&&b",
            "a--b",
            "[]a]",
            "[^]a]",
            "\\[\\[x",
            "[\\[]",
            "shadow_.*",
        ] {
            anchored_regex(re).unwrap_or_else(|e| panic!("{re}: {e}"));
        }
    }

    /// The error names what the operator wrote, not the anchored form (a lone `\` was said to
    /// open a parenthesis it never closed, at a position past its end).
    #[test]
    fn a_regex_error_is_that_of_the_regex_as_written() {
        assert_eq!(anchored_regex("a|b").unwrap(), "^(?:a|b)$");
        let e = anchored_regex("\\").unwrap_err();
        assert!(e.contains("Backslash without following character"), "{e}");
        assert!(!e.contains("parenthesis"), "{e}");
        // Free-spacing mode with a comment at the end: anchored all the same.
        let x = fancy_regex::Regex::new(&anchored_regex("(?x) t  # the t table").unwrap()).unwrap();
        assert!(x.is_match("t").unwrap());
        assert!(!x.is_match("tt").unwrap() && !x.is_match("t\n").unwrap());
    }
}
