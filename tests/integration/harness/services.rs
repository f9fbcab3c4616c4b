//! Helper servers for the remote store tests (moto for S3, Swift and memcached): started once
//! per test binary, each program in a process group of its own under the private server's
//! watchdog (`private.rs`), killed and their directory removed when the binary exits.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::cleanup::at_exit;
use super::private::{pick_port, watched};

/// `n` distinct free loopback ports (held while picking, so they differ).
pub fn free_ports(n: usize) -> Vec<u16> {
    let mut held = Vec::new();
    let mut ports = Vec::new();
    let mut attempt = 0;
    while ports.len() < n {
        attempt += 1;
        let port = pick_port(attempt * 31 + n as u32).expect("a free loopback port");
        if ports.contains(&port) {
            continue;
        }
        if let Ok(l) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            held.push(l);
            ports.push(port);
        }
    }
    ports
}

/// A program on PATH (or in /usr/sbin, /usr/local/bin), if installed.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file());
    found
}

/// Starts `program args` watched on behalf of `dir`, its output in `dir/<log>.log`; killed
/// (the whole group) when the test binary exits.
pub fn spawn(
    program: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    dir: &Path,
    log: &str,
) -> Result<u32, String> {
    let out = std::fs::File::create(dir.join(format!("{log}.log"))).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let child: Child = watched(program, dir)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let pid = child.id();
    at_exit(move || {
        // SAFETY: kill(2) on the group this harness started.
        unsafe {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
    });
    Ok(pid)
}

/// Removes `dir` when the test binary exits (after the servers are killed: hooks run in
/// reverse order, so register this first).
pub fn remove_at_exit(dir: &Path) {
    let dir = dir.to_path_buf();
    at_exit(move || {
        std::thread::sleep(Duration::from_millis(200));
        let _ = std::fs::remove_dir_all(&dir);
    });
}

/// Waits until `port` accepts connections; the log's tail in the error.
pub fn wait_port(port: u16, timeout: Duration, log: &Path) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(20).collect();
    Err(format!(
        "nothing listens on 127.0.0.1:{port} after {timeout:?}; {}:\n{}",
        log.display(),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

/// A temporary directory kept for the whole binary (removed at exit).
pub fn service_dir(name: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(&format!("osarchiver-{name}-"))
        .tempdir()
        .expect("a temporary directory")
        .keep();
    remove_at_exit(&dir);
    dir
}

/// A GET with headers; the body when the status is 2xx, `None` otherwise.
pub fn http_get(url: &str, headers: &[(&str, &str)]) -> Option<Vec<u8>> {
    let (status, _, body) = http("GET", url, headers);
    if !(200..300).contains(&status) {
        eprintln!("GET {url}: {status}: {}", String::from_utf8_lossy(&body));
        return None;
    }
    Some(body)
}

/// A request without a body: status, headers (lower-case names), body.
pub fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = agent
        .run(req.body(()).expect("a request"))
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let heads = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap_or_default();
    (status, heads, body)
}
