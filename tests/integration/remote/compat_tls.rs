//! TLS trust of the Swift store: a Keystone behind HTTPS whose CA is made by the test is
//! refused unless `opt_os_cacert` names the CA or `opt_insecure` is set.

use crate::harness::swift::swift;
use crate::remote::fake_keystone::{make_ca, FakeKeystone};
use crate::remote::support::run_to_store;

#[test]
fn a_private_ca_is_trusted_through_opt_os_cacert_or_insecure() {
    let Some(swift) = swift() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_ca(dir.path());
    let (token, storage_url) = swift.login();
    let ks = FakeKeystone::start(
        &token,
        &storage_url,
        "http://127.0.0.1:9/x",
        Some((&cert, &key)),
    );
    let store = |extra: &str| {
        let url = ks.url.clone();
        let extra = extra.to_string();
        move |c: &str| {
            format!(
                "backend = swift\ncontainer = {c}\nupload_attempts = 1\nconnect_timeout = 2\n\
                 opt_os_auth_url = {url}\nopt_os_username = archiver\nopt_os_password = s3cret\n\
                 opt_os_project_name = service\n{extra}"
            )
        }
    };
    let refused = run_to_store("osa_tls_no", 2, "csv", "tar", store(""));
    assert_ne!(refused.out.code, Some(0), "{}", refused.out);
    refused.out.output_contains("UnknownIssuer");
    assert!(ks.bodies().is_empty(), "no request went through");

    let trusted = run_to_store(
        "osa_tls_ca",
        2,
        "csv",
        "tar",
        store(&format!("opt_os_cacert = {}\n", ca.display())),
    );
    trusted.out.assert_success();
    assert_eq!(swift.list(&trusted.container).len(), 1, "{}", trusted.out);

    let insecure = run_to_store(
        "osa_tls_in",
        2,
        "csv",
        "tar",
        store("opt_insecure = true\n"),
    );
    insecure.out.assert_success();
    assert_eq!(swift.list(&insecure.container).len(), 1, "{}", insecure.out);
    assert_eq!(ks.bodies().len(), 2);
}
