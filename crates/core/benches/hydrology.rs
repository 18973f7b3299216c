//! Benches of DEM conditioning on a seeded synthetic DEM (rolling relief, a regional slope,
//! 0.3 m of noise that leaves pits everywhere, and plateaus of one value): Priority-Flood fill,
//! flow directions with flat resolution, accumulation, and the nested catchments of 2000
//! snapped samples. `cargo bench --bench hydrology`; the whole command against pysheds is
//! `bench/catchments.sh`.
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geoprospect_core::hydrology::{
    accumulate, fill_depressions, flow_directions, label_catchments, snap_to_stream,
};
use geoprospect_core::rng::SplitMix64;

/// A `n` x `n` DEM of 30 m cells.
fn dem(n: usize, rng: &mut SplitMix64) -> Vec<f32> {
    (0..n * n)
        .map(|i| {
            let (r, c) = ((i / n) as f64 * 30.0, (i % n) as f64 * 30.0);
            let z = 1000.0
                + 0.01 * r
                + 25.0 * (c / 900.0).sin() * (r / 1300.0).cos()
                + 10.0 * (c / 230.0 + r / 410.0).sin()
                + 0.3 * (rng.uniform() - 0.5);
            // Plateaus: one value over squares of 40 x 40 cells, one square in 50.
            let square = ((i / n) / 40) * 1000 + (i % n) / 40;
            if square % 50 == 7 {
                1010.0
            } else {
                z as f32
            }
        })
        .collect()
}

fn hydrology(c: &mut Criterion) {
    let mut group = c.benchmark_group("hydrology");
    group.sample_size(10);
    for n in [1000, 2000] {
        let mut rng = SplitMix64::new(11);
        let z = dem(n, &mut rng);
        group.throughput(Throughput::Elements((n * n) as u64));
        group.bench_with_input(BenchmarkId::new("fill", n), &z, |b, z| {
            b.iter(|| fill_depressions(black_box(z), n, n))
        });
        let filled = fill_depressions(&z, n, n).expect("a valid dem");
        group.bench_with_input(BenchmarkId::new("directions", n), &filled, |b, f| {
            b.iter(|| flow_directions(black_box(f), n, n))
        });
        let flow = flow_directions(&filled, n, n);
        group.bench_with_input(BenchmarkId::new("accumulate", n), &flow, |b, f| {
            b.iter(|| accumulate(black_box(f)))
        });
        let acc = accumulate(&flow);
        let outlets: Vec<Option<usize>> = (0..2000)
            .map(|_| {
                let (r, c) = (rng.uniform() * n as f64, rng.uniform() * n as f64);
                snap_to_stream(&acc, n, n, r, c, 3.0)
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("catchments_2000", n), &outlets, |b, o| {
            b.iter(|| label_catchments(&flow, &acc, black_box(o)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting backend needs fonts that minimal machines lack.
    config = Criterion::default().without_plots();
    targets = hydrology
}
criterion_main!(benches);
