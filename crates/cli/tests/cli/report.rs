//! The report's pictures, QGIS style and HTML page, rendered from data made in the test.
use std::path::Path;

use geo::{line_string, polygon, LineString, Polygon};
use geoprospect::grid::GridSpec;
use geoprospect::report::html::{
    write_report, CommodityReport, CrossValidationRow, InputFile, ReportInput, Table, TargetRow,
    ThresholdRow,
};
use geoprospect::report::map::{
    ramp_colour, render_map, Legend, MapInput, MAP_WIDTH, NODATA_COLOUR,
};
use geoprospect::report::{curve, qml};

use crate::fixtures::write_tif;

/// A 300 x 200 grid of 100 m cells in UTM 48N with a score rising to the east and a nodata
/// block in the north-west corner.
fn score_grid(dir: &Path) -> (GridSpec, std::path::PathBuf) {
    let srs = gdal::spatial_ref::SpatialRef::from_epsg(32648).unwrap();
    let grid = GridSpec::from_extent(
        srs.to_wkt().unwrap(),
        [660_000.0, 4_760_000.0, 690_000.0, 4_780_000.0],
        100.0,
    )
    .unwrap();
    let (w, h) = (grid.width, grid.height);
    let data: Vec<f32> = (0..w * h)
        .map(|i| {
            let (r, c) = (i / w, i % w);
            if r < 40 && c < 60 {
                f32::NAN
            } else {
                c as f32 / (w - 1) as f32
            }
        })
        .collect();
    let path = dir.join("prospectivity_ree.tif");
    write_tif(
        &path,
        "EPSG:32648",
        grid.geo_transform(),
        w,
        h,
        data,
        Some(f64::NAN),
    );
    (grid, path)
}

/// Decodes an 8-bit RGB PNG: (width, height, pixels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn map_input<'a>(
    grid: &'a GridSpec,
    score: &'a Path,
    targets: &'a [Polygon<f64>],
    occurrences: &'a [(f64, f64, String)],
    faults: &'a [LineString<f64>],
) -> MapInput<'a> {
    MapInput {
        title: "Test block: REE prospectivity",
        subtitle: "synthetic score rising to the east",
        grid,
        crs_label: "WGS 84 / UTM zone 48N (EPSG:32648)",
        score,
        targets,
        target_ranks: &[1, 2],
        occurrences,
        faults,
        area: &[],
        legend: Legend::Score,
    }
}

#[test]
fn map_png_is_wide_deterministic_and_shows_the_ramp() {
    let dir = tempfile::tempdir().unwrap();
    let (grid, score) = score_grid(dir.path());
    let targets = [
        polygon![(x: 685_000.0, y: 4_770_000.0), (x: 688_000.0, y: 4_770_000.0),
                 (x: 688_000.0, y: 4_773_000.0), (x: 685_000.0, y: 4_773_000.0)],
        polygon![(x: 680_000.0, y: 4_762_000.0), (x: 682_000.0, y: 4_762_000.0),
                 (x: 681_000.0, y: 4_764_000.0)],
    ];
    let occurrences = vec![
        (686_500.0, 4_771_500.0, "Khanbogd <Central>".to_string()),
        (700_000.0, 4_771_500.0, "outside the map".to_string()),
    ];
    // A fault that runs off the map on both sides is clipped, not an error.
    let faults = [line_string![(x: 650_000.0, y: 4_765_000.0), (x: 700_000.0, y: 4_775_000.0)]];
    let input = map_input(&grid, &score, &targets, &occurrences, &faults);
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    render_map(&input, &a).unwrap();
    render_map(&input, &b).unwrap();
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, MAP_WIDTH);
    assert!(width >= 800);
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "same input, same bytes");

    let (w, h, px) = decode_png(&a);
    assert_eq!(w, MAP_WIDTH);
    assert!(h > 600 && h < 1200, "height {h}");
    let count = |c: [u8; 3]| px.chunks(3).filter(|p| *p == c).count();
    // The nodata corner shows as the nodata colour, and both ends of the ramp appear.
    assert!(count(NODATA_COLOUR) > 1000, "{}", count(NODATA_COLOUR));
    let near = |c: [u8; 3]| {
        px.chunks(3)
            .filter(|p| (0..3).all(|k| (p[k] as i32 - c[k] as i32).abs() <= 6))
            .count()
    };
    assert!(near(ramp_colour(0.02)) > 500, "{}", near(ramp_colour(0.02)));
    assert!(near(ramp_colour(0.98)) > 500, "{}", near(ramp_colour(0.98)));
}

#[test]
fn map_downsamples_large_grids_and_refuses_other_grids() {
    let dir = tempfile::tempdir().unwrap();
    let (grid, score) = score_grid(dir.path());
    // The score on a grid of another size is an input error naming the file.
    let other = GridSpec {
        width: grid.width + 1,
        ..grid.clone()
    };
    let out = dir.path().join("m.png");
    let err = render_map(&map_input(&other, &score, &[], &[], &[]), &out).unwrap_err();
    assert!(
        err.to_string().contains("prospectivity_ree.tif") && err.to_string().contains("grid"),
        "{err}"
    );
    assert!(!out.exists());
    // A grid wider than the picture (2000 cells) is read downsampled.
    let big = GridSpec::from_extent(
        grid.crs_wkt.clone(),
        [0.0, 0.0, 200_000.0, 100_000.0],
        100.0,
    )
    .unwrap();
    let data: Vec<f32> = (0..big.cells())
        .map(|i| (i % big.width) as f32 / big.width as f32)
        .collect();
    let path = dir.path().join("big.tif");
    write_tif(
        &path,
        "EPSG:32648",
        big.geo_transform(),
        big.width,
        big.height,
        data,
        Some(f64::NAN),
    );
    render_map(&map_input(&big, &path, &[], &[], &[]), &out).unwrap();
    let (w, _, _) = decode_png(&out);
    assert_eq!(w, MAP_WIDTH);
}

#[test]
fn success_rate_chart_is_a_deterministic_png() {
    let dir = tempfile::tempdir().unwrap();
    let curves = vec![
        (
            "REE".to_string(),
            vec![(0.0, 0.0), (0.05, 0.5), (0.2, 0.9), (1.0, 1.0)],
            0.91,
        ),
        (
            "Sn".to_string(),
            vec![(0.0, 0.0), (0.5, 0.6), (1.0, 1.0)],
            0.55,
        ),
    ];
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    curve::render_curves(&curves, &a).unwrap();
    curve::render_curves(&curves, &b).unwrap();
    let (w, h, _) = decode_png(&a);
    assert_eq!((w, h), (curve::CHART_WIDTH, curve::CHART_HEIGHT));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let pa = dir.path().join("pa.png");
    let points: Vec<(f64, f64, f64)> = (0..=10)
        .map(|k| {
            let t = k as f64 / 10.0;
            (t, 1.0 - t, 1.0 - t * t)
        })
        .collect();
    curve::render_pa(
        "REE: prediction-area plot",
        &points,
        Some((0.62, 0.62)),
        &pa,
    )
    .unwrap();
    assert_eq!(decode_png(&pa).0, curve::CHART_WIDTH);
}

#[test]
fn qml_is_well_formed_with_the_ramp_stops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prospectivity_ree.qml");
    qml::write_qml(&path, "REE <prospectivity> -- & more").unwrap();
    let xml = std::fs::read_to_string(&path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut items = Vec::new();
    let mut renderer = None;
    let mut depth = 0i32;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if e.name().as_ref() == b"rasterrenderer" {
                    let t = e.try_get_attribute("type").unwrap().unwrap();
                    renderer = Some(t.unescape_value().unwrap().into_owned());
                }
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Empty(e) if e.name().as_ref() == b"item" => {
                let get = |k: &str| {
                    e.try_get_attribute(k)
                        .unwrap()
                        .unwrap()
                        .unescape_value()
                        .unwrap()
                        .into_owned()
                };
                items.push((get("value").parse::<f64>().unwrap(), get("color")));
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced elements");
    assert_eq!(renderer.as_deref(), Some("singlebandpseudocolor"));
    assert_eq!(items.len(), 11);
    for (v, colour) in &items {
        let c = ramp_colour(*v);
        assert_eq!(*colour, format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]));
    }
    assert_eq!(items.first().unwrap().0, 0.0);
    assert_eq!(items.last().unwrap().0, 1.0);
    // Nodata transparent, fixed [0, 1] range.
    assert!(xml.contains("nodataColor=\"\""));
    assert!(xml.contains("minimumValue=\"0\"") && xml.contains("maximumValue=\"1\""));
}

#[test]
fn report_is_self_contained_and_escapes_names() {
    let dir = tempfile::tempdir().unwrap();
    let (grid, score) = score_grid(dir.path());
    let png = dir.path().join("map_ree.png");
    render_map(&map_input(&grid, &score, &[], &[], &[]), &png).unwrap();
    let input = ReportInput {
        project: "<script>alert('x')</script> block".into(),
        grid: "300 x 200 cells of 100 m".into(),
        created_by: "geoprospect 0.1.0".into(),
        inputs: vec![InputFile {
            path: "samples/<odd>&name.csv".into(),
            bytes: 2048,
            sha256: "0".repeat(64),
        }],
        commodities: vec![
            CommodityReport {
                name: "REE".into(),
                map_png: Some(png.clone()),
                catchment_png: None,
                maps: vec![(png.clone(), "REE uncertainty <sd>".into())],
                importance: vec![("TREO".into(), 0.12), ("faults".into(), -0.01)],
                importance_note: "spatial folds".into(),
                curve: vec![(0.0, 0.0), (0.1, 0.6), (1.0, 1.0)],
                auc: Some(0.87),
                occurrences: 5,
                capture: vec![(0.05, 0.4), (0.1, 0.6), (0.2, 0.8)],
                pa_intersection: Some((0.55, 0.7)),
                crossval: Some(CrossValidationRow {
                    method: "leave-one-out".into(),
                    auc: 0.8,
                    note: String::new(),
                    spatial: Some((0.71, "3 folds of 4 blocks of 12.5 km".into())),
                    refit: "weights-of-evidence check".into(),
                }),
                model: "Fuzzy gamma overlay".into(),
                evidence: vec![("TREO".into(), "large membership".into())],
                dropped: vec!["eU: no layer".into()],
                targets: vec![TargetRow {
                    rank: 1,
                    area_km2: 2.5,
                    max_score: 0.99,
                    mean_score: 0.9,
                    centroid_lon: 106.9,
                    centroid_lat: 43.1,
                    top_evidence: "TREO".into(),
                    occurrences: vec!["<img src=x onerror=alert(1)>".into()],
                }],
                tables: vec![Table {
                    title: "Weights of evidence".into(),
                    header: vec!["evidence".into(), "W+".into()],
                    rows: vec![vec!["faults".into(), "1.2".into()]],
                }],
            },
            CommodityReport {
                name: "Sn".into(),
                ..Default::default()
            },
        ],
        thresholds: vec![ThresholdRow {
            element: "La".into(),
            unit: "ppm".into(),
            n: 100,
            n_censored: 2,
            median: 30.0,
            median_2mad: 80.0,
            tukey_upper: 95.0,
            p95: f64::NAN,
            ca_thresholds: vec![60.0],
        }],
    };
    let out = dir.path().join("report.html");
    write_report(&input, &out).unwrap();
    let html = std::fs::read_to_string(&out).unwrap();
    for external in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(",
        "@import",
    ] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert!(html.contains("src=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(html.contains(
        "weights-of-evidence check: AUC 0.710 held out (3 folds of 4 blocks of 12.5 km)"
    ));
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; block"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("samples/&lt;odd&gt;&amp;name.csv"));
    assert!(html.contains("Weights of evidence") && html.contains("AUC 0.870"));
    assert!(html.contains("REE uncertainty &lt;sd&gt;"));
    assert!(
        html.contains("Evidence importance") && html.contains("aria-label=\"evidence importance\"")
    );
    assert!(
        html.contains("not validated"),
        "a commodity without occurrences says so"
    );
    // The picture embedded is the file's bytes.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(std::fs::read(&png).unwrap());
    assert!(html.contains(&b64));
}

/// The elements of a style file as (name, attributes), checked balanced.
fn xml_elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut depth = 0i32;
    loop {
        let e = match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                e
            }
            quick_xml::events::Event::Empty(e) => e,
            quick_xml::events::Event::End(_) => {
                depth -= 1;
                continue;
            }
            quick_xml::events::Event::Eof => break,
            _ => continue,
        };
        let attributes = e
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.unescape_value().unwrap().into_owned(),
                )
            })
            .collect();
        out.push((
            String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attributes,
        ));
    }
    assert_eq!(depth, 0, "unbalanced elements");
    out
}

#[test]
fn vector_styles_are_well_formed_outlines_and_classes() {
    let targets = xml_elements(&qml::targets_qml("Sn <targets> -- & more"));
    let get = |elements: &[(String, Vec<(String, String)>)], name: &str, key: &str| {
        elements
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, a)| a.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(get(&targets, "renderer-v2", "type"), ["singleSymbol"]);
    assert_eq!(get(&targets, "symbol", "type"), ["fill"]);
    assert_eq!(
        get(&targets, "layer", "class"),
        ["SimpleLine", "SimpleLine"]
    );
    assert_eq!(get(&targets, "text-style", "fieldName"), ["rank"]);

    let samples = xml_elements(&qml::samples_qml("Sn samples", Some("Sn & W_class")));
    assert_eq!(get(&samples, "renderer-v2", "attr"), ["Sn & W_class"]);
    assert_eq!(
        get(&samples, "category", "value"),
        ["background", "anomalous", "strongly anomalous", ""]
    );
    assert_eq!(get(&samples, "symbol", "type").len(), 4);
    let plain = xml_elements(&qml::samples_qml("REE samples", None));
    assert_eq!(get(&plain, "renderer-v2", "type"), ["singleSymbol"]);
}
