//! Uploads of a table's finished files to every remote store of the destination, and
//! `delete_after_upload`: a file is removed only once every store has confirmed it.

use std::fs;
use std::path::PathBuf;

use super::super::remote::Remote;
use super::sink::sync_dir;

/// Uploads a table's finished files to every remote store (a blocking job); a file is removed
/// after its uploads only when every store confirmed it and every store's section says
/// `delete_after_upload`. Failures go to `errors` (the file stays).
pub(super) fn upload(
    dest: &str,
    table: &str,
    remotes: &[Remote],
    date: &str,
    files: &[PathBuf],
    errors: &mut Vec<String>,
) {
    if remotes.is_empty() {
        return;
    }
    for path in files {
        let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
            continue;
        };
        let mut confirmed = 0;
        for r in remotes {
            let started = std::time::Instant::now();
            match r.upload_new(path, date, &file) {
                Ok((_, receipt)) => {
                    confirmed += 1;
                    tracing::info!(
                        "destination {dest}: {table}: uploaded {} to {} ({} bytes, ETag {}) in {:.1?}",
                        path.display(),
                        receipt.location,
                        receipt.size,
                        receipt.etag,
                        started.elapsed()
                    );
                }
                Err(e) => errors.push(format!("{e}; the file stays in {}", path.display())),
            }
        }
        if confirmed == remotes.len() && remotes.iter().all(|r| r.cfg.delete_after_upload) {
            match fs::remove_file(path) {
                Ok(()) => {
                    tracing::info!(
                        "destination {dest}: {table}: removed {} (uploaded, delete_after_upload)",
                        path.display()
                    );
                    if let Some(dir) = path.parent() {
                        let _ = sync_dir(dir);
                    }
                }
                Err(e) => errors.push(format!(
                    "cannot remove {} after its upload: {e}",
                    path.display()
                )),
            }
        }
    }
}
