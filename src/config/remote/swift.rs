//! The Swift store's options, typed, as python-swiftclient's `SwiftService` reads them: each
//! `opt_<name>` is swiftclient's option `<name>`, and an option that is not set is taken from
//! swiftclient's environment variable (`OS_*`, `ST_*`): an explicit option always wins.
//!
//! Authentication ([`SwiftAuth`]): a token and a storage URL skip it (swiftclient's
//! preauth); else TempAuth (v1) when `opt_auth_version` says 1, or when `auth`, `user` and
//! `key` are all given (swiftclient's rule), or when the URL ends with `/auth/v1.0`; else
//! Keystone v3 (v2.0 is read as v3: Keystone no longer serves it) with `opt_os_auth_type`
//! `password` (the default), `v3token` or `v3applicationcredential`.

use super::lookup::Src;
pub use super::swift_unused::{unused, UNUSED};
use super::tls::TlsFiles;
use super::{err, KeyError, Notes, Opts};

/// A user, project or application credential: by id, or by name (and domain).
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    Id(String),
    Name { name: String, domain: Domain },
}

/// A domain: by id or by name.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    Id(String),
    Name(String),
}

/// How the store gets a token and its storage URL.
#[derive(Debug, Clone, PartialEq)]
pub enum SwiftAuth {
    /// TempAuth (v1): `GET <url>` with `X-Auth-User`, `X-Auth-Key`.
    TempAuth {
        url: String,
        user: String,
        key: String,
    },
    /// Keystone v3, password method, scoped to a project.
    Password {
        url: String,
        user: Named,
        password: String,
        project: Named,
    },
    /// Keystone v3, token method (a token for a project-scoped one with a catalog).
    Token {
        url: String,
        token: String,
        project: Named,
    },
    /// Keystone v3 application credential (by id, or by name and user).
    AppCredential {
        url: String,
        credential: Named,
        user: Option<Named>,
        secret: String,
    },
    /// A token used as is with `storage_url` (no authentication); `then`, the credentials to
    /// authenticate with once the token is refused, when there are any.
    PreAuth {
        token: String,
        then: Option<Box<SwiftAuth>>,
    },
}

/// A `backend = swift` store's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SwiftSettings {
    pub auth: SwiftAuth,
    /// Used instead of the catalog's (or TempAuth's) storage URL.
    pub storage_url: Option<String>,
    pub region: Option<String>,
    /// `public`, `internal` or `admin`.
    pub interface: String,
    pub service_type: String,
    pub segment_size: u64,
    pub segment_container: Option<String>,
    pub tls: TlsFiles,
    /// The environment variables read (names only: values may be secrets).
    pub from_env: Vec<&'static str>,
}

/// The segment size when `opt_segment_size` is not set.
pub const DEFAULT_SEGMENT_SIZE: u64 = 1 << 30;

/// `opt_<key>` is required by `what`; `env` names the variables that can stand for it, `or`
/// another option that can.
fn required(what: &str, key: &str, env: &str) -> KeyError {
    let message = match env.split_once(", or ") {
        Some((env, or)) => format!("is required by {what} (or {or}, or {env} in the environment)"),
        None => format!("is required by {what} (or set {env} in the environment)"),
    };
    err(key, message)
}

pub(super) fn resolve(o: &Opts<'_>, notes: &mut Notes) -> Result<SwiftSettings, KeyError> {
    let mut s = Src {
        o,
        used: Vec::new(),
    };
    for keys in [
        &["auth", "os_auth_url", "auth_url"][..],
        &["os_storage_url"],
    ] {
        if let Some((key, url)) = o.any(keys) {
            super::check_url(&url)
                .map_err(|m| super::err(key, format!("{:?} {m}", super::shown_url(&url))))?;
        }
    }
    let token = s.value(&["os_auth_token"], &["OS_AUTH_TOKEN"]);
    let storage_url = s.value(&["os_storage_url"], &["OS_STORAGE_URL"]);
    let version = match s.pick(&["auth_version"], &["ST_AUTH_VERSION"]) {
        None => None,
        Some((key, v)) => match v.trim_start_matches(['v', 'V']) {
            "1" | "1.0" => Some(1),
            "3" | "3.0" => Some(3),
            "2" | "2.0" => {
                notes.warnings.push(format!(
                    "{key} = {v}: Keystone v2.0 is gone from OpenStack; Keystone v3 is used"
                ));
                Some(3)
            }
            _ => return Err((key, format!("{v:?}: expected 1, 2.0 or 3"))),
        },
    };
    let auth_type = match s.pick(&["os_auth_type"], &["OS_AUTH_TYPE"]) {
        None => None,
        Some((key, v)) => match v.to_ascii_lowercase().as_str() {
            "password" | "v3password" => Some("password"),
            // As python-swiftclient reads them: TempAuth, and Keystone v2.0's password (read
            // as v3's, as `auth_version = 2.0` is; helper 135).
            "v1password" => Some("v1"),
            "v2password" => {
                notes.warnings.push(format!(
                    "{key} = {v}: Keystone v2.0 is gone from OpenStack; Keystone v3's password authentication is used"
                ));
                Some("password")
            }
            "token" | "v3token" => Some("token"),
            "v3applicationcredential" | "applicationcredential" => Some("appcred"),
            _ => {
                return Err((
                    key,
                    format!(
                        "unknown auth type {v:?} (expected v3password, v3token, v3applicationcredential, v1password or v2password)"
                    ),
                ))
            }
        },
    };
    let v1_keys = ["auth", "user", "key"].iter().all(|k| o.get(k).is_some())
        || ["ST_AUTH", "ST_USER", "ST_KEY"]
            .iter()
            .all(|k| o.env(k).is_some());
    let v1_url = o
        .any(&["auth", "os_auth_url", "auth_url"])
        .map(|(_, u)| u)
        .or_else(|| o.env("ST_AUTH"))
        .or_else(|| o.env("OS_AUTH_URL"))
        .is_some_and(|u| {
            let u = u.trim_end_matches('/');
            u.ends_with("/auth/v1.0") || u.ends_with("/auth/v1")
        });
    let v1 = match version {
        Some(v) => v == 1,
        None => auth_type == Some("v1") || (auth_type.is_none() && (v1_keys || v1_url)),
    };
    // The credentials' way in, when there are credentials.
    let credentials = (|| -> Result<SwiftAuth, KeyError> {
        Ok(if v1 {
            let what = "TempAuth (v1)";
            SwiftAuth::TempAuth {
                url: s
                    .value(
                        &["auth", "os_auth_url", "auth_url"],
                        &["ST_AUTH", "OS_AUTH_URL"],
                    )
                    .ok_or_else(|| required(what, "auth", "ST_AUTH"))?,
                user: s
                    .value(&["user", "os_username"], &["ST_USER", "OS_USERNAME"])
                    .ok_or_else(|| required(what, "user", "ST_USER"))?,
                key: s
                    .value(&["key", "os_password"], &["ST_KEY", "OS_PASSWORD"])
                    .ok_or_else(|| required(what, "key", "ST_KEY"))?,
            }
        } else {
            let url = s
                .value(
                    &["os_auth_url", "auth_url", "auth"],
                    &["OS_AUTH_URL", "ST_AUTH"],
                )
                .ok_or_else(|| required("Keystone", "os_auth_url", "OS_AUTH_URL"))?;
            let has = |opt: &str, env: &str| o.get(opt).is_some() || o.env(env).is_some();
            let kind = auth_type.unwrap_or({
                let in_options = if o.get("os_application_credential_secret").is_some() {
                    Some("appcred")
                } else if o.get("os_password").is_some() {
                    Some("password")
                } else if o.get("os_auth_token").is_some() {
                    Some("token")
                } else {
                    None
                };
                in_options.unwrap_or(
                    if has(
                        "os_application_credential_secret",
                        "OS_APPLICATION_CREDENTIAL_SECRET",
                    ) {
                        "appcred"
                    } else if !has("os_password", "OS_PASSWORD") && token.is_some() {
                        "token"
                    } else {
                        "password"
                    },
                )
            });
            match kind {
                "token" => {
                    let what = "Keystone v3 token authentication";
                    SwiftAuth::Token {
                        url,
                        token: token
                            .clone()
                            .ok_or_else(|| required(what, "os_auth_token", "OS_AUTH_TOKEN"))?,
                        project: s.project().ok_or_else(|| {
                            required(
                                what,
                                "os_project_name",
                                "OS_PROJECT_NAME, or opt_os_project_id",
                            )
                        })?,
                    }
                }
                "appcred" => {
                    let what = "Keystone v3 application credentials";
                    let secret = s
                        .value(
                            &["os_application_credential_secret"],
                            &["OS_APPLICATION_CREDENTIAL_SECRET"],
                        )
                        .ok_or_else(|| {
                            required(
                                what,
                                "os_application_credential_secret",
                                "OS_APPLICATION_CREDENTIAL_SECRET",
                            )
                        })?;
                    let (credential, user) = match s.id_or_name(
                        (
                            &["os_application_credential_id"],
                            &["OS_APPLICATION_CREDENTIAL_ID"],
                        ),
                        (
                            &["os_application_credential_name"],
                            &["OS_APPLICATION_CREDENTIAL_NAME"],
                        ),
                    ) {
                        Some(Ok(id)) => (Named::Id(id), None),
                        Some(Err(name)) => {
                            let user = s.user().ok_or_else(|| {
                                required(
                                    "an application credential given by name",
                                    "os_username",
                                    "OS_USERNAME, or opt_os_user_id",
                                )
                            })?;
                            (
                                Named::Name {
                                    name,
                                    domain: Domain::Name(String::new()),
                                },
                                Some(user),
                            )
                        }
                        None => return Err(required(
                            what,
                            "os_application_credential_id",
                            "OS_APPLICATION_CREDENTIAL_ID, or opt_os_application_credential_name",
                        )),
                    };
                    SwiftAuth::AppCredential {
                        url,
                        credential,
                        user,
                        secret,
                    }
                }
                _ => {
                    let what = "Keystone v3 password authentication";
                    SwiftAuth::Password {
                        user: s.user().ok_or_else(|| {
                            required(what, "os_username", "OS_USERNAME, or opt_os_user_id")
                        })?,
                        password: s
                            .value(&["os_password"], &["OS_PASSWORD"])
                            .ok_or_else(|| required(what, "os_password", "OS_PASSWORD"))?,
                        project: s.project().ok_or_else(|| {
                            required(
                                what,
                                "os_project_name",
                                "OS_PROJECT_NAME, or opt_os_project_id",
                            )
                        })?,
                        url,
                    }
                }
            }
        })
    })();
    let auth = match (&token, &storage_url) {
        // A token and a storage URL are used as they are; on a 401, python-swiftclient
        // authenticates with the credentials, when there are any (an expired OS_AUTH_TOKEN
        // left in the environment must not fail a run that has a password, helper 135).
        (Some(token), Some(_)) => SwiftAuth::PreAuth {
            token: token.clone(),
            then: credentials
                .ok()
                .filter(|a| !matches!(a, SwiftAuth::Token { .. }))
                .map(Box::new),
        },
        _ => credentials?,
    };
    let interface = match s.pick(
        &["os_endpoint_type", "os_interface"],
        &["OS_ENDPOINT_TYPE", "OS_INTERFACE"],
    ) {
        None => "public".to_string(),
        Some((key, v)) => {
            let l = v.to_ascii_lowercase();
            let l = l.strip_suffix("url").unwrap_or(&l);
            if !["public", "internal", "admin"].contains(&l) {
                return Err((
                    key,
                    format!("unknown endpoint type {v:?} (expected publicURL, internalURL, adminURL, public, internal or admin)"),
                ));
            }
            l.to_string()
        }
    };
    let segment_size = o.size("segment_size")?.unwrap_or(DEFAULT_SEGMENT_SIZE);
    if segment_size == 0 {
        return Err(err("segment_size", "must be more than 0"));
    }
    if let Some(v) = o.get("retries") {
        let n: u32 = v.parse().map_err(|_| {
            err(
                "retries",
                format!("{v:?} is not a number of retries (0 or more)"),
            )
        })?;
        notes.attempts = Some(n.saturating_add(1));
    }
    let file = |s: &mut Src<'_, '_>, opt: &'static str, env: &'static str| {
        s.pick(&[opt], &[env])
            .map(|(k, v)| (k, std::path::PathBuf::from(v)))
    };
    let tls = TlsFiles {
        cacert: file(&mut s, "os_cacert", "OS_CACERT"),
        cert: file(&mut s, "os_cert", "OS_CERT"),
        key: file(&mut s, "os_key", "OS_KEY"),
        insecure: match o.bool("insecure")? {
            Some(b) => b,
            None => match s.pick(&[], &["SWIFTCLIENT_INSECURE"]) {
                Some((k, v)) => crate::config::value::parse_bool(&v).map_err(|m| (k, m))?,
                None => false,
            },
        },
    };
    tls.load()?;
    let region = s.value(&["os_region_name"], &["OS_REGION_NAME"]);
    let service_type = s
        .value(&["os_service_type"], &["OS_SERVICE_TYPE"])
        .unwrap_or_else(|| "object-store".to_string());
    let mut from_env = s.used;
    from_env.sort_unstable();
    from_env.dedup();
    Ok(SwiftSettings {
        storage_url: match auth {
            SwiftAuth::PreAuth { .. } => storage_url,
            _ => storage_url,
        },
        auth,
        region,
        interface,
        service_type,
        segment_size,
        segment_container: o.get("segment_container"),
        tls,
        from_env,
    })
}
