//! Swift authentication: Keystone v3 password authentication (a token from
//! `POST <auth_url>/v3/auth/tokens`, the object-store endpoint from its catalog), or TempAuth
//! v1 (`GET <auth_url>` with `X-Auth-User`/`X-Auth-Key`, Swift's own test authentication).

use std::time::Duration;

use serde_json::{json, Value};

use super::options::Options;
use super::{RemoteError, UploadError};

/// How to get a token.
#[derive(Debug, Clone)]
pub enum AuthConfig {
    V3 {
        auth_url: String,
        username: String,
        password: String,
        project_name: Option<String>,
        project_id: Option<String>,
        user_domain_name: String,
        project_domain_name: String,
        region_name: Option<String>,
        interface: String,
    },
    V1 {
        auth_url: String,
        user: String,
        key: String,
    },
}

/// A token and the Swift account URL it works for.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub storage_url: String,
}

/// The options this module reads.
pub const OPTIONS: &[&str] = &[
    "auth_version",
    "os_auth_url",
    "auth_url",
    "os_username",
    "os_password",
    "os_project_name",
    "os_tenant_name",
    "os_project_id",
    "os_user_domain_name",
    "os_project_domain_name",
    "os_region_name",
    "os_interface",
    "user",
    "key",
    "os_storage_url",
];

impl AuthConfig {
    /// Reads the section: `opt_auth_version = 1` (or an auth URL ending in `/v1.0`) means
    /// TempAuth with `opt_user`/`opt_key`; otherwise Keystone v3 with the `opt_os_*` keys.
    pub fn from_options(o: &Options<'_>) -> Result<AuthConfig, RemoteError> {
        let need = |keys: &[&str]| -> Result<String, RemoteError> {
            o.any(keys)
                .map(str::to_string)
                .ok_or_else(|| o.invalid(format!("opt_{} is required", keys[0])))
        };
        let auth_url = need(&["os_auth_url", "auth_url"])?;
        let version = o.get("auth_version").map(|v| v.trim_start_matches('v'));
        let v1 = match version {
            Some("1") | Some("1.0") => true,
            Some("3") | Some("3.0") => false,
            Some(v) => return Err(o.invalid(format!("opt_auth_version {v:?}: expected 1 or 3"))),
            None => {
                let u = auth_url.trim_end_matches('/');
                u.ends_with("/v1.0") || u.ends_with("/auth/v1")
            }
        };
        if v1 {
            return Ok(AuthConfig::V1 {
                auth_url,
                user: need(&["user", "os_username"])?,
                key: need(&["key", "os_password"])?,
            });
        }
        let project_name = o
            .any(&["os_project_name", "os_tenant_name"])
            .map(String::from);
        let project_id = o.get("os_project_id").map(String::from);
        if project_name.is_none() && project_id.is_none() {
            return Err(o.invalid("opt_os_project_name (or opt_os_project_id) is required"));
        }
        Ok(AuthConfig::V3 {
            auth_url,
            username: need(&["os_username"])?,
            password: need(&["os_password"])?,
            project_name,
            project_id,
            user_domain_name: o.get("os_user_domain_name").unwrap_or("Default").into(),
            project_domain_name: o.get("os_project_domain_name").unwrap_or("Default").into(),
            region_name: o.get("os_region_name").map(String::from),
            interface: o
                .get("os_interface")
                .unwrap_or("public")
                .trim_end_matches("URL")
                .to_ascii_lowercase(),
        })
    }

    /// Authenticates. Refused credentials are a permanent error.
    pub fn authenticate(&self, agent: &ureq::Agent) -> Result<Session, UploadError> {
        match self {
            AuthConfig::V1 {
                auth_url,
                user,
                key,
            } => {
                let mut resp = agent
                    .get(auth_url)
                    .header("X-Auth-User", user)
                    .header("X-Auth-Key", key)
                    .call()
                    .map_err(|e| UploadError::transient(format!("TempAuth at {auth_url}: {e}")))?;
                let status = resp.status().as_u16();
                if status == 401 || status == 403 {
                    return Err(UploadError::permanent(format!(
                        "TempAuth at {auth_url} refused user {user:?} ({status}): check opt_user and opt_key"
                    )));
                }
                if !(200..300).contains(&status) {
                    let body = resp.body_mut().read_to_string().unwrap_or_default();
                    return Err(UploadError::transient(format!(
                        "TempAuth at {auth_url}: HTTP {status}: {}",
                        body.trim()
                    )));
                }
                let header = |name: &str| {
                    resp.headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                match (header("x-auth-token"), header("x-storage-url")) {
                    (Some(token), Some(storage_url)) => Ok(Session { token, storage_url }),
                    _ => Err(UploadError::transient(format!(
                        "TempAuth at {auth_url}: no X-Auth-Token or X-Storage-Url in the answer"
                    ))),
                }
            }
            AuthConfig::V3 {
                auth_url,
                username,
                password,
                project_name,
                project_id,
                user_domain_name,
                project_domain_name,
                region_name,
                interface,
            } => {
                let base = auth_url.trim_end_matches('/');
                let url = if base.ends_with("/v3") {
                    format!("{base}/auth/tokens")
                } else {
                    format!("{base}/v3/auth/tokens")
                };
                let project = match project_id {
                    Some(id) => json!({ "id": id }),
                    None => {
                        json!({ "name": project_name, "domain": { "name": project_domain_name } })
                    }
                };
                let body = json!({
                    "auth": {
                        "identity": {
                            "methods": ["password"],
                            "password": { "user": {
                                "name": username,
                                "domain": { "name": user_domain_name },
                                "password": password,
                            } }
                        },
                        "scope": { "project": project }
                    }
                });
                let mut resp = agent
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .send(body.to_string())
                    .map_err(|e| UploadError::transient(format!("Keystone at {url}: {e}")))?;
                let status = resp.status().as_u16();
                let text = resp.body_mut().read_to_string().unwrap_or_default();
                if status == 401 || status == 403 {
                    return Err(UploadError::permanent(format!(
                        "Keystone at {url} refused user {username:?} ({status}): check opt_os_username, opt_os_password and the domains"
                    )));
                }
                if !(200..300).contains(&status) {
                    return Err(UploadError::transient(format!(
                        "Keystone at {url}: HTTP {status}: {}",
                        text.trim()
                    )));
                }
                let token = resp
                    .headers()
                    .get("x-subject-token")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        UploadError::transient(format!("Keystone at {url}: no X-Subject-Token"))
                    })?;
                let doc: Value = serde_json::from_str(&text).map_err(|e| {
                    UploadError::transient(format!("Keystone at {url}: bad answer: {e}"))
                })?;
                let storage_url = endpoint(&doc, region_name.as_deref(), interface)
                    .map_err(|m| UploadError::permanent(format!("Keystone at {url}: {m}")))?;
                Ok(Session { token, storage_url })
            }
        }
    }
}

/// Why a token's catalog has no endpoint to use.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the token has no catalog")]
    NoCatalog,
    #[error(
        "no object-store endpoint for interface {interface}{} in the catalog (found: {})",
        region.as_ref().map(|r| format!(" in region {r:?}")).unwrap_or_default(),
        if found.is_empty() { "none".to_string() } else { found.join(", ") }
    )]
    NoEndpoint {
        interface: String,
        region: Option<String>,
        /// The object-store endpoints there are: `interface in "region"`.
        found: Vec<String>,
    },
}

/// The object-store endpoint of a token's catalog for a region (any, if None) and interface.
pub fn endpoint(
    doc: &Value,
    region: Option<&str>,
    interface: &str,
) -> Result<String, CatalogError> {
    let catalog = doc["token"]["catalog"]
        .as_array()
        .ok_or(CatalogError::NoCatalog)?;
    let mut seen = Vec::new();
    for service in catalog.iter().filter(|s| s["type"] == "object-store") {
        for e in service["endpoints"].as_array().into_iter().flatten() {
            let r = e["region_id"]
                .as_str()
                .or(e["region"].as_str())
                .unwrap_or("");
            let i = e["interface"].as_str().unwrap_or("");
            seen.push(format!("{i} in {r:?}"));
            if i == interface && region.is_none_or(|want| want == r) {
                if let Some(url) = e["url"].as_str() {
                    return Ok(url.to_string());
                }
            }
        }
    }
    Err(CatalogError::NoEndpoint {
        interface: interface.to_string(),
        region: region.map(str::to_string),
        found: seen,
    })
}

/// A default timeout for connecting.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_matches_region_and_interface() {
        let doc = json!({"token": {"catalog": [
            {"type": "identity", "endpoints": [{"interface": "public", "region_id": "R1", "url": "http://k"}]},
            {"type": "object-store", "endpoints": [
                {"interface": "internal", "region_id": "R1", "url": "http://i1"},
                {"interface": "public", "region_id": "R1", "url": "http://p1"},
                {"interface": "public", "region_id": "R2", "url": "http://p2"}
            ]}
        ]}});
        assert_eq!(endpoint(&doc, Some("R2"), "public").unwrap(), "http://p2");
        assert_eq!(endpoint(&doc, Some("R1"), "internal").unwrap(), "http://i1");
        assert_eq!(endpoint(&doc, None, "public").unwrap(), "http://p1");
        let e = endpoint(&doc, Some("R3"), "public")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("region \"R3\"") && e.contains("public in \"R2\""),
            "{e}"
        );
    }

    #[test]
    fn v1_is_detected_from_the_url() {
        let opts = vec![
            ("os_auth_url".to_string(), "http://h/auth/v1.0".to_string()),
            ("user".into(), "test:tester".into()),
            ("key".into(), "testing".into()),
        ];
        let a = AuthConfig::from_options(&Options::new("s", &opts)).unwrap();
        assert!(matches!(a, AuthConfig::V1 { .. }));
        let opts = vec![("os_auth_url".to_string(), "http://h:5000/v3".to_string())];
        let e = AuthConfig::from_options(&Options::new("s", &opts))
            .unwrap_err()
            .to_string();
        assert!(e.contains("opt_os_project_name"), "{e}");
    }
}
