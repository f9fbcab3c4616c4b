//! TLS to the database servers: the driver's [`SslOpts`] for a configured `ssl_mode`, and the
//! sorting of certificate failures (not worth retrying).
//!
//! The driver uses rustls (pure Rust, with the `ring` provider, installed as the process
//! default by [`install_provider`]). The modes read as the MySQL client's:
//!
//! - `disabled`: no TLS.
//! - `preferred`: TLS when the server offers it, its certificate not checked; a server without
//!   TLS gets a plain connection ([`super::conn`] falls back).
//! - `required`: TLS or no connection; the certificate is not checked.
//! - `verify_ca`: the server's certificate must be signed by `ssl_ca` (only it: the built-in
//!   roots are not trusted); its name is not checked.
//! - `verify_identity`: as `verify_ca`, and the certificate must name the host connected to;
//!   without `ssl_ca`, the Mozilla roots (webpki-roots) are trusted.
//!
//! `ssl_cert` and `ssl_key` (PEM) are presented when the server asks for a client certificate
//! (`REQUIRE X509`), in every mode but `disabled`. A unix socket connection is never encrypted
//! (the driver does not, and the MySQL server treats a socket as secure).

use std::sync::Once;

use mysql_async::{ClientIdentity, SslOpts};

use crate::config::{SslMode, Tls};

/// Makes rustls' `ring` provider the process default (the driver builds its TLS
/// configuration from the default; the crate graph enables two providers, so rustls cannot pick
/// one itself). Idempotent.
pub fn install_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means another part of the process installed one first: that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// The driver's TLS options for `tls`, or `None` for `disabled`.
pub fn ssl_opts(tls: &Tls) -> Option<SslOpts> {
    if tls.mode == SslMode::Disabled {
        return None;
    }
    let mut o = SslOpts::default();
    if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
        o = o.with_client_identity(Some(ClientIdentity::new(
            cert.clone().into(),
            key.clone().into(),
        )));
    }
    if let Some(ca) = &tls.ca {
        o = o
            .with_root_certs(vec![ca.clone().into()])
            .with_disable_built_in_roots(true);
    }
    o = match tls.mode {
        SslMode::Disabled | SslMode::Preferred | SslMode::Required => {
            o.with_danger_accept_invalid_certs(true)
        }
        SslMode::VerifyCa => o.with_danger_skip_domain_validation(true),
        SslMode::VerifyIdentity => o,
    };
    Some(o)
}

/// Whether `e` is a TLS failure that another attempt cannot fix: the server's certificate
/// rejected, a bad certificate or key file, a TLS protocol mismatch.
pub fn is_tls_failure(e: &mysql_async::Error) -> bool {
    match e {
        mysql_async::Error::Io(mysql_async::IoError::Tls(_)) => true,
        mysql_async::Error::Io(mysql_async::IoError::Io(io)) => io
            .get_ref()
            .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()),
        mysql_async::Error::Driver(d) => matches!(
            d,
            mysql_async::DriverError::NoClientSslFlagFromServer
                | mysql_async::DriverError::NoKeyFound
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn tls(mode: SslMode) -> Tls {
        Tls {
            mode,
            ca: Some(PathBuf::from("/ca.pem")),
            cert: Some(PathBuf::from("/c.pem")),
            key: Some(PathBuf::from("/k.pem")),
        }
    }

    #[test]
    fn modes_map_to_driver_options() {
        assert!(ssl_opts(&tls(SslMode::Disabled)).is_none());
        let o = ssl_opts(&tls(SslMode::Required)).unwrap();
        assert!(o.accept_invalid_certs());
        assert!(o.client_identity().is_some());
        let o = ssl_opts(&tls(SslMode::VerifyCa)).unwrap();
        assert!(!o.accept_invalid_certs());
        assert!(o.skip_domain_validation());
        assert!(o.disable_built_in_roots());
        assert_eq!(o.root_certs().len(), 1);
        let o = ssl_opts(&tls(SslMode::VerifyIdentity)).unwrap();
        assert!(!o.accept_invalid_certs() && !o.skip_domain_validation());
        let mut t = tls(SslMode::VerifyIdentity);
        t.ca = None;
        t.cert = None;
        let o = ssl_opts(&t).unwrap();
        assert!(!o.disable_built_in_roots() && o.client_identity().is_none());
    }

    #[test]
    fn tls_failures_are_recognised() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert!(is_tls_failure(&mysql_async::Error::Io(
            mysql_async::IoError::Io(io)
        )));
        let plain = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        assert!(!is_tls_failure(&mysql_async::Error::Io(
            mysql_async::IoError::Io(plain)
        )));
    }
}
