//! The rows of each training format, as JSON objects, with the Arrow schema their Parquet
//! files have. One place decides what a row holds; the writer ([`super::hub`]) turns the same
//! rows into Parquet (through Arrow's JSON decoder, against the schema) and JSONL.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef};
use serde_json::{json, Value};

use crate::curate::{Curation, Format, Message, Split};

fn utf8(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, true)))
}

fn tool_call() -> DataType {
    DataType::Struct(Fields::from(vec![
        utf8("id"),
        utf8("type"),
        Field::new(
            "function",
            DataType::Struct(Fields::from(vec![utf8("name"), utf8("arguments")])),
            true,
        ),
    ]))
}

/// A chat message: `role`, `content`, `tool_calls`, `tool_call_id`, `name`.
fn message() -> DataType {
    DataType::Struct(Fields::from(vec![
        utf8("role"),
        utf8("content"),
        Field::new("tool_calls", list_of(tool_call()), true),
        utf8("tool_call_id"),
        utf8("name"),
    ]))
}

fn messages(name: &str) -> Field {
    Field::new(name, list_of(message()), true)
}

/// A function tool in OpenAI's shape. Traces record which tools were called, not their
/// schemas, so `parameters` says only that the arguments are an object.
fn tools() -> Field {
    let function = DataType::Struct(Fields::from(vec![
        utf8("name"),
        utf8("description"),
        Field::new(
            "parameters",
            DataType::Struct(Fields::from(vec![utf8("type")])),
            true,
        ),
    ]));
    Field::new(
        "tools",
        list_of(DataType::Struct(Fields::from(vec![
            utf8("type"),
            Field::new("function", function, true),
        ]))),
        true,
    )
}

/// The Parquet schema of `format`.
pub fn schema(format: Format) -> SchemaRef {
    let provenance = || vec![utf8("task_id"), utf8("repo")];
    let pair_sides = || {
        vec![
            utf8("chosen_session_id"),
            utf8("rejected_session_id"),
            utf8("chosen_model"),
            utf8("rejected_model"),
        ]
    };
    let fields: Vec<Field> = match format {
        Format::TrlPreference => [
            messages("prompt"),
            messages("chosen"),
            messages("rejected"),
            tools(),
        ]
        .into_iter()
        .chain(provenance())
        .chain(pair_sides())
        .collect(),
        Format::TrlUnpaired => [
            messages("prompt"),
            messages("completion"),
            Field::new("label", DataType::Boolean, true),
            tools(),
        ]
        .into_iter()
        .chain(provenance())
        .chain([utf8("session_id"), utf8("model")])
        .collect(),
        Format::TrlSft => [messages("messages"), tools()]
            .into_iter()
            .chain(provenance())
            .chain([utf8("session_id"), utf8("model")])
            .collect(),
        Format::OpenaiPreference => vec![
            Field::new(
                "input",
                DataType::Struct(Fields::from(vec![messages("messages")])),
                true,
            ),
            messages("preferred_output"),
            messages("non_preferred_output"),
        ],
        Format::Openrlhf => [
            messages("prompt"),
            messages("chosen"),
            messages("rejected"),
            Field::new("margin", DataType::Float64, true),
        ]
        .into_iter()
        .chain(provenance())
        .chain(pair_sides())
        .collect(),
        Format::Verl => vec![
            utf8("data_source"),
            messages("prompt"),
            utf8("ability"),
            Field::new(
                "reward_model",
                DataType::Struct(Fields::from(vec![utf8("style"), utf8("ground_truth")])),
                true,
            ),
            Field::new(
                "extra_info",
                DataType::Struct(Fields::from(vec![
                    utf8("split"),
                    Field::new("index", DataType::Int64, true),
                    utf8("task_id"),
                    utf8("repo"),
                    utf8("session_id"),
                ])),
                true,
            ),
        ],
    };
    Arc::new(Schema::new(fields))
}

fn chat(messages: &[Message]) -> Value {
    serde_json::to_value(messages).expect("messages serialise")
}

fn tool_list(names: &[String]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|name| {
                json!({"type": "function", "function": {
                    "name": name,
                    "description": format!("The `{name}` tool as the agent's harness defined it (the trace records calls, not schemas)."),
                    "parameters": {"type": "object"},
                }})
            })
            .collect(),
    )
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut all: Vec<String> = a.iter().chain(b).cloned().collect();
    all.sort();
    all.dedup();
    all
}

/// Every row of `format`, with its split, in a stable order.
pub fn rows(curation: &Curation, format: Format) -> Vec<(Split, Value)> {
    let c = &curation.candidates;
    let chats = &curation.conversations;
    let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    // The columns a one-session row ends with: its tools and where it came from.
    let with_session = |mut row: Value, i: usize| {
        let object = row.as_object_mut().expect("object");
        object.insert("tools".into(), tool_list(&chats[i].tools));
        object.insert("task_id".into(), c[i].task_id.clone().into());
        object.insert("repo".into(), opt(&c[i].repo));
        object.insert("session_id".into(), c[i].session_id.clone().into());
        object.insert("model".into(), opt(&c[i].model));
        row
    };
    match format {
        Format::TrlPreference | Format::Openrlhf | Format::OpenaiPreference => curation
            .pairs
            .iter()
            .filter_map(|(pair, split)| {
                let (a, b) = (&c[pair.chosen], &c[pair.rejected]);
                let (ca, cb) = (&chats[pair.chosen], &chats[pair.rejected]);
                let mut row = match format {
                    Format::OpenaiPreference => {
                        // Only the final answers differ in this format; a side without one
                        // cannot be a row.
                        let (fa, fb) = (ca.final_answer()?, cb.final_answer()?);
                        let answer =
                            |m: &Message| json!([{"role": "assistant", "content": m.content}]);
                        return Some((
                            *split,
                            json!({
                                "input": {"messages": chat(&ca.prompt)},
                                "preferred_output": answer(fa),
                                "non_preferred_output": answer(fb),
                            }),
                        ));
                    }
                    Format::TrlPreference => json!({
                        "prompt": chat(&ca.prompt),
                        "chosen": chat(&ca.completion),
                        "rejected": chat(&cb.completion),
                        "tools": tool_list(&union(&ca.tools, &cb.tools)),
                    }),
                    _ => json!({
                        "prompt": chat(&ca.prompt),
                        "chosen": chat(&ca.completion),
                        "rejected": chat(&cb.completion),
                        "margin": pair.margin,
                    }),
                };
                let object = row.as_object_mut().expect("object");
                object.insert("task_id".into(), a.task_id.clone().into());
                object.insert("repo".into(), opt(&a.repo));
                object.insert("chosen_session_id".into(), a.session_id.clone().into());
                object.insert("rejected_session_id".into(), b.session_id.clone().into());
                object.insert("chosen_model".into(), opt(&a.model));
                object.insert("rejected_model".into(), opt(&b.model));
                Some((*split, row))
            })
            .collect(),
        Format::TrlUnpaired => curation
            .unpaired
            .iter()
            .map(|&(i, label, split)| {
                let row = json!({
                    "prompt": chat(&chats[i].prompt),
                    "completion": chat(&chats[i].completion),
                    "label": label,
                });
                (split, with_session(row, i))
            })
            .collect(),
        Format::TrlSft => curation
            .sft
            .iter()
            .map(|&(i, split)| {
                let row = json!({"messages": chat(&chats[i].messages())});
                (split, with_session(row, i))
            })
            .collect(),
        Format::Verl => curation
            .prompts
            .iter()
            .enumerate()
            .map(|(index, &(i, split))| {
                (
                    split,
                    json!({
                        "data_source": format!("tracelab/{}", curation.config.name),
                        "prompt": chat(&chats[i].prompt),
                        "ability": "agentic_coding",
                        // The reward is the task's own check (its tests): the task id is what
                        // a reward function looks it up by.
                        "reward_model": {"style": "rule", "ground_truth": c[i].task_id},
                        "extra_info": {
                            "split": split.name(),
                            "index": index,
                            "task_id": c[i].task_id,
                            "repo": opt(&c[i].repo),
                            "session_id": c[i].session_id,
                        },
                    }),
                )
            })
            .collect(),
    }
}
