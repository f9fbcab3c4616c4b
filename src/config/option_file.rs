//! MySQL option files (`~/.my.cnf`): the connection settings of their client groups, for the
//! `option_file` key.
//!
//! The groups read are `[client]`, `[client-server]` and `[client-mariadb]` (what a MariaDB
//! client reads; the Python tool's pymysql reads `[client]`), in the order they appear, a later
//! value replacing an earlier one. The syntax is the MySQL client's: `name = value` or `name`
//! alone, `-` and `_` alike in names, `#` and `;` comments (an unquoted value ends at `#`),
//! values optionally in single or double quotes, backslash escapes in either kind. `!include` and
//! `!includedir` are refused rather than silently skipped.

use std::collections::BTreeMap;
use std::path::Path;

/// The groups read, any case.
pub const GROUPS: &[&str] = &["client", "client-server", "client-mariadb"];

/// The names kept (with `_` for `-`); the others are ignored.
pub const NAMES: &[&str] = &[
    "user", "password", "host", "port", "socket", "ssl_ca", "ssl_cert", "ssl_key", "ssl_mode",
];

/// The settings found, by name ([`NAMES`]).
#[derive(Default, Clone, PartialEq, Eq)]
pub struct OptionFile {
    pub values: BTreeMap<String, String>,
}

impl std::fmt::Debug for OptionFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&String> = self.values.keys().collect();
        f.debug_struct("OptionFile").field("keys", &keys).finish()
    }
}

impl OptionFile {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Reads and parses the file at `path`; the error says why (never a value).
pub fn read(path: &Path) -> Result<OptionFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses option file text.
pub fn parse(text: &str) -> Result<OptionFile, String> {
    let mut out = OptionFile::default();
    let mut in_group = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with("!include") {
            return Err(format!("line {}: !include is not supported", n + 1));
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest.split(']').next().filter(|_| rest.contains(']')) else {
                return Err(format!("line {}: unterminated group name", n + 1));
            };
            let name = name.trim().to_ascii_lowercase();
            in_group = GROUPS.contains(&name.as_str());
            continue;
        }
        if !in_group {
            continue;
        }
        let (name, value) = match line.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (line, None),
        };
        let name = name.trim().to_ascii_lowercase().replace('-', "_");
        if !NAMES.contains(&name.as_str()) {
            continue;
        }
        let value = match value {
            Some(v) => value_of(v.trim()).map_err(|e| format!("line {}: {name}: {e}", n + 1))?,
            None => String::new(),
        };
        out.values.insert(name, value);
    }
    Ok(out)
}

/// A value: quoted (escapes processed, the rest of the line after the closing quote must be a
/// comment) or bare (up to a `#`, trimmed).
fn value_of(v: &str) -> Result<String, String> {
    let Some(quote) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        // Escapes apply to bare values too, as the client library reads them.
        let bare = v.split('#').next().unwrap_or("").trim();
        let mut out = String::new();
        let mut chars = bare.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e) => escape(&mut out, e),
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        return Ok(out);
    };
    let mut out = String::new();
    let mut chars = v[1..].chars();
    loop {
        match chars.next() {
            None => return Err("unterminated quoted value".into()),
            Some(c) if c == quote => break,
            Some('\\') => match chars.next() {
                Some(e) => escape(&mut out, e),
                None => return Err("unterminated quoted value".into()),
            },
            Some(c) => out.push(c),
        }
    }
    let rest = chars.as_str().trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err("text after the closing quote".into());
    }
    Ok(out)
}

/// The character a backslash escape stands for (MariaDB's `my_default.c`): `\n`, `\t`, `\r`,
/// `\b`, `\s` (a space), `\\`, `\"` and `\'`; any other keeps its backslash.
fn escape(out: &mut String, e: char) {
    match e {
        'n' => out.push('\n'),
        't' => out.push('\t'),
        'r' => out.push('\r'),
        'b' => out.push('\u{8}'),
        's' => out.push(' '),
        '\\' | '"' | '\'' => out.push(e),
        c => {
            out.push('\\');
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_groups_are_read_later_values_win() {
        let f = parse(
            "# mine\n[mysqld]\nuser = mysql\n[client]\nuser=archiver\npassword = \"p#w d\" # c\n\
             host=db1 # the primary\nssl-ca = /etc/ca.pem\n[mysql]\nuser=other\n\
             [client-mariadb]\nhost = db2\nport=3307\nunknown-option\n",
        )
        .unwrap();
        assert_eq!(f.get("user"), Some("archiver"));
        assert_eq!(f.get("password"), Some("p#w d"));
        assert_eq!(f.get("host"), Some("db2"));
        assert_eq!(f.get("port"), Some("3307"));
        assert_eq!(f.get("ssl_ca"), Some("/etc/ca.pem"));
        assert!(!format!("{f:?}").contains("p#w"));
    }

    #[test]
    fn escapes_and_errors() {
        let f = parse("[client]\npassword='a\\\\b\\sc'\n").unwrap();
        assert_eq!(f.get("password"), Some("a\\b c"));
        // As `mariadb --defaults-file` reads them: escaped quotes, and escapes in bare values.
        let f = parse("[client]\npassword=\"x\\\"y\"\nuser=a\\\\b\\q\n").unwrap();
        assert_eq!(f.get("password"), Some("x\"y"));
        assert_eq!(f.get("user"), Some("a\\b\\q"));
        assert!(parse("[client]\npassword=\"abc\n").is_err());
        assert!(parse("[client]\npassword=\"abc\" x\n").is_err());
        assert!(parse("!include /etc/other.cnf\n").is_err());
        assert!(parse("[client\n").is_err());
        assert_eq!(parse("password=x\n").unwrap().get("password"), None);
    }
}
