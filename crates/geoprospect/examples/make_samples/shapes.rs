//! Geometry: irregular rings and traced lines, bodies with signed distances, and distances to
//! lines.
use std::f64::consts::TAU;

use anyhow::{bail, Context, Result};
use geo::orient::{Direction, Orient};
use geo::{BoundingRect, Contains, Distance, Euclidean, LineString, Point, Polygon};

use crate::rng::Rng;

/// An irregular closed ring: an ellipse (semi-axes `a`, `b` in metres, rotated `rot_deg`
/// anticlockwise) whose radius is modulated by harmonics 2..6 of random phase. The ring is
/// star-shaped about its centre, hence simple.
pub fn blob(
    rng: &mut Rng,
    centre: (f64, f64),
    (a, b): (f64, f64),
    rot_deg: f64,
    rough: f64,
) -> LineString<f64> {
    let harmonics: Vec<(f64, f64, f64)> = (2..=6)
        .map(|k| {
            (
                k as f64,
                rough * rng.range(0.4, 1.0) / k as f64,
                rng.range(0.0, TAU),
            )
        })
        .collect();
    let (sin, cos) = rot_deg.to_radians().sin_cos();
    let n = 120;
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = TAU * i as f64 / n as f64;
            let m = 1.0
                + harmonics
                    .iter()
                    .map(|(k, amp, ph)| amp * (k * t + ph).sin())
                    .sum::<f64>();
            let (x, y) = (a * t.cos() * m, b * t.sin() * m);
            (centre.0 + x * cos - y * sin, centre.1 + x * sin + y * cos)
        })
        .collect();
    pts.push(pts[0]);
    LineString::from(pts)
}

/// A point on the way from a ring's centre towards its vertex nearest `angle_deg` (measured
/// anticlockwise from east): `f` = 1 lies on the ring, < 1 inside, > 1 outside.
pub fn towards(ring: &LineString<f64>, centre: (f64, f64), angle_deg: f64, f: f64) -> (f64, f64) {
    let want = angle_deg.to_radians();
    let gap = |c: &geo::Coord<f64>| {
        let d = (c.y - centre.1).atan2(c.x - centre.0) - want;
        d.sin().abs() + (1.0 - d.cos())
    };
    let v = ring
        .0
        .iter()
        .min_by(|p, q| gap(p).total_cmp(&gap(q)))
        .copied()
        .unwrap_or(ring.0[0]);
    (
        centre.0 + f * (v.x - centre.0),
        centre.1 + f * (v.y - centre.1),
    )
}

/// A polyline through control points (metres), densified to ~`step` m with a little sideways
/// jitter so that mapped traces do not look ruled.
pub fn trace(rng: &mut Rng, ctrl: &[(f64, f64)], step: f64, jitter: f64) -> LineString<f64> {
    let mut pts = vec![ctrl[0]];
    for w in ctrl.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        let len = dx.hypot(dy);
        let n = (len / step).ceil().max(1.0) as usize;
        let (nx, ny) = (-dy / len, dx / len);
        for i in 1..=n {
            let f = i as f64 / n as f64;
            let j = if i == n {
                0.0
            } else {
                rng.range(-jitter, jitter)
            };
            pts.push((w[0].0 + f * dx + j * nx, w[0].1 + f * dy + j * ny));
        }
    }
    LineString::from(pts)
}

/// A polygon with a cached bounding box, for signed distances.
pub struct Body {
    pub poly: Polygon<f64>,
    bbox: geo::Rect<f64>,
}

impl Body {
    pub fn new(exterior: LineString<f64>, holes: Vec<LineString<f64>>) -> Result<Body> {
        let poly = Polygon::new(exterior, holes).orient(Direction::Default);
        for hole in poly.interiors() {
            if !Polygon::new(poly.exterior().clone(), vec![])
                .contains(&Polygon::new(hole.clone(), vec![]))
            {
                bail!("a hole pokes out of its polygon");
            }
        }
        let bbox = poly.bounding_rect().context("empty polygon")?;
        Ok(Body { poly, bbox })
    }
    /// Distance in metres to the boundary, negative inside. Far away (> 10 km from the bounding
    /// box) the distance to the box stands in, which is all that decaying anomalies need.
    pub fn sd(&self, x: f64, y: f64) -> f64 {
        let dx = (self.bbox.min().x - x).max(x - self.bbox.max().x).max(0.0);
        let dy = (self.bbox.min().y - y).max(y - self.bbox.max().y).max(0.0);
        if dx.max(dy) > 10_000.0 {
            return dx.hypot(dy);
        }
        let p = Point::new(x, y);
        let d = std::iter::once(self.poly.exterior())
            .chain(self.poly.interiors())
            .map(|ring| Euclidean::distance(&p, ring))
            .fold(f64::INFINITY, f64::min);
        if self.poly.contains(&p) {
            -d
        } else {
            d
        }
    }
}

/// Distance in metres from a point to the nearest of several lines.
pub fn line_distance(lines: &[LineString<f64>], x: f64, y: f64) -> f64 {
    let p = Point::new(x, y);
    lines
        .iter()
        .map(|l| Euclidean::distance(&p, l))
        .fold(f64::INFINITY, f64::min)
}
