//! geoprospect: mineral prospectivity mapping.
pub mod batch;
pub mod commodity;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod geochem;
pub mod grid;
pub mod info;
pub mod io;
pub mod models;
pub mod modelspec;
pub mod pipeline;
pub mod progress;
pub mod project;
pub mod report;
pub mod scoring;
pub mod validate;
