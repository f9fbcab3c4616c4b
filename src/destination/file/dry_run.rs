//! Dry runs of the file destination: nothing is created, not even the directory; what a real
//! run would write and upload is logged instead (`[dry-run] ...` lines).

use crate::config::FileDestination;
use crate::mysql::ident::qualified;
use crate::source::plan::TablePlan;

use super::super::remote::{object_name, Remote};
use super::{naming, FileDest, FileError};

/// When the destination is opened: its remote stores, its files and directory.
pub(super) fn log_open(cfg: &FileDestination, remotes: &[Remote], date: &str) {
    for r in remotes {
        tracing::info!(
            "[dry-run] destination {}: would upload each table's files to remote store {} ({}) as {}",
            cfg.name,
            r.name(),
            r.describe(),
            object_name(r.cfg.file_name_prefix.as_deref(), date, "<file>")
        );
    }
    let formats: Vec<&str> = cfg.formats.iter().map(|f| f.extension()).collect();
    tracing::info!(
        "[dry-run] destination {}: would write {} files in {} (archive_format {}){}",
        cfg.name,
        formats.join(" and "),
        cfg.directory.display(),
        cfg.archive_format.name(),
        if cfg.directory.exists() {
            ""
        } else {
            ", creating the directory"
        }
    );
}

impl FileDest {
    /// When a table is prepared: the files a real run would write now (numbered after those
    /// already there), their archives and their uploads.
    pub(super) fn log_dry_run_table(&self, plan: &TablePlan) -> Result<(), FileError> {
        let table = qualified(&plan.db, &plan.table);
        let stem = naming::stem(&plan.db, &plan.table);
        let n = naming::first_free(&self.directory, &stem, &self.formats, 0).map_err(|e| {
            let what = format!(
                "destination {}: cannot look into {}",
                self.name,
                self.directory.display()
            );
            self.io(what, e)
        })?;
        for &format in &self.formats {
            let names = naming::names(&self.directory, &stem, n, format, self.archive);
            if names.written == names.kept {
                tracing::info!(
                    "[dry-run] destination {}: {table}: would write {}",
                    self.name,
                    names.kept.display()
                );
            } else {
                tracing::info!(
                    "[dry-run] destination {}: {table}: would write {}, then pack it into {}",
                    self.name,
                    names.written.display(),
                    names.kept.display()
                );
            }
            if let Some(file) = names.kept.file_name() {
                self.log_dry_run_uploads(&table, &file.to_string_lossy());
            }
        }
        Ok(())
    }

    fn log_dry_run_uploads(&self, table: &str, file: &str) {
        for r in self.remotes.iter() {
            tracing::info!(
                "[dry-run] destination {}: {table}: would upload {file} to remote store {} ({}) as {}",
                self.name,
                r.name(),
                r.describe(),
                object_name(r.cfg.file_name_prefix.as_deref(), &self.date, file)
            );
        }
    }
}
