//! Tests of the gridder: hand-computed values, GDAL-compatible edge cases, kriging cases with
//! known answers, and bit-identical results for any block split and thread count.
use super::*;
use crate::engine::{blocks_of, Engine};

fn grid(x0: f64, y0: f64, res: f64, width: usize, height: usize) -> GridSpec {
    GridSpec {
        crs_wkt: String::new(),
        x0,
        y0,
        res,
        width,
        height,
        window: None,
        area: None,
    }
}

fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

fn random_samples(n: usize, size: f64, seed: u64) -> Samples {
    let mut s = seed;
    let x = (0..n).map(|_| lcg(&mut s) * size).collect();
    let y = (0..n).map(|_| lcg(&mut s) * size).collect();
    let v = (0..n).map(|_| 1.0 + lcg(&mut s) * 100.0).collect();
    Samples::new(x, y, v).unwrap()
}

fn idw(power: f64, neighbors: usize, radius: Option<f64>) -> Method {
    Method::Idw {
        power,
        neighbors,
        radius,
    }
}

#[test]
fn idw_by_hand_on_three_points() {
    // Cell centres (5, 5), (15, 5), (25, 5); samples at (0, 5) = 10, (5, 15) = 20,
    // (30, 5) = 40.
    let s = Samples::new(
        vec![0.0, 5.0, 30.0],
        vec![5.0, 15.0, 5.0],
        vec![10.0, 20.0, 40.0],
    )
    .unwrap();
    let g = Gridder::new(s, idw(2.0, 12, None), false).unwrap();
    let out = g.block(&grid(0.0, 10.0, 10.0, 3, 1)).values;
    // (5, 5): d² = 25, 100, 625.
    let w = [1.0 / 25.0, 1.0 / 100.0, 1.0 / 625.0];
    let e0 = (w[0] * 10.0 + w[1] * 20.0 + w[2] * 40.0) / (w[0] + w[1] + w[2]);
    assert_eq!(out[0], e0 as f32);
    // (25, 5): d² = 625, 500, 25.
    let w = [1.0 / 625.0, 1.0 / 500.0, 1.0 / 25.0];
    let e2 = (w[2] * 40.0 + w[1] * 20.0 + w[0] * 10.0) / (w[2] + w[1] + w[0]);
    assert_eq!(out[2], e2 as f32);
    // Two neighbours only at (15, 5): d² = 225 (10), 200 (20), 225 (40): 20 then 10
    // (tie with 40 broken by input order).
    let s = Samples::new(
        vec![0.0, 5.0, 30.0],
        vec![5.0, 15.0, 5.0],
        vec![10.0, 20.0, 40.0],
    )
    .unwrap();
    let g = Gridder::new(s, idw(2.0, 2, None), false).unwrap();
    let out = g.block(&grid(0.0, 10.0, 10.0, 3, 1)).values;
    let e1 = (1.0 / 200.0 * 20.0 + 1.0 / 225.0 * 10.0) / (1.0 / 200.0 + 1.0 / 225.0);
    assert_eq!(out[1], e1 as f32);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// IDW is a weighted mean: within the sample range, and a sample's value on its cell.
    #[test]
    fn idw_stays_within_the_sample_range(
        pts in proptest::collection::vec((0u32..40, 0u32..40, -50.0f64..50.0), 1..60),
        k in 1usize..15,
        power in 0.5f64..4.0,
    ) {
        // Samples on cell centres of the 25 m grid below.
        let x: Vec<f64> = pts.iter().map(|p| 12.5 + p.0 as f64 * 25.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| 12.5 + p.1 as f64 * 25.0).collect();
        let v: Vec<f64> = pts.iter().map(|p| p.2).collect();
        let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(l, h), &a| (l.min(a), h.max(a)));
        let s = Samples::new(x.clone(), y.clone(), v.clone()).unwrap();
        let g = Gridder::new(s, idw(power, k, None), false).unwrap();
        let gr = grid(0.0, 1000.0, 25.0, 40, 40);
        let out = g.block(&gr).values;
        for &a in &out {
            proptest::prop_assert!(a >= lo as f32 && a <= hi as f32, "{} not in [{}, {}]", a, lo, hi);
        }
        // A sample alone at its place gives its value there.
        for i in 0..x.len() {
            let alone = (0..x.len()).all(|j| j == i || (x[j], y[j]) != (x[i], y[i]));
            if alone {
                let (r, c) = gr.cell_of(x[i], y[i]).unwrap();
                proptest::prop_assert_eq!(out[r * 40 + c], v[i] as f32);
            }
        }
    }
}

#[test]
fn radius_leaves_far_cells_empty() {
    let s = Samples::new(vec![5.0, 8.0], vec![5.0, 5.0], vec![2.0, 4.0]).unwrap();
    let g = Gridder::new(s, idw(2.0, 12, Some(12.0)), false).unwrap();
    let out = g.block(&grid(0.0, 10.0, 10.0, 4, 1)).values;
    // Centres 5, 15, 25, 35: distances to the samples 0/3, 10/7, 20/17, 30/27.
    assert_eq!(out[0], 2.0);
    let e1 = (4.0 / 49.0 + 2.0 / 100.0) / (1.0 / 49.0 + 1.0 / 100.0);
    assert_eq!(out[1], e1 as f32);
    // Nothing within 12 of 25 and 35.
    assert!(out[2].is_nan() && out[3].is_nan());
    // Exactly at the radius counts (as in GDAL: d² <= r²).
    let s = Samples::new(vec![5.0], vec![5.0], vec![3.0]).unwrap();
    let g = Gridder::new(s, idw(2.0, 12, Some(10.0)), false).unwrap();
    let out = g.block(&grid(0.0, 10.0, 10.0, 3, 1)).values;
    assert_eq!(out[1], 3.0);
    assert!(out[2].is_nan());
}

#[test]
fn nearest_with_ties_and_radius() {
    let s = Samples::new(vec![15.0, 5.0], vec![5.0, 5.0], vec![1.0, 2.0]).unwrap();
    let g = Gridder::new(s, Method::Nearest { radius: Some(6.0) }, false).unwrap();
    let out = g.block(&grid(5.0, 7.5, 5.0, 4, 1)).values;
    // Centres (7.5, 5), (12.5, 5), (17.5, 5), (22.5, 5): the last is 7.5 from any sample.
    assert_eq!(out[..3], [2.0, 1.0, 1.0]);
    assert!(out[3].is_nan());
    let g = Gridder::new(
        Samples::new(vec![15.0, 5.0], vec![5.0, 5.0], vec![1.0, 2.0]).unwrap(),
        Method::Nearest { radius: None },
        false,
    )
    .unwrap();
    // (10, 5) is 5 from both samples: the first in input order wins.
    assert_eq!(g.block(&grid(5.0, 10.0, 10.0, 1, 1)).values, [1.0]);
}

#[test]
fn log_interpolates_log_values() {
    let s = Samples::new(vec![0.0, 10.0], vec![0.0, 0.0], vec![1.0, 100.0]).unwrap();
    let g = Gridder::new(s, idw(2.0, 2, None), true).unwrap();
    // Midway: equal weights, mean of log10 = 1, back to 10.
    let out = g.block(&grid(0.0, 5.0, 10.0, 1, 1)).values;
    assert!((out[0] - 10.0).abs() < 1e-5);
    let bad = Samples::new(vec![0.0, 1.0, 2.0], vec![0.0; 3], vec![1.0, 0.0, -2.0]).unwrap();
    let e = Gridder::new(bad, idw(2.0, 2, None), true).unwrap_err();
    assert_eq!(
        e.to_string(),
        "log10 needs positive values: 2 of 3 values are <= 0 (smallest -2)"
    );
}

#[test]
fn bad_parameters_are_refused() {
    let s = || Samples::new(vec![0.0], vec![0.0], vec![1.0]).unwrap();
    let msg = |m: Method| Gridder::new(s(), m, false).unwrap_err().to_string();
    assert_eq!(
        msg(idw(0.0, 12, None)),
        "power must be a positive number, got 0"
    );
    assert!(msg(idw(2.0, 0, None)).starts_with("neighbors must be between 1"));
    assert_eq!(
        msg(idw(2.0, 12, Some(-5.0))),
        "radius must be a positive number, got -5"
    );
    assert!(msg(Method::Kriging {
        neighbors: 16,
        radius: None,
        model: None
    })
    .contains("give a variogram model"));
    let e = Samples::new(vec![0.0], vec![], vec![1.0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "x, y and value lists differ in length: 1, 0 and 1"
    );
    let none = Samples::new(vec![0.0], vec![0.0], vec![f64::NAN]).unwrap();
    assert_eq!(
        Gridder::new(none, idw(2.0, 1, None), false).unwrap_err(),
        GriddingError::NoSamples
    );
}

#[test]
fn idw_matches_brute_force_on_random_samples() {
    let s = random_samples(700, 1000.0, 11);
    let (x, y, v) = (s.x.clone(), s.y.clone(), s.v.clone());
    let g = Gridder::new(s, idw(2.0, 12, Some(90.0)), false).unwrap();
    let gr = grid(-50.0, 1050.0, 20.0, 55, 55);
    let out = g.block(&gr).values;
    for row in 0..gr.height {
        for col in 0..gr.width {
            let (cx, cy) = gr.cell_centre(row, col);
            let mut d: Vec<(f64, usize)> = (0..x.len())
                .map(|i| ((x[i] - cx).powi(2) + (y[i] - cy).powi(2), i))
                .filter(|p| p.0 <= 90.0 * 90.0)
                .collect();
            d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            d.truncate(12);
            let got = out[row * gr.width + col];
            if d.is_empty() {
                assert!(got.is_nan());
                continue;
            }
            let (num, den) = d
                .iter()
                .fold((0.0, 0.0), |(n, w), &(d2, i)| (n + v[i] / d2, w + 1.0 / d2));
            assert_eq!(got, (num / den) as f32, "cell {row},{col}");
        }
    }
}

/// Every method, whole grid vs small blocks vs one-row blocks, any thread count: same bits.
#[test]
fn blocks_and_threads_do_not_change_a_bit() {
    let s = random_samples(1200, 5000.0, 5);
    let methods = [
        idw(2.0, 12, Some(300.0)),
        idw(1.5, 7, None),
        Method::Nearest {
            radius: Some(200.0),
        },
        Method::Kriging {
            neighbors: 10,
            radius: None,
            model: None,
        },
    ];
    // Odd origin and resolution, so that block-relative centres would round differently.
    let gr = grid(-123.4, 5071.3, 51.7, 100, 97);
    for method in methods {
        let g = Gridder::new(s.clone(), method, false).unwrap();
        let whole = Engine::new(1)
            .unwrap()
            .install(|| g.rows(&gr, 0, gr.height));
        for (threads, cells) in [(1, 100 * 7), (3, 100 * 20), (2, 100)] {
            let engine = Engine::new(threads).unwrap();
            let mut values = Vec::new();
            let mut variance = Vec::new();
            engine
                .for_each_block(
                    &blocks_of(&gr, cells),
                    |b| Ok(g.rows(&gr, b.row0, b.rows)),
                    |_, out| {
                        values.extend(out.values);
                        variance.extend(out.variance.unwrap_or_default());
                        Ok(())
                    },
                )
                .unwrap();
            let bits = |v: &[f32]| v.iter().map(|a| a.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&values), bits(&whole.values), "{method}");
            if let Some(w) = &whole.variance {
                assert_eq!(bits(&variance), bits(w), "{method}");
            }
        }
        // Block grids of their own agree too when centres are exact (whole-number grid).
        let exact = grid(1000.0, 6000.0, 40.0, 100, 90);
        let whole = g.block(&exact);
        let mut joined = Vec::new();
        for b in blocks_of(&exact, 100 * 13) {
            joined.extend(g.block(&b.grid(&exact)).values);
        }
        let bits = |v: &[f32]| v.iter().map(|a| a.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&joined), bits(&whole.values), "{method}");
    }
}

#[test]
fn kriging_is_exact_at_samples_and_constant_fields_stay_constant() {
    // Samples on cell centres of a 10 m grid, spherical model without nugget.
    let x = vec![15.0, 45.0, 75.0, 25.0, 65.0];
    let y = vec![85.0, 55.0, 25.0, 35.0, 95.0];
    let v = vec![3.0, 7.0, 1.0, 4.0, 9.0];
    let model = VariogramModel {
        kind: VariogramKind::Spherical,
        nugget: 0.0,
        partial_sill: 5.0,
        range: 60.0,
    };
    let method = Method::Kriging {
        neighbors: 16,
        radius: None,
        model: Some(model),
    };
    let gr = grid(0.0, 100.0, 10.0, 10, 10);
    let g = Gridder::new(
        Samples::new(x.clone(), y.clone(), v.clone()).unwrap(),
        method,
        false,
    )
    .unwrap();
    let out = g.block(&gr);
    let var = out.variance.unwrap();
    for i in 0..x.len() {
        let (row, col) = gr.cell_of(x[i], y[i]).unwrap();
        assert_eq!(out.values[row * 10 + col], v[i] as f32);
        assert_eq!(var[row * 10 + col], 0.0);
    }
    assert!(var.iter().all(|&s| (0.0..=2.0 * 5.0).contains(&s)));
    // A constant field, fitted automatically (flat variogram) or with the model above.
    for m in [None, Some(model)] {
        let method = Method::Kriging {
            neighbors: 4,
            radius: None,
            model: m,
        };
        let s = Samples::new(x.clone(), y.clone(), vec![6.5; 5]).unwrap();
        let g = Gridder::new(s, method, false).unwrap();
        let out = g.block(&gr);
        assert!(out.values.iter().all(|&a| (a - 6.5).abs() < 1e-5), "{m:?}");
    }
}

#[test]
fn kriging_symmetric_square_gives_the_mean_at_its_centre() {
    let s = Samples::new(
        vec![0.0, 20.0, 0.0, 20.0],
        vec![0.0, 0.0, 20.0, 20.0],
        vec![2.0, 4.0, 6.0, 12.0],
    )
    .unwrap();
    let method = Method::Kriging {
        neighbors: 4,
        radius: None,
        model: Some(VariogramModel {
            kind: VariogramKind::Exponential,
            nugget: 0.5,
            partial_sill: 10.0,
            range: 50.0,
        }),
    };
    let g = Gridder::new(s, method, false).unwrap();
    // One cell centred on (10, 10).
    let out = g.block(&grid(5.0, 15.0, 10.0, 1, 1));
    assert!((out.values[0] - 6.0).abs() < 1e-6);
}

#[test]
fn kriging_merges_duplicate_coordinates() {
    let s = Samples::new(
        vec![0.0, 10.0, 0.0, 30.0, 10.0],
        vec![0.0, 0.0, 0.0, 25.0, 0.0],
        vec![1.0, 2.0, 3.0, 5.0, 4.0],
    )
    .unwrap();
    let method = Method::Kriging {
        neighbors: 16,
        radius: None,
        model: Some(VariogramModel {
            kind: VariogramKind::Spherical,
            nugget: 0.0,
            partial_sill: 1.0,
            range: 40.0,
        }),
    };
    let g = Gridder::new(s, method, false).unwrap();
    assert_eq!((g.samples(), g.merged_duplicates()), (3, 2));
    // At the merged locations the estimate is the mean of the duplicates.
    let out = g.block(&grid(-5.0, 5.0, 10.0, 2, 1));
    assert_eq!(out.values, [2.0, 3.0]);
    assert_eq!(
        merge_duplicates(vec![1.0, 2.0], vec![0.0, 0.0], vec![5.0, 6.0]),
        (vec![1.0, 2.0], vec![0.0, 0.0], vec![5.0, 6.0])
    );
}

#[test]
fn kriging_fits_a_variogram_to_a_smooth_field() {
    let mut seed = 99;
    let n = 400;
    let x: Vec<f64> = (0..n).map(|_| lcg(&mut seed) * 10_000.0).collect();
    let y: Vec<f64> = (0..n).map(|_| lcg(&mut seed) * 10_000.0).collect();
    let v: Vec<f64> = (0..n)
        .map(|i| (x[i] / 1500.0).sin() * 3.0 + (y[i] / 2000.0).cos() * 2.0 + 10.0)
        .collect();
    let method = Method::Kriging {
        neighbors: 16,
        radius: None,
        model: None,
    };
    let g = Gridder::new(Samples::new(x, y, v).unwrap(), method, false).unwrap();
    let vg = g.variogram().unwrap();
    assert!(vg.fitted && vg.lags.len() == variogram::LAGS);
    assert!(vg.range() > 1000.0 && vg.range() < 30_000.0, "{vg}");
    assert!(vg.nugget() < 0.2 * vg.sill(), "{vg}");
    // Kriging a smooth field: close to the truth inside the sampled area.
    let gr = grid(2000.0, 8000.0, 500.0, 12, 12);
    let out = g.block(&gr);
    for row in 0..12 {
        for col in 0..12 {
            let (cx, cy) = gr.cell_centre(row, col);
            let truth = (cx / 1500.0).sin() * 3.0 + (cy / 2000.0).cos() * 2.0 + 10.0;
            let got = out.values[row * 12 + col] as f64;
            assert!((got - truth).abs() < 0.3, "{row},{col}: {got} vs {truth}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// With a search radius, a cell is nodata exactly when no sample lies within the radius of
    /// its centre; otherwise IDW stays within the range of the samples and nearest gives the
    /// value of a sample at the least distance. Samples anywhere, not only on cell centres.
    #[test]
    fn radius_decides_nodata_and_values_stay_in_range(
        pts in proptest::collection::vec((0.0f64..1000.0, 0.0f64..1000.0, -50.0f64..50.0), 1..40),
        radius in 10.0f64..400.0,
        k in 1usize..10,
        power in 0.5f64..4.0,
    ) {
        let x: Vec<f64> = pts.iter().map(|p| p.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| p.1).collect();
        let v: Vec<f64> = pts.iter().map(|p| p.2).collect();
        let (lo, hi) = v.iter().fold((f64::MAX, f64::MIN), |(l, h), &a| (l.min(a), h.max(a)));
        let gr = grid(0.0, 1000.0, 50.0, 20, 20);
        let samples = || Samples::new(x.clone(), y.clone(), v.clone()).unwrap();
        let idw_out = Gridder::new(samples(), idw(power, k, Some(radius)), false)
            .unwrap()
            .block(&gr)
            .values;
        let nearest_out = Gridder::new(samples(), Method::Nearest { radius: Some(radius) }, false)
            .unwrap()
            .block(&gr)
            .values;
        for r in 0..20 {
            for c in 0..20 {
                let (cx, cy) = gr.cell_centre(r, c);
                let d: Vec<f64> = x.iter().zip(&y).map(|(a, b)| (a - cx).hypot(b - cy)).collect();
                let dmin = d.iter().cloned().fold(f64::MAX, f64::min);
                let (a, n) = (idw_out[r * 20 + c], nearest_out[r * 20 + c]);
                if (dmin - radius).abs() < 1e-6 {
                    continue; // on the circle: either answer is right
                }
                if dmin > radius {
                    proptest::prop_assert!(a.is_nan() && n.is_nan(), "({}, {}): {} {}", r, c, a, n);
                    continue;
                }
                proptest::prop_assert!(a >= lo as f32 && a <= hi as f32, "{} not in [{}, {}]", a, lo, hi);
                let at_least_distance = d
                    .iter()
                    .zip(&v)
                    .any(|(&di, &vi)| di <= dmin + 1e-6 && n == vi as f32);
                proptest::prop_assert!(at_least_distance, "nearest gave {}", n);
            }
        }
    }
}

#[test]
fn cells_beyond_the_max_distance_are_nodata_for_every_method() {
    // Samples in the left half of a 100 x 50 grid of 1-unit cells; the limit is 10 units.
    let s = random_samples(200, 50.0, 7);
    let g = grid(0.0, 50.0, 1.0, 100, 50);
    let methods = [
        idw(2.0, 12, None),
        Method::Nearest { radius: None },
        Method::Kriging {
            neighbors: 16,
            radius: None,
            model: None,
        },
    ];
    for method in methods {
        let open = Gridder::new(s.clone(), method, false).unwrap();
        let near = Gridder::new(s.clone(), method, false)
            .unwrap()
            .reaching(MaxDistance::Given(10.0), 1.0);
        let (a, b) = (open.block(&g).values, near.block(&g).values);
        for r in 0..g.height {
            for c in 0..g.width {
                let (x, y) = g.cell_centre(r, c);
                let d = (0..s.len())
                    .map(|i| ((s.x[i] - x).powi(2) + (s.y[i] - y).powi(2)).sqrt())
                    .fold(f64::INFINITY, f64::min);
                let at = r * g.width + c;
                if d <= 10.0 {
                    assert_eq!(a[at].to_bits(), b[at].to_bits(), "{method} at {r},{c}");
                } else {
                    assert!(b[at].is_nan(), "{method} at {r},{c}: {d} from the nearest");
                }
            }
        }
        // Columns 61 and beyond are more than 10 from every sample (x < 50).
        assert!(b[61..100].iter().all(|v| v.is_nan()));
        assert!(a.iter().all(|v| !v.is_nan()));
    }
}
