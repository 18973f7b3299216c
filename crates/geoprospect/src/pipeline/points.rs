//! Point outputs: samples and occurrences in the analysis CRS, as CSV.
use std::path::Path;

use crate::error::{Error, Result};
use crate::geochem::censored::Assay;
use crate::grid::GridSpec;
use crate::ops::deposits::Occurrence;
use crate::ops::samples::SampleSet;

/// Samples in the analysis CRS: x, y, whether inside the grid, then for each element column
/// its value in ppm after substitution and a flag (`<` below detection, `>` above range,
/// `na` missing, empty for a measured value).
pub(super) fn write_samples_csv(set: &SampleSet, grid: &GridSpec, path: &Path) -> Result<()> {
    let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    let mut header = vec!["x".to_string(), "y".into(), "in_grid".into()];
    for e in &set.elements {
        header.push(format!("{}_ppm__{}", e.spec.element, e.spec.column));
        header.push(format!("{}_flag__{}", e.spec.element, e.spec.column));
    }
    w.write_record(&header).map_err(err)?;
    for (i, &(x, y)) in set.points.xy.iter().enumerate() {
        let mut rec = vec![
            format!("{x:.3}"),
            format!("{y:.3}"),
            grid.cell_of(x, y).is_some().to_string(),
        ];
        for e in &set.elements {
            let a = e.values[i];
            rec.push(
                set.substitution
                    .substitute(a)
                    .map_or(String::new(), |v| format!("{v}")),
            );
            rec.push(
                match a {
                    Assay::Value(_) => "",
                    Assay::Censored { .. } => "<",
                    Assay::Above { .. } => ">",
                    Assay::Missing => "na",
                }
                .to_string(),
            );
        }
        w.write_record(&rec).map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::output(path, format!("cannot write: {e}")))
}

/// Occurrences in the analysis CRS with the commodities they count for.
pub(super) fn write_occurrences_csv(
    occ: &[Occurrence],
    grid: &GridSpec,
    path: &Path,
) -> Result<()> {
    let err = |e: csv::Error| Error::output(path, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(["x", "y", "in_grid", "name", "commodity", "counts_for"])
        .map_err(err)?;
    for o in occ {
        let counts: Vec<String> = o.commodities.iter().map(|c| c.to_string()).collect();
        w.write_record([
            format!("{:.3}", o.x),
            format!("{:.3}", o.y),
            grid.cell_of(o.x, o.y).is_some().to_string(),
            o.name.clone(),
            o.commodity_text.clone(),
            counts.join(";"),
        ])
        .map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::output(path, format!("cannot write: {e}")))
}
