//! Writing an archive out in formats other tools read. Today: canonical JSONL, which
//! imports back into identical tables.

pub mod canonical;
