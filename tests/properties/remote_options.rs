//! A remote store's `opt_*` options, any values, any environment: resolving them (and then
//! [`Remote::open`], connecting to nothing) answers, never panics; sizes (`opt_part_size`...)
//! read back.

use proptest::prelude::*;
use proptest::sample::select;

use osarchiver::config::remote;
use osarchiver::config::value::size as parse_size;
use osarchiver::config::{RemoteBackend, RemoteStore};
use osarchiver::destination::remote::Remote;

use crate::strategies::value;

/// The options the backends read (without `opt_`), and anything else.
fn option_key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "auth_version",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "checksums",
        "create_bucket",
        "endpoint_url",
        "force_path_style",
        "key",
        "multipart_threshold",
        "os_auth_url",
        "os_password",
        "os_project_id",
        "os_project_name",
        "os_username",
        "part_size",
        "profile",
        "region",
        "segment_container",
        "segment_size",
        "storage_class",
        "user",
        "auth",
        "os_auth_type",
        "os_auth_token",
        "os_storage_url",
        "os_user_id",
        "os_application_credential_id",
        "os_application_credential_name",
        "os_application_credential_secret",
        "os_endpoint_type",
        "retries",
        "insecure",
    ];
    prop_oneof![
        8 => select(KEYS).prop_map(String::from),
        1 => "[a-z_]{0,10}",
    ]
}

/// Sizes of any magnitude, with and without a unit.
fn size_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9]{0,22} ?[kKmMgGtTxX]?(i?[bB])?",
        1 => value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn remote_store_options_are_read_or_refused(
        s3 in any::<bool>(),
        options in prop::collection::vec((option_key(), prop_oneof![value(), size_text()]), 0..6),
        env in prop::collection::vec((select(&["OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_ID", "ST_AUTH", "ST_USER", "ST_KEY", "ST_AUTH_VERSION", "OS_AUTH_TYPE", "OS_ENDPOINT_TYPE", "SWIFTCLIENT_INSECURE"][..]), value()), 0..4),
    ) {
        let backend = if s3 { RemoteBackend::S3 } else { RemoteBackend::Swift };
        let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        let Ok((settings, _)) = remote::resolve(backend, &options, &lookup) else {
            return Ok(());
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _in_runtime = rt.enter();
        let cfg = RemoteStore {
            name: "r".into(),
            backend,
            container: "c".into(),
            file_name_prefix: None,
            delete_after_upload: false,
            upload_attempts: 1,
            upload_backoff: std::time::Duration::ZERO,
            connect_timeout: std::time::Duration::from_secs(1),
            read_timeout: std::time::Duration::from_secs(1),
            options,
            settings,
        };
        let _ = Remote::open(&cfg);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn sizes_are_read_back_or_refused(raw in size_text()) {
        if let Some(n) = parse_size(&raw) {
            prop_assert_eq!(parse_size(&n.to_string()), Some(n));
            let digits = raw.trim().chars().take_while(char::is_ascii_digit).count();
            prop_assert!(digits > 0, "a size without a number: {:?}", raw);
        }
    }
}
