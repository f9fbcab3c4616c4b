//! The rules between the `opt_*` keys of a remote store, checked when the configuration is
//! loaded (each key's own value is checked by its definition): what Swift authentication needs,
//! which S3 keys go together. The remote stores read the same keys when they open.

use super::model::RemoteBackend;

/// Checks the options (keys without `opt_`, values as read). The error names the key
/// (with `opt_`) and says what is wrong.
pub fn check(backend: RemoteBackend, options: &[(String, String)]) -> Result<(), (String, String)> {
    let get = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let any = |keys: &[&str]| keys.iter().find_map(|k| get(k));
    let need = |keys: &[&str], why: &str| match any(keys) {
        Some(_) => Ok(()),
        None => Err((format!("opt_{}", keys[0]), format!("is required{why}"))),
    };
    match backend {
        RemoteBackend::Swift => {
            need(&["os_auth_url", "auth_url"], "")?;
            let url = any(&["os_auth_url", "auth_url"]).unwrap_or_default();
            let v1 = match get("auth_version").map(|v| v.trim_start_matches('v')) {
                Some(v) => v.starts_with('1'),
                None => {
                    let u = url.trim_end_matches('/');
                    u.ends_with("/v1.0") || u.ends_with("/auth/v1")
                }
            };
            if v1 {
                need(&["user", "os_username"], " by TempAuth (v1)")?;
                need(&["key", "os_password"], " by TempAuth (v1)")?;
            } else {
                need(&["os_username"], " by Keystone v3")?;
                need(&["os_password"], " by Keystone v3")?;
                need(
                    &["os_project_name", "os_tenant_name", "os_project_id"],
                    " by Keystone v3 (or opt_os_project_id)",
                )?;
            }
        }
        RemoteBackend::S3 => match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(_), None) => {
                return Err((
                    "opt_aws_secret_access_key".into(),
                    "is required with opt_aws_access_key_id (they go together)".into(),
                ))
            }
            (None, Some(_)) => {
                return Err((
                    "opt_aws_access_key_id".into(),
                    "is required with opt_aws_secret_access_key (they go together)".into(),
                ))
            }
            _ => {}
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn key_of(backend: RemoteBackend, pairs: &[(&str, &str)]) -> Option<String> {
        check(backend, &opts(pairs)).err().map(|(k, _)| k)
    }

    #[test]
    fn swift_authentication_needs() {
        use RemoteBackend::Swift;
        let v3 = [
            ("os_auth_url", "https://k/v3"),
            ("os_username", "u"),
            ("os_password", "p"),
            ("os_project_name", "p"),
        ];
        assert_eq!(key_of(Swift, &v3), None);
        assert_eq!(key_of(Swift, &v3[1..]).as_deref(), Some("opt_os_auth_url"));
        assert_eq!(
            key_of(Swift, &v3[..3]).as_deref(),
            Some("opt_os_project_name")
        );
        assert_eq!(
            key_of(Swift, &[v3[0], v3[2], v3[3]]).as_deref(),
            Some("opt_os_username")
        );
        assert_eq!(
            key_of(Swift, &[v3[0], v3[1], v3[2], ("os_project_id", "42")]),
            None
        );
        assert_eq!(
            key_of(
                Swift,
                &[("auth_url", "http://h/auth/v1.0"), ("user", "a:u")]
            )
            .as_deref(),
            Some("opt_key")
        );
        assert_eq!(
            key_of(
                Swift,
                &[
                    ("os_auth_url", "http://h/x"),
                    ("auth_version", "1"),
                    ("user", "a:u"),
                    ("key", "k")
                ]
            ),
            None
        );
        assert_eq!(
            key_of(Swift, &[("os_auth_url", "  "), ("os_username", "u")]).as_deref(),
            Some("opt_os_auth_url")
        );
    }

    #[test]
    fn s3_keys_go_together() {
        use RemoteBackend::S3;
        assert_eq!(key_of(S3, &[]), None);
        assert_eq!(
            key_of(
                S3,
                &[("aws_access_key_id", "a"), ("aws_secret_access_key", "b")]
            ),
            None
        );
        assert_eq!(
            key_of(S3, &[("aws_access_key_id", "a")]).as_deref(),
            Some("opt_aws_secret_access_key")
        );
        assert_eq!(
            key_of(S3, &[("aws_secret_access_key", "b")]).as_deref(),
            Some("opt_aws_access_key_id")
        );
    }
}
