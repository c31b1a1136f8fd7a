"""The consumers of a curated export load it: Hugging Face `datasets` (each format folder, by
its README card, with the card's splits and features), TRL's data utilities (the chat rows are
conversational and a chat template renders them), and DuckDB (the Parquet, and the no-leak
promise: no task or repository in two splits).

usage: curated_export.py EXPORT_DIR
"""

import json
import sys
from pathlib import Path

import duckdb
from datasets import load_dataset
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast
from trl.data_utils import is_conversational, maybe_apply_chat_template

out = Path(sys.argv[1])
manifest = json.loads((out / "manifest.json").read_text())
formats = manifest["config"]["export"]["formats"]
rows_in_manifest = {}
for f in manifest["files"]:
    if f["path"].endswith(".parquet"):
        fmt, _, name = f["path"].split("/")
        rows_in_manifest[(fmt, name.split("-")[0])] = f["rows"]

# A tiny tokenizer with a chat template that renders tool calls and tool results.
word_level = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
word_level.pre_tokenizer = pre_tokenizers.Whitespace()
tokenizer = PreTrainedTokenizerFast(tokenizer_object=word_level, unk_token="[UNK]")
tokenizer.chat_template = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}"
    "{% if m['tool_calls'] %}{% for c in m['tool_calls'] %}<call {{ c['function']['name'] }}>"
    "{{ c['function']['arguments'] }}{% endfor %}{% endif %}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)

checked = []
for fmt in formats:
    folder = out / fmt
    if not folder.exists():
        continue
    dataset = load_dataset(str(folder))  # reads README.md: configs, data_files, features, splits
    for split, ds in dataset.items():
        want = rows_in_manifest[(fmt, split)]
        assert len(ds) == want, f"{fmt}/{split}: datasets reads {len(ds)} rows, manifest says {want}"
    first = next(iter(dataset.values()))[0]
    if fmt == "trl_preference":
        assert set(first) >= {"prompt", "chosen", "rejected", "tools"}, first.keys()
        assert is_conversational(first), "TRL does not see a conversational preference row"
        rendered = maybe_apply_chat_template(first, tokenizer)
        assert rendered["prompt"].endswith("<|assistant|>"), rendered["prompt"][-80:]
        assert rendered["chosen"] and rendered["rejected"]
        tool_rows = [r for r in dataset["train"].select(range(min(50, len(dataset["train"]))))
                     if any(m["tool_calls"] for m in r["chosen"])]
        assert tool_rows, "no chosen side with tool calls in the first 50 rows"
        assert "<call " in maybe_apply_chat_template(tool_rows[0], tokenizer)["chosen"]
        assert any(m["role"] == "tool" for m in tool_rows[0]["chosen"])
    elif fmt == "trl_unpaired":
        assert is_conversational(first)
        assert isinstance(first["label"], bool)
        assert maybe_apply_chat_template(first, tokenizer)["completion"]
    elif fmt == "trl_sft":
        assert is_conversational(first)
        assert "<|user|>" in maybe_apply_chat_template(first, tokenizer)["text"]
    elif fmt == "openai_preference":
        line = json.loads((folder / "jsonl" / "train.jsonl").open().readline())
        assert set(line) == {"input", "preferred_output", "non_preferred_output"}, line.keys()
        assert line["preferred_output"][0]["role"] == "assistant"
        assert line["input"]["messages"][-1]["role"] == "user"
    elif fmt == "openrlhf":
        assert isinstance(first["margin"], float)
    elif fmt == "verl":
        assert first["reward_model"]["style"] == "rule"
        assert first["extra_info"]["split"] in dataset
    checked.append(f"{fmt} {sum(len(d) for d in dataset.values())} rows")

# DuckDB reads the Parquet, and no task or repository is in two splits of any set.
con = duckdb.connect()
for fmt, task, repo in [("trl_preference", "task_id", "repo"), ("trl_sft", "task_id", "repo"),
                        ("trl_unpaired", "task_id", "repo"), ("verl", "extra_info.task_id", "extra_info.repo")]:
    if not (out / fmt).exists():
        continue
    glob = str(out / fmt / "data" / "*.parquet")
    split = "regexp_extract(filename, '([a-z]+)-0+-of', 1)"
    total = con.execute(f"select count(*) from read_parquet('{glob}')").fetchone()[0]
    want = sum(n for (f, _), n in rows_in_manifest.items() if f == fmt)
    assert total == want, f"DuckDB reads {total} {fmt} rows, manifest says {want}"
    for key in [task] + ([repo] if manifest["config"]["split"]["by"] == "repo" else []):
        leaks = con.execute(
            f"select {key} as k, count(distinct {split}) as n "
            f"from read_parquet('{glob}', filename=true) group by 1 having n > 1"
        ).fetchall()
        assert not leaks, f"{fmt}: {key} in two splits: {leaks[:3]}"

print("datasets, TRL and DuckDB read the export:", "; ".join(checked))
