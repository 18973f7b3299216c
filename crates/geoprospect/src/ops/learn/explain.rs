//! What drives a data-driven model's score at a cell: the drop in predicted probability when
//! one evidence layer's value is replaced by that of a typical background cell (prediction
//! difference, Robnik-Šikonja & Kononenko 2008, *IEEE TKDE* 20:589–600; occlusion, Zeiler &
//! Fergus 2014). The typical background cell has, per numeric column, the median of the
//! negatives and, per class layer, the negatives' most frequent class.
use crate::models::trees::Ensemble;

use super::features::{Features, Raw};
use super::sample::Rows;

/// A fitted model with its features and the typical background cell (module docs).
pub struct Explainer<'a> {
    /// The model fitted on all rows.
    pub model: &'a Ensemble,
    /// Its feature columns.
    pub features: &'a Features,
    /// The typical background cell, one value per column.
    pub reference: Vec<f32>,
}

impl std::fmt::Debug for Explainer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explainer")
            .field("columns", &self.features.columns)
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

impl<'a> Explainer<'a> {
    /// The explainer of `model`, its reference taken from the `negatives`.
    pub fn new(model: &'a Ensemble, features: &'a Features, negatives: &Rows) -> Explainer<'a> {
        let width = features.width();
        let n = negatives.len();
        let column = |j: usize| -> Vec<f32> {
            (0..n)
                .map(|i| negatives.x[i * width + j])
                .filter(|v| !v.is_nan())
                .collect()
        };
        let mut reference = vec![f32::NAN; width];
        for (group, codes) in features.groups.iter().zip(&features.class_codes) {
            if codes.is_empty() {
                for j in group.clone() {
                    let mut v = column(j);
                    v.sort_by(f32::total_cmp);
                    if !v.is_empty() {
                        reference[j] = v[v.len() / 2];
                    }
                }
            } else {
                // The most frequent class (the lowest code on ties): 1 there, 0 elsewhere.
                let counts: Vec<usize> = group
                    .clone()
                    .map(|j| column(j).iter().filter(|&&v| v == 1.0).count())
                    .collect();
                if let Some(best) = (0..counts.len()).max_by_key(|&k| (counts[k], usize::MAX - k)) {
                    for (k, j) in group.clone().enumerate() {
                        reference[j] = if k == best { 1.0 } else { 0.0 };
                    }
                }
            }
        }
        Explainer {
            model,
            features,
            reference,
        }
    }

    /// Evidence names, in model order.
    pub fn names(&self) -> Vec<String> {
        self.features
            .layers
            .specs
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// Per layer, the drop in probability at the block cells `cells` (indices into the
    /// block) when that layer is set to the reference: one full-block vector per layer, NaN
    /// at the other cells.
    pub fn contributions(&self, raw: &[Raw], cells: &[usize], block_cells: usize) -> Vec<Vec<f32>> {
        let width = self.features.width();
        let layers = self.features.groups.len();
        let mut out = vec![vec![f32::NAN; block_cells]; layers];
        if cells.is_empty() {
            return out;
        }
        let mut x = Vec::with_capacity(cells.len() * width);
        for &i in cells {
            self.features.push_cell(raw, i, &mut x);
        }
        let base = self.predict(&x);
        for (l, group) in self.features.groups.iter().enumerate() {
            let mut occluded = x.clone();
            for row in occluded.chunks_exact_mut(width) {
                row[group.clone()].copy_from_slice(&self.reference[group.clone()]);
            }
            let p = self.predict(&occluded);
            for ((&i, b), q) in cells.iter().zip(&base).zip(p) {
                out[l][i] = b - q;
            }
        }
        out
    }

    fn predict(&self, x: &[f32]) -> Vec<f32> {
        let n = x.len() / self.features.width().max(1);
        let (mut mean, mut sd) = (vec![0f32; n], vec![0f32; n]);
        self.model.predict_rows(x, &mut mean, &mut sd);
        mean
    }
}
