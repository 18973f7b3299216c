//! Faults in the middle of a run: killed processes, two runs into one folder, full disks and
//! outputs that are not files.
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixtures::{geoprospect, read_band, refused, run_in, run_ok, write_tif, Workspace};
use crate::hostile::{final_files, utm_samples};

/// A survey that takes seconds: 1000 x 750 cells, 3000 samples, three element grids, a
/// distance layer and the Mo model.
fn slow_project(ws: &Workspace) -> String {
    let mut csv = String::from("x,y,Mo_ppm,Cu_ppm,W_ppm\n");
    for i in 0..3000 {
        let x = 680_100 + i * 7919 % 9800;
        let y = 4_760_100 + i * 104_729 % 7300;
        csv.push_str(&format!(
            "{x},{y},{},{},{}\n",
            1 + i % 13,
            5 + i % 29,
            0.5 + (i % 7) as f64
        ));
    }
    ws.write("s.csv", &csv);
    ws.write(
        "f.geojson",
        "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": \
         {\"name\": \"EPSG:32648\"}}, \"features\": [{\"type\": \"Feature\", \"properties\": {}, \
         \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[681000, 4760000], [689000, 4767500]]}}]}",
    );
    format!(
        "[project]\nname = \"slow\"\ncrs = \"EPSG:32648\"\nresolution = 10.0\n\
         extent = [680000.0, 4760000.0, 690000.0, 4767500.0]\ncommodities = [\"mo\"]\n{}\
         [[vectors]]\npath = \"f.geojson\"\nname = \"f\"\nrole = \"faults\"\n",
        utm_samples("s.csv")
    )
}

fn spawn_run(ws: &Workspace, out: &str) -> Child {
    geoprospect()
        .args(["run", "p.toml", "--out", out, "--quiet"])
        .current_dir(ws.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Everything left in an output folder apart from finished outputs.
fn leftovers(ws: &Workspace, out: &str) -> Vec<String> {
    let finals = final_files(ws, out);
    ws.files(out)
        .into_iter()
        .filter(|f| !finals.contains(f))
        .collect()
}

#[test]
fn killed_runs_leave_nothing_that_looks_finished_and_the_next_run_cleans_up() {
    let ws = Workspace::new();
    ws.write("p.toml", &slow_project(&ws));
    // How long a whole run takes here, to place the kills inside it.
    let start = Instant::now();
    run_ok(&ws, &["run", "p.toml", "--out", "full", "--quiet"]);
    let whole = start.elapsed();
    assert!(ws.path("full/prospectivity_mo.tif").exists());
    let mut killed = 0;
    for (i, fraction) in [0.05, 0.3, 0.6, 0.85].into_iter().enumerate() {
        let out = format!("k{i}");
        let mut child = spawn_run(&ws, &out);
        std::thread::sleep(whole.mul_f64(fraction));
        if child.try_wait().unwrap().is_some() {
            eprintln!("run finished before the kill at {fraction} of {whole:?}");
            continue;
        }
        child.kill().unwrap(); // SIGKILL: no destructor runs
        child.wait().unwrap();
        killed += 1;
        assert_eq!(
            final_files(&ws, &out),
            Vec::<String>::new(),
            "killed at {fraction} of {whole:?}"
        );
        // Run again into the same folder: it succeeds, takes over the dead run's lock and
        // removes its staging folder.
        run_ok(&ws, &["run", "p.toml", "--out", &out, "--quiet"]);
        assert_eq!(leftovers(&ws, &out), Vec::<String>::new());
        assert_eq!(final_files(&ws, &out), final_files(&ws, "full"));
        assert_eq!(
            read_band(&ws.path(&format!("{out}/prospectivity_mo.tif"))).2,
            read_band(&ws.path("full/prospectivity_mo.tif")).2
        );
    }
    assert!(killed >= 2, "too few kills landed inside the run");
}

#[test]
fn second_run_into_the_same_folder_is_refused_while_the_first_runs() {
    let ws = Workspace::new();
    ws.write("p.toml", &slow_project(&ws));
    let mut first = spawn_run(&ws, "out");
    let lock = ws.path("out/.geoprospect.lock");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !lock.exists() {
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first run ended early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let e = refused(&ws, &["run", "p.toml", "--out", "out"], None);
    assert!(
        e.contains("out")
            && e.contains("another geoprospect run (process")
            && e.contains("is writing to this folder"),
        "{e}"
    );
    let status = first.wait().unwrap();
    assert!(status.success(), "the first run was disturbed");
    assert!(ws.path("out/prospectivity_mo.tif").exists());
    assert_eq!(leftovers(&ws, "out"), Vec::<String>::new());
}

/// A tmpfs of `size` mounted on `dir`, unmounted on drop; `None` when this process may not
/// mount (not root, or no CAP_SYS_ADMIN in a container).
struct SmallDisk {
    dir: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipping: cannot mount a tmpfs (needs root and mount rights)");
            return None;
        }
        Some(SmallDisk {
            dir: dir.to_path_buf(),
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

#[test]
fn full_disk_gives_a_clear_error_and_no_partial_files() {
    let ws = Workspace::new();
    ws.write("p.toml", &slow_project(&ws));
    let Some(_disk) = SmallDisk::mount(&ws.path("small"), "2m") else {
        return;
    };
    let e = refused(
        &ws,
        &["run", "p.toml", "--out", "small/out"],
        Some("small/out"),
    );
    // GDAL reports the failed write (libtiff's "IO error writing ..."), naming the staged file.
    let says = |e: &str| e.contains("No space left on device") || e.contains("cannot write");
    assert!(e.contains("small/out") && says(&e), "{e}");
    // A single-file output that does not fit.
    let e = refused(
        &ws,
        &[
            "grid",
            "s.csv",
            "--field",
            "Mo_ppm",
            "--x",
            "x",
            "--y",
            "y",
            "--crs",
            "EPSG:32648",
            "--extent",
            "680000,4760000,690000,4767500",
            "--resolution",
            "5",
            "--out",
            "small/g.tif",
        ],
        Some("small"),
    );
    assert!(e.contains("small/") && says(&e), "{e}");
    // An uncompressed layer (4 MB, allocated whole before its first tile) that does not fit.
    let m: Vec<f32> = (0..1024 * 1024).map(|i| (i % 101) as f32 / 100.0).collect();
    let gt = [680000.0, 10.0, 0.0, 4770000.0, 0.0, -10.0];
    write_tif(&ws.path("m.tif"), "EPSG:32648", gt, 1024, 1024, m, None);
    let e = refused(
        &ws,
        &[
            "fuzzy",
            "--layer",
            "m.tif",
            "--op",
            "or",
            "--compress",
            "none",
            "--out",
            "small/f.tif",
        ],
        Some("small"),
    );
    assert!(e.contains("small/f.tif") && says(&e), "{e}");
    // Space is back once the failed outputs are gone: a small run fits.
    let small_grid = std::fs::read_to_string(ws.path("p.toml"))
        .unwrap()
        .replace("resolution = 10.0", "resolution = 250.0");
    ws.write("q.toml", &small_grid);
    run_ok(&ws, &["run", "q.toml", "--out", "small/out", "--quiet"]);
    assert_eq!(leftovers(&ws, "small/out"), Vec::<String>::new());
}

#[test]
fn outputs_that_are_devices_are_refused_before_any_work() {
    let ws = Workspace::new();
    ws.write("p.toml", &slow_project(&ws));
    // A symlink to /dev/full where a file is expected: never written through, never replaced.
    std::os::unix::fs::symlink("/dev/full", ws.path("g.tif")).unwrap();
    let e = refused(
        &ws,
        &[
            "grid",
            "s.csv",
            "--field",
            "Mo_ppm",
            "--x",
            "x",
            "--y",
            "y",
            "--crs",
            "EPSG:32648",
            "--extent",
            "680000,4760000,690000,4767500",
            "--resolution",
            "250",
            "--out",
            "g.tif",
        ],
        None,
    );
    assert!(
        e.contains("g.tif") && e.contains("not a regular file"),
        "{e}"
    );
    assert!(std::fs::symlink_metadata(ws.path("g.tif"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!ws.files("").iter().any(|f| f.contains(".tmp-")));
    // A device where a folder is expected.
    let e = refused(&ws, &["run", "p.toml", "--out", "/dev/full/out"], None);
    assert!(e.contains("/dev/full/out"), "{e}");
    let e = refused(
        &ws,
        &[
            "anomalies",
            "s.csv",
            "--x",
            "x",
            "--y",
            "y",
            "--points-crs",
            "EPSG:32648",
            "--out-dir",
            "/dev/full",
        ],
        None,
    );
    assert!(e.contains("/dev/full"), "{e}");
}

#[test]
fn stdout_that_cannot_be_written_is_an_error_not_a_panic() {
    let ws = Workspace::new();
    ws.write("s.csv", "x,y,Mo_ppm\n681000,4761000,1\n");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        eprintln!("skipping: no /dev/full");
        return;
    };
    let o = geoprospect()
        .args(["info", "s.csv"])
        .current_dir(ws.dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: standard output: ") && stderr.lines().count() == 1,
        "{stderr}"
    );
    // A reader that goes away early (`| head -1`) is not an error.
    let mut child = geoprospect()
        .args(["info", "s.csv"])
        .current_dir(ws.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = run_in(&ws, &["info", "s.csv"]);
}
