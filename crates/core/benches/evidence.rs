//! Benches of the evidence and model kernels on seeded synthetic data: proximity (segments in
//! an R*-tree, patches of cells), membership + fuzzy gamma overlay, weights-of-evidence counting.
//! `cargo bench --bench evidence`; whole-command comparisons with GDAL live in `bench/*.sh`.
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use geo::{Coord, Geometry, LineString, Polygon};
use geoprospect_core::engine::{blocks, Block, Engine};
use geoprospect_core::evidence::membership::{percentiles, Membership};
use geoprospect_core::evidence::proximity::Features;
use geoprospect_core::grid::GridSpec;
use geoprospect_core::models::fuzzy::{combine, FuzzyOp};
use geoprospect_core::models::wofe::{table, AllDepositsRule, ClassCounts, TableKind, Units};
use geoprospect_core::rng::SplitMix64;

fn grid(size: usize, res: f64) -> GridSpec {
    GridSpec {
        crs_wkt: String::new(),
        x0: 500_000.0,
        y0: 4_600_000.0,
        res,
        width: size,
        height: size,
        window: None,
        area: None,
    }
}

/// A fault network of `lines` random walks of 40 segments, plus 20 granite polygons.
fn features(g: &GridSpec, lines: usize, rng: &mut SplitMix64) -> Vec<Geometry<f64>> {
    let [xmin, ymin, xmax, ymax] = g.extent();
    let mut out = Vec::new();
    for _ in 0..lines {
        let mut p = Coord {
            x: xmin + rng.uniform() * (xmax - xmin),
            y: ymin + rng.uniform() * (ymax - ymin),
        };
        let heading = rng.uniform() * std::f64::consts::TAU;
        let mut coords = vec![p];
        for _ in 0..40 {
            let a = heading + (rng.uniform() - 0.5);
            p = Coord {
                x: p.x + 150.0 * a.cos(),
                y: p.y + 150.0 * a.sin(),
            };
            coords.push(p);
        }
        out.push(Geometry::LineString(LineString(coords)));
    }
    for _ in 0..20 {
        let c = Coord {
            x: xmin + rng.uniform() * (xmax - xmin),
            y: ymin + rng.uniform() * (ymax - ymin),
        };
        let r = 500.0 + rng.uniform() * 2000.0;
        let ring: LineString<f64> = (0..=64)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 64.0;
                let rr = r * (1.0 + 0.3 * (3.0 * a).sin());
                (c.x + rr * a.cos(), c.y + rr * a.sin())
            })
            .collect();
        out.push(Geometry::Polygon(Polygon::new(ring, vec![])));
    }
    out
}

fn bench_proximity(c: &mut Criterion) {
    let g = grid(2000, 50.0);
    let mut rng = SplitMix64::new(1);
    let f = Features::new(&features(&g, 300, &mut rng));
    let engine =
        Engine::new(std::thread::available_parallelism().map_or(1, |n| n.get())).expect("engine");
    let bl = blocks(&g);
    let mut group = c.benchmark_group("proximity");
    group.sample_size(10);
    group.throughput(Throughput::Elements(g.cells() as u64));
    group.bench_function("2000x2000 cells, 12k segments, all threads", |b| {
        b.iter(|| {
            engine
                .map_blocks(&bl, |block| {
                    let mut out = vec![0f32; block.rows * g.width];
                    f.distance_block(&g, block, &mut out);
                    Ok(out[0])
                })
                .expect("distances")
        })
    });
    let one = Block {
        index: 0,
        row0: 0,
        rows: 256,
    };
    group.throughput(Throughput::Elements((one.rows * g.width) as u64));
    group.bench_function("one block of 256 rows, one thread", |b| {
        let mut out = vec![0f32; one.rows * g.width];
        b.iter(|| f.distance_block(&g, black_box(&one), &mut out))
    });
    group.finish();
}

fn bench_membership_overlay(c: &mut Criterion) {
    let n = 1 << 20;
    let mut rng = SplitMix64::new(2);
    let layers: Vec<Vec<f32>> = (0..4)
        .map(|_| (0..n).map(|_| (rng.uniform() * 100.0) as f32).collect())
        .collect();
    let mut group = c.benchmark_group("membership+overlay");
    group.sample_size(20);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("p90 of 1 Mi cells (two passes)", |b| {
        b.iter(|| percentiles(black_box(&layers[0]), &[90.0]).expect("percentile"))
    });
    let m = Membership::Large {
        midpoint: 50.0,
        spread: 5.0,
    };
    let mut scratch = vec![0f32; n];
    group.bench_function("fuzzy large, 1 Mi cells", |b| {
        b.iter(|| m.apply_to(black_box(&layers[0]), &mut scratch))
    });
    let members: Vec<Vec<f32>> = layers
        .iter()
        .map(|l| {
            let mut v = vec![0f32; n];
            m.apply_to(l, &mut v);
            v
        })
        .collect();
    let views: Vec<&[f32]> = members.iter().map(|v| v.as_slice()).collect();
    let mut out = vec![0f32; n];
    for op in [FuzzyOp::And, FuzzyOp::Sum, FuzzyOp::Gamma(0.8)] {
        group.bench_function(format!("{op:?} of 4 layers, 1 Mi cells"), |b| {
            b.iter(|| combine(op, black_box(&views), &mut out))
        });
    }
    group.finish();
}

fn bench_wofe(c: &mut Criterion) {
    let (w, h) = (2000usize, 2000usize);
    let mut rng = SplitMix64::new(3);
    // Ten distance-like classes in bands, deposits on 500 random cells.
    let codes: Vec<i32> = (0..w * h).map(|i| ((i % w) / 200) as i32 + 1).collect();
    let deposits: Vec<usize> = (0..500)
        .map(|_| (rng.uniform() * (w * h) as f64) as usize)
        .collect();
    let mut group = c.benchmark_group("wofe");
    group.sample_size(20);
    group.throughput(Throughput::Elements((w * h) as u64));
    group.bench_function("count 4 Mi cells + ascending table", |b| {
        b.iter(|| {
            let mut counts = ClassCounts::default();
            counts.add_block(black_box(&codes), &deposits);
            table(
                &counts,
                Units {
                    cell_m2: 10_000.0,
                    unit_km2: 1.0,
                },
                TableKind::Ascending,
                AllDepositsRule::ArcSdm,
            )
            .expect("table")
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_proximity,
    bench_membership_overlay,
    bench_wofe
);
criterion_main!(benches);
