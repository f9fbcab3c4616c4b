//! An existing server named by `OSARCHIVER_TEST_MYSQL` (`mysql://user[:password]@host[:port]`).

use mysql_async::Opts;

/// Where the external server is and who we are on it.
#[derive(Debug, Clone)]
pub struct ExternalServer {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
}

impl ExternalServer {
    /// Reads the URL as the program's MySQL driver does (percent-decoding included).
    pub fn from_url(url: &str) -> Result<ExternalServer, String> {
        let url = url.trim();
        let opts = Opts::from_url(url).map_err(|e| {
            format!(
                "{} is not a usable mysql:// URL ({url:?}): {e}",
                super::ENV_VAR
            )
        })?;
        Ok(ExternalServer {
            url: url.trim_end_matches('/').to_string(),
            host: opts.ip_or_hostname().to_string(),
            port: opts.tcp_port(),
            user: opts.user().unwrap_or("root").to_string(),
            password: opts.pass().filter(|p| !p.is_empty()).map(str::to_string),
        })
    }
}
