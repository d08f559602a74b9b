//! An S3-compatible object store for uploaded files (MinIO, Garage, Ceph, AWS S3, …): the option
//! for several app servers, which then share files without sharing a disk. Three calls are
//! needed — PUT, GET and DELETE of one object — each signed with AWS Signature Version 4.
//! Objects are addressed path-style (`{endpoint}/{bucket}/{key}`), which every S3-compatible
//! store answers.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Where the bucket is and how to sign for it (`DIGDAYA_S3_*`, see `config`).
#[derive(Clone)]
pub struct S3Config {
    /// `https://s3.example.id` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret never reaches a log line.
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .finish_non_exhaustive()
    }
}

/// A bucket, with one HTTP client (connections are kept and reused).
#[derive(Debug, Clone)]
pub struct Bucket {
    config: S3Config,
    base: reqwest::Url,
    client: reqwest::Client,
}

impl Bucket {
    /// # Errors
    /// An endpoint that is not an http(s) URL.
    pub fn new(config: S3Config) -> Result<Self, String> {
        let base = reqwest::Url::parse(&config.endpoint)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| {
                format!("DIGDAYA_S3_ENDPOINT={:?} is not a URL like https://s3.example.id", config.endpoint)
            })?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("cannot make the S3 client: {e}"))?;
        Ok(Self { config, base, client })
    }

    /// `s3://bucket at endpoint`, for messages.
    pub fn describe(&self) -> String {
        format!("s3://{} at {}", self.config.bucket, self.config.endpoint)
    }

    /// The path of `key` in the bucket, each part percent-encoded as SigV4 expects.
    fn path(&self, key: &str) -> String {
        let mut path = self.base.path().trim_end_matches('/').to_string();
        for part in std::iter::once(self.config.bucket.as_str()).chain(key.split('/')) {
            path.push('/');
            path.push_str(&uri_encode(part));
        }
        path
    }

    /// `host[:port]` as the HTTP client sends it (the port only when it is not the scheme's).
    fn host(&self) -> String {
        let host = self.base.host_str().unwrap_or_default();
        match self.base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        key: &str,
        body: Option<&[u8]>,
    ) -> std::io::Result<reqwest::Response> {
        let path = self.path(key);
        let payload = hex(&Sha256::digest(body.unwrap_or_default()));
        let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let host = self.host();
        let authorization = authorization(
            &self.config,
            &Request { method: method.as_str(), host: &host, path: &path, extra: &[], payload: &payload, now: &now },
        );
        let mut url = self.base.clone();
        url.set_path(&path);
        let mut request = self
            .client
            .request(method, url)
            .header("x-amz-date", &now)
            .header("x-amz-content-sha256", &payload)
            .header("authorization", authorization);
        if let Some(bytes) = body {
            request = request.body(bytes.to_vec());
        }
        request.send().await.map_err(|e| std::io::Error::other(format!("object store unreachable: {e}")))
    }

    /// # Errors
    /// The store is unreachable or refuses (wrong key, missing bucket).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let res = self.send(reqwest::Method::PUT, key, Some(bytes)).await?;
        refused(res).await.map(drop)
    }

    /// # Errors
    /// `NotFound` for a missing object; otherwise the store is unreachable or refuses.
    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        let res = refused(self.send(reqwest::Method::GET, key, None).await?).await?;
        let bytes = res.bytes().await.map_err(|e| std::io::Error::other(format!("object store: {e}")))?;
        Ok(bytes.to_vec())
    }

    /// # Errors
    /// The store is unreachable or refuses; a missing object is not an error.
    pub async fn remove(&self, key: &str) -> std::io::Result<()> {
        match refused(self.send(reqwest::Method::DELETE, key, None).await?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other.map(drop),
        }
    }
}

/// A successful answer as it is; a refusal as an error that says what the store said.
async fn refused(res: reqwest::Response) -> std::io::Result<reqwest::Response> {
    let status = res.status();
    if status.is_success() {
        return Ok(res);
    }
    let body = res.text().await.unwrap_or_default();
    // S3 errors are XML: <Error><Code>SignatureDoesNotMatch</Code>…
    let code = body.split("<Code>").nth(1).and_then(|s| s.split("</Code>").next()).unwrap_or("");
    let kind = if status == reqwest::StatusCode::NOT_FOUND && code != "NoSuchBucket" {
        std::io::ErrorKind::NotFound
    } else {
        std::io::ErrorKind::Other
    };
    Err(std::io::Error::new(kind, format!("object store answered {status} {code}")))
}

/// One request as SigV4 sees it.
struct Request<'a> {
    method: &'a str,
    host: &'a str,
    /// Already percent-encoded.
    path: &'a str,
    /// Further headers to sign, lowercase names.
    extra: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body.
    payload: &'a str,
    /// `YYYYMMDDTHHMMSSZ`.
    now: &'a str,
}

/// The canonical request of SigV4 (no query string: none is ever sent) and its signed headers.
fn canonical(r: &Request<'_>) -> (String, String) {
    let mut headers: Vec<(&str, &str)> =
        vec![("host", r.host), ("x-amz-content-sha256", r.payload), ("x-amz-date", r.now)];
    headers.extend_from_slice(r.extra);
    headers.sort_unstable();
    let signed = headers.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(";");
    let lines: String = headers.iter().map(|(name, value)| format!("{name}:{}\n", value.trim())).collect();
    (format!("{}\n{}\n\n{lines}\n{signed}\n{}", r.method, r.path, r.payload), signed)
}

/// The `Authorization` header for `r`.
fn authorization(c: &S3Config, r: &Request<'_>) -> String {
    let (canonical, signed) = canonical(r);
    let day = &r.now[..8];
    let scope = format!("{day}/{}/s3/aws4_request", c.region);
    let to_sign = format!("AWS4-HMAC-SHA256\n{}\n{scope}\n{}", r.now, hex(&Sha256::digest(canonical.as_bytes())));
    let mut key = hmac(format!("AWS4{}", c.secret_key).as_bytes(), day.as_bytes());
    for part in [c.region.as_str(), "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    format!("AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}", c.access_key)
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Percent-encoding of one path segment as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~`.
fn uri_encode(part: &str) -> String {
    part.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's SigV4 documentation for S3 ("GET Object", first 10 bytes of
    /// examplebucket/test.txt): canonical request, string to sign and signature must match it.
    #[test]
    fn signatures_match_the_aws_example() {
        let c = S3Config {
            endpoint: "https://examplebucket.s3.amazonaws.com".into(),
            bucket: "examplebucket".into(),
            region: "us-east-1".into(),
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        };
        let empty = hex(&Sha256::digest(b""));
        assert_eq!(empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let r = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
            extra: &[("range", "bytes=0-9")],
            payload: &empty,
            now: "20130524T000000Z",
        };
        let (canonical_request, signed) = canonical(&r);
        assert_eq!(signed, "host;range;x-amz-content-sha256;x-amz-date");
        assert_eq!(
            hex(&Sha256::digest(canonical_request.as_bytes())),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        );
        assert_eq!(
            authorization(&c, &r),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// The same requests signed by botocore (AWS's Python SDK, `S3SigV4Auth`, 2026-11-29): an
    /// independent implementation must agree on the host with its port, the body's hash, the
    /// region and the date.
    #[test]
    fn signatures_match_botocore() {
        let c = S3Config {
            endpoint: String::new(),
            bucket: "desa".into(),
            region: "ap-southeast-3".into(),
            access_key: "DIGDAYAKEY".into(),
            secret_key: "rahasia/DigdayaSecret+123".into(),
        };
        let cases = [
            (
                "PUT",
                "127.0.0.1:9000",
                "/desa/letters/12/abc.jpg",
                &b"isi berkas foto"[..],
                "0dc189b8586df6a481ed8523f0d067db9045325bd3cca9c46767b1198a4ef52b",
            ),
            (
                "GET",
                "s3.example.id",
                "/desa/market/3/x-y_z.jpg",
                &b""[..],
                "73730459a8291f41213e8f1e268efa9b9d1760e82ded0ae18a592683ddc2b0f7",
            ),
            (
                "DELETE",
                "127.0.0.1:9000",
                "/desa/a.jpg",
                &b""[..],
                "d8f89658967c531e3b277342ccc29404dcdf809b4b8be3842c04fbba5bb4bb69",
            ),
        ];
        for (method, host, path, body, signature) in cases {
            let payload = hex(&Sha256::digest(body));
            let r = Request { method, host, path, extra: &[], payload: &payload, now: "20261129T102030Z" };
            assert_eq!(
                authorization(&c, &r),
                format!(
                    "AWS4-HMAC-SHA256 Credential=DIGDAYAKEY/20261129/ap-southeast-3/s3/aws4_request, \
                     SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"
                ),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn keys_become_encoded_paths_in_the_bucket() {
        let c = |endpoint: &str| S3Config {
            endpoint: endpoint.into(),
            bucket: "desa".into(),
            region: "id-1".into(),
            access_key: "a".into(),
            secret_key: "rahasia-sekali".into(),
        };
        let b = Bucket::new(c("http://127.0.0.1:9000")).unwrap();
        assert_eq!(b.path("letters/12/abc.jpg"), "/desa/letters/12/abc.jpg");
        assert_eq!(b.host(), "127.0.0.1:9000");
        assert_eq!(uri_encode("a b~/"), "a%20b~%2F");
        let b = Bucket::new(c("https://s3.example.id/store/")).unwrap();
        assert_eq!(b.path("x.jpg"), "/store/desa/x.jpg");
        assert_eq!(b.host(), "s3.example.id");
        assert!(Bucket::new(c("s3.example.id")).is_err());
        assert!(!format!("{:?}", c("http://x")).contains("rahasia"), "the secret is never printed");
    }
}
