//! A Claude-Code-like corpus: `projects/<project>/<session-uuid>.jsonl`, each a session of
//! user prompts, assistant turns split over several lines sharing `message.id` (with the
//! usage repeated), `tool_use` / `tool_result` pairs with realistic outputs, thinking blocks,
//! and a `summary` line: the shapes and sizes of the real files in the fixtures.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde_json::json;

/// A small, fast deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            b >> 52,
            b & 0xffff_ffff_ffff
        )
    }
    fn text(&mut self, min: usize, spread: u64) -> String {
        let n = min + self.below(spread) as usize;
        self.words(n)
    }
    fn words(&mut self, n: usize) -> String {
        const WORDS: &[&str] = &[
            "the",
            "function",
            "returns",
            "error",
            "when",
            "input",
            "is",
            "empty",
            "test",
            "fails",
            "because",
            "config",
            "value",
            "missing",
            "fix",
            "parser",
            "handle",
            "case",
            "file",
            "src/lib.rs",
            "update",
            "assert",
            "expected",
            "found",
            "None",
            "Some(x)",
            "let",
            "match",
            "self",
            "cargo",
            "build",
            "warning",
            "unused",
        ];
        let mut s = String::with_capacity(n * 7);
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[self.below(WORDS.len() as u64) as usize]);
        }
        s
    }
}

const TOOLS: &[&str] = &["Bash", "Read", "Edit", "Grep", "Glob", "Write", "TodoWrite"];
const MODELS: &[&str] = &["claude-sonnet-4-20250514", "claude-opus-4-1-20250805"];

/// Writes sessions under `dir` until about `target_bytes` are written; returns
/// `(sessions, bytes)`.
pub fn generate(dir: &Path, target_bytes: u64, seed: u64) -> std::io::Result<(u64, u64)> {
    let mut rng = Rng::new(seed);
    let (mut sessions, mut bytes) = (0u64, 0u64);
    while bytes < target_bytes {
        let project = format!("-home-dev-project-{}", sessions % 40);
        let folder = dir.join("projects").join(&project);
        fs::create_dir_all(&folder)?;
        let id = rng.uuid();
        let path = folder.join(format!("{id}.jsonl"));
        let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(&path)?);
        bytes += session(&mut out, &mut rng, &id, &project)?;
        out.flush()?;
        sessions += 1;
    }
    Ok((sessions, bytes))
}

fn session(out: &mut impl Write, rng: &mut Rng, id: &str, project: &str) -> std::io::Result<u64> {
    let cwd = format!("/home/dev/{}", project.trim_start_matches("-home-dev-"));
    let version = format!("1.0.{}", 90 + rng.below(30));
    let model = MODELS[rng.below(2) as usize];
    let mut t = 1_757_000_000_000u64 + rng.below(10_000_000_000);
    let mut parent: Option<String> = None;
    let mut written = 0u64;
    let line = |out: &mut dyn Write, v: serde_json::Value| -> std::io::Result<u64> {
        let text = v.to_string();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
        Ok(text.len() as u64 + 1)
    };
    let turns = 20 + rng.below(60);
    for turn in 0..turns {
        t += 500 + rng.below(30_000);
        let ts = format_ms(t);
        let uuid = rng.uuid();
        let base = |uuid: &str, parent: &Option<String>, ts: &str| {
            json!({"parentUuid": parent, "isSidechain": false, "userType": "external", "cwd": cwd,
                   "sessionId": id, "version": version, "gitBranch": "main", "uuid": uuid, "timestamp": ts})
        };
        if turn == 0 || rng.below(8) == 0 {
            let mut v = base(&uuid, &parent, &ts);
            v["type"] = json!("user");
            v["message"] = json!({"role": "user", "content": rng.text(12, 60)});
            written += line(out, v)?;
            parent = Some(uuid);
            continue;
        }
        // One API response over several lines sharing message.id, usage repeated.
        let msg_id = format!("msg_{:024x}", rng.next_u64() as u128 * 7919);
        let usage = json!({"input_tokens": 4 + rng.below(50), "cache_creation_input_tokens": rng.below(20000),
                           "cache_read_input_tokens": rng.below(80000), "output_tokens": 20 + rng.below(900),
                           "service_tier": "standard"});
        let tool_id = format!("toolu_{:024x}", rng.next_u64());
        let tool = TOOLS[rng.below(TOOLS.len() as u64) as usize];
        let mut blocks = vec![];
        if rng.below(3) == 0 {
            blocks.push(json!({"type": "thinking", "thinking": rng.text(40, 200), "signature": format!("{:x}{:x}", rng.next_u64(), rng.next_u64())}));
        }
        blocks.push(json!({"type": "text", "text": rng.text(10, 80)}));
        blocks.push(json!({"type": "tool_use", "id": tool_id, "name": tool,
                           "input": {"command": rng.words(6), "description": rng.words(5), "file_path": format!("{cwd}/src/m{}.rs", rng.below(50))}}));
        for block in blocks {
            let uuid = rng.uuid();
            let mut v = base(&uuid, &parent, &ts);
            v["type"] = json!("assistant");
            v["requestId"] = json!(format!("req_{:020x}", rng.next_u64()));
            v["message"] = json!({"id": msg_id, "type": "message", "role": "assistant", "model": model,
                                  "content": [block], "stop_reason": null, "stop_sequence": null, "usage": usage});
            written += line(out, v)?;
            parent = Some(uuid);
        }
        // The tool's result: output of a realistic size, sometimes an error.
        t += 100 + rng.below(5_000);
        let uuid = rng.uuid();
        let is_error = rng.below(12) == 0;
        let spread = if rng.below(10) == 0 { 3000 } else { 300 };
        let output = rng.text(30, spread);
        let mut v = base(&uuid, &parent, &format_ms(t));
        v["type"] = json!("user");
        v["message"] = json!({"role": "user", "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": output, "is_error": is_error}]});
        v["toolUseResult"] =
            json!({"stdout": output.len(), "stderr": "", "interrupted": false, "isImage": false});
        written += line(out, v)?;
        parent = Some(uuid);
    }
    written += line(
        out,
        json!({"type": "summary", "summary": rng.words(5), "leafUuid": parent}),
    )?;
    Ok(written)
}

fn format_ms(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
