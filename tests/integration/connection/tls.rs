//! TLS to a dedicated MariaDB started with a server certificate of a CA made here with the
//! `openssl` CLI: each `ssl_mode` against the right and a wrong CA, and users created
//! `REQUIRE SSL` and `REQUIRE X509` (client certificate) with and without what they require.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{dedicated_server_with, server, Launch, Osarchiver, Server, ENV_VAR};

use super::{counts, ini_as, table};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl CLI");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (`<name>-ca.pem`, `<name>-ca.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) -> PathBuf {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            &format!("/CN=osarchiver test {name} CA"),
            "-keyout",
            &format!("{name}-ca.key"),
            "-out",
            &format!("{name}-ca.pem"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    dir.join(format!("{name}-ca.pem"))
}

/// A certificate `<name>.pem` and key `<name>.key` signed by CA `ca`.
fn leaf(dir: &Path, ca: &str, name: &str, ext: &str) -> (PathBuf, PathBuf) {
    std::fs::write(dir.join(format!("{name}.ext")), ext).unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}-ca.pem"),
            "-CAkey",
            &format!("{ca}-ca.key"),
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
    (
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    )
}

struct Pki {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    other_ca: PathBuf,
    client: (PathBuf, PathBuf),
    server: (PathBuf, PathBuf),
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = make_ca(d, "good");
    let other_ca = make_ca(d, "other");
    let server = leaf(
        d,
        "good",
        "server",
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    );
    let client = leaf(
        d,
        "good",
        "client",
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
         extendedKeyUsage=clientAuth\n",
    );
    // The server runs as root here, but keep its files readable anyway.
    Pki {
        _dir: dir,
        ca,
        other_ca,
        client,
        server,
    }
}

fn tls_server(p: &Pki) -> Server {
    dedicated_server_with(Launch {
        args: vec![
            format!("--ssl-ca={}", p.ca.display()),
            format!("--ssl-cert={}", p.server.0.display()),
            format!("--ssl-key={}", p.server.1.display()),
        ],
        ..Launch::default()
    })
}

fn skip() -> bool {
    if !server().is_private() {
        eprintln!("SKIPPED connection::tls: {ENV_VAR} names an external server");
        return true;
    }
    false
}

#[test]
fn ssl_modes_against_the_right_and_a_wrong_ca() {
    if skip() {
        return;
    }
    let p = pki();
    let s = tls_server(&p);
    let db = table(&s, "tls");
    let ca = p.ca.display().to_string();
    let other = p.other_ca.display().to_string();
    let ini = |mode: &str, ca: Option<&str>| {
        let mut i = ini_as(&s, &db, "root")
            .src("ssl_mode", mode)
            .dst("ssl_mode", mode);
        if let Some(ca) = ca {
            i = i.src("ssl_ca", ca).dst("ssl_ca", ca);
        }
        i.src("delete_data", "false").text()
    };
    // A wrong CA: refused at once (not retried), exit 1, the reason said.
    let t0 = Instant::now();
    let out = Osarchiver::new()
        .config_text(ini("verify_ca", Some(&other)))
        .run();
    out.assert_code(1)
        .output_contains("UnknownIssuer")
        .output_contains("(TLS: check ssl_mode, ssl_ca, ssl_cert and ssl_key)");
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    Osarchiver::new()
        .config_text(ini("verify_identity", Some(&other)))
        .run()
        .assert_code(1)
        .output_contains("UnknownIssuer");
    assert_eq!(counts(&s, &db), (6, 0));
    // The right CA, with and without the name check (the certificate names 127.0.0.1).
    for (mode, ca) in [
        ("verify_ca", Some(ca.as_str())),
        ("verify_identity", Some(ca.as_str())),
        ("required", None),
        ("preferred", None),
        ("disabled", None),
    ] {
        let out = Osarchiver::new().config_text(ini(mode, ca)).run();
        out.assert_success();
        assert_eq!(counts(&s, &db).1, 6, "{mode}");
        s.sql(&format!("DROP DATABASE `{}`", db.archive()));
    }
    // ssl_ca alone means verify_ca.
    let out = Osarchiver::new()
        .config_text(
            ini_as(&s, &db, "root")
                .src("ssl_ca", &other)
                .dst("ssl_ca", &other)
                .text(),
        )
        .run();
    out.assert_code(1).output_contains("UnknownIssuer");
}

#[test]
fn users_that_require_ssl_or_a_client_certificate() {
    if skip() {
        return;
    }
    let p = pki();
    let s = tls_server(&p);
    let db = table(&s, "x509");
    s.sql(
        "CREATE USER 'need_ssl'@'%' REQUIRE SSL; GRANT ALL ON *.* TO 'need_ssl'@'%';
         CREATE USER 'need_x509'@'%' REQUIRE X509; GRANT ALL ON *.* TO 'need_x509'@'%';",
    );
    let ca = p.ca.display().to_string();
    let (cert, key) = (
        p.client.0.display().to_string(),
        p.client.1.display().to_string(),
    );
    let run = |user: &str, keys: &[(&str, &str)]| {
        let ini = keys
            .iter()
            .fold(ini_as(&s, &db, user), |i, (k, v)| i.src(k, v).dst(k, v));
        Osarchiver::new()
            .config_text(ini.src("delete_data", "false").text())
            .run()
    };
    run("need_ssl", &[("ssl_mode", "disabled")])
        .assert_code(1)
        .output_contains("Access denied");
    run("need_x509", &[("ssl_ca", &ca)])
        .assert_code(1)
        .output_contains("Access denied");
    assert_eq!(counts(&s, &db), (6, 0));
    run("need_ssl", &[("ssl_mode", "required")]).assert_success();
    assert_eq!(counts(&s, &db).1, 6);
    s.sql(&format!("DROP DATABASE `{}`", db.archive()));
    run(
        "need_x509",
        &[("ssl_ca", &ca), ("ssl_cert", &cert), ("ssl_key", &key)],
    )
    .assert_success();
    assert_eq!(counts(&s, &db).1, 6);
}

#[test]
fn preferred_falls_back_to_plain_and_required_refuses_a_server_without_tls() {
    let s = server();
    if s.sql("SELECT @@have_ssl").trim() == "YES" {
        eprintln!("SKIPPED preferred_falls_back: the test server offers TLS");
        return;
    }
    let db = table(s, "notls");
    let ini = |mode: &str| {
        ini_as(s, &db, &s.user())
            .src("ssl_mode", mode)
            .dst("ssl_mode", mode)
            .src("delete_data", "false")
            .text()
    };
    let t0 = Instant::now();
    Osarchiver::new()
        .config_text(ini("required"))
        .run()
        .assert_code(1)
        .output_contains("server does not have this capability");
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    assert_eq!(counts(s, &db), (6, 0));
    Osarchiver::new()
        .config_text(ini("preferred"))
        .run()
        .assert_success();
    assert_eq!(counts(s, &db).1, 6);
}

#[test]
fn missing_tls_files_are_config_errors() {
    let s = server();
    let db = table(s, "tlsconf");
    let check = |ini: crate::harness::Ini, needle: &str| {
        Osarchiver::new()
            .config_text(ini.text())
            .arg("--check-config")
            .run()
            .assert_code(2)
            .output_contains(needle);
    };
    let base = ini_as(s, &db, "root");
    check(
        base.clone().src("ssl_ca", "/nonexistent/ca.pem"),
        "section [src:src], key 'ssl_ca': cannot read /nonexistent/ca.pem",
    );
    check(
        base.clone()
            .dst("ssl_cert", "/nonexistent/c.pem")
            .dst("ssl_key", "/nonexistent/k.pem"),
        "section [dst:dst], key 'ssl_cert': cannot read /nonexistent/c.pem",
    );
    check(
        base.clone().src("ssl_cert", "/etc/hostname"),
        "section [src:src], key 'ssl_key': is required with ssl_cert",
    );
    check(
        base.clone().src("ssl_mode", "verify_ca"),
        "section [src:src], key 'ssl_ca': is required by ssl_mode = verify_ca",
    );
    check(
        base.src("ssl_mode", "sometimes"),
        "section [src:src], key 'ssl_mode'",
    );
}
