//! Hostile inputs, shared helpers and project files: every bad input ends with one
//! `error: ...` line naming the file and the problem, exit code 2, no panic or backtrace, and
//! nothing under a final name in the output folder; legitimate but awkward data is handled, and
//! the tests check the numbers. Inputs are made in each test; CSV cases are in `hostile_csv`,
//! vectors in `hostile_vector`, rasters in `hostile_raster`, kills and full disks in `faults`.
use std::path::Path;

use crate::fixtures::{project_ok, project_refused, refused, Workspace};

/// A 40 x 30 grid of 250 m cells in UTM 48N.
pub const GRID: &str = "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 250.0\n\
                        extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\n";

/// [`GRID`] scoring only these commodities (ids such as `"mo"`).
pub fn grid_for(commodities: &[&str]) -> String {
    let list: Vec<String> = commodities.iter().map(|c| format!("{c:?}")).collect();
    format!("{GRID}commodities = [{}]\n", list.join(", "))
}

/// A `[[samples]]` entry for a CSV with projected `x`/`y` columns in UTM 48N.
pub fn utm_samples(path: &str) -> String {
    format!("[[samples]]\npath = \"{path}\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\n")
}

/// Files under `dir` that look like finished outputs: everything but staging folders, the
/// lock file and temporary files of single-file outputs.
pub fn final_files(ws: &Workspace, dir: &str) -> Vec<String> {
    ws.files(dir)
        .into_iter()
        .filter(|f| {
            let name = Path::new(f)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !f.starts_with(".staging-") && name != ".geoprospect.lock" && !name.contains(".tmp-")
        })
        .collect()
}

/// Reads a CSV output into (header, rows).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// A sample table with projected coordinates: `n` samples on a jittered lattice over the grid.
pub fn lattice_csv(n: usize, columns: &str, value: impl Fn(usize) -> String) -> String {
    let mut s = format!("x,y,{columns}\n");
    for i in 0..n {
        let x = 680_100.0 + (i * 7919 % 9800) as f64;
        let y = 4_760_100.0 + (i * 104_729 % 7300) as f64;
        s.push_str(&format!("{x:.1},{y:.1},{}\n", value(i)));
    }
    s
}

// ---- Project files ----

#[test]
fn unknown_commodity_is_refused_naming_it() {
    let ws = Workspace::new();
    let e = project_refused(&ws, &format!("{GRID}commodities = [\"gold\"]\n"));
    assert!(
        e.contains("p.toml") && e.contains("GOLD has no preset") && e.contains("models.gold"),
        "{e}"
    );
}

fn mo_samples(ws: &Workspace) -> String {
    ws.write(
        "s.csv",
        &lattice_csv(60, "Mo_ppm", |i| format!("{}", 1.0 + (i % 7) as f64)),
    );
    utm_samples("s.csv")
}

#[test]
fn project_model_naming_a_missing_layer_is_an_error() {
    // A project's own evidence that names nothing the survey has is a typo: refused, naming it
    // and what there is to choose from.
    let ws = Workspace::new();
    let samples = mo_samples(&ws);
    for (evidence, named) in [
        ("classes = \"nope\"\nscores = { granite = 1.0 }", "nope"),
        (
            "raster = [\"magnetix\"]\nmembership = { fn = \"linear\", low = \"p10\", high = \"p90\" }",
            "magnetix",
        ),
        (
            "proximity = \"alkaline\"\nmembership = { fn = \"small\", midpoint = 1000.0, spread = 2.0 }",
            "alkaline",
        ),
        (
            "element = \"Re\"\nmembership = { fn = \"large\", midpoint = \"p90\", spread = 5.0 }",
            "Re",
        ),
    ] {
        let project = format!(
            "{}{samples}[models.mo]\n[[models.mo.evidence]]\nname = \"mine\"\n{evidence}\n\
             [[models.mo.evidence]]\nname = \"Mo\"\nelement = \"Mo\"\n\
             membership = {{ fn = \"large\", midpoint = \"p90\", spread = 5.0 }}\n",
            grid_for(&["mo"])
        );
        let e = project_refused(&ws, &project);
        assert!(
            e.contains("p.toml") && e.contains("models.mo") && e.contains("mine") && e.contains(named),
            "{e}"
        );
        assert!(e.contains("gridded elements: Mo"), "{e}");
    }
}

#[test]
fn preset_evidence_the_survey_lacks_drops_out_with_a_warning() {
    // The Mo preset names faults, granite, Cu, W, Bi...: only Mo is here, and the run goes on.
    let ws = Workspace::new();
    let samples = mo_samples(&ws);
    let (stdout, stderr) = project_ok(&ws, &format!("{}{samples}", grid_for(&["mo"])));
    assert!(
        stderr.contains("WARN") && stderr.contains("no Cu in the samples"),
        "{stderr}"
    );
    assert!(stdout.contains("prospectivity_mo.tif from Mo;"), "{stdout}");
    assert!(ws.path("out/prospectivity_mo.tif").exists());
}

#[test]
fn derived_variables_cannot_reference_each_other_or_shadow_an_element() {
    // Derived variables are expressions of elements only, so a cycle cannot be written: a name
    // that is not an element symbol is refused, and so is a derived name that is one.
    let ws = Workspace::new();
    let samples = mo_samples(&ws);
    let e = project_refused(
        &ws,
        &format!("{GRID}[geochem]\nderived = {{ Xa = \"Xb * 2\", Xb = \"Xa + Mo\" }}\n{samples}"),
    );
    assert!(
        e.contains("p.toml")
            && e.contains("geochem.derived.Xa")
            && e.contains("\"Xb\" is not an element"),
        "{e}"
    );
    let e = project_refused(
        &ws,
        &format!("{GRID}[geochem]\nderived = {{ Mo = \"Mo * 2\" }}\n{samples}"),
    );
    assert!(
        e.contains("geochem.derived.Mo") && e.contains("name of a gridded element"),
        "{e}"
    );
    let e = project_refused(
        &ws,
        &format!("{GRID}[geochem]\nderived = {{ TREO = \"Mo * 2\" }}\n{samples}"),
    );
    assert!(e.contains("geochem.derived.TREO"), "{e}");
    // A derived variable is usable as an element by a model.
    let (stdout, _) = project_ok(
        &ws,
        &format!(
            "{}[geochem]\nderived = {{ Mo2 = \"Mo * 2\" }}\n{samples}[models.mo]\n\
             [[models.mo.evidence]]\nname = \"twice\"\nelement = \"Mo2\"\n\
             membership = {{ fn = \"large\", midpoint = \"p50\", spread = 5.0 }}\n",
            grid_for(&["mo"])
        ),
    );
    assert!(stdout.contains("from twice;"), "{stdout}");
}

#[test]
fn extreme_resolutions_and_extents_are_refused_before_allocating() {
    let ws = Workspace::new();
    for (resolution, says) in [
        ("1e-9", "limit"),
        ("nan", "positive"),
        ("-5.0", "positive"),
        ("inf", "positive"),
        ("0.0", "positive"),
    ] {
        let e = project_refused(
            &ws,
            &GRID.replace("resolution = 250.0", &format!("resolution = {resolution}")),
        );
        assert!(
            e.contains("p.toml") && e.contains("resolution") && e.contains(says),
            "{resolution}: {e}"
        );
    }
    for (extent, says) in [
        ("[nan, 4760000.0, 690000.0, 4767500.0]", "non-finite"),
        ("[680000.0, 4760000.0, inf, 4767500.0]", "non-finite"),
        ("[-inf, -1e308, 1e308, 1e308]", "non-finite"),
        (
            "[680000.0, 4767500.0, 690000.0, 4767500.0]",
            "empty or inverted",
        ),
        ("[-1e308, -1e308, 1e308, 1e308]", "limit"),
        ("[0.0, 0.0, 1e300, 1e300]", "limit"),
    ] {
        let project = GRID.replace("[680000.0, 4760000.0, 690000.0, 4767500.0]", extent);
        let e = project_refused(&ws, &project);
        assert!(e.contains("p.toml") && e.contains(says), "{extent}: {e}");
        // A grid over the limit is reported in a readable form, not with 300 digits.
        assert!(e.len() < 300, "{e}");
    }
    // Just under the limit is fine to plan; nothing is allocated for a plan that fails later.
    let e = project_refused(
        &ws,
        &format!(
            "{}[[rasters]]\npath = \"absent.tif\"\nname = \"a\"\n",
            GRID.replace("resolution = 250.0", "resolution = 0.1")
        ),
    );
    assert!(e.contains("absent.tif"), "{e}");
}

#[test]
fn margin_nan_and_negative_are_refused() {
    let ws = Workspace::new();
    let samples = mo_samples(&ws);
    for margin in ["nan", "-1.0", "inf"] {
        let e = project_refused(
            &ws,
            &format!(
                "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 250.0\nmargin = {margin}\n{samples}"
            ),
        );
        assert!(
            e.contains("p.toml") && e.contains("margin"),
            "{margin}: {e}"
        );
    }
}

#[test]
fn binary_garbage_as_project_file_is_refused() {
    let ws = Workspace::new();
    std::fs::write(ws.path("p.toml"), [0xff, 0xfe, 0x00, 0x12, b'[', 0x80]).unwrap();
    let e = refused(&ws, &["run", "p.toml", "--out", "out"], Some("out"));
    assert!(e.contains("p.toml"), "{e}");
}
