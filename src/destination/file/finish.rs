//! The end of a table: its files closed (those without a complete batch removed), how to
//! restore them logged, then what remains (packing, uploads) handed to a background job
//! ([`Packing`]).

use std::fs;

use crate::mysql::ident::qualified;

use super::packing::{Packing, PackingJob};
use super::writer::{FormatWriter, TableFile};
use super::{csv, sql, FileDest, FileError, FileTarget};

impl FileDest {
    /// A table is done (or stopped after an error): closes its files, then packs them into
    /// their archives on a background thread (the returned [`Packing`]). Files without a
    /// complete batch are removed. Every file is handled even when one fails; a failed packing
    /// leaves the plain file in place.
    pub fn finish(&mut self, mut t: FileTarget) -> Result<Option<Packing>, FileError> {
        let mut messages = Vec::new();
        let mut done = Vec::new();
        let mut to_pack = Vec::new();
        // Files complete as written (plain, gz, zst): uploaded as they are.
        let mut to_upload = Vec::new();
        let table = qualified(&t.db, &t.table);
        for f in std::mem::take(&mut t.files) {
            let TableFile {
                names,
                sink,
                writer,
                ..
            } = f;
            let raw = sink.raw_bytes();
            let len = match sink.close() {
                Ok(len) => len,
                Err(e) => {
                    messages.push(format!("cannot close {}: {e}", names.written.display()));
                    continue;
                }
            };
            if len == 0 {
                // Not one complete batch: nothing to keep.
                if let Err(e) = fs::remove_file(&names.written) {
                    messages.push(format!("cannot remove {}: {e}", names.written.display()));
                }
                continue;
            }
            self.log_restore_hint(&t, &names.written, &writer);
            match names.part {
                None => {
                    done.push(format!(
                        "{} ({len} bytes, {raw} before compression)",
                        names.kept.display()
                    ));
                    to_upload.push(names.kept);
                }
                Some(part) => to_pack.push((names.written, part, names.kept, len)),
            }
        }
        if !done.is_empty() {
            tracing::info!(
                "destination {}: {table}: {} rows in {}",
                self.name,
                t.rows,
                done.join(", ")
            );
        }
        if !messages.is_empty() {
            return Err(FileError::Finish(messages));
        }
        if to_pack.is_empty() && (to_upload.is_empty() || self.remotes.is_empty()) {
            return Ok(None);
        }
        Ok(Some(Packing::spawn(PackingJob {
            dest: self.name.clone(),
            table,
            rows: t.rows,
            format: self.archive,
            level: self.level,
            to_pack,
            to_upload,
            remotes: self.remotes.clone(),
            date: self.date.clone(),
            limits: self.limits.clone(),
        })))
    }

    /// How to load a finished file back: a warning when an SQL file needs a larger
    /// `max_allowed_packet`, the `LOAD DATA` statement of a CSV file (debug).
    fn log_restore_hint(&self, t: &FileTarget, written: &std::path::Path, writer: &FormatWriter) {
        match writer {
            FormatWriter::Sql(w) if w.largest_statement() > sql::DEFAULT_MAX_PACKET => {
                tracing::warn!(
                    "destination {}: {} holds a statement of {} bytes: load it with a larger max_allowed_packet (mariadb --max-allowed-packet=1G, and the server's)",
                    self.name,
                    written.display(),
                    w.largest_statement()
                );
            }
            FormatWriter::Csv(w) => {
                if let Some(file) = written.file_name() {
                    tracing::debug!(
                        "destination {}: restore {} with: {}",
                        self.name,
                        written.display(),
                        csv::load_data_statement(
                            &file.to_string_lossy(),
                            &t.db,
                            &t.table,
                            &t.columns,
                            w.kinds()
                        )
                    );
                }
            }
            _ => {}
        }
    }
}
