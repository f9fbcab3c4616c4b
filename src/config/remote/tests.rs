//! The rules of [`super::resolve`]: options, environment, precedence, errors naming the key.

use super::swift::{Domain, Named, SwiftAuth, SwiftSettings};
use super::*;

fn swift(opts: &[(&str, &str)], env: &[(&str, &str)]) -> Result<(SwiftSettings, Notes), KeyError> {
    let options: Vec<(String, String)> = opts
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = |k: &str| {
        env.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    };
    match resolve(RemoteBackend::Swift, &options, &lookup)? {
        (StoreSettings::Swift(s), n) => Ok((s, n)),
        _ => unreachable!(),
    }
}

fn key_of(opts: &[(&str, &str)], env: &[(&str, &str)]) -> String {
    swift(opts, env).err().map(|(k, _)| k).unwrap_or_default()
}

#[test]
fn auth_and_storage_urls_are_checked_when_read() {
    let keystone = [
        ("os_username", "u"),
        ("os_password", "p"),
        ("os_project_name", "pr"),
    ];
    for (key, bad) in [
        ("os_auth_url", "notaurl"),
        ("os_auth_url", "ftp://x/v3"),
        ("os_auth_url", "http://x:99999/v3"),
        ("auth_url", "not a url"),
    ] {
        let mut opts = keystone.to_vec();
        opts.push((key, bad));
        assert_eq!(key_of(&opts, &[]), format!("opt_{key}"), "{bad}");
    }
    let mut opts = keystone.to_vec();
    opts.extend([
        ("os_auth_url", "https://keystone:5000/v3"),
        ("os_storage_url", "x y"),
    ]);
    assert_eq!(key_of(&opts, &[]), "opt_os_storage_url");
    assert_eq!(
        key_of(
            &[
                ("auth", "http://h/auth/v1.0"),
                ("user", "a:b"),
                ("key", "k")
            ],
            &[]
        ),
        ""
    );
    // A user and password in a URL: refused, and not shown (helper 135).
    for (key, opts) in [
        (
            "opt_os_auth_url",
            vec![("os_auth_url", "http://admin:TOPSECRET@k:5000/v3")],
        ),
        (
            "opt_auth",
            vec![
                ("auth", "https://u:TOPSECRET@h/auth/v1.0"),
                ("user", "a"),
                ("key", "k"),
            ],
        ),
    ] {
        let (k, m) = swift(&opts, &[]).unwrap_err();
        assert_eq!(k, key);
        assert!(m.contains("***@") && !m.contains("TOPSECRET"), "{m}");
    }
    assert_eq!(super::shown_url("http://a:b@h:1/p"), "http://***@h:1/p");
    assert_eq!(
        super::shown_url("http://a:TOP#S/E?C@h:1/v3"),
        "http://***@h:1/v3"
    );
    let (k, m) = swift(&[("os_auth_url", "http://admin:TOP#SECRET@k:1/v3")], &[]).unwrap_err();
    assert_eq!(k, "opt_os_auth_url");
    assert!(
        m.contains("user and password") && !m.contains("SECRET"),
        "{m}"
    );
    assert_eq!(super::shown_url("http://h/p"), "http://h/p");
}

#[test]
fn tempauth_from_options_or_st_variables() {
    let (s, _) = swift(
        &[
            ("auth", "http://h/auth/v1.0"),
            ("user", "a:u"),
            ("key", "k"),
        ],
        &[],
    )
    .unwrap();
    assert!(matches!(s.auth, SwiftAuth::TempAuth { ref user, .. } if user == "a:u"));
    assert!(s.from_env.is_empty());
    let env = [
        ("ST_AUTH", "http://h/x"),
        ("ST_USER", "a:u"),
        ("ST_KEY", "k"),
    ];
    let (s, _) = swift(&[], &env).unwrap();
    assert!(matches!(s.auth, SwiftAuth::TempAuth { ref url, .. } if url == "http://h/x"));
    assert_eq!(s.from_env, ["ST_AUTH", "ST_KEY", "ST_USER"]);
    // The option wins over the variable.
    let (s, _) = swift(&[("user", "b:v")], &env).unwrap();
    assert!(matches!(s.auth, SwiftAuth::TempAuth { ref user, .. } if user == "b:v"));
    assert_eq!(
        key_of(&[("auth_version", "1"), ("auth", "http://h")], &[]),
        "opt_user"
    );
}

#[test]
fn keystone_from_os_variables_and_options_win() {
    let env = [
        ("OS_AUTH_URL", "http://k/v3"),
        ("OS_USERNAME", "env-user"),
        ("OS_PASSWORD", "p"),
        ("OS_PROJECT_NAME", "service"),
        ("OS_USER_DOMAIN_ID", "d1"),
        ("OS_INTERFACE", "internal"),
    ];
    let (s, _) = swift(&[], &env).unwrap();
    let SwiftAuth::Password { user, project, .. } = &s.auth else {
        panic!("{s:?}")
    };
    assert_eq!(
        user,
        &Named::Name {
            name: "env-user".into(),
            domain: Domain::Id("d1".into())
        }
    );
    assert_eq!(
        project,
        &Named::Name {
            name: "service".into(),
            domain: Domain::Name("Default".into())
        }
    );
    assert_eq!(s.interface, "internal");
    let (s, _) = swift(
        &[("os_user_id", "u42"), ("os_endpoint_type", "adminURL")],
        &env,
    )
    .unwrap();
    assert!(matches!(s.auth, SwiftAuth::Password { user: Named::Id(ref id), .. } if id == "u42"));
    assert_eq!(s.interface, "admin");
    assert_eq!(
        key_of(&[("os_endpoint_type", "privateURL")], &env),
        "opt_os_endpoint_type"
    );
    assert_eq!(
        key_of(
            &[],
            &[("OS_ENDPOINT_TYPE", "x"), env[0], env[1], env[2], env[3]]
        ),
        "OS_ENDPOINT_TYPE"
    );
}

/// swiftclient takes `OS_PASSWORD` as it is: a password that begins or ends with a space was
/// refused by Keystone (401) once trimmed. Other variables are trimmed still.
#[test]
fn a_secret_from_the_environment_keeps_its_spaces() {
    for password in [" abc", "abc ", "  "] {
        let env = [
            ("OS_AUTH_URL", "http://k/v3 "),
            ("OS_USERNAME", " env-user"),
            ("OS_PASSWORD", password),
            ("OS_PROJECT_NAME", "service"),
        ];
        let (s, _) = swift(&[], &env).unwrap();
        let SwiftAuth::Password {
            url,
            user,
            password: got,
            ..
        } = &s.auth
        else {
            panic!("{s:?}")
        };
        assert_eq!(got, password);
        assert!(
            url.starts_with("http://k/v3") && !url.ends_with(' '),
            "{url:?}"
        );
        assert!(matches!(user, Named::Name { name, .. } if name == "env-user"));
    }
}

#[test]
fn missing_and_unknown_are_named() {
    let (k, m) = swift(&[("os_username", "u"), ("os_password", "p")], &[]).unwrap_err();
    assert_eq!(k, "opt_os_auth_url");
    assert!(m.contains("OS_AUTH_URL"), "{m}");
    let base = [
        ("os_auth_url", "http://k/v3"),
        ("os_username", "u"),
        ("os_password", "p"),
    ];
    assert_eq!(key_of(&base, &[]), "opt_os_project_name");
    assert_eq!(
        key_of(&[base[0], ("os_auth_type", "kerberos")], &[]),
        "opt_os_auth_type"
    );
    assert_eq!(
        key_of(&[base[0], ("auth_version", "4")], &[]),
        "opt_auth_version"
    );
    let ok = [base[0], base[1], base[2], ("os_project_id", "p")];
    assert_eq!(
        key_of(&[&ok[..], &[("retries", "-1")]].concat(), &[]),
        "opt_retries"
    );
    assert_eq!(
        key_of(&[base[0]], &[("ST_AUTH_VERSION", "9")]),
        "ST_AUTH_VERSION"
    );
    assert_eq!(
        key_of(
            &[&ok[..], &[("os_cacert", "/nonexistent.pem")]].concat(),
            &[]
        ),
        "opt_os_cacert"
    );
}

/// python-swiftclient's `v1password` is TempAuth, its `v2password` Keystone's password
/// authentication (read as v3's, with a warning); they were refused (helper 135).
#[test]
fn swiftclients_v1_and_v2_password_auth_types() {
    let (s, _) = swift(
        &[
            ("os_auth_type", "v1password"),
            ("auth", "http://s/auth"),
            ("user", "test:tester"),
            ("key", "k"),
        ],
        &[],
    )
    .unwrap();
    assert!(matches!(s.auth, SwiftAuth::TempAuth { .. }), "{:?}", s.auth);
    let (s, n) = swift(
        &[
            ("os_auth_type", "v2password"),
            ("os_auth_url", "http://k/v2.0"),
            ("os_username", "u"),
            ("os_password", "p"),
            ("os_project_name", "pr"),
        ],
        &[],
    )
    .unwrap();
    assert!(matches!(s.auth, SwiftAuth::Password { .. }), "{:?}", s.auth);
    assert!(
        n.warnings.iter().any(|w| w.contains("v2password")),
        "{:?}",
        n.warnings
    );
    assert_eq!(
        key_of(&[("os_auth_type", "v4password")], &[]),
        "opt_os_auth_type"
    );
}

#[test]
fn tokens_application_credentials_retries() {
    let (s, _) = swift(
        &[
            ("os_auth_token", "t"),
            ("os_storage_url", "http://s/v1/AUTH_a"),
        ],
        &[],
    )
    .unwrap();
    assert!(matches!(s.auth, SwiftAuth::PreAuth { then: None, .. }));
    assert_eq!(s.storage_url.as_deref(), Some("http://s/v1/AUTH_a"));
    // With credentials beside (an OS_AUTH_TOKEN left in the environment, say), they are kept
    // for when the token is refused, as python-swiftclient does (helper 135).
    let (s, _) = swift(
        &[
            ("os_auth_url", "http://k/v3"),
            ("os_username", "u"),
            ("os_password", "p"),
            ("os_project_name", "pr"),
            ("os_storage_url", "http://s/v1/AUTH_a"),
        ],
        &[("OS_AUTH_TOKEN", "stale")],
    )
    .unwrap();
    match &s.auth {
        SwiftAuth::PreAuth {
            token,
            then: Some(then),
        } => {
            assert_eq!(token, "stale");
            assert!(matches!(**then, SwiftAuth::Password { .. }), "{then:?}");
        }
        other => panic!("{other:?}"),
    }
    let url = ("os_auth_url", "http://k/v3");
    let (s, _) = swift(&[url, ("os_auth_token", "t"), ("os_project_id", "p")], &[]).unwrap();
    assert!(matches!(s.auth, SwiftAuth::Token { .. }));
    let (s, n) = swift(
        &[
            url,
            ("os_application_credential_id", "c"),
            ("os_application_credential_secret", "x"),
            ("retries", "2"),
        ],
        &[],
    )
    .unwrap();
    assert!(matches!(
        s.auth,
        SwiftAuth::AppCredential { user: None, .. }
    ));
    assert_eq!(n.attempts, Some(3));
    let named = [
        url,
        ("os_auth_type", "v3applicationcredential"),
        ("os_application_credential_name", "c"),
        ("os_application_credential_secret", "x"),
    ];
    assert_eq!(key_of(&named, &[]), "opt_os_username");
    assert_eq!(
        key_of(&named[..3], &[]),
        "opt_os_application_credential_secret"
    );
    let (_, n) = swift(
        &[
            url,
            ("auth_version", "2.0"),
            ("os_password", "p"),
            ("os_username", "u"),
            ("os_project_id", "p"),
        ],
        &[],
    )
    .unwrap();
    assert!(n.warnings[0].contains("v2.0"), "{:?}", n.warnings);
}

#[test]
fn s3_rules() {
    let s3 = |opts: &[(&str, &str)]| {
        let options: Vec<(String, String)> = opts
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(RemoteBackend::S3, &options, &|_| None)
            .map(|_| ())
            .map_err(|(k, _)| k)
    };
    assert_eq!(s3(&[]), Ok(()));
    assert_eq!(s3(&[("checksums", "always")]).unwrap_err(), "opt_checksums");
    assert_eq!(
        s3(&[("aws_access_key_id", "a")]).unwrap_err(),
        "opt_aws_secret_access_key"
    );
    assert_eq!(
        s3(&[("aws_secret_access_key", "b")]).unwrap_err(),
        "opt_aws_access_key_id"
    );
    assert_eq!(s3(&[("part_size", "0")]).unwrap_err(), "opt_part_size");
    // Amazon S3 refuses parts under 5 MiB; a store of one's own may take them.
    assert_eq!(s3(&[("part_size", "1M")]).unwrap_err(), "opt_part_size");
    assert_eq!(s3(&[("part_size", "5M")]), Ok(()));
    assert_eq!(
        s3(&[
            ("part_size", "1M"),
            ("endpoint_url", "http://127.0.0.1:9000")
        ]),
        Ok(())
    );
    for bad in [
        "not a url",
        "ftp://h",
        "http://",
        "http://[::1",
        "http://[::1]x",
        "http://h:99999",
        "http://h:x/",
        "https://h :9000",
        "https://h/path?x=1",
        "http://h:9000/#f",
    ] {
        assert_eq!(
            s3(&[("endpoint_url", bad)]).unwrap_err(),
            "opt_endpoint_url",
            "{bad}"
        );
    }
    for good in [
        "http://127.0.0.1:9000",
        "https://s3.example.com",
        "http://[::1]:5000/",
        "https://user@h:443/path",
    ] {
        assert_eq!(s3(&[("endpoint_url", good)]), Ok(()), "{good}");
    }
    // A path gets its trailing `/`, so that the bucket goes under it.
    for (url, used) in [
        ("http://h:9000", "http://h:9000"),
        ("http://h:9000/", "http://h:9000/"),
        ("http://h/b", "http://h/b/"),
        ("http://h/b/", "http://h/b/"),
    ] {
        assert_eq!(super::s3::endpoint(url).unwrap(), used, "{url}");
    }
}
