//! The HTTP agent of a store that speaks HTTP itself (Swift and Keystone): whom it trusts and
//! how long it waits.
//!
//! Trusted roots: the system's CA store (rustls-native-certs: `/etc/ssl/certs`,
//! `SSL_CERT_FILE`, `SSL_CERT_DIR`), Mozilla's roots compiled in (webpki-root-certs), and the
//! store's `opt_os_cacert`. `opt_insecure` verifies nothing; `opt_os_cert`/`opt_os_key` give a
//! client certificate.
//!
//! Timeouts: `connect_timeout` for each connection; `read_timeout` for sending a request's
//! headers, waiting for its answer and reading the answer; a request body gets
//! `read_timeout` plus the time to send it at [`MIN_RATE`] bytes per second.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::config::remote::tls::TlsFiles;

/// The slowest sending rate a body's timeout allows: 256 KiB/s.
pub const MIN_RATE: u64 = 256 << 10;

/// The system's roots and the built-in ones, loaded once.
fn default_roots() -> &'static [Certificate<'static>] {
    static ROOTS: OnceLock<Vec<Certificate<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let native = rustls_native_certs::load_native_certs();
        for e in &native.errors {
            tracing::debug!("system CA store: {e}");
        }
        tracing::debug!("system CA store: {} certificates", native.certs.len());
        native
            .certs
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .chain(
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
            )
            .collect()
    })
}

/// An agent with the store's trust and timeouts. The error names the key of a bad file.
pub fn agent(
    tls: &TlsFiles,
    connect: Duration,
    read: Duration,
) -> Result<ureq::Agent, (String, String)> {
    let material = tls.load()?;
    let mut roots = default_roots().to_vec();
    roots.extend(material.roots);
    let tls_config = TlsConfig::builder()
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .client_cert(material.client)
        .disable_verification(tls.insecure)
        .build();
    Ok(ureq::Agent::config_builder()
        .http_status_as_error(false)
        .tls_config(tls_config)
        .timeout_connect(Some(connect))
        .timeout_send_request(Some(read))
        .timeout_recv_response(Some(read))
        .timeout_recv_body(Some(read))
        .timeout_send_body(Some(read))
        .build()
        .into())
}

/// The time a body of `len` bytes may take to send.
pub fn send_budget(read: Duration, len: u64) -> Duration {
    read.saturating_add(Duration::from_secs(len / MIN_RATE))
}
