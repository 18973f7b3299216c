//! Inputs made inside the tests, and helpers to run the binary and the reference tools.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager, Metadata};

/// The geoprospect binary.
pub fn geoprospect() -> Command {
    let mut c = Command::cargo_bin("geoprospect").expect("binary built");
    c.env_remove("GEOPROSPECT_LOG");
    c
}

/// Runs the binary with `args` in the workspace and returns what it did, whatever the outcome.
pub fn run_in(ws: &Workspace, args: &[&str]) -> Output {
    geoprospect()
        .args(args)
        .current_dir(ws.dir.path())
        .output()
        .unwrap()
}

/// Runs `args` in the workspace, which must exit 0 with no panic or backtrace on stderr, and
/// returns its stdout (which must be UTF-8). A failure shows the arguments, the exit status and
/// both streams.
pub fn run_ok(ws: &Workspace, args: &[&str]) -> String {
    succeeded(ws, args).0
}

/// Writes `project` as `p.toml` and runs it into `out`, which must succeed as for [`run_ok`];
/// returns (stdout, stderr), stderr for the warnings.
pub fn project_ok(ws: &Workspace, project: &str) -> (String, String) {
    ws.write("p.toml", project);
    succeeded(ws, &["run", "p.toml", "--out", "out"])
}

/// [`run_ok`], returning (stdout, stderr).
fn succeeded(ws: &Workspace, args: &[&str]) -> (String, String) {
    let o = run_in(ws, args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        o.status.success(),
        "{args:?}: {}\nstdout: {}\nstderr: {stderr}",
        o.status,
        String::from_utf8_lossy(&o.stdout)
    );
    check_no_panic(&stderr);
    (
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr,
    )
}

/// Runs `args` in the workspace and checks the failure contract: exit code 2, no panic or
/// backtrace, and stderr one line (UTF-8) starting with `error: `, which is returned. With
/// `out` (a folder relative to the workspace; `None` when the command writes no folder),
/// nothing may be left in it, not even a staging folder.
pub fn refused(ws: &Workspace, args: &[&str], out: Option<&str>) -> String {
    let o = run_in(ws, args);
    let stderr = String::from_utf8(o.stderr).expect("stderr is UTF-8");
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: exit code; stderr: {stderr}"
    );
    check_no_panic(&stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{args:?}: one error line expected: {stderr}"
    );
    assert!(lines[0].starts_with("error: "), "{args:?}: {stderr}");
    if let Some(out) = out {
        assert!(
            ws.files(out).is_empty(),
            "left in {out}: {:?}",
            ws.files(out)
        );
    }
    lines[0].to_string()
}

/// Writes `project` as `p.toml`, runs it into `out` and checks the failure contract of
/// [`refused`], `out` included; returns the error line.
pub fn project_refused(ws: &Workspace, project: &str) -> String {
    ws.write("p.toml", project);
    refused(ws, &["run", "p.toml", "--out", "out"], Some("out"))
}

fn check_no_panic(stderr: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "internal error",
    ] {
        assert!(!stderr.contains(bad), "{bad}: {stderr}");
    }
}

/// Whether a reference tool is on PATH; tests that need it skip with a message otherwise.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: {tool} not installed (make deps installs it)");
    }
    found
}

/// Writes a single-band Float32 GeoTIFF.
pub fn write_tif(
    path: &Path,
    crs: &str,
    gt: [f64; 6],
    w: usize,
    h: usize,
    data: Vec<f32>,
    nodata: Option<f64>,
) {
    let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<f32, _>(path, w, h, 1)
        .unwrap();
    ds.set_geo_transform(&gt).unwrap();
    if !crs.is_empty() {
        ds.set_spatial_ref(&SpatialRef::from_definition(crs).unwrap())
            .unwrap();
    }
    let mut band = ds.rasterband(1).unwrap();
    band.set_no_data_value(nodata).unwrap();
    band.write((0, 0), (w, h), &mut Buffer::new((w, h), data))
        .unwrap();
}

/// A smooth field with some structure, so that resampling differences would show.
pub fn field(w: usize, h: usize) -> Vec<f32> {
    (0..w * h)
        .map(|i| {
            let (r, c) = ((i / w) as f32, (i % w) as f32);
            10.0 + (c * 0.13).sin() * 5.0 + (r * 0.07).cos() * 3.0 + (r * c * 0.001)
        })
        .collect()
}

/// Reads band 1 as f64 with its size.
pub fn read_band(path: &Path) -> (usize, usize, Vec<f64>) {
    let ds = Dataset::open(path).unwrap();
    let (w, h) = ds.raster_size();
    let b = ds.rasterband(1).unwrap();
    let buf = b.read_as::<f64>((0, 0), (w, h), (w, h), None).unwrap();
    (w, h, buf.data().to_vec())
}

/// A metadata item of a dataset.
pub fn metadata(path: &Path, key: &str, domain: &str) -> Option<String> {
    Dataset::open(path).unwrap().metadata_item(key, domain)
}

/// A temporary folder with a project file in it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    /// Files under `dir`, relative, sorted (hidden staging folders included).
    pub fn files(&self, dir: &str) -> Vec<String> {
        let root = self.path(dir);
        let mut out = Vec::new();
        fn walk(root: &Path, d: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(d) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    out.push(p.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
        walk(&root, &root, &mut out);
        out.sort();
        out
    }
}

/// Runs `cs2cs` (PROJ's own tool) on lines of input; returns its output numbers per line.
pub fn cs2cs(from: &str, to: &str, input: &str) -> Vec<Vec<f64>> {
    use std::io::Write;
    let mut child = Command::new("cs2cs")
        .args(["-f", "%.6f", from, to])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect()
        })
        .collect()
}

/// A sample batch's project text without its `[models.*]` tables (and the comments above
/// them): the presets alone, for tests that add a model of their own or split the grid into
/// tiles (which refuse data-driven methods).
pub fn presets_only(project: &str) -> String {
    let Some(start) = project.find("\n[models.") else {
        return project.to_string();
    };
    let mut head: Vec<&str> = project[..start].lines().collect();
    while head
        .last()
        .is_some_and(|l| l.starts_with('#') || l.is_empty())
    {
        head.pop();
    }
    head.join("\n") + "\n"
}
