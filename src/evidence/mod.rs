//! Evidence layers: proximity, fuzzy membership functions, categorical scores.
//!
//! Kernels here are pure functions over slices and parameter structs, applied one block (row
//! strip) of the analysis grid at a time; the `run_*` functions are the commands around them
//! (read layers through [`crate::io::layer`], write COGs through [`crate::io::cog`]).
pub mod categorical;
pub mod chain;
pub mod membership;
pub mod proximity;
pub mod quantiles;
