//! `geoprospect wofe`: the weights table of one class layer against known deposits, as CSV.
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commodity::Commodity;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::area::{restrict, AreaFile};
use crate::io::atomic::AtomicFile;
use crate::io::crs::Crs;
use crate::io::layer::{aligned_blocks, GridLayer};
use crate::models::wofe::{
    generalise, table, ClassCounts, Generalise, Generalised, TableKind, Units, WeightsRow,
};
use crate::ops::deposits::GridDeposits;
use crate::project::DepositSource;

/// What `geoprospect wofe` is asked to do.
#[derive(Debug, Clone)]
pub struct WofeRequest<'a> {
    /// Class layer on an analysis grid.
    pub evidence: &'a Path,
    /// The deposits file.
    pub deposits: DepositSource,
    /// Commodity whose deposits train the weights.
    pub commodity: Commodity,
    /// Unit cell area in km².
    pub unit_cell_km2: f64,
    /// Weights table kind.
    pub kind: TableKind,
    /// Generalisation of a cumulative table.
    pub generalise: Option<Generalise>,
    /// Output CSV.
    pub out: &'a Path,
    /// Study area: cells outside it are nodata and count in no statistic.
    pub area: Option<AreaFile<'a>>,
    /// How a pattern holding every deposit gets finite weights (ArcSDM's by default).
    pub all_deposits_rule: crate::models::wofe::AllDepositsRule,
}

/// Area of one cell of `grid` in m², from the CRS's linear unit (refuses geographic CRSs).
pub fn cell_m2(grid: &GridSpec, crs: &Crs, path: &Path) -> Result<f64> {
    if crs.is_geographic() {
        return Err(Error::input(
            path,
            format!(
                "the grid's CRS ({}) is geographic: areas need a projected CRS",
                crs.label()
            ),
        ));
    }
    Ok((grid.res * crs.metres_per_unit()).powi(2))
}

/// What `geoprospect wofe` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct WofeSummary {
    /// The output CSV.
    pub out: PathBuf,
    /// Rows of the weights table.
    pub rows: usize,
    /// Commodity whose deposits trained the weights.
    pub commodity: Commodity,
    /// Deposits on cells with data.
    pub deposits: u64,
    /// Area with data, in unit cells.
    pub unit_cells: f64,
    /// Prior probability: deposits per unit cell.
    pub prior_probability: f64,
    /// Deposits of the commodity outside the grid (left out).
    pub outside: usize,
    /// Deposits on nodata cells (left out).
    pub on_nodata: u64,
    /// The binary pattern a generalised cumulative table gives.
    pub generalised: Option<Generalised>,
}

/// `geoprospect wofe`: the weights table of one evidence layer as CSV; returns what it wrote.
pub fn run_wofe(req: &WofeRequest, engine: &Engine) -> Result<WofeSummary> {
    if !(req.unit_cell_km2.is_finite() && req.unit_cell_km2 > 0.0) {
        return Err(Error::param(format!(
            "unit cell area must be positive, got {} km²",
            req.unit_cell_km2
        )));
    }
    if req.generalise.is_some() && req.kind == TableKind::Unique {
        return Err(Error::param(
            "only a cumulative table (ascending or descending) can be generalised, not one \
             row per class",
        ));
    }
    let (layer, grid, crs) = GridLayer::open_as_grid(req.evidence)?;
    let grid = restrict(grid, &crs, req.area.as_ref())?;
    let layer = layer.within(&grid);
    let units = Units {
        cell_m2: cell_m2(&grid, &crs, req.evidence)?,
        unit_km2: req.unit_cell_km2,
    };
    let deposits = GridDeposits::read(&req.deposits, req.commodity, &grid, &crs)?;
    let mut counts = ClassCounts::default();
    let grid_blocks = aligned_blocks(&grid, layer.tile_rows());
    engine.stage(
        "weights of evidence",
        &grid_blocks,
        |b| {
            let codes = layer.read_classes(b.row0, b.rows)?;
            let mut c = ClassCounts::default();
            c.add_block(&codes, &deposits.in_block(b, grid.width));
            Ok(c)
        },
        |_, c| {
            counts.merge(&c);
            Ok(())
        },
    )?;
    let rows = table(&counts, units, req.kind, req.all_deposits_rule)
        .map_err(|e| Error::input(req.evidence, format!("{e} ({} deposits)", req.commodity)))?;
    let generalised = req.generalise.map(|g| generalise(&rows, g)).transpose()?;
    let file = AtomicFile::new(req.out)?;
    write_table(
        file.path(),
        &rows,
        generalised.as_ref(),
        layer.category_names(),
    )
    .map_err(|e| Error::output(req.out, format!("cannot write the weights table: {e}")))?;
    file.commit()?;
    let n = counts.deposits();
    let area = units.unit_cells(counts.cells());
    Ok(WofeSummary {
        out: req.out.to_path_buf(),
        rows: rows.len(),
        commodity: req.commodity,
        deposits: n,
        unit_cells: area,
        prior_probability: n as f64 / area,
        outside: deposits.outside,
        on_nodata: counts.deposits_on_nodata,
        generalised,
    })
}

/// Column names of the weights CSV.
pub const CSV_COLUMNS: [&str; 16] = [
    "class",
    "area_km2",
    "deposits",
    "w_plus",
    "w_minus",
    "contrast",
    "s_contrast",
    "studentized_contrast",
    "class_name",
    "area_unit_cells",
    "s_w_plus",
    "s_w_minus",
    "generalised_class",
    "generalised_weight",
    "generalised_s_weight",
    "note",
];

fn write_table(
    path: &Path,
    rows: &[WeightsRow],
    generalised: Option<&Generalised>,
    names: &[String],
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(std::fs::File::create(path)?));
    w.write_record(CSV_COLUMNS)?;
    for (i, r) in rows.iter().enumerate() {
        let x = &r.weights;
        let name = usize::try_from(r.class)
            .ok()
            .and_then(|c| names.get(c))
            .cloned()
            .unwrap_or_default();
        let (gen_class, gen_w, gen_s) = match generalised {
            Some(g) if g.class_of_row(i) == 2 => (
                "2".to_string(),
                g.weights.w_plus.to_string(),
                g.weights.s_w_plus.to_string(),
            ),
            Some(g) => (
                "1".to_string(),
                g.weights.w_minus.to_string(),
                g.weights.s_w_minus.to_string(),
            ),
            None => Default::default(),
        };
        w.write_record([
            r.class.to_string(),
            r.area_km2.to_string(),
            r.deposits.to_string(),
            x.w_plus.to_string(),
            x.w_minus.to_string(),
            x.contrast.to_string(),
            x.s_contrast.to_string(),
            x.studentized.to_string(),
            name,
            r.area_units.to_string(),
            x.s_w_plus.to_string(),
            x.s_w_minus.to_string(),
            gen_class,
            gen_w,
            gen_s,
            x.note.map_or("", |n| n.text()).to_string(),
        ])?;
    }
    let mut inner = w.into_inner().map_err(|e| e.into_error())?;
    inner.flush()
}
