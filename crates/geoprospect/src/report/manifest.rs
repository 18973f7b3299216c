//! `manifest.json`: what a run read, how, and what it wrote, so that a result can be traced and
//! checked.
//!
//! ```json
//! {
//!   "tool": "geoprospect", "version": "0.1.0", "created_utc": "2025-01-31T12:00:00Z",
//!   "project_file": "samples/korea/project.toml",
//!   "project": { ...the resolved project: every table with its defaults filled in... },
//!   "models": { "sn": { "description": "fuzzy gamma(0.8) of ...", ... } },
//!   "inputs": [ { "role": "rasters", "path": "...", "bytes": 123, "sha256": "..." } ],
//!   "grid": { "crs": "EPSG:5186", "width": 300, "height": 250, "resolution": 100.0, ... },
//!   "parameters": { ... }, "threads": 2,
//!   "timings": [ { "stage": "ingest", "seconds": 0.8 } ],
//!   "results": { ... },
//!   "outputs": [ { "path": "prospectivity_sn.tif", "bytes": 456, "sha256": "..." } ]
//! }
//! ```
//!
//! Inputs are every file GDAL reads for each dataset (a Shapefile's `.shp`, `.shx`, `.dbf`,
//! `.prj`, `.cpg`; an ER Mapper header and its data file), the sample tables and detection-limit
//! tables, the deposits and the project file itself, each once. Outputs are every file of the
//! run, hashed in the staging folder before it is moved into place (the manifest itself
//! excepted); paths are relative to the output folder with `/` separators. Files are hashed in
//! 1 MiB chunks ([`super::sha256_file`]).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::io::files::dataset_files;
use crate::project::Project;

use super::sha256_file;

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// The input files of a project with their role, each once, in project order.
pub fn project_inputs(project: &Project) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut add = |role: &str, p: PathBuf| {
        if !p.to_string_lossy().starts_with("/vsi") && seen.insert(p.clone()) {
            out.push((role.to_string(), p));
        }
    };
    if !project.file.as_os_str().is_empty() {
        add("project", project.file.clone());
    }
    for s in &project.samples {
        add("samples", s.path.clone());
        if let Some(d) = &s.detection_limits {
            add("detection_limits", d.clone());
        }
    }
    for r in &project.rasters {
        for f in dataset_files(&r.path) {
            add("rasters", f);
        }
    }
    for v in &project.vectors {
        for f in dataset_files(&v.path) {
            add("vectors", f);
        }
    }
    if let Some(d) = &project.deposits {
        for f in dataset_files(&d.path) {
            add("deposits", f);
        }
    }
    out
}

/// `{role, path, bytes, sha256}` of each input.
pub fn describe_inputs(inputs: &[(String, PathBuf)]) -> Result<Value> {
    let mut list = Vec::with_capacity(inputs.len());
    for (role, p) in inputs {
        let (sha, bytes) = sha256_file(p)?;
        list.push(json!({
            "role": role,
            "path": p.display().to_string(),
            "bytes": bytes,
            "sha256": sha,
        }));
    }
    Ok(Value::Array(list))
}

/// `{path, bytes, sha256}` of every file under `root` (relative, `/`-separated, sorted),
/// except `skip` (relative paths).
pub fn describe_outputs(root: &Path, skip: &[&str]) -> Result<Value> {
    let mut files = Vec::new();
    collect(root, &mut files).map_err(|e| Error::output(root, format!("cannot list: {e}")))?;
    let mut rel: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|p| {
            let r = p.strip_prefix(root).ok()?;
            let text = r
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            Some((text, p))
        })
        .filter(|(r, _)| !skip.contains(&r.as_str()))
        .collect();
    rel.sort();
    let mut list = Vec::with_capacity(rel.len());
    for (r, p) in rel {
        let (sha, bytes) = sha256_file(&p)?;
        list.push(json!({ "path": r, "bytes": bytes, "sha256": sha }));
    }
    Ok(Value::Array(list))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The parts of a manifest the caller computes.
#[derive(Debug, Clone, Default)]
pub struct ManifestParts {
    /// Resolved model per commodity.
    pub models: Value,
    /// The analysis grid.
    pub grid: Value,
    /// Parameters of the run (COG options, target rule, cross-validation scheme).
    pub parameters: Value,
    /// Worker threads.
    pub threads: usize,
    /// `(stage, seconds)` in run order.
    pub timings: Vec<(String, f64)>,
    /// Figures per commodity (validation, cross-validation, targets).
    pub results: Value,
}

/// Builds the manifest of a run whose outputs are under `root` and writes it to
/// `root/manifest.json` (atomically).
pub fn write_manifest(project: &Project, parts: &ManifestParts, root: &Path) -> Result<PathBuf> {
    let project_value = serde_json::to_value(project)
        .map_err(|e| Error::Internal(format!("cannot serialise the project: {e}")))?;
    let inputs = describe_inputs(&project_inputs(project))?;
    let outputs = describe_outputs(root, &[MANIFEST])?;
    let timings: Vec<Value> = parts
        .timings
        .iter()
        .map(|(stage, s)| json!({ "stage": stage, "seconds": (s * 1000.0).round() / 1000.0 }))
        .collect();
    let manifest = json!({
        "tool": "geoprospect",
        "version": env!("CARGO_PKG_VERSION"),
        "created_utc": utc_now(),
        "project_file": project.file.display().to_string(),
        "project": project_value,
        "models": parts.models,
        "inputs": inputs,
        "grid": parts.grid,
        "parameters": parts.parameters,
        "threads": parts.threads,
        "timings": timings,
        "results": parts.results,
        "outputs": outputs,
    });
    let path = root.join(MANIFEST);
    let file = AtomicFile::new(&path)?;
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("cannot serialise the manifest: {e}")))?;
    std::fs::write(file.path(), text + "\n")
        .map_err(|e| Error::output(&path, format!("cannot write: {e}")))?;
    file.commit()?;
    Ok(path)
}

/// The current time as RFC 3339 UTC, to the second.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian calendar).
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn outputs_are_hashed_relative_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("layers")).unwrap();
        std::fs::write(dir.path().join("layers/b.tif"), b"abc").unwrap();
        std::fs::write(dir.path().join("a.txt"), b"").unwrap();
        std::fs::write(dir.path().join(MANIFEST), b"{}").unwrap();
        let v = describe_outputs(dir.path(), &[MANIFEST]).unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["path"], "a.txt");
        assert_eq!(
            list[0]["sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(list[1]["path"], "layers/b.tif");
        assert_eq!(list[1]["bytes"], 3);
    }

    #[test]
    fn shapefile_inputs_include_their_side_files() {
        let shp = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../samples/korea/geology.shp"
        ));
        if !shp.exists() {
            eprintln!("skipping: {} not found", shp.display());
            return;
        }
        crate::io::gdal_setup();
        let files = dataset_files(shp);
        let names: BTreeSet<String> = files
            .iter()
            .filter_map(|p| p.extension().map(|e| e.to_string_lossy().into_owned()))
            .collect();
        for ext in ["shp", "shx", "dbf", "prj"] {
            assert!(names.contains(ext), "{files:?}");
        }
    }
}
