//! The Python tool's Swift configurations: python-swiftclient's options (`opt_auth`,
//! `opt_user`, `opt_key`, tokens, application credentials, endpoint types) and its
//! environment variables (`ST_*`, `OS_*`), uploads landing in the real Swift; and
//! `--check-config` refusing bad `opt_*` keys (exit 2) with section and key.

use crate::harness::swift::{swift, Swift, KEY, USER};
use crate::harness::Osarchiver;
use crate::remote::fake_keystone::FakeKeystone;
use crate::remote::support::{config, run_to_store, run_to_store_with, StoreRun};

const WRONG: &str = "http://127.0.0.1:9/v1/AUTH_wrong";

/// The run succeeded and its one file is in the container.
fn landed(swift: &Swift, run: &StoreRun) {
    run.out.assert_success();
    let names = swift.list(&run.container);
    assert_eq!(names.len(), 1, "{names:?}\n{}", run.out);
}

fn base(c: &str) -> String {
    format!("backend = swift\ncontainer = {c}\nupload_attempts = 1\nconnect_timeout = 2\n")
}

#[test]
fn tempauth_through_swiftclient_auth_user_key() {
    let Some(swift) = swift() else { return };
    let run = run_to_store("osa_cp_v1", 3, "csv", "tar", |c| {
        format!(
            "{}opt_auth = {}\nopt_user = {USER}\nopt_key = {KEY}\n",
            base(c),
            swift.auth_url()
        )
    });
    landed(swift, &run);
}

#[test]
fn tempauth_through_st_variables() {
    let Some(swift) = swift() else { return };
    let run = run_to_store_with("osa_cp_st", 3, "csv", "tar", base, |cmd| {
        cmd.env("ST_AUTH", swift.auth_url())
            .env("ST_USER", USER)
            .env("ST_KEY", KEY)
    });
    landed(swift, &run);
    run.out
        .output_contains("from the environment: ST_AUTH, ST_KEY, ST_USER")
        .output_lacks(KEY);
}

#[test]
fn keystone_through_os_variables_picks_the_internal_endpoint() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let ks = FakeKeystone::start(&token, WRONG, &storage_url, None);
    let run = run_to_store_with("osa_cp_os", 3, "csv", "tar", base, |cmd| {
        cmd.env("OS_AUTH_URL", &ks.url)
            .env("OS_USERNAME", "archiver")
            .env("OS_PASSWORD", "s3cret")
            .env("OS_PROJECT_NAME", "service")
            .env("OS_USER_DOMAIN_ID", "dom-42")
            .env("OS_REGION_NAME", "RegionOne")
            .env("OS_ENDPOINT_TYPE", "internalURL")
    });
    landed(swift, &run);
    let bodies = ks.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let auth = &bodies[0]["auth"];
    let user = &auth["identity"]["password"]["user"];
    assert_eq!(user["name"], "archiver");
    assert_eq!(user["password"], "s3cret");
    assert_eq!(user["domain"]["id"], "dom-42");
    assert_eq!(auth["scope"]["project"]["name"], "service");
    assert_eq!(auth["scope"]["project"]["domain"]["name"], "Default");
    run.out.output_lacks("s3cret");
}

#[test]
fn an_option_wins_over_its_variable() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let ks = FakeKeystone::start(&token, &storage_url, WRONG, None);
    let run = run_to_store_with(
        "osa_cp_win",
        2,
        "csv",
        "tar",
        |c| {
            format!("{}opt_os_auth_url = {}\nopt_os_username = archiver\nopt_os_endpoint_type = publicURL\n", base(c), ks.url)
        },
        |cmd| {
            cmd.env("OS_USERNAME", "someone-else")
                .env("OS_PASSWORD", "s3cret")
                .env("OS_PROJECT_ID", "p-1")
                .env("OS_ENDPOINT_TYPE", "internal")
        },
    );
    landed(swift, &run);
    let bodies = ks.bodies();
    assert_eq!(
        bodies[0]["auth"]["identity"]["password"]["user"]["name"],
        "archiver"
    );
    assert_eq!(bodies[0]["auth"]["scope"]["project"]["id"], "p-1");
}

#[test]
fn a_token_and_a_storage_url_skip_authentication() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let run = run_to_store("osa_cp_tok", 3, "csv", "tar", |c| {
        format!(
            "{}opt_os_auth_token = {token}\nopt_os_storage_url = {storage_url}\n",
            base(c)
        )
    });
    landed(swift, &run);
}

#[test]
fn application_credentials() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let ks = FakeKeystone::start(&token, &storage_url, WRONG, None);
    let run = run_to_store("osa_cp_app", 3, "csv", "tar", |c| {
        format!(
            "{}opt_os_auth_url = {}\nopt_os_auth_type = v3applicationcredential\n\
             opt_os_application_credential_id = cred-1\nopt_os_application_credential_secret = shh\n",
            base(c),
            ks.url
        )
    });
    landed(swift, &run);
    let bodies = ks.bodies();
    let identity = &bodies[0]["auth"]["identity"];
    assert_eq!(
        identity["methods"],
        serde_json::json!(["application_credential"])
    );
    assert_eq!(identity["application_credential"]["id"], "cred-1");
    assert_eq!(identity["application_credential"]["secret"], "shh");
    assert!(bodies[0]["auth"].get("scope").is_none(), "{bodies:?}");
}

/// `--check-config` over a store section `store` (with `env`): its output.
fn check(store: &str, env: &[(&str, &str)]) -> crate::harness::Output {
    let cmd = Osarchiver::new();
    let text = config("db", &cmd.dir().join("out"), "csv", "tar", store);
    env.iter()
        .fold(cmd.config_text(text), |c, (k, v)| c.env(k, v))
        .arg("--check-config")
        .run()
}

#[test]
fn check_config_refuses_bad_remote_options() {
    for (store, env, key) in [
        ("backend = s3\nbucket = b\nopt_checksums = always\n", &[][..], "opt_checksums"),
        (
            "backend = s3\nbucket = b\n",
            &[("AWS_CA_BUNDLE", "/nonexistent/bundle.pem")][..],
            "AWS_CA_BUNDLE",
        ),
        (
            "container = c\nopt_os_auth_url = http://k/v3\nopt_os_auth_type = kerberos\n",
            &[][..],
            "opt_os_auth_type",
        ),
        ("container = c\nopt_os_username = u\nopt_os_password = p\n", &[][..], "opt_os_auth_url"),
        (
            "container = c\nopt_os_username = u\nopt_os_password = p\nopt_os_project_id = x\n",
            &[("OS_ENDPOINT_TYPE", "privateURL"), ("OS_AUTH_URL", "http://k/v3")][..],
            "OS_ENDPOINT_TYPE",
        ),
        ("container = c\nopt_os_auth_token = t\nopt_os_storage_url = http://s\nopt_os_cacert = /nonexistent/ca.pem\n", &[][..], "opt_os_cacert"),
    ] {
        let out = check(store, env);
        out.assert_code(2).assert_no_panic();
        out.output_contains("[remote_store:r]").output_contains(key);
    }
    // The environment completes a section.
    check(
        "container = c\nopt_os_username = u\nopt_os_password = p\nopt_os_project_id = x\n",
        &[("OS_AUTH_URL", "http://k/v3")],
    )
    .assert_success();
}

#[test]
fn swiftclient_options_that_mean_nothing_here_are_named() {
    let out = check(
        "container = c\nopt_os_auth_token = t\nopt_os_storage_url = http://s\nopt_segment_threads = 4\nopt_colour = blue\n",
        &[],
    );
    out.assert_success();
    out.output_contains(
        "opt_segment_threads' is a python-swiftclient option osarchiver does not use",
    )
    .output_contains("unknown key 'opt_colour'");
}

/// A Python configuration setting every python-swiftclient option
/// (`tests/corpus/ini/python_swiftclient_options.ini`): checked without an error, secrets
/// masked, every option osarchiver does not use named in a warning, none called unknown.
#[test]
fn a_python_configuration_with_every_swiftclient_option() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/ini/python_swiftclient_options.ini");
    let out = Osarchiver::new()
        .config_file(&path)
        .arg("--check-config")
        .run();
    out.assert_success()
        .output_contains("opt_os_password = ********")
        .output_lacks("pw-secret-1")
        .output_lacks("unknown key");
    for (key, _) in osarchiver::config::remote::swift::UNUSED {
        out.output_contains(&format!(
            "'opt_{key}' is a python-swiftclient option osarchiver does not use"
        ));
    }
}
