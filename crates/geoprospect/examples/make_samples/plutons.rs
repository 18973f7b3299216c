//! Plutons: intrusions made from specifications, placed by each survey's own rule.
use anyhow::{Context, Result};

use crate::rng::Rng;
use crate::shapes::{blob, Body};

pub struct Intrusion {
    pub name: &'static str,
    pub lithology: &'static str,
    pub age: &'static str,
    pub centre: (f64, f64),
    pub body: Body,
}

/// Where a pluton's centre lies: at block kilometres, or (Korea) along strike at `t` km and
/// `by` km above folded stratigraphic boundary `i`, i.e. inside a chosen formation.
#[derive(Clone, Copy)]
pub enum Place {
    Km(f64, f64),
    Strata(f64, usize, f64),
}

/// A pluton: name, lithology, age, centre, semi-axes (m), rotation (degrees anticlockwise), and
/// an optional hole (a roof pendant, or a ring complex's core): the offset of its centre from
/// the pluton's (km) and its semi-axes (m).
pub type PlutonSpec = (
    &'static str,
    &'static str,
    &'static str,
    Place,
    (f64, f64),
    f64,
    Option<((f64, f64), (f64, f64))>,
);

pub fn plutons(
    rng: &mut Rng,
    specs: &[PlutonSpec],
    place: impl Fn(Place) -> Result<(f64, f64)>,
) -> Result<Vec<Intrusion>> {
    let mut out = Vec::with_capacity(specs.len());
    for &(name, lithology, age, at, axes, rot, hole) in specs {
        let centre = place(at)?;
        let outer = blob(rng, centre, axes, rot, 0.3);
        let holes = match hole {
            Some(((dx, dy), hole_axes)) => {
                let hole_centre = (centre.0 + dx * 1000.0, centre.1 + dy * 1000.0);
                vec![blob(rng, hole_centre, hole_axes, rot, 0.15)]
            }
            None => vec![],
        };
        let body = Body::new(outer, holes).with_context(|| format!("pluton {name}"))?;
        out.push(Intrusion {
            name,
            lithology,
            age,
            centre,
            body,
        });
    }
    Ok(out)
}
