//! Everything that touches files, GDAL or PROJ.
pub mod atomic;
pub mod cog;
pub mod cogtiles;
pub mod crs;
pub mod dataset;
pub mod files;
pub mod gdal_apps;
pub mod geojson;
pub mod layer;
pub mod points;
pub mod polygonize;
pub mod raster;
pub mod rawstrips;
pub mod table;
pub mod vector;
pub mod vsi;

/// GDAL's raster block cache when the user has not set `GDAL_CACHEMAX`: GDAL's default is 5 % of
/// RAM, which a streaming run does not need (each block is read or written once) and which
/// would otherwise dominate its memory.
pub const GDAL_CACHE_MB: &str = "256";

/// Routes GDAL's error messages to the log instead of stderr (errors reach the user through
/// our own one-line messages), bounds GDAL's block cache and registers the drivers.
pub fn gdal_setup() {
    if std::env::var_os("GDAL_CACHEMAX").is_none() {
        let _ = gdal::config::set_config_option("GDAL_CACHEMAX", GDAL_CACHE_MB);
    }
    gdal::DriverManager::register_all();
    gdal::config::set_error_handler(|class, code, msg| {
        tracing::debug!("GDAL {class:?} {code}: {msg}");
    });
}

/// GDAL messages can span lines; errors are one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
