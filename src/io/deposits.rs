//! Known occurrences: the training and validation points of the models.
use crate::commodity::Commodity;
use crate::error::{Error, Result};
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
    /// The scored commodities it counts for.
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
            commodities: Commodity::mentioned_in(&row[ci]),
        })
        .collect())
}
