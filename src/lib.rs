//! geoprospect: mineral prospectivity mapping.
pub mod commodity;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod geochem;
pub mod grid;
pub mod io;
pub mod models;
pub mod modelspec;
pub mod ops;
pub mod pipeline;
pub mod progress;
pub mod project;
pub mod report;
pub mod table;
pub mod validate;
pub mod zones;
