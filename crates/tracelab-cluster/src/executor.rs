//! `tracelab-executor`: a Ballista executor. It registers with the scheduler, runs the tasks
//! it is given and serves their results over Arrow Flight. Archive parts on object storage
//! are read through Tracelab's store registry, with credentials from the environment.

use std::sync::Arc;

use anyhow::{Context, Result};
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use clap::Parser;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use tracelab_core::storage::StoreRegistry;

#[derive(Parser)]
#[command(version, about = "A Ballista executor for Tracelab archives")]
struct Args {
    /// The scheduler, as HOST:PORT.
    #[arg(long, default_value = "127.0.0.1:50050")]
    scheduler: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// The host name the scheduler and other executors reach this one by.
    #[arg(long)]
    external_host: Option<String>,
    /// Arrow Flight port (results and shuffle data).
    #[arg(long, default_value_t = 50051)]
    port: u16,
    /// gRPC port (tasks from the scheduler).
    #[arg(long, default_value_t = 50052)]
    grpc_port: u16,
    /// Tasks run at once; default: the number of cores.
    #[arg(long)]
    concurrent_tasks: Option<usize>,
    /// Where shuffle files and spills go; default: a temporary folder.
    #[arg(long)]
    work_dir: Option<String>,
    /// Seconds between heartbeats to the scheduler.
    #[arg(long, default_value_t = 5)]
    heartbeat: u64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let (scheduler_host, scheduler_port) = args
        .scheduler
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?)))
        .with_context(|| format!("--scheduler `{}`: expected HOST:PORT", args.scheduler))?;
    let stores = StoreRegistry::new();
    // Ballista's default registry leaves out DataFusion's nested functions (`array_has`,
    // `map_keys`, ...), which the archive's filters and facets use: tasks using them would be
    // rejected.
    let mut functions = BallistaFunctionRegistry::default();
    for f in datafusion::functions_nested::all_default_nested_functions() {
        functions.scalar_functions.insert(f.name().to_string(), f);
    }
    let work_dir = args.work_dir.clone();
    let mut config = ExecutorProcessConfig {
        bind_host: args.bind.clone(),
        external_host: Some(args.external_host.unwrap_or_else(|| args.bind.clone())),
        port: args.port,
        grpc_port: args.grpc_port,
        scheduler_host,
        scheduler_port,
        scheduler_connect_timeout_seconds: 10,
        work_dir: args.work_dir,
        executor_heartbeat_interval_seconds: args.heartbeat,
        print_thread_info: false,
        override_function_registry: Some(Arc::new(functions)),
        override_runtime_producer: Some(Arc::new(move |_| {
            let mut builder = RuntimeEnvBuilder::new().with_object_store_registry(stores.clone());
            if let Some(dir) = &work_dir {
                builder = builder.with_temp_file_path(dir);
            }
            builder.build_arc()
        })),
        ..ExecutorProcessConfig::default()
    };
    if let Some(n) = args.concurrent_tasks {
        config.vcores = n;
    }
    eprintln!(
        "tracelab-executor on {}:{} (flight) / {} (grpc), scheduler {}",
        args.bind, args.port, args.grpc_port, args.scheduler
    );
    start_executor_process(Arc::new(config))
        .await
        .context("executor stopped")
}
