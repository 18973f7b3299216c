//! Regenerates the synthetic survey batches under `samples/`.
//!
//! ```text
//! cargo run --release --example make_samples
//! ```
//!
//! Two batches, each a folder with a `project.toml` (see `samples/README.md` for the geology):
//!
//! - `samples/mongolia/`: "Khanbogd block", southern Gobi, analysis CRS UTM 48N (EPSG:32648).
//!   Stream sediments in lon/lat (UTF-8 CSV), an eTh radiometric grid in EPSG:4326 (GeoTIFF), a
//!   TMI grid in ER Mapper format (`.ers`), faults, intrusions and occurrences (GeoJSON).
//! - `samples/korea/`: "Gangwon block", W-Mo-Sn skarn country, analysis CRS EPSG:5186. Soil
//!   assays in EPSG:5179 with Korean headers and remarks (CP949 CSV, CRLF), a geology Shapefile
//!   (EPSG:5186, `.cpg` = CP949), faults and occurrences (GeoJSON), and a TMI GeoTIFF that lies
//!   exactly on the analysis grid.
//!
//! Everything is invented: a few hand-placed bodies (plutons, a ring complex, porphyry stocks,
//! folded strata, faults) define the geology, and assays and grids are computed from distances to
//! those bodies plus seeded noise, so anomalies sit where a geologist would look for them.
//!
//! The output is byte-for-byte reproducible. Random numbers come from SplitMix64 (Steele, Lea &
//! Flood 2014), written out in `rng.rs` rather than taken from `rand`, whose value streams are only
//! promised within one version; every product draws from its own seed, so changing one product
//! leaves the others' bytes alone. No file carries a timestamp: the DBF header date is pinned with
//! `DBF_DATE_LAST_UPDATE`, GeoTIFFs get no `DateTime` tag, and GDAL's `.aux.xml` side files are
//! turned off.
//!
//! `main` clears the two batch folders and runs one module per survey, `mongolia` and `korea`;
//! each holds its block's constants, geology, effects, samples, rasters and project file. They
//! share a toolkit: `rng` and `field` (seeded numbers and smooth fields), `shapes` (rings, traced
//! lines, bodies, distances), `plutons`, `occurrences` and `faults` (geology from specifications),
//! `sampling` (sample sites and lab values), `reproj` and `write` (reprojection and the writers).
mod faults;
mod field;
mod korea;
mod mongolia;
mod occurrences;
mod plutons;
mod reproj;
mod rng;
mod sampling;
mod shapes;
mod write;

use std::path::Path;

use anyhow::{Context, Result};

fn main() -> Result<()> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples"));
    gdal::config::set_config_option("GDAL_PAM_ENABLED", "NO")?;
    for (name, make) in [
        ("mongolia", mongolia::make as fn(&Path) -> Result<()>),
        ("korea", korea::make),
    ] {
        let dir = root.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        make(&dir).with_context(|| format!("cannot make the {name} batch"))?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}
