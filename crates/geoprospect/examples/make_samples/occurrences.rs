//! Mineral occurrences: placed against the plutons, their geochemical halos, and their
//! GeoJSON features.
use anyhow::{Context, Result};

use crate::plutons::Intrusion;
use crate::reproj::Reproj;
use crate::shapes::towards;
use crate::write::{Feat, Geom};

pub struct Occurrence {
    name: &'static str,
    name_ko: &'static str,
    commodity: &'static str,
    pub status: &'static str,
    host: &'static str,
    pub at: (f64, f64),
}

impl Occurrence {
    /// A halo of `scale` metres around the occurrences of `element` (weighted by status).
    pub fn halo(list: &[Occurrence], element: &str, x: f64, y: f64, scale: f64) -> f64 {
        list.iter()
            .filter(|o| o.commodity.split('-').any(|c| c == element))
            .map(|o| {
                let w = match o.status {
                    "deposit" => 1.0,
                    "occurrence" => 0.6,
                    _ => 0.3,
                };
                w * (-(o.at.0 - x).hypot(o.at.1 - y) / scale).exp()
            })
            .sum()
    }

    pub fn features(list: &[Occurrence], to_lonlat: &Reproj, korean: bool) -> Result<Vec<Feat>> {
        let lonlat = to_lonlat.points(&list.iter().map(|o| o.at).collect::<Vec<_>>())?;
        Ok(list
            .iter()
            .zip(lonlat)
            .map(|(o, p)| {
                let mut props = vec![("name", o.name.to_string())];
                if korean {
                    props.push(("name_ko", o.name_ko.to_string()));
                }
                props.extend([
                    ("commodity", o.commodity.to_string()),
                    ("status", o.status.to_string()),
                    ("host", o.host.to_string()),
                ]);
                Feat {
                    props,
                    geom: Geom::Point(p),
                }
            })
            .collect())
    }
}

/// Where an occurrence lies: towards pluton `i`'s contact at `angle` degrees (`f` = 1 on the
/// contact, < 1 inside, > 1 outside), at pluton `i`'s centre, or at block kilometres.
#[derive(Clone, Copy)]
pub enum Site {
    Edge(usize, f64, f64),
    Centre(usize),
    Km(f64, f64),
}

/// An occurrence: name, Korean name, commodity, status, host rock, site.
pub type OccurrenceSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Site,
);

pub fn occurrences(
    specs: &[OccurrenceSpec],
    plutons: &[Intrusion],
    km: fn(f64, f64) -> (f64, f64),
) -> Result<Vec<Occurrence>> {
    let pluton = |i: usize| plutons.get(i).with_context(|| format!("no pluton #{i}"));
    specs
        .iter()
        .map(|&(name, name_ko, commodity, status, host, site)| {
            let at = match site {
                Site::Edge(i, angle, f) => {
                    let p = pluton(i)?;
                    towards(p.body.poly.exterior(), p.centre, angle, f)
                }
                Site::Centre(i) => pluton(i)?.centre,
                Site::Km(x, y) => km(x, y),
            };
            Ok(Occurrence {
                name,
                name_ko,
                commodity,
                status,
                host,
                at,
            })
        })
        .collect()
}
