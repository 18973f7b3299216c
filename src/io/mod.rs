//! Everything that touches files, GDAL or PROJ.
pub mod atomic;
pub mod cog;
pub mod crs;
pub mod gdal_apps;
pub mod raster;
pub mod vector;
pub mod table;
