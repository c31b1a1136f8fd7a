//! What `query`, `compare` and `attribute` share: an archive that may be on object storage,
//! the engine that runs the SQL, and a deadline for remote runs.

use std::future::Future;
use std::time::Duration;

use anyhow::{bail, Result};
use tracelab_core::query::{Engine, QueryEngine};
use tracelab_core::storage::Location;

#[derive(clap::Args)]
pub struct EngineArgs {
    /// Where the SQL runs: `local`, or a Ballista scheduler as `ballista://HOST:PORT`.
    #[arg(long, default_value = "local", value_name = "ENGINE")]
    pub engine: Engine,
    /// On a Ballista cluster, give up after this many seconds and print nothing.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub timeout: u64,
}

impl EngineArgs {
    /// Opens `archive` (a folder, or an s3://, gs://, az:// or file:// URL) on the engine,
    /// runs `work` on it, and fails, printing nothing, if a cluster runs past the deadline.
    pub fn run<T, F, Fut>(&self, archive: &str, work: F) -> Result<T>
    where
        F: FnOnce(QueryEngine) -> Fut,
        Fut: Future<Output = tracelab_core::Result<T>>,
    {
        let location = Location::parse(archive)?;
        let engine = self.engine.clone();
        let deadline = Duration::from_secs(self.timeout);
        crate::runtime()?.block_on(async move {
            let job = async {
                let query = QueryEngine::open_at(&location, &engine).await?;
                work(query).await
            };
            if engine == Engine::Local {
                return Ok(job.await?);
            }
            match tokio::time::timeout(deadline, job).await {
                Ok(result) => Ok(result?),
                Err(_) => bail!(
                    "{engine}: no result within {} s (is an executor down? raise --timeout for long queries); nothing was printed",
                    deadline.as_secs()
                ),
            }
        })
    }
}
