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
                // The look before the upload (HeadObject): no such object, at once.
                if seen.starts_with(b"HEAD ") {
                    let _ =
                        stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    return;
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

/// A loopback S3 that begins multipart uploads (`UploadId` `U1`), answers each part with a
/// success header and then drips its body, and records the uploads it is asked to abort; its
/// port and that record.
fn dripping_multipart_server() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    multipart_server(false)
}

/// A loopback S3 as [`dripping_multipart_server`], or (`refusing`) one that refuses every part
/// and every abort at once (`400`, `403`).
fn multipart_server(refusing: bool) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let aborted = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = aborted.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let record = record.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut buf = [0u8; 65536];
                loop {
                    // One request: its head, then its body (Content-Length).
                    let end = loop {
                        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&buf[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&seen[..end]).to_string();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    while seen.len() < end + length {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&buf[..n]),
                        }
                    }
                    seen.drain(..end + length);
                    let line = head.lines().next().unwrap_or("").to_string();
                    let answer = |s: &mut std::net::TcpStream, status: &str, body: &str| {
                        let r = format!(
                            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/xml\r\n\r\n{body}",
                            body.len()
                        );
                        s.write_all(r.as_bytes()).is_ok()
                    };
                    let ok = if line.starts_with("POST ") && line.contains("uploads") {
                        answer(
                            &mut stream,
                            "200 OK",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult>\
                             <Bucket>b</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>",
                        )
                    } else if refusing && line.starts_with("PUT ") && line.contains("partNumber") {
                        answer(
                            &mut stream,
                            "400 Bad Request",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidRequest</Code><Message>no</Message></Error>",
                        )
                    } else if refusing && line.starts_with("DELETE ") && line.contains("uploadId=")
                    {
                        record.lock().unwrap().push(line.clone());
                        answer(
                            &mut stream,
                            "403 Forbidden",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>",
                        )
                    } else if line.starts_with("PUT ") && line.contains("partNumber") {
                        let h = "HTTP/1.1 200 OK\r\nETag: \"e\"\r\nContent-Length: 100000\r\n\r\n";
                        if stream.write_all(h.as_bytes()).is_err() {
                            return;
                        }
                        while stream.write_all(b" ").is_ok() {
                            std::thread::sleep(Duration::from_millis(200));
                        }
                        return;
                    } else if line.starts_with("DELETE ") && line.contains("uploadId=") {
                        record.lock().unwrap().push(line.clone());
                        answer(&mut stream, "204 No Content", "")
                    } else if line.starts_with("HEAD ") && line.contains(".csv") {
                        // HeadObject before the upload: no such object yet.
                        answer(&mut stream, "404 Not Found", "")
                    } else {
                        // HeadBucket, and anything else: a plain success.
                        answer(&mut stream, "200 OK", "")
                    };
                    if !ok {
                        return;
                    }
                }
            });
        }
    });
    (port, aborted)
}

/// A multipart upload whose attempt is cut by its bound (a part's answer drips) is aborted,
/// so that its parts do not stay on the store: it was left open (the attempt's future was
/// dropped before its own abort could run).
#[test]
fn a_multipart_upload_cut_by_its_bound_is_aborted() {
    let (port, aborted) = dripping_multipart_server();
    let run = run_to_store("osa_drip_mp", 2, "csv", "tar", |c| {
        format!(
            "backend = s3\nbucket = {c}\nupload_attempts = 1\nread_timeout = 1\n\
             connect_timeout = 1\nopt_endpoint_url = http://127.0.0.1:{port}\n\
             opt_region = us-east-1\nopt_aws_access_key_id = a\nopt_aws_secret_access_key = b\n\
             opt_multipart_threshold = 1\nopt_part_size = 1M\n"
        )
    });
    assert_eq!(run.out.code, Some(1), "{}", run.out);
    run.out.output_contains("no complete answer within");
    let aborted = aborted.lock().unwrap().clone();
    assert_eq!(aborted.len(), 1, "{aborted:?}\n{}", run.out);
    assert!(aborted[0].contains("uploadId=U1"), "{aborted:?}");
}

/// A multipart upload whose part is refused is aborted; when the store refuses the abort too,
/// the log says that the parts stay on the store (it said nothing).
#[test]
fn a_multipart_upload_the_store_will_not_abort_is_named_in_the_log() {
    let (port, aborted) = multipart_server(true);
    let run = run_to_store("osa_noabort_mp", 2, "csv", "tar", |c| {
        format!(
            "backend = s3\nbucket = {c}\nupload_attempts = 1\nread_timeout = 5\n\
             connect_timeout = 1\nopt_endpoint_url = http://127.0.0.1:{port}\n\
             opt_region = us-east-1\nopt_aws_access_key_id = a\nopt_aws_secret_access_key = b\n\
             opt_multipart_threshold = 1\nopt_part_size = 1M\n"
        )
    });
    assert_eq!(run.out.code, Some(1), "{}", run.out);
    assert!(!aborted.lock().unwrap().is_empty(), "{}", run.out);
    run.out
        .output_contains("the parts of the upload U1 stay on the store");
}
