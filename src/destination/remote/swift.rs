//! OpenStack Swift: the container created if missing, each object `PUT` with its MD5 as
//! `ETag` (Swift refuses a body that does not match), files above `opt_segment_size` (default
//! 1 GiB) uploaded as a static large object: segments in `<container>_segments` (or
//! `opt_segment_container`), then the manifest (`?multipart-manifest=put`). A token refused
//! with 401 is renewed once. The object (or the manifest) is `PUT` with `If-None-Match: *`:
//! Swift refuses (412) to replace an object another writer put under the name since the run
//! looked, and the file goes up under the next free name.

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use ureq::http::Response;
use ureq::Body;

use super::keystone::{self, Session};
use super::{hex, md5_of, tls, RemoteError, RemoteStore, UploadError, UploadReceipt};
use crate::config::remote::swift::SwiftSettings;
use crate::config::remote::StoreSettings;
use crate::config::RemoteStore as StoreConfig;

pub struct SwiftStore {
    container: String,
    segment_container: String,
    segment_size: u64,
    settings: SwiftSettings,
    agent: ureq::Agent,
    read_timeout: Duration,
    session: Mutex<Option<Session>>,
    /// Containers known to exist.
    ready: Mutex<HashSet<String>>,
}

impl SwiftStore {
    /// The store of a resolved section (its settings were checked when the configuration was
    /// resolved; the TLS files are read again here).
    pub fn new(cfg: &StoreConfig) -> Result<SwiftStore, RemoteError> {
        let StoreSettings::Swift(settings) = &cfg.settings else {
            return Err(RemoteError::Option {
                store: cfg.name.clone(),
                message: "internal error: not Swift settings".into(),
            });
        };
        if !settings.from_env.is_empty() {
            tracing::info!(
                "[remote_store:{}]: from the environment: {}",
                cfg.name,
                settings.from_env.join(", ")
            );
        }
        let agent = tls::agent(&settings.tls, cfg.connect_timeout, cfg.read_timeout).map_err(
            |(key, message)| RemoteError::Option {
                store: cfg.name.clone(),
                message: format!("{key}: {message}"),
            },
        )?;
        Ok(SwiftStore {
            container: cfg.container.clone(),
            segment_container: settings
                .segment_container
                .clone()
                .unwrap_or_else(|| format!("{}_segments", cfg.container)),
            segment_size: settings.segment_size,
            settings: settings.clone(),
            agent,
            read_timeout: cfg.read_timeout,
            session: Mutex::new(None),
            ready: Mutex::new(HashSet::new()),
        })
    }

    fn session(&self, renew: bool) -> Result<Session, UploadError> {
        let mut s = self.session.lock().unwrap_or_else(|e| e.into_inner());
        if renew || s.is_none() {
            *s = Some(keystone::authenticate(&self.settings, &self.agent, renew)?);
        }
        Ok(s.clone().expect("set above"))
    }

    /// Sends a request built by `make` (from a session: the storage URL and token); on a 401
    /// the token is renewed once.
    fn call(
        &self,
        what: &str,
        make: impl Fn(&Session) -> Result<Response<Body>, ureq::Error>,
    ) -> Result<Response<Body>, UploadError> {
        let mut renew = false;
        loop {
            let s = self.session(renew)?;
            let resp = make(&s).map_err(|e| UploadError::transient(format!("{what}: {e}")))?;
            if resp.status().as_u16() == 401 && !renew {
                tracing::info!("swift: token refused during {what}; authenticating again");
                renew = true;
                continue;
            }
            return Ok(resp);
        }
    }

    fn ensure_container(&self, container: &str) -> Result<(), UploadError> {
        if self
            .ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(container)
        {
            return Ok(());
        }
        let what = format!("HEAD container {container}");
        let resp = self.call(&what, |s| {
            self.agent
                .head(url(&s.storage_url, container, None))
                .header("X-Auth-Token", &s.token)
                .call()
        })?;
        match resp.status().as_u16() {
            200..=299 => {}
            404 => {
                let what = format!("PUT container {container}");
                let mut resp = self.call(&what, |s| {
                    self.agent
                        .put(url(&s.storage_url, container, None))
                        .header("X-Auth-Token", &s.token)
                        .send_empty()
                })?;
                if !resp.status().is_success() {
                    return Err(status_error(&what, &mut resp));
                }
                tracing::info!("swift: created container {container}");
            }
            _ => return Err(status_error(&what, &mut { resp })),
        }
        self.ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(container.to_string());
        Ok(())
    }

    /// PUTs `len` bytes of the file from `offset` as one object (`new`: only if the name holds
    /// none, else a [`UploadError::taken`] error); returns its ETag.
    fn put_range(
        &self,
        path: &Path,
        container: &str,
        object: &str,
        (offset, len): (u64, u64),
        new: bool,
    ) -> Result<String, UploadError> {
        let md5 = hex(&md5_of(path, offset, len).map_err(|e| io_error(path, e))?);
        let what = format!("PUT {container}/{object}");
        let mut resp = self.call(&what, |s| {
            let mut f = File::open(path)?;
            f.seek(SeekFrom::Start(offset))?;
            let mut body = f.take(len);
            let mut put = self
                .agent
                .put(url(&s.storage_url, container, Some(object)))
                .header("X-Auth-Token", &s.token)
                .header("ETag", &md5)
                .header("Content-Length", len.to_string());
            if new {
                put = put.header("If-None-Match", "*");
            }
            put.config()
                .timeout_send_body(Some(tls::send_budget(self.read_timeout, len)))
                .build()
                .send(ureq::SendBody::from_reader(&mut body))
        })?;
        if new && resp.status().as_u16() == 412 {
            return Err(UploadError::taken(format!(
                "{what}: Swift refused to replace it (HTTP 412, If-None-Match)"
            )));
        }
        if resp.status().as_u16() == 422 {
            return Err(UploadError::transient(format!(
                "{what}: Swift received a body whose MD5 is not {md5} (422)"
            )));
        }
        if !resp.status().is_success() {
            return Err(status_error(&what, &mut resp));
        }
        let etag = etag_of(&resp);
        if etag != md5 {
            return Err(UploadError::transient(format!(
                "{what}: Swift answered ETag {etag:?}, the file's MD5 is {md5}"
            )));
        }
        Ok(etag)
    }

    fn head(&self, object: &str) -> Result<(u64, String), UploadError> {
        self.head_if_any(object)?.ok_or_else(|| {
            UploadError::transient(format!(
                "HEAD {}/{object}: HTTP 404 Not Found",
                self.container
            ))
        })
    }

    /// [`Self::head`], `None` when the object is not there (404).
    fn head_if_any(&self, object: &str) -> Result<Option<(u64, String)>, UploadError> {
        let what = format!("HEAD {}/{object}", self.container);
        let mut resp = self.call(&what, |s| {
            self.agent
                .head(url(&s.storage_url, &self.container, Some(object)))
                .header("X-Auth-Token", &s.token)
                .call()
        })?;
        if resp.status().as_u16() == 404 {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(status_error(&what, &mut resp));
        }
        let size = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX);
        Ok(Some((size, etag_of(&resp))))
    }
}

/// What became of a large object's manifest.
enum Manifest {
    /// Stored: the segments are the object's.
    Stored,
    /// Refused (412, `If-None-Match`): the name holds an object, and the segments are
    /// leftovers.
    Refused,
    /// Not known: no answer, or a server error (a proxy or a balancer may answer 5xx for a
    /// request the object servers carried out). The manifest may be stored and reference the
    /// segments: they are deleted only once a look shows it is not.
    Unknown(UploadError),
}

impl SwiftStore {
    /// Uploads `path` as the segments of `object`, then its manifest; returns the segments'
    /// ETags, their count, and what became of the manifest. `segments` receives the name of
    /// each segment stored, and keeps them unless the manifest took them, so that the caller
    /// can delete them (an error: a segment failed, or the store refused the manifest).
    fn put_slo(
        &self,
        path: &Path,
        object: &str,
        size: u64,
        stamp: f64,
        segments: &mut Vec<String>,
    ) -> Result<(Vec<String>, usize, Manifest), UploadError> {
        let mut manifest = Vec::new();
        let mut md5s = Vec::new();
        let mut offset = 0;
        let mut index = 0;
        while offset < size {
            let len = self.segment_size.min(size - offset);
            let name = format!(
                "{object}/slo/{stamp:.6}/{size}/{}/{index:08}",
                self.segment_size
            );
            let etag =
                self.put_range(path, &self.segment_container, &name, (offset, len), false)?;
            segments.push(name.clone());
            manifest.push(serde_json::json!({
                "path": format!("/{}/{name}", self.segment_container),
                "etag": etag,
                "size_bytes": len,
            }));
            md5s.push(etag);
            offset += len;
            index += 1;
        }
        let body = serde_json::Value::Array(manifest).to_string();
        let what = format!("PUT manifest {}/{object}", self.container);
        let sent = self.call(&what, |s| {
            self.agent
                .put(format!(
                    "{}?multipart-manifest=put",
                    url(&s.storage_url, &self.container, Some(object))
                ))
                .header("X-Auth-Token", &s.token)
                .header("Content-Type", "application/octet-stream")
                .header("If-None-Match", "*")
                .send(&body)
        });
        let manifest = match sent {
            Err(e) => Manifest::Unknown(e),
            Ok(resp) if resp.status().as_u16() == 412 => Manifest::Refused,
            Ok(resp) if resp.status().is_success() => {
                // The manifest holds them now: they are the object's, not leftovers.
                segments.clear();
                Manifest::Stored
            }
            Ok(mut resp) if resp.status().is_server_error() => {
                Manifest::Unknown(status_error(&what, &mut resp))
            }
            Ok(mut resp) => return Err(status_error(&what, &mut resp)),
        };
        Ok((md5s, index, manifest))
    }

    /// Deletes the `segments` of a failed upload of `object` (best effort: what cannot be
    /// deleted is named in the log).
    fn delete_segments(&self, object: &str, segments: &[String], cause: &UploadError) {
        let mut left = Vec::new();
        for name in segments {
            let what = format!("DELETE {}/{name}", self.segment_container);
            let deleted = self.call(&what, |s| {
                self.agent
                    .delete(url(&s.storage_url, &self.segment_container, Some(name)))
                    .header("X-Auth-Token", &s.token)
                    .call()
            });
            match deleted {
                Ok(resp) if resp.status().is_success() || resp.status().as_u16() == 404 => {}
                _ => left.push(name.as_str()),
            }
        }
        if !segments.is_empty() {
            tracing::info!(
                "swift: {}/{object}: upload failed ({cause}); deleted {} of its {} segments in {}{}",
                self.container,
                segments.len() - left.len(),
                segments.len(),
                self.segment_container,
                if left.is_empty() {
                    String::new()
                } else {
                    format!(", left: {}", left.join(", "))
                }
            );
        }
    }
}

impl RemoteStore for SwiftStore {
    /// For a dry run: authentication succeeds and the container can be reached with the token
    /// (`HEAD`; a missing container is fine, a real run creates it). Nothing is written.
    fn check_access(&self) -> Result<(), UploadError> {
        let what = format!("HEAD container {}", self.container);
        let resp = self.call(&what, |s| {
            self.agent
                .head(url(&s.storage_url, &self.container, None))
                .header("X-Auth-Token", &s.token)
                .call()
        })?;
        match resp.status().as_u16() {
            200..=299 | 404 => Ok(()),
            401 | 403 => Err(UploadError::permanent(format!(
                "{what}: access refused ({}): check the store's credentials and the container's ACLs",
                resp.status().as_u16()
            ))),
            code => Err(UploadError::transient(format!("{what}: HTTP {code}"))),
        }
    }

    fn exists(&self, object: &str) -> Result<bool, UploadError> {
        let what = format!("HEAD {}/{object}", self.container);
        let resp = self.call(&what, |s| {
            self.agent
                .head(url(&s.storage_url, &self.container, Some(object)))
                .header("X-Auth-Token", &s.token)
                .call()
        })?;
        match resp.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            // No right to read objects (a write-only ACL): the store cannot say.
            401 | 403 => {
                tracing::debug!("{what}: refused: whether it exists is not known");
                Ok(false)
            }
            code => Err(UploadError::transient(format!("{what}: HTTP {code}"))),
        }
    }

    fn upload(&self, path: &Path, object: &str) -> Result<UploadReceipt, UploadError> {
        let size = std::fs::metadata(path)
            .map_err(|e| io_error(path, e))?
            .len();
        self.ensure_container(&self.container)?;
        if size <= self.segment_size {
            let etag = match self.put_range(path, &self.container, object, (0, size), true) {
                Ok(etag) => etag,
                // The name holds an object: ours (an earlier attempt whose answer was lost)
                // when it has the file's bytes, else another writer's.
                Err(e) if e.taken => {
                    let md5 = hex(&md5_of(path, 0, size).map_err(|e| io_error(path, e))?);
                    let (stored, etag) = self.head(object)?;
                    if (stored, etag.as_str()) != (size, md5.as_str()) {
                        return Err(UploadError::taken(format!(
                            "{e}, and it holds another object ({stored} bytes, ETag {etag:?}; the file has {size} bytes, {md5:?})"
                        )));
                    }
                    etag
                }
                Err(e) => return Err(e),
            };
            let (stored, _) = self.head(object)?;
            if stored != size {
                return Err(UploadError::transient(format!(
                    "{}/{object}: Swift holds {stored} bytes, the file has {size}",
                    self.container
                )));
            }
            return Ok(UploadReceipt {
                location: format!("swift://{}/{object}", self.container),
                size,
                etag,
            });
        }
        // A static large object: segments, then the manifest listing them. Segments of an
        // upload that fails before its manifest is in place are deleted: nothing would ever
        // reference them (the retry uploads its own).
        self.ensure_container(&self.segment_container)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let mut segments = Vec::new();
        let (md5s, index, manifest) = match self.put_slo(path, object, size, stamp, &mut segments) {
            Ok(done) => done,
            Err(e) => {
                self.delete_segments(object, &segments, &e);
                return Err(e);
            }
        };
        // An SLO's ETag is the MD5 of its segments' ETags, concatenated.
        let expected = {
            use md5::{Digest, Md5};
            hex(&Md5::digest(md5s.concat().as_bytes()))
        };
        let refused = match manifest {
            Manifest::Stored => false,
            // Whose object the name holds is told by its ETag below.
            Manifest::Refused => {
                let cause = UploadError::taken("the manifest's PUT was refused (HTTP 412)");
                self.delete_segments(object, &segments, &cause);
                true
            }
            // Deleting the segments of a manifest the store did take would leave an object
            // that cannot be read, counted as uploaded by its ETag (which the segments'
            // ETags make, not their being there): look first.
            Manifest::Unknown(e) => match self.head_if_any(object) {
                Ok(Some((stored, etag)))
                    if (stored, etag.as_str()) == (size, expected.as_str()) =>
                {
                    tracing::info!(
                        "swift: {}/{object}: the manifest's PUT got no answer ({e}), but the store holds it: the upload is done",
                        self.container
                    );
                    false
                }
                Ok(Some(_)) => {
                    self.delete_segments(object, &segments, &e);
                    true
                }
                Ok(None) => {
                    self.delete_segments(object, &segments, &e);
                    return Err(e);
                }
                Err(look) => {
                    tracing::warn!(
                        "swift: {}/{object}: the manifest's PUT got no answer ({e}), and whether the store holds it is not known ({look}): its {} segments in {} are kept, as it may reference them",
                        self.container,
                        segments.len(),
                        self.segment_container
                    );
                    return Err(e);
                }
            },
        };
        let (stored, etag) = self.head(object)?;
        if refused && (stored != size || etag != expected) {
            return Err(UploadError::taken(format!(
                "PUT manifest {}/{object}: Swift refused to replace it (HTTP 412, If-None-Match), and it holds another object ({stored} bytes, ETag {etag:?}; the file has {size} bytes, {expected:?})",
                self.container
            )));
        }
        if stored != size || etag != expected {
            return Err(UploadError::transient(format!(
                "{}/{object}: Swift holds a large object of {stored} bytes with ETag {etag:?}; expected {size} bytes and {expected:?}",
                self.container
            )));
        }
        tracing::debug!(
            "swift: {}/{object}: {index} segments in {}",
            self.container,
            self.segment_container
        );
        Ok(UploadReceipt {
            location: format!("swift://{}/{object}", self.container),
            size,
            etag,
        })
    }
}

/// `<storage_url>/<container>[/<object>]`, percent-encoded.
fn url(storage_url: &str, container: &str, object: Option<&str>) -> String {
    let mut u = format!(
        "{}/{}",
        storage_url.trim_end_matches('/'),
        encode(container)
    );
    if let Some(o) = object {
        u.push('/');
        u.push_str(&encode(o));
    }
    u
}

/// Percent-encodes all but unreserved characters and `/`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn etag_of(resp: &Response<Body>) -> String {
    resp.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_matches('"')
        .to_string()
}

fn status_error(what: &str, resp: &mut Response<Body>) -> UploadError {
    let status = resp.status();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    let message = format!("{what}: HTTP {status}: {}", body.trim());
    if status.as_u16() == 403 || status.as_u16() == 401 {
        UploadError::permanent(message)
    } else {
        UploadError::transient(message)
    }
}

fn io_error(path: &Path, e: std::io::Error) -> UploadError {
    UploadError::permanent(format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_encoded() {
        assert_eq!(
            url(
                "http://h/v1/AUTH_t/",
                "c",
                Some("p/2026-11-21_04:00:00/a b.tar")
            ),
            "http://h/v1/AUTH_t/c/p/2026-11-21_04%3A00%3A00/a%20b.tar"
        );
    }
}
