//! Where an archive lives: a local folder, or a prefix on object storage (`s3://`, `gs://`,
//! `az://`, `file://`) read through the `object_store` crate. [`StoreRegistry`] builds each
//! store from the usual environment variables the first time a URL of its bucket is seen;
//! the query engine, and the executors of a Ballista cluster, resolve part URLs through it.
//!
//! Every remote request has a deadline and a bounded number of retries, so an unreachable
//! endpoint is an error within seconds, never a hang.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::execution::object_store::ObjectStoreRegistry;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};
use url::Url;

use crate::archive::manifest::{Manifest, MANIFEST_FILE};
use crate::error::{Error, Result};

/// How long one request to an object store may take, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries of a failed request, all within this much time.
const MAX_RETRIES: usize = 2;
const RETRY_TIMEOUT: Duration = Duration::from_secs(20);

/// Where an archive lives, as the user typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Folder(PathBuf),
    /// An object store prefix; always ends with `/`.
    Url(Url),
}

impl Location {
    /// A URL with a scheme we know is read through `object_store`; anything else is a path.
    pub fn parse(text: &str) -> Result<Location> {
        let Some((scheme, _)) = text.split_once("://") else {
            return Ok(Location::Folder(PathBuf::from(text)));
        };
        if !matches!(
            scheme,
            "s3" | "s3a" | "gs" | "az" | "abfs" | "abfss" | "file"
        ) {
            return Err(Error::BadInput {
                path: PathBuf::from(text),
                reason: format!(
                    "unknown storage scheme `{scheme}://`; use a folder, s3://, gs://, az:// or file://"
                ),
            });
        }
        let mut url = Url::parse(text).map_err(|e| Error::BadInput {
            path: PathBuf::from(text),
            reason: format!("not a valid URL: {e}"),
        })?;
        if !url.path().ends_with('/') {
            url.set_path(&format!("{}/", url.path()));
        }
        Ok(Location::Url(url))
    }

    /// `relative` (a path the manifest lists) under this location, as a URL.
    pub fn join(&self, relative: &str) -> Result<Url> {
        match self {
            Location::Folder(root) => {
                let path = root.join(relative);
                let path = path.canonicalize().map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Error::Corrupt {
                        path: path.clone(),
                        reason: "part listed in manifest.json is missing".into(),
                    },
                    _ => Error::io(&path, e),
                })?;
                Url::from_file_path(&path).map_err(|()| Error::BadInput {
                    path,
                    reason: "not an absolute path".into(),
                })
            }
            Location::Url(base) => base.join(relative).map_err(|e| Error::BadInput {
                path: PathBuf::from(base.as_str()),
                reason: format!("cannot join `{relative}`: {e}"),
            }),
        }
    }

    /// Reads the archive's manifest: from the folder, or with one GET from the store.
    pub async fn manifest(&self, stores: &StoreRegistry) -> Result<Manifest> {
        let base = match self {
            Location::Folder(root) => {
                return Ok(crate::archive::Archive::open(root)?.manifest().clone())
            }
            Location::Url(base) => base,
        };
        let url = self.join(MANIFEST_FILE)?;
        let shown = PathBuf::from(url.as_str());
        let store = stores.store_for(&url)?;
        let path =
            object_store::path::Path::from_url_path(url.path()).map_err(|e| Error::BadInput {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        let bytes = match store.get(&path).await {
            Ok(got) => got.bytes().await.map_err(|e| store_error(&url, e))?,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(Error::NotAnArchive(PathBuf::from(base.as_str())))
            }
            Err(e) => return Err(store_error(&url, e)),
        };
        Manifest::parse(&bytes, &shown)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Folder(p) => write!(f, "{}", p.display()),
            Location::Url(u) => write!(f, "{u}"),
        }
    }
}

fn store_error(url: &Url, e: object_store::Error) -> Error {
    Error::BadInput {
        path: PathBuf::from(url.as_str()),
        reason: format!("object store: {e}"),
    }
}

/// Object stores by bucket, each built from the environment on first use. DataFusion (and
/// a Ballista executor) asks it for the store of every part URL it reads.
#[derive(Debug, Default)]
pub struct StoreRegistry {
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl StoreRegistry {
    pub fn new() -> Arc<StoreRegistry> {
        Arc::new(StoreRegistry::default())
    }

    fn store_for(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        let key = format!("{}://{}", url.scheme(), url.authority());
        let mut stores = self.stores.lock().expect("store map is never poisoned");
        if let Some(store) = stores.get(&key) {
            return Ok(store.clone());
        }
        let store = build_store(url)?;
        stores.insert(key, store.clone());
        Ok(store)
    }
}

impl ObjectStoreRegistry for StoreRegistry {
    fn register_store(
        &self,
        url: &Url,
        store: Arc<dyn ObjectStore>,
    ) -> Option<Arc<dyn ObjectStore>> {
        let key = format!("{}://{}", url.scheme(), url.authority());
        self.stores
            .lock()
            .expect("store map is never poisoned")
            .insert(key, store)
    }

    fn get_store(&self, url: &Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        self.store_for(url)
            .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))
    }
}

fn client_options() -> ClientOptions {
    ClientOptions::new()
        .with_timeout(REQUEST_TIMEOUT)
        .with_connect_timeout(CONNECT_TIMEOUT)
}

fn retry() -> RetryConfig {
    RetryConfig {
        max_retries: MAX_RETRIES,
        retry_timeout: RETRY_TIMEOUT,
        ..RetryConfig::default()
    }
}

fn any_env(names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| std::env::var_os(n).is_some_and(|v| !v.is_empty()))
}

/// The credentials each kind of store can take from the environment, for the message when
/// none is set (object_store would otherwise wait on a cloud metadata endpoint).
const S3_CREDENTIALS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_SKIP_SIGNATURE",
];
const GCS_CREDENTIALS: &[&str] = &[
    "GOOGLE_SERVICE_ACCOUNT",
    "GOOGLE_SERVICE_ACCOUNT_PATH",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_SKIP_SIGNATURE",
];
const AZURE_CREDENTIALS: &[&str] = &[
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_STORAGE_USE_EMULATOR",
    "AZURE_SKIP_SIGNATURE",
];

fn no_credentials(url: &Url, names: &[&str]) -> Error {
    Error::BadInput {
        path: PathBuf::from(url.as_str()),
        reason: format!(
            "no credentials for this store: set one of {}",
            names.join(", ")
        ),
    }
}

fn build_store(url: &Url) -> Result<Arc<dyn ObjectStore>> {
    let failed = |e: object_store::Error| store_error(url, e);
    let store: Arc<dyn ObjectStore> = match url.scheme() {
        "file" => Arc::new(LocalFileSystem::new()),
        "s3" | "s3a" => {
            if !any_env(S3_CREDENTIALS) {
                return Err(no_credentials(url, S3_CREDENTIALS));
            }
            let endpoint = std::env::var("AWS_ENDPOINT_URL")
                .or_else(|_| std::env::var("AWS_ENDPOINT"))
                .unwrap_or_default();
            let mut builder = AmazonS3Builder::from_env()
                .with_url(url.as_str())
                .with_client_options(client_options())
                .with_retry(retry());
            if !endpoint.is_empty() {
                builder = builder
                    .with_endpoint(&endpoint)
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            Arc::new(builder.build().map_err(failed)?)
        }
        "gs" => {
            if !any_env(GCS_CREDENTIALS) {
                return Err(no_credentials(url, GCS_CREDENTIALS));
            }
            Arc::new(
                GoogleCloudStorageBuilder::from_env()
                    .with_url(url.as_str())
                    .with_client_options(client_options())
                    .with_retry(retry())
                    .build()
                    .map_err(failed)?,
            )
        }
        "az" | "abfs" | "abfss" => {
            if !any_env(AZURE_CREDENTIALS) {
                return Err(no_credentials(url, AZURE_CREDENTIALS));
            }
            Arc::new(
                MicrosoftAzureBuilder::from_env()
                    .with_url(url.as_str())
                    .with_client_options(client_options())
                    .with_retry(retry())
                    .build()
                    .map_err(failed)?,
            )
        }
        other => {
            return Err(Error::BadInput {
                path: PathBuf::from(url.as_str()),
                reason: format!("no object store for `{other}://` URLs"),
            })
        }
    };
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_paths_and_urls_get_a_trailing_slash() {
        assert_eq!(
            Location::parse("sample-data/archive").unwrap(),
            Location::Folder(PathBuf::from("sample-data/archive"))
        );
        let Location::Url(url) = Location::parse("s3://traces/2026").unwrap() else {
            panic!("an s3 URL is a URL")
        };
        assert_eq!(url.as_str(), "s3://traces/2026/");
        assert_eq!(
            Location::Url(url)
                .join("sessions/part-000001.parquet")
                .unwrap()
                .as_str(),
            "s3://traces/2026/sessions/part-000001.parquet"
        );
    }

    #[test]
    fn unknown_schemes_are_refused_by_name() {
        let e = Location::parse("ftp://host/archive")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown storage scheme `ftp://`"), "{e}");
    }

    #[test]
    fn a_store_without_credentials_says_which_variables_to_set() {
        if any_env(GCS_CREDENTIALS) {
            return;
        }
        let url = Url::parse("gs://bucket/archive/manifest.json").unwrap();
        let e = StoreRegistry::new()
            .store_for(&url)
            .expect_err("no credentials")
            .to_string();
        assert!(e.contains("gs://bucket/archive/manifest.json"), "{e}");
        assert!(e.contains("GOOGLE_APPLICATION_CREDENTIALS"), "{e}");
    }
}
