//! Everything that touches files, GDAL or PROJ.
pub mod atomic;
pub mod cog;
pub mod crs;
pub mod deposits;
pub mod gdal_apps;
pub mod geojson;
pub mod layer;
pub mod points;
pub mod raster;
pub mod samples;
pub mod table;
pub mod vector;

/// Routes GDAL's error messages to the log instead of stderr (errors reach the user through
/// our own one-line messages) and registers the drivers.
pub fn gdal_setup() {
    gdal::DriverManager::register_all();
    gdal::config::set_error_handler(|class, code, msg| {
        tracing::debug!("GDAL {class:?} {code}: {msg}");
    });
}
