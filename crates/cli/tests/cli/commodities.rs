//! Any commodity label through the binary: gold and copper-gold occurrences through `wofe`
//! and `validate`, minor associations only on request, and a project's own model for W.
use crate::fixtures::{project_ok, read_band, refused, run_ok, write_tif, Workspace};
use crate::hostile::{grid_for, lattice_csv, utm_samples};

const UTM: &str = "EPSG:32648";

/// A 10 x 10 class layer of 1 km cells: class 1 the left half, class 2 the right half; and a
/// score rising to the east.
fn layers(ws: &Workspace) {
    let gt = [600_000.0, 1000.0, 0.0, 4_510_000.0, 0.0, -1000.0];
    let classes: Vec<f32> = (0..100)
        .map(|i| if i % 10 < 5 { 1.0 } else { 2.0 })
        .collect();
    write_tif(&ws.path("geology.tif"), UTM, gt, 10, 10, classes, None);
    let score: Vec<f32> = (0..100).map(|i| (i % 10) as f32 / 10.0).collect();
    write_tif(&ws.path("score.tif"), UTM, gt, 10, 10, score, None);
    // Occurrences by cell (row, column) and commodity text as databases write them.
    let mut csv = String::from("x,y,type\n");
    for (r, c, text) in [
        (1, 1, "Au"),
        (2, 2, "Cu-Au"),
        (3, 6, "Iron-Oxide Cu-Au (-U-REE)"),
        (4, 8, "gold"),
        (5, 3, "Sn-W"),
        (6, 7, "W|Mo"),
        (7, 4, "Cu, Mo"),
    ] {
        let (x, y) = (
            600_500.0 + 1000.0 * c as f64,
            4_509_500.0 - 1000.0 * r as f64,
        );
        csv.push_str(&format!("{x},{y},\"{text}\"\n"));
    }
    ws.write("occ.csv", &csv);
}

fn deposit_args(commodity: &str) -> Vec<&str> {
    vec![
        "--deposits",
        "occ.csv",
        "--x",
        "x",
        "--y",
        "y",
        "--deposits-crs",
        UTM,
        "--deposit-attribute",
        "type",
        "--commodity",
        commodity,
    ]
}

fn wofe(ws: &Workspace, commodity: &str, extra: &[&str]) -> String {
    let mut args = vec!["wofe", "geology.tif"];
    args.extend(deposit_args(commodity));
    args.extend(extra);
    args.extend(["--out", "w.csv"]);
    run_ok(ws, &args)
}

/// Deposits per class in the weights table (`class,area_km2,deposits,...`).
fn deposits_by_class(ws: &Workspace) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(ws.path("w.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[2].to_string())
        })
        .collect()
}

#[test]
fn gold_and_copper_labels_through_wofe_and_validate() {
    let ws = Workspace::new();
    layers(&ws);
    // Au: "Au", "Cu-Au", "Iron-Oxide Cu-Au" and "gold": two in each half.
    let out = wofe(&ws, "au", &[]);
    assert!(out.contains("4 Au deposit(s)"), "{out}");
    assert_eq!(
        deposits_by_class(&ws),
        [("1".to_string(), "2".to_string()), ("2".into(), "2".into())]
    );
    // Cu: "Cu-Au", "Iron-Oxide Cu-Au", "Cu, Mo".
    let out = wofe(&ws, "Cu", &[]);
    assert!(out.contains("3 Cu deposit(s)"), "{out}");
    // REE is only a minor association of the IOCG occurrence: none without --include-minor.
    let mut args = vec!["wofe", "geology.tif"];
    args.extend(deposit_args("REE"));
    args.extend(["--out", "w.csv"]);
    let e = refused(&ws, &args, None);
    assert!(e.contains("no REE deposit"), "{e}");
    let out = wofe(&ws, "REE", &["--include-minor"]);
    assert!(out.contains("1 REE deposit(s)"), "{out}");
    // validate on the eastward score: the Au occurrences at columns 1, 2, 6 and 8.
    let mut args = vec!["validate", "score.tif"];
    args.extend(deposit_args("AU"));
    let out = run_ok(&ws, &args);
    assert!(out.contains("Au deposits: 4 on scored cells"), "{out}");
    // W: "Sn-W" and "W|Mo".
    let mut args = vec!["validate", "score.tif"];
    args.extend(deposit_args("w"));
    let out = run_ok(&ws, &args);
    assert!(out.contains("W deposits: 2 on scored cells"), "{out}");
}

#[test]
fn a_project_scores_w_with_its_own_model() {
    let ws = Workspace::new();
    ws.write(
        "s.csv",
        &lattice_csv(60, "W_ppm,Mo_ppm", |i| {
            format!("{},{}", 1 + (i * 13) % 40, 1 + i % 5)
        }),
    );
    ws.write(
        "occ.csv",
        "x,y,commodity\n682000,4762000,Sn-W\n686000,4765000,W|Mo\n688000,4761000,Cu\n",
    );
    let model = "[[models.w.evidence]]\nname = \"W\"\nelement = \"W\"\n\
                 membership = { fn = \"large\", midpoint = \"p80\", spread = 5.0 }\n";
    let deposits = "[deposits]\npath = \"occ.csv\"\nx = \"x\"\ny = \"y\"\ncrs = \"EPSG:32648\"\n\
                    commodity = \"commodity\"\n";
    let project = format!(
        "{}{}{deposits}{model}",
        grid_for(&["w", "mo"]),
        utm_samples("s.csv")
    );
    let (stdout, _) = project_ok(&ws, &project);
    assert!(
        stdout.contains("W: 2 from 1 \"Sn-W\", 1 \"W|Mo\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("W: out/prospectivity_w.tif from W"),
        "{stdout}"
    );
    assert!(ws.path("out/targets_w.geojson").exists());
    assert!(ws.path("out/prospectivity_mo.tif").exists());
    // Mo has one occurrence ("W|Mo"): its map, and no validation.
    assert!(
        stdout.contains(
            "validation not possible: 1 occurrence on scored cells, at least 2 are needed"
        ),
        "{stdout}"
    );
    let (_, _, w) = read_band(&ws.path("out/prospectivity_w.tif"));
    assert!(w.iter().any(|v| v.is_finite()));
    // Report order: the presets first (Mo), then W.
    let mo = stdout.find("Mo: out/").unwrap();
    let wi = stdout.find("W: out/").unwrap();
    assert!(mo < wi, "{stdout}");
    // A model without a preset and without evidence names the commodity.
    ws.write(
        "q.toml",
        &format!("{}{}", grid_for(&["cu"]), utm_samples("s.csv")),
    );
    let e = refused(&ws, &["run", "q.toml", "--out", "q"], Some("q"));
    assert!(
        e.contains("Cu has no preset model") && e.contains("models.cu"),
        "{e}"
    );
}
