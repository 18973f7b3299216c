//! Tiled runs: `plan`, every tile as its own process, `merge`, against a single `run` of the
//! same project (the reference: the maps must be identical cell for cell, the targets equal).
use std::path::Path;

use crate::fixtures::{geoprospect, presets_only, read_band, refused, run_ok, Workspace};

/// The Khanbogd sample batch at 40 m on a 1100 x 600 cell extent: blocks of 512 rows, so two
/// tiles (rows 0..512 and 512..600).
fn project(ws: &Workspace) {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/mongolia");
    let text = presets_only(&std::fs::read_to_string(samples.join("project.toml")).unwrap())
        .replace("resolution = 100.0", "resolution = 40.0")
        .replace(
            "margin = 2000.0",
            "extent = [662320.0, 4772760.0, 706320.0, 4796760.0]",
        )
        .replace("path = \"", &format!("path = \"{}/", samples.display()))
        // Tiles have no halo: the stream sediments are interpolated here, not catchment maps.
        .replace("medium = \"stream_sediment\"", "")
        + "\n[geochem]\nelements = [\"La\", \"Ce\", \"Th\", \"Sn\", \"Mo\"]\n";
    ws.write("p.toml", &text);
}

#[test]
fn tiles_run_as_separate_processes_merge_to_the_single_run() {
    let ws = Workspace::new();
    project(&ws);
    run_ok(&ws, &["run", "p.toml", "--out", "single", "-q"]);
    run_ok(
        &ws,
        &["plan", "p.toml", "--tiles", "2", "--out", "plan", "-q"],
    );
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path("plan/plan.json")).unwrap()).unwrap();
    let tiles = plan["tiles"].as_array().unwrap();
    assert_eq!(tiles.len(), 2);
    assert_eq!(
        tiles[1]["row0"], 512,
        "tiles start on 512-row COG tile rows"
    );
    assert!(plan["percentiles"]["ree"]
        .as_object()
        .is_some_and(|m| !m.is_empty()));

    // Merging before every tile is done names the missing tile.
    run_ok(&ws, &["run-tile", "plan", "--tile", "0", "-q"]);
    let err = refused(&ws, &["merge", "plan", "--out", "merged"], None);
    assert!(
        err.contains("tiles not finished") && err.contains(": 1"),
        "{err}"
    );
    assert!(!ws.path("merged/manifest.json").exists());

    // Tile 1 from the Slurm array variable; a retry of a finished tile does nothing.
    let o = geoprospect()
        .args(["run-tile", "plan"])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .current_dir(ws.dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = run_ok(&ws, &["run-tile", "plan", "--tile", "1", "-q"]);
    assert!(again.is_empty(), "-q prints nothing: {again}");
    let done = run_ok(&ws, &["run-tile", "plan", "--tile", "1"]);
    assert!(done.contains("already done"), "{done}");
    run_ok(&ws, &["merge", "plan", "--out", "merged", "-q"]);

    // Every raster of the single run is in the merge with the same cells, size and place.
    let rasters: Vec<String> = ws
        .files("single")
        .into_iter()
        .filter(|f| f.ends_with(".tif"))
        .collect();
    assert!(
        rasters.iter().any(|f| f == "prospectivity_ree.tif"),
        "{rasters:?}"
    );
    assert!(
        rasters.iter().any(|f| f.starts_with("geochem/")),
        "{rasters:?}"
    );
    for f in &rasters {
        let a = read_band(&ws.path("single").join(f));
        let b = read_band(&ws.path("merged").join(f));
        assert_eq!((a.0, a.1), (b.0, b.1), "{f}: size");
        let same =
            a.2.iter()
                .zip(&b.2)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        assert!(same, "{f}: merged cells differ from the single run");
        let gt = |p: &Path| gdal::Dataset::open(p).unwrap().geo_transform().unwrap();
        assert_eq!(
            gt(&ws.path("single").join(f)),
            gt(&ws.path("merged").join(f)),
            "{f}"
        );
    }
    // Target zones cross the tile edge whole: the GeoJSON is the single run's.
    for c in ["ree", "sn", "mo"] {
        let name = format!("targets_{c}.geojson");
        let a = std::fs::read_to_string(ws.path("single").join(&name)).unwrap();
        let b = std::fs::read_to_string(ws.path("merged").join(&name)).unwrap();
        assert_eq!(a, b, "{name}");
    }
    let files = ws.files("merged");
    for f in ["report.html", "manifest.json", "map_ree.png"] {
        assert!(files.iter().any(|g| g == f), "{f} missing: {files:?}");
    }
}

#[test]
fn plans_refuse_what_they_cannot_split_and_changed_projects() {
    let ws = Workspace::new();
    project(&ws);
    let err = refused(
        &ws,
        &["plan", "p.toml", "--tiles", "9", "--out", "plan"],
        None,
    );
    assert!(
        err.contains("into 9 tiles") && err.contains("1 to 2 tiles"),
        "{err}"
    );
    assert!(!ws.path("plan/plan.json").exists());
    // A data-driven method trains on the whole grid: no plan splits it.
    let text = std::fs::read_to_string(ws.path("p.toml")).unwrap();
    ws.write(
        "gbm.toml",
        &format!("{text}\n[models.sn]\ncompare = [\"gradient-boosting\"]\n"),
    );
    let err = refused(
        &ws,
        &["plan", "gbm.toml", "--tiles", "2", "--out", "plan"],
        None,
    );
    assert!(
        err.contains("models.sn") && err.contains("trained on the whole grid"),
        "{err}"
    );
    assert!(!ws.path("plan/plan.json").exists());
    run_ok(
        &ws,
        &["plan", "p.toml", "--tiles", "1", "--out", "plan", "-q"],
    );
    let err = refused(&ws, &["run-tile", "plan", "--tile", "1"], None);
    assert!(err.contains("tile 1") && err.contains("0 to 0"), "{err}");
    let err = refused(&ws, &["run-tile", "plan"], None);
    assert!(err.contains("no tile given"), "{err}");
    let text = std::fs::read_to_string(ws.path("p.toml")).unwrap();
    ws.write("p.toml", &text.replace("40.0", "50.0"));
    let err = refused(&ws, &["run-tile", "plan", "--tile", "0"], None);
    assert!(
        err.contains("p.toml") && err.contains("changed since the plan"),
        "{err}"
    );
    let err = refused(
        &ws,
        &["plan", "p.toml", "--tiles", "1", "--out", "/vsis3/b/plan"],
        None,
    );
    assert!(
        err.contains("/vsis3/b/plan") && err.contains("POSIX"),
        "{err}"
    );
    let err = refused(&ws, &["merge", "nowhere", "--out", "m"], None);
    assert!(
        err.contains("plan.json") && err.contains("geoprospect plan"),
        "{err}"
    );
    assert!(!ws.path("m/manifest.json").exists());
}

#[test]
fn inputs_read_through_gdal_virtual_file_systems() {
    // The Gangwon sample zipped, read through /vsizip/ (the same code path as /vsis3/: GDAL
    // for rasters and vectors, VSI reads for the CSV); outputs identical to local inputs.
    let ws = Workspace::new();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/korea");
    let zip = ws.path("korea.zip");
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile, pathlib\n\
             with zipfile.ZipFile(sys.argv[1], 'w') as z:\n\
             \x20   for p in pathlib.Path(sys.argv[2]).iterdir(): z.write(p, p.name)",
        ])
        .arg(&zip)
        .arg(&samples)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipping: python3 cannot write a zip here");
        return;
    }
    let text = presets_only(&std::fs::read_to_string(samples.join("project.toml")).unwrap());
    ws.write(
        "local.toml",
        &text.replace("path = \"", &format!("path = \"{}/", samples.display())),
    );
    ws.write(
        "zip.toml",
        &text.replace("path = \"", &format!("path = \"/vsizip/{}/", zip.display())),
    );
    run_ok(&ws, &["run", "local.toml", "--out", "local", "-q"]);
    run_ok(&ws, &["run", "zip.toml", "--out", "zipped", "-q"]);
    for c in ["ree", "sn", "mo"] {
        let f = format!("prospectivity_{c}.tif");
        assert_eq!(
            read_band(&ws.path("local").join(&f))
                .2
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>(),
            read_band(&ws.path("zipped").join(&f))
                .2
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<_>>(),
            "{f}"
        );
    }
    let meta =
        crate::fixtures::metadata(&ws.path("zipped/geochem/La.tif"), "GEOPROSPECT_INPUTS", "");
    assert!(meta.is_some_and(|m| m.starts_with("/vsizip/")));
    // An output on a virtual file system is staged locally and uploaded: nothing is written
    // to a local folder of that name (/vsimem/ lives in the process, so it only proves that).
    run_ok(&ws, &["run", "local.toml", "--out", "/vsimem/out", "-q"]);
    assert!(!Path::new("/vsimem").exists() && !ws.path("vsimem").exists());
}
