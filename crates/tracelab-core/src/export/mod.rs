//! Writing out of Tracelab: the archive as canonical JSONL (which imports back into identical
//! tables), and curated training sets in the layouts trainers load ([`dataset`]).

pub mod canonical;
pub mod card;
pub mod dataset;
pub mod hub;
pub mod rows;
