//! Scale-out, end to end: a Ballista scheduler and executors started as local processes on
//! loopback run the benchmark queries, `compare` and `attribute` on the sample archive, on a
//! compacted copy of it and on a larger generated archive, and must give what the local
//! engine gives. Also: an executor crash, a dead cluster, an unreachable scheduler, and an
//! archive on S3 (a moto server from PyPI, started by the test).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tracelab_bench::ANALYST_QUERIES;
use tracelab_cluster::LocalCluster;
use tracelab_core::archive::Archive;
use tracelab_core::diagnose;
use tracelab_core::progress::{CancelToken, Silent};
use tracelab_core::query::{Engine, QueryEngine};
use tracelab_core::storage::Location;
use tracelab_tests::{repo_root, sample_archive, tracelab, tracelab_bin};

/// One cluster at a time: the machine has two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn bin_dir() -> PathBuf {
    tracelab_bin().parent().unwrap().to_path_buf()
}

fn start(executors: usize, env: &[(&str, &str)]) -> LocalCluster {
    LocalCluster::start(&bin_dir(), executors, 2, env).expect("the cluster starts")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A query's rows as JSON values, for comparison across engines.
async fn rows(engine: &QueryEngine, sql: &str) -> Vec<Value> {
    let result = engine
        .sql(sql, 1_000_000, &CancelToken::new())
        .await
        .unwrap_or_else(|e| panic!("{} failed on {}: {e}", sql, engine.engine()));
    let mut out = Vec::new();
    let mut writer = arrow::json::ArrayWriter::new(&mut out);
    writer
        .write_batches(&result.batches.iter().collect::<Vec<_>>())
        .unwrap();
    writer.finish().unwrap();
    if out.is_empty() {
        return Vec::new();
    }
    serde_json::from_slice::<Vec<Value>>(&out).unwrap()
}

/// Equal, with floating-point sums allowed to differ in the last bits (a cluster adds
/// partial sums in another order).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn assert_same(what: &str, local: &Value, remote: &Value) {
    assert!(
        same(local, remote),
        "{what}: Ballista differs from local\nlocal:  {local}\nremote: {remote}"
    );
}

/// Every benchmark query, `compare` and `attribute`, locally and on the cluster.
async fn assert_engines_agree(location: &Location, cluster: &LocalCluster) {
    let local = QueryEngine::open_at(location, &Engine::Local)
        .await
        .unwrap();
    let engine: Engine = cluster.engine().parse().unwrap();
    let remote = QueryEngine::open_at(location, &engine).await.unwrap();
    for (what, sql) in ANALYST_QUERIES {
        let (l, r) = (rows(&local, sql).await, rows(&remote, sql).await);
        assert!(!l.is_empty(), "{what} returned nothing");
        assert_same(what, &Value::Array(l), &Value::Array(r));
    }
    let (a, b) = ("slice=ide", "slice=ide harness_version=2.4.0");
    let l = diagnose::compare(&local, a, b).await.unwrap();
    let r = diagnose::compare(&remote, a, b).await.unwrap();
    assert_same(
        "compare",
        &serde_json::to_value(l).unwrap(),
        &serde_json::to_value(r).unwrap(),
    );
    let filter = Default::default();
    let l = diagnose::attribute(&local, &filter, &[]).await.unwrap();
    let r = diagnose::attribute(&remote, &filter, &[]).await.unwrap();
    assert_same(
        "attribute",
        &serde_json::to_value(l).unwrap(),
        &serde_json::to_value(r).unwrap(),
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn ballista_gives_the_local_answers_on_the_sample_and_its_compacted_copy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let compacted = tmp.path().join("compacted");
    copy_dir(&sample_archive(), &compacted);
    std::fs::remove_dir_all(compacted.join("search")).ok();
    let rt = runtime();
    let report = rt
        .block_on(Archive::open(&compacted).unwrap().compact(&Silent))
        .unwrap();
    assert_eq!(report.sessions, 10_000);
    assert!(report.segments_after > 20, "{report:?}");
    let reopened = Archive::open(&compacted).unwrap();
    assert!(reopened.manifest().segments[0]
        .sessions
        .starts_with("sessions/date="));
    assert!(!compacted.join("sessions/part-000001.parquet").exists());

    let cluster = start(2, &[]);
    rt.block_on(async {
        let original = Location::Folder(sample_archive());
        let compacted = Location::Folder(compacted.clone());
        // Compaction changes no answer, locally...
        let a = QueryEngine::open_at(&original, &Engine::Local)
            .await
            .unwrap();
        let b = QueryEngine::open_at(&compacted, &Engine::Local)
            .await
            .unwrap();
        for (what, sql) in ANALYST_QUERIES {
            assert_same(
                &format!("{what} after compaction"),
                &Value::Array(rows(&a, sql).await),
                &Value::Array(rows(&b, sql).await),
            );
        }
        // ...and the cluster gives the local answers on both layouts.
        assert_engines_agree(&original, &cluster).await;
        assert_engines_agree(&compacted, &cluster).await;
    });

    // The CLI flag: the same JSON from `query --engine`.
    let sql = ANALYST_QUERIES[4].1;
    let archive = sample_archive();
    let local = tracelab(&["query", archive.to_str().unwrap(), sql, "--format", "json"]);
    let remote = tracelab(&[
        "query",
        archive.to_str().unwrap(),
        sql,
        "--format",
        "json",
        "--engine",
        &cluster.engine(),
    ]);
    assert_eq!(remote.code, 0, "{}", remote.stderr);
    assert_eq!(local.stdout, remote.stdout);
}

#[test]
fn a_larger_generated_archive_gives_the_same_answers() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sessions = std::env::var("TRACELAB_CLUSTER_TEST_SESSIONS").unwrap_or("200000".into());
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("generated");
    let run = tracelab(&[
        "gen-sample",
        "--out",
        archive.to_str().unwrap(),
        "--sessions",
        &sessions,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let compacted = tracelab(&["compact", archive.to_str().unwrap(), "--json"]);
    assert_eq!(compacted.code, 0, "{}", compacted.stderr);
    let cluster = start(2, &[]);
    runtime().block_on(assert_engines_agree(&Location::Folder(archive), &cluster));
}

#[test]
fn an_executor_crash_gives_the_whole_answer_or_an_error_never_part_of_one() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let archive = sample_archive();
    let archive = archive.to_str().unwrap();
    // A join over all events: long enough to be mid-flight when an executor dies.
    let sql =
        "SELECT tool_name, count(*) AS calls, sum(CASE WHEN is_error THEN 1 ELSE 0 END) AS errors \
               FROM tool_calls GROUP BY 1 ORDER BY 1";
    let local = tracelab(&["query", archive, sql, "--format", "json"]);
    assert_eq!(local.code, 0, "{}", local.stderr);

    let mut cluster = start(2, &[]);
    let engine = cluster.engine();
    let query = {
        let (archive, engine) = (archive.to_string(), engine.clone());
        std::thread::spawn(move || {
            tracelab(&[
                "query",
                &archive,
                sql,
                "--format",
                "json",
                "--engine",
                &engine,
                "--timeout",
                "60",
            ])
        })
    };
    std::thread::sleep(Duration::from_millis(400));
    cluster.kill_executor(0);
    let run = query.join().unwrap();
    if run.code == 0 {
        assert_eq!(
            run.stdout, local.stdout,
            "a crash must not change the answer"
        );
    } else {
        assert!(
            run.stdout.is_empty(),
            "a failed run printed: {}",
            run.stdout
        );
        assert!(!run.stderr.trim().is_empty());
    }

    // With no executor left, the query fails within the deadline and prints nothing.
    cluster.kill_executor(1);
    let started = Instant::now();
    let run = tracelab(&[
        "query",
        archive,
        sql,
        "--format",
        "json",
        "--engine",
        &engine,
        "--timeout",
        "15",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "printed: {}", run.stdout);
    assert!(started.elapsed() < Duration::from_secs(40));
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}

#[test]
fn an_unreachable_scheduler_is_one_line_naming_it() {
    let port = tracelab_cluster::free_port().unwrap();
    let engine = format!("ballista://127.0.0.1:{port}");
    let archive = sample_archive();
    let started = Instant::now();
    let run = tracelab(&[
        "query",
        archive.to_str().unwrap(),
        "SELECT 1",
        "--engine",
        &engine,
    ]);
    assert_eq!(run.code, 1);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr
            .contains(&format!("cannot reach the Ballista scheduler at {engine}")),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}

/// A moto S3 server from the project's Python venv (`scripts/install.sh`), on a free port.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto() -> Option<Moto> {
    let server = repo_root().join(".venv/bin/moto_server");
    if !server.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing: scripts/install.sh installs it",
            server.display()
        );
        eprintln!("skipped: no {} (run scripts/install.sh)", server.display());
        return None;
    }
    let port = tracelab_cluster::free_port().unwrap();
    let child = Command::new(server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    })
}

const S3_ENV: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "tracelab"),
    ("AWS_SECRET_ACCESS_KEY", "tracelab"),
    ("AWS_REGION", "us-east-1"),
];

/// Uploads the sample archive's manifest and parts to `s3://traces/sample/`.
async fn upload_sample(endpoint: &str) {
    use object_store::aws::AmazonS3Builder;
    use object_store::{ObjectStoreExt, PutPayload};
    create_bucket(endpoint, "traces").unwrap();
    let store = AmazonS3Builder::new()
        .with_bucket_name("traces")
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_access_key_id("tracelab")
        .with_secret_access_key("tracelab")
        .with_region("us-east-1")
        .build()
        .unwrap();
    let root = sample_archive();
    let manifest = Archive::open(&root).unwrap().manifest().clone();
    let mut files = vec!["manifest.json".to_string()];
    for s in &manifest.segments {
        files.extend([s.sessions.clone(), s.events.clone()]);
    }
    for f in files {
        let bytes = std::fs::read(root.join(&f)).unwrap();
        store
            .put(&format!("sample/{f}").into(), PutPayload::from(bytes))
            .await
            .unwrap();
    }
}

/// `PUT /bucket` by hand: moto does not check signatures, and this keeps an HTTP client out
/// of the test's dependencies.
fn create_bucket(endpoint: &str, bucket: &str) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let host = endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host)?;
    write!(
        stream,
        "PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if answer.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(std::io::Error::other(answer))
    }
}

#[test]
fn an_archive_on_s3_gives_the_local_answers_locally_and_on_the_cluster() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(moto) = moto() else { return };
    runtime().block_on(upload_sample(&moto.endpoint));
    let mut env: Vec<(&str, &str)> = S3_ENV.to_vec();
    env.push(("AWS_ENDPOINT_URL", &moto.endpoint));
    let sql = ANALYST_QUERIES[0].1;
    let archive = sample_archive();
    let local = tracelab(&["query", archive.to_str().unwrap(), sql, "--format", "json"]);
    let on_s3 = |extra: &[&str]| {
        let out = Command::new(tracelab_bin())
            .args(["query", "s3://traces/sample", sql, "--format", "json"])
            .args(extra)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(on_s3(&[]), local.stdout, "local engine, archive on S3");
    let cluster = start(2, &env);
    assert_eq!(
        on_s3(&["--engine", &cluster.engine()]),
        local.stdout,
        "Ballista executors reading the archive from S3"
    );

    // Without credentials: one line that names the store and the variables to set.
    let out = Command::new(tracelab_bin())
        .args(["query", "s3://traces/sample", "SELECT 1"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("s3://traces/sample/manifest.json"),
        "{stderr}"
    );
    assert!(stderr.contains("AWS_ACCESS_KEY_ID"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn a_file_url_reads_like_the_folder() {
    let archive = sample_archive();
    let url = format!("file://{}", archive.canonicalize().unwrap().display());
    let sql = ANALYST_QUERIES[4].1;
    let a = tracelab(&["query", archive.to_str().unwrap(), sql, "--format", "csv"]);
    let b = tracelab(&["query", &url, sql, "--format", "csv"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn compaction_keeps_the_search_index_and_its_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("small");
    let path = archive.to_str().unwrap();
    let run = tracelab(&["gen-sample", "--out", path, "--sessions", "400"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let search = || tracelab_tests::tracelab_json(&["search", path, "subclass", "--json"]);
    let before = search();
    let compacted = tracelab_tests::tracelab_json(&["compact", path, "--json"]);
    assert_eq!(compacted["sessions"], 400);
    let opened = Archive::open(&archive).unwrap();
    assert!(
        tracelab_core::search::stale_parts(&opened).is_empty(),
        "the index should hold the new parts without reindexing"
    );
    let after = search();
    assert_eq!(before["total_hits"], after["total_hits"]);
    assert_eq!(before["total_sessions"], after["total_sessions"]);
    assert!(before["total_hits"].as_u64().unwrap() > 0);
}
