//! Hostile rasters through `run` and `info`: all nodata, NaN nodata, partial coverage, the
//! analysis CRS written three ways, and CRSs that PROJ cannot build.
//!
//! Rasters are named `tmi`, which the REE preset's `magnetic_high` evidence (fuzzy linear
//! between the layer's p50 and p99) looks for.
use crate::fixtures::{
    field, project_ok, project_refused, read_band, refused, run_ok, write_tif, Workspace,
};
use crate::hostile::{grid_for, lattice_csv, utm_samples};

const GT: [f64; 6] = [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0];
const W: usize = 40;
const H: usize = 30;

/// A WKT that GDAL accepts and PROJ cannot use: a projection method nobody implements.
const JUNK_WKT: &str = "PROJCS[\"junk\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",\
    6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],\
    PROJECTION[\"Nonexistent_Projection\"],UNIT[\"metre\",1]]";

fn tmi_project(path: &str) -> String {
    format!(
        "{}[[rasters]]\npath = \"{path}\"\nname = \"tmi\"\n",
        grid_for(&["ree"])
    )
}

#[test]
fn all_nodata_raster_is_ingested_and_its_evidence_left_out() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("nd.tif"),
        "EPSG:32648",
        GT,
        W,
        H,
        vec![-9999.0; W * H],
        Some(-9999.0),
    );
    let (stdout, stderr) = project_ok(&ws, &tmi_project("nd.tif"));
    assert!(
        stdout.contains("tmi: raster, continuous") && stdout.contains("0 cells with data"),
        "{stdout}"
    );
    assert!(
        stderr.contains("evidence magnetic_high left out: no data on the analysis grid"),
        "{stderr}"
    );
    assert!(stderr.contains("no prospectivity map"), "{stderr}");
    let (_, _, v) = read_band(&ws.path("out/layers/tmi.tif"));
    assert!(v.iter().all(|x| x.is_nan()));
    assert!(!ws.path("out/prospectivity_ree.tif").exists());
    // Warped from another CRS, still nothing.
    write_tif(
        &ws.path("nd4326.tif"),
        "EPSG:4326",
        [107.2, 0.001, 0.0, 43.07, 0.0, -0.001],
        150,
        100,
        vec![-9999.0; 15_000],
        Some(-9999.0),
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let (stdout, _) = project_ok(&ws, &tmi_project("nd4326.tif"));
    assert!(
        stdout.contains("warped") && stdout.contains("0 cells with data"),
        "{stdout}"
    );
}

#[test]
fn nan_nodata_stays_nodata() {
    let ws = Workspace::new();
    let data: Vec<f32> = field(W, H)
        .into_iter()
        .enumerate()
        .map(|(i, v)| if i % 3 == 0 { f32::NAN } else { v })
        .collect();
    write_tif(
        &ws.path("nan.tif"),
        "EPSG:32648",
        GT,
        W,
        H,
        data.clone(),
        Some(f64::NAN),
    );
    let (stdout, _) = project_ok(&ws, &tmi_project("nan.tif"));
    assert!(
        stdout.contains("copied unchanged, 800 cells with data"),
        "{stdout}"
    );
    let (_, _, v) = read_band(&ws.path("out/layers/tmi.tif"));
    for (a, b) in v.iter().zip(&data) {
        assert!((a.is_nan() && b.is_nan()) || *a == *b as f64, "{a} vs {b}");
    }
    // Memberships and scores are nodata exactly where the layer is.
    let (_, _, m) = read_band(&ws.path("out/evidence/ree/magnetic_high.tif"));
    let (_, _, s) = read_band(&ws.path("out/prospectivity_ree.tif"));
    for ((a, b), c) in v.iter().zip(&m).zip(&s) {
        assert_eq!(a.is_nan(), b.is_nan());
        assert_eq!(a.is_nan(), c.is_nan());
    }
    // NaN nodata through the warper (a lon/lat raster): no NaN may come out as 0.
    let ll: Vec<f32> = (0..150 * 100)
        .map(|i| {
            if (i / 150) % 2 == 0 {
                f32::NAN
            } else {
                5.0 + (i % 150) as f32 / 10.0
            }
        })
        .collect();
    write_tif(
        &ws.path("nan4326.tif"),
        "EPSG:4326",
        [107.2, 0.001, 0.0, 43.07, 0.0, -0.001],
        150,
        100,
        ll,
        Some(f64::NAN),
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    project_ok(&ws, &tmi_project("nan4326.tif"));
    let (_, _, v) = read_band(&ws.path("out/layers/tmi.tif"));
    assert!(v.iter().any(|x| x.is_nan()) && v.iter().any(|x| !x.is_nan()));
    assert!(
        v.iter()
            .filter(|x| !x.is_nan())
            .all(|&x| (5.0..=19.9).contains(&x)),
        "a value outside the source's range"
    );
}

#[test]
fn raster_covering_part_of_the_grid() {
    let ws = Workspace::new();
    // 20 x 10 cells at the top-left corner, on the grid.
    let part: Vec<f32> = (0..200).map(|i| i as f32).collect();
    write_tif(&ws.path("part.tif"), "EPSG:32648", GT, 20, 10, part, None);
    let (stdout, _) = project_ok(&ws, &tmi_project("part.tif"));
    assert!(
        stdout.contains("copied unchanged, 200 cells with data"),
        "{stdout}"
    );
    let (_, _, v) = read_band(&ws.path("out/layers/tmi.tif"));
    for r in 0..H {
        for c in 0..W {
            let x = v[r * W + c];
            if r < 10 && c < 20 {
                assert_eq!(x, (r * 20 + c) as f64);
            } else {
                assert!(x.is_nan(), "({r}, {c}) = {x}");
            }
        }
    }
    // The score covers the raster's part only; elsewhere there is no evidence: nodata.
    let (_, _, s) = read_band(&ws.path("out/prospectivity_ree.tif"));
    assert_eq!(s.iter().filter(|x| !x.is_nan()).count(), 200);
    // A raster off to the side, sharing no cell with the grid, and the run's only input:
    // refused before anything is written, naming the grid's extent and the raster's.
    write_tif(
        &ws.path("off.tif"),
        "EPSG:32648",
        [700000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        10,
        10,
        vec![1.0; 100],
        None,
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    let e = project_refused(&ws, &tmi_project("off.tif"));
    assert!(
        e.contains("no input lies on the analysis grid [680000, 4760000, 690000, 4767500]")
            && e.contains("raster tmi at [700000, 4765000, 702500, 4767500]"),
        "{e}"
    );
    assert!(!ws.path("out").exists() || ws.files("out").is_empty());
    // Beside samples on the grid it is a warning naming it, and its evidence drops out.
    ws.write(
        "s.csv",
        &lattice_csv(30, "Ce_ppm", |i| format!("{}", 10 + i)),
    );
    let (stdout, stderr) = project_ok(
        &ws,
        &format!("{}{}", tmi_project("off.tif"), utm_samples("s.csv")),
    );
    assert!(stdout.contains("0 cells with data"), "{stdout}");
    assert!(
        stderr.contains(
            "raster tmi at [700000, 4765000, 702500, 4767500] has nothing on the analysis grid"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("magnetic_high left out"), "{stderr}");
}

#[test]
fn analysis_crs_as_epsg_code_proj_string_or_wkt_gives_the_same_outputs() {
    let ws = Workspace::new();
    write_tif(&ws.path("m.tif"), "EPSG:32648", GT, W, H, field(W, H), None);
    let wkt = gdal::spatial_ref::SpatialRef::from_epsg(32648)
        .unwrap()
        .to_wkt()
        .unwrap();
    assert!(!wkt.contains('\''));
    let mut layers = Vec::new();
    for crs in [
        "\"EPSG:32648\"".to_string(),
        "\"+proj=utm +zone=48 +datum=WGS84 +units=m +no_defs\"".to_string(),
        format!("'{wkt}'"),
    ] {
        let project = tmi_project("m.tif").replace("\"EPSG:32648\"", &crs);
        assert!(project.contains(&crs));
        let out = format!("out{}", layers.len());
        ws.write("p.toml", &project);
        let stdout = run_ok(&ws, &["run", "p.toml", "--out", &out]);
        assert!(stdout.contains("40 x 30 cells of 250"), "{stdout}");
        // The same CRS however it is written: the raster passes through unresampled.
        assert!(
            stdout.contains("copied unchanged, 1200 cells with data"),
            "{crs}: {stdout}"
        );
        layers.push((
            read_band(&ws.path(&format!("{out}/layers/tmi.tif"))).2,
            read_band(&ws.path(&format!("{out}/prospectivity_ree.tif"))).2,
        ));
    }
    assert_eq!(layers[0], layers[1]);
    assert_eq!(layers[0], layers[2]);
}

#[test]
fn raster_claiming_a_crs_proj_cannot_build_is_refused() {
    // GDAL stores the WKT; PROJ cannot transform with it. Before the fix GDAL's warper skipped
    // every block and the layer came out as zeros.
    let ws = Workspace::new();
    write_tif(&ws.path("junk.tif"), "", GT, W, H, field(W, H), None);
    {
        let mut ds = gdal::Dataset::open_ex(
            ws.path("junk.tif"),
            gdal::DatasetOptions {
                open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE,
                ..Default::default()
            },
        )
        .unwrap();
        ds.set_projection(JUNK_WKT).unwrap();
    }
    let e = project_refused(&ws, &tmi_project("junk.tif"));
    assert!(
        e.contains("junk.tif")
            && e.contains("cannot be used by PROJ")
            && e.contains("Nonexistent_Projection"),
        "{e}"
    );
    // `info` still describes the file, and says what is wrong with its CRS.
    let info = run_ok(&ws, &["info", "junk.tif"]);
    assert!(
        info.contains("driver: GTiff") && info.contains("crs: unusable"),
        "{info}"
    );
    // A `.prj` with such a WKT beside an ASCII grid.
    ws.write(
        "a.asc",
        "ncols 4\nnrows 3\nxllcorner 680000\nyllcorner 4760000\ncellsize 250\nNODATA_value -9999\n\
         1 2 3 4\n5 6 7 8\n9 10 11 12\n",
    );
    ws.write("a.prj", JUNK_WKT);
    let e = project_refused(&ws, &tmi_project("a.asc"));
    assert!(
        e.contains("a.asc") && e.contains("Nonexistent_Projection"),
        "{e}"
    );
    // Stating a usable CRS in the project overrides the file's.
    let (stdout, _) = project_ok(
        &ws,
        &format!("{}crs = \"EPSG:32648\"\n", tmi_project("junk.tif")),
    );
    assert!(
        stdout.contains("copied unchanged, 1200 cells with data"),
        "{stdout}"
    );
    std::fs::remove_dir_all(ws.path("out")).unwrap();
    // The same WKT as the analysis CRS, or as a raster's `crs`.
    let quoted = JUNK_WKT.replace('"', "\\\"");
    let e = project_refused(
        &ws,
        &tmi_project("junk.tif").replace("crs = \"EPSG:32648\"", &format!("crs = \"{quoted}\"")),
    );
    assert!(
        e.contains("p.toml") && e.contains("project.crs") && e.contains("Nonexistent_Projection"),
        "{e}"
    );
    write_tif(&ws.path("m.tif"), "EPSG:32648", GT, W, H, field(W, H), None);
    let e = project_refused(
        &ws,
        &format!("{}crs = \"{quoted}\"\n", tmi_project("m.tif")),
    );
    assert!(
        e.contains("m.tif") && e.contains("Nonexistent_Projection"),
        "{e}"
    );
    let e = refused(&ws, &["info", "nowhere.tif"], None);
    assert!(e.contains("nowhere.tif"), "{e}");
}
