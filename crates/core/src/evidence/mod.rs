//! Evidence layers: proximity, fuzzy membership functions, categorical scores, local
//! singularity.
//!
//! Kernels here are pure functions over slices and parameter structs, applied one block (row
//! strip) of the analysis grid at a time; the commands around them (reading layers, writing
//! COGs) are in `geoprospect::ops`.
pub mod categorical;
pub mod chain;
pub mod membership;
pub mod proximity;
pub mod quantiles;
pub mod singularity;
