//! One sample session, step by step: a system prompt, the user's request, then rounds of
//! reasoning, a tool call (read a file, grep, edit with a diff, run the tests) and its output,
//! and a closing message. Its outcome follows the story in [`super::story`].

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::json;

use super::rng::Rng;
use super::story::{self, Knobs, ModelProfile, MODELS, SLICES};
use super::world::{Task, REPOS};
use crate::record::{Event, Session, Trajectory};

/// One in this many sessions is a marathon of about 2,000 events (only in large archives).
const MARATHON_EVERY: u64 = 5_000;

/// Everything about a session decided before its steps are written.
struct Plan<'a> {
    id: String,
    task: &'a Task,
    model: &'static ModelProfile,
    slice: &'static str,
    knobs: Knobs,
    started_at: DateTime<Utc>,
    tool_calls: i64,
    outcome: &'static str,
}

/// Builds sample session `index` of an archive generated with `seed`.
pub fn session(seed: u64, index: u64, tasks: &[Task]) -> Trajectory {
    let mut rng = Rng::new(seed, index);
    let plan = plan(&mut rng, index, tasks);
    Steps::new(&plan, rng).run()
}

fn start_time(rng: &mut Rng) -> DateTime<Utc> {
    // Weekdays carry about twice the traffic of weekend days; most sessions start in working hours.
    let weights: Vec<f64> = (0..story::PERIOD_DAYS)
        .map(|d| if d % 7 >= 5 { 0.5 } else { 1.0 })
        .collect();
    let day = rng.weighted(&weights) as i64;
    let hour = (13.0 + 3.5 * rng.normal()).clamp(0.0, 23.99);
    let seconds = (hour * 3600.0) as i64;
    story::period_start()
        + Duration::days(day)
        + Duration::seconds(seconds)
        + Duration::microseconds(rng.range(0, 999_999) as i64)
}

fn plan<'a>(rng: &mut Rng, index: u64, tasks: &'a [Task]) -> Plan<'a> {
    let id = uuid_like(rng);
    let task = rng.pick(tasks);
    let model = &MODELS[rng.weighted(&MODELS.iter().map(|m| m.share).collect::<Vec<_>>())];
    let slice = SLICES[rng.weighted(&SLICES.iter().map(|s| s.1).collect::<Vec<_>>())].0;
    let started_at = start_time(rng);
    let knobs = Knobs::at(slice, started_at);
    // Length is drawn before the outcome: harder tasks take more steps.
    let hardness = (story::TASK_EFFECT_SPREAD - task.effect) / (2.0 * story::TASK_EFFECT_SPREAD);
    let tool_calls = if index % MARATHON_EVERY == MARATHON_EVERY - 1 {
        640 + rng.range(0, 40) as i64
    } else {
        let mu = (6.0 + 10.0 * hardness).ln();
        3 + (mu + 0.55 * rng.normal()).exp().round() as i64
    };
    let long = tool_calls >= story::LONG_SESSION_TOOL_CALLS;
    let p = story::BASE_SUCCESS + model.effect + task.effect + knobs.success_shift(long);
    let outcome = if rng.chance(p) {
        "success"
    } else if rng.chance(0.06) {
        "error"
    } else if long && rng.chance(0.10) {
        "timeout"
    } else {
        "failure"
    };
    Plan {
        id,
        task,
        model,
        slice,
        knobs,
        started_at,
        tool_calls,
        outcome,
    }
}

fn uuid_like(rng: &mut Rng) -> String {
    let h = rng.hex128();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Writes a plan out as events, keeping the running clock and token counts.
struct Steps<'a> {
    plan: &'a Plan<'a>,
    rng: Rng,
    events: Vec<Event>,
    clock: DateTime<Utc>,
    context_tokens: i64,
    totals: [i64; 4],
}

impl<'a> Steps<'a> {
    fn new(plan: &'a Plan<'a>, rng: Rng) -> Self {
        Steps {
            plan,
            rng,
            events: Vec::with_capacity(plan.tool_calls as usize * 3 + 4),
            clock: plan.started_at,
            context_tokens: 0,
            totals: [0; 4],
        }
    }

    fn push(&mut self, role: &str, kind: &str, content: String) -> &mut Event {
        let seq = self.events.len() as i64;
        let parent_id = self.events.last().and_then(|e| e.event_id.clone());
        self.events.push(Event {
            session_id: self.plan.id.clone(),
            seq,
            event_id: Some(format!("{}-{seq:04}", &self.plan.id[..8])),
            parent_id,
            timestamp: Some(self.clock),
            role: Some(role.into()),
            kind: Some(kind.into()),
            content: Some(content),
            ..Event::default()
        });
        self.events.last_mut().expect("just pushed")
    }

    fn tick(&mut self, min_ms: u64, max_ms: u64) -> i64 {
        let ms = self.rng.range(min_ms, max_ms) as i64;
        self.clock += Duration::milliseconds(ms);
        ms
    }

    /// A model call: tokens against the growing context, priced later per session.
    fn model_call(&mut self, new_tokens: i64, output: i64) -> (i64, i64, i64) {
        let effort = self.plan.knobs.output_tokens_factor();
        let output = ((output as f64) * effort).round().max(8.0) as i64;
        let cached = if self.plan.knobs.cache_policy == "evict-stale-thinking" {
            self.context_tokens * 7 / 10
        } else {
            self.context_tokens
        };
        let fresh = self.context_tokens - cached + new_tokens;
        self.context_tokens += new_tokens + output;
        self.totals[0] += fresh;
        self.totals[1] += output;
        self.totals[2] += cached;
        self.totals[3] += new_tokens + output;
        let latency = self.tick(900, 2_500) + output * self.rng.range(8, 20) as i64;
        self.clock += Duration::milliseconds(output * 12);
        (fresh, output, latency)
    }

    fn run(mut self) -> Trajectory {
        let p = self.plan;
        let repo = &REPOS[p.task.repo];
        let file = repo.files[p.task.file];
        let symbol = repo.symbols[p.task.symbol];
        self.push(
            "system",
            "message",
            format!(
                "You are Atlas, a software engineering agent working in the repository {}. \
                 Use the tools to inspect and change the code. Keep changes minimal. \
                 [prompt {}; harness {} {}]",
                repo.name,
                p.knobs.system_prompt_hash,
                story::HARNESS,
                p.knobs.harness_version
            ),
        );
        self.push(
            "user",
            "message",
            format!(
                "{} ({})\n\nSteps to reproduce: call `{symbol}` from `{file}`. I expected it to work \
                 but it {}. Please fix it and add a regression test.",
                p.task.title, p.task.id, describe_failure(p.task.exception)
            ),
        );
        let mut test_runs = 0;
        for step in 0..p.tool_calls {
            let last = step == p.tool_calls - 1;
            let tool = self.choose_tool(step, last);
            if p.knobs.reasoning_effort == "high" || self.rng.chance(0.6) {
                let thought = self.thought(tool, symbol, file);
                self.tick(200, 900);
                self.push("assistant", "thinking", thought);
            }
            let (input, say) = self.tool_input(tool, file, symbol, repo.test_command, repo.name);
            let new_tokens = 400 + self.rng.range(0, 900) as i64;
            let output_tokens = 60 + self.rng.range(0, 420) as i64;
            let (in_tok, out_tok, latency) = self.model_call(new_tokens, output_tokens);
            let call_id = format!("call_{}", &self.rng.hex128()[..20]);
            let model = p.model.name;
            let call = self.push("assistant", "tool_call", say);
            call.tool_name = Some(tool.into());
            call.tool_call_id = Some(call_id.clone());
            call.tool_input = Some(input.to_string());
            call.model = Some(model.into());
            call.input_tokens = Some(in_tok);
            call.output_tokens = Some(out_tok);
            call.latency_ms = Some(latency);
            let run_ms = if tool == "run_tests" {
                self.tick(4_000, 90_000)
            } else {
                self.tick(40, 1_500)
            };
            let (output, is_error) =
                self.tool_output(tool, &input, file, symbol, last, &mut test_runs);
            let result = self.push("tool", "tool_result", output);
            result.tool_name = Some(tool.into());
            result.tool_call_id = Some(call_id);
            result.is_error = Some(is_error);
            result.latency_ms = Some(run_ms);
        }
        self.finish(symbol, file)
    }

    fn choose_tool(&mut self, step: i64, last: bool) -> &'static str {
        if last {
            return "run_tests";
        }
        match step {
            0 => "bash",
            1 => "read_file",
            _ => match self.rng.weighted(&[0.30, 0.25, 0.25, 0.20]) {
                0 => "read_file",
                1 => "bash",
                2 => "edit_file",
                _ => "run_tests",
            },
        }
    }

    fn thought(&mut self, tool: &str, symbol: &str, file: &str) -> String {
        let line = match tool {
            "read_file" => format!("I should read how `{symbol}` is implemented in {file} before changing anything."),
            "bash" => format!("Let me find where `{}` is used so I know what a change could break.", short(symbol)),
            "edit_file" => format!("The bug is in the branch that handles the empty case in `{}`; a guard before the loop should fix it without changing the public behaviour.", short(symbol)),
            _ => "Now run the relevant tests to check the fix and that nothing else broke.".to_string(),
        };
        if self.plan.knobs.reasoning_effort == "high" && self.rng.chance(0.5) {
            format!("{line} I also need to consider the edge case where the input is a subclass, since the issue mentions it.")
        } else {
            line
        }
    }

    fn tool_input(
        &mut self,
        tool: &str,
        file: &str,
        symbol: &str,
        test_command: &str,
        repo: &str,
    ) -> (serde_json::Value, String) {
        match tool {
            "read_file" => {
                let start = self.rng.range(1, 400);
                (
                    json!({"path": file, "start_line": start, "end_line": start + 80}),
                    format!("Reading {file}."),
                )
            }
            "bash" => {
                let cmd = match self.rng.range(0, 3) {
                    0 => format!("grep -rn \"def {}\" --include=*.py .", short(symbol)),
                    1 => format!("git log --oneline -5 -- {file}"),
                    2 => format!("ls {}", file.rsplit_once('/').map_or(".", |(d, _)| d)),
                    _ => "git status --short".to_string(),
                };
                (
                    json!({"command": cmd, "cwd": format!("/workspace/{repo}")}),
                    format!("Running `{cmd}`."),
                )
            }
            "edit_file" => (
                json!({
                    "path": file,
                    "old_str": "        for item in values:\n",
                    "new_str": "        if not values:\n            return []\n        for item in values:\n",
                }),
                format!("Adding a guard for empty input to {file}."),
            ),
            _ => {
                let cmd = format!("{test_command} {}", short(symbol).to_lowercase());
                (json!({"command": cmd}), "Running the tests.".to_string())
            }
        }
    }

    fn tool_output(
        &mut self,
        tool: &str,
        input: &serde_json::Value,
        file: &str,
        symbol: &str,
        last: bool,
        test_runs: &mut u32,
    ) -> (String, bool) {
        let error = !last && self.rng.chance(0.06);
        match (tool, error) {
            ("read_file", true) => (format!("Error: file not found: {}", file.replace(".py", "s.py")), true),
            ("read_file", false) => {
                let start = input["start_line"].as_u64().unwrap_or(1);
                (
                    format!(
                        "{start:>5}  def {}(self, values, *, strict=False):\n{:>5}      \"\"\"Return the processed values.\"\"\"\n{:>5}      result = []\n{:>5}      for item in values:\n{:>5}          result.append(self._convert(item))\n{:>5}      return result\n",
                        short(symbol), start + 1, start + 2, start + 3, start + 4, start + 5
                    ),
                    false,
                )
            }
            ("bash", true) => ("bash: line 1: rg: command not found\n[exit code 127]".to_string(), true),
            ("bash", false) => (self.bash_output(input, file, symbol), false),
            ("edit_file", true) => (
                format!("Error: `old_str` was not found in {file}; no changes were made."),
                true,
            ),
            ("edit_file", false) => (
                format!(
                    "--- a/{file}\n+++ b/{file}\n@@ -{0},3 +{0},5 @@\n         result = []\n+        if not values:\n+            return []\n         for item in values:\n",
                    self.rng.range(40, 900)
                ),
                false,
            ),
            _ => {
                *test_runs += 1;
                let passing = last && self.plan.outcome == "success";
                let total = self.rng.range(12, 240);
                if passing {
                    (format!("{total} passed in {:.2}s", self.rng.uniform(1.0, 60.0)), false)
                } else {
                    let failed = self.rng.range(1, 4);
                    (
                        format!(
                            "FAILED tests/test_{0}.py::test_{0}_empty_input - {1}: 'NoneType' object is not iterable\n{2} failed, {3} passed in {4:.2}s",
                            short(symbol).to_lowercase(),
                            self.plan.task.exception,
                            failed,
                            total - failed,
                            self.rng.uniform(1.0, 60.0)
                        ),
                        false,
                    )
                }
            }
        }
    }

    /// What the shell printed for the command in `input`.
    fn bash_output(&mut self, input: &serde_json::Value, file: &str, symbol: &str) -> String {
        let command = input["command"].as_str().unwrap_or_default();
        let name = short(symbol);
        if command.starts_with("grep") {
            format!(
                "./{file}:{}:    def {name}(self, values, *, strict=False):\n./{file}:{}:        return self.{name}(values)\n[exit code 0]",
                self.rng.range(40, 900),
                self.rng.range(900, 1400),
            )
        } else if command.starts_with("git log") {
            let subjects = [
                "Fix handling of empty input",
                "Refactor conversion helpers",
                "Add type hints",
                "Deprecate positional arguments",
                "Speed up the common path",
            ];
            let mut out = String::new();
            for subject in subjects {
                out.push_str(&format!("{} {subject}\n", &self.rng.hex128()[..9]));
            }
            out + "[exit code 0]"
        } else if command.starts_with("ls") {
            let dir = file.rsplit_once('/').map_or("", |(_, f)| f);
            format!("__init__.py\n_base.py\n{dir}\ntests\n[exit code 0]")
        } else {
            format!(" M {file}\n[exit code 0]")
        }
    }

    fn finish(mut self, symbol: &str, file: &str) -> Trajectory {
        let p = self.plan;
        match p.outcome {
            "error" => {
                self.tick(500, 5_000);
                self.push("system", "error", "API error: 529 overloaded_error: the model is overloaded; the session was aborted after 3 retries.".into());
            }
            "timeout" => {
                self.push(
                    "system",
                    "error",
                    "Session stopped: wall-clock limit of 30 minutes reached.".into(),
                );
            }
            outcome => {
                let output_tokens = 120 + self.rng.range(0, 200) as i64;
                let (in_tok, out_tok, latency) = self.model_call(300, output_tokens);
                let text = if outcome == "success" {
                    format!("I fixed `{symbol}` in {file}: it now returns early on empty input, and I added a regression test. The test suite passes.")
                } else {
                    format!("I changed `{symbol}` in {file} to handle empty input, but some tests still fail; the remaining failure looks related to the subclass case.")
                };
                let model = p.model.name;
                let last = self.push("assistant", "message", text);
                last.model = Some(model.into());
                last.input_tokens = Some(in_tok);
                last.output_tokens = Some(out_tok);
                last.latency_ms = Some(latency);
            }
        }
        let [fresh, output, cached, written] = self.totals;
        let price = p.model.price;
        let cost = (fresh as f64 * price[0]
            + output as f64 * price[1]
            + cached as f64 * price[2]
            + written as f64 * price[3])
            / 1e6;
        let score = match p.outcome {
            "success" => Some(1.0),
            "failure" => Some((self.rng.uniform(0.0, 0.8) * 100.0).round() / 100.0),
            _ => None,
        };
        let config = BTreeMap::from([
            (
                "system_prompt_hash".to_string(),
                p.knobs.system_prompt_hash.to_string(),
            ),
            ("cache_policy".to_string(), p.knobs.cache_policy.to_string()),
            (
                "reasoning_effort".to_string(),
                p.knobs.reasoning_effort.to_string(),
            ),
        ]);
        let mut tags = Vec::new();
        if p.tool_calls >= story::LONG_SESSION_TOOL_CALLS {
            tags.push("long".to_string());
        }
        if p.started_at.hour() < 6 {
            tags.push("off-hours".to_string());
        }
        let mut trajectory = Trajectory {
            session: Session {
                session_id: p.id.clone(),
                source_format: Some("sample".into()),
                source_uri: Some(format!("tracelab gen-sample (session {})", &p.id[..8])),
                task_id: Some(p.task.id.clone()),
                repo: Some(REPOS[p.task.repo].name.into()),
                harness: Some(story::HARNESS.into()),
                harness_version: Some(p.knobs.harness_version.into()),
                model: Some(p.model.name.into()),
                slice: Some(p.slice.into()),
                config,
                started_at: Some(p.started_at),
                ended_at: Some(self.clock),
                outcome: Some(p.outcome.into()),
                score,
                input_tokens: Some(fresh),
                output_tokens: Some(output),
                cache_read_tokens: Some(cached),
                cache_write_tokens: Some(written),
                cost_usd: Some((cost * 1e6).round() / 1e6),
                tags,
                attributes: Some(
                    json!({"region": if p.slice == "api" { "us-east" } else { "eu-west" }}),
                ),
                ..Session::default()
            },
            events: self.events,
        };
        trajectory.derive_counts();
        trajectory
    }
}

fn short(symbol: &str) -> &str {
    symbol.rsplit('.').next().unwrap_or(symbol)
}

fn describe_failure(exception: &str) -> String {
    format!("fails with `{exception}` instead")
}
