//! Generators of INI-like text: section names, keys, values and lines, and whole files that
//! are a valid archiver most of the time, with arbitrary options and lines.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;

use crate::edges::VALUES;

/// Section names: the kinds osarchiver knows, the names the generated archiver refers to, and
/// anything else.
pub fn section_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("DEFAULT".to_string()),
        6 => "(archiver|src|dst|remote_store):[a-c]{1,2}",
        3 => select(&["archiver:a", "src:s", "dst:d", "remote_store:r"][..]).prop_map(String::from),
        1 => ".{0,6}",
    ]
}

/// Keys: every option of every kind of section, `opt_*` keys and anything else.
pub fn key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "src",
        "dst",
        "enable",
        "backend",
        "host",
        "port",
        "user",
        "password",
        "socket",
        "databases",
        "tables",
        "excluded_databases",
        "excluded_tables",
        "retention",
        "deleted_column",
        "where",
        "archive_data",
        "delete_data",
        "select_limit",
        "delete_limit",
        "bulk_insert",
        "delete_loop_delay",
        "progress_interval",
        "max_retries",
        "retry_time_limit",
        "foreign_key_check",
        "max_runtime",
        "lock_dir",
        "replicas",
        "max_replication_lag",
        "max_threads_running",
        "max_wsrep_recv_queue",
        "max_flow_control_paused",
        "db_suffix",
        "table_suffix",
        "directory",
        "formats",
        "archive_format",
        "remote_store",
        "container",
        "bucket",
        "file_name_prefix",
        "delete_after_upload",
        "upload_attempts",
        "upload_backoff",
        "opt_os_auth_url",
        "opt_region",
        "opt_endpoint_url",
        "opt_aws_access_key_id",
        "opt_os_username",
    ];
    prop_oneof![
        8 => select(KEYS).prop_map(String::from),
        1 => "opt_[a-z_]{0,12}",
        1 => "[^=:\\[\\]\n\r]{0,8}",
    ]
}

pub fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(VALUES).prop_map(String::from),
        2 => "[0-9.eE+-]{0,12} ?[a-zA-Z]{0,7}",
        // Numbers of any size, with and without a unit.
        2 => "[0-9]{1,25}(\\.[0-9]{1,3})? ?(s|m|h|d|days|MONTH|)",
        1 => "\\$\\{([a-zA-Z_:]{0,8}:)?[a-z_]{0,8}\\}",
        1 => "[ -~]{0,16}",
        1 => ".{0,12}",
    ]
}

/// One line of an INI-like file.
pub fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => section_name().prop_map(|s| format!("[{s}]")),
        8 => (key(), select(&["=", ":", " = ", " : ", "=="][..]), value())
            .prop_map(|(k, d, v)| format!("{k}{d}{v}")),
        2 => ("[ \t]{1,4}", value()).prop_map(|(i, v)| format!("{i}{v}")),
        1 => "[#;].{0,10}",
        1 => Just(String::new()),
        1 => ".{0,20}",
    ]
}

/// Text that is INI most of the time: a valid archiver whose sections get arbitrary options,
/// then arbitrary lines, joined by any kind of line ending.
pub fn ini_text() -> impl Strategy<Value = String> {
    let options = || prop::collection::btree_map(key(), value(), 0..8);
    (
        prop::bool::weighted(0.85),
        options(),
        options(),
        options(),
        options(),
        options(),
        prop::collection::vec(line(), 0..4),
        select(&["\n", "\r\n", "\r"][..]),
    )
        .prop_map(|(skeleton, defaults, arch, src, dst, store, extra, eol)| {
            let mut lines = Vec::new();
            let mut section =
                |header: &str, base: &[(&str, &str)], own: BTreeMap<String, String>| {
                    lines.push(format!("[{header}]"));
                    let mut all: BTreeMap<String, String> = base
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    all.extend(own);
                    lines.extend(all.into_iter().map(|(k, v)| format!("{k} = {v}")));
                };
            if skeleton {
                section("DEFAULT", &[], defaults);
                section("archiver:a", &[("src", "s"), ("dst", "d")], arch);
                section(
                    "src:s",
                    &[("host", "localhost"), ("retention", "12 MONTH")],
                    src,
                );
                section(
                    "dst:d",
                    &[
                        ("backend", "file"),
                        ("directory", "/tmp/osarchiver-properties"),
                        ("remote_store", "r"),
                    ],
                    dst,
                );
                section(
                    "remote_store:r",
                    &[("backend", "s3"), ("bucket", "b")],
                    store,
                );
            }
            lines.extend(extra);
            lines.join(eol)
        })
}
