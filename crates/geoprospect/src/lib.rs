//! geoprospect: mineral prospectivity mapping for REE, Sn and Mo over GDAL.
//!
//! The floors above [`geoprospect_core`] (whose modules are re-exported here, so
//! `geoprospect::grid`, `geoprospect::geochem` and the others are the same items):
//!
//! - [`io`]: the only code that touches GDAL, PROJ, libc and memory maps: opening datasets,
//!   reading blocks, warping, burning, polygonizing, listing a dataset's files, COG reading and
//!   writing. It imports ground types and the kernels' plain data types, never the
//!   configuration.
//! - [`ops`]: one operation on layers per file (io + kernel + engine): the commands (`grid`,
//!   `anomalies`, `proximity`, `membership`, `fuzzy`, `overlay`, `wofe`, `logistic`,
//!   `validate`, `info`) and what the pipeline shares (samples, deposits, percentiles, score,
//!   targets). Typed requests in, summaries out.
//! - [`report`]: writers of what people open: HTML, PNG maps and charts, QML styles, the
//!   manifest, GeoJSON. It may use ops' result types, never the pipeline.
//! - [`pipeline`]: a whole run (plan, ingest, geochemistry, prospectivity, outputs, report,
//!   publish), plan / run-tile / merge for clusters, batches of surveys.
//!
//! Nothing here prints: progress goes to a [`progress::Progress`] sink and results come back as
//! values for the binary to render.
pub use geoprospect_core::{
    area, commodity, engine, error, evidence, geochem, grid, hydrology, models, modelspec,
    progress, project, rng, spatial_cv, table, validate, zones,
};

pub mod io;
pub mod ops;
pub mod pipeline;
pub mod report;
