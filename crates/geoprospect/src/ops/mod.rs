//! Operations on layers: io + kernel + engine, one file per command, plus what the pipeline
//! shares. Typed requests in, summaries out; nothing here prints.
pub mod anomalies;
pub mod deposits;
pub mod fuzzy;
pub mod grid;
pub mod info;
pub mod logistic;
pub mod membership;
pub mod overlay;
pub mod percentiles;
pub mod proximity;
pub mod samples;
pub mod score;
pub mod targets;
pub mod validate;
pub mod wofe;
