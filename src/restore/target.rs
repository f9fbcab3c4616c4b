//! Which archiver, source and archive database of the configuration a restore uses: the one
//! there is, or the one named with `--archiver`, `--source`, `--destination`. A choice that is
//! missing or ambiguous is a usage error (exit 2) that lists the names to choose from.

use crate::config::{Config, DbDestination, Destination, Source};

/// What a restore reads from and writes to.
#[derive(Debug, Clone)]
pub struct Target {
    pub archiver: String,
    pub source: Source,
    /// The archive database; `None` when restoring from files.
    pub destination: Option<DbDestination>,
}

/// Why no target could be chosen (rendered for the log; exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChoiceError(pub String);

fn pick<'a, T>(
    what: &str,
    option: &str,
    within: &str,
    wanted: Option<&str>,
    items: Vec<&'a T>,
    name: impl Fn(&T) -> &str,
) -> Result<&'a T, ChoiceError> {
    let names = || {
        items
            .iter()
            .map(|i| name(i).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(w) => items.iter().copied().find(|i| name(i) == w).ok_or_else(|| {
            ChoiceError(format!(
                "{option} {w}: no such {what}{within} (there are: {})",
                if items.is_empty() {
                    "none".to_string()
                } else {
                    names()
                }
            ))
        }),
        None => match items.as_slice() {
            [one] => Ok(*one),
            [] => Err(ChoiceError(format!("no {what}{within}"))),
            _ => Err(ChoiceError(format!(
                "several {what}s{within} ({}): choose one with {option}",
                names()
            ))),
        },
    }
}

/// Chooses the archiver, source and `backend = db` destination.
pub fn choose(
    config: &Config,
    archiver: Option<&str>,
    source: Option<&str>,
    destination: Option<&str>,
    from_files: bool,
) -> Result<Target, ChoiceError> {
    if let Some(name) = archiver {
        if config.disabled.iter().any(|d| d == name) {
            return Err(ChoiceError(format!(
                "--archiver {name}: that archiver is disabled (enable = false); enable it to restore from it"
            )));
        }
    }
    let a = pick(
        "enabled archiver",
        "--archiver",
        " in the configuration",
        archiver,
        config.archivers.iter().collect(),
        |a| &a.name,
    )?;
    let within = format!(" in archiver {}", a.name);
    let s = pick(
        "source",
        "--source",
        &within,
        source,
        a.sources.iter().collect(),
        |s| &s.name,
    )?;
    let dbs: Vec<&DbDestination> = a
        .destinations
        .iter()
        .filter_map(|d| match d {
            Destination::Db(db) => Some(db),
            Destination::File(_) => None,
        })
        .collect();
    if from_files && destination.is_none() {
        return Ok(Target {
            archiver: a.name.clone(),
            source: s.clone(),
            destination: None,
        });
    }
    if dbs.is_empty() {
        return Err(ChoiceError(format!(
            "archiver {} has no archive database (a destination with backend = db): restore reads archived rows from one",
            a.name
        )));
    }
    let d = pick(
        "archive database (backend = db destination)",
        "--destination",
        &within,
        destination,
        dbs,
        |d| &d.name,
    )?;
    Ok(Target {
        archiver: a.name.clone(),
        source: s.clone(),
        destination: Some(d.clone()),
    })
}
