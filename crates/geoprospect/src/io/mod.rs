//! The only code that touches GDAL, PROJ, libc and memory maps (floor 3): datasets, layers,
//! warping, burning, polygonizing, file lists, COG reading and writing. It imports ground types
//! and the kernels' plain data types, never the configuration.
/// Study-area polygons read into the analysis CRS and put on a grid.
pub mod area;
/// Outputs written under temporary names and moved into place; the run folder lock.
pub mod atomic;
/// Layers written strip by strip and finished as Cloud-Optimized GeoTIFFs.
pub mod cog;
/// The COG encoder: tiles compressed in parallel, overviews on the way, GDAL's layout.
pub mod cogtiles;
/// CRSs as PROJ reads them, and point transformations.
pub mod crs;
/// Opening rasters with errors that name the file; a band read whole or decimated.
pub mod dataset;
/// Where an input lies in the analysis CRS (raster footprints, feature extents).
pub mod extent;
/// The files behind a dataset, for provenance.
pub mod files;
/// GDAL's translate, warp and mosaic as library calls.
pub mod gdal_apps;
/// RFC 7946 GeoJSON written feature by feature.
pub mod geojson;
/// Layers on an analysis grid read by block, through a pool of handles.
pub mod layer;
/// Point files (delimited text or OGR) in the analysis CRS.
pub mod points;
/// Labelled cells to polygons (GDALPolygonize, 8-connected).
pub mod polygonize;
/// Rasters warped or copied onto the analysis grid.
pub mod raster;
/// Uncompressed strips mapped in place and DEFLATE tiles decoded directly.
pub mod rawstrips;
/// Delimited text read from a path (GDAL's virtual file systems included).
pub mod table;
/// Vector layers read into the analysis CRS and burnt onto the grid.
pub mod vector;
/// Paths on GDAL's virtual file systems (object storage): reads, uploads, staging.
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
