//! Mongolia: the Khanbogd block (UTM 48N). Its geology (an alkaline ring complex, granites,
//! porphyry stocks, faults, occurrences), the effects of that geology at a point, the stream
//! sediments, the eTh and TMI grids, and its project file.
use std::path::Path;

use anyhow::{bail, Context, Result};
use geo::{Contains, Polygon};

use crate::faults::{fault_features, faults, Fault, FaultSpec};
use crate::field::{sigmoid, Field};
use crate::occurrences::{occurrences, Occurrence, OccurrenceSpec, Site};
use crate::plutons::{plutons, Intrusion, Place, PlutonSpec};
use crate::reproj::Reproj;
use crate::rng::Rng;
use crate::sampling::{assay, jittered_grid};
use crate::shapes::line_distance;
use crate::write::{write_geojson, write_raster, write_text, Feat, Geom, Raster};
use geoprospect::hydrology::{condition, Accumulation, FlowGrid};

/// South-west corner of the Khanbogd block in UTM 48N; the block is 40 x 30 km.
const MN_X0: f64 = 664_000.0;
const MN_Y0: f64 = 4_765_000.0;

/// Block-local kilometres to UTM 48N metres.
fn mn(xk: f64, yk: f64) -> (f64, f64) {
    (MN_X0 + xk * 1000.0, MN_Y0 + yk * 1000.0)
}

struct MnGeology {
    ring: Intrusion,
    carbonatite: Intrusion,
    granites: Vec<Intrusion>,
    porphyries: Vec<Intrusion>,
    faults: Vec<Fault>,
    occurrences: Vec<Occurrence>,
}

#[rustfmt::skip]
const MN_PLUTONS: [PlutonSpec; 8] = [
    // Permian alkaline ring complex: a syenite annulus around a core of older volcanics (the
    // hole), with a carbonatite plug in the core.
    ("Khanbogd ring complex", "alkaline syenite", "Permian", Place::Km(13.0, 19.0), (5000.0, 3800.0), 15.0, Some(((0.0, 0.0), (2100.0, 1600.0)))),
    ("Khanbogd carbonatite", "carbonatite", "Permian", Place::Km(13.1, 18.9), (600.0, 450.0), 15.0, None),
    // Triassic Sn-W granites, one with a roof pendant.
    ("Tsagaan Uul granite", "granite", "Triassic", Place::Km(31.0, 7.0), (3800.0, 2800.0), -20.0, Some(((0.5, 0.3), (700.0, 500.0)))),
    ("Bayan Khoshuu granite", "granite", "Triassic", Place::Km(34.0, 23.0), (3200.0, 2200.0), 35.0, None),
    ("Shar Khad granite", "granite", "Triassic", Place::Km(4.5, 5.5), (2600.0, 2000.0), 60.0, None),
    ("Nariin granite", "granite", "Triassic", Place::Km(22.0, 27.0), (1300.0, 1000.0), 0.0, None),
    // Devonian Cu-Mo porphyry stocks.
    ("Oyut Khudag porphyry", "granodiorite porphyry", "Devonian", Place::Km(23.0, 10.0), (1100.0, 700.0), 40.0, None),
    ("Shuteen porphyry", "quartz monzonite porphyry", "Devonian", Place::Km(25.3, 12.4), (450.0, 350.0), 10.0, None),
];

/// Faults; `mn_magnetics` puts a linear low on the first (Khanbogd) and the fourth (Oyut).
#[rustfmt::skip]
const MN_FAULTS: [FaultSpec; 11] = [
    ("Khanbogd fault", "strike-slip", &[&[(-1.0, 12.5), (8.0, 14.0), (16.0, 15.2), (24.0, 16.8), (32.0, 18.8), (41.0, 20.5)]]),
    ("Javkhlant thrust", "thrust", &[&[(-1.0, 27.5), (10.0, 28.6), (20.0, 28.2), (30.0, 29.3), (41.0, 29.0)]]),
    ("Shar Khad thrust", "thrust", &[&[(-1.0, 2.5), (7.0, 1.8), (14.0, 2.6), (20.0, 1.2)]]),
    ("Oyut fault", "normal", &[&[(17.0, 3.0), (20.5, 7.5), (23.5, 11.0), (27.0, 15.5), (29.0, 18.2)]]),
    ("Tsokhiot splay", "strike-slip", &[&[(20.0, 16.2), (24.0, 19.5), (28.0, 22.8), (31.0, 25.5)]]),
    ("Bor Tolgoi fault", "strike-slip", &[&[(2.0, 17.0), (5.0, 22.0), (8.0, 26.0), (10.5, 31.0)]]),
    ("Ulaan Khud fault", "normal", &[&[(36.5, -1.0), (37.2, 6.0), (36.8, 12.0), (37.5, 17.0)]]),
    ("Khar Morit fault", "reverse", &[&[(26.0, -1.0), (28.0, 4.0), (29.5, 9.0)]]),
    ("Ikh Shanh fault zone", "strike-slip", &[&[(0.0, 8.0), (5.0, 9.2), (9.0, 10.1)], &[(9.6, 10.6), (14.0, 11.8), (18.0, 12.6)]]),
    ("Nariin Khudag fault", "normal", &[&[(14.0, 25.0), (18.0, 27.5), (22.0, 31.0)]]),
    ("Tsagaan Tolgoi thrust", "thrust", &[&[(28.0, 13.0), (33.0, 12.5), (38.0, 13.5)], &[(38.4, 14.2), (41.0, 15.0)]]),
];

/// Occurrences; pluton numbers index `MN_PLUTONS`.
#[rustfmt::skip]
const MN_OCCURRENCES: [OccurrenceSpec; 19] = [
    ("Khanbogd Central", "", "REE", "deposit", "carbonatite", Site::Centre(1)),
    ("Ulaan Tolgoi", "", "REE", "occurrence", "alkaline syenite", Site::Edge(0, 40.0, 0.8)),
    ("Bayan Ovoo", "", "REE", "occurrence", "alkaline syenite", Site::Edge(0, 200.0, 0.75)),
    ("Tsokhiot", "", "REE", "showing", "fenite", Site::Edge(0, 290.0, 1.08)),
    ("Khar Uul", "", "REE", "showing", "pegmatite", Site::Edge(0, 110.0, 1.2)),
    ("Tsagaan Uul", "", "Sn-W", "deposit", "greisen", Site::Edge(2, 70.0, 0.97)),
    ("Shiveet", "", "Sn", "occurrence", "quartz-cassiterite vein", Site::Edge(2, 160.0, 1.08)),
    ("Khuren Dell", "", "Sn-W", "occurrence", "greisen", Site::Edge(2, 300.0, 1.1)),
    ("Bayan Khoshuu", "", "Sn-W", "occurrence", "quartz-wolframite vein", Site::Edge(3, 220.0, 1.0)),
    ("Khoit Gol", "", "Sn", "showing", "quartz vein", Site::Edge(3, 20.0, 1.12)),
    ("Shar Khad", "", "Sn", "showing", "greisen", Site::Edge(4, 90.0, 1.05)),
    ("Nariin", "", "Sn-W", "showing", "quartz-wolframite vein", Site::Edge(5, 180.0, 1.1)),
    ("Oyut Khudag", "", "Cu-Mo", "deposit", "porphyry", Site::Centre(6)),
    ("Shuteen", "", "Cu-Mo", "occurrence", "porphyry", Site::Centre(7)),
    ("Zuun Mod", "", "Mo", "occurrence", "stockwork", Site::Km(24.2, 11.1)),
    ("Khokh Tolgoi", "", "Mo", "showing", "quartz-molybdenite vein", Site::Km(21.2, 8.2)),
    ("Bor Tolgoi", "", "Mo", "showing", "quartz-molybdenite vein", Site::Km(6.6, 24.0)),
    ("Javkhlant", "", "Cu-Mo", "showing", "breccia", Site::Km(27.5, 28.8)),
    ("Ovoot", "", "Sn", "showing", "placer", Site::Km(16.0, 5.0)),
];

fn mn_geology() -> Result<MnGeology> {
    let mut rng = Rng::new(0x4B48_414E_0001);
    let all = plutons(&mut rng, &MN_PLUTONS, |p| match p {
        Place::Km(x, y) => Ok(mn(x, y)),
        Place::Strata(..) => bail!("the Khanbogd model has no strata"),
    })?;
    let core = all[0]
        .body
        .poly
        .interiors()
        .first()
        .context("the ring complex has no core")?;
    if !Polygon::new(core.clone(), vec![]).contains(&all[1].body.poly) {
        bail!("the carbonatite plug leaves the ring complex's core");
    }
    let occurrences = occurrences(&MN_OCCURRENCES, &all, mn)?;
    let faults = faults(&mut rng, &MN_FAULTS, mn, (400.0, 60.0));
    let mut all = all.into_iter();
    let (Some(ring), Some(carbonatite)) = (all.next(), all.next()) else {
        bail!("MN_PLUTONS lost its first two entries");
    };
    let granites = all.by_ref().take(4).collect();
    let porphyries = all.collect();
    Ok(MnGeology {
        ring,
        carbonatite,
        granites,
        porphyries,
        faults,
        occurrences,
    })
}
pub fn make(dir: &Path) -> Result<()> {
    let geo = mn_geology()?;
    let to_lonlat = Reproj::new(32648, 4326)?;

    // Vectors.
    write_geojson(
        &dir.join("faults.geojson"),
        &fault_features(&geo.faults, &to_lonlat)?,
    )?;
    write_geojson(
        &dir.join("occurrences.geojson"),
        &Occurrence::features(&geo.occurrences, &to_lonlat, false)?,
    )?;
    let mut intrusions = Vec::new();
    for i in std::iter::once(&geo.ring)
        .chain([&geo.carbonatite])
        .chain(&geo.granites)
        .chain(&geo.porphyries)
    {
        let rings = std::iter::once(i.body.poly.exterior())
            .chain(i.body.poly.interiors())
            .map(|r| to_lonlat.line(r))
            .collect::<Result<Vec<_>>>()?;
        intrusions.push(Feat {
            props: vec![
                ("name", i.name.into()),
                ("lithology", i.lithology.into()),
                ("age", i.age.into()),
            ],
            geom: Geom::Polygon(rings),
        });
    }
    write_geojson(&dir.join("intrusions.geojson"), &intrusions)?;

    let effects = MnEffects::new(&geo);
    let dem = MnDem::new(&effects)?;
    dem.write(dir)?;
    write_text(
        &dir.join("stream_sediments.csv"),
        &mn_stream_sediments(&geo, &effects, &dem, &to_lonlat)?,
    )?;
    mn_radiometrics(dir, &effects)?;
    mn_magnetics(dir, &geo, &effects)?;
    write_text(&dir.join("project.toml"), MN_PROJECT)?;
    Ok(())
}

/// Geological controls on the Khanbogd block's geochemistry and geophysics at a point.
struct MnEffects<'a> {
    geo: &'a MnGeology,
    regional: [Field; 3],
}

struct MnPoint {
    /// Signed distances (m) to the ring complex, the carbonatite and the nearest granite.
    alk: f64,
    carb: f64,
    granite: f64,
    /// Distance (m) to the main porphyry's centre.
    porphyry: f64,
}

impl<'a> MnEffects<'a> {
    fn new(geo: &'a MnGeology) -> MnEffects<'a> {
        let mut rng = Rng::new(0x4B48_414E_0002);
        let regional = [
            Field::new(&mut rng, 12, 4_000.0, 30_000.0),
            Field::new(&mut rng, 12, 4_000.0, 30_000.0),
            Field::new(&mut rng, 12, 2_000.0, 20_000.0),
        ];
        MnEffects { geo, regional }
    }
    fn at(&self, x: f64, y: f64) -> MnPoint {
        let c = self.geo.porphyries[0].centre;
        MnPoint {
            alk: self.geo.ring.body.sd(x, y),
            carb: self.geo.carbonatite.body.sd(x, y),
            granite: self
                .geo
                .granites
                .iter()
                .map(|g| g.body.sd(x, y))
                .fold(f64::INFINITY, f64::min),
            porphyry: (x - c.0).hypot(y - c.1),
        }
    }
}

const MN_HEADER: &str = "sample_id,lon,lat,La_ppm,Ce_ppm,Nd_ppm,Y_ppm,Th_ppm,Nb_ppm,Sn_ppm,W_ppm,\
    Mo_ppm,Cu_ppm,Au_ppb,Fe2O3_pct";

/// Stream sediments: the planned sites moved onto the nearest large stream, and each sample's
/// composition the mix of its upstream basin's rocks (plus sampling and lab noise).
fn mn_stream_sediments(
    geo: &MnGeology,
    fx: &MnEffects,
    dem: &MnDem,
    to_lonlat: &Reproj,
) -> Result<String> {
    let mut rng = Rng::new(0x4B48_414E_0003);
    let (x0, y0) = mn(0.7, 0.7);
    let (x1, y1) = mn(39.3, 29.3);
    let mut sites = jittered_grid(&mut rng, (x0, x1, 28), (y0, y1, 22), 0.03);
    // Follow-up sampling at 400 m around the Oyut Khudag porphyry.
    let c = geo.porphyries[0].centre;
    for j in -2..=2 {
        for i in -2..=2 {
            if (i, j) != (0, 0) {
                sites.push((
                    c.0 + 400.0 * i as f64 + rng.range(-60.0, 60.0),
                    c.1 + 400.0 * j as f64 + rng.range(-60.0, 60.0),
                ));
            }
        }
    }
    let occ = &geo.occurrences;
    // The rocks' signals at each cell, averaged over the basin upstream of it.
    let basins = dem.basin_means(|x, y| {
        let e = fx.at(x, y);
        [
            (-e.alk.max(0.0) / 1500.0).exp(),
            (-e.carb.max(0.0) / 800.0).exp(),
            (-e.granite.abs() / 800.0).exp(),
            if e.granite < 0.0 { 1.0 } else { 0.0 },
            (-(e.porphyry / 2500.0).powi(2)).exp(),
            (-(e.porphyry / 4000.0).powi(2)).exp(),
            Occurrence::halo(occ, "REE", x, y, 700.0),
            Occurrence::halo(occ, "Sn", x, y, 700.0) + Occurrence::halo(occ, "W", x, y, 700.0),
            Occurrence::halo(occ, "Mo", x, y, 700.0),
        ]
    });
    let mut cells = Vec::with_capacity(sites.len());
    for site in sites.iter_mut() {
        let cell = dem.stream_cell(site.0, site.1);
        let (cx, cy) = MnDem::centre(cell);
        // GPS error of a handheld receiver.
        *site = (cx + rng.range(-15.0, 15.0), cy + rng.range(-15.0, 15.0));
        cells.push(cell);
    }
    let lonlat = to_lonlat.points(&sites)?;

    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(MN_HEADER.split(','))?;
    let mut number = 0;
    for ((&(x, y), (lon, lat)), &cell) in sites.iter().zip(lonlat).zip(&cells) {
        // Sample numbers skip now and then (samples lost, numbers voided in the field).
        number += if rng.chance(0.04) { 2 } else { 1 };
        let [alk, carb, margin, in_granite, por, por_wide, ree, snw, moly] = basins[cell];
        let [r0, r1, r2] = [
            fx.regional[0].at(x, y),
            fx.regional[1].at(x, y),
            fx.regional[2].at(x, y),
        ];
        let n_ree = 0.3 * rng.normal() + 0.15 * r0;
        let la = 30.0
            * (n_ree + 0.1 * rng.normal()).exp()
            * (1.0 + 10.0 * alk + 25.0 * carb + 8.0 * ree);
        let ce = la * 1.95 * (0.06 * rng.normal()).exp();
        let nd = la * 0.85 * (0.08 * rng.normal()).exp();
        let yt = 20.0 * (0.8 * n_ree + 0.12 * rng.normal()).exp() * (1.0 + 2.5 * alk + 3.0 * carb);
        let th = 10.0
            * (0.3 * rng.normal() + 0.15 * r0).exp()
            * (1.0 + 5.0 * alk + 6.0 * carb + 0.8 * in_granite);
        let nb = 12.0 * (0.3 * rng.normal()).exp() * (1.0 + 7.0 * alk + 10.0 * carb);
        let sn = 2.6 * (0.45 * rng.normal() + 0.2 * r1).exp() * (1.0 + 12.0 * margin + 6.0 * snw);
        let wo = 1.8 * (0.5 * rng.normal() + 0.1 * r1).exp() * (1.0 + 8.0 * margin + 6.0 * snw);
        let mo = 1.2 * (0.42 * rng.normal()).exp() * (1.0 + 35.0 * por + 15.0 * moly);
        let cu =
            25.0 * (0.4 * rng.normal() + 0.15 * r2).exp() * (1.0 + 20.0 * por_wide + 5.0 * moly);
        let au = 2.2 * (0.45 * rng.normal()).exp() * (1.0 + 6.0 * por);
        let fe = 5.0 * (0.18 * rng.normal() + 0.1 * r2).exp() * (1.0 + 0.4 * por_wide + 0.2 * alk);
        let values = [
            (la, 1, None),
            (ce, 1, None),
            (nd, 1, None),
            (yt, 1, None),
            (th, 1, None),
            (nb, 1, None),
            (sn, 1, Some((1.0, "<1"))),
            (wo, 1, None),
            (mo, 2, Some((0.5, "<0.5"))),
            (cu, 1, None),
            (au, 1, Some((1.0, "<1"))),
            (fe, 2, None),
        ];
        let mut record = vec![
            format!("KB21-SS-{number:04}"),
            format!("{lon:.6}"),
            format!("{lat:.6}"),
        ];
        for (v, decimals, dl) in values {
            record.push(assay(v, decimals, dl));
        }
        // About one value in a hundred is missing: blank (not analysed) or "n.d." (not determined).
        for cell in record.iter_mut().skip(3) {
            if rng.chance(0.009) {
                *cell = if rng.chance(0.5) {
                    String::new()
                } else {
                    "n.d.".into()
                };
            }
        }
        w.write_record(&record)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// eTh (ppm) on a 0.001 degree lon/lat grid, with flight-line gaps.
fn mn_radiometrics(dir: &Path, fx: &MnEffects) -> Result<()> {
    const NODATA: f32 = -9999.0;
    let (lon0, lat0, cell, width, height) = (106.97, 43.32, 0.001, 560, 340);
    let mut centres = Vec::with_capacity(width * height);
    for r in 0..height {
        for c in 0..width {
            centres.push((
                lon0 + (c as f64 + 0.5) * cell,
                lat0 - (r as f64 + 0.5) * cell,
            ));
        }
    }
    let utm = Reproj::new(4326, 32648)?.points(&centres)?;
    let mut rng = Rng::new(0x4B48_414E_0004);
    let mut data: Vec<f32> = utm
        .iter()
        .map(|&(x, y)| {
            let e = fx.at(x, y);
            let v = 9.0 * (0.18 * fx.regional[0].at(x, y)).exp()
                + 7.0 * sigmoid(-e.granite / 300.0)
                + 40.0 * sigmoid(-e.alk / 250.0)
                + 70.0 * sigmoid(-e.carb / 200.0)
                + 0.8 * rng.normal();
            ((v.max(0.5) * 100.0).round() / 100.0) as f32
        })
        .collect();
    // Flight lines run north-south: gaps are narrow strips of missing lines, plus one patch
    // that was not flown (a camp and its airstrip).
    for (c0, w, r0, len) in [
        (112, 3, 40, 120),
        (201, 4, 60, 115),
        (301, 4, 150, 140),
        (455, 2, 10, 90),
        (520, 3, 200, 120),
    ] {
        for r in r0..(r0 + len).min(height) {
            for c in c0..c0 + w {
                data[r * width + c] = NODATA;
            }
        }
    }
    for r in 0..height {
        for c in 0..width {
            let (u, v) = ((c as f64 - 380.0) / 18.0, (r as f64 - 265.0) / 12.0);
            if u * u + v * v < 1.0 {
                data[r * width + c] = NODATA;
            }
        }
    }
    write_raster(
        &dir.join("radiometrics_eTh.tif"),
        Raster {
            driver: "GTiff",
            options: &[
                "COMPRESS=DEFLATE",
                "PREDICTOR=3",
                "ZLEVEL=9",
                "TILED=YES",
                "BLOCKXSIZE=256",
                "BLOCKYSIZE=256",
            ],
            epsg: 4326,
            transform: [lon0, cell, 0.0, lat0, 0.0, -cell],
            width,
            height,
            data,
            nodata: NODATA as f64,
            description: "eTh",
            unit: "ppm",
        },
    )
}

/// Elevations (m) at 90 m in UTM 48N, as an SRTM tile cut to the block would give them: a
/// plateau falling to the south-east with rolling relief, the granites and the ring complex
/// standing up as resistant hills, and centimetre noise that leaves many one-cell pits; with
/// its drainage (geoprospect's own conditioning), which places the stream-sediment samples.
struct MnDem {
    data: Vec<f32>,
    flow: FlowGrid,
    acc: Accumulation,
}

impl MnDem {
    const X0: f64 = 661_000.0;
    const Y0: f64 = 4_798_000.0;
    const CELL: f64 = 90.0;
    const WIDTH: usize = 512;
    const HEIGHT: usize = 400;

    fn new(fx: &MnEffects) -> Result<MnDem> {
        let mut rng = Rng::new(0x4B48_414E_0006);
        let relief = Field::new(&mut rng, 14, 2_500.0, 25_000.0);
        let mut data = Vec::with_capacity(Self::WIDTH * Self::HEIGHT);
        for i in 0..Self::WIDTH * Self::HEIGHT {
            let (x, y) = Self::centre(i);
            let e = fx.at(x, y);
            let v = 1250.0 + 0.006 * (y - MN_Y0) - 0.003 * (x - MN_X0)
                + 35.0 * relief.at(x, y)
                + 90.0 * sigmoid(-e.granite / 400.0)
                + 120.0 * sigmoid(-e.alk / 500.0)
                + 0.3 * rng.normal();
            data.push(((v * 10.0).round() / 10.0) as f32);
        }
        let (flow, acc) = condition(&data, Self::WIDTH, Self::HEIGHT)?;
        Ok(MnDem { data, flow, acc })
    }

    fn centre(i: usize) -> (f64, f64) {
        let (r, c) = (i / Self::WIDTH, i % Self::WIDTH);
        (
            Self::X0 + (c as f64 + 0.5) * Self::CELL,
            Self::Y0 - (r as f64 + 0.5) * Self::CELL,
        )
    }

    /// Where a crew samples near a planned site: the largest stream (flow accumulation of at
    /// least [`MIN_STREAM_CELLS`]) within 600 m, else the site's own cell.
    fn stream_cell(&self, x: f64, y: f64) -> usize {
        let col = ((x - Self::X0) / Self::CELL).floor() as isize;
        let row = ((Self::Y0 - y) / Self::CELL).floor() as isize;
        let reach = (600.0 / Self::CELL).ceil() as isize;
        let own = (row.clamp(0, Self::HEIGHT as isize - 1) as usize) * Self::WIDTH
            + col.clamp(0, Self::WIDTH as isize - 1) as usize;
        let mut best = (self.acc.cells[own], own);
        for dr in -reach..=reach {
            for dc in -reach..=reach {
                let (r, c) = (row + dr, col + dc);
                if r < 0 || c < 0 || r >= Self::HEIGHT as isize || c >= Self::WIDTH as isize {
                    continue;
                }
                if ((dr * dr + dc * dc) as f64).sqrt() * Self::CELL > 600.0 {
                    continue;
                }
                let i = r as usize * Self::WIDTH + c as usize;
                let a = self.acc.cells[i];
                if a >= MIN_STREAM_CELLS && a > best.0 {
                    best = (a, i);
                }
            }
        }
        best.1
    }

    /// The mean of `f` over the basin upstream of each cell (the cell included): what a
    /// stream sediment taken there mixes (Hawkes 1976).
    fn basin_means<const N: usize>(&self, f: impl Fn(f64, f64) -> [f64; N]) -> Vec<[f64; N]> {
        let mut sums: Vec<[f64; N]> = (0..self.data.len())
            .map(|i| {
                let (x, y) = Self::centre(i);
                f(x, y)
            })
            .collect();
        for &i in &self.acc.order {
            if let Some(j) = self.flow.downstream(i as usize) {
                let add = sums[i as usize];
                for (s, a) in sums[j].iter_mut().zip(add) {
                    *s += a;
                }
            }
        }
        for (s, &n) in sums.iter_mut().zip(&self.acc.cells) {
            for v in s.iter_mut() {
                *v /= n.max(1) as f64;
            }
        }
        sums
    }

    fn write(&self, dir: &Path) -> Result<()> {
        write_raster(
            &dir.join("dem.tif"),
            Raster {
                driver: "GTiff",
                options: &[
                    "COMPRESS=DEFLATE",
                    "PREDICTOR=3",
                    "ZLEVEL=9",
                    "TILED=YES",
                    "BLOCKXSIZE=256",
                    "BLOCKYSIZE=256",
                ],
                epsg: 32648,
                transform: [Self::X0, Self::CELL, 0.0, Self::Y0, 0.0, -Self::CELL],
                width: Self::WIDTH,
                height: Self::HEIGHT,
                data: self.data.clone(),
                nodata: -32768.0,
                description: "elevation",
                unit: "m",
            },
        )
    }
}

/// Streams a crew samples drain at least this many 90 m cells (0.4 km²).
const MIN_STREAM_CELLS: u32 = 50;

/// Residual TMI (nT) at 200 m in UTM 48N, as an ER Mapper grid.
fn mn_magnetics(dir: &Path, geo: &MnGeology, fx: &MnEffects) -> Result<()> {
    const NODATA: f32 = -99999.0;
    let (x0, y0, cell, width, height) = (660_000.0, 4_799_000.0, 200.0, 240, 190);
    let mut rng = Rng::new(0x4B48_414E_0005);
    let regional = Field::new(&mut rng, 10, 6_000.0, 40_000.0);
    let (main_fault, oyut_fault) = (&geo.faults[0].parts, &geo.faults[3].parts);
    let (xc, yc) = geo.ring.centre;
    let mut data = Vec::with_capacity(width * height);
    for r in 0..height {
        for c in 0..width {
            let (x, y) = (x0 + (c as f64 + 0.5) * cell, y0 - (r as f64 + 0.5) * cell);
            // The survey outline cuts off the north-east corner.
            if (x - 695_000.0) + (y - 4_799_000.0) > -3_000.0 {
                data.push(NODATA);
                continue;
            }
            let e = fx.at(x, y);
            // Induced magnetisation at inclination ~60 degrees: the high sits a little south of
            // the body, a low lies to its north.
            let alk_south = geo.ring.body.sd(x, y + 700.0);
            let v = 40.0 * regional.at(x, y) + 320.0 * sigmoid(-alk_south / 400.0)
                - 110.0
                    * (-((x - xc) / 6000.0).powi(2) - ((y - yc - 6500.0) / 3500.0).powi(2)).exp()
                + 200.0 * sigmoid(-e.carb / 300.0)
                - 95.0 * (-(line_distance(main_fault, x, y) / 400.0).powi(2)).exp()
                - 40.0 * (-(line_distance(oyut_fault, x, y) / 300.0).powi(2)).exp()
                + 90.0 * (-(e.porphyry / 700.0).powi(2)).exp()
                - 60.0 * (-((e.porphyry - 2000.0) / 600.0).powi(2)).exp()
                - 25.0 * sigmoid(-e.granite / 300.0)
                + 2.0 * rng.normal();
            data.push(((v * 10.0).round() / 10.0) as f32);
        }
    }
    write_raster(
        &dir.join("magnetics_tmi.ers"),
        Raster {
            driver: "ERS",
            options: &["PROJ=NUTM48", "DATUM=WGS84", "UNITS=METERS"],
            epsg: 32648,
            transform: [x0, cell, 0.0, y0, 0.0, -cell],
            width,
            height,
            data,
            nodata: NODATA as f64,
            description: "TMI residual",
            unit: "nT",
        },
    )
}

const MN_PROJECT: &str = r#"# Khanbogd block, southern Gobi, Mongolia: a synthetic survey batch.
# Made by `cargo run --release --example make_samples`; see ../README.md for the geology.
# Paths are relative to this file.

[project]
name = "Khanbogd block"
# Analysis CRS: WGS 84 / UTM zone 48N. Every layer is brought onto a grid in this CRS.
crs = "EPSG:32648"
# Cell size in metres.
resolution = 100.0
# No `extent`: the grid covers the stream-sediment samples' bounding box plus this margin (m).
margin = 2000.0

# Stream-sediment geochemistry (-80 mesh), coordinates as the GPS gave them: lon/lat, WGS 84.
# UTF-8; values below detection are written "<0.5" (Mo), "<1" (Sn, Au_ppb); blank or "n.d."
# means not determined. Units come from the column names (_ppm, _ppb, _pct).
[[samples]]
path = "stream_sediments.csv"
x = "lon"
y = "lat"
crs = "EPSG:4326"
# A stream-sediment sample stands for the basin upstream of it: its elements are mapped over
# the samples' nested catchments on the DEM (`role = "dem"` below), not interpolated.
medium = "stream_sediment"

# Elevations (m) at 90 m, UTM 48N: the DEM the catchments drain over.
[[rasters]]
path = "dem.tif"
name = "elevation"
role = "dem"

# Airborne gamma-ray spectrometry: equivalent thorium (ppm) on a 0.001 degree lon/lat grid.
# Nodata (-9999) where flight lines are missing. Thorium is high over the alkaline complex.
[[rasters]]
path = "radiometrics_eTh.tif"
name = "eTh"
kind = "continuous"

# Residual total magnetic intensity (nT), 200 m cells, as the contractor delivered it: an
# ER Mapper grid. Its header says NUTM48 / WGS84, but GDAL can only read ER Mapper projection
# names with the `ecw_cs.wkt` dictionary, which Debian's GDAL does not ship; so the CRS is
# stated here. A magnetic high marks the alkaline complex, a linear low the Khanbogd fault.
[[rasters]]
path = "magnetics_tmi.ers"
name = "tmi"
kind = "continuous"
crs = "EPSG:32648"

# Mapped faults (lines), attributes `name` and `type` (thrust, strike-slip, normal, reverse).
[[vectors]]
path = "faults.geojson"
name = "faults"
role = "faults"

# One intrusions file holds every pluton; `where` picks the ones each role needs.
# Triassic granites: the heat and fluid source of the Sn-W greisens and veins.
[[vectors]]
path = "intrusions.geojson"
name = "granite"
role = "granite"
where = "lithology = 'granite'"

# The Permian alkaline ring complex and its carbonatite plug: the REE source.
[[vectors]]
path = "intrusions.geojson"
name = "alkaline"
role = "alkaline"
where = "lithology IN ('alkaline syenite', 'carbonatite')"

# Known mineral occurrences. `commodity` is REE, Sn, Sn-W, Mo or Cu-Mo; a compound value counts
# for each of its parts. `status` is deposit, occurrence or showing.
[deposits]
path = "occurrences.geojson"
commodity = "commodity"
name = "name"

# Sn is mapped twice: by its fuzzy preset (prospectivity_sn.tif) and by gradient boosting on
# the raw values of the same evidence, trained on the Sn occurrences against background cells
# (prospectivity_sn_gradient-boosting.tif, with its uncertainty), side by side in report.html.
[models.sn]
compare = ["gradient-boosting"]
"#;
