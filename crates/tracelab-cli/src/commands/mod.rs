//! One file per verb.

pub mod export;
pub mod facets;
pub mod gen_sample;
pub mod import;
pub mod index;
pub mod info;
pub mod query;
pub mod search;
