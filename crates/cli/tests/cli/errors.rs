//! Every bad input ends with one `error: ...` line naming the file and the problem, exit code 2,
//! no panic, and nothing written under a final name in the output folder.
use crate::fixtures::{project_refused, refused, run_in, write_tif, Workspace};

const GRID: &str = "[project]\nname = \"t\"\ncrs = \"EPSG:32648\"\nresolution = 250.0\n\
                    extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\n";

fn samples_project(csv_name: &str) -> String {
    format!(
        "{GRID}[[samples]]\npath = \"{csv_name}\"\nx = \"lon\"\ny = \"lat\"\ncrs = \"EPSG:4326\"\n"
    )
}

#[test]
fn missing_project_file() {
    let ws = Workspace::new();
    let e = refused(&ws, &["run", "nope.toml", "--out", "out"], Some("out"));
    assert!(e.contains("nope.toml"), "{e}");
}

#[test]
fn missing_raster_file() {
    let ws = Workspace::new();
    let e = project_refused(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"missing.tif\"\nname = \"m\"\n"),
    );
    assert!(e.contains("missing.tif") && e.contains("not found"), "{e}");
}

#[test]
fn truncated_raster_file() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("full.tif"),
        "EPSG:32648",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        40,
        30,
        vec![1.0; 1200],
        None,
    );
    let bytes = std::fs::read(ws.path("full.tif")).unwrap();
    std::fs::write(ws.path("cut.tif"), &bytes[..bytes.len() / 3]).unwrap();
    let e = project_refused(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"cut.tif\"\nname = \"m\"\n"),
    );
    assert!(e.contains("cut.tif"), "{e}");
}

#[test]
fn raster_without_crs_and_no_project_crs() {
    let ws = Workspace::new();
    write_tif(
        &ws.path("nocrs.tif"),
        "",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        4,
        3,
        vec![1.0; 12],
        None,
    );
    let e = project_refused(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"nocrs.tif\"\nname = \"m\"\n"),
    );
    assert!(e.contains("nocrs.tif") && e.contains("no CRS"), "{e}");
}

#[test]
fn unknown_analysis_crs() {
    let ws = Workspace::new();
    let e = project_refused(&ws, &GRID.replace("EPSG:32648", "EPSG:999999"));
    assert!(e.contains("p.toml") && e.contains("EPSG:999999"), "{e}");
}

#[test]
fn unknown_sample_crs() {
    let ws = Workspace::new();
    ws.write("s.csv", "lon,lat,Mo\n107.2,43.0,1\n");
    let e = project_refused(
        &ws,
        &samples_project("s.csv").replace("EPSG:4326", "EPSG:4327777"),
    );
    assert!(e.contains("s.csv") && e.contains("EPSG:4327777"), "{e}");
}

#[test]
fn inverted_extent() {
    let ws = Workspace::new();
    let e = project_refused(
        &ws,
        &GRID.replace(
            "680000.0, 4760000.0, 690000.0",
            "690000.0, 4760000.0, 680000.0",
        ),
    );
    assert!(e.contains("p.toml") && e.contains("inverted"), "{e}");
}

#[test]
fn zero_resolution() {
    let ws = Workspace::new();
    let e = project_refused(&ws, &GRID.replace("250.0", "0.0"));
    assert!(e.contains("resolution"), "{e}");
}

#[test]
fn absurd_resolution_is_refused_before_allocating() {
    let ws = Workspace::new();
    let e = project_refused(
        &ws,
        &GRID.replace("resolution = 250.0", "resolution = 0.0001"),
    );
    assert!(e.contains("limit"), "{e}");
}

#[test]
fn misspelt_key() {
    let ws = Workspace::new();
    let e = project_refused(&ws, &GRID.replace("resolution", "resolutoin"));
    assert!(e.contains("p.toml") && e.contains("resolutoin"), "{e}");
}

#[test]
fn missing_coordinate_column() {
    let ws = Workspace::new();
    ws.write("s.csv", "long,lat,Mo\n107.2,43.0,1\n");
    let e = project_refused(&ws, &samples_project("s.csv"));
    assert!(e.contains("s.csv") && e.contains("\"lon\""), "{e}");
}

#[test]
fn header_only_csv() {
    let ws = Workspace::new();
    ws.write("s.csv", "lon,lat,Mo\n");
    let e = project_refused(&ws, &samples_project("s.csv"));
    assert!(e.contains("s.csv") && e.contains("no data rows"), "{e}");
}

#[test]
fn text_in_coordinate_cell() {
    let ws = Workspace::new();
    ws.write("s.csv", "lon,lat,Mo\n107.2,43.0,1\n107.3,north,2\n");
    let e = project_refused(&ws, &samples_project("s.csv"));
    assert!(
        e.contains("s.csv") && e.contains("line 3") && e.contains("north"),
        "{e}"
    );
}

#[test]
fn projected_coordinates_declared_as_lonlat() {
    let ws = Workspace::new();
    ws.write("s.csv", "lon,lat,Mo\n680000,4760000,1\n");
    let e = project_refused(&ws, &samples_project("s.csv"));
    assert!(
        e.contains("s.csv") && e.contains("not a longitude/latitude"),
        "{e}"
    );
}

#[test]
fn invalid_geojson() {
    let ws = Workspace::new();
    ws.write(
        "f.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": ",
    );
    let e = project_refused(
        &ws,
        &format!("{GRID}[[vectors]]\npath = \"f.geojson\"\nname = \"f\"\nrole = \"faults\"\n"),
    );
    assert!(e.contains("f.geojson"), "{e}");
}

#[test]
fn output_folder_cannot_be_created() {
    let ws = Workspace::new();
    ws.write("p.toml", GRID);
    ws.write("blocker", "a file where a folder should be");
    let e = refused(&ws, &["run", "p.toml", "--out", "blocker/out"], None);
    assert!(e.contains("blocker/out"), "{e}");
}

#[test]
fn failing_layer_leaves_no_partial_outputs() {
    // The first layer is fine, the second is missing: nothing may appear under `out`.
    let ws = Workspace::new();
    write_tif(
        &ws.path("ok.tif"),
        "EPSG:32648",
        [680000.0, 250.0, 0.0, 4767500.0, 0.0, -250.0],
        40,
        30,
        vec![1.0; 1200],
        None,
    );
    let e = project_refused(
        &ws,
        &format!("{GRID}[[rasters]]\npath = \"ok.tif\"\nname = \"a\"\n[[rasters]]\npath = \"gone.tif\"\nname = \"b\"\n"),
    );
    assert!(e.contains("gone.tif"), "{e}");
}

#[test]
fn usage_error_exits_2() {
    let ws = Workspace::new();
    // A usage error prints clap's usage text, several lines: only the exit code is checked.
    assert_eq!(run_in(&ws, &["run"]).status.code(), Some(2));
}

#[test]
fn info_on_missing_file() {
    let ws = Workspace::new();
    let e = refused(&ws, &["info", "nothing.tif"], Some("out"));
    assert!(e.contains("nothing.tif") && e.contains("not found"), "{e}");
}
