//! A remote store's `opt_*` options, any values: [`Remote::open`], which reads and checks them
//! (connecting to nothing), answers, never panics; sizes (`opt_part_size`...) read back.

use proptest::prelude::*;
use proptest::sample::select;

use osarchiver::config::{RemoteBackend, RemoteStore};
use osarchiver::destination::remote::options::parse_size;
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
    ) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _in_runtime = rt.enter();
        let cfg = RemoteStore {
            name: "r".into(),
            backend: if s3 { RemoteBackend::S3 } else { RemoteBackend::Swift },
            container: "c".into(),
            file_name_prefix: None,
            delete_after_upload: false,
            upload_attempts: 1,
            upload_backoff: std::time::Duration::ZERO,
            options,
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
