//! A Ballista cluster of local processes: one `tracelab-scheduler` and N `tracelab-executor`s
//! on loopback, for the tests and benchmarks that run archive queries through Ballista.
//! Dropping it kills every process it started.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the processes get to open their ports.
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub struct LocalCluster {
    scheduler: Child,
    executors: Vec<Option<Child>>,
    port: u16,
    _work: tempfile::TempDir,
}

/// A port nothing listens on right now.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_port(port: u16, child: &mut Child, what: &str) -> std::io::Result<()> {
    let started = Instant::now();
    while started.elapsed() < START_TIMEOUT {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            return Err(std::io::Error::other(format!(
                "{what} exited at start: {status}"
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(std::io::Error::other(format!(
        "{what} did not open port {port} within {} s",
        START_TIMEOUT.as_secs()
    )))
}

impl LocalCluster {
    /// Starts a scheduler and `executors` executors from the binaries in `bin_dir`, each
    /// executor running `tasks` tasks at once, with `env` added to every process's environment
    /// (object store credentials: the scheduler reads part footers when it plans).
    pub fn start(
        bin_dir: &Path,
        executors: usize,
        tasks: usize,
        env: &[(&str, &str)],
    ) -> std::io::Result<LocalCluster> {
        let work = tempfile::tempdir()?;
        let port = free_port()?;
        let quiet = || {
            if std::env::var_os("TRACELAB_CLUSTER_LOGS").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            }
        };
        let mut scheduler = Command::new(bin(bin_dir, "tracelab-scheduler"))
            .args(["--port", &port.to_string(), "--executor-timeout", "6"])
            .envs(env.iter().copied())
            .stdout(quiet())
            .stderr(quiet())
            .spawn()?;
        wait_for_port(port, &mut scheduler, "tracelab-scheduler")?;
        let mut cluster = LocalCluster {
            scheduler,
            executors: Vec::new(),
            port,
            _work: work,
        };
        for i in 0..executors {
            let (flight, grpc) = (free_port()?, free_port()?);
            let dir = cluster._work.path().join(format!("executor-{i}"));
            std::fs::create_dir_all(&dir)?;
            let mut child = Command::new(bin(bin_dir, "tracelab-executor"))
                .args(["--scheduler", &format!("127.0.0.1:{port}")])
                .args(["--port", &flight.to_string()])
                .args(["--grpc-port", &grpc.to_string()])
                .args(["--concurrent-tasks", &tasks.to_string()])
                .args(["--heartbeat", "1"])
                .arg("--work-dir")
                .arg(&dir)
                .envs(env.iter().copied())
                .stdout(quiet())
                .stderr(quiet())
                .spawn()?;
            let started = wait_for_port(flight, &mut child, "tracelab-executor");
            cluster.executors.push(Some(child));
            started?;
        }
        Ok(cluster)
    }

    /// The `--engine` value that points at this cluster.
    pub fn engine(&self) -> String {
        format!("ballista://127.0.0.1:{}", self.port)
    }

    /// Kills executor `i` at once (SIGKILL), as a crash would.
    pub fn kill_executor(&mut self, i: usize) {
        if let Some(mut child) = self.executors[i].take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        for i in 0..self.executors.len() {
            self.kill_executor(i);
        }
        let _ = self.scheduler.kill();
        let _ = self.scheduler.wait();
    }
}

fn bin(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}
