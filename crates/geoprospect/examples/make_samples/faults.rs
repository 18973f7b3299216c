//! Faults: traced from control points, and their GeoJSON features.
use anyhow::Result;
use geo::LineString;

use crate::reproj::Reproj;
use crate::rng::Rng;
use crate::shapes::trace;
use crate::write::{Feat, Geom};

pub struct Fault {
    pub name: &'static str,
    pub kind: &'static str,
    pub parts: Vec<LineString<f64>>,
}

pub fn fault_features(faults: &[Fault], to_lonlat: &Reproj) -> Result<Vec<Feat>> {
    faults
        .iter()
        .map(|f| {
            let parts = f
                .parts
                .iter()
                .map(|l| to_lonlat.line(l))
                .collect::<Result<Vec<_>>>()?;
            let geom = if parts.len() == 1 {
                Geom::Line(parts[0].clone())
            } else {
                Geom::MultiLine(parts)
            };
            Ok(Feat {
                props: vec![("name", f.name.to_string()), ("type", f.kind.to_string())],
                geom,
            })
        })
        .collect()
}

/// A fault: name, type, and one or more traces through control points (block km).
pub type FaultSpec = (&'static str, &'static str, &'static [&'static [(f64, f64)]]);

pub fn faults(
    rng: &mut Rng,
    specs: &[FaultSpec],
    km: fn(f64, f64) -> (f64, f64),
    (step, jitter): (f64, f64),
) -> Vec<Fault> {
    let mut out = Vec::with_capacity(specs.len());
    for &(name, kind, traces) in specs {
        let parts = traces
            .iter()
            .map(|t| {
                trace(
                    rng,
                    &t.iter().map(|&(x, y)| km(x, y)).collect::<Vec<_>>(),
                    step,
                    jitter,
                )
            })
            .collect();
        out.push(Fault { name, kind, parts });
    }
    out
}
