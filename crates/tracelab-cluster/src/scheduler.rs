//! `tracelab-scheduler`: a Ballista scheduler. Clients (`tracelab query --engine
//! ballista://HOST:PORT`) submit plans to it; it splits them into tasks for the executors.
//!
//! It forgets an executor that misses heartbeats for `--executor-timeout` seconds and fails
//! the running jobs once no executor is left, so a dead cluster gives an error, not a hang.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use ballista_core::utils::default_session_builder;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use clap::Parser;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::SessionStateBuilder;
use tracelab_core::storage::StoreRegistry;

#[derive(Parser)]
#[command(version, about = "A Ballista scheduler for Tracelab archives")]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Port for clients and executors.
    #[arg(long, default_value_t = 50050)]
    port: u16,
    /// The host name executors and clients reach this scheduler by.
    #[arg(long)]
    external_host: Option<String>,
    /// Seconds without a heartbeat after which an executor counts as dead.
    #[arg(long, default_value_t = 20)]
    executor_timeout: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let addr: SocketAddr = format!("{}:{}", args.bind, args.port)
        .parse()
        .with_context(|| format!("`{}:{}` is not a socket address", args.bind, args.port))?;
    let mut config = SchedulerConfig::default()
        .with_hostname(args.external_host.unwrap_or_else(|| args.bind.clone()))
        .with_port(args.port);
    config.bind_host = args.bind.clone();
    config.executor_timeout_seconds = args.executor_timeout;
    config.expire_dead_executor_interval_seconds = (args.executor_timeout / 4).max(1);
    config.no_executors_grace_period_seconds = args.executor_timeout;
    // Planning lists and reads the footers of the archive's parts, so the scheduler needs
    // the same object stores as the executors (Ballista's default knows only local files).
    let stores = StoreRegistry::new();
    config.override_session_builder = Some(Arc::new(move |session_config| {
        let state = default_session_builder(session_config)?;
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(stores.clone())
            .build_arc()?;
        Ok(SessionStateBuilder::new_from_existing(state)
            .with_runtime_env(runtime)
            .build())
    }));
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .context("cannot set up the scheduler's cluster state")?;
    eprintln!("tracelab-scheduler listening on {addr}");
    start_server(cluster, addr, Arc::new(config))
        .await
        .with_context(|| format!("scheduler on {addr} stopped"))
}
