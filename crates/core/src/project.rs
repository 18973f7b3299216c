//! Project files: a survey batch described in TOML, parsed and validated.
//!
//! Paths in the file are relative to the file itself. Unknown keys anywhere are errors, so a
//! misspelt key is never silently ignored. Parsing reads only the project file: inputs are opened
//! later by `io`, and the CRS strings are checked there (PROJ decides what it knows).
//!
//! ```toml
//! [project]
//! name = "Khanbogd block"
//! crs = "EPSG:32648"             # analysis CRS: anything PROJ knows (EPSG code, WKT, PROJ string)
//! resolution = 100.0             # cell size in CRS units
//! extent = [600000.0, 4760000.0, 640000.0, 4790000.0]  # optional
//! margin = 2000.0                # optional; only used without `extent` (default: 10 cells)
//!
//! [[samples]]
//! path = "stream_sediments.csv"
//! x = "lon"
//! y = "lat"
//! crs = "EPSG:4326"
//!
//! [[rasters]]
//! path = "radiometrics_eTh.tif"
//! name = "eTh"
//!
//! [[vectors]]
//! path = "faults.geojson"
//! name = "faults"
//! role = "faults"
//!
//! [deposits]
//! path = "occurrences.geojson"
//! commodity = "commodity"
//!
//! [area]                         # optional study area; default: the grid's extent
//! path = "licence.gpkg"
//! where = "block = 'KB-3'"
//! ```
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::commodity::Commodity;
use crate::error::{Error, Result};
use crate::geochem::gridding::MaxDistance;
use crate::grid::{RasterKind, Resampling};
use crate::modelspec::VectorRole;

/// A parsed, validated project. Paths are absolute or relative to the working directory.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The project file this was read from (empty when parsed from text).
    #[serde(skip)]
    pub file: PathBuf,
    /// General settings.
    pub project: Settings,
    /// Geochemical sample files.
    #[serde(default)]
    pub samples: Vec<SampleSource>,
    /// Raster layers (geophysics, remote sensing, classified maps).
    #[serde(default)]
    pub rasters: Vec<RasterSource>,
    /// Vector layers (faults, intrusions, geology).
    #[serde(default)]
    pub vectors: Vec<VectorSource>,
    /// Known occurrences.
    pub deposits: Option<DepositSource>,
    /// The study area (`[area]`): without one, the grid's extent.
    pub area: Option<AreaSource>,
    /// How sample points become element grids.
    #[serde(default)]
    pub geochem: GeochemSettings,
    /// Models per commodity (`[models.ree]`), overriding the presets.
    #[serde(default, skip_serializing)]
    pub models: BTreeMap<Commodity, crate::modelspec::ModelSpec>,
    /// How target zones are cut from the score maps (`[targets]`).
    #[serde(default)]
    pub targets: TargetSettings,
}

/// The `[targets]` table: which cells of a score map make target zones.
///
/// `top_area` (default 0.05 when neither is given) keeps the highest-scoring fraction of the
/// scored area: cells scoring at least the `1 - top_area` quantile of the valid cells (exact,
/// numpy's linear interpolation); `min_score` keeps cells scoring at least that value. Zones
/// (8-connected) of fewer than `min_cells` cells are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSettings {
    /// Fraction of the scored area to keep, in (0, 1].
    pub top_area: Option<f64>,
    /// Lowest score kept, in [0, 1].
    pub min_score: Option<f64>,
    /// Smallest zone kept, in cells.
    #[serde(default = "default_min_cells")]
    pub min_cells: usize,
}

/// Default `[targets] top_area`.
pub const DEFAULT_TOP_AREA: f64 = 0.05;

fn default_min_cells() -> usize {
    4
}

impl Default for TargetSettings {
    fn default() -> Self {
        TargetSettings {
            top_area: None,
            min_score: None,
            min_cells: default_min_cells(),
        }
    }
}

impl TargetSettings {
    /// Checks the ranges; `top_area` and `min_score` exclude each other.
    pub fn check(&self) -> Result<()> {
        if self.top_area.is_some() && self.min_score.is_some() {
            return Err(Error::param(
                "targets: give top_area or min_score, not both",
            ));
        }
        if let Some(a) = self
            .top_area
            .filter(|a| !(a.is_finite() && *a > 0.0 && *a <= 1.0))
        {
            return Err(Error::param(format!(
                "targets.top_area must be in (0, 1], got {a}"
            )));
        }
        if let Some(s) = self
            .min_score
            .filter(|s| !(s.is_finite() && (0.0..=1.0).contains(s)))
        {
            return Err(Error::param(format!(
                "targets.min_score must be in [0, 1], got {s}"
            )));
        }
        if self.min_cells == 0 {
            return Err(Error::param("targets.min_cells must be at least 1"));
        }
        Ok(())
    }
}

/// How a project interpolates its element grids (the choice of [`crate::geochem::gridding::Method`];
/// its parameters are the other `[geochem]` keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interpolation {
    /// Inverse distance weighting.
    #[default]
    Idw,
    /// Nearest sample.
    Nearest,
    /// Ordinary kriging with an automatically fitted variogram.
    Kriging,
    /// Every sample's value over its catchment on the project's DEM (`role = "dem"`): for
    /// stream sediments, whose value stands for the basin upstream of them.
    Catchment,
}

/// The `[geochem]` table.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct GeochemSettings {
    /// Interpolation method.
    #[serde(default)]
    pub method: Interpolation,
    /// IDW power.
    #[serde(default = "default_power")]
    pub power: f64,
    /// Neighbours used per cell.
    #[serde(default = "default_neighbors")]
    pub neighbors: usize,
    /// Search radius (CRS units); cells with no sample within it are nodata.
    pub radius: Option<f64>,
    /// Cells farther than this from every sample of a set are nodata: a distance in CRS
    /// units, `"none"`, or `"auto"` (default: 3 x the set's median nearest-neighbour spacing).
    #[serde(default)]
    pub max_distance: MaxDistance,
    /// Interpolate log10 values and back-transform (assays are log-normal).
    #[serde(default)]
    pub log: bool,
    /// Grid only these elements (default: every element column).
    pub elements: Option<Vec<String>>,
    /// Derived variables: name -> expression of elements, e.g. `{ Sn_W = "Sn + W" }`.
    #[serde(default)]
    pub derived: BTreeMap<String, String>,
    /// Catchment maps: each sample moves to the highest flow accumulation within this many
    /// metres (default 100 m, at least 1.5 cells).
    pub snap: Option<f64>,
}

fn default_power() -> f64 {
    2.0
}

fn default_neighbors() -> usize {
    12
}

impl Default for GeochemSettings {
    fn default() -> Self {
        GeochemSettings {
            method: Interpolation::Idw,
            power: default_power(),
            neighbors: default_neighbors(),
            radius: None,
            max_distance: MaxDistance::Auto,
            log: false,
            elements: None,
            derived: BTreeMap::new(),
            snap: None,
        }
    }
}

/// The `[project]` table.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Name of the survey block.
    pub name: String,
    /// Analysis CRS (EPSG code, WKT or PROJ string).
    pub crs: String,
    /// Cell size in analysis CRS units.
    pub resolution: f64,
    /// `[xmin, ymin, xmax, ymax]` in the analysis CRS.
    pub extent: Option<[f64; 4]>,
    /// Margin around the samples' bounding box when `extent` is absent (CRS units).
    pub margin: Option<f64>,
    /// Commodities to score (default: REE, Sn, Mo and every commodity with a `[models.<c>]`).
    pub commodities: Option<Vec<Commodity>>,
}

/// A `[[samples]]` entry: geochemical sample points.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SampleSource {
    /// CSV, GeoJSON, GeoPackage, Shapefile or anything OGR reads.
    pub path: PathBuf,
    /// Name of the sample set (default: file stem).
    pub name: Option<String>,
    /// X (easting or longitude) column, for delimited text.
    pub x: Option<String>,
    /// Y (northing or latitude) column, for delimited text.
    pub y: Option<String>,
    /// CRS of the coordinates (for vector formats: only when the file carries none).
    pub crs: Option<String>,
    /// OGR layer name, for multi-layer files.
    pub layer: Option<String>,
    /// Text encoding (WHATWG label: `utf-8`, `cp949`, `euc-kr`, `windows-1251`); default: detect.
    pub encoding: Option<String>,
    /// Field delimiter, one character; default: sniffed.
    pub delimiter: Option<String>,
    /// Decimal separator, `.` or `,`; default: detected.
    pub decimal: Option<String>,
    /// Explicit element -> column mapping, e.g. `{ La = "La_INAA" }`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Units: one unit for columns whose header has none, or a column -> unit table.
    pub units: Option<UnitsSetting>,
    /// Substitution for values below detection: `half` (default), `limit`, `sqrt2`, or a
    /// fraction of the limit in (0, 1].
    pub censored: Option<CensoredSetting>,
    /// A table of detection limits (`variable,detection_limit`): zeros in those columns are
    /// values below detection.
    pub detection_limits: Option<PathBuf>,
    /// The sampled medium; `stream_sediment` sets are mapped over their catchments.
    pub medium: Option<Medium>,
}

/// What a sample set sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// Active stream sediment: stands for its catchment, mapped over it on the DEM.
    StreamSediment,
    /// Soil: interpolated by `geochem.method`.
    Soil,
    /// Rock (outcrop, chips, drill core): interpolated by `geochem.method`.
    Rock,
    /// Till or other glacial sediment: interpolated by `geochem.method`.
    Till,
}

impl SampleSource {
    /// Whether the set is mapped over catchments: a stream-sediment set, or any set when
    /// `geochem.method = "catchment"`.
    pub fn by_catchment(&self, geochem: &GeochemSettings) -> bool {
        self.medium == Some(Medium::StreamSediment) || geochem.method == Interpolation::Catchment
    }
}

/// What a raster stands for beyond its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RasterRole {
    /// Elevations: the DEM catchment maps drain over.
    Dem,
}

/// `units = "ppm"` or `units = { Fe2O3 = "pct" }`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum UnitsSetting {
    /// Unit of every column whose header carries none.
    Default(String),
    /// Unit per column.
    PerColumn(BTreeMap<String, String>),
}

/// `censored = "half"` or `censored = 0.5`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum CensoredSetting {
    /// A named rule.
    Rule(String),
    /// A fraction of the detection limit.
    Fraction(f64),
}

/// A `[[rasters]]` entry.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RasterSource {
    /// Any raster GDAL reads.
    pub path: PathBuf,
    /// Layer name (used for the output file and in models).
    pub name: String,
    /// CRS for files whose header carries none.
    pub crs: Option<String>,
    /// Band number, from 1.
    #[serde(default = "default_band")]
    pub band: usize,
    /// Continuous or categorical.
    #[serde(default)]
    pub kind: RasterKind,
    /// Overrides the file's nodata value.
    pub nodata: Option<f64>,
    /// Overrides the resampling implied by `kind`.
    pub resampling: Option<Resampling>,
    /// `dem`: the elevations catchment maps drain over (at most one raster).
    pub role: Option<RasterRole>,
}

fn default_band() -> usize {
    1
}

/// A `[[vectors]]` entry.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VectorSource {
    /// Any OGR vector format.
    pub path: PathBuf,
    /// Layer name (used for outputs and in models).
    pub name: String,
    /// Geological role.
    pub role: VectorRole,
    /// OGR layer name, for multi-layer files.
    pub layer: Option<String>,
    /// CRS for files whose header carries none.
    pub crs: Option<String>,
    /// Class attribute (for `role = "geology"`: the lithology field).
    pub attribute: Option<String>,
    /// OGR SQL attribute filter, e.g. `lithology = 'granite'`.
    #[serde(rename = "where")]
    pub filter: Option<String>,
}

/// The `[area]` table: the polygons of the study area. Cells whose centre lies outside them
/// are nodata in every layer and count in no statistic.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSource {
    /// Polygons in any OGR vector format.
    pub path: PathBuf,
    /// OGR layer name, for multi-layer files.
    pub layer: Option<String>,
    /// OGR SQL attribute filter, e.g. `name = 'bordersKola'`.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// CRS for files whose header carries none.
    pub crs: Option<String>,
}

/// The `[deposits]` table: known occurrences.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DepositSource {
    /// Points in any OGR format, or CSV with `x`/`y`.
    pub path: PathBuf,
    /// Attribute holding the commodities: any labels, matched without case on the parts of
    /// compound labels (`Cu-Mo` counts for Cu and Mo; `Fe-Cu-Au (-REE)` for REE only with
    /// `include_minor`).
    pub commodity: String,
    /// Count minor associations (parts in parentheses) as commodities.
    #[serde(default)]
    pub include_minor: bool,
    /// Attribute holding the occurrence name.
    pub name: Option<String>,
    /// X column for CSV files.
    pub x: Option<String>,
    /// Y column for CSV files.
    pub y: Option<String>,
    /// CRS for CSV files or files without one.
    pub crs: Option<String>,
    /// OGR layer name.
    pub layer: Option<String>,
}

impl Project {
    /// The commodities to score, in report order: `project.commodities`, or else those with a
    /// preset and those with a `[models.<c>]` table.
    pub fn commodities(&self) -> Vec<Commodity> {
        let mut list: Vec<Commodity> = match &self.project.commodities {
            Some(list) => list.clone(),
            None => Commodity::PRESETS
                .into_iter()
                .chain(self.models.keys().copied())
                .collect(),
        };
        list.sort();
        list.dedup();
        list
    }

    /// The model of a commodity: the preset with the project's `[models.<c>]` on top.
    pub fn model(&self, c: Commodity) -> Result<crate::modelspec::Model> {
        let preset = crate::modelspec::preset(c);
        match self.models.get(&c) {
            Some(m) => preset.overridden_by(m).check(c),
            None => preset.check(c),
        }
    }

    /// Reads and validates a project file; relative paths are resolved against its folder.
    pub fn load(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read project file: {e}")))?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        let mut project =
            Project::parse(&text, base).map_err(|message| Error::input(path, message))?;
        project.file = path.to_path_buf();
        Ok(project)
    }

    /// Parses and validates project text; `base` is the folder paths are relative to.
    pub fn parse(text: &str, base: &Path) -> Result<Project> {
        let mut project: Project =
            toml::from_str(text).map_err(|e| Error::param(toml_message(&e)))?;
        project.validate()?;
        project.resolve_paths(base);
        Ok(project)
    }

    fn validate(&self) -> Result<()> {
        let s = &self.project;
        if s.name.trim().is_empty() {
            return Err(Error::param("project.name is empty"));
        }
        if s.crs.trim().is_empty() {
            return Err(Error::param("project.crs is empty"));
        }
        if !(s.resolution.is_finite() && s.resolution > 0.0) {
            return Err(Error::param(format!(
                "project.resolution must be a positive number, got {}",
                s.resolution
            )));
        }
        if let Some(e) = s.extent {
            if e.iter().any(|v| !v.is_finite()) {
                return Err(Error::param(format!(
                    "project.extent has a non-finite value: {e:?}"
                )));
            }
            if e[0] >= e[2] || e[1] >= e[3] {
                return Err(Error::param(format!(
                    "project.extent [{}, {}, {}, {}] is empty or inverted: need xmin < xmax and ymin < ymax",
                    e[0], e[1], e[2], e[3]
                )));
            }
        } else if self.samples.is_empty() && self.area.is_none() {
            return Err(Error::param(
                "project.extent is missing and there is no [area] or [[samples]] to derive it from",
            ));
        }
        if let Some(m) = s.margin {
            if !(m.is_finite() && m >= 0.0) {
                return Err(Error::param(format!(
                    "project.margin must be >= 0, got {m}"
                )));
            }
        }
        let mut names = BTreeMap::new();
        for (i, r) in self.rasters.iter().enumerate() {
            check_name(&r.name, &format!("rasters[{i}].name"))?;
            if r.band == 0 {
                return Err(Error::param(format!(
                    "rasters[{i}].band must be 1 or more (bands count from 1)"
                )));
            }
            if let Some(prev) = names.insert(r.name.clone(), format!("rasters[{i}]")) {
                return Err(Error::param(format!(
                    "layer name {:?} is used twice ({prev} and rasters[{i}])",
                    r.name
                )));
            }
        }
        for (i, v) in self.vectors.iter().enumerate() {
            check_name(&v.name, &format!("vectors[{i}].name"))?;
            if let Some(prev) = names.insert(v.name.clone(), format!("vectors[{i}]")) {
                return Err(Error::param(format!(
                    "layer name {:?} is used twice ({prev} and vectors[{i}])",
                    v.name
                )));
            }
        }
        let g = &self.geochem;
        if !(g.power.is_finite() && g.power > 0.0) {
            return Err(Error::param(format!(
                "geochem.power must be > 0, got {}",
                g.power
            )));
        }
        if g.neighbors == 0 {
            return Err(Error::param("geochem.neighbors must be at least 1"));
        }
        if let Some(r) = g.radius.filter(|r| !(r.is_finite() && *r > 0.0)) {
            return Err(Error::param(format!("geochem.radius must be > 0, got {r}")));
        }
        for (name, expr) in &g.derived {
            check_name(name, "geochem.derived name")?;
            // A derived variable named like an element (or TREO) would stand beside the gridded
            // element under the same name, and models asking for the element would get either.
            if name == "TREO" || crate::geochem::elements::element(name).is_some() {
                return Err(Error::param(format!(
                    "geochem.derived.{name}: {name:?} is the name of a gridded element; choose another name"
                )));
            }
            crate::geochem::derived::parse_expression(expr)
                .map_err(|e| Error::param(format!("geochem.derived.{name}: {e}")))?;
        }
        self.targets.check()?;
        for (c, m) in &self.models {
            crate::modelspec::preset(*c)
                .overridden_by(m)
                .check(*c)
                .map_err(|e| Error::param(format!("models.{}: {e}", c.id())))?;
        }
        for c in self.project.commodities.iter().flatten() {
            if !c.has_preset() && !self.models.contains_key(c) {
                return Err(Error::param(format!(
                    "project.commodities: {c} has no preset model (REE, Sn and Mo have): give \
                     its evidence ([[models.{}.evidence]])",
                    c.id()
                )));
            }
        }
        self.check_catchments()?;
        for (i, smp) in self.samples.iter().enumerate() {
            if smp.x.is_some() != smp.y.is_some() {
                return Err(Error::param(format!(
                    "samples[{i}]: give both x and y columns, or neither"
                )));
            }
            if let Some(n) = &smp.name {
                check_name(n, &format!("samples[{i}].name"))?;
            }
        }
        Ok(())
    }

    /// The raster with `role = "dem"`, if any.
    pub fn dem(&self) -> Option<&RasterSource> {
        self.rasters
            .iter()
            .find(|r| r.role == Some(RasterRole::Dem))
    }

    /// Whether any sample set is mapped over catchments.
    pub fn has_catchments(&self) -> bool {
        self.samples.iter().any(|s| s.by_catchment(&self.geochem))
    }

    /// One continuous DEM when a set is mapped over catchments; `geochem.method = "catchment"`
    /// only with stream-sediment (or unstated) media; a snap distance of 0 or more metres.
    fn check_catchments(&self) -> Result<()> {
        let dems: Vec<usize> = (0..self.rasters.len())
            .filter(|&i| self.rasters[i].role == Some(RasterRole::Dem))
            .collect();
        if let [a, b, ..] = dems[..] {
            return Err(Error::param(format!(
                "rasters[{a}] and rasters[{b}] both have role = \"dem\": give one dem"
            )));
        }
        if let Some(&i) = dems.first() {
            if self.rasters[i].kind == RasterKind::Categorical {
                return Err(Error::param(format!(
                    "rasters[{i}]: a dem holds elevations, not classes (kind = \"categorical\")"
                )));
            }
        }
        if let Some(s) = self.geochem.snap {
            if !(s.is_finite() && s >= 0.0) {
                return Err(Error::param(format!(
                    "geochem.snap must be 0 or more metres, got {s}"
                )));
            }
        }
        if self.geochem.method == Interpolation::Catchment {
            if let Some((i, m)) = self.samples.iter().enumerate().find_map(|(i, s)| {
                s.medium
                    .filter(|m| *m != Medium::StreamSediment)
                    .map(|m| (i, m))
            }) {
                return Err(Error::param(format!(
                    "samples[{i}]: medium = {:?} is not mapped over catchments \
                     (geochem.method = \"catchment\"): interpolate it with idw, nearest or \
                     kriging and give the stream sediments medium = \"stream_sediment\"",
                    toml_name(m)
                )));
            }
        }
        if self.has_catchments() && dems.is_empty() {
            return Err(Error::param(
                "catchment maps (medium = \"stream_sediment\" or geochem.method = \"catchment\") \
                 need a [[rasters]] entry with role = \"dem\"",
            ));
        }
        Ok(())
    }

    fn resolve_paths(&mut self, base: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() && !is_gdal_virtual(p) {
                *p = base.join(&*p);
            }
        };
        for s in &mut self.samples {
            join(&mut s.path);
            if let Some(d) = &mut s.detection_limits {
                join(d);
            }
        }
        self.rasters.iter_mut().for_each(|r| join(&mut r.path));
        self.vectors.iter_mut().for_each(|v| join(&mut v.path));
        if let Some(d) = &mut self.deposits {
            join(&mut d.path);
        }
        if let Some(a) = &mut self.area {
            join(&mut a.path);
        }
    }
}

/// A medium as the project file spells it.
fn toml_name(m: Medium) -> &'static str {
    match m {
        Medium::StreamSediment => "stream_sediment",
        Medium::Soil => "soil",
        Medium::Rock => "rock",
        Medium::Till => "till",
    }
}

/// GDAL virtual file system paths (`/vsis3/...`) are never relative to the project folder.
fn is_gdal_virtual(p: &Path) -> bool {
    p.to_str().is_some_and(|s| s.starts_with("/vsi"))
}

/// Layer names become file names: keep them to letters, digits, `_`, `-` and `.`.
fn check_name(name: &str, what: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::param(format!(
            "{what} {name:?} must be non-empty and use only letters, digits, '_', '-' and '.'"
        )))
    }
}

/// One line from a TOML error: the message plus the line and column where it was found.
fn toml_message(e: &toml::de::Error) -> String {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => format!("invalid project file at byte {}: {msg}", span.start),
        None => format!("invalid project file: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[project]
name = "Test block"
crs = "EPSG:32648"
resolution = 100.0
extent = [0.0, 0.0, 1000.0, 2000.0]
"#;

    #[test]
    fn minimal_project_parses() {
        let p = Project::parse(MINIMAL, Path::new("/data")).unwrap();
        assert_eq!(p.project.name, "Test block");
        assert_eq!(p.project.extent, Some([0.0, 0.0, 1000.0, 2000.0]));
        assert!(p.samples.is_empty());
    }

    #[test]
    fn unknown_key_is_an_error() {
        let text = MINIMAL.replace("resolution", "resolutoin");
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("resolutoin"), "{err}");
    }

    #[test]
    fn unknown_key_in_array_table_is_an_error() {
        let text = format!("{MINIMAL}\n[[rasters]]\npath = \"a.tif\"\nname = \"a\"\nbnad = 2\n");
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bnad"), "{err}");
    }

    #[test]
    fn inverted_extent_is_an_error() {
        let text = MINIMAL.replace("[0.0, 0.0, 1000.0, 2000.0]", "[1000.0, 0.0, 0.0, 2000.0]");
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("inverted"), "{err}");
    }

    #[test]
    fn zero_resolution_is_an_error() {
        let text = MINIMAL.replace("100.0", "0.0");
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("resolution"), "{err}");
    }

    #[test]
    fn paths_are_relative_to_the_project_file() {
        let text = format!(
            "{MINIMAL}\n[[vectors]]\npath = \"f.geojson\"\nname = \"faults\"\nrole = \"faults\"\n\
             [[rasters]]\npath = \"/vsis3/bucket/m.tif\"\nname = \"mag\"\n"
        );
        let p = Project::parse(&text, Path::new("/data/block")).unwrap();
        assert_eq!(p.vectors[0].path, Path::new("/data/block/f.geojson"));
        assert_eq!(p.rasters[0].path, Path::new("/vsis3/bucket/m.tif"));
    }

    #[test]
    fn duplicate_layer_names_are_an_error() {
        let text = format!(
            "{MINIMAL}\n[[rasters]]\npath = \"a.tif\"\nname = \"x\"\n[[vectors]]\npath = \"b.shp\"\nname = \"x\"\nrole = \"other\"\n"
        );
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("used twice"), "{err}");
    }

    #[test]
    fn unknown_role_is_an_error() {
        let text =
            format!("{MINIMAL}\n[[vectors]]\npath = \"b.shp\"\nname = \"x\"\nrole = \"volcano\"\n");
        let err = Project::parse(&text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(err.contains("volcano"), "{err}");
    }

    #[test]
    fn targets_table_defaults_and_checks() {
        let p = Project::parse(MINIMAL, Path::new(".")).unwrap();
        assert_eq!(p.targets, TargetSettings::default());
        assert_eq!(p.targets.min_cells, 4);
        let text = format!("{MINIMAL}\n[targets]\nmin_score = 0.7\nmin_cells = 10\n");
        let p = Project::parse(&text, Path::new(".")).unwrap();
        assert_eq!((p.targets.min_score, p.targets.min_cells), (Some(0.7), 10));
        for (bad, word) in [
            ("top_area = 0.1\nmin_score = 0.5", "not both"),
            ("top_area = 1.5", "top_area"),
            ("min_score = -1.0", "min_score"),
            ("min_cells = 0", "min_cells"),
            ("top_aera = 0.1", "top_aera"),
        ] {
            let text = format!("{MINIMAL}\n[targets]\n{bad}\n");
            let err = Project::parse(&text, Path::new("."))
                .unwrap_err()
                .to_string();
            assert!(err.contains(word), "{bad}: {err}");
        }
    }

    #[test]
    fn units_and_censored_accept_both_forms() {
        let text = format!(
            "{MINIMAL}\n[[samples]]\npath = \"s.csv\"\nx = \"lon\"\ny = \"lat\"\nunits = {{ Fe2O3 = \"pct\" }}\ncensored = 0.5\n\
             [[samples]]\npath = \"t.csv\"\nx = \"e\"\ny = \"n\"\nunits = \"ppb\"\ncensored = \"limit\"\n"
        );
        let p = Project::parse(&text, Path::new(".")).unwrap();
        assert!(matches!(
            p.samples[0].units,
            Some(UnitsSetting::PerColumn(_))
        ));
        assert!(matches!(p.samples[1].units, Some(UnitsSetting::Default(_))));
        assert!(matches!(
            p.samples[0].censored,
            Some(CensoredSetting::Fraction(_))
        ));
    }
}
