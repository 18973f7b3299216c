//! Stream-sediment sets in a run: each element mapped over the sets' catchments on the
//! project's DEM (the raster with `role = "dem"`, on the analysis grid), and the catchment
//! polygons of every such set in `catchments.geojson`.
//!
//! The DEM is conditioned once, on the analysis grid and within the study area (cells outside
//! it are nodata, so basins end at its edge); each set's samples are snapped and labelled once
//! ([`crate::ops::drainage`]).
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::geochem::anomaly::Classifier;
use crate::hydrology::MAX_DEM_CELLS;
use crate::io::atomic::AtomicFile;
use crate::io::cog::{CogOptions, LayerMeta};
use crate::io::geojson::{number, FeatureCollectionWriter};
use crate::ops::drainage::{
    common_properties, data_rows, write_features, write_values, Drainage, SampleBasins,
};
use crate::ops::samples::SampleSet;

use super::Plan;

/// One variable of a stream-sediment set: its file label and values per sample (ppm).
pub struct Mapped<'a> {
    /// The set.
    pub set: &'a SampleSet,
    /// Element symbol, `TREO` or a derived variable.
    pub element: &'a str,
    /// The element grid's label.
    pub label: &'a str,
    /// Values per sample, NaN missing.
    pub values: &'a [f64],
    /// Values below detection substituted.
    pub censored: usize,
}

/// What writing one catchment map gave.
pub struct MapFacts {
    /// Samples with a catchment.
    pub samples: usize,
    /// The snap distance, metres.
    pub snap_m: f64,
    /// The anomaly classes of the values.
    pub classifier: Classifier,
}

/// Columns that name samples, in the order they are looked for (any case).
const ID_COLUMNS: [&str; 6] = [
    "sample_id",
    "sampleid",
    "sample",
    "id",
    "sample_no",
    "field_id",
];

/// The catchments of a run's stream-sediment sets, conditioned and labelled on first use.
pub struct CatchmentMaps<'a> {
    plan: &'a Plan,
    /// The DEM on the analysis grid, and the project's DEM file (for messages).
    dem: Option<(&'a Path, &'a Path)>,
    snap: Option<f64>,
    drainage: Option<Drainage>,
    basins: BTreeMap<String, SampleBasins>,
    /// The classes of each written map, by label (a C–A fit reads the whole map: once).
    classifiers: BTreeMap<String, Classifier>,
}

impl<'a> CatchmentMaps<'a> {
    /// Catchments on `dem` (the ingested layer and its source) with the project's snap distance.
    pub fn new(plan: &'a Plan, dem: Option<(&'a Path, &'a Path)>, snap: Option<f64>) -> Self {
        CatchmentMaps {
            plan,
            dem,
            snap,
            drainage: None,
            basins: BTreeMap::new(),
            classifiers: BTreeMap::new(),
        }
    }

    /// Conditions the DEM (once) and labels the catchments of `set` (once).
    fn basins_of(&mut self, set: &SampleSet) -> Result<&SampleBasins> {
        if self.drainage.is_none() {
            self.drainage = Some(self.condition()?);
        }
        let drainage = self
            .drainage
            .as_ref()
            .ok_or_else(|| Error::Internal("the dem was not conditioned".into()))?;
        let snap = self.snap;
        if !self.basins.contains_key(&set.name) {
            let snap_m = drainage.snap_m(snap)?;
            let basins = drainage.basins(&set.points.xy, snap_m);
            if basins.outlets.iter().all(Option::is_none) {
                let dem = self.dem.map_or(Path::new("dem"), |d| d.1);
                return Err(Error::input(
                    dem,
                    format!(
                        "none of the {} samples of {} lies on the dem's valid cells within the \
                         grid (snap {snap_m} m): does the dem cover the survey?",
                        set.points.xy.len(),
                        set.path.display()
                    ),
                ));
            }
            self.basins.insert(set.name.clone(), basins);
        }
        self.basins
            .get(&set.name)
            .ok_or_else(|| Error::Internal("catchments not labelled".into()))
    }

    fn condition(&self) -> Result<Drainage> {
        let Some((layer, source)) = self.dem else {
            return Err(Error::param(
                "catchment maps need a [[rasters]] entry with role = \"dem\"",
            ));
        };
        let grid = &self.plan.grid;
        if grid.window.is_some() {
            return Err(Error::param(
                "catchment maps need the whole dem: tiles have no halo; run with geoprospect run",
            ));
        }
        if grid.cells() > MAX_DEM_CELLS {
            return Err(Error::input(
                source,
                format!(
                    "the {} x {} analysis grid is more than the {MAX_DEM_CELLS} (10^8) cells a \
                     dem is conditioned on in memory: use a coarser project.resolution",
                    grid.width, grid.height
                ),
            ));
        }
        if self.plan.crs.is_geographic() {
            return Err(Error::input(
                source,
                "catchment maps need a projected project.crs: flow directions need square cells \
                 on the ground",
            ));
        }
        Drainage::read(layer, grid, &self.plan.crs, source)
    }

    /// Writes `v`'s catchment map to `path`: each cell the value of the sample draining it.
    pub fn write(
        &mut self,
        v: &Mapped,
        path: &Path,
        engine: &Engine,
        cog: &CogOptions,
    ) -> Result<MapFacts> {
        let source = self
            .dem
            .map(|d| d.1.display().to_string())
            .unwrap_or_default();
        let plan = self.plan;
        let basins = self.basins_of(v.set)?;
        let meta = LayerMeta {
            description: format!("{} (ppm) over sample catchments", v.element),
            inputs: vec![v.set.path.display().to_string(), source],
            items: vec![
                ("GEOPROSPECT_UNIT".to_string(), "ppm".to_string()),
                (
                    "GEOPROSPECT_METHOD".to_string(),
                    format!(
                        "nested sample catchments: Priority-Flood filled dem with flats drained \
                         (Barnes et al. 2014), D8 directions, samples snapped to the highest \
                         flow accumulation within {} m",
                        basins.snap_m
                    ),
                ),
                (
                    "GEOPROSPECT_CENSORED".to_string(),
                    format!(
                        "{} values below detection substituted ({})",
                        v.censored, v.set.substitution
                    ),
                ),
            ],
            category_names: Vec::new(),
        };
        write_values(basins, &plan.grid, &[v.values], &[meta], path, engine, cog)?;
        let facts = MapFacts {
            samples: basins.with_catchment(),
            snap_m: basins.snap_m,
            classifier: basins.classifier(v.values),
        };
        self.classifiers
            .insert(v.label.to_string(), facts.classifier);
        Ok(facts)
    }

    /// Writes `path` (RFC 7946) with one polygon per catchment of every stream-sediment set:
    /// the set, the sample (its id column, if it has one, and data row), area, outlet, and per
    /// mapped variable its value and anomaly class. Nothing is written without catchments.
    pub fn write_polygons(&self, mapped: &[Mapped], path: &Path) -> Result<()> {
        let Some(drainage) = &self.drainage else {
            return Ok(());
        };
        let file = AtomicFile::new(path)?;
        let mut w = FeatureCollectionWriter::create(file.path())?;
        let scratch = path.parent().unwrap_or(Path::new("."));
        for set in &self.plan.samples {
            let Some(basins) = self.basins.get(&set.name) else {
                continue;
            };
            let rows = data_rows(&set.points, &set.path)?;
            let table = &set.points.table;
            let id = ID_COLUMNS
                .iter()
                .find_map(|c| table.headers.iter().position(|h| h.eq_ignore_ascii_case(c)));
            let mapped: Vec<&Mapped> = mapped.iter().filter(|v| v.set.name == set.name).collect();
            let classifiers: Vec<Classifier> = mapped
                .iter()
                .map(|v| match self.classifiers.get(v.label) {
                    Some(c) => *c,
                    None => basins.classifier(v.values),
                })
                .collect();
            write_features(
                &mut w,
                drainage,
                basins,
                &self.plan.crs,
                &set.points.xy,
                scratch,
                path,
                |f| {
                    let k = f.sample;
                    let sample = match id {
                        Some(c) => table.rows[k].get(c).unwrap_or_default().trim().to_string(),
                        None => rows[k].to_string(),
                    };
                    let mut props = vec![
                        ("set".to_string(), Value::from(set.name.as_str())),
                        ("sample".into(), Value::from(sample)),
                        ("row".into(), Value::from(rows[k])),
                    ];
                    props.extend(common_properties(f));
                    for (v, c) in mapped.iter().zip(&classifiers) {
                        let value = unique(v.label.to_string(), &props);
                        props.push((value, number(v.values[k])));
                        let class = unique(format!("{}_class", v.label), &props);
                        props.push((
                            class,
                            c.classify(v.values[k])
                                .map_or(Value::Null, |c| Value::from(c.as_str())),
                        ));
                    }
                    props
                },
            )?;
        }
        w.finish()?;
        file.commit()
    }
}

/// `key`, or `value_` before it as often as needed, so that a variable named like another
/// property (a derived `cells`, `row` or `Sn_class`) does not repeat a key.
fn unique(mut key: String, props: &[(String, Value)]) -> String {
    while props.iter().any(|(k, _)| *k == key) {
        key = format!("value_{key}");
    }
    key
}
