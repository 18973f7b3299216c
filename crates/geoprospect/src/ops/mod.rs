//! Operations on layers (floor 4): io + kernel + engine, one file per command, plus what the
//! pipeline shares. Typed requests in, typed summaries out; nothing here prints, and nothing
//! imports the report or the pipeline.
/// `geoprospect anomalies`: thresholds and classes of sample assays.
pub mod anomalies;
/// A project's or a command's study area, for the io reader.
pub mod area;
/// `geoprospect catchments`: stream-sediment samples as their drainage basins.
pub mod catchments;
/// Known occurrences read from a project's source and located on a grid.
pub mod deposits;
/// Sample catchments on a DEM, shared by the command and the pipeline.
pub mod drainage;
/// `geoprospect fuzzy`: transform chains and one fuzzy operator, streamed.
pub mod fuzzy;
/// `geoprospect grid`: one field of a point file onto a grid.
pub mod grid;
/// `geoprospect info`: what an input file holds.
pub mod info;
/// Data-driven models (random forests, gradient boosting) on evidence layers, shared by
/// `geoprospect run` and `geoprospect model`.
pub mod learn;
/// `geoprospect logistic`: logistic regression of deposits against layers.
pub mod logistic;
/// `geoprospect membership`: a fuzzy membership function applied to a layer.
pub mod membership;
/// `geoprospect model`: a random forest or gradient boosting on evidence layers.
pub mod model;
/// `geoprospect overlay`: fuzzy or weighted index overlay of layers.
pub mod overlay;
/// Exact percentiles of a layer on disk, in two passes.
pub mod percentiles;
/// `geoprospect proximity`: distance to the nearest feature.
pub mod proximity;
/// Sample sets read from a project's sources, assays in ppm.
pub mod samples;
/// A model scored block by block over the grid.
pub mod score;
/// `geoprospect singularity`: the local singularity index of a layer.
pub mod singularity;
/// Target zones of a score map, ranked and outlined.
pub mod targets;
/// `geoprospect validate`: success rate of a score map against deposits.
pub mod validate;
/// `geoprospect wofe`: the weights table of a class layer.
pub mod wofe;
