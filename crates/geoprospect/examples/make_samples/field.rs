//! Smooth random fields, and the sigmoid that turns a signed distance into a soft step.
use std::f64::consts::{PI, TAU};

use crate::rng::Rng;

/// A smooth random field of roughly unit variance: a sum of plane waves with random directions
/// and wavelengths (log-uniform between the bounds, in metres).
pub struct Field(Vec<[f64; 4]>);

impl Field {
    pub fn new(rng: &mut Rng, waves: usize, shortest: f64, longest: f64) -> Field {
        let amp = (2.0 / waves as f64).sqrt();
        Field(
            (0..waves)
                .map(|_| {
                    let dir = rng.range(0.0, PI);
                    let k = TAU / (shortest * (longest / shortest).powf(rng.uniform()));
                    [k * dir.cos(), k * dir.sin(), rng.range(0.0, TAU), amp]
                })
                .collect(),
        )
    }
    pub fn at(&self, x: f64, y: f64) -> f64 {
        self.0
            .iter()
            .map(|[kx, ky, phase, amp]| amp * (kx * x + ky * y + phase).sin())
            .sum()
    }
}

pub fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}
