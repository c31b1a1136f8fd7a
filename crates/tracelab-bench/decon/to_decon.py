"""Converts Tracelab data into the inputs of allenai's decon (PyPI `decontaminate`).

  to_decon.py training SESSIONS.jsonl OUT_DIR [--shards N]
      canonical JSONL from `tracelab export` -> OUT_DIR/sessions-K.jsonl, one document per
      session: {"text": ..., "session_id": ...}. The text is every event's tool_input and
      content joined by newlines, in the order the Tracelab checker reads them. decon runs one
      thread per training file, so the documents are split into N files (default 2).
      Prints {"sessions": ..., "text_bytes": ...} (UTF-8 bytes of text) on stdout.

  to_decon.py evals OUT_DIR BENCHMARK.slim.jsonl...
      SWE-bench slim files -> OUT_DIR/swebench.jsonl in decon's eval reference format, one
      record per instance with the problem_statement as the `question`. The gold patch is left
      out: decon's `answer`/`passage` only count when found near a question match, which is
      not what Tracelab's separate gold-patch check does.
"""

import hashlib
import json
import os
import sys


def session_text(session):
    parts = []
    for event in session.get("events") or []:
        for key in ("tool_input", "content"):
            value = event.get(key)
            if value is None:
                continue
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "\n".join(parts)


def training(src, out_dir, shards):
    os.makedirs(out_dir, exist_ok=True)
    outs = [open(os.path.join(out_dir, f"sessions-{k}.jsonl"), "w") for k in range(shards)]
    sessions = text_bytes = 0
    with open(src) as f:
        for line in f:
            session = json.loads(line)
            text = session_text(session)
            doc = {"text": text, "session_id": session["session_id"]}
            outs[sessions % shards].write(json.dumps(doc) + "\n")
            sessions += 1
            text_bytes += len(text.encode())
    for out in outs:
        out.close()
    print(json.dumps({"sessions": sessions, "text_bytes": text_bytes}))


def evals(out_dir, paths):
    os.makedirs(out_dir, exist_ok=True)
    doc_id = 0
    with open(os.path.join(out_dir, "swebench.jsonl"), "w") as out:
        for path in paths:
            with open(path) as f:
                for index, line in enumerate(f):
                    row = json.loads(line)
                    question = row["problem_statement"]
                    out.write(json.dumps({
                        "eval_key": row.get("benchmark", "swebench"),
                        "split": "test",
                        "eval_instance_index": index,
                        "doc_id": doc_id,
                        "question": question,
                        "fingerprint": hashlib.sha256(question.encode()).hexdigest()[:16],
                        "instance_id": row["instance_id"],
                    }) + "\n")
                    doc_id += 1
    print(json.dumps({"instances": doc_id}))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["training"] and len(args) in (3, 5):
        shards = int(args[4]) if len(args) == 5 and args[3] == "--shards" else 2
        training(args[1], args[2], shards)
    elif args[:1] == ["evals"] and len(args) >= 3:
        evals(args[1], args[2:])
    else:
        sys.exit(__doc__)
