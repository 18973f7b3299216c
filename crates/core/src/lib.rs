//! geoprospect-core: the GDAL-free floors of geoprospect, mineral prospectivity mapping.
//!
//! This crate depends on no GDAL, PROJ, libc or memory maps: nothing here opens a raster or a
//! vector file, so each kernel can be tested on a grid written inside the test. It holds, from
//! the bottom up:
//!
//! - **ground**: the analysis grid and its blocks ([`grid`]), study areas on it ([`area`]), the error type ([`error`]), the
//!   commodities ([`commodity`]), progress reporting without printing ([`progress`]), the one
//!   seeded generator ([`rng`]), delimited-text tables as labs deliver them ([`table`]);
//! - **kernels**, pure functions over slices and parameter structs: assays, units, censored
//!   values, anomaly thresholds and gridding ([`geochem`]); evidence layers: proximity, fuzzy
//!   membership, categorical scores, exact quantiles ([`evidence`]); models: fuzzy and index
//!   overlay, inference networks of grouped evidence, weights of evidence, logistic
//!   regression, gradient boosting and random forests ([`models`]); success-rate curves
//!   ([`validate`]) and spatial block folds ([`spatial_cv`]); target-zone labelling ([`zones`]); DEM conditioning, flow and sample
//!   catchments ([`hydrology`]);
//! - **configuration**: the project schema ([`project`]) and the model presets and specs
//!   ([`modelspec`]), which name kernel parameter types;
//! - **the block engine** ([`engine`]): blocks of a grid in waves on one rayon pool, results in
//!   block order, so outputs do not depend on the thread count.
//!
//! Kernels import ground types only; the configuration imports kernels' parameter types; the
//! engine imports ground. The `geoprospect` crate adds the file formats (GDAL, PROJ), the
//! commands, the reports and the pipeline on top, and re-exports these modules.
pub mod area;
pub mod commodity;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod geochem;
pub mod grid;
pub mod hydrology;
pub mod models;
pub mod modelspec;
pub mod progress;
pub mod project;
pub mod rng;
pub mod spatial_cv;
pub mod table;
pub mod validate;
pub mod zones;
