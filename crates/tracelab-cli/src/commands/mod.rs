//! One file per verb.

pub mod export;
pub mod gen_sample;
pub mod import;
pub mod info;
