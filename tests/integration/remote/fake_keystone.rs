//! A fake Keystone v3 in Python (http.server on loopback, optionally in TLS): it logs each
//! request body, refuses the password `nope`, and answers a real TempAuth token in
//! `X-Subject-Token` with a catalog whose object-store endpoints are given by the test (so
//! that only the right interface leads to the real Swift).

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const SCRIPT: &str = r#"
import http.server, json, ssl, sys
port_file, log_file, token, public, internal = sys.argv[1:6]
tls = sys.argv[6:8]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode()
        with open(log_file, 'a') as f:
            f.write(json.dumps({'path': self.path, 'body': json.loads(body or 'null')}) + '\n')
        if self.path != '/v3/auth/tokens' or '"nope"' in body:
            self.send_response(401); self.send_header('Content-Length', '0'); self.end_headers(); return
        out = json.dumps({'token': {'catalog': [{'type': 'object-store', 'endpoints': [
            {'interface': 'public', 'region_id': 'RegionOne', 'url': public},
            {'interface': 'internal', 'region_id': 'RegionOne', 'url': internal}]}]}}).encode()
        self.send_response(201)
        self.send_header('X-Subject-Token', token)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers(); self.wfile.write(out)
s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(tls[0], tls[1])
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
open(port_file + '.tmp', 'w').write(str(s.server_address[1]))
import os; os.rename(port_file + '.tmp', port_file)
s.serve_forever()
"#;

/// A running fake Keystone; killed when dropped.
pub struct FakeKeystone {
    child: Child,
    /// `http(s)://127.0.0.1:<port>/v3`.
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl FakeKeystone {
    /// Starts it; `tls`: its certificate and key (PEM files), for HTTPS.
    pub fn start(token: &str, public: &str, internal: &str, tls: Option<(&Path, &Path)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("keystone.py");
        std::fs::write(&script, SCRIPT).unwrap();
        let port_file = dir.path().join("port");
        let log = dir.path().join("requests.jsonl");
        let mut cmd = Command::new("python3");
        cmd.arg(&script)
            .arg(&port_file)
            .arg(&log)
            .args([token, public, internal]);
        if let Some((cert, key)) = tls {
            cmd.arg(cert).arg(key);
        }
        let child = cmd.spawn().expect("python3");
        let start = Instant::now();
        let port = loop {
            if let Ok(p) = std::fs::read_to_string(&port_file) {
                break p;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "fake Keystone did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        FakeKeystone {
            child,
            url: format!("{scheme}://127.0.0.1:{}/v3", port.trim()),
            log,
            _dir: dir,
        }
    }

    /// The request bodies it received.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["body"].clone())
            .collect()
    }
}

impl Drop for FakeKeystone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a certificate for 127.0.0.1 signed by it, made with the openssl CLI in `dir`:
/// (ca.pem, server.pem, server.key).
pub fn make_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=osarchiver test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}
