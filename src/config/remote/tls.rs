//! The TLS files of a store (`opt_os_cacert`, `opt_os_cert`, `opt_os_key`, or `OS_CACERT`,
//! `OS_CERT`, `OS_KEY`) and `opt_insecure`: read and parsed when the configuration is resolved
//! (a missing or unreadable file is a configuration error), and again when the store opens.

use std::path::PathBuf;

use ureq::tls::{parse_pem, Certificate, ClientCert, PemItem, PrivateKey};

/// Where the TLS material is; the key names the source (option or variable) for errors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TlsFiles {
    /// Extra trusted roots (PEM), with the key or variable that named it.
    pub cacert: Option<(String, PathBuf)>,
    /// The client certificate (PEM, may hold the key too).
    pub cert: Option<(String, PathBuf)>,
    /// The client key (PEM), when not in `cert`.
    pub key: Option<(String, PathBuf)>,
    /// Certificates are not verified at all.
    pub insecure: bool,
}

/// The parsed material.
pub struct TlsMaterial {
    pub roots: Vec<Certificate<'static>>,
    pub client: Option<ClientCert>,
}

impl TlsFiles {
    /// Reads and parses the files. The error names the key (or variable) and says why.
    pub fn load(&self) -> Result<TlsMaterial, (String, String)> {
        let read = |(key, path): &(String, PathBuf)| {
            std::fs::read(path)
                .map_err(|e| (key.clone(), format!("cannot read {}: {e}", path.display())))
        };
        let items = |src: &(String, PathBuf)| -> Result<Vec<PemItem<'static>>, (String, String)> {
            let bytes = read(src)?;
            parse_pem(&bytes)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    (
                        src.0.clone(),
                        format!("{} is not PEM: {e}", src.1.display()),
                    )
                })
        };
        let mut roots = Vec::new();
        if let Some(src) = &self.cacert {
            for item in items(src)? {
                if let PemItem::Certificate(c) = item {
                    roots.push(c);
                }
            }
            if roots.is_empty() {
                return Err((
                    src.0.clone(),
                    format!("{} holds no certificate", src.1.display()),
                ));
            }
        }
        let client = match &self.cert {
            None => {
                if let Some((key, _)) = &self.key {
                    return Err((
                        key.clone(),
                        "needs a client certificate (opt_os_cert)".into(),
                    ));
                }
                None
            }
            Some(src) => {
                let mut chain = Vec::new();
                let mut private: Option<PrivateKey<'static>> = None;
                for item in items(src)? {
                    match item {
                        PemItem::Certificate(c) => chain.push(c),
                        PemItem::PrivateKey(k) => private = Some(k),
                        _ => {}
                    }
                }
                if chain.is_empty() {
                    return Err((
                        src.0.clone(),
                        format!("{} holds no certificate", src.1.display()),
                    ));
                }
                if let Some(ksrc) = &self.key {
                    private = items(ksrc)?.into_iter().find_map(|i| match i {
                        PemItem::PrivateKey(k) => Some(k),
                        _ => None,
                    });
                    if private.is_none() {
                        return Err((
                            ksrc.0.clone(),
                            format!("{} holds no private key", ksrc.1.display()),
                        ));
                    }
                }
                let Some(private) = private else {
                    return Err((
                        src.0.clone(),
                        format!("{} holds no private key: set opt_os_key", src.1.display()),
                    ));
                };
                Some(ClientCert::new_with_certs(&chain, private))
            }
        };
        Ok(TlsMaterial { roots, client })
    }
}
