//! Korea: the Gangwon block (EPSG:5186). Its geology (folded strata, granites, the floodplain,
//! faults, occurrences), the geological map, the skarn effects, the soil assays, the TMI grid and
//! its project file.
use std::f64::consts::TAU;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, FieldDefn, Geometry, LayerAccess, LayerOptions};
use gdal::DriverManager;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, LineString, MultiPolygon, Polygon};

use crate::faults::{fault_features, faults, Fault, FaultSpec};
use crate::field::{sigmoid, Field};
use crate::occurrences::{occurrences, Occurrence, OccurrenceSpec, Site};
use crate::plutons::{plutons, Intrusion, Place, PlutonSpec};
use crate::reproj::Reproj;
use crate::rng::Rng;
use crate::sampling::{assay, jittered_grid};
use crate::shapes::{line_distance, trace, Body};
use crate::write::{write_geojson, write_raster, write_text, Raster};

/// South-west corner of the Gangwon block in EPSG:5186, and its size in 100 m cells.
const KR_X0: f64 = 318_000.0;
const KR_Y0: f64 = 493_000.0;
const KR_CELL: f64 = 100.0;
const KR_W: usize = 300;
const KR_H: usize = 250;

fn kr(xk: f64, yk: f64) -> (f64, f64) {
    (KR_X0 + xk * 1000.0, KR_Y0 + yk * 1000.0)
}

/// Strike of the Palaeozoic strata: 30 degrees north of east.
const KR_STRIKE: f64 = 30.0;

/// (along strike, across strike) km to block-local km.
fn kr_ts(t: f64, s: f64) -> (f64, f64) {
    let (sin, cos) = KR_STRIKE.to_radians().sin_cos();
    (t * cos - s * sin, t * sin + s * cos)
}

/// The Joseon and Pyeongan successions, oldest first:
/// (unit, unit in Korean, lithology, age, upper boundary across strike in km).
#[rustfmt::skip]
const KR_STRATA: [(&str, &str, &str, &str, f64); 8] = [
    ("Jangsan Quartzite", "장산규암층", "quartzite", "Cambrian", -10.0),
    ("Myobong Formation", "묘봉층", "shale", "Cambrian", -6.0),
    ("Pungchon Limestone", "풍촌석회암층", "limestone", "Cambrian", 0.0),
    ("Hwajeol Formation", "화절층", "shale", "Cambrian", 3.0),
    ("Dongjeom Quartzite", "동점규암층", "quartzite", "Ordovician", 4.5),
    ("Dumugol Formation", "두무골층", "shale", "Ordovician", 8.0),
    ("Makgol Formation", "막골층", "limestone", "Ordovician", 13.0),
    ("Pyeongan Supergroup", "평안누층군", "sandstone", "Carboniferous-Permian", f64::INFINITY),
];

/// Folding: the across-strike position of boundary `i` at along-strike position `t` (km).
fn kr_fold(i: usize, t: f64) -> f64 {
    let wobble = 0.15 * (TAU * t / 5.3 + 1.3 * i as f64).sin();
    KR_STRATA[i].4 + 2.2 * (TAU * t / 13.0 + 0.7).sin() + wobble
}

struct KrGeology {
    /// Jurassic (Daebo) batholiths, then Cretaceous (Bulguksa) stocks.
    daebo: Vec<Intrusion>,
    stocks: Vec<Intrusion>,
    /// The Namhan River floodplain.
    alluvium: Body,
    faults: Vec<Fault>,
    occurrences: Vec<Occurrence>,
}

impl KrGeology {
    /// Stratigraphic unit index (into [`KR_STRATA`]) beneath point (m), ignoring intrusions.
    fn stratum(x: f64, y: f64) -> usize {
        let (xk, yk) = ((x - KR_X0) / 1000.0, (y - KR_Y0) / 1000.0);
        let (sin, cos) = KR_STRIKE.to_radians().sin_cos();
        let (t, s) = (xk * cos + yk * sin, -xk * sin + yk * cos);
        (0..KR_STRATA.len() - 1)
            .take_while(|&i| s > kr_fold(i, t))
            .count()
    }

    /// Lithology at a point (m).
    fn lithology(&self, x: f64, y: f64) -> &'static str {
        let granite = self
            .daebo
            .iter()
            .chain(&self.stocks)
            .any(|g| g.body.sd(x, y) < 0.0);
        if self.alluvium.sd(x, y) < 0.0 {
            "alluvium"
        } else if granite {
            "granite"
        } else {
            KR_STRATA[Self::stratum(x, y)].2
        }
    }
}

#[rustfmt::skip]
const KR_PLUTONS: [PlutonSpec; 5] = [
    // Jurassic Daebo batholiths (ilmenite series).
    ("Pyeongchang granite", "granite", "Jurassic", Place::Km(2.0, 23.0), (6000.0, 4500.0), -10.0, None),
    ("Danyang granite", "granite", "Jurassic", Place::Km(29.0, 2.0), (3500.0, 2500.0), 25.0, None),
    // Cretaceous Bulguksa stocks (magnetite series), placed by stratigraphy: Seokhang in the
    // Pungchon Limestone (the skarn host; a limestone roof pendant), Mureung in the Dongjeom
    // Quartzite, Naeri low in the Pungchon Limestone.
    ("Seokhang stock", "granite", "Cretaceous", Place::Strata(18.0, 1, 3.3), (1800.0, 1300.0), KR_STRIKE, Some(((0.2, 0.0), (450.0, 300.0)))),
    ("Mureung stock", "granite", "Cretaceous", Place::Strata(28.0, 3, 0.6), (1400.0, 1100.0), 70.0, None),
    ("Naeri stock", "granite", "Cretaceous", Place::Strata(12.0, 1, 2.2), (1000.0, 800.0), 10.0, None),
];

/// Faults besides the Yeongwol thrust (which follows the folded strata, so is made in code);
/// `kr_magnetics` puts a linear low on the first (Deokpo).
#[rustfmt::skip]
const KR_FAULTS: [FaultSpec; 5] = [
    ("Deokpo fault", "strike-slip", &[&[(5.0, -1.0), (8.0, 8.0), (11.5, 17.0), (14.0, 26.0)]]),
    ("Jucheon fault", "normal", &[&[(26.0, -1.0), (21.0, 5.0), (16.5, 10.0), (12.0, 14.0)]]),
    ("Sindong fault", "normal", &[&[(31.0, 10.0), (27.0, 16.0), (23.5, 21.0), (20.0, 26.0)]]),
    ("Machari fault", "strike-slip", &[&[(-1.0, 8.0), (4.0, 9.5), (8.0, 10.2)], &[(8.5, 10.8), (12.0, 12.0), (15.0, 12.6)]]),
    ("Gogeun fault", "reverse", &[&[(18.0, 26.0), (22.0, 23.0), (27.0, 21.5), (31.0, 20.0)]]),
];

/// Occurrences; pluton numbers index `KR_PLUTONS`.
#[rustfmt::skip]
const KR_OCCURRENCES: [OccurrenceSpec; 13] = [
    ("Seokhang", "석항", "W-Mo", "deposit", "skarn", Site::Edge(2, 120.0, 1.06)),
    ("Okdong", "옥동", "W-Mo", "occurrence", "skarn", Site::Edge(2, 300.0, 1.08)),
    ("Gamdong", "감동", "W-Mo", "occurrence", "skarn", Site::Edge(2, 210.0, 1.1)),
    ("Naeri", "내리", "W-Mo", "showing", "skarn", Site::Edge(4, 90.0, 1.08)),
    ("Mureung", "무릉", "Sn", "occurrence", "greisen", Site::Edge(3, 45.0, 0.95)),
    ("Jucheon", "주천", "Sn", "showing", "quartz-cassiterite vein", Site::Edge(3, 200.0, 1.06)),
    ("Hwawon", "화원", "Mo", "occurrence", "quartz-molybdenite vein", Site::Edge(3, 300.0, 0.9)),
    ("Bukmyeon", "북면", "Mo", "occurrence", "quartz-molybdenite vein", Site::Edge(0, 300.0, 0.85)),
    ("Yeonha", "연하", "Mo", "showing", "quartz-molybdenite vein", Site::Edge(0, 20.0, 0.95)),
    ("Deokpo", "덕포", "Mo", "showing", "quartz vein", Site::Edge(1, 120.0, 0.9)),
    ("Gimsatgat", "김삿갓", "REE", "showing", "monazite pegmatite", Site::Edge(0, 250.0, 1.02)),
    ("Hanbando", "한반도", "REE", "occurrence", "syenite dyke", Site::Km(7.5, 13.5)),
    ("Jungdong", "중동", "W-Mo", "showing", "skarn", Site::Km(24.5, 9.0)),
];

fn kr_geology() -> Result<KrGeology> {
    let mut rng = Rng::new(0x4741_4E47_0001);
    let all = plutons(&mut rng, &KR_PLUTONS, |p| {
        Ok(match p {
            Place::Km(x, y) => kr(x, y),
            Place::Strata(t, i, by) => {
                let (x, y) = kr_ts(t, kr_fold(i, t) + by);
                kr(x, y)
            }
        })
    })?;
    let occurrences = occurrences(&KR_OCCURRENCES, &all, kr)?;

    // The river: a gentle meander from west to east, 500-900 m of floodplain.
    let centre_line: Vec<(f64, f64)> = (0..=160)
        .map(|i| {
            let x = -2.0 + 34.0 * i as f64 / 160.0;
            (
                x,
                11.0 + 3.0 * (x / 9.0).sin() + 0.6 * (TAU * x / 5.0 + 1.0).sin(),
            )
        })
        .collect();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for (i, &(x, y)) in centre_line.iter().enumerate() {
        let p = centre_line[i.saturating_sub(1)];
        let q = centre_line[(i + 1).min(centre_line.len() - 1)];
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len = dx.hypot(dy);
        let half = 0.35 + 0.1 * (x / 3.1).sin();
        left.push(kr(x - dy / len * half, y + dx / len * half));
        right.push(kr(x + dy / len * half, y - dx / len * half));
    }
    right.reverse();
    left.extend(right);
    left.push(left[0]);
    let alluvium = Body::new(LineString::from(left), vec![])?;

    // The Yeongwol thrust runs along the strata, 2 km above the Jangsan Quartzite's top.
    let thrust: Vec<(f64, f64)> = (0..=12)
        .map(|i| {
            let t = -3.0 + 3.5 * i as f64;
            let (x, y) = kr_ts(t, kr_fold(0, t) + 2.0);
            kr(x, y)
        })
        .collect();
    let mut faults = vec![Fault {
        name: "Yeongwol thrust",
        kind: "thrust",
        parts: vec![trace(&mut rng, &thrust, 300.0, 50.0)],
    }];
    faults.extend(self::faults(&mut rng, &KR_FAULTS, kr, (300.0, 50.0)));

    let mut all = all.into_iter();
    let daebo = all.by_ref().take(2).collect();
    let stocks = all.collect();
    Ok(KrGeology {
        daebo,
        stocks,
        alluvium,
        faults,
        occurrences,
    })
}
pub fn make(dir: &Path) -> Result<()> {
    let geo = kr_geology()?;
    let to_lonlat = Reproj::new(5186, 4326)?;
    write_geojson(
        &dir.join("faults.geojson"),
        &fault_features(&geo.faults, &to_lonlat)?,
    )?;
    write_geojson(
        &dir.join("occurrences.geojson"),
        &Occurrence::features(&geo.occurrences, &to_lonlat, true)?,
    )?;
    kr_geology_shapefile(&dir.join("geology.shp"), &geo)?;
    let effects = KrEffects::new(&geo);
    kr_soils(&dir.join("soil_assays.csv"), &geo, &effects)?;
    kr_magnetics(&dir.join("magnetics.tif"), &geo)?;
    let project = KR_PROJECT.replace(
        "EXTENT",
        &format!(
            "[{KR_X0:.1}, {KR_Y0:.1}, {:.1}, {:.1}]",
            KR_X0 + KR_W as f64 * KR_CELL,
            KR_Y0 + KR_H as f64 * KR_CELL
        ),
    );
    write_text(&dir.join("project.toml"), &project)
}

/// The geological map: strata between folded boundaries, cut by granites and the floodplain,
/// covering the block and 1 km around it, one feature per outcrop polygon.
fn kr_geology_shapefile(path: &Path, geo: &KrGeology) -> Result<()> {
    let (fx0, fy0) = kr(-1.0, -1.0);
    let (fx1, fy1) = kr(31.0, 26.0);
    let frame = Polygon::new(
        LineString::from(vec![
            (fx0, fy0),
            (fx1, fy0),
            (fx1, fy1),
            (fx0, fy1),
            (fx0, fy0),
        ]),
        vec![],
    );
    let alluvium = MultiPolygon::new(vec![geo.alluvium.poly.clone()])
        .intersection(&MultiPolygon::new(vec![frame.clone()]));
    let granites = MultiPolygon::new(
        geo.daebo
            .iter()
            .chain(&geo.stocks)
            .map(|g| g.body.poly.clone())
            .collect(),
    );
    let cover = granites.union(&alluvium);

    let mut units: Vec<(&str, &str, &str, &str, MultiPolygon<f64>)> = Vec::new();
    let ts: Vec<f64> = (0..=240).map(|i| -8.0 + 0.25 * i as f64).collect();
    for (i, &(unit, unit_ko, lithology, age, _)) in KR_STRATA.iter().enumerate() {
        let lower: Vec<(f64, f64)> = ts
            .iter()
            .map(|&t| kr_ts(t, if i == 0 { -40.0 } else { kr_fold(i - 1, t) }))
            .collect();
        let upper: Vec<(f64, f64)> = ts
            .iter()
            .rev()
            .map(|&t| {
                kr_ts(
                    t,
                    if i + 1 == KR_STRATA.len() {
                        40.0
                    } else {
                        kr_fold(i, t)
                    },
                )
            })
            .collect();
        let mut ring: Vec<(f64, f64)> = lower
            .into_iter()
            .chain(upper)
            .map(|(x, y)| kr(x, y))
            .collect();
        ring.push(ring[0]);
        let band = Polygon::new(LineString::from(ring), vec![]);
        units.push((
            unit,
            unit_ko,
            lithology,
            age,
            band.intersection(&frame).difference(&cover),
        ));
    }
    for g in geo.daebo.iter().chain(&geo.stocks) {
        let (unit_ko, name) = match g.age {
            "Jurassic" => ("대보화강암", g.name),
            _ => ("불국사화강암", g.name),
        };
        let part = MultiPolygon::new(vec![g.body.poly.clone()])
            .intersection(&MultiPolygon::new(vec![frame.clone()]));
        units.push((name, unit_ko, "granite", g.age, part.difference(&alluvium)));
    }
    units.push((
        "Namhan River alluvium",
        "충적층",
        "alluvium",
        "Quaternary",
        alluvium,
    ));

    let driver = DriverManager::get_driver_by_name("ESRI Shapefile")?;
    let mut ds = driver.create_vector_only(path)?;
    let srs = SpatialRef::from_epsg(5186)?;
    let layer = ds.create_layer(LayerOptions {
        name: "geology",
        srs: Some(&srs),
        ty: gdal_sys::OGRwkbGeometryType::wkbPolygon,
        options: Some(&["ENCODING=CP949", "DBF_DATE_LAST_UPDATE=2024-03-15"]),
    })?;
    for (name, width) in [
        ("lithology", 12),
        ("age", 24),
        ("unit", 32),
        ("unit_ko", 24),
    ] {
        let field = FieldDefn::new(name, gdal_sys::OGRFieldType::OFTString)?;
        field.set_width(width);
        field.add_to_layer(&layer)?;
    }
    for (unit, unit_ko, lithology, age, parts) in &units {
        for poly in parts.iter().map(|p| p.clone().orient(Direction::Default)) {
            if geo::Area::unsigned_area(&poly) < 5_000.0 {
                continue; // slivers from the boolean operations
            }
            let mut wkt = String::from("POLYGON (");
            for (k, ring) in std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .enumerate()
            {
                wkt.push_str(if k == 0 { "(" } else { ",(" });
                for (j, c) in ring.0.iter().enumerate() {
                    let _ = write!(
                        wkt,
                        "{}{:.2} {:.2}",
                        if j == 0 { "" } else { "," },
                        c.x,
                        c.y
                    );
                }
                wkt.push(')');
            }
            wkt.push(')');
            let mut feature = Feature::new(layer.defn())?;
            for (idx, value) in [*lithology, *age, *unit, *unit_ko].into_iter().enumerate() {
                feature.set_field_string(idx, value)?;
            }
            feature.set_geometry(Geometry::from_wkt(&wkt)?)?;
            feature.create(&layer)?;
        }
    }
    ds.close()?;
    Ok(())
}

struct KrEffects<'a> {
    geo: &'a KrGeology,
    regional: Field,
}

impl<'a> KrEffects<'a> {
    fn new(geo: &'a KrGeology) -> KrEffects<'a> {
        KrEffects {
            geo,
            regional: Field::new(&mut Rng::new(0x4741_4E47_0002), 12, 3_000.0, 25_000.0),
        }
    }
    /// Skarn intensity: near a Cretaceous stock, strongest where the wall rock is limestone.
    fn skarn(&self, x: f64, y: f64, lithology: &str) -> f64 {
        let host = match lithology {
            "limestone" => 1.0,
            "shale" => 0.45,
            _ => 0.2,
        };
        self.geo
            .stocks
            .iter()
            .map(|s| {
                let d = s.body.sd(x, y);
                if d < 0.0 {
                    0.25 * (d / 300.0).exp()
                } else {
                    host * (-d / 500.0).exp()
                }
            })
            .sum()
    }
}

/// Background soil levels by lithology: Mo, Sn, W, La, Ce/La, Y, Cu (ppm), Fe2O3 (%).
fn kr_background(lithology: &str) -> [f64; 8] {
    match lithology {
        "quartzite" => [0.8, 2.2, 1.2, 15.0, 2.0, 10.0, 10.0, 2.0],
        "shale" => [1.5, 3.5, 2.0, 40.0, 2.0, 25.0, 35.0, 6.5],
        "limestone" => [0.9, 2.0, 1.5, 12.0, 1.9, 12.0, 12.0, 2.5],
        "sandstone" => [1.0, 3.0, 1.5, 30.0, 2.0, 20.0, 25.0, 4.5],
        "granite" => [1.5, 5.0, 2.5, 45.0, 2.05, 28.0, 10.0, 3.0],
        _ => [1.0, 3.0, 2.0, 30.0, 2.0, 20.0, 22.0, 5.0],
    }
}

/// The county a point (block-local km) lies in, roughly.
fn kr_region(xk: f64, yk: f64) -> &'static str {
    if xk < 12.0 && yk < 8.0 {
        "단양"
    } else if xk < 15.0 && yk > 18.0 {
        "평창"
    } else if xk > 20.0 && yk > 6.0 {
        "정선"
    } else {
        "영월"
    }
}

/// Sample number, coordinates, county, assays, remarks.
const KR_HEADER: &str =
    "시료번호,X_5179,Y_5179,지역,Mo (ppm),Sn (ppm),W (ppm),La (ppm),Ce (ppm),Y (ppm),\
    Cu (ppm),Fe2O3 (%),비고";

fn kr_soils(path: &Path, geo: &KrGeology, fx: &KrEffects) -> Result<()> {
    let mut rng = Rng::new(0x4741_4E47_0003);
    let (x0, y0) = kr(0.8, 0.8);
    let (x1, y1) = kr(29.2, 24.2);
    let mut sites = jittered_grid(&mut rng, (x0, x1, 19), (y0, y1, 16), 0.04);
    // Detailed soil grids (250 m along lines 300 m apart) over two stocks.
    for s in [&geo.stocks[0], &geo.stocks[1]] {
        for line in 0..9 {
            for k in 0..6 {
                let (x, y) = (
                    s.centre.0 - 1200.0 + 300.0 * line as f64,
                    s.centre.1 - 625.0 + 250.0 * k as f64,
                );
                sites.push((x + rng.range(-15.0, 15.0), y + rng.range(-15.0, 15.0)));
            }
        }
    }
    let unified = Reproj::new(5186, 5179)?.points(&sites)?;
    let occ = &geo.occurrences;

    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(KR_HEADER.split(','))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (&(x, y), (ux, uy)) in sites.iter().zip(unified) {
        let lithology = geo.lithology(x, y);
        let [mo, sn, wo, la, ce_la, yt, cu, fe] = kr_background(lithology);
        let skarn = fx.skarn(x, y, lithology);
        let greisen = (-geo.stocks[1].body.sd(x, y).max(0.0) / 700.0).exp();
        let halo = |e: &str| Occurrence::halo(occ, e, x, y, 450.0);
        let r = fx.regional.at(x, y);
        let n_ree = 0.3 * rng.normal() + 0.1 * r;
        let ree = Occurrence::halo(occ, "REE", x, y, 700.0);
        let la_v = la * n_ree.exp() * (1.0 + 12.0 * ree);
        let mo_v = mo * (0.45 * rng.normal()).exp() * (1.0 + 25.0 * skarn + 12.0 * halo("Mo"));
        let sn_v =
            sn * (0.4 * rng.normal() + 0.1 * r).exp() * (1.0 + 10.0 * greisen + 10.0 * halo("Sn"));
        let w_v = wo * (0.5 * rng.normal()).exp() * (1.0 + 30.0 * skarn + 15.0 * halo("W"));
        let ce_v = la_v * ce_la * (0.06 * rng.normal()).exp();
        let y_v = yt * (0.7 * n_ree + 0.1 * rng.normal()).exp() * (1.0 + 4.0 * ree);
        let cu_v = cu * (0.45 * rng.normal() + 0.1 * r).exp() * (1.0 + 6.0 * skarn);
        let fe_v = fe * (0.15 * rng.normal()).exp() * (1.0 + 0.8 * skarn);
        let values = [
            (mo_v, 1, Some((0.5, "<0.5"))),
            (sn_v, 1, Some((1.0, "<1"))),
            (w_v, 1, None),
            (la_v, 1, None),
            (ce_v, 1, None),
            (y_v, 1, None),
            (cu_v, 1, None),
            (fe_v, 2, None),
        ];
        let (xk, yk) = ((x - KR_X0) / 1000.0, (y - KR_Y0) / 1000.0);
        let mut row = vec![
            String::new(),
            format!("{ux:.1}"),
            format!("{uy:.1}"),
            kr_region(xk, yk).to_string(),
        ];
        row.extend(
            values
                .iter()
                .map(|&(v, decimals, dl)| assay(v, decimals, dl)),
        );
        let mut missing = false;
        for cell in row.iter_mut().skip(4) {
            if rng.chance(0.01) {
                *cell = if rng.chance(0.5) {
                    "-".into()
                } else {
                    "n.d.".into()
                };
                missing = true;
            }
        }
        let near_mine = occ
            .iter()
            .any(|o| o.status == "deposit" && (o.at.0 - x).hypot(o.at.1 - y) < 600.0);
        let remark = if missing && rng.chance(0.7) {
            "시료량 부족"
        } else if near_mine && rng.chance(0.6) {
            "폐광 인근, 오염 가능성"
        } else if skarn > 0.4 && rng.chance(0.5) {
            "스카른 전석 관찰"
        } else if lithology == "alluvium" && rng.chance(0.5) {
            "충적층 토양 (운반토)"
        } else if rng.chance(0.05) {
            [
                "경작지",
                "산림 지역, 낙엽층 두꺼움",
                "도로변 시료",
                "재분석 값",
            ][rng.next_u64() as usize % 4]
        } else {
            ""
        };
        row.push(remark.to_string());
        rows.push(row);
    }
    // Field duplicates: a second sample at the same site, analysed blind.
    for _ in 0..4 {
        let i = (rng.next_u64() % rows.len() as u64) as usize;
        let mut dup = rows[i].clone();
        for cell in dup.iter_mut().take(12).skip(4) {
            if let Ok(v) = cell.parse::<f64>() {
                let decimals = cell.split('.').nth(1).map_or(0, str::len);
                *cell = format!("{:.decimals$}", v * (0.08 * rng.normal()).exp());
            }
        }
        dup[12] = format!("현장 중복시료 (원시료 {})", i + 1);
        rows.push(dup);
    }
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = format!("GW23-{:04}", i + 1);
        if let Some(original) = row[12].strip_prefix("현장 중복시료 (원시료 ") {
            let n: usize = original.trim_end_matches(')').parse()?;
            row[12] = format!("현장 중복시료 (원시료 GW23-{n:04})");
        }
        w.write_record(&*row)?;
    }
    let text = String::from_utf8(w.into_inner()?)?;
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(&text);
    if unmappable {
        bail!("soil assay text has characters CP949 cannot encode");
    }
    std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// Residual TMI (nT) exactly on the analysis grid (EPSG:5186, 100 m).
fn kr_magnetics(path: &Path, geo: &KrGeology) -> Result<()> {
    let mut rng = Rng::new(0x4741_4E47_0004);
    let regional = Field::new(&mut rng, 10, 5_000.0, 30_000.0);
    let deokpo = &geo.faults[1].parts;
    let mut data = Vec::with_capacity(KR_W * KR_H);
    for r in 0..KR_H {
        for c in 0..KR_W {
            let (x, y) = (
                KR_X0 + (c as f64 + 0.5) * KR_CELL,
                KR_Y0 + KR_H as f64 * KR_CELL - (r as f64 + 0.5) * KR_CELL,
            );
            // Cretaceous stocks are magnetite-series (highs, displaced a little south), the
            // Jurassic granites ilmenite-series (weak lows); magnetite skarn rims the stocks.
            let stocks: f64 = geo
                .stocks
                .iter()
                .map(|s| 180.0 * sigmoid(-s.body.sd(x, y + 400.0) / 250.0))
                .sum();
            let rims: f64 = geo
                .stocks
                .iter()
                .map(|s| 120.0 * (-(s.body.sd(x, y) / 200.0).powi(2)).exp())
                .sum();
            let daebo: f64 = geo
                .daebo
                .iter()
                .map(|g| -30.0 * sigmoid(-g.body.sd(x, y) / 400.0))
                .sum();
            let limestone = if KR_STRATA[KrGeology::stratum(x, y)].2 == "limestone" {
                -15.0
            } else {
                0.0
            };
            let v = 30.0 * regional.at(x, y) + stocks + rims + daebo + limestone
                - 60.0 * (-(line_distance(deokpo, x, y) / 300.0).powi(2)).exp()
                + 1.5 * rng.normal();
            data.push(((v * 10.0).round() / 10.0) as f32);
        }
    }
    write_raster(
        path,
        Raster {
            driver: "GTiff",
            options: &["COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=9"],
            epsg: 5186,
            transform: [
                KR_X0,
                KR_CELL,
                0.0,
                KR_Y0 + KR_H as f64 * KR_CELL,
                0.0,
                -KR_CELL,
            ],
            width: KR_W,
            height: KR_H,
            data,
            nodata: -99999.0,
            description: "TMI residual",
            unit: "nT",
        },
    )
}

const KR_PROJECT: &str = r#"# Gangwon block, Yeongwol-Jeongseon area, South Korea: a synthetic survey batch.
# Made by `cargo run --release --example make_samples`; see ../README.md for the geology.
# Paths are relative to this file.

[project]
name = "Gangwon block"
# Analysis CRS: Korea 2000 / Central Belt 2010.
crs = "EPSG:5186"
# Cell size in metres.
resolution = 100.0
# [xmin, ymin, xmax, ymax] in EPSG:5186: exactly the footprint of magnetics.tif, so that grid
# passes through unchanged.
extent = EXTENT

# Soil geochemistry (B horizon, -80 mesh) as the lab sent it: a CP949 (Korean Windows) CSV with
# CRLF line ends, Korean headers (시료번호 = sample number, 지역 = county, 비고 = remarks) and
# coordinates in Korea 2000 / Unified CS (EPSG:5179), not the analysis CRS. Units are in the
# headers, e.g. "Mo (ppm)", "Fe2O3 (%)". "<0.5" and "<1" are below detection; "-" and "n.d."
# are not determined. A few rows are field duplicates at the same site (see 비고).
[[samples]]
path = "soil_assays.csv"
x = "X_5179"
y = "Y_5179"
crs = "EPSG:5179"
encoding = "cp949"

# Residual total magnetic intensity (nT), already on the analysis grid (EPSG:5186, 100 m).
# Highs: Cretaceous magnetite-series stocks and magnetite skarn rims; a linear low: Deokpo fault.
[[rasters]]
path = "magnetics.tif"
name = "tmi"
kind = "continuous"

# Geological map (Shapefile, EPSG:5186, attributes in CP949 per geology.cpg). `lithology` is the
# class: granite, limestone, shale, sandstone, quartzite, alluvium. Also `age`, `unit`, `unit_ko`.
[[vectors]]
path = "geology.shp"
name = "geology"
role = "geology"
attribute = "lithology"

# The same map's granites (Jurassic Daebo and Cretaceous Bulguksa): the W-Mo-Sn source rocks.
[[vectors]]
path = "geology.shp"
name = "granite"
role = "granite"
where = "lithology = 'granite'"

# Mapped faults and thrusts (lines), attributes `name` and `type`.
[[vectors]]
path = "faults.geojson"
name = "faults"
role = "faults"

# Known occurrences: `commodity` is W-Mo, Mo, Sn or REE (W-Mo counts for W and for Mo).
[deposits]
path = "occurrences.geojson"
commodity = "commodity"
name = "name"

# Mo is mapped twice: by its fuzzy preset (prospectivity_mo.tif) and by gradient boosting on
# the raw values of the same evidence, trained on the Mo occurrences against background cells
# (prospectivity_mo_gradient-boosting.tif, with its uncertainty), side by side in report.html.
[models.mo]
compare = ["gradient-boosting"]
"#;
