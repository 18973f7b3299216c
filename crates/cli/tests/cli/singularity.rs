//! `geoprospect singularity` against an independent numpy implementation of Cheng's (2007)
//! local singularity index (the window means by slicing, the slope by `numpy.polyfit`), on a
//! field with a power-law peak, nodata holes and edges; the same bytes for any thread count.
use std::process::Command;

use crate::fixtures::{
    metadata, project_ok, project_refused, read_band, refused, run_ok, write_tif, Workspace,
};

const UTM: &str = "EPSG:32648";
const W: usize = 150;
const H: usize = 110;

/// numpy reference: for each valid cell, windows clipped to the grid, a window counted when at
/// least half its in-grid cells are valid and its mean is positive, α = 2 + slope.
const REFERENCE: &str = r#"
import sys
import numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1])
band = ds.GetRasterBand(1)
a = band.ReadAsArray().astype(np.float64)
a[a == band.GetNoDataValue()] = np.nan
sides = [int(s) for s in sys.argv[2].split(",")]
h, w = a.shape
out = np.full((h, w), np.nan)
for r in range(h):
    for c in range(w):
        if np.isnan(a[r, c]):
            continue
        xs, ys = [], []
        for s in sides:
            k = s // 2
            win = a[max(r - k, 0):r + k + 1, max(c - k, 0):c + k + 1]
            valid = win[~np.isnan(win)]
            if 2 * valid.size >= win.size and valid.sum() > 0:
                xs.append(np.log(s))
                ys.append(np.log(valid.mean()))
        if len(xs) >= 2:
            out[r, c] = 2 + np.polyfit(xs, ys, 1)[0]
np.save(sys.argv[3], out)
"#;

#[test]
fn singularity_matches_numpy_and_finds_the_peak() {
    if !std::path::Path::new("/usr/bin/python3").exists() {
        eprintln!("skipping: /usr/bin/python3 (python3-gdal, numpy) not installed");
        return;
    }
    let ws = Workspace::new();
    // A background of 10 with a peak c·r^(-0.6) (α = 1.4) at (55, 40), a nodata hole and
    // a nodata corner.
    let field: Vec<f32> = (0..W * H)
        .map(|i| {
            let (r, c) = ((i / W) as f64, (i % W) as f64);
            let d = ((r - 55.0).powi(2) + (c - 40.0).powi(2)).sqrt().max(0.5);
            let hole = (70..74).contains(&(i % W)) && (20..26).contains(&(i / W));
            let corner = i % W > 140 && i / W > 100;
            if hole || corner {
                -9999.0
            } else {
                (10.0 + 200.0 * d.powf(-0.6)) as f32
            }
        })
        .collect();
    write_tif(
        &ws.path("cu.tif"),
        UTM,
        [600_000.0, 50.0, 0.0, 4_505_500.0, 0.0, -50.0],
        W,
        H,
        field,
        Some(-9999.0),
    );
    let windows = "1,3,5,7,9";
    let out = run_ok(
        &ws,
        &[
            "singularity",
            "cu.tif",
            "--windows",
            windows,
            "--threads",
            "2",
            "--out",
            "a.tif",
        ],
    );
    assert!(out.contains("below 2 (enrichment)"), "{out}");
    run_ok(
        &ws,
        &[
            "singularity",
            "cu.tif",
            "--windows",
            windows,
            "--threads",
            "1",
            "--out",
            "b.tif",
        ],
    );
    let (a, b) = (
        read_band(&ws.path("a.tif")).2,
        read_band(&ws.path("b.tif")).2,
    );
    assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));

    let py = Command::new("/usr/bin/python3")
        .args(["-c", REFERENCE, "cu.tif", windows, "ref.npy"])
        .current_dir(ws.dir.path())
        .output()
        .unwrap();
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    // The .npy body: a header then H x W little-endian f64.
    let bytes = std::fs::read(ws.path("ref.npy")).unwrap();
    let body = &bytes[bytes.len() - W * H * 8..];
    let reference: Vec<f64> = body
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut worst = 0f64;
    for (i, (&ours, &theirs)) in a.iter().zip(&reference).enumerate() {
        assert_eq!(
            ours.is_nan(),
            theirs.is_nan(),
            "cell {i}: {ours} vs {theirs}"
        );
        if !ours.is_nan() {
            worst = worst.max((ours - theirs).abs());
        }
    }
    // Float32 output of a float64 computation.
    assert!(worst < 1e-5, "largest difference {worst}");
    // Enrichment at the peak, α ≈ 2 in the flat background far from it.
    let at = |r: usize, c: usize| a[r * W + c];
    assert!(at(55, 40) < 1.7, "{}", at(55, 40));
    assert!((at(10, 140) - 2.0).abs() < 0.01, "{}", at(10, 140));
    // Bad windows: one line naming the flag.
    let e = refused(
        &ws,
        &[
            "singularity",
            "cu.tif",
            "--windows",
            "2,4",
            "--out",
            "c.tif",
        ],
        None,
    );
    assert!(e.contains("--windows") && e.contains("odd"), "{e}");
    assert!(!ws.path("c.tif").exists());
}

/// `fuzzy --layer PATH:singularity:...,STEP` is the singularity command's layer put through the
/// rest of the chain, and leaves no scratch file behind.
#[test]
fn singularity_as_the_first_step_of_a_fuzzy_chain() {
    let ws = Workspace::new();
    let field: Vec<f32> = (0..W * H)
        .map(|i| {
            let (r, c) = ((i / W) as f64, (i % W) as f64);
            let d = ((r - 30.0).powi(2) + (c - 90.0).powi(2)).sqrt().max(0.5);
            (5.0 + 80.0 * d.powf(-0.8)) as f32
        })
        .collect();
    let gt = [600_000.0, 50.0, 0.0, 4_505_500.0, 0.0, -50.0];
    write_tif(&ws.path("zn.tif"), UTM, gt, W, H, field, None);
    let out = run_ok(
        &ws,
        &[
            "fuzzy",
            "--layer",
            "zn.tif:singularity:1,3,5,7,linear:2:1.6",
            "--op",
            "and",
            "--out",
            "chained.tif",
        ],
    );
    assert!(
        out.contains("singularity index (1, 3, 5, 7 cells), linear"),
        "{out}"
    );
    run_ok(
        &ws,
        &[
            "singularity",
            "zn.tif",
            "--windows",
            "1,3,5,7",
            "--out",
            "alpha.tif",
        ],
    );
    run_ok(
        &ws,
        &[
            "fuzzy",
            "--layer",
            "alpha.tif:linear:2:1.6",
            "--op",
            "and",
            "--out",
            "direct.tif",
        ],
    );
    let (chained, direct) = (
        read_band(&ws.path("chained.tif")).2,
        read_band(&ws.path("direct.tif")).2,
    );
    assert!(chained
        .iter()
        .zip(&direct)
        .all(|(x, y)| x.to_bits() == y.to_bits()));
    // Full membership at the peak, none far from it.
    assert_eq!(chained[30 * W + 90], 1.0);
    assert_eq!(chained[100 * W + 5], 0.0);
    let mut left = ws.files(".");
    left.sort();
    assert_eq!(
        left,
        ["alpha.tif", "chained.tif", "direct.tif", "zn.tif"],
        "scratch files left behind"
    );
    // Anywhere but first, it is refused in one line.
    let e = refused(
        &ws,
        &[
            "fuzzy",
            "--layer",
            "zn.tif:log,singularity:1,3",
            "--op",
            "and",
            "--out",
            "bad.tif",
        ],
        None,
    );
    assert!(e.contains("first step"), "{e}");
}

/// `transform = "singularity"` in a project model: the membership takes the singularity index
/// of the element grid, written as `evidence/singularity_<commodity>_<name>.tif`, the same
/// bytes as `geoprospect singularity` of that grid; tiled plans refuse it (tiles have no halo).
#[test]
fn singularity_as_an_evidence_transform_in_a_project() {
    let ws = Workspace::new();
    // A 9 x 9 lattice of samples 1 km apart, Mo enriched around (604 km, 4 504 km).
    let mut csv = String::from("id,x,y,Mo_ppm\n");
    for i in 0..81 {
        let (x, y) = (
            600_000.0 + 1000.0 * (i % 9) as f64,
            4_500_000.0 + 1000.0 * (i / 9) as f64,
        );
        let d = ((x - 604_000.0f64).powi(2) + (y - 4_504_000.0f64).powi(2)).sqrt() / 1000.0;
        csv += &format!("s{i},{x},{y},{:.4}\n", 2.0 + 20.0 * (d + 0.5).powf(-1.2));
    }
    ws.write("s.csv", &csv);
    let project = |windows: &str| {
        format!(
            "[project]\nname = \"t\"\ncrs = \"{UTM}\"\nresolution = 250.0\ncommodities = [\"mo\"]\n\
             [[samples]]\npath = \"s.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"{UTM}\"\n\
             [models.mo]\ncombine = \"and\"\n\
             [[models.mo.evidence]]\nname = \"moly\"\nelement = \"Mo\"\n\
             transform = \"singularity\"\n{windows}\
             membership = {{ fn = \"linear\", low = 2.0, high = 1.6 }}\n"
        )
    };
    project_ok(&ws, &project("windows = [1, 3, 5]\n"));
    let alpha = ws.path("out/evidence/singularity_mo_moly.tif");
    assert!(alpha.exists());
    run_ok(
        &ws,
        &[
            "singularity",
            "out/geochem/Mo.tif",
            "--windows",
            "1,3,5",
            "--out",
            "direct.tif",
        ],
    );
    let (a, d) = (read_band(&alpha).2, read_band(&ws.path("direct.tif")).2);
    assert!(a.iter().zip(&d).all(|(x, y)| x.to_bits() == y.to_bits()));
    assert!(a.iter().any(|v| *v < 1.8), "no enrichment found");
    // The score is the linear membership of α: 0 at α = 2, 1 at α = 1.6.
    let score = read_band(&ws.path("out/prospectivity_mo.tif")).2;
    for (s, al) in score.iter().zip(&a) {
        if al.is_nan() {
            assert!(s.is_nan());
        } else {
            let expected = ((2.0 - al) / 0.4).clamp(0.0, 1.0);
            assert!((s - expected).abs() < 1e-5, "score {s} for alpha {al}");
        }
    }
    let model = metadata(
        &ws.path("out/prospectivity_mo.tif"),
        "GEOPROSPECT_MODEL",
        "",
    )
    .unwrap();
    assert!(model.contains("moly"), "{model}");

    // Tiles have no halo: planning refuses it in one line.
    let e = refused(
        &ws,
        &["plan", "p.toml", "--tiles", "2", "--out", "plan"],
        Some("plan"),
    );
    assert!(
        e.contains("singularity") && e.contains("geoprospect run"),
        "{e}"
    );
    // Bad settings: one line naming the evidence.
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let e = project_refused(&ws, &project("windows = [2, 4]\n"));
    assert!(e.contains("moly") && e.contains("odd"), "{e}");
    let e = project_refused(
        &ws,
        &project("").replace("transform = \"singularity\"", "transform = \"singularty\""),
    );
    assert!(e.contains("moly") && e.contains("singularty"), "{e}");
}
