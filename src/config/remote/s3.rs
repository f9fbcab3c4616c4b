//! The S3 store's options, typed: endpoint, region, addressing, credentials (or the AWS
//! chain), multipart sizes, checksums, storage class, bucket creation; `AWS_CA_BUNDLE`.

use super::{err, KeyError, Opts};

/// S3 refuses parts under 5 MiB (but the last).
pub const MIN_PART: u64 = 5 << 20;

/// A `backend = s3` store's settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct S3Settings {
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub force_path_style: bool,
    /// Access key id, secret and session token; None: the AWS default chain.
    pub credentials: Option<(String, String, Option<String>)>,
    pub profile: Option<String>,
    pub multipart_threshold: u64,
    pub part_size: u64,
    /// `opt_checksums = when_supported`.
    pub when_supported: bool,
    pub storage_class: Option<String>,
    pub create_bucket: bool,
    /// `AWS_CA_BUNDLE`: CAs trusted besides the system's (checked when resolved).
    pub ca_bundle: Option<std::path::PathBuf>,
}

pub(super) fn resolve(o: &Opts<'_>) -> Result<S3Settings, KeyError> {
    let endpoint_url = o
        .get("endpoint_url")
        .map(|url| endpoint(&url))
        .transpose()?;
    let credentials = match (o.get("aws_access_key_id"), o.get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Some((id, secret, o.get("aws_session_token"))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(err(
                "aws_secret_access_key",
                "is required with opt_aws_access_key_id (they go together)",
            ))
        }
        (None, Some(_)) => {
            return Err(err(
                "aws_access_key_id",
                "is required with opt_aws_secret_access_key (they go together)",
            ))
        }
    };
    let part_size = o.size("part_size")?.unwrap_or(16 << 20);
    if part_size == 0 {
        return Err(err("part_size", "must be more than 0"));
    }
    // Amazon S3 refuses such parts when the upload completes (EntityTooSmall), after the rows
    // left the source; a store of one's own (opt_endpoint_url) may take them (a warning).
    if part_size < MIN_PART && endpoint_url.is_none() {
        return Err(err(
            "part_size",
            format!(
                "{part_size} bytes: Amazon S3 refuses parts under 5 MiB (but the last); set at least 5M"
            ),
        ));
    }
    let when_supported = match o
        .get("checksums")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("when_required") => false,
        Some("when_supported") => true,
        Some(v) => {
            return Err(err(
                "checksums",
                format!("unknown checksums {v:?} (expected when_required or when_supported)"),
            ))
        }
    };
    let ca_bundle = o.env("AWS_CA_BUNDLE").map(std::path::PathBuf::from);
    if let Some(path) = &ca_bundle {
        super::tls::TlsFiles {
            cacert: Some(("AWS_CA_BUNDLE".into(), path.clone())),
            ..Default::default()
        }
        .load()?;
    }
    Ok(S3Settings {
        ca_bundle,
        force_path_style: o
            .bool("force_path_style")?
            .unwrap_or(endpoint_url.is_some()),
        endpoint_url,
        region: o.get("region"),
        credentials,
        profile: o.get("profile"),
        multipart_threshold: o.size("multipart_threshold")?.unwrap_or(64 << 20),
        part_size,
        when_supported,
        storage_class: o.get("storage_class"),
        create_bucket: o.bool("create_bucket")?.unwrap_or(false),
    })
}

/// `opt_endpoint_url`, checked, with a path (a store behind a proxy's path) made to end with
/// `/`: the SDK appends the bucket to the path as it is (`/b` and bucket `kt` went to bucket
/// `bkt`), where boto3, the Python tool's, puts the bucket under it (`/b/kt`).
pub(super) fn endpoint(url: &str) -> Result<String, KeyError> {
    super::check_url(url)
        .map_err(|m| err("endpoint_url", format!("{:?} {m}", super::shown_url(url))))?;
    if url.contains(['?', '#']) {
        return Err(err(
            "endpoint_url",
            format!("{url:?} has a query or a fragment, which S3 requests cannot carry"),
        ));
    }
    let path_start = url
        .find("://")
        .map(|i| i + 3)
        .and_then(|i| url[i..].find('/').map(|p| i + p));
    Ok(match path_start {
        Some(p) if !url[p..].ends_with('/') => format!("{url}/"),
        _ => url.to_string(),
    })
}
