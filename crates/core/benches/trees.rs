//! Benches of the data-driven learners on seeded synthetic data: 20 features, a logistic
//! signal on four of them, 2 % missing values. Fit of the default gradient boosting (5 members
//! × 100 trees) and of a 100-tree forest on 20 000 rows; prediction of 256 Ki cells (a 512 ×
//! 512 block, one slice per feature) by each. `cargo bench --bench trees`; the comparison with
//! scikit-learn is `bench/boosting.sh`.
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use geoprospect_core::models::trees::{fit, Dataset, Ensemble, Hyper, Learner};
use geoprospect_core::rng::SplitMix64;

const FEATURES: usize = 20;

/// `n` row-major rows and their labels.
fn rows(n: usize, seed: u64) -> (Vec<f32>, Vec<bool>) {
    let mut rng = SplitMix64::new(seed);
    let mut x = vec![0f32; n * FEATURES];
    let y = x
        .chunks_mut(FEATURES)
        .map(|r| {
            for v in r.iter_mut() {
                *v = rng.uniform() as f32;
            }
            let eta = -3.0 + 4.0 * r[0] - 2.0 * r[1] + 3.0 * r[2] * r[3];
            let y = rng.uniform() < 1.0 / (1.0 + (-eta as f64).exp());
            for v in r.iter_mut() {
                if rng.uniform() < 0.02 {
                    *v = f32::NAN;
                }
            }
            y
        })
        .collect();
    (x, y)
}

/// The default gradient boosting and a 100-tree forest.
fn models() -> [(Learner, Hyper); 2] {
    [
        (Learner::GradientBoosting, Hyper::default()),
        (
            Learner::RandomForest,
            Hyper {
                trees: Some(100),
                ..Hyper::default()
            },
        ),
    ]
}

fn bench_fit(c: &mut Criterion) {
    let (x, y) = rows(20_000, 1);
    let data = Dataset {
        features: FEATURES,
        x: &x,
        y: &y,
        weight: None,
    };
    let mut group = c.benchmark_group("trees fit");
    group.sample_size(10);
    group.throughput(Throughput::Elements(y.len() as u64));
    for (learner, hyper) in models() {
        group.bench_function(format!("{} on 20 000 rows", learner.as_str()), |b| {
            b.iter(|| fit(learner, &hyper, black_box(&data), 7).expect("fit"))
        });
    }
    group.finish();
}

fn bench_predict(c: &mut Criterion) {
    let (x, y) = rows(20_000, 1);
    let data = Dataset {
        features: FEATURES,
        x: &x,
        y: &y,
        weight: None,
    };
    let n = 512 * 512;
    let (cells, _) = rows(n, 2);
    let columns: Vec<Vec<f32>> = (0..FEATURES)
        .map(|f| cells.chunks(FEATURES).map(|r| r[f]).collect())
        .collect();
    let views: Vec<&[f32]> = columns.iter().map(|c| c.as_slice()).collect();
    let (mut mean, mut sd) = (vec![0f32; n], vec![0f32; n]);
    let mut group = c.benchmark_group("trees predict_columns");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    for (learner, hyper) in models() {
        let model: Ensemble = fit(learner, &hyper, &data, 7).expect("fit");
        group.bench_function(format!("{}, 512 x 512 cells", learner.as_str()), |b| {
            b.iter(|| model.predict_columns(black_box(&views), &mut mean, &mut sd))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_fit, bench_predict);
criterion_main!(benches);
