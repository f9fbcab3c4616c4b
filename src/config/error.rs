//! Configuration errors: each one names the section and, where there is one, the key.

use std::path::PathBuf;

/// An error in the configuration file. Callers branch on it to exit with the usage code (2).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },

    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },

    #[error("line {line}: section [{section}] appears twice")]
    DuplicateSection { line: usize, section: String },

    #[error("line {line}: section [{section}], key '{key}' appears twice")]
    DuplicateKey {
        line: usize,
        section: String,
        key: String,
    },

    #[error("section [{section}] does not exist")]
    NoSection { section: String },

    /// Not one `[archiver:NAME]` section: the run would do nothing and say all is well.
    #[error(
        "no [archiver:NAME] section: nothing would be archived{}",
        unknown_hint(unknown)
    )]
    NoArchiver { unknown: Vec<String> },

    /// A bad value, a failed interpolation, a missing required key, a reference to a missing section.
    #[error("section [{section}], key '{key}': {message}")]
    Value {
        section: String,
        key: String,
        message: String,
    },
}

/// ` (unknown sections: [a], [b]; a misspelt [archiver:NAME]?)`, or nothing.
fn unknown_hint(unknown: &[String]) -> String {
    if unknown.is_empty() {
        return String::new();
    }
    let list: Vec<String> = unknown.iter().map(|s| format!("[{s}]")).collect();
    format!(
        " (unknown sections: {}; a misspelt [archiver:NAME]?)",
        list.join(", ")
    )
}

impl ConfigError {
    /// Shorthand for [`ConfigError::Value`].
    pub fn value(section: &str, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Value {
            section: section.to_string(),
            key: key.to_string(),
            message: message.into(),
        }
    }
}
