//! A whole `geoprospect run` on a generated survey: 1000 x 1000 cells of 20 m, a warped
//! radiometric raster, 3000 stream-sediment samples with seven elements (IDW), faults and an
//! intrusion (proximity), occurrences of the three commodities; the REE, Sn and Mo presets
//! with targets, report and manifest. `cargo bench --bench run`.
use std::fmt::Write as _;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;
use geoprospect::engine::Engine;
use geoprospect::pipeline::{run, RunOptions};
use geoprospect::project::Project;
use geoprospect::rng::SplitMix64;

const X0: f64 = 680_000.0;
const Y0: f64 = 4_770_000.0;
const SIZE: f64 = 20_000.0;

/// Writes the survey into `dir` and returns the project file.
fn survey(dir: &Path) -> std::path::PathBuf {
    let mut rng = SplitMix64::new(7);
    // Radiometric eTh on its own 30 m grid, offset from the analysis grid (so it is warped).
    let (w, h) = (700, 700);
    let data: Vec<f32> = (0..w * h)
        .map(|i| {
            let (r, c) = ((i / w) as f32, (i % w) as f32);
            12.0 + 6.0 * (c * 0.011).sin() * (r * 0.017).cos() + (rng.uniform() as f32)
        })
        .collect();
    let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut ds = driver
        .create_with_band_type::<f32, _>(dir.join("eth.tif"), w, h, 1)
        .unwrap();
    ds.set_geo_transform(&[X0 - 505.0, 30.0, 0.0, Y0 + 495.0, 0.0, -30.0])
        .unwrap();
    ds.set_spatial_ref(&SpatialRef::from_epsg(32648).unwrap())
        .unwrap();
    let mut band = ds.rasterband(1).unwrap();
    band.write((0, 0), (w, h), &mut Buffer::new((w, h), data))
        .unwrap();
    drop(ds);
    // Samples: values rising towards a hidden centre, with noise.
    let mut csv = String::from("id,x,y,La_ppm,Ce_ppm,Th_ppm,Sn_ppm,W_ppm,Mo_ppm,Cu_ppm\n");
    for i in 0..3000 {
        let (x, y) = (X0 + rng.uniform() * SIZE, Y0 - rng.uniform() * SIZE);
        let d = ((x - X0 - 12_000.0).powi(2) + (y - Y0 + 8_000.0).powi(2)).sqrt() / 1000.0;
        let f = 1.0 + 8.0 * (-d / 3.0).exp();
        let mut v = |base: f64| base * f * (0.6 + 0.8 * rng.uniform());
        let vals = [v(25.0), v(50.0), v(8.0), v(3.0), v(2.0), v(1.0), v(20.0)];
        write!(csv, "S{i},{x:.1},{y:.1}").unwrap();
        for a in vals {
            write!(csv, ",{a:.2}").unwrap();
        }
        csv.push('\n');
    }
    std::fs::write(dir.join("samples.csv"), csv).unwrap();
    let pt = |x: f64, y: f64| format!("[{x:.1},{y:.1}]");
    let faults = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"LineString","coordinates":[{},{},{}]}}}}]}}"#,
        pt(X0 + 1000.0, Y0 - 2000.0),
        pt(X0 + 11_000.0, Y0 - 9000.0),
        pt(X0 + 19_000.0, Y0 - 18_000.0)
    );
    std::fs::write(dir.join("faults.geojson"), faults).unwrap();
    let granite = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{},{},{},{},{}]]}}}}]}}"#,
        pt(X0 + 10_000.0, Y0 - 6000.0),
        pt(X0 + 14_000.0, Y0 - 6000.0),
        pt(X0 + 14_000.0, Y0 - 10_000.0),
        pt(X0 + 10_000.0, Y0 - 10_000.0),
        pt(X0 + 10_000.0, Y0 - 6000.0)
    );
    std::fs::write(dir.join("granite.geojson"), granite).unwrap();
    let mut occ = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, c) in ["REE", "Sn", "Mo", "REE", "Sn", "Mo"].iter().enumerate() {
        let (x, y) = (
            X0 + 11_000.0 + 400.0 * i as f64,
            Y0 - 7_500.0 - 300.0 * i as f64,
        );
        if i > 0 {
            occ.push(',');
        }
        write!(
            occ,
            r#"{{"type":"Feature","properties":{{"name":"o{i}","commodity":"{c}"}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
        )
        .unwrap();
    }
    occ.push_str("]}");
    std::fs::write(dir.join("occurrences.geojson"), occ).unwrap();
    let project = format!(
        "[project]\nname = \"bench\"\ncrs = \"EPSG:32648\"\nresolution = 20.0\n\
         extent = [{X0}, {}, {}, {Y0}]\n\
         [[samples]]\npath = \"samples.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\n\
         [[rasters]]\npath = \"eth.tif\"\nname = \"eTh\"\n\
         [[vectors]]\npath = \"faults.geojson\"\nname = \"faults\"\nrole = \"faults\"\ncrs = \"EPSG:32648\"\n\
         [[vectors]]\npath = \"granite.geojson\"\nname = \"granite\"\nrole = \"granite\"\ncrs = \"EPSG:32648\"\n\
         [deposits]\npath = \"occurrences.geojson\"\ncommodity = \"commodity\"\nname = \"name\"\ncrs = \"EPSG:32648\"\n",
        Y0 - SIZE,
        X0 + SIZE
    );
    let file = dir.join("project.toml");
    std::fs::write(&file, project).unwrap();
    file
}

fn whole_run(c: &mut Criterion) {
    geoprospect::io::gdal_setup();
    let dir = tempfile::tempdir().unwrap();
    let project = Project::load(&survey(dir.path())).unwrap();
    let engine = Engine::new(std::thread::available_parallelism().map_or(1, |n| n.get())).unwrap();
    let options = RunOptions::default();
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function(
        "1000x1000 cells, 3000 samples x 7 elements, REE/Sn/Mo",
        |b| b.iter(|| run(&project, &dir.path().join("out"), &engine, &options).unwrap()),
    );
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = whole_run
}
criterion_main!(benches);
