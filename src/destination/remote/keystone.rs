//! Swift authentication ([`SwiftAuth`], resolved by [`crate::config::remote::swift`]):
//! Keystone v3 (`POST <auth_url>/v3/auth/tokens` with the password, token or
//! application_credential method; the object-store endpoint from the token's catalog), TempAuth
//! v1 (`GET <auth_url>` with `X-Auth-User`/`X-Auth-Key`), or a token used as is with its
//! storage URL. A storage URL given in the section replaces the one authentication gives.

use serde_json::{json, Value};

use super::UploadError;
use crate::config::remote::swift::{Domain, Named, SwiftAuth, SwiftSettings};

/// A token and the Swift account URL it works for.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub storage_url: String,
}

fn domain_json(d: &Domain) -> Value {
    match d {
        Domain::Id(id) => json!({ "id": id }),
        Domain::Name(name) => json!({ "name": name }),
    }
}

/// A user or project: `{"id"}` or `{"name", "domain"}`.
fn named_json(n: &Named) -> Value {
    match n {
        Named::Id(id) => json!({ "id": id }),
        Named::Name { name, domain } => json!({ "name": name, "domain": domain_json(domain) }),
    }
}

/// The request body of a Keystone v3 authentication, and what to check when it is refused.
fn v3_body(auth: &SwiftAuth) -> Option<(Value, &'static str)> {
    match auth {
        SwiftAuth::Password {
            user,
            password,
            project,
            ..
        } => {
            let mut u = named_json(user);
            u["password"] = json!(password);
            Some((
                json!({ "auth": {
                    "identity": { "methods": ["password"], "password": { "user": u } },
                    "scope": { "project": named_json(project) }
                } }),
                "check opt_os_username, opt_os_password (or opt_os_user_id) and the domains",
            ))
        }
        SwiftAuth::Token { token, project, .. } => Some((
            json!({ "auth": {
                "identity": { "methods": ["token"], "token": { "id": token } },
                "scope": { "project": named_json(project) }
            } }),
            "check opt_os_auth_token and the project",
        )),
        SwiftAuth::AppCredential {
            credential,
            user,
            secret,
            ..
        } => {
            let mut c = match credential {
                Named::Id(id) => json!({ "id": id }),
                Named::Name { name, .. } => json!({ "name": name }),
            };
            c["secret"] = json!(secret);
            if let Some(u) = user {
                c["user"] = named_json(u);
            }
            Some((
                json!({ "auth": { "identity": {
                    "methods": ["application_credential"], "application_credential": c
                } } }),
                "check opt_os_application_credential_id (or _name and the user) and opt_os_application_credential_secret",
            ))
        }
        SwiftAuth::TempAuth { .. } | SwiftAuth::PreAuth { .. } => None,
    }
}

/// Who is authenticating, for messages (no secrets).
fn who(auth: &SwiftAuth) -> String {
    match auth {
        SwiftAuth::Password {
            user: Named::Name { name, .. },
            ..
        } => format!("user {name:?}"),
        SwiftAuth::Password {
            user: Named::Id(id),
            ..
        } => format!("user id {id:?}"),
        SwiftAuth::Token { .. } => "the token".into(),
        SwiftAuth::AppCredential { .. } => "the application credential".into(),
        SwiftAuth::TempAuth { user, .. } => format!("user {user:?}"),
        SwiftAuth::PreAuth { .. } => "the token".into(),
    }
}

/// Authenticates. Refused credentials are a permanent error. `renew`: the session's token was
/// refused; a token given as is then gives way to the credentials, when there are any.
pub fn authenticate(
    s: &SwiftSettings,
    agent: &ureq::Agent,
    renew: bool,
) -> Result<Session, UploadError> {
    let mut session = match &s.auth {
        SwiftAuth::PreAuth {
            then: Some(credentials),
            ..
        } if renew => {
            tracing::info!(
                "swift: the token given (opt_os_auth_token or OS_AUTH_TOKEN) was refused: authenticating with {}",
                who(credentials)
            );
            let with = SwiftSettings {
                auth: (**credentials).clone(),
                ..s.clone()
            };
            authenticate(&with, agent, false)?
        }
        SwiftAuth::PreAuth { token, .. } => Session {
            token: token.clone(),
            storage_url: s.storage_url.clone().unwrap_or_default(),
        },
        SwiftAuth::TempAuth { url, user, key } => temp_auth(agent, url, user, key)?,
        SwiftAuth::Password { url, .. }
        | SwiftAuth::Token { url, .. }
        | SwiftAuth::AppCredential { url, .. } => keystone(s, agent, url)?,
    };
    if let Some(u) = &s.storage_url {
        session.storage_url = u.clone();
    }
    Ok(session)
}

fn temp_auth(
    agent: &ureq::Agent,
    auth_url: &str,
    user: &str,
    key: &str,
) -> Result<Session, UploadError> {
    // A user and password in the URL (from the environment) stay out of messages.
    let shown = crate::config::remote::shown_url(auth_url);
    let mut resp = agent
        .get(auth_url)
        .header("X-Auth-User", user)
        .header("X-Auth-Key", key)
        .call()
        .map_err(|e| UploadError::transient(format!("TempAuth at {shown}: {e}")))?;
    let status = resp.status().as_u16();
    if status == 401 || status == 403 {
        return Err(UploadError::permanent(format!(
            "TempAuth at {shown} refused user {user:?} ({status}): check opt_user and opt_key"
        )));
    }
    if !(200..300).contains(&status) {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        return Err(UploadError::transient(format!(
            "TempAuth at {shown}: HTTP {status}: {}",
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
            "TempAuth at {shown}: no X-Auth-Token or X-Storage-Url in the answer"
        ))),
    }
}

fn keystone(
    s: &SwiftSettings,
    agent: &ureq::Agent,
    auth_url: &str,
) -> Result<Session, UploadError> {
    let Some((body, hint)) = v3_body(&s.auth) else {
        return Err(UploadError::permanent(
            "internal error: not a Keystone method",
        ));
    };
    let base = auth_url.trim_end_matches('/');
    let base = base.strip_suffix("/v2.0").unwrap_or(base);
    let url = if base.ends_with("/v3") {
        format!("{base}/auth/tokens")
    } else {
        format!("{base}/v3/auth/tokens")
    };
    let shown = crate::config::remote::shown_url(&url);
    let mut resp = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .map_err(|e| UploadError::transient(format!("Keystone at {shown}: {e}")))?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    if status == 401 || status == 403 {
        return Err(UploadError::permanent(format!(
            "Keystone at {shown} refused {} ({status}): {hint}",
            who(&s.auth)
        )));
    }
    if !(200..300).contains(&status) {
        return Err(UploadError::transient(format!(
            "Keystone at {shown}: HTTP {status}: {}",
            text.trim()
        )));
    }
    let token = resp
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| {
            UploadError::transient(format!("Keystone at {shown}: no X-Subject-Token"))
        })?;
    if s.storage_url.is_some() {
        return Ok(Session {
            token,
            storage_url: String::new(),
        });
    }
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| UploadError::transient(format!("Keystone at {shown}: bad answer: {e}")))?;
    let storage_url = endpoint(&doc, &s.service_type, s.region.as_deref(), &s.interface)
        .map_err(|m| UploadError::permanent(format!("Keystone at {shown}: {m}")))?;
    Ok(Session { token, storage_url })
}

/// Why a token's catalog has no endpoint to use.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the token has no catalog")]
    NoCatalog,
    #[error(
        "no {service} endpoint for interface {interface}{} in the catalog (found: {})",
        region.as_ref().map(|r| format!(" in region {r:?}")).unwrap_or_default(),
        if found.is_empty() { "none".to_string() } else { found.join(", ") }
    )]
    NoEndpoint {
        service: String,
        interface: String,
        region: Option<String>,
        /// The object-store endpoints there are: `interface in "region"`.
        found: Vec<String>,
    },
}

/// The endpoint of a service type in a token's catalog for a region (any, if None) and
/// interface.
pub fn endpoint(
    doc: &Value,
    service: &str,
    region: Option<&str>,
    interface: &str,
) -> Result<String, CatalogError> {
    let catalog = doc["token"]["catalog"]
        .as_array()
        .ok_or(CatalogError::NoCatalog)?;
    let mut seen = Vec::new();
    for service in catalog.iter().filter(|s| s["type"] == service) {
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
        service: service.to_string(),
        interface: interface.to_string(),
        region: region.map(str::to_string),
        found: seen,
    })
}

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
        assert_eq!(
            endpoint(&doc, "object-store", Some("R2"), "public").unwrap(),
            "http://p2"
        );
        assert_eq!(
            endpoint(&doc, "object-store", Some("R1"), "internal").unwrap(),
            "http://i1"
        );
        assert_eq!(
            endpoint(&doc, "object-store", None, "public").unwrap(),
            "http://p1"
        );
        let e = endpoint(&doc, "object-store", Some("R3"), "public")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("region \"R3\"") && e.contains("public in \"R2\""),
            "{e}"
        );
    }
}
