//! Integration tests: the built binary in temporary folders, checked against GDAL's and PROJ's
//! own command-line tools where one exists. One test binary for all of them.
mod anomalies;
mod engine;
mod errors;
mod evidence;
mod fixtures;
mod gridding;
mod ingest;
mod models;
mod reproject;
mod run;
