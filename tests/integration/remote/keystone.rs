//! Keystone v3 password authentication against a small fake identity endpoint (a thread on
//! a loopback port): it checks the credentials, answers a token (a real TempAuth token) in
//! `X-Subject-Token` and a catalog whose object-store endpoint (matching region and
//! interface) is the real Swift's storage URL, so the upload lands in the real Swift.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::file::support::file_names;
use crate::harness::swift::swift;
use crate::remote::support::{run_to_store, split_object, StoreRun};

/// Serves `POST /v3/auth/tokens`; returns its URL and the request bodies it received.
fn fake_keystone(token: String, storage_url: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v3", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut len = 0;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap();
                    }
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let body = String::from_utf8(body).unwrap();
            log.lock().unwrap().push(format!("{} {body}", line.trim()));
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let user = &v["auth"]["identity"]["password"]["user"];
            let ok = line.starts_with("POST /v3/auth/tokens ")
                && user["name"] == "archiver"
                && user["password"] == "s3cret"
                && user["domain"]["name"] == "Default"
                && v["auth"]["scope"]["project"]["name"] == "service";
            let response = if ok {
                let catalog = serde_json::json!({"token": {"catalog": [
                    {"type": "object-store", "endpoints": [
                        {"interface": "internal", "region_id": "RegionOne", "url": "http://127.0.0.1:9/wrong"},
                        {"interface": "public", "region_id": "RegionTwo", "url": "http://127.0.0.1:9/wrong"},
                        {"interface": "public", "region_id": "RegionOne", "url": storage_url},
                    ]}
                ]}})
                .to_string();
                format!(
                    "HTTP/1.1 201 Created\r\nX-Subject-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{catalog}",
                    catalog.len()
                )
            } else {
                let e = r#"{"error": {"code": 401, "message": "The request you have made requires authentication."}}"#;
                format!(
                    "HTTP/1.1 401 Unauthorized\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{e}",
                    e.len()
                )
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, seen)
}

fn store(auth_url: &str, container: &str, password: &str) -> String {
    format!(
        "backend = swift\ncontainer = {container}\nupload_attempts = 2\nupload_backoff = 0.1\n\
         opt_os_auth_url = {auth_url}\nopt_os_username = archiver\nopt_os_password = {password}\n\
         opt_os_project_name = service\nopt_os_user_domain_name = Default\n\
         opt_os_project_domain_name = Default\nopt_os_region_name = RegionOne\n"
    )
}

#[test]
fn keystone_v3_token_and_catalog_lead_to_the_real_swift() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let (auth_url, seen) = fake_keystone(token, storage_url);
    let StoreRun {
        out,
        dir,
        container: c,
        ..
    } = run_to_store("osa_ks_up", 5, "csv", "tar", |c| {
        store(&auth_url, c, "s3cret")
    });
    out.assert_success();
    let names = swift.list(&c);
    assert_eq!(names.len(), 1, "{names:?}\n{out}");
    let (date, file) = split_object(&names[0], None);
    let local = std::fs::read(dir.join(file)).unwrap();
    let encoded = format!("{}/{file}", date.replace(':', "%3A"));
    assert_eq!(swift.get(&c, &encoded).unwrap(), local);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one token for the run: {seen:?}");
}

#[test]
fn keystone_v3_refused_password_is_a_clear_error() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let (auth_url, _) = fake_keystone(token, storage_url);
    let StoreRun { out, dir, .. } = run_to_store("osa_ks_pw", 2, "csv", "tar", |c| {
        store(&auth_url, c, "nope")
    });
    assert_ne!(out.code, Some(0), "{out}");
    out.output_contains("refused user \"archiver\"")
        .output_contains("check opt_os_username, opt_os_password");
    assert_eq!(file_names(&dir).len(), 1);
}

/// A token given with the storage URL is used as is; once Swift refuses it (an expired
/// `OS_AUTH_TOKEN` left beside a password), the credentials authenticate, as
/// python-swiftclient does: the run failed with 401 after deleting the rows (helper 135).
#[test]
fn a_refused_token_gives_way_to_the_password() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let (auth_url, seen) = fake_keystone(token, storage_url.clone());
    let StoreRun {
        out, container: c, ..
    } = run_to_store("osa_ks_stale", 3, "csv", "tar", |c| {
        format!(
            "{}opt_os_auth_token = expired-token\nopt_os_storage_url = {storage_url}\n",
            store(&auth_url, c, "s3cret")
        )
    });
    out.assert_success()
        .output_contains("was refused: authenticating with user \"archiver\"")
        .output_lacks("expired-token");
    assert_eq!(swift.list(&c).len(), 1, "{out}");
    assert_eq!(seen.lock().unwrap().len(), 1, "one authentication");
}
