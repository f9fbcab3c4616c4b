//! `--check-config`: the resolved plan as text, passwords and the `opt_*` keys defined as
//! secrets masked.

use std::fmt::Write;

use super::keys::{find, Scopes};
use super::model::*;

fn conn(c: &DbConnection) -> String {
    let who = c.user.as_deref().unwrap_or("(current user)");
    let pw = if c.password.is_some() {
        " password=********"
    } else {
        ""
    };
    let tls = match c.tls.mode {
        SslMode::Disabled => String::new(),
        m => format!(" ssl_mode={}", m.name()),
    };
    let t = &c.timeouts;
    let timeouts = format!(
        " connect_timeout={}s read_timeout={}s write_timeout={}s",
        t.connect.as_secs_f64(),
        t.read.as_secs_f64(),
        t.write.as_secs_f64()
    );
    match &c.socket {
        Some(s) => format!("{who}@unix:{}{pw}{tls}{timeouts}", s.display()),
        None => format!("{who}@{}:{}{pw}{tls}{timeouts}", c.host, c.port),
    }
}

fn selection(s: &Selection) -> String {
    match s {
        Selection::All => "*".to_string(),
        Selection::Names(n) => n.join(", "),
    }
}

/// Whether the value of `opt_<key>` in a store of `backend` is masked: when its definition
/// says it is a secret, or when there is none.
fn is_secret(backend: RemoteBackend, key: &str) -> bool {
    let scope = match backend {
        RemoteBackend::Swift => Scopes::SWIFT,
        RemoteBackend::S3 => Scopes::S3,
    };
    find(scope, &format!("opt_{key}")).is_none_or(|d| d.is_secret())
}

/// The plan, one block per archiver, as `--check-config` prints it.
pub fn render(config: &Config) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "configuration: {}", config.path.display());
    let _ = writeln!(
        o,
        "run start: {{now}} = {} UTC, {{date}} = {}",
        config.clock.now, config.clock.date
    );
    if config.archivers.is_empty() {
        let _ = writeln!(o, "no enabled archiver: a run would do nothing");
    }
    for name in &config.disabled {
        let _ = writeln!(o, "archiver {name}: disabled");
    }
    for a in &config.archivers {
        let _ = writeln!(o, "archiver {}:", a.name);
        for s in &a.sources {
            let _ = writeln!(o, "  source {} (db {})", s.name, conn(&s.conn));
            let _ = writeln!(
                o,
                "    databases: {}  excluded: [{}]",
                selection(&s.databases),
                written(&s.excluded_databases)
            );
            let _ = writeln!(
                o,
                "    tables: {}  excluded: [{}]",
                selection(&s.tables),
                written(&s.excluded_tables)
            );
            let _ = writeln!(
                o,
                "    deleted_column: {}  retention: {}",
                s.deleted_column,
                s.retention.as_deref().unwrap_or("(not set)")
            );
            let _ = writeln!(o, "    where: {}", s.where_clause);
            let _ = writeln!(
                o,
                "    archive_data: {}  delete_data: {}  foreign_key_check: {}",
                s.archive_data, s.delete_data, s.foreign_key_check
            );
            let _ = writeln!(
                o,
                "    select_limit: {}  delete_limit: {}  delete_loop_delay: {}s  max_retries: {}  retry_time_limit: {}s",
                s.select_limit,
                s.delete_limit,
                s.delete_loop_delay.as_secs_f64(),
                s.retry.max_retries,
                s.retry.delay.as_secs_f64()
            );
            if s.jobs > 1 {
                let _ = writeln!(o, "    jobs: {}", s.jobs);
            }
            if let Some(m) = s.max_runtime {
                let _ = writeln!(o, "    max_runtime: {}s", m.as_secs_f64());
            }
            let _ = writeln!(
                o,
                "    progress_interval: {}s",
                s.progress_interval.as_secs_f64()
            );
            if let Some(d) = &s.lock_dir {
                let _ = writeln!(o, "    lock_dir: {}", d.display());
            }
            let t = &s.throttle;
            if t.is_active() {
                let _ = writeln!(
                    o,
                    "    throttle: replicas [{}] max_replication_lag {}s  max_threads_running {}  max_wsrep_recv_queue {}  max_flow_control_paused {}  max_pause {}",
                    t.replicas
                        .iter()
                        .map(|(h, p)| format!("{h}:{p}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    t.max_replication_lag,
                    t.max_threads_running.map_or("-".to_string(), |v| v.to_string()),
                    t.max_wsrep_recv_queue.map_or("-".to_string(), |v| v.to_string()),
                    t.max_flow_control_paused.map_or("-".to_string(), |v| v.to_string()),
                    t.max_pause.map_or("-".to_string(), |v| format!("{:.0}s", v.as_secs_f64())),
                );
            }
        }
        if a.destinations.is_empty() {
            let _ = writeln!(o, "  no destination");
        }
        for d in &a.destinations {
            match d {
                Destination::Db(d) => {
                    let _ = writeln!(o, "  destination {} (db {})", d.name, conn(&d.conn));
                    let _ = writeln!(
                        o,
                        "    db_suffix: {}  table_suffix: {}  bulk_insert: {}  server_side_copy: {}",
                        d.db_suffix.as_deref().unwrap_or("(not set)"),
                        d.table_suffix.as_deref().unwrap_or("(not set)"),
                        d.bulk_insert,
                        d.server_side_copy
                    );
                }
                Destination::File(f) => {
                    let formats: Vec<&str> = f.formats.iter().map(|f| f.extension()).collect();
                    let _ = writeln!(
                        o,
                        "  destination {} (file {})",
                        f.name,
                        f.directory.display()
                    );
                    let level = if f.archive_format.levels().is_some() {
                        format!("  compression_level: {}", f.compression_level)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        o,
                        "    formats: {}  archive_format: {}{level}",
                        formats.join(", "),
                        f.archive_format.name()
                    );
                    for r in &f.remote_stores {
                        let _ = writeln!(
                            o,
                            "    remote store {} ({:?}) container: {}  prefix: {}",
                            r.name,
                            r.backend,
                            r.container,
                            r.file_name_prefix.as_deref().unwrap_or("(none)")
                        );
                        let _ = writeln!(
                            o,
                            "      delete_after_upload: {}  upload_attempts: {}  upload_backoff: {:?}",
                            r.delete_after_upload, r.upload_attempts, r.upload_backoff
                        );
                        for (k, v) in &r.options {
                            let shown = if is_secret(r.backend, k) {
                                "********"
                            } else {
                                v.as_str()
                            };
                            let _ = writeln!(o, "      opt_{k} = {shown}");
                        }
                    }
                }
            }
        }
    }
    o
}

/// Exclusion patterns as the operator wrote them (they are kept anchored, `^(?:p)$`).
fn written(anchored: &[String]) -> String {
    anchored
        .iter()
        .map(|p| super::value::as_written(p))
        .collect::<Vec<_>>()
        .join(", ")
}
