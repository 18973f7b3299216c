//! Integration tests: the built binary in temporary folders, checked against GDAL's and PROJ's
//! own command-line tools where one exists. One test binary for all of them.
mod anomalies;
mod area;
mod catchments;
mod commodities;
mod engine;
mod errors;
mod evidence;
mod faults;
mod fixtures;
mod fuzzy;
mod gridding;
mod hostile;
mod hostile_csv;
mod hostile_raster;
mod hostile_vector;
mod ingest;
mod learning;
mod models;
mod outputs;
mod progress;
mod report;
mod reproject;
mod run;
mod singularity;
mod tiles;
