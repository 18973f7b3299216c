//! `geoprospect fuzzy` through the binary: log, robust z-score and linear membership chains and a
//! gamma overlay against a direct computation (sorted medians), nodata, thread-count
//! independence of the file's bytes, and a valid COG.
use std::path::Path;

use crate::fixtures::{read_band, refused, run_ok, write_tif, Workspace};

const UTM: &str = "EPSG:32648";
const GT: [f64; 6] = [600_000.0, 100.0, 0.0, 4_505_000.0, 0.0, -100.0];

/// numpy's `median` of the valid values (mean of the two middle ones for an even count).
fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) * 0.5
    }
}

/// log10, robust z, linear -1..3, as the chain `log,robust-z,linear:-1:3` defines it: the
/// logarithm correctly rounded to f32, z and the membership rounded to f32 as the layers are
/// (small memberships are raised to 1 - γ, which would magnify any other rounding).
fn chain(raw: &[f32]) -> Vec<f64> {
    let logs: Vec<f32> = raw
        .iter()
        .map(|&x| {
            if x > 0.0 {
                (x as f64).log10() as f32
            } else {
                f32::NAN
            }
        })
        .collect();
    let l64: Vec<f64> = logs.iter().map(|&v| v as f64).collect();
    let m = median(&l64);
    let dev: Vec<f64> = logs.iter().map(|&v| (v - m as f32).abs() as f64).collect();
    let mad = median(&dev);
    l64.iter()
        .map(|&l| {
            let z = ((l - m) / (1.482_602_218_505_602 * mad)) as f32;
            ((z as f64 + 1.0) / 4.0).clamp(0.0, 1.0) as f32 as f64
        })
        .collect()
}

#[test]
fn fuzzy_chain_matches_a_direct_computation_for_any_thread_count() {
    // Wider than a tile, so that the output has an overview and edge tiles: an odd height
    // (output rows assembled from the tiles), and even sizes over two tile rows (each tile
    // halved into the overview as it is made).
    for (w, h) in [(700, 9), (1030, 520)] {
        fuzzy_case(w, h);
    }
}

/// Layer `g0` has a nodata code (read and put through its chain block by block), `g1` NaN
/// holes and no nodata (read in place from its map, its chain applied tile by tile), `m` holds
/// memberships (read in place).
fn fuzzy_case(w: usize, h: usize) {
    let ws = Workspace::new();
    let mut raw = Vec::new();
    for k in 0..2u32 {
        let mut v: Vec<f32> = (0..w * h)
            .map(|i| {
                let x = (i as u32).wrapping_mul(2_654_435_761).wrapping_add(k * 977) >> 8;
                10f32.powf((x % 4001) as f32 / 1000.0 - 1.0)
            })
            .collect();
        v[40] = 0.0; // log of 0: nodata too
        let nodata = if k == 0 {
            v[5] = -9999.0;
            Some(-9999.0)
        } else {
            v[6] = f32::NAN;
            None
        };
        write_tif(
            &ws.path(&format!("g{k}.tif")),
            UTM,
            GT,
            w,
            h,
            v.clone(),
            nodata,
        );
        raw.push(v);
    }
    // A layer that is already a membership.
    let m: Vec<f32> = (0..w * h).map(|i| (i % 101) as f32 / 100.0).collect();
    write_tif(&ws.path("m.tif"), UTM, GT, w, h, m.clone(), None);

    let expected: Vec<Vec<f64>> = raw.iter().map(|r| chain(r)).collect();
    let args = |threads: &'static str, out: &'static str| {
        vec![
            "fuzzy",
            "--layer",
            "g0.tif:log,robust-z,linear:-1:3",
            "--layer",
            "g1.tif:log,robust-z,linear:-1:3",
            "--layer",
            "m.tif",
            "--op",
            "gamma",
            "--gamma",
            "0.8",
            "--threads",
            threads,
            "--out",
            out,
        ]
    };
    let summary = run_ok(&ws, &args("1", "o1.tif"));
    assert!(summary.contains("2 statistics rounds"), "{summary}");
    assert!(summary.contains("robust z (median"), "{summary}");
    run_ok(&ws, &args("3", "o3.tif"));
    assert_eq!(
        std::fs::read(ws.path("o1.tif")).unwrap(),
        std::fs::read(ws.path("o3.tif")).unwrap(),
        "output bytes depend on the thread count"
    );
    let (_, _, out) = read_band(&ws.path("o1.tif"));
    let mut nodata = 0;
    for (i, &o) in out.iter().enumerate() {
        let ms = [expected[0][i], expected[1][i], m[i] as f64];
        if ms.iter().any(|v| v.is_nan()) {
            assert!(o.is_nan(), "cell {i} should be nodata");
            nodata += 1;
            continue;
        }
        let s = 1.0 - ms.iter().map(|v| 1.0 - v).product::<f64>();
        let p: f64 = ms.iter().product();
        let want = s.powf(0.8) * p.powf(0.2);
        assert!((o - want).abs() < 1e-5, "cell {i}: {o} vs {want}");
    }
    assert_eq!(nodata, 3);

    // A valid COG, also uncompressed.
    run_ok(&ws, &{
        let mut a = args("2", "none.tif");
        a.extend(["--compress", "none"]);
        a
    });
    let (_, _, none) = read_band(&ws.path("none.tif"));
    assert!(none
        .iter()
        .zip(&out)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    let validator =
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";
    if Path::new(validator).exists() {
        for f in ["o1.tif", "none.tif"] {
            let o = std::process::Command::new("/usr/bin/python3")
                .args([validator, "--full-check=yes", f])
                .current_dir(ws.dir.path())
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{f}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
    } else {
        eprintln!("skipping COG validation: {validator} not found");
    }
}

#[test]
fn fuzzy_refuses_bad_chains_and_non_memberships() {
    let ws = Workspace::new();
    let v: Vec<f32> = (0..20).map(|i| i as f32).collect();
    write_tif(&ws.path("a.tif"), UTM, GT, 5, 4, v, None);
    for (args, says) in [
        (vec!["--layer", "a.tif:log,cube"], "unknown step"),
        (vec!["--layer", "a.tif:linear:0:1,log"], "last step"),
        // Values up to 19 are not memberships.
        (vec!["--layer", "a.tif"], "outside [0, 1]"),
    ] {
        let mut all = vec!["fuzzy"];
        all.extend(args);
        all.extend(["--op", "and", "--out", "o.tif"]);
        let err = refused(&ws, &all, None);
        assert!(err.contains(says), "{all:?}: {err}");
    }
}

/// A DEFLATE-compressed tiled GeoTIFF (predictor 3 for floats, or none), 256 x 256 tiles.
fn write_deflate_tif(path: &Path, w: usize, h: usize, data: Vec<f32>, predictor: &str) {
    use gdal::cpl::CslStringList;
    use gdal::raster::Buffer;
    use gdal::spatial_ref::SpatialRef;
    let driver = gdal::DriverManager::get_driver_by_name("GTiff").unwrap();
    let mut options = CslStringList::new();
    for (k, v) in [
        ("TILED", "YES"),
        ("BLOCKXSIZE", "256"),
        ("BLOCKYSIZE", "256"),
        ("COMPRESS", "DEFLATE"),
        ("PREDICTOR", predictor),
    ] {
        options.set_name_value(k, v).unwrap();
    }
    let mut ds = driver
        .create_with_band_type_with_options::<f32, _>(path, w, h, 1, &options)
        .unwrap();
    ds.set_geo_transform(&GT).unwrap();
    ds.set_spatial_ref(&SpatialRef::from_definition(UTM).unwrap())
        .unwrap();
    let mut band = ds.rasterband(1).unwrap();
    band.set_no_data_value(Some(-1.0)).unwrap();
    band.write((0, 0), (w, h), &mut Buffer::new((w, h), data))
        .unwrap();
}

#[test]
fn deflate_tiled_inputs_decoded_directly_give_the_values_gdal_reads() {
    let ws = Workspace::new();
    let (w, h) = (600, 300);
    for (k, predictor) in ["3", "1"].iter().enumerate() {
        let mut v: Vec<f32> = (0..w * h)
            .map(|i| ((i * (k + 3)) % 1001) as f32 / 1000.0)
            .collect();
        v[17 + k] = -1.0;
        write_tif(
            &ws.path(&format!("s{k}.tif")),
            UTM,
            GT,
            w,
            h,
            v.clone(),
            Some(-1.0),
        );
        write_deflate_tif(&ws.path(&format!("d{k}.tif")), w, h, v, predictor);
    }
    for (a, b, out) in [("s0.tif", "s1.tif", "s.tif"), ("d0.tif", "d1.tif", "d.tif")] {
        run_ok(
            &ws,
            &[
                "overlay", "--op", "gamma", "--gamma", "0.8", a, b, "--out", out,
            ],
        );
    }
    let (_, _, s) = read_band(&ws.path("s.tif"));
    let (_, _, d) = read_band(&ws.path("d.tif"));
    assert_eq!(s.iter().filter(|v| v.is_nan()).count(), 2);
    assert!(s.iter().zip(&d).all(|(x, y)| x.to_bits() == y.to_bits()));
}
