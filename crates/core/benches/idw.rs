//! IDW gridding: seeded random samples over 100 x 100 km, 12 neighbours within 1500 m, onto
//! 1000 x 1000 and 2000 x 2000 cells (the whole grid computed on the global rayon pool).
//!
//! `cargo bench --bench idw`; `bench/idw.sh` times the whole command against `gdal_grid`.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use geoprospect_core::geochem::gridding::{Gridder, Method, Samples};
use geoprospect_core::grid::GridSpec;
use geoprospect_core::rng::SplitMix64;

fn samples(n: usize) -> Samples {
    let mut rng = SplitMix64::new(42);
    let x: Vec<f64> = (0..n)
        .map(|_| 500_000.0 + rng.uniform() * 100_000.0)
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|_| 4_400_000.0 + rng.uniform() * 100_000.0)
        .collect();
    let v: Vec<f64> = (0..n)
        .map(|i| 1.0 + (x[i] / 7000.0).sin().abs() * 50.0)
        .collect();
    Samples::new(x, y, v).expect("same lengths")
}

fn grid(cells: usize) -> GridSpec {
    GridSpec {
        crs_wkt: String::new(),
        x0: 500_000.0,
        y0: 4_500_000.0,
        res: 100_000.0 / cells as f64,
        width: cells,
        height: cells,
        window: None,
        area: None,
    }
}

fn idw(c: &mut Criterion) {
    let mut group = c.benchmark_group("idw_k12_r1500");
    group.sample_size(10);
    let method = Method::Idw {
        power: 2.0,
        neighbors: 12,
        radius: Some(1500.0),
    };
    for n in [10_000, 100_000] {
        let gridder = Gridder::new(samples(n), method, false).expect("valid method");
        for cells in [1000, 2000] {
            let g = grid(cells);
            group.bench_with_input(
                BenchmarkId::new(format!("{n}_points"), format!("{cells}x{cells}")),
                &g,
                |b, g| b.iter(|| gridder.block(g)),
            );
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting backend needs fonts that minimal machines lack.
    config = Criterion::default().without_plots();
    targets = idw
}
criterion_main!(benches);
