//! Operations on layers: io + kernel + engine, one file per command, plus what the pipeline
//! shares. Typed requests in, summaries out; nothing here prints.
pub mod fuzzy;
pub mod membership;
pub mod overlay;
pub mod percentiles;
pub mod proximity;
