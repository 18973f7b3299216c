//! geoprospect's side of `bench/boosting.sh`: generates the data, writes what scikit-learn
//! needs as raw files, fits and predicts with the default gradient boosting, prints its figures.
//!
//! ```text
//! cargo run --release -p geoprospect-core --example boosting_bench -- DIR [CELLS] [SLICE]
//! ```
//!
//! Rows have 20 features: even ones standard normal, odd ones uniform on [−2, 2]. The label is
//! drawn with probability `σ(η)`, `η = −4 + 1.6 x0 − 1.2 x1 + 0.9 x2 x3 + 1.5 [x4 > 0.5]
//! − 0.6 x5²`, about 7 % positives; features 6 to 19 are noise. After the draw, x1 is missing
//! (NaN) in 2 % of rows and x7 in 5 %. Training and held-out sets have 100 000 rows each; CELLS
//! (default 12 800 000) cells to predict are made in blocks of 512 × 512 from one seed each.
//!
//! Written to DIR, little-endian: `train_x.f32` and `test_x.f32` (rows × 20, row-major),
//! `train_y.u8` and `test_y.u8` (0 or 1), `cells_x.f32` (the first SLICE cells, default
//! 1 280 000, row-major). Printed: one line `fit_s=… predict_s=… cells=… auc=… members=…
//! trees=…`, the prediction timed over all CELLS, block by block through `predict_columns`.
use std::io::Write;
use std::time::Instant;

use geoprospect_core::models::trees::{fit, roc_auc, Dataset, Hyper, Learner};
use geoprospect_core::rng::SplitMix64;
use rayon::prelude::*;

const FEATURES: usize = 20;
const ROWS: usize = 100_000;
const BLOCK: usize = 512 * 512;

fn normal(rng: &mut SplitMix64) -> f64 {
    let (u, v) = (1.0 - rng.uniform(), rng.uniform());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// One row's features and its label.
fn row(rng: &mut SplitMix64, out: &mut [f32]) -> bool {
    let mut x = [0f64; FEATURES];
    for (j, v) in x.iter_mut().enumerate() {
        *v = if j % 2 == 0 {
            normal(rng)
        } else {
            4.0 * rng.uniform() - 2.0
        };
    }
    let eta = -4.0 + 1.6 * x[0] - 1.2 * x[1] + 0.9 * x[2] * x[3] + 1.5 * f64::from(x[4] > 0.5)
        - 0.6 * x[5] * x[5];
    let y = rng.uniform() < 1.0 / (1.0 + (-eta).exp());
    if rng.uniform() < 0.02 {
        x[1] = f64::NAN;
    }
    if rng.uniform() < 0.05 {
        x[7] = f64::NAN;
    }
    for (o, v) in out.iter_mut().zip(x) {
        *o = v as f32;
    }
    y
}

fn rows(n: usize, seed: u64) -> (Vec<f32>, Vec<bool>) {
    let mut rng = SplitMix64::new(seed);
    let mut x = vec![0f32; n * FEATURES];
    let y = x.chunks_mut(FEATURES).map(|r| row(&mut rng, r)).collect();
    (x, y)
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    f.write_all(bytes).expect("write");
}

fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(
        args.get(1)
            .expect("usage: boosting_bench DIR [CELLS] [SLICE]"),
    );
    let cells: usize = args
        .get(2)
        .map_or(12_800_000, |s| s.parse().expect("CELLS"));
    let slice: usize = args.get(3).map_or(1_280_000, |s| s.parse().expect("SLICE"));

    let (train_x, train_y) = rows(ROWS, 1);
    let (test_x, test_y) = rows(ROWS, 2);
    // Cells as raster blocks come: per block, one column per feature.
    let blocks: Vec<Vec<Vec<f32>>> = (0..cells.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let n = BLOCK.min(cells - b * BLOCK);
            let (x, _) = rows(n, 1000 + b as u64);
            (0..FEATURES)
                .map(|f| (0..n).map(|i| x[i * FEATURES + f]).collect())
                .collect()
        })
        .collect();
    write(&dir.join("train_x.f32"), &f32_bytes(&train_x));
    write(&dir.join("test_x.f32"), &f32_bytes(&test_x));
    write(
        &dir.join("train_y.u8"),
        &train_y.iter().map(|&v| v as u8).collect::<Vec<_>>(),
    );
    write(
        &dir.join("test_y.u8"),
        &test_y.iter().map(|&v| v as u8).collect::<Vec<_>>(),
    );
    let mut head = Vec::with_capacity(slice.min(cells) * FEATURES);
    'cells: for block in &blocks {
        for i in 0..block[0].len() {
            if head.len() == slice * FEATURES {
                break 'cells;
            }
            head.extend(block.iter().map(|c| c[i]));
        }
    }
    write(&dir.join("cells_x.f32"), &f32_bytes(&head));

    let data = Dataset {
        features: FEATURES,
        x: &train_x,
        y: &train_y,
        weight: None,
    };
    let hyper = Hyper::default();
    let t = Instant::now();
    let model = fit(Learner::GradientBoosting, &hyper, &data, 42).expect("fit");
    let fit_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (mut mean, mut sd) = (vec![0f32; BLOCK], vec![0f32; BLOCK]);
    let mut checksum = 0f64;
    for block in &blocks {
        let n = block[0].len();
        let columns: Vec<&[f32]> = block.iter().map(|c| c.as_slice()).collect();
        model.predict_columns(&columns, &mut mean[..n], &mut sd[..n]);
        checksum += mean[..n].iter().map(|&v| v as f64).sum::<f64>();
    }
    let predict_s = t.elapsed().as_secs_f64();

    let (mut tm, mut ts) = (vec![0f32; ROWS], vec![0f32; ROWS]);
    model.predict_rows(&test_x, &mut tm, &mut ts);
    let auc = roc_auc(&tm, &test_y).expect("both classes");
    println!(
        "fit_s={fit_s:.3} predict_s={predict_s:.3} cells={cells} auc={auc:.4} members={} \
         trees={} mean_p={:.4} positives={:.4}",
        model.members(),
        hyper
            .trees
            .unwrap_or(geoprospect_core::models::trees::GBM_TREES),
        checksum / cells as f64,
        train_y.iter().filter(|&&v| v).count() as f64 / ROWS as f64,
    );
}
