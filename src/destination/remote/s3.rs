//! Amazon S3 and S3-compatible stores (Ceph RGW, MinIO...) with aws-sdk-s3.
//!
//! Options: `opt_endpoint_url`, `opt_region` (else the AWS chain, else `us-east-1`),
//! `opt_force_path_style` (default true when an endpoint is set), `opt_aws_access_key_id`,
//! `opt_aws_secret_access_key`, `opt_aws_session_token` (else the AWS chain: environment,
//! profile...), `opt_profile`, `opt_multipart_threshold` (default 64M), `opt_part_size`
//! (default 16M; S3 needs at least 5M), `opt_checksums` (`when_required`, the default, or
//! `when_supported`: the SDK's newer default, which S3-compatible stores may refuse),
//! `opt_storage_class`, `opt_create_bucket` (default false).
//!
//! Every upload is conditional (`If-None-Match: *` on PutObject and CompleteMultipartUpload):
//! the store refuses to replace an object another writer put under the name since the run
//! looked (two runs started in the same second into one bucket), and the file goes up under
//! the next free name; a store that does not take the condition (501) is written to without
//! it from then on. Every upload sends `Content-MD5` (the store checks the body) and is verified with
//! HeadObject: its size, and its ETag (the MD5 of a single-part object, or of the parts' MD5s
//! followed by `-<parts>` for a multipart one) unless the store encrypts with KMS (whose
//! ETags are not MD5s).
//!
//! Credentials are asked for before the first request: when neither the section nor the AWS
//! default chain has any, the upload fails at once (not retried) naming the options to set.
//!
//! Trust: the system's CA store (the SDK's default), and the CAs of the file `AWS_CA_BUNDLE`
//! names, as the AWS CLI reads it. Timeouts: `connect_timeout` and `read_timeout` per request,
//! and a bound on each attempt as a whole (a store that drips its answers resets the read
//! timeout with every byte).
//!
//! The SDK is async: the blocking upload runs it on the run's tokio runtime
//! (`Handle::block_on`, from the destination's blocking background job).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::{
    Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart, ServerSideEncryption, StorageClass,
};
use aws_sdk_s3::Client;
use base64::Engine;

use super::{hex, md5_of, RemoteError, RemoteStore, UploadError, UploadReceipt};
use crate::config::remote::s3::{S3Settings, MIN_PART};
use crate::config::remote::StoreSettings;
use crate::config::RemoteStore as StoreConfig;

/// An HTTPS client trusting the system's store and the CAs of `path` (`AWS_CA_BUNDLE`).
fn https_client(path: &Path) -> Result<aws_sdk_s3::config::SharedHttpClient, UploadError> {
    use aws_smithy_http_client::tls;
    let pem = std::fs::read(path).map_err(|e| {
        UploadError::permanent(format!(
            "AWS_CA_BUNDLE: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let context = tls::TlsContext::builder()
        .with_trust_store(tls::TrustStore::default().with_pem_certificate(pem))
        .build()
        .map_err(|e| UploadError::permanent(format!("AWS_CA_BUNDLE {}: {e}", path.display())))?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https())
}

/// The settings and the section's timeouts.
#[derive(Debug, Clone)]
struct Settings {
    s: S3Settings,
    storage_class: Option<StorageClass>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

pub struct S3Store {
    bucket: String,
    settings: Settings,
    handle: tokio::runtime::Handle,
    client: Mutex<Option<Client>>,
    /// Writes are conditional (`If-None-Match: *`) until the store says it does not take it.
    conditional: AtomicBool,
}

/// Why the store refused a conditional write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// 412: it holds an object under the name.
    Taken,
    /// 501 (`NotImplemented`): it does not take the condition.
    Unsupported,
}

/// The refusal of a conditional write in `e`, if it is one.
fn refusal<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> Option<Refusal> {
    let SdkError::ServiceError(se) = e else {
        return None;
    };
    match se.raw().status().as_u16() {
        412 => Some(Refusal::Taken),
        501 => Some(Refusal::Unsupported),
        _ => (se.err().code() == Some("NotImplemented")).then_some(Refusal::Unsupported),
    }
}

impl S3Store {
    /// The store of a resolved section (its settings were checked when the configuration was
    /// resolved).
    pub fn new(cfg: &StoreConfig) -> Result<S3Store, RemoteError> {
        let StoreSettings::S3(settings) = &cfg.settings else {
            return Err(RemoteError::Option {
                store: cfg.name.clone(),
                message: "internal error: not S3 settings".into(),
            });
        };
        if settings.part_size < MIN_PART {
            tracing::warn!(
                "[remote_store:{}] opt_part_size {}: S3 refuses parts under 5 MiB (but the last)",
                cfg.name,
                settings.part_size
            );
        }
        let handle = tokio::runtime::Handle::try_current().map_err(|_| RemoteError::NoRuntime)?;
        Ok(S3Store {
            bucket: cfg.container.clone(),
            settings: Settings {
                storage_class: settings.storage_class.as_deref().map(StorageClass::from),
                s: settings.clone(),
                connect_timeout: cfg.connect_timeout,
                read_timeout: cfg.read_timeout,
            },
            handle,
            client: Mutex::new(None),
            conditional: AtomicBool::new(true),
        })
    }

    /// The condition of a write: `*` (replace nothing) unless the store does not take it.
    fn condition(&self) -> Option<String> {
        self.conditional
            .load(Ordering::Relaxed)
            .then(|| "*".to_string())
    }

    /// The error of a conditional write `what` refused with 501: the store does not take the
    /// condition; the writes go without it from now on (the retry, the next files).
    fn unconditional(&self, failure: UploadError) -> UploadError {
        self.conditional.store(false, Ordering::Relaxed);
        UploadError::transient(format!(
            "{}; the store does not take conditional writes (If-None-Match): writing without them",
            failure.message
        ))
    }

    async fn client(&self) -> Result<Client, UploadError> {
        if let Some(c) = self
            .client
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Ok(c);
        }
        let client = self.build_client().await?;
        if self.settings.s.create_bucket {
            self.create_bucket(&client).await?;
        }
        *self.client.lock().unwrap_or_else(|e| e.into_inner()) = Some(client.clone());
        Ok(client)
    }

    /// For a dry run: the credentials are found and the bucket can be reached with them
    /// (`HeadBucket`; a missing bucket is fine with `opt_create_bucket`, which a real run would
    /// use). Nothing is created or written.
    async fn check_async(&self) -> Result<(), UploadError> {
        let client = self.build_client().await?;
        match client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(e)
                if self.settings.s.create_bucket
                    && e.as_service_error().is_some_and(|se| se.is_not_found()) =>
            {
                Ok(())
            }
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let what = format!("HeadBucket s3://{}", self.bucket);
                match status {
                    // A HEAD's refusal has no body to say why: a key S3 does not know and a
                    // key that may write but not read (`s3:PutObject` alone) look alike. A
                    // listing of no key says which.
                    Some(403) if self.write_only(&client).await => {
                        tracing::warn!(
                            "{what}: HTTP 403, and a listing says AccessDenied: the key may not read the bucket (a write-only key?); whether it may write is known at the first upload"
                        );
                        Ok(())
                    }
                    Some(401 | 403) => Err(UploadError::permanent(format!(
                        "{what}: access refused ({}): check opt_aws_access_key_id and \
                         opt_aws_secret_access_key (or opt_profile) and the bucket's policy",
                        status.unwrap_or_default()
                    ))),
                    Some(404) => Err(UploadError::permanent(format!(
                        "{what}: no such bucket (opt_create_bucket is false)"
                    ))),
                    _ => Err(sdk_failure(what, &e)),
                }
            }
        }
    }

    /// Whether S3 knows the key but denies it a listing of the bucket (`AccessDenied`, not
    /// `InvalidAccessKeyId` or `SignatureDoesNotMatch`).
    async fn write_only(&self, client: &Client) -> bool {
        let listed = client
            .list_objects_v2()
            .bucket(&self.bucket)
            .max_keys(0)
            .send()
            .await;
        matches!(listed, Err(e) if e.code() == Some("AccessDenied"))
    }

    /// A client for the section's settings (credentials asked for first).
    async fn build_client(&self) -> Result<Client, UploadError> {
        let s = &self.settings;
        // Our own retries wrap each upload: the SDK tries once.
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(s.connect_timeout)
                    .read_timeout(s.read_timeout)
                    .build(),
            );
        if let Some(path) = &s.s.ca_bundle {
            loader = loader.http_client(https_client(path)?);
        }
        if let Some(p) = &s.s.profile {
            // The profile's own credentials, as the AWS CLI's `--profile` does: the chain
            // would take AWS_ACCESS_KEY_ID from the environment before any profile.
            loader = loader.profile_name(p).credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(p)
                    .build(),
            );
        }
        if let Some(url) = &s.s.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some((id, secret, token)) = &s.s.credentials {
            loader = loader.credentials_provider(Credentials::new(
                id,
                secret,
                token.clone(),
                None,
                "osarchiver-config",
            ));
        }
        let region = RegionProviderChain::first_try(s.s.region.clone().map(Region::new))
            .or_default_provider()
            .or_else(Region::new("us-east-1"));
        loader = loader.region(region);
        let shared = loader.load().await;
        credentials(&shared).await?;
        let (calc, valid) = if s.s.when_supported {
            (
                RequestChecksumCalculation::WhenSupported,
                ResponseChecksumValidation::WhenSupported,
            )
        } else {
            (
                RequestChecksumCalculation::WhenRequired,
                ResponseChecksumValidation::WhenRequired,
            )
        };
        let conf = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(s.s.force_path_style)
            .request_checksum_calculation(calc)
            .response_checksum_validation(valid)
            .build();
        Ok(Client::from_conf(conf))
    }

    async fn create_bucket(&self, client: &Client) -> Result<(), UploadError> {
        if client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        match client.create_bucket().bucket(&self.bucket).send().await {
            Ok(_) => {
                tracing::info!("s3: created bucket {}", self.bucket);
                Ok(())
            }
            Err(e) => {
                if e.code() == Some("BucketAlreadyOwnedByYou") {
                    Ok(())
                } else {
                    Err(sdk_failure(
                        format!("cannot create bucket {}", self.bucket),
                        &e,
                    ))
                }
            }
        }
    }

    /// One attempt; a multipart upload in progress is named in `open` until it is completed
    /// or aborted (see [`RemoteStore::upload`]).
    async fn upload_async(
        &self,
        path: &Path,
        key: &str,
        open: &OpenUpload,
    ) -> Result<UploadReceipt, UploadError> {
        let size = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .len();
        let client = self.client().await?;
        let s = &self.settings;
        let what = |op: &str| format!("{op} s3://{}/{key}", self.bucket);
        // `refused`: the store holds an object under the name (412), ours (an earlier
        // attempt's, whose answer was lost) or another writer's: the HEAD below tells.
        let (expected, returned, refused) = if size <= s.s.multipart_threshold {
            let md5 = md5_of(path, 0, size).map_err(|e| io_error(path, e))?;
            let body = ByteStream::from_path(path)
                .await
                .map_err(|e| io_error(path, std::io::Error::other(e)))?;
            let conditional = self.condition();
            let put = client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .body(body)
                .content_length(size as i64)
                .content_md5(base64::engine::general_purpose::STANDARD.encode(md5))
                .set_storage_class(s.storage_class.clone())
                .set_if_none_match(conditional.clone())
                .send()
                .await;
            match put {
                Ok(put) => (hex(&md5), put.e_tag().map(str::to_string), false),
                Err(e) => match refusal(&e).filter(|_| conditional.is_some()) {
                    Some(Refusal::Taken) => (hex(&md5), None, true),
                    Some(Refusal::Unsupported) => {
                        return Err(self.unconditional(sdk_failure(what("PutObject"), &e)))
                    }
                    None => return Err(sdk_failure(what("PutObject"), &e)),
                },
            }
        } else {
            self.multipart(&client, path, key, size, open).await?
        };
        let taken = |holds: String| {
            UploadError::taken(format!(
                "s3://{}/{key}: the store refused to replace it (HTTP 412, If-None-Match), and it holds {holds}",
                self.bucket
            ))
        };
        let head = match client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => head,
            // A write-only key (`s3:PutObject` alone) may not read what it wrote: the store
            // checked the bytes against the Content-MD5 each request sent, and its answer's
            // ETag is that of the file.
            Err(SdkError::ServiceError(se)) if se.raw().status().as_u16() == 403 => {
                if refused {
                    return Err(taken(
                        "an object this key may not read (HeadObject: HTTP 403)".into(),
                    ));
                }
                let etag = returned.unwrap_or_default().trim_matches('"').to_string();
                if etag != expected {
                    return Err(UploadError::permanent(format!(
                        "HeadObject s3://{}/{key}: HTTP 403: the key may not read what it \
                         wrote, and the upload's answer has ETag {etag:?}, not {expected:?} \
                         from the file",
                        self.bucket
                    )));
                }
                tracing::debug!(
                    "s3://{}/{key}: HeadObject refused (a write-only key): checked by the \
                     ETag of the upload's answer",
                    self.bucket
                );
                return Ok(UploadReceipt {
                    location: format!("s3://{}/{key}", self.bucket),
                    size,
                    etag,
                });
            }
            Err(e) => return Err(sdk_failure(what("HeadObject"), &e)),
        };
        let stored = head.content_length().unwrap_or(-1);
        let etag = head.e_tag().unwrap_or("").trim_matches('"').to_string();
        if refused && (stored != size as i64 || etag != expected) {
            return Err(taken(format!(
                "another object ({stored} bytes, ETag {etag:?}; the file has {size} bytes, {expected:?})"
            )));
        }
        if stored != size as i64 {
            return Err(UploadError::transient(format!(
                "s3://{}/{key} holds {stored} bytes, the file has {size}",
                self.bucket
            )));
        }
        let kms = matches!(
            head.server_side_encryption(),
            Some(ServerSideEncryption::AwsKms) | Some(ServerSideEncryption::AwsKmsDsse)
        );
        if etag != expected && !kms {
            return Err(UploadError::transient(format!(
                "s3://{}/{key} has ETag {etag:?}, expected {expected:?} from the file",
                self.bucket
            )));
        }
        Ok(UploadReceipt {
            location: format!("s3://{}/{key}", self.bucket),
            size,
            etag,
        })
    }

    /// The checksum a multipart upload names (on its creation and on each part, which must
    /// agree, or S3 refuses the parts): CRC32 with `when_supported`, none otherwise.
    fn part_checksum(&self) -> Option<ChecksumAlgorithm> {
        self.settings
            .s
            .when_supported
            .then_some(ChecksumAlgorithm::Crc32)
    }

    /// A multipart upload; returns the ETag S3 computes for it. Aborted on failure; named in
    /// `open` while it is neither completed nor aborted.
    async fn multipart(
        &self,
        client: &Client,
        path: &Path,
        key: &str,
        size: u64,
        open: &OpenUpload,
    ) -> Result<(String, Option<String>, bool), UploadError> {
        let s = &self.settings;
        let created = client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .set_storage_class(s.storage_class.clone())
            .set_checksum_algorithm(self.part_checksum())
            .send()
            .await
            .map_err(|e| {
                let failure = sdk_failure(
                    format!("CreateMultipartUpload s3://{}/{key}", self.bucket),
                    &e,
                );
                // A request the store may have carried out without its answer reaching us:
                // the upload's id is unknown, so it cannot be aborted.
                if matches!(e, SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_)) {
                    tracing::warn!(
                        "{}: if the store began that upload, its parts stay on the store until its lifecycle rules remove them",
                        failure.message
                    );
                }
                failure
            })?;
        let upload_id = created.upload_id().unwrap_or_default().to_string();
        open.set(Some(upload_id.clone()));
        let result = self.upload_parts(client, path, key, size, &upload_id).await;
        if result.is_err() {
            if let Err(e) = self.abort(client, key, &upload_id).await {
                tracing::warn!(
                    "{}: the parts of the upload {upload_id} stay on the store until its lifecycle rules remove them",
                    e.message
                );
            }
        }
        open.set(None);
        result
    }

    /// Aborts the multipart upload `upload_id` of `key`: the store drops its parts.
    async fn abort(&self, client: &Client, key: &str, upload_id: &str) -> Result<(), UploadError> {
        client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                sdk_failure(
                    format!("AbortMultipartUpload s3://{}/{key}", self.bucket),
                    &e,
                )
            })
    }

    async fn upload_parts(
        &self,
        client: &Client,
        path: &Path,
        key: &str,
        size: u64,
        upload_id: &str,
    ) -> Result<(String, Option<String>, bool), UploadError> {
        use md5::{Digest, Md5};
        let part_size = self.settings.s.part_size;
        let mut parts = Vec::new();
        let mut md5s = Vec::new();
        let mut offset = 0;
        let mut number = 1;
        while offset < size {
            let len = part_size.min(size - offset);
            let data = read_range(path, offset, len).map_err(|e| io_error(path, e))?;
            let md5: [u8; 16] = Md5::digest(&data).into();
            let out = client
                .upload_part()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .part_number(number)
                .content_length(len as i64)
                .content_md5(base64::engine::general_purpose::STANDARD.encode(md5))
                .set_checksum_algorithm(self.part_checksum())
                .body(ByteStream::from(data))
                .send()
                .await
                .map_err(|e| {
                    sdk_failure(
                        format!("UploadPart {number} s3://{}/{key}", self.bucket),
                        &e,
                    )
                })?;
            let etag = out.e_tag().unwrap_or_default().to_string();
            if etag.trim_matches('"') != hex(&md5) {
                return Err(UploadError::transient(format!(
                    "UploadPart {number} s3://{}/{key}: ETag {etag}, expected {}",
                    self.bucket,
                    hex(&md5)
                )));
            }
            parts.push(
                CompletedPart::builder()
                    .part_number(number)
                    .e_tag(etag)
                    .set_checksum_crc32(out.checksum_crc32().map(str::to_string))
                    .build(),
            );
            md5s.extend_from_slice(&md5);
            offset += len;
            number += 1;
        }
        let conditional = self.condition();
        let done = client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .set_if_none_match(conditional.clone())
            .send()
            .await;
        let expected = format!("{}-{}", hex(&Md5::digest(&md5s)), number - 1);
        let what = || format!("CompleteMultipartUpload s3://{}/{key}", self.bucket);
        match done {
            Ok(done) => Ok((expected, done.e_tag().map(str::to_string), false)),
            Err(e) => match refusal(&e).filter(|_| conditional.is_some()) {
                Some(Refusal::Taken) => {
                    // Not completed: its parts are dropped, and the HEAD tells whose object
                    // the name holds.
                    if let Err(e) = self.abort(client, key, upload_id).await {
                        tracing::warn!(
                            "{}: the parts of the upload {upload_id} stay on the store until its lifecycle rules remove them",
                            e.message
                        );
                    }
                    Ok((expected, None, true))
                }
                Some(Refusal::Unsupported) => Err(self.unconditional(sdk_failure(what(), &e))),
                None => Err(sdk_failure(what(), &e)),
            },
        }
    }
}

/// S3 error codes that say the credentials or the access were refused: retrying cannot help.
const REFUSED: &[&str] = &[
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "AccountProblem",
    "AllAccessDisabled",
];

/// The error of an S3 request `what`: permanent (not retried, with the options to check) when
/// S3 refused the credentials or the access, transient otherwise.
fn sdk_failure<E>(what: String, e: &SdkError<E, HttpResponse>) -> UploadError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    // A service error is told by its status, code and message: its full context would also
    // print the raw response, headers and XML body, kilobytes on one line.
    let message = match e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            format!(
                "{what}: HTTP {}: {}{}",
                se.raw().status().as_u16(),
                err.code().unwrap_or("error"),
                err.message().map(|m| format!(": {m}")).unwrap_or_default()
            )
        }
        // The SDK's context of a failure to connect or to read is its whole debug form, over
        // 600 characters; the innermost cause says it (`Connection refused (os error 111)`).
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            let kind = match e {
                SdkError::DispatchFailure(_) => "the request could not be sent",
                SdkError::TimeoutError(_) => "timed out",
                _ => "the answer could not be read",
            };
            let mut cause: &dyn std::error::Error = e;
            while let Some(next) = cause.source() {
                cause = next;
            }
            let cause = cause.to_string();
            if cause.len() > 300 {
                format!("{what}: {kind}: {}", DisplayErrorContext(e))
            } else {
                format!("{what}: {kind}: {cause}")
            }
        }
        _ => format!("{what}: {}", DisplayErrorContext(e)),
    };
    match e.code() {
        Some(code) if REFUSED.contains(&code) => UploadError::permanent(format!(
            "{message}; S3 refused the credentials or the access ({code}): check \
             opt_aws_access_key_id and opt_aws_secret_access_key (or opt_profile) and the \
             bucket's policy"
        )),
        _ => UploadError::transient(message),
    }
}

/// Asks the configuration's credentials provider (the section's keys, or the AWS default
/// chain) for credentials before the first request: when there are none, the upload fails at
/// once (a permanent error, not retried) with the options to set, rather than with a dispatch
/// failure at each attempt. A provider that fails (IMDS or STS down, a timeout) is transient.
async fn credentials(shared: &aws_config::SdkConfig) -> Result<(), UploadError> {
    use aws_credential_types::provider::error::CredentialsError;
    use aws_sdk_s3::config::ProvideCredentials;
    let Some(provider) = shared.credentials_provider() else {
        return Ok(());
    };
    let Err(e) = provider.provide_credentials().await else {
        return Ok(());
    };
    // The error and its causes on one line (the chain lists its providers on lines of their own).
    let mut why = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        why = format!("{why}: {cause}");
        source = cause.source();
    }
    let why = why.replace(":\n  ", ": ").replace("\n  ", "; ");
    let message = format!(
        "no AWS credentials: set opt_aws_access_key_id and opt_aws_secret_access_key, or \
         opt_profile, or give them to the AWS default chain (AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials, web identity, ECS, EC2 instance \
         metadata); {why}"
    );
    Err(match e {
        CredentialsError::CredentialsNotLoaded(_) | CredentialsError::InvalidConfiguration(_) => {
            UploadError::permanent(message)
        }
        _ => UploadError::transient(message),
    })
}

impl S3Store {
    /// The longest one attempt of `requests` requests sending `bytes` in all may take: each
    /// request may connect and wait for its answer, and the bytes go at least at
    /// [`super::tls::MIN_RATE`]. The SDK's read timeout restarts with every byte received, so
    /// a store that drips its answers would otherwise hold the upload (and the run) forever.
    fn attempt_budget(&self, requests: u64, bytes: u64) -> Duration {
        let s = &self.settings;
        let one = s
            .connect_timeout
            .saturating_add(s.read_timeout.saturating_mul(2));
        one.saturating_mul(u32::try_from(requests).unwrap_or(u32::MAX))
            .saturating_add(super::tls::send_budget(Duration::ZERO, bytes))
    }

    /// Runs `attempt` on the run's runtime, failing (transient) when it outlasts `budget`.
    fn bounded<T>(
        &self,
        what: &str,
        budget: Duration,
        attempt: impl std::future::Future<Output = Result<T, UploadError>>,
    ) -> Result<T, UploadError> {
        self.handle
            .block_on(tokio::time::timeout(budget, attempt))
            .unwrap_or_else(|_| {
                Err(UploadError::transient(format!(
                    "{what} s3://{}: no complete answer within {:.0}s (the store is stalled or too slow)",
                    self.bucket,
                    budget.as_secs_f64()
                )))
            })
    }
}

impl RemoteStore for S3Store {
    fn upload(&self, path: &Path, object: &str) -> Result<UploadReceipt, UploadError> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let s = &self.settings.s;
        // PutObject and HeadObject, or the parts with CreateMultipartUpload, Complete... and
        // HeadObject; HeadBucket and CreateBucket
        // once (again after a failed attempt, with opt_create_bucket).
        let requests = if size <= s.multipart_threshold {
            4
        } else {
            size.div_ceil(s.part_size.max(1)) + 5
        };
        let budget = self.attempt_budget(requests, size);
        let open = OpenUpload::default();
        let result = self.bounded(
            &format!("upload of {object} to"),
            budget,
            self.upload_async(path, object, &open),
        );
        // An attempt cut by its bound while its parts were going up: abort the upload, or
        // its parts would stay on the store (and be billed) until a lifecycle rule removes them.
        if let Some(upload_id) = open.take() {
            let abort = async {
                let client = self.client().await?;
                self.abort(&client, object, &upload_id).await
            };
            let budget = self.attempt_budget(2, 0);
            if let Err(e) = self.bounded("AbortMultipartUpload of", budget, abort) {
                tracing::warn!(
                    "{}: the parts of the upload {upload_id} stay on the store until its lifecycle rules remove them",
                    e.message
                );
            }
        }
        // With opt_create_bucket, a failed attempt forgets the client: the bucket may have gone
        // (a store restarted empty), and the next attempt looks for it again and creates it.
        if result.is_err() && self.settings.s.create_bucket {
            *self.client.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        result
    }

    fn check_access(&self) -> Result<(), UploadError> {
        let budget = self.attempt_budget(1, 0);
        self.bounded("HeadBucket", budget, self.check_async())
    }

    fn exists(&self, object: &str) -> Result<bool, UploadError> {
        // HeadBucket and CreateBucket once (with opt_create_bucket), and HeadObject.
        let budget = self.attempt_budget(3, 0);
        let look = async {
            let client = self.client().await?;
            let head = client
                .head_object()
                .bucket(&self.bucket)
                .key(object)
                .send()
                .await;
            match head {
                Ok(_) => Ok(true),
                Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
                    Some(404) => Ok(false),
                    // No right to read objects: the store cannot say.
                    Some(403) => {
                        tracing::debug!(
                            "s3://{}/{object}: HeadObject refused (403): whether it exists is not known",
                            self.bucket
                        );
                        Ok(false)
                    }
                    _ => Err(sdk_failure(
                        format!("HeadObject s3://{}/{object}", self.bucket),
                        &e,
                    )),
                },
            }
        };
        self.bounded(&format!("HeadObject of {object} in"), budget, look)
    }
}

/// The id of a multipart upload an attempt has begun and not yet completed or aborted.
#[derive(Default)]
struct OpenUpload(std::sync::Mutex<Option<String>>);

impl OpenUpload {
    fn set(&self, id: Option<String>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = id;
    }

    fn take(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

fn read_range(path: &Path, offset: u64, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut data = Vec::with_capacity(len as usize);
    f.take(len).read_to_end(&mut data)?;
    if data.len() as u64 != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file got shorter",
        ));
    }
    Ok(data)
}

fn io_error(path: &Path, e: std::io::Error) -> UploadError {
    UploadError::permanent(format!("cannot read {}: {e}", path.display()))
}
