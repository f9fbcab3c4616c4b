//! [`moto()`]: an S3 server on loopback for the S3 remote store tests, `moto_server` from
//! PyPI's `moto[server]` (`.ci/run` installs it), started once per test binary. `None`, with
//! a loud message, when `moto_server` is not installed.

use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::types::ChecksumMode;

use super::services::{free_ports, service_dir, spawn, wait_port, which};

/// The running moto server.
#[derive(Debug)]
pub struct Moto {
    pub port: u16,
}

impl Moto {
    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs `f` with an aws-sdk-s3 client of the server (signed, path-style) on a runtime of
    /// its own.
    fn with_client<T>(&self, f: impl AsyncFnOnce(aws_sdk_s3::Client) -> T) -> T {
        use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(self.endpoint())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .force_path_style(true)
            .build();
        rt.block_on(f(aws_sdk_s3::Client::from_conf(conf)))
    }

    /// An object's bytes (`None` when missing), downloaded with aws-sdk-s3.
    pub fn get(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        self.with_client(async |client| {
            match client.get_object().bucket(bucket).key(key).send().await {
                Ok(o) => Some(o.body.collect().await.unwrap().into_bytes().to_vec()),
                Err(e) => {
                    eprintln!("GetObject {bucket}/{key}: {}", DisplayErrorContext(&e));
                    None
                }
            }
        })
    }

    /// Puts `bytes` as `key` in `bucket` (which must exist), as another writer would.
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        self.with_client(async |client| {
            client
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(bytes.to_vec().into())
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!("PutObject {bucket}/{key}: {}", DisplayErrorContext(&e))
                });
        })
    }

    /// An object's HeadObject, signed (moto refuses an anonymous HEAD of a private object),
    /// with `x-amz-checksum-mode: ENABLED` so that the stored checksum is in it, if any.
    pub fn head(&self, bucket: &str, key: &str) -> HeadObjectOutput {
        self.with_client(async |client| {
            client
                .head_object()
                .bucket(bucket)
                .key(key)
                .checksum_mode(ChecksumMode::Enabled)
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!("HeadObject {bucket}/{key}: {}", DisplayErrorContext(&e))
                })
        })
    }

    /// The keys in a bucket (empty when it does not exist), from ListObjectsV2's XML.
    pub fn list(&self, bucket: &str) -> Vec<String> {
        let Some(xml) =
            super::services::http_get(&format!("{}/{bucket}?list-type=2", self.endpoint()), &[])
        else {
            return Vec::new();
        };
        let xml = String::from_utf8_lossy(&xml);
        let mut keys: Vec<String> = xml
            .split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next())
            .map(|k| k.replace("&amp;", "&"))
            .collect();
        keys.sort();
        keys
    }
}

static MOTO: OnceLock<Option<Moto>> = OnceLock::new();
static MOTO_AUTH: OnceLock<Option<Moto>> = OnceLock::new();
static MOTO_IAM: OnceLock<Option<(Moto, String)>> = OnceLock::new();

/// The shared moto server, started on first use; `None` (after saying so on stderr) when
/// `moto_server` is not installed. Panics when it is installed but does not start.
pub fn moto() -> Option<&'static Moto> {
    MOTO.get_or_init(|| start(&[])).as_ref()
}

/// A second moto server that checks credentials like AWS (`INITIAL_NO_AUTH_ACTION_COUNT=0`):
/// it knows no access key, so every request is refused with `InvalidAccessKeyId`.
pub fn moto_with_auth() -> Option<&'static Moto> {
    MOTO_AUTH
        .get_or_init(|| start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]))
        .as_ref()
}

/// A third moto server that checks credentials, with bucket `write-only` and the key (`id
/// secret`) of an IAM user that may only write objects (`s3:PutObject` and, as moto names
/// them, the multipart actions): the four requests that make them go unchecked.
pub fn moto_write_only() -> Option<&'static (Moto, String)> {
    MOTO_IAM
        .get_or_init(|| {
            let moto = start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")])?;
            let script = r#"
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
iam = boto3.client("iam", **kw)
boto3.client("s3", **kw).create_bucket(Bucket="write-only")
iam.create_user(UserName="writer")
actions = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:CreateMultipartUpload",
           "s3:UploadPart", "s3:CompleteMultipartUpload"]
iam.put_user_policy(UserName="writer", PolicyName="write", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
key = iam.create_access_key(UserName="writer")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
"#;
            let out = std::process::Command::new("python3")
                .args(["-c", script, &moto.endpoint()])
                .output()
                .expect("python3");
            assert!(
                out.status.success(),
                "the write-only user: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Some((moto, key))
        })
        .as_ref()
}

fn start(envs: &[(&str, &str)]) -> Option<Moto> {
    let Some(program) = which("moto_server") else {
        eprintln!(
            "\n*** SKIPPED: moto_server is not installed: the S3 remote store tests need it \
             (pip install 'moto[server]>=5.2.5'; .ci/run installs it) ***\n"
        );
        return None;
    };
    check_version();
    let dir = service_dir("moto");
    let port = free_ports(1)[0];
    // Small parts, so that a multipart upload needs no 5 MiB parts.
    let mut all = vec![("S3_UPLOAD_PART_MIN_SIZE", "1024")];
    all.extend_from_slice(envs);
    spawn(
        &program,
        &["-H", "127.0.0.1", "-p", &port.to_string()],
        &all,
        &dir,
        "moto",
    )
    .unwrap();
    wait_port(port, Duration::from_secs(60), &dir.join("moto.log")).unwrap();
    Some(Moto { port })
}

/// The oldest moto whose multipart answers aws-sdk-s3 parses.
const MOTO_MIN: (u32, u32, u32) = (5, 2, 5);

/// Panics with the fix when the installed moto (as `python3` imports it) is older than
/// [`MOTO_MIN`]: 5.2.1 answers CompleteMultipartUpload with a root element the SDK rejects,
/// which would otherwise show up as a puzzling upload failure.
fn check_version() {
    let Ok(out) = std::process::Command::new("python3")
        .args(["-c", "import moto; print(moto.__version__)"])
        .output()
    else {
        return;
    };
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let parts: Vec<u32> = version.split('.').map_while(|p| p.parse().ok()).collect();
    if let [a, b, c, ..] = parts[..] {
        assert!(
            (a, b, c) >= MOTO_MIN,
            "moto {version} is too old for aws-sdk-s3's multipart uploads: \
             pip install -U 'moto[server]>=5.2.5' (.ci/run does)"
        );
    }
}
