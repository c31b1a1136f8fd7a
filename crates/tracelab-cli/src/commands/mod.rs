//! One file per verb.

pub mod attribute;
pub mod compact;
pub mod compare;
pub mod curate;
pub mod decontam;
pub mod export;
pub mod facets;
pub mod gen_sample;
pub mod import;
pub mod index;
pub mod info;
pub mod query;
pub mod rollouts;
pub mod scrub;
pub mod search;
pub mod timeseries;
