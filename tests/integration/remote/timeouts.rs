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

/// A loopback server that answers every request with a success header and then drips its
/// body, a byte every 200 ms, for ever; its port.
fn dripping_server() -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let head = "HTTP/1.1 201 Created\r\nContent-Length: 100000\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                while stream.write_all(b" ").is_ok() {
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
        }
    });
    port
}

/// A store that drips its answers resets the read timeout with every byte: each attempt is
/// bounded as a whole, so the run fails (exit 1) instead of waiting for ever (it did, and a
/// signal did not end it: finished tables' uploads are waited for).
#[test]
fn a_dripping_s3_ends_in_the_attempts_bound() {
    let port = dripping_server();
    let start = Instant::now();
    let run = run_to_store("osa_drip_s3", 2, "csv", "tar", |c| {
        format!(
            "backend = s3\nbucket = {c}\nupload_attempts = 1\nread_timeout = 1\n\
             connect_timeout = 1\nopt_endpoint_url = http://127.0.0.1:{port}\n\
             opt_region = us-east-1\nopt_aws_access_key_id = a\nopt_aws_secret_access_key = b\n"
        )
    });
    assert_eq!(run.out.code, Some(1), "{}", run.out);
    run.out.output_contains("no complete answer within");
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}
