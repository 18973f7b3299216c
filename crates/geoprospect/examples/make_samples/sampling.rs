//! Sample tables: where a field crew takes samples, and how a lab sheet shows the values.
use crate::rng::Rng;

/// Formats an assay the way a lab sheet shows it: below the detection limit `<DL`, otherwise
/// with `decimals` decimals.
pub fn assay(value: f64, decimals: usize, dl: Option<(f64, &str)>) -> String {
    match dl {
        Some((limit, text)) if value < limit => text.to_string(),
        _ => format!("{value:.decimals$}"),
    }
}

/// A near-regular grid of `nx` x `ny` jittered points over `[x0, x1] x [y0, y1]`
/// (metres), visited row by row in serpentine order as a field crew would, with a fraction
/// `skip` left out (inaccessible sites).
pub fn jittered_grid(
    rng: &mut Rng,
    (x0, x1, nx): (f64, f64, usize),
    (y0, y1, ny): (f64, f64, usize),
    skip: f64,
) -> Vec<(f64, f64)> {
    let (dx, dy) = ((x1 - x0) / (nx - 1) as f64, (y1 - y0) / (ny - 1) as f64);
    let mut pts = Vec::new();
    for j in 0..ny {
        for k in 0..nx {
            let i = if j % 2 == 0 { k } else { nx - 1 - k };
            let (jx, jy) = (rng.range(-0.35, 0.35) * dx, rng.range(-0.35, 0.35) * dy);
            if !rng.chance(skip) {
                pts.push((x0 + i as f64 * dx + jx, y1 - j as f64 * dy + jy));
            }
        }
    }
    pts
}
