//! The pipeline: for each enabled archiver, each source ([`source_run`]), each chosen table
//! ([`table`]), batch by batch ([`pipeline`]): read a keyset page, write it to every
//! destination (committed, fsynced), then delete from the source only the rows every
//! destination holds identically. At the end, a per-table [`report`].

pub mod pipeline;
pub mod report;
mod source_run;
mod table;

use crate::config::Config;

use report::RunReport;

/// Runs every enabled archiver of `config`, in file order.
pub async fn run(config: &Config, dry_run: bool) -> RunReport {
    let mut report = RunReport {
        dry_run,
        ..Default::default()
    };
    for archiver in &config.archivers {
        tracing::info!(
            "archiver {}: sources [{}], destinations [{}]{}",
            archiver.name,
            archiver
                .sources
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            archiver
                .destinations
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>()
                .join(", "),
            if dry_run {
                " (dry run: nothing will be changed)"
            } else {
                ""
            }
        );
        for source in &archiver.sources {
            source_run::run(archiver, source, &config.clock, dry_run, &mut report).await;
        }
    }
    report
}
