//! geoprospect: mineral prospectivity mapping.
pub mod commodity;
pub mod error;
pub mod geochem;
pub mod grid;
pub mod io;
pub mod project;
