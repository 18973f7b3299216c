//! Everything that touches files, GDAL or PROJ.
pub mod table;
