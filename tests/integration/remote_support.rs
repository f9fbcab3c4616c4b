//! Shared by the remote store tests (`remote_*.rs`): a run's configuration with one file
//! destination that uploads to `[remote_store:r]`, and the local files it left.

use std::path::Path;

use crate::file_support::src_section;

/// Archiver `a`: source `s` (database `db`), file destination `f` in `directory`
/// (`formats`, `archive_format`) with `remote_store = r`, whose section is `store` (keys, one
/// a line).
pub fn config(
    db: &str,
    directory: &Path,
    formats: &str,
    archive_format: &str,
    store: &str,
) -> String {
    format!(
        "[archiver:a]\nsrc = s\ndst = f\n\n{}\
         [dst:f]\nbackend = file\ndirectory = {}\nformats = {formats}\narchive_format = {archive_format}\nremote_store = r\n\n\
         [remote_store:r]\n{store}\n",
        src_section("s", db, "delete_data = true"),
        directory.display()
    )
}

/// The object name's date part: `<prefix>/<date>/<file>` split, checking the shape.
pub fn split_object<'a>(key: &'a str, prefix: Option<&str>) -> (&'a str, &'a str) {
    assert!(!key.starts_with('/'), "leading slash in {key:?}");
    let rest = match prefix {
        Some(p) => key
            .strip_prefix(&format!("{p}/"))
            .unwrap_or_else(|| panic!("{key:?} does not start with {p}/")),
        None => key,
    };
    let (date, file) = rest
        .split_once('/')
        .unwrap_or_else(|| panic!("{key:?}: no <date>/<file>"));
    assert!(
        date.len() >= 10 && date.starts_with("20") && !file.contains('/'),
        "{key:?}: expected <date>/<file>"
    );
    (date, file)
}
