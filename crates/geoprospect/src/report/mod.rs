//! Outputs people and GIS tools read first: target zones and samples as RFC 7946 GeoJSON, the
//! run's provenance manifest, maps, charts, styles and the HTML report.
//!
//! - [`targets`]: the target zones of a score map as GeoJSON;
//! - [`samples`]: the samples of a run with values, censoring flags and anomaly classes;
//! - [`manifest`]: `manifest.json` (version, resolved project, inputs and outputs with SHA-256,
//!   timings);
//! - [`map`]: the score map as a PNG picture (colour ramp, legend, scale bar, north arrow,
//!   targets, occurrences, faults); [`curve`]: success-rate and P-A charts as PNG;
//! - [`qml`]: the QGIS style files beside each score COG, targets and samples file; [`html`]: the self-contained
//!   `report.html`.
//!
//! These modules read finished layers block by block through the engine and write through
//! [`crate::io::geojson`]; they never print.
use std::path::Path;

use crate::error::{Error, Result};

mod canvas;
pub mod curve;
pub mod html;
pub mod manifest;
pub mod map;
pub mod qml;
pub mod samples;
pub mod targets;

/// SHA-256 (lower-case hex) and size in bytes of a file, read in 1 MiB chunks.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let p = dir.path().join("abc.txt");
/// std::fs::write(&p, b"abc").unwrap();
/// let (hex, bytes) = geoprospect::report::sha256_file(&p).unwrap();
/// assert_eq!(bytes, 3);
/// assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).map_err(|e| Error::input(path, format!("cannot open: {e}")))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, bytes))
}

/// `v` rounded to `decimals` places (for readable GeoJSON properties).
pub(crate) fn round_to(v: f64, decimals: i32) -> f64 {
    let s = 10f64.powi(decimals);
    (v * s).round() / s + 0.0
}
