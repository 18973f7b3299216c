//! Regenerates the synthetic survey batches under `samples/`.
//!
//! ```text
//! cargo run --release --example make_samples
//! ```
//!
//! Two batches, each a folder with a `project.toml` (see `samples/README.md` for the geology):
//!
//! - `samples/mongolia/`: "Khanbogd block", southern Gobi, analysis CRS UTM 48N (EPSG:32648).
//!   Stream sediments in lon/lat (UTF-8 CSV), an eTh radiometric grid in EPSG:4326 (GeoTIFF), a
//!   TMI grid in ER Mapper format (`.ers`), faults, intrusions and occurrences (GeoJSON).
//! - `samples/korea/`: "Gangwon block", W-Mo-Sn skarn country, analysis CRS EPSG:5186. Soil
//!   assays in EPSG:5179 with Korean headers and remarks (CP949 CSV, CRLF), a geology Shapefile
//!   (EPSG:5186, `.cpg` = CP949), faults and occurrences (GeoJSON), and a TMI GeoTIFF that lies
//!   exactly on the analysis grid.
//!
//! Everything is invented: a few hand-placed bodies (plutons, a ring complex, porphyry stocks,
//! folded strata, faults) define the geology, and assays and grids are computed from distances to
//! those bodies plus seeded noise, so anomalies sit where a geologist would look for them.
//!
//! The output is byte-for-byte reproducible. Random numbers come from SplitMix64 (Steele, Lea &
//! Flood 2014), written out below rather than taken from `rand`, whose value streams are only
//! promised within one version; every product draws from its own seed, so changing one product
//! leaves the others' bytes alone. No file carries a timestamp: the DBF header date is pinned with
//! `DBF_DATE_LAST_UPDATE`, GeoTIFFs get no `DateTime` tag, and GDAL's `.aux.xml` side files are
//! turned off.
use std::f64::consts::{PI, TAU};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Feature, FieldDefn, Geometry, LayerAccess, LayerOptions};
use gdal::{DriverManager, Metadata};
use geo::orient::{Direction, Orient};
use geo::{
    BooleanOps, BoundingRect, Contains, Distance, Euclidean, LineString, MultiPolygon, Point,
    Polygon,
};

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    gdal::config::set_config_option("GDAL_PAM_ENABLED", "NO")?;
    for (name, make) in [
        ("mongolia", mongolia as fn(&Path) -> Result<()>),
        ("korea", korea),
    ] {
        let dir = root.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        make(&dir).with_context(|| format!("cannot make the {name} batch"))?;
        eprintln!("wrote {}", dir.display());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Random numbers and smooth fields
// ---------------------------------------------------------------------------------------------

/// SplitMix64: 64 bits of state, passes BigCrush, and its stream is fixed by its definition.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
    /// Standard normal (Box-Muller, one value per call).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
    }
}

/// A smooth random field of roughly unit variance: a sum of plane waves with random directions
/// and wavelengths (log-uniform between the bounds, in metres).
struct Field(Vec<[f64; 4]>);

impl Field {
    fn new(rng: &mut Rng, waves: usize, shortest: f64, longest: f64) -> Field {
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
    fn at(&self, x: f64, y: f64) -> f64 {
        self.0
            .iter()
            .map(|[kx, ky, phase, amp]| amp * (kx * x + ky * y + phase).sin())
            .sum()
    }
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

// ---------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------

/// An irregular closed ring: an ellipse (semi-axes `a`, `b` in metres, rotated `rot_deg`
/// anticlockwise) whose radius is modulated by harmonics 2..6 of random phase. The ring is
/// star-shaped about its centre, hence simple.
fn blob(
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
fn towards(ring: &LineString<f64>, centre: (f64, f64), angle_deg: f64, f: f64) -> (f64, f64) {
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
fn trace(rng: &mut Rng, ctrl: &[(f64, f64)], step: f64, jitter: f64) -> LineString<f64> {
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
struct Body {
    poly: Polygon<f64>,
    bbox: geo::Rect<f64>,
}

impl Body {
    fn new(exterior: LineString<f64>, holes: Vec<LineString<f64>>) -> Result<Body> {
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
    fn sd(&self, x: f64, y: f64) -> f64 {
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
fn line_distance(lines: &[LineString<f64>], x: f64, y: f64) -> f64 {
    let p = Point::new(x, y);
    lines
        .iter()
        .map(|l| Euclidean::distance(&p, l))
        .fold(f64::INFINITY, f64::min)
}

/// Moves points between two EPSG CRSs in easting/northing (longitude/latitude) order.
struct Reproj(CoordTransform);

impl Reproj {
    fn new(from: u32, to: u32) -> Result<Reproj> {
        let mut a = SpatialRef::from_epsg(from)?;
        let mut b = SpatialRef::from_epsg(to)?;
        a.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        b.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        Ok(Reproj(CoordTransform::new(&a, &b)?))
    }
    fn points(&self, pts: &[(f64, f64)]) -> Result<Vec<(f64, f64)>> {
        let mut xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
        let mut ys: Vec<f64> = pts.iter().map(|p| p.1).collect();
        self.0.transform_coords(&mut xs, &mut ys, &mut [])?;
        Ok(xs.into_iter().zip(ys).collect())
    }
    fn line(&self, l: &LineString<f64>) -> Result<Vec<(f64, f64)>> {
        self.points(&l.0.iter().map(|c| (c.x, c.y)).collect::<Vec<_>>())
    }
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

enum Geom {
    Point((f64, f64)),
    Line(Vec<(f64, f64)>),
    MultiLine(Vec<Vec<(f64, f64)>>),
    Polygon(Vec<Vec<(f64, f64)>>),
}

/// One GeoJSON feature: string properties in the given order, geometry in lon/lat.
struct Feat {
    props: Vec<(&'static str, String)>,
    geom: Geom,
}

fn coords(out: &mut String, pts: &[(f64, f64)]) {
    out.push('[');
    for (i, (x, y)) in pts.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(out, "{sep}[{x:.6},{y:.6}]");
    }
    out.push(']');
}

fn nested(out: &mut String, parts: &[Vec<(f64, f64)>]) {
    out.push('[');
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        coords(out, p);
    }
    out.push(']');
}

/// Writes an RFC 7946 FeatureCollection (WGS 84 lon/lat, 6 decimals), one feature a line.
fn write_geojson(path: &Path, feats: &[Feat]) -> Result<()> {
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, f) in feats.iter().enumerate() {
        out.push_str("{\"type\":\"Feature\",\"properties\":{");
        for (j, (k, v)) in f.props.iter().enumerate() {
            let sep = if j == 0 { "" } else { "," };
            let _ = write!(out, "{sep}\"{k}\":{}", serde_json::to_string(v)?);
        }
        out.push_str("},\"geometry\":{\"type\":");
        match &f.geom {
            Geom::Point((x, y)) => {
                let _ = write!(out, "\"Point\",\"coordinates\":[{x:.6},{y:.6}]");
            }
            Geom::Line(pts) => {
                out.push_str("\"LineString\",\"coordinates\":");
                coords(&mut out, pts);
            }
            Geom::MultiLine(parts) => {
                out.push_str("\"MultiLineString\",\"coordinates\":");
                nested(&mut out, parts);
            }
            Geom::Polygon(rings) => {
                out.push_str("\"Polygon\",\"coordinates\":");
                nested(&mut out, rings);
            }
        }
        out.push_str(if i + 1 == feats.len() {
            "}}\n"
        } else {
            "}},\n"
        });
    }
    out.push_str("]}\n");
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

/// A single-band Float32 raster for [`write_raster`].
struct Raster<'a> {
    driver: &'a str,
    options: &'a [&'a str],
    epsg: u32,
    /// GDAL geotransform: x0, dx, 0, y0, 0, -dy.
    transform: [f64; 6],
    width: usize,
    height: usize,
    data: Vec<f32>,
    nodata: f64,
    description: &'a str,
    unit: &'a str,
}

fn write_raster(path: &Path, r: Raster) -> Result<()> {
    let driver = DriverManager::get_driver_by_name(r.driver)?;
    let options = RasterCreationOptions::from_iter(r.options.iter().copied());
    let mut ds = driver
        .create_with_band_type_with_options::<f32, _>(path, r.width, r.height, 1, &options)?;
    ds.set_geo_transform(&r.transform)?;
    ds.set_spatial_ref(&SpatialRef::from_epsg(r.epsg)?)?;
    let mut band = ds.rasterband(1)?;
    band.set_no_data_value(Some(r.nodata))?;
    band.set_description(r.description)?;
    let unit = std::ffi::CString::new(r.unit)?;
    // Safety: the band handle is valid while `band` lives; GDAL copies the string.
    unsafe {
        gdal_sys::GDALSetRasterUnitType(band.c_rasterband(), unit.as_ptr());
    }
    band.write(
        (0, 0),
        (r.width, r.height),
        &mut Buffer::new((r.width, r.height), r.data),
    )?;
    ds.close()?;
    Ok(())
}

/// Formats an assay the way a lab sheet shows it: below the detection limit `<DL`, otherwise
/// with `decimals` decimals.
fn assay(value: f64, decimals: usize, dl: Option<(f64, &str)>) -> String {
    match dl {
        Some((limit, text)) if value < limit => text.to_string(),
        _ => format!("{value:.decimals$}"),
    }
}

/// A near-regular grid of `nx` x `ny` jittered points over `[x0, x1] x [y0, y1]`
/// (metres), visited row by row in serpentine order as a field crew would, with a fraction
/// `skip` left out (inaccessible sites).
fn jittered_grid(
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

struct Occurrence {
    name: &'static str,
    name_ko: &'static str,
    commodity: &'static str,
    status: &'static str,
    host: &'static str,
    at: (f64, f64),
}

impl Occurrence {
    /// A halo of `scale` metres around the occurrences of `element` (weighted by status).
    fn halo(list: &[Occurrence], element: &str, x: f64, y: f64, scale: f64) -> f64 {
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

    fn features(list: &[Occurrence], to_lonlat: &Reproj, korean: bool) -> Result<Vec<Feat>> {
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

struct Fault {
    name: &'static str,
    kind: &'static str,
    parts: Vec<LineString<f64>>,
}

fn fault_features(faults: &[Fault], to_lonlat: &Reproj) -> Result<Vec<Feat>> {
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

fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Mongolia: Khanbogd block
// ---------------------------------------------------------------------------------------------

/// South-west corner of the Khanbogd block in UTM 48N; the block is 40 x 30 km.
const MN_X0: f64 = 664_000.0;
const MN_Y0: f64 = 4_765_000.0;

/// Block-local kilometres to UTM 48N metres.
fn mn(xk: f64, yk: f64) -> (f64, f64) {
    (MN_X0 + xk * 1000.0, MN_Y0 + yk * 1000.0)
}

struct Intrusion {
    name: &'static str,
    lithology: &'static str,
    age: &'static str,
    centre: (f64, f64),
    body: Body,
}

/// Where a pluton's centre lies: at block kilometres, or (Korea) along strike at `t` km and
/// `by` km above folded stratigraphic boundary `i`, i.e. inside a chosen formation.
#[derive(Clone, Copy)]
enum Place {
    Km(f64, f64),
    Strata(f64, usize, f64),
}

/// A pluton: name, lithology, age, centre, semi-axes (m), rotation (degrees anticlockwise), and
/// an optional hole (a roof pendant, or a ring complex's core): the offset of its centre from
/// the pluton's (km) and its semi-axes (m).
type PlutonSpec = (
    &'static str,
    &'static str,
    &'static str,
    Place,
    (f64, f64),
    f64,
    Option<((f64, f64), (f64, f64))>,
);

fn plutons(
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

/// Where an occurrence lies: towards pluton `i`'s contact at `angle` degrees (`f` = 1 on the
/// contact, < 1 inside, > 1 outside), at pluton `i`'s centre, or at block kilometres.
#[derive(Clone, Copy)]
enum Site {
    Edge(usize, f64, f64),
    Centre(usize),
    Km(f64, f64),
}

/// An occurrence: name, Korean name, commodity, status, host rock, site.
type OccurrenceSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Site,
);

fn occurrences(
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

/// A fault: name, type, and one or more traces through control points (block km).
type FaultSpec = (&'static str, &'static str, &'static [&'static [(f64, f64)]]);

fn faults(
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
fn mongolia(dir: &Path) -> Result<()> {
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
    write_text(
        &dir.join("stream_sediments.csv"),
        &mn_stream_sediments(&geo, &effects, &to_lonlat)?,
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

fn mn_stream_sediments(geo: &MnGeology, fx: &MnEffects, to_lonlat: &Reproj) -> Result<String> {
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
    let lonlat = to_lonlat.points(&sites)?;
    let occ = &geo.occurrences;

    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(MN_HEADER.split(','))?;
    let mut number = 0;
    for (&(x, y), (lon, lat)) in sites.iter().zip(lonlat) {
        // Sample numbers skip now and then (samples lost, numbers voided in the field).
        number += if rng.chance(0.04) { 2 } else { 1 };
        let e = fx.at(x, y);
        let alk = (-e.alk.max(0.0) / 1500.0).exp();
        let carb = (-e.carb.max(0.0) / 800.0).exp();
        let margin = (-e.granite.abs() / 800.0).exp();
        let in_granite = if e.granite < 0.0 { 1.0 } else { 0.0 };
        let por = (-(e.porphyry / 2500.0).powi(2)).exp();
        let por_wide = (-(e.porphyry / 4000.0).powi(2)).exp();
        let [r0, r1, r2] = [
            fx.regional[0].at(x, y),
            fx.regional[1].at(x, y),
            fx.regional[2].at(x, y),
        ];
        let (ree, snw, moly) = (
            Occurrence::halo(occ, "REE", x, y, 700.0),
            Occurrence::halo(occ, "Sn", x, y, 700.0) + Occurrence::halo(occ, "W", x, y, 700.0),
            Occurrence::halo(occ, "Mo", x, y, 700.0),
        );
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
"#;

// ---------------------------------------------------------------------------------------------
// Korea: Gangwon block
// ---------------------------------------------------------------------------------------------

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
fn korea(dir: &Path) -> Result<()> {
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
"#;
