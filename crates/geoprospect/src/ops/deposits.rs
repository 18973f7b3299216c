//! Known occurrences: the training and validation points of the models, read from the project's
//! `[deposits]` source and located on a grid.
use crate::commodity::{Commodity, Labels};
use crate::engine::Block;
use crate::error::{Error, Result};
use crate::grid::GridSpec;
use crate::io::crs::Crs;
use crate::io::points::{read_points, PointSource};
use crate::project::DepositSource;
use crate::table::TableOptions;

/// A known occurrence in the analysis CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// Easting in the analysis CRS.
    pub x: f64,
    /// Northing in the analysis CRS.
    pub y: f64,
    /// Name (empty when the file has none).
    pub name: String,
    /// The commodity text as the file has it.
    pub commodity_text: String,
    /// The commodities it counts for: those its text names, minor associations (in
    /// parentheses) only with `include_minor`.
    pub commodities: Vec<Commodity>,
}

/// Reads the `[deposits]` file.
pub fn read_deposits(src: &DepositSource, analysis: &Crs) -> Result<Vec<Occurrence>> {
    let path = src.path.as_path();
    let points = read_points(
        path,
        &PointSource {
            x: src.x.as_deref(),
            y: src.y.as_deref(),
            crs: src.crs.as_deref(),
            layer: src.layer.as_deref(),
            table: TableOptions::default(),
        },
        analysis,
    )?;
    let table = &points.table;
    let ci = table.column(&src.commodity).ok_or_else(|| {
        Error::input(
            path,
            format!(
                "no commodity attribute {:?}; attributes are {:?}",
                src.commodity, table.headers
            ),
        )
    })?;
    let ni = match &src.name {
        Some(n) => Some(
            table
                .column(n)
                .ok_or_else(|| Error::input(path, format!("no name attribute {n:?}")))?,
        ),
        None => ["name", "Name", "NAME", "site_name"]
            .iter()
            .find_map(|n| table.column(n)),
    };
    Ok(table
        .rows
        .iter()
        .zip(&points.xy)
        .map(|(row, &(x, y))| Occurrence {
            x,
            y,
            name: ni.map(|i| row[i].to_string()).unwrap_or_default(),
            commodity_text: row[ci].to_string(),
            commodities: {
                let labels = Labels::parse(&row[ci]);
                let mut list = labels.major;
                if src.include_minor {
                    list.extend(labels.minor);
                }
                list
            },
        })
        .collect())
}

/// Deposits of one commodity located on a grid.
#[derive(Debug, Clone, Default)]
pub struct GridDeposits {
    /// `(row, col)` of each deposit inside the grid, sorted.
    pub cells: Vec<(usize, usize)>,
    /// Deposits of the commodity outside the grid (or its study area).
    pub outside: usize,
    /// Deposits in the file (all commodities).
    pub in_file: usize,
}

impl GridDeposits {
    /// Reads the deposits file, keeps those naming `commodity` and locates them on `grid`
    /// (a deposit on a cell outside the grid's study area is outside).
    pub fn read(
        src: &DepositSource,
        commodity: Commodity,
        grid: &GridSpec,
        crs: &Crs,
    ) -> Result<Self> {
        let all = read_deposits(src, crs)?;
        let mut out = GridDeposits {
            in_file: all.len(),
            ..Default::default()
        };
        for d in all.iter().filter(|d| d.commodities.contains(&commodity)) {
            match grid.cell_of(d.x, d.y) {
                Some((r, c)) if grid.in_area(r, c) => out.cells.push((r, c)),
                _ => out.outside += 1,
            }
        }
        out.cells.sort_unstable();
        if out.cells.is_empty() {
            return Err(Error::input(
                &src.path,
                format!(
                    "no {commodity} deposit lies on the grid or its study area ({} of {} deposits name {commodity}, \
                     attribute {:?})",
                    out.outside, out.in_file, src.commodity
                ),
            ));
        }
        Ok(out)
    }

    /// Block-relative cell indices of the deposits in `block` (one per deposit).
    pub fn in_block(&self, block: &Block, width: usize) -> Vec<usize> {
        let start = self.cells.partition_point(|&(r, _)| r < block.row0);
        let end = self
            .cells
            .partition_point(|&(r, _)| r < block.row0 + block.rows);
        self.cells[start..end]
            .iter()
            .map(|&(r, c)| (r - block.row0) * width + c)
            .collect()
    }
}
