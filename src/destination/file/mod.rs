//! The file destination (`backend = file`): `<directory>/<db>.<table>.csv` and `.sql`.
//!
//! Not built yet: opening one is an error, so a configuration that names one fails clearly
//! before anything is read or deleted.

use crate::config::FileDestination;
use crate::source::batch::Batch;
use crate::source::plan::TablePlan;

use super::WriteOutcome;

/// An open file destination.
pub struct FileDest {
    name: String,
}

/// The files of one table.
pub struct FileTarget {}

/// Why a file destination failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("destination {0}: the file backend is not available in this build")]
    Unsupported(String),
}

impl FileDest {
    pub fn open(
        cfg: &FileDestination,
        _source_name: &str,
        _dry_run: bool,
    ) -> Result<FileDest, FileError> {
        Err(FileError::Unsupported(cfg.name.clone()))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn prepare(&mut self, _plan: &TablePlan, _dry_run: bool) -> Result<FileTarget, FileError> {
        Err(FileError::Unsupported(self.name.clone()))
    }

    pub fn write(
        &mut self,
        _t: &mut FileTarget,
        _plan: &TablePlan,
        _batch: &Batch,
    ) -> Result<WriteOutcome, FileError> {
        Err(FileError::Unsupported(self.name.clone()))
    }

    pub fn finish(&mut self, _t: FileTarget) -> Result<(), FileError> {
        Ok(())
    }
}
