//! geoprospect: mineral prospectivity mapping.
pub mod error;
pub mod geochem;
pub mod io;
