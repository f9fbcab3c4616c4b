//! The raw INI layer: a parser that reads a file exactly as Python's
//! `configparser.ConfigParser(interpolation=ExtendedInterpolation())` does with its defaults
//! (strict, `=` and `:` delimiters, `#` and `;` full-line comments, no inline comments,
//! indented continuation lines, empty lines kept inside values, keys lower-cased), and the
//! `${...}` interpolation applied when a value is read.
//!
//! Nothing here knows what osarchiver's options mean; [`super::resolve`] does.
//!
//! Why not the `rust-ini` crate: with its default options, version 0.21.3 reads an indented
//! continuation line as part of the next key (`excluded_tables =` followed by indented regexes
//! loses the list), keeps keys case-sensitive, and merges a repeated section silently, where
//! configparser raises. A cron job whose INI is read differently archives the wrong rows, so
//! the parser follows configparser's own algorithm, and the tests compare it with Python.

use super::error::ConfigError;

/// Python's `configparser.MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;
/// The longest value interpolation may build: ten levels of references, each repeating the one
/// below several times, would otherwise build gigabytes (Python's configparser does, until
/// memory runs out).
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// The name of the fallback section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// One `[name]` section with its own keys, in file order (DEFAULT's are not copied in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub line: usize,
    entries: Vec<(String, String)>,
}

impl Section {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The section's own keys, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
}

/// A parsed INI file: the DEFAULT section and the other sections in file order, values raw
/// (not yet interpolated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    defaults: Vec<(String, String)>,
    sections: Vec<Section>,
}

/// Python's `str.isspace()`, which `str.strip()` and the `\S` of `re` follow.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn py_strip(s: &str) -> &str {
    s.trim_matches(py_space)
}

/// Splits like Python's universal-newline text mode: `\r\n`, `\r` and `\n` end a line.
fn universal_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Where the parser is writing: DEFAULT or the n-th section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cursor {
    Defaults,
    Section(usize),
}

impl Ini {
    /// Parses the text of an INI file.
    pub fn parse(text: &str) -> Result<Ini, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut ini = Ini::default();
        // Multi-line values are collected as lines and joined at the end, as configparser does.
        let mut pending: Vec<Vec<String>> = Vec::new(); // parallel to the entries, by slot id
        let mut slots: Vec<(Cursor, usize)> = Vec::new(); // slot id -> (where, entry index)
        let mut cursor: Option<Cursor> = None;
        let mut current_slot: Option<usize> = None; // the option being written (optname)
        let mut indent_level = 0usize;
        let mut default_keys_seen: Vec<String> = Vec::new();
        // Like configparser, a bad line is reported at the end of the file, so that a duplicate
        // section or key found later (raised at once there) takes precedence.
        let mut bad_line: Option<ConfigError> = None;

        for (idx, line) in universal_lines(text).into_iter().enumerate() {
            let lineno = idx + 1;
            let stripped = py_strip(line);
            let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
            let value = if is_comment { "" } else { stripped };
            if value.is_empty() {
                if !is_comment && cursor.is_some() {
                    if let Some(slot) = current_slot {
                        pending[slot].push(String::new());
                    }
                }
                continue;
            }
            let cur_indent = line.chars().take_while(|c| py_space(*c)).count();
            if let (Some(_), Some(slot)) = (cursor, current_slot) {
                if cur_indent > indent_level {
                    pending[slot].push(value.to_string());
                    continue;
                }
            }
            indent_level = cur_indent;
            if let Some(name) = section_header(value) {
                if name == DEFAULT_SECTION {
                    cursor = Some(Cursor::Defaults);
                } else if ini.sections.iter().any(|s| s.name == name) {
                    return Err(ConfigError::DuplicateSection {
                        line: lineno,
                        section: name.to_string(),
                    });
                } else {
                    ini.sections.push(Section {
                        name: name.to_string(),
                        line: lineno,
                        entries: Vec::new(),
                    });
                    cursor = Some(Cursor::Section(ini.sections.len() - 1));
                }
                current_slot = None;
                continue;
            }
            let Some(cur) = cursor else {
                return Err(ConfigError::Syntax {
                    line: lineno,
                    message: format!("no [section] header before {}", shown(value)),
                });
            };
            let Some((key, val)) = option_line(value) else {
                bad_line.get_or_insert(ConfigError::Syntax {
                    line: lineno,
                    message: format!(
                        "expected 'key = value', a [section] header or a comment, found {}",
                        shown(value)
                    ),
                });
                continue;
            };
            if key.is_empty() {
                // configparser records the error, then still adds the empty key, which takes no
                // continuation lines.
                bad_line.get_or_insert(ConfigError::Syntax {
                    line: lineno,
                    message: format!("empty key before the delimiter in {}", shown(value)),
                });
            }
            let (section_name, entries) = match cur {
                Cursor::Defaults => (DEFAULT_SECTION.to_string(), &mut ini.defaults),
                Cursor::Section(i) => {
                    let s = &mut ini.sections[i];
                    (s.name.clone(), &mut s.entries)
                }
            };
            let duplicate = match cur {
                Cursor::Defaults => default_keys_seen.contains(&key),
                Cursor::Section(_) => entries.iter().any(|(k, _)| *k == key),
            };
            if duplicate {
                return Err(ConfigError::DuplicateKey {
                    line: lineno,
                    section: section_name,
                    key,
                });
            }
            if cur == Cursor::Defaults {
                default_keys_seen.push(key.clone());
            }
            entries.push((key, String::new()));
            pending.push(vec![val.to_string()]);
            slots.push((cur, entries.len() - 1));
            current_slot = (!entries[entries.len() - 1].0.is_empty()).then_some(slots.len() - 1);
        }
        if let Some(e) = bad_line {
            return Err(e);
        }

        for (slot, (cur, index)) in slots.into_iter().enumerate() {
            let joined = pending[slot].join("\n");
            let joined = joined.trim_end_matches(py_space).to_string();
            match cur {
                Cursor::Defaults => ini.defaults[index].1 = joined,
                Cursor::Section(i) => ini.sections[i].entries[index].1 = joined,
            }
        }
        Ok(ini)
    }

    /// The sections other than DEFAULT, in file order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The section named `name`, if the file has it.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Whether `name` is DEFAULT or one of the file's sections.
    pub fn has_section(&self, name: &str) -> bool {
        name == DEFAULT_SECTION || self.section(name).is_some()
    }

    /// Every `${key}` and `${section:key}` the raw values reference (keys lowered, as
    /// configparser looks them up): keys and sections kept as variables only, which the
    /// warnings about unknown keys and sections leave alone.
    pub fn references(&self) -> Vec<(Option<String>, String)> {
        let mut out = Vec::new();
        let values = self
            .defaults
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.entries.iter()))
            .map(|(_, v)| v.as_str());
        for v in values {
            let mut rest = v;
            while let Some(i) = rest.find("${") {
                let after = &rest[i + 2..];
                let Some(end) = after.find('}') else { break };
                let inner = &after[..end];
                match inner.split_once(':') {
                    Some((section, key)) => {
                        out.push((Some(section.to_string()), key.to_lowercase()))
                    }
                    None => out.push((None, inner.to_lowercase())),
                }
                rest = &after[end + 1..];
            }
        }
        out
    }

    /// The keys of DEFAULT, in file order.
    pub fn default_keys(&self) -> impl Iterator<Item = &str> {
        self.defaults.iter().map(|(k, _)| k.as_str())
    }

    /// Whether `section` sets `key` itself (not through DEFAULT).
    pub fn has_own(&self, section: &str, key: &str) -> bool {
        let key = key.to_lowercase();
        self.section(section).is_some_and(|s| s.get(&key).is_some())
    }

    /// The raw value of `key` in `section`, falling back on DEFAULT, as `get(raw=True)`.
    pub fn raw(&self, section: &str, key: &str) -> Option<&str> {
        let key = key.to_lowercase();
        if section != DEFAULT_SECTION {
            if let Some(v) = self.section(section).and_then(|s| s.get(&key)) {
                return Some(v);
            }
        }
        self.defaults
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The keys visible in `section`: DEFAULT's first, then the section's own, as `items()`.
    pub fn keys(&self, section: &str) -> Vec<String> {
        let mut keys: Vec<String> = self.defaults.iter().map(|(k, _)| k.clone()).collect();
        if let Some(s) = self.section(section) {
            for (k, _) in &s.entries {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    /// The interpolated value of `key` in `section` (DEFAULT as fallback), or `None` if unset.
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>, ConfigError> {
        if !self.has_section(section) {
            return Err(ConfigError::NoSection {
                section: section.to_string(),
            });
        }
        let key = key.to_lowercase();
        let Some(raw) = self.raw(section, &key) else {
            return Ok(None);
        };
        let mut out = String::new();
        self.interpolate(section, &key, raw, section, &key, &mut out, 1)?;
        Ok(Some(out))
    }

    /// Every key visible in `section` with its interpolated value, as configparser's `items()`.
    pub fn items(&self, section: &str) -> Result<Vec<(String, String)>, ConfigError> {
        if !self.has_section(section) {
            return Err(ConfigError::NoSection {
                section: section.to_string(),
            });
        }
        self.keys(section)
            .into_iter()
            .map(|k| {
                let v = self.get(section, &k)?.unwrap_or_default();
                Ok((k, v))
            })
            .collect()
    }

    /// ExtendedInterpolation's `_interpolate_some`: `ref_section`/`ref_key` is where `rest`
    /// came from (references without a section resolve there); `top_section`/`top_key` is what
    /// the caller asked for, named in errors.
    #[allow(clippy::too_many_arguments)]
    fn interpolate(
        &self,
        top_section: &str,
        top_key: &str,
        mut rest: &str,
        ref_section: &str,
        ref_key: &str,
        out: &mut String,
        depth: usize,
    ) -> Result<(), ConfigError> {
        let err = |message: String| ConfigError::value(top_section, top_key, message);
        // A value that may be a password is never quoted in a message, not even in part.
        let secret = looks_secret(top_key) || looks_secret(ref_key);
        let shown = |text: &str| {
            if secret {
                "(not shown: the value of a secret)".to_string()
            } else {
                format!("{text:?}")
            }
        };
        if depth > MAX_INTERPOLATION_DEPTH {
            return Err(err(format!(
                "interpolation deeper than {MAX_INTERPOLATION_DEPTH} levels \
                 (a reference cycle?) while reading [{ref_section}] '{ref_key}'"
            )));
        }
        let too_long = || {
            err(format!(
                "the value, its references interpolated, is longer than {} MiB (references \
                 repeated at every level?)",
                MAX_VALUE_BYTES >> 20
            ))
        };
        while !rest.is_empty() {
            if out.len() > MAX_VALUE_BYTES {
                return Err(too_long());
            }
            let Some(p) = rest.find('$') else {
                out.push_str(rest);
                return if out.len() > MAX_VALUE_BYTES {
                    Err(too_long())
                } else {
                    Ok(())
                };
            };
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            let next = rest[1..].chars().next();
            match next {
                Some('$') => {
                    out.push('$');
                    rest = &rest[2..];
                }
                Some('{') => {
                    let close = rest[2..].find('}').map(|i| i + 2);
                    let Some(close) = close.filter(|&c| c > 2) else {
                        return Err(err(format!(
                            "bad interpolation reference {} (write '$$' for a '$')",
                            shown(rest)
                        )));
                    };
                    let reference = &rest[2..close];
                    rest = &rest[close + 1..];
                    let path: Vec<&str> = reference.split(':').collect();
                    let (sect, key) = match path.as_slice() {
                        [key] => (ref_section, key.to_lowercase()),
                        [sect, key] => (*sect, key.to_lowercase()),
                        _ => {
                            return Err(err(format!(
                                "bad interpolation reference {}: more than one ':'",
                                shown(&format!("${{{reference}}}"))
                            )))
                        }
                    };
                    let value = if self.has_section(sect) {
                        self.raw(sect, &key)
                    } else {
                        None
                    };
                    let Some(value) = value else {
                        return Err(err(format!(
                            "{} refers to a key that does not exist{}",
                            shown(&format!("${{{reference}}}")),
                            if self.has_section(sect) {
                                String::new()
                            } else {
                                format!(" (no section [{sect}])")
                            }
                        )));
                    };
                    if value.contains('$') {
                        self.interpolate(top_section, top_key, value, sect, &key, out, depth + 1)?;
                    } else {
                        out.push_str(value);
                    }
                    if out.len() > MAX_VALUE_BYTES {
                        return Err(too_long());
                    }
                }
                _ => {
                    return Err(err(format!(
                        "'$' must be followed by '$' or '{{', found {} (write '$$' for a '$')",
                        shown(rest)
                    )))
                }
            }
        }
        Ok(())
    }
}

/// Whether a raw value refers (`${key}`, `${section:key}`) to a key that may hold a secret.
pub(crate) fn references_secret(raw: &str) -> bool {
    raw.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .any(|(reference, _)| looks_secret(reference.rsplit(':').next().unwrap_or(reference)))
}

/// Whether a value runs on over a line that reads as a secret key's own (`password = ...`): an
/// indented line taken into the value above it, which an error or the log would show.
pub(crate) fn holds_secret_line(value: &str) -> bool {
    value.lines().skip(1).any(|line| {
        line.split_once(['=', ':']).is_some_and(|(key, _)| {
            let key = key.trim();
            !key.is_empty() && !key.contains(char::is_whitespace) && looks_secret(key)
        })
    })
}

/// Whether a key's value may be a secret (`password`, `opt_aws_secret_access_key`, ...): as
/// [`super::defs`] marks its secret keys, by name.
pub(crate) fn looks_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "key", "token", "credential"]
        .iter()
        .any(|s| key.contains(s))
}

/// configparser's `SECTCRE`, `\[(?P<header>.+)\]`, matched at the start of the stripped line.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    // `.+` is greedy and stops at the line's end: the header runs to the last ']'.
    let close = rest.rfind(']')?;
    if close == 0 {
        return None;
    }
    Some(&rest[..close])
}

/// configparser's `OPTCRE` with `=` and `:`: the key runs to the first delimiter. The key may
/// be empty, which the caller reports.
fn option_line(value: &str) -> Option<(String, &str)> {
    let pos = value.find(['=', ':'])?;
    let key = value[..pos].trim_end_matches(py_space);
    let val = py_strip(&value[pos + 1..]);
    Some((key.to_lowercase(), val))
}

/// A line quoted by a syntax error: whole when it is a section header, or begins with a key
/// whose value is no secret (`retention 1 DAY`); otherwise not at all, as it may hold a
/// password (`password S3cret`, a password wrapped onto a line of its own, `= S3cret`).
fn shown(line: &str) -> String {
    let word = line
        .split(|c: char| c.is_whitespace() || c == '=' || c == ':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let plain = super::defs::KEYS
        .iter()
        .any(|k| (k.name == word || k.aliases.contains(&word.as_str())) && !k.is_secret());
    if section_header(line.trim()).is_some() || plain {
        format!("{line:?}")
    } else {
        "a line not shown here (it may hold a secret)".to_string()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_line_that_may_hold_a_secret_is_never_quoted() {
        for text in [
            "password = S3cret\n[src:a]\n",
            "[src:a]\npassword S3cret\n",
            "[src:a]\n= S3cret\n",
            "[src:a]\nS3cret\n",
        ] {
            let e = Ini::parse(text).unwrap_err().to_string();
            assert!(!e.contains("S3cret"), "{e}");
            assert!(e.contains("line "), "{e}");
        }
        // A wrapped password that begins with '[' is no section header.
        let e = Ini::parse("[src:a]\n[S3cret\n").unwrap_err().to_string();
        assert!(!e.contains("S3cret"), "{e}");
        let e = Ini::parse("[src:a]\nretention 1 DAY\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("retention 1 DAY"), "{e}");
    }
    use super::*;

    fn get(ini: &Ini, s: &str, k: &str) -> String {
        ini.get(s, k).unwrap().unwrap()
    }

    /// A password with a `$` (generated ones often have one) is an interpolation error, as in
    /// configparser; the message names the key, never any part of the value.
    #[test]
    fn interpolation_errors_never_show_a_secret() {
        let ini = Ini::parse(
            "[src:s]\npassword = x$Tr0ub4dor&3\nold_password = a${nope:b:c}z\n\
             opt_aws_secret_access_key = ${gone}q\nwhere = d$x\n",
        )
        .unwrap();
        for key in ["password", "old_password", "opt_aws_secret_access_key"] {
            let e = ini.get("src:s", key).unwrap_err().to_string();
            assert!(e.contains(key) && e.contains("not shown"), "{e}");
            for part in ["Tr0ub4dor", "nope", "gone"] {
                assert!(!e.contains(part), "{e}");
            }
        }
        let e = ini.get("src:s", "where").unwrap_err().to_string();
        assert!(e.contains("\"$x\"") && e.contains("'$$'"), "{e}");
        assert!(references_secret("${src:s:password}") && references_secret("a${Password}"));
        assert!(!references_secret("${retention}") && !references_secret("password"));
    }

    #[test]
    fn continuation_and_empty_lines() {
        let ini = Ini::parse("[a]\nk = x\n\n  y\n# c\n  z\n\nother: 1\n").unwrap();
        assert_eq!(get(&ini, "a", "k"), "x\n\ny\nz");
        assert_eq!(get(&ini, "a", "OTHER"), "1");
    }

    #[test]
    fn interpolation_uses_the_reading_section() {
        let ini =
            Ini::parse("[DEFAULT]\nr=1 DAY\nw=x <= ${r}\n[src:a]\nr=7 DAY\n[b]\nv=${src:a:r}\n");
        let ini = ini.unwrap();
        assert_eq!(get(&ini, "src:a", "w"), "x <= 7 DAY");
        assert_eq!(get(&ini, "DEFAULT", "w"), "x <= 1 DAY");
        assert!(ini.get("b", "v").is_err());
    }

    /// Each level repeating the one below eight times, within ten levels: 100 bytes would
    /// become 13 GB. An error naming the key, once past 1 MiB, with little memory.
    #[test]
    fn a_value_that_interpolation_blows_up_is_an_error() {
        let mut text = format!("[src:s]\na0 = {}\n", "x".repeat(100));
        for i in 1..10 {
            text.push_str(&format!(
                "a{i} = {}\n",
                format!("${{a{}}}", i - 1).repeat(8)
            ));
        }
        text.push_str("user = ${a9}\nok = ${a2}\n");
        let ini = Ini::parse(&text).unwrap();
        let e = ini.get("src:s", "user").unwrap_err().to_string();
        assert!(
            e.contains("[src:s], key 'user'") && e.contains("longer than 1 MiB"),
            "{e}"
        );
        assert_eq!(get(&ini, "src:s", "ok").len(), 6400);
    }

    #[test]
    fn cycles_and_missing_references_are_errors() {
        let ini = Ini::parse("[s]\na=${b}\nb=${a}\nc=${nope}\nd=$x\ne=$$5\n").unwrap();
        let e = ini.get("s", "a").unwrap_err().to_string();
        assert!(e.contains("[s], key 'a'"), "{e}");
        assert!(ini.get("s", "c").is_err());
        assert!(ini.get("s", "d").is_err());
        assert_eq!(get(&ini, "s", "e"), "$5");
    }

    #[test]
    fn header_and_option_edge_cases() {
        assert_eq!(section_header("[a] b]"), Some("a] b"));
        assert_eq!(section_header("[]"), None);
        assert_eq!(option_line("a:b=c"), Some(("a".into(), "b=c")));
        assert_eq!(option_line(" = x"), Some(("".into(), "x")));
        assert!(Ini::parse("[a]\n= x\n").is_err());
        assert!(Ini::parse("k=v\n").is_err());
        assert!(Ini::parse("[a]\n[a]\n").is_err());
        assert!(Ini::parse("[a]\nk=1\nK=2\n").is_err());
        assert!(Ini::parse("[a]\nnovalue\n").is_err());
    }

    #[test]
    fn duplicates_win_over_an_earlier_bad_line() {
        let e = Ini::parse("[a]\nbad\n[a]\n").unwrap_err();
        assert!(matches!(e, ConfigError::DuplicateSection { .. }), "{e}");
        let e = Ini::parse("[a]\nk = 1\nbad\nk = 2\n").unwrap_err();
        assert!(matches!(e, ConfigError::DuplicateKey { .. }), "{e}");
        // After an empty key, an indented line is a key of its own, not a continuation.
        let e = Ini::parse("[a]\nk = 1\n= x\n  k = 2\n").unwrap_err();
        assert!(matches!(e, ConfigError::DuplicateKey { .. }), "{e}");
        let e = Ini::parse("[a]\nfirst bad\nk = v\nsecond bad\n").unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { line: 2, .. }), "{e}");
    }
}
