//! The `opt_*` keys of a `[remote_store:NAME]` section (stored without `opt_`), typed.

use super::RemoteError;

/// A section's options; the backends say which they read, the others are reported.
pub struct Options<'a> {
    store: &'a str,
    options: &'a [(String, String)],
}

impl<'a> Options<'a> {
    pub fn new(store: &'a str, options: &'a [(String, String)]) -> Self {
        Options { store, options }
    }

    /// The trimmed value, if set and not empty.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first of several spellings that is set.
    pub fn any(&self, keys: &[&str]) -> Option<&'a str> {
        keys.iter().find_map(|k| self.get(k))
    }

    /// The section is wrong: `message` says how.
    pub fn invalid(&self, message: impl Into<String>) -> RemoteError {
        RemoteError::Option {
            store: self.store.to_string(),
            message: message.into(),
        }
    }

    /// Option `opt_<key>` is wrong: `message` says how.
    pub fn err(&self, key: &str, message: impl std::fmt::Display) -> RemoteError {
        self.invalid(format!("opt_{key}: {message}"))
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, RemoteError> {
        self.get(key)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "1" | "yes" | "true" | "on" => Ok(true),
                "0" | "no" | "false" | "off" => Ok(false),
                _ => Err(self.err(key, format!("{v:?} is not a boolean"))),
            })
            .transpose()
    }

    /// A size in bytes, with an optional K, M or G suffix (powers of 1024: `16M`, `1G`).
    pub fn size(&self, key: &str) -> Result<Option<u64>, RemoteError> {
        self.get(key)
            .map(|v| parse_size(v).ok_or_else(|| self.err(key, format!("{v:?} is not a size"))))
            .transpose()
    }

    /// Warns about the options this backend does not read (typos would be silent otherwise).
    pub fn warn_unknown(&self, known: &[&str]) {
        for (k, _) in self.options {
            if !known.contains(&k.as_str()) {
                tracing::warn!(
                    "[remote_store:{}]: opt_{k} is not an option of this backend and is ignored",
                    self.store
                );
            }
        }
    }
}

/// `123`, `16K`, `8M`, `1G`, `1GiB`, `64MB` (all powers of 1024): the configuration's size
/// parser ([`crate::config::value::size`]).
pub fn parse_size(v: &str) -> Option<u64> {
    crate::config::value::size(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("16K"), Some(16384));
        assert_eq!(parse_size("8 MiB"), Some(8 << 20));
        assert_eq!(parse_size("1G"), Some(1 << 30));
        assert_eq!(parse_size("1x"), None);
        assert_eq!(parse_size("M"), None);
    }
}
