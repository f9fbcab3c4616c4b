//! A store that accepts connections and never answers: `read_timeout` ends each request, so
//! the run fails (exit 1, the table's upload named) instead of hanging, for both backends.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::remote::support::run_to_store;

/// A loopback server that accepts and holds connections, saying nothing; its port.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

#[test]
fn a_silent_swift_ends_in_read_timeout() {
    let port = silent_server();
    let start = Instant::now();
    let run = run_to_store("osa_to_sw", 2, "csv", "tar", |c| {
        format!(
            "backend = swift\ncontainer = {c}\nupload_attempts = 1\nread_timeout = 1\n\
             opt_auth = http://127.0.0.1:{port}/auth/v1.0\nopt_user = a:b\nopt_key = k\n"
        )
    });
    assert_eq!(run.out.code, Some(1), "{}", run.out);
    run.out.output_contains("TempAuth at http://127.0.0.1");
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_silent_s3_ends_in_read_timeout() {
    let port = silent_server();
    let start = Instant::now();
    let run = run_to_store("osa_to_s3", 2, "csv", "tar", |c| {
        format!(
            "backend = s3\nbucket = {c}\nupload_attempts = 1\nread_timeout = 1\n\
             opt_endpoint_url = http://127.0.0.1:{port}\nopt_region = us-east-1\n\
             opt_aws_access_key_id = a\nopt_aws_secret_access_key = b\n"
        )
    });
    assert_eq!(run.out.code, Some(1), "{}", run.out);
    run.out.output_contains("cannot upload");
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}
