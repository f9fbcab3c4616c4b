//! Python-swiftclient's `SwiftService` options that mean nothing for osarchiver: warned
//! about by name, with the reason, and ignored (never silently).

/// Python-swiftclient options that mean nothing here, and why: warned about, not read.
pub const UNUSED: &[(&str, &str)] = &[
    (
        "snet",
        "ServiceNet is Rackspace's; set opt_os_storage_url or opt_os_endpoint_type",
    ),
    ("verbose", "the log level is osarchiver's --log-level"),
    ("debug", "the log level is osarchiver's --log-level"),
    ("info", "the log level is osarchiver's --log-level"),
    ("force_auth_retry", "a refused token is always renewed once"),
    ("ssl_compression", "TLS compression is never used"),
    (
        "segment_threads",
        "a file's segments go up one after the other",
    ),
    (
        "object_dd_threads",
        "osarchiver never downloads or deletes objects",
    ),
    (
        "object_uu_threads",
        "files go up in the destination's background jobs",
    ),
    ("container_threads", "the container is created once"),
    (
        "use_slo",
        "large files always go up as static large objects",
    ),
    (
        "leave_segments",
        "a failed upload's segments are always deleted",
    ),
    ("changed", "every archive is a new object"),
    ("skip_identical", "every archive is a new object"),
    (
        "skip_container_put",
        "a missing container is always created",
    ),
    (
        "checksum",
        "every object is always sent with its MD5 and checked",
    ),
    ("header", "no headers are added to objects"),
    ("meta", "no metadata is added to objects"),
    ("read_acl", "the container's ACLs are not changed"),
    ("write_acl", "the container's ACLs are not changed"),
    (
        "object_name",
        "object names are <file_name_prefix>/<date>/<file>",
    ),
    (
        "prefix",
        "object names are <file_name_prefix>/<date>/<file>",
    ),
];

/// Why swiftclient's option `key` (without `opt_`) is not used, if it is one of those.
pub fn unused(key: &str) -> Option<&'static str> {
    UNUSED.iter().find(|(k, _)| *k == key).map(|(_, why)| *why)
}
