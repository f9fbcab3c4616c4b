//! The `opt_*` keys of a `[remote_store:NAME]` section, resolved once into typed settings
//! handed to the stores: [`swift`] (with python-swiftclient's environment variables), [`s3`],
//! and the TLS files ([`tls`]). Each key's value was checked by its definition
//! ([`super::defs`]); this module owns the rules between keys, so that `--check-config` reports
//! a bad combination (exit 2) with section and key, and the stores parse nothing.

mod lookup;
pub mod s3;
pub mod swift;
mod swift_unused;
pub mod tls;

use super::model::RemoteBackend;
use super::value::{parse_bool, size};

/// The typed settings of a remote store.
#[derive(Debug, Clone, PartialEq)]
// One per store, built once: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum StoreSettings {
    Swift(swift::SwiftSettings),
    S3(s3::S3Settings),
}

/// A wrong key: the key (with `opt_`, or the environment variable) and what is wrong.
pub type KeyError = (String, String);

/// What resolving a store's options found besides its settings.
#[derive(Debug, Default)]
pub struct Notes {
    /// Warnings for the configuration's warning list.
    pub warnings: Vec<String>,
    /// `opt_retries` (swiftclient's retries): the upload attempts it asks for.
    pub attempts: Option<u32>,
}

/// Resolves the options (keys without `opt_`, values as read) of a store; `env` looks up an
/// environment variable (Swift reads python-swiftclient's).
pub fn resolve(
    backend: RemoteBackend,
    options: &[(String, String)],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(StoreSettings, Notes), KeyError> {
    let o = Opts { options, env };
    let mut notes = Notes::default();
    let settings = match backend {
        RemoteBackend::Swift => StoreSettings::Swift(swift::resolve(&o, &mut notes)?),
        RemoteBackend::S3 => StoreSettings::S3(s3::resolve(&o)?),
    };
    Ok((settings, notes))
}

/// A section's options and the environment.
pub struct Opts<'a> {
    options: &'a [(String, String)],
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Opts<'_> {
    /// The trimmed value of `opt_<key>`, if set and not empty.
    pub fn get(&self, key: &str) -> Option<String> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The first of several spellings that is set, with the key.
    pub fn any(&self, keys: &[&'static str]) -> Option<(&'static str, String)> {
        keys.iter().find_map(|k| self.get(k).map(|v| (*k, v)))
    }

    /// An environment variable, if set and not empty: trimmed, but for a secret (a password, a
    /// secret, a token), which is taken as it is, as swiftclient takes it (a password may
    /// begin or end with a space).
    pub fn env(&self, name: &str) -> Option<String> {
        (self.env)(name)
            .map(|v| {
                if crate::config::ini::looks_secret(name) {
                    v
                } else {
                    v.trim().to_string()
                }
            })
            .filter(|v| !v.is_empty())
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, KeyError> {
        self.get(key)
            .map(|v| parse_bool(&v).map_err(|m| (format!("opt_{key}"), m)))
            .transpose()
    }

    pub fn size(&self, key: &str) -> Result<Option<u64>, KeyError> {
        self.get(key)
            .map(|v| size(&v).ok_or_else(|| (format!("opt_{key}"), format!("{v:?} is not a size"))))
            .transpose()
    }
}

/// An error naming `opt_<key>`.
pub fn err(key: &str, message: impl Into<String>) -> KeyError {
    (format!("opt_{key}"), message.into())
}

#[cfg(test)]
mod tests;

/// What is wrong with an endpoint URL (S3's endpoint, Keystone's or Swift's), if anything: the
/// store would only say so at the first upload, after the rows were deleted, without naming
/// the key.
/// `url` with any user and password before its host masked, for messages.
pub(crate) fn shown_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // Up to the last `@` anywhere: a password may hold `/`, `?` or `#` (helper 139).
    match rest.rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

pub(super) fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("holds a space or a control character".into());
    }
    // Whatever comes before the last `@` (a password may hold `/`, `?` or `#`).
    if rest
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
    {
        return Err("holds a user and password (user:password@), which neither Keystone, TempAuth nor S3 authenticates with, and which the logs would show: remove them and give the credentials in their own keys".into());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or("opens an IPv6 address with [ and does not close it")?;
        match after {
            "" => (host, None),
            p => (
                host,
                Some(
                    p.strip_prefix(':')
                        .ok_or("has text after its IPv6 address")?,
                ),
            ),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("has no host".into());
    }
    if let Some(p) = port {
        if p.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(format!("has a port {p:?} that is not 1-65535"));
        }
    }
    Ok(())
}
