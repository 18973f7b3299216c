//! Tests of fitted ensembles through the public API: perfect ranking of separable data, a
//! boosting step by hand, missing values, certainty on a pure region, the spread over members,
//! rows against columns, the same bits for any thread count, properties on random data, and
//! scikit-learn's HistGradientBoostingClassifier run live on the same rows.
use super::*;
use crate::rng::SplitMix64;

/// `n` rows of `p` uniform features, NaN with probability `nan`, labelled by `label`.
fn rows(
    n: usize,
    p: usize,
    nan: f64,
    seed: u64,
    label: impl Fn(&[f32], &mut SplitMix64) -> bool,
) -> (Vec<f32>, Vec<bool>) {
    let mut rng = SplitMix64::new(seed);
    let mut x = vec![0f32; n * p];
    let mut y = Vec::with_capacity(n);
    for r in x.chunks_mut(p) {
        for v in r.iter_mut() {
            *v = rng.uniform() as f32;
        }
        y.push(label(r, &mut rng));
        for v in r.iter_mut() {
            if rng.uniform() < nan {
                *v = f32::NAN;
            }
        }
    }
    (x, y)
}

fn predict(model: &Ensemble, x: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let n = x.len() / model.features();
    let (mut mean, mut sd) = (vec![0f32; n], vec![0f32; n]);
    model.predict_rows(x, &mut mean, &mut sd);
    (mean, sd)
}

fn data<'a>(x: &'a [f32], y: &'a [bool], p: usize) -> Dataset<'a> {
    Dataset {
        features: p,
        x,
        y,
        weight: None,
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|v| v.to_bits()).collect()
}

/// Labels set by a threshold on one feature are ranked perfectly by both learners.
#[test]
fn separable_data_ranks_perfectly() {
    let (x, y) = rows(600, 3, 0.0, 1, |r, _| r[1] > 0.6);
    for learner in [Learner::GradientBoosting, Learner::RandomForest] {
        let hyper = Hyper {
            trees: Some(30),
            ..Hyper::default()
        };
        let model = fit(learner, &hyper, &data(&x, &y, 3), 2).unwrap();
        let (mean, _) = predict(&model, &x);
        assert_eq!(roc_auc(&mean, &y), Some(1.0), "{learner:?}");
    }
}

/// One boosting step on one feature, by hand. x = 0..8, labels 0 0 1 0 0 1 1 1 (four of
/// each, so every weight is 1, the base 0, p = 1/2, g = 1/2 − y, h = 1/4, λ = 1). With the
/// first k rows left, G_L = 0.5 1 0.5 1 1.5 1 0.5 for k = 1..7, G_R = −G_L, and the gain
/// G_L² (1 / (k/4 + 1) + 1 / ((8 − k)/4 + 1)) is 0.291 1.067 0.254 1 2.286 1.067 0.291: the
/// split goes after x = 4 (edge 4.5), with leaves −1.5 / (1.25 + 1) · 0.1 and
/// 1.5 / (0.75 + 1) · 0.1.
#[test]
fn one_boosting_step_is_the_hand_computed_stump() {
    let x: Vec<f32> = (0..8).map(|i| i as f32).collect();
    let y = [false, false, true, false, false, true, true, true];
    let hyper = Hyper {
        trees: Some(1),
        members: Some(1),
        max_depth: Some(1),
        min_samples_leaf: 1,
        ..Hyper::default()
    };
    let model = fit(Learner::GradientBoosting, &hyper, &data(&x, &y, 1), 0).unwrap();
    let sigmoid = |v: f64| (1.0 / (1.0 + (-v).exp())) as f32;
    let (left, right) = (sigmoid(-1.5 / 2.25 * 0.1), sigmoid(1.5 / 1.75 * 0.1));
    let (mean, sd) = predict(&model, &[0.0, 4.0, 4.4, 4.6, 5.0, 7.0]);
    assert_eq!(mean, [left, left, left, right, right, right]);
    assert_eq!(sd, [0.0; 6], "one member: no spread");
}

/// Missing values go where the training rows with missing values pointed: positives missing
/// make a missing cell likely, negatives missing make it unlikely.
#[test]
fn missing_values_follow_the_learned_direction() {
    for missing_positive in [true, false] {
        let (mut x, mut y) = rows(400, 2, 0.0, 3, |r, _| r[0] > 0.7);
        for i in (0..400).step_by(5) {
            x[2 * i] = f32::NAN;
            y[i] = missing_positive;
        }
        for learner in [Learner::GradientBoosting, Learner::RandomForest] {
            let hyper = Hyper {
                trees: Some(40),
                ..Hyper::default()
            };
            let model = fit(learner, &hyper, &data(&x, &y, 2), 4).unwrap();
            let (mean, _) = predict(&model, &[f32::NAN, 0.5, 0.1, 0.5, 0.9, 0.5]);
            let (nan, low, high) = (mean[0], mean[1], mean[2]);
            assert!(low < 0.2 && high > 0.8, "{learner:?}: {mean:?}");
            if missing_positive {
                assert!(nan > 0.8, "{learner:?}: {mean:?}");
            } else {
                assert!(nan < 0.2, "{learner:?}: {mean:?}");
            }
        }
    }
}

/// Where every training row is positive (x0 > 0.5, both features considered at each node so
/// every leaf there is pure), each tree says 1: the forest's mean is exactly 1 and the
/// members' deviation exactly 0.
#[test]
fn forest_is_certain_on_a_pure_region() {
    let (x, y) = rows(500, 2, 0.0, 5, |r, _| r[0] > 0.5);
    let hyper = Hyper {
        trees: Some(50),
        max_features: Some(2),
        ..Hyper::default()
    };
    let model = fit(Learner::RandomForest, &hyper, &data(&x, &y, 2), 6).unwrap();
    assert_eq!(model.members(), 50);
    let cells: Vec<f32> = (0..20).flat_map(|i| [0.8 + 0.01 * i as f32, 0.5]).collect();
    let (mean, sd) = predict(&model, &cells);
    assert_eq!(mean, [1.0; 20]);
    assert_eq!(sd, [0.0; 20]);
    let (mean, sd) = predict(&model, &[0.01, 0.3]);
    assert_eq!((mean[0], sd[0]), (0.0, 0.0));
}

/// Bagged boosters disagree somewhere (each saw a different bootstrap) but stay within the
/// bounds of a deviation of probabilities, and a cell of NaN only is NaN.
#[test]
fn members_spread_and_all_missing_cells() {
    let (x, y) = rows(800, 3, 0.05, 7, |r, g| g.uniform() < (r[0] as f64).powi(2));
    let model = fit(
        Learner::GradientBoosting,
        &Hyper {
            trees: Some(20),
            ..Hyper::default()
        },
        &data(&x, &y, 3),
        8,
    )
    .unwrap();
    assert_eq!(
        (model.members(), model.learner()),
        (5, Learner::GradientBoosting)
    );
    let (mean, sd) = predict(&model, &x);
    assert!(sd.iter().any(|&s| s > 0.0));
    assert!(sd.iter().all(|&s| (0.0..=0.5).contains(&s)));
    assert!(mean.iter().all(|&m| (0.0..=1.0).contains(&m)));
    let (mean, sd) = predict(&model, &[f32::NAN; 3]);
    assert!(mean[0].is_nan() && sd[0].is_nan());
}

/// The same cells as rows or as columns give the same bits, over several chunks and a
/// partial one.
#[test]
fn columns_and_rows_give_the_same_bits() {
    let (x, y) = rows(1000, 4, 0.1, 9, |r, g| g.uniform() < r[2] as f64);
    for learner in [Learner::GradientBoosting, Learner::RandomForest] {
        let model = fit(
            learner,
            &Hyper {
                trees: Some(10),
                ..Hyper::default()
            },
            &data(&x, &y, 4),
            1,
        )
        .unwrap();
        let (cells, _) = rows(1234, 4, 0.2, 10, |_, _| false);
        let columns: Vec<Vec<f32>> = (0..4)
            .map(|f| cells.chunks(4).map(|r| r[f]).collect())
            .collect();
        let refs: Vec<&[f32]> = columns.iter().map(|c| c.as_slice()).collect();
        let (mut mean, mut sd) = (vec![0f32; 1234], vec![0f32; 1234]);
        model.predict_columns(&refs, &mut mean, &mut sd);
        let (rm, rs) = predict(&model, &cells);
        assert_eq!((bits(&mean), bits(&sd)), (bits(&rm), bits(&rs)));
    }
}

/// Weights count relatively: doubling every weight gives the same model, bit for bit.
#[test]
fn weights_are_relative() {
    let (x, y) = rows(300, 2, 0.0, 11, |r, g| g.uniform() < r[0] as f64);
    let w: Vec<f32> = (0..300).map(|i| 0.5 + (i % 3) as f32).collect();
    let w2: Vec<f32> = w.iter().map(|v| 2.0 * v).collect();
    let hyper = Hyper {
        trees: Some(5),
        ..Hyper::default()
    };
    let fit_with = |w: &[f32]| {
        let d = Dataset {
            weight: Some(w),
            ..data(&x, &y, 2)
        };
        fit(Learner::GradientBoosting, &hyper, &d, 3).unwrap()
    };
    assert_eq!(fit_with(&w), fit_with(&w2));
    assert_ne!(
        fit_with(&w),
        fit(Learner::GradientBoosting, &hyper, &data(&x, &y, 2), 3).unwrap()
    );
}

/// Rows of weight 0 count for nothing, even when a bootstrap draws only them: predictions
/// stay finite probabilities.
#[test]
fn zero_weights_keep_predictions_finite() {
    let (x, y) = rows(60, 2, 0.0, 14, |r, _| r[0] > 0.5);
    // One positive and one negative weigh 1, every other row 0.
    let first = |class: bool| y.iter().position(|&v| v == class).unwrap();
    let w: Vec<f32> = (0..60)
        .map(|i| {
            if i == first(true) || i == first(false) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let d = Dataset {
        weight: Some(&w),
        ..data(&x, &y, 2)
    };
    for learner in [Learner::GradientBoosting, Learner::RandomForest] {
        let hyper = Hyper {
            trees: Some(10),
            ..Hyper::default()
        };
        let model = fit(learner, &hyper, &d, 1).unwrap();
        let (mean, sd) = predict(&model, &x);
        assert!(mean.iter().chain(&sd).all(|v| v.is_finite()), "{learner:?}");
    }
}

/// Fitted on 1 thread and on 4, both learners give the same ensemble (compared bit for bit
/// through its debug print) and the same prediction bits.
#[test]
fn same_bits_for_any_thread_count() {
    let (x, y) = rows(3000, 5, 0.05, 12, |r, g| g.uniform() < (r[0] * r[1]) as f64);
    let w: Vec<f32> = (0..3000).map(|i| 1.0 + (i % 7) as f32 * 0.1).collect();
    let d = Dataset {
        weight: Some(&w),
        ..data(&x, &y, 5)
    };
    let (cells, _) = rows(5000, 5, 0.1, 13, |_, _| false);
    for learner in [Learner::GradientBoosting, Learner::RandomForest] {
        let hyper = Hyper {
            trees: Some(20),
            ..Hyper::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    let model = fit(learner, &hyper, &d, 99).unwrap();
                    let (mean, sd) = predict(&model, &cells);
                    let importance = permutation_importance(&model, &d, 2, 5);
                    (model, bits(&mean), bits(&sd), importance)
                })
        };
        let (a, b) = (run(1), run(4));
        assert_eq!(format!("{:?}", a.0), format!("{:?}", b.0), "{learner:?}");
        assert_eq!((&a.1, &a.2), (&b.1, &b.2), "{learner:?}");
        let to_bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(to_bits(&a.3), to_bits(&b.3));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// On any small data with missing values: probabilities in [0, 1], deviations in
        /// [0, 1/2], NaN exactly for the cells of NaN only, rows and columns the same bits.
        #[test]
        fn predictions_stay_in_range(
            n in 12usize..150,
            p in 1usize..4,
            nan in 0.0f64..0.4,
            seed in any::<u64>(),
            forest in any::<bool>(),
        ) {
            let (x, mut y) = rows(n, p, nan, seed, |r, g| g.uniform() < r[0] as f64);
            y[0] = true;
            y[1] = false;
            let learner = if forest { Learner::RandomForest } else { Learner::GradientBoosting };
            let hyper = Hyper { trees: Some(4), members: Some(3), min_samples_leaf: 2, ..Hyper::default() };
            let model = fit(learner, &hyper, &data(&x, &y, p), seed).unwrap();
            let (mean, sd) = predict(&model, &x);
            for (i, (m, s)) in mean.iter().zip(&sd).enumerate() {
                let empty = x[i * p..(i + 1) * p].iter().all(|v| v.is_nan());
                prop_assert_eq!(m.is_nan(), empty);
                prop_assert_eq!(s.is_nan(), empty);
                if !empty {
                    prop_assert!((0.0..=1.0).contains(m), "{}", m);
                    prop_assert!((0.0..=0.5).contains(s), "{}", s);
                }
            }
            let columns: Vec<Vec<f32>> = (0..p).map(|f| x.chunks(p).map(|r| r[f]).collect()).collect();
            let refs: Vec<&[f32]> = columns.iter().map(|c| c.as_slice()).collect();
            let (mut cm, mut cs) = (vec![0f32; n], vec![0f32; n]);
            model.predict_columns(&refs, &mut cm, &mut cs);
            prop_assert_eq!((bits(&cm), bits(&cs)), (bits(&mean), bits(&sd)));
        }
    }
}

/// Runs a script with /usr/bin/python3, numpy and scikit-learn; `None` (with a message) when
/// any is missing.
pub(crate) fn python_sklearn(script: &str, args: &[&std::path::Path]) -> Option<String> {
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .args(args)
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("No module named") => {
            eprintln!("skipping: scikit-learn not installed (make deps installs python3-sklearn)");
            None
        }
        Ok(o) => panic!("python failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("skipping: /usr/bin/python3 not found");
            None
        }
    }
}

/// One member on every row is plain histogram gradient boosting: scikit-learn's
/// HistGradientBoostingClassifier with the same leaves, λ, shrinkage, leaf size and balanced
/// class weights gives the same probabilities (to f32 rounding) on the training rows and new
/// ones. Skips without scikit-learn.
#[test]
fn boosting_matches_scikit_learn() {
    let (x, y) = rows(600, 3, 0.0, 21, |r, g| {
        g.uniform() < 1.0 / (1.0 + (-(4.0 * r[0] as f64 - 3.0 * r[1] as f64 * r[2] as f64)).exp())
    });
    let (new, _) = rows(300, 3, 0.0, 22, |_, _| false);
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = (dir.path().join("train.txt"), dir.path().join("test.txt"));
    let text = |x: &[f32], y: Option<&[bool]>| -> String {
        x.chunks(3)
            .enumerate()
            .map(|(i, r)| {
                let mut line = format!("{:?} {:?} {:?}", r[0], r[1], r[2]);
                if let Some(y) = y {
                    line.push_str(if y[i] { " 1" } else { " 0" });
                }
                line + "\n"
            })
            .collect()
    };
    std::fs::write(&train, text(&x, Some(&y))).unwrap();
    std::fs::write(&test, text(&new, None)).unwrap();
    let script = r#"
import sys, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
d = np.loadtxt(sys.argv[1]); t = np.loadtxt(sys.argv[2])
m = HistGradientBoostingClassifier(max_iter=10, learning_rate=0.1, max_leaf_nodes=8,
    max_depth=None, min_samples_leaf=5, l2_regularization=1.0, max_bins=255,
    early_stopping=False, class_weight="balanced")
m.fit(d[:, :3], d[:, 3].astype(int))
for rows in (d[:, :3], t):
    print(" ".join(repr(float(v)) for v in m.predict_proba(rows)[:, 1]))
"#;
    let Some(out) = python_sklearn(script, &[&train, &test]) else {
        return;
    };
    let lines: Vec<Vec<f64>> = out
        .lines()
        .map(|l| l.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect();
    let hyper = Hyper {
        trees: Some(10),
        members: Some(1),
        max_leaves: Some(8),
        max_depth: Some(64),
        ..Hyper::default()
    };
    let model = fit(Learner::GradientBoosting, &hyper, &data(&x, &y, 3), 0).unwrap();
    for (cells, reference) in [(&x, &lines[0]), (&new, &lines[1])] {
        let (mean, _) = predict(&model, cells);
        assert_eq!(mean.len(), reference.len());
        for (i, (&ours, &theirs)) in mean.iter().zip(reference).enumerate() {
            assert!(
                (ours as f64 - theirs).abs() < 1e-6,
                "row {i}: {ours} vs {theirs}"
            );
        }
    }
}
