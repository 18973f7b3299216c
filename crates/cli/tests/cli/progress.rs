//! `--progress json`: the lines a front end (the QGIS provider) follows a command by. Every
//! progress line is a JSON object; stages open and close in nested order; steps count up to the
//! stage's total; errors stay the one `error: ...` line; without the option stderr has no JSON.
use std::path::Path;

use serde_json::Value;

use crate::fixtures::{run_in, write_tif, Workspace};

/// A 4096 x 600 layer of positive values in UTM: three blocks of the engine (256 rows each).
fn layer(ws: &Workspace) {
    let data = (0..W * H).map(|i| 1.0 + (i % 97) as f32).collect();
    write_tif(
        &ws.path("in.tif"),
        "EPSG:32648",
        [680_000.0, 10.0, 0.0, 4_762_000.0, 0.0, -10.0],
        W,
        H,
        data,
        None,
    );
}

const W: usize = 4096;
const H: usize = 600;

/// The stderr lines of a command, split into JSON objects and other lines (which must not
/// look like JSON).
fn split(stderr: &[u8]) -> (Vec<Value>, Vec<String>) {
    let text = String::from_utf8(stderr.to_vec()).expect("stderr is UTF-8");
    let mut events = Vec::new();
    let mut other = Vec::new();
    for line in text.lines() {
        if line.starts_with('{') {
            events.push(serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")));
        } else {
            other.push(line.to_string());
        }
    }
    (events, other)
}

/// Checks the grammar of the events: each `stage` is closed by one `finish` of the same name
/// in nested order, each `advance` counts the innermost open stage up (by one step or more), a stage that ran
/// to completion finishes at its total. Returns the `(name, total)` of each stage in order.
fn check_events(events: &[Value]) -> Vec<(String, u64)> {
    let mut open: Vec<(String, u64, u64)> = Vec::new();
    let mut stages = Vec::new();
    for e in events {
        let name = e["stage"].as_str().expect("stage name").to_string();
        let total = e["total"].as_u64().expect("total");
        // A new stage sits below the open ones; a step or finish belongs to the innermost.
        let depth = open.len() - usize::from(e["event"] != "stage");
        assert_eq!(e["depth"].as_u64(), Some(depth as u64), "{e}");
        match e["event"].as_str() {
            Some("stage") => {
                open.push((name.clone(), 0, total));
                stages.push((name, total));
            }
            Some("advance") => {
                let top = open.last_mut().expect("an open stage");
                let done = e["done"].as_u64().unwrap();
                assert!(done > top.1, "steps count up: {e}");
                top.1 = done;
                assert_eq!((&top.0, top.2), (&name, total), "{e}");
                assert!(top.1 <= top.2, "{e}");
            }
            Some("finish") => {
                let (n, done, t) = open.pop().expect("an open stage");
                assert_eq!(
                    (n, done, t),
                    (name, e["done"].as_u64().unwrap(), total),
                    "{e}"
                );
                assert_eq!(done, total, "a successful stage ends at its total: {e}");
            }
            other => panic!("unknown event {other:?}: {e}"),
        }
    }
    assert!(open.is_empty(), "stages left open: {open:?}");
    stages
}

#[test]
fn json_progress_of_a_command_is_one_object_per_stage_and_step() {
    let ws = Workspace::new();
    layer(&ws);
    let o = run_in(
        &ws,
        &[
            "--progress",
            "json",
            "singularity",
            "in.tif",
            "--out",
            "a.tif",
            "--threads",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (events, other) = split(&o.stderr);
    assert!(other.is_empty(), "non-JSON lines on stderr: {other:?}");
    let stages = check_events(&events);
    assert!(!stages.is_empty());
    let steps = events.iter().filter(|e| e["event"] == "advance").count() as u64;
    assert_eq!(steps, stages.iter().map(|s| s.1).sum::<u64>(), "{events:?}");
    assert!(steps >= 2, "the layer spans several blocks: {events:?}");
    // The summary stays on stdout.
    assert!(!o.stdout.is_empty());
}

#[test]
fn json_progress_of_a_run_is_its_phases_around_named_stages_even_with_quiet() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let project = root.join("samples/korea/project.toml");
    let ws = Workspace::new();
    let o = run_in(
        &ws,
        &[
            "run",
            project.to_str().unwrap(),
            "--out",
            "out",
            "--progress",
            "json",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet keeps the summary off stdout");
    let (events, other) = split(&o.stderr);
    assert!(other.is_empty(), "non-JSON lines on stderr: {other:?}");
    let stages = check_events(&events);
    // One outer stage, the run, whose steps are its phases (plan, ingest, geochem,
    // prospectivity, points and validation, report, manifest); every other stage is inside it.
    assert_eq!(stages[0], ("run".to_string(), 7), "{stages:?}");
    let outer = events
        .iter()
        .filter(|e| e["event"] == "stage" && e["depth"] == 0)
        .count();
    assert_eq!(outer, 1, "{events:?}");
    let names: Vec<String> = stages.into_iter().map(|s| s.0).collect();
    for stage in ["layer tmi", "layer geology"] {
        assert!(
            names.iter().any(|n| n == stage),
            "{stage} missing from {names:?}"
        );
    }
    assert!(ws.path("out/prospectivity_mo.tif").exists());
}

#[test]
fn json_progress_keeps_errors_one_line_and_default_stderr_has_no_json() {
    let ws = Workspace::new();
    let o = run_in(
        &ws,
        &[
            "singularity",
            "missing.tif",
            "--out",
            "a.tif",
            "--progress",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let (events, other) = split(&o.stderr);
    assert!(events.iter().all(|e| e["event"] != "advance"), "{events:?}");
    assert_eq!(other.len(), 1, "{other:?}");
    assert!(
        other[0].starts_with("error: ") && other[0].contains("missing.tif"),
        "{other:?}"
    );
    assert!(!ws.path("a.tif").exists());

    layer(&ws);
    let o = run_in(&ws, &["singularity", "in.tif", "--out", "b.tif"]);
    assert!(o.status.success());
    let (events, _) = split(&o.stderr);
    assert!(
        events.is_empty(),
        "JSON without --progress json: {events:?}"
    );

    let o = run_in(
        &ws,
        &[
            "--progress",
            "yaml",
            "singularity",
            "in.tif",
            "--out",
            "c.tif",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("auto, json"));
}
