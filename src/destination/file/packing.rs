//! The background job of a finished table: its plain files packed into their archives (one
//! packing at a time in the run, by the run's [`Limits`]), then every finished file uploaded
//! (`uploads`). It runs on a blocking thread while the next table is archived; the run waits
//! for it ([`Packing::wait`]) before it ends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::config::ArchiveFormat;

use super::super::limits::Limits;
use super::super::remote::Remote;
use super::compress;
use super::uploads::upload;

/// What a finished table leaves to do.
pub(super) struct PackingJob {
    /// The destination and the table, for the log.
    pub dest: String,
    pub table: String,
    pub rows: u64,
    pub format: ArchiveFormat,
    /// Its compression level.
    pub level: u32,
    /// Plain file, archive being built, archive kept, plain file's size.
    pub to_pack: Vec<(PathBuf, PathBuf, PathBuf, u64)>,
    /// Files finished as written (plain, gz, zst).
    pub to_upload: Vec<PathBuf>,
    pub remotes: Arc<Vec<Remote>>,
    /// The run's `{date}`, which names the objects.
    pub date: String,
    pub limits: Limits,
}

/// A table's files being packed and uploaded in the background; [`Packing::wait`] gives its
/// errors.
pub struct Packing {
    job: tokio::task::JoinHandle<Vec<String>>,
}

/// Jobs started and not ended, in the whole process: what a run stopped at once leaves
/// unpacked or unsent ([`pending`]).
static PENDING: AtomicUsize = AtomicUsize::new(0);

/// How many finished tables' packings and uploads are still going.
pub fn pending() -> usize {
    PENDING.load(Ordering::SeqCst)
}

/// Counts a job as pending while it lives.
struct Pending;

impl Pending {
    fn new() -> Pending {
        PENDING.fetch_add(1, Ordering::SeqCst);
        Pending
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        PENDING.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Packing {
    /// Starts the job on a blocking thread (packing is CPU work, uploads are blocking calls).
    pub(super) fn spawn(job: PackingJob) -> Packing {
        let pending = Pending::new();
        Packing {
            job: tokio::task::spawn_blocking(move || {
                let _pending = pending;
                job.pack_and_upload()
            }),
        }
    }

    /// Waits for the packing to end; the messages of what failed (the plain files are kept).
    pub async fn wait(self) -> Vec<String> {
        match self.job.await {
            Ok(errors) => errors,
            Err(e) => vec![format!("packing stopped: {e}")],
        }
    }
}

impl PackingJob {
    /// Packs, then uploads (outside the packing lock); the messages of what failed.
    fn pack_and_upload(mut self) -> Vec<String> {
        let mut errors = Vec::new();
        let mut done = Vec::new();
        {
            let _one_at_a_time = self
                .limits
                .packing
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            for (written, part, kept, len) in std::mem::take(&mut self.to_pack) {
                match compress::pack(&written, &part, &kept, self.format, self.level) {
                    Ok(size) => {
                        done.push(format!("{} ({size} bytes, {len} unpacked)", kept.display()));
                        self.to_upload.push(kept);
                    }
                    Err(e) => {
                        errors.push(format!(
                            "cannot pack {} into {} ({e}); the rows stay in {}",
                            written.display(),
                            kept.display(),
                            written.display()
                        ));
                        // The rows are safe locally, and shipped as they are.
                        self.to_upload.push(written);
                    }
                }
            }
        }
        if !done.is_empty() {
            tracing::info!(
                "destination {}: {}: {} rows in {}",
                self.dest,
                self.table,
                self.rows,
                done.join(", ")
            );
        }
        if !self.to_upload.is_empty() && !self.remotes.is_empty() {
            let _slot = self.limits.uploads.take();
            upload(
                &self.dest,
                &self.table,
                &self.remotes,
                &self.date,
                &self.to_upload,
                &mut errors,
            );
        }
        errors
    }
}
