//! `geoprospect run`: a project from its inputs to prospectivity maps; prints the run's summary.
use std::path::{Path, PathBuf};

use clap::Args;
use geoprospect::error::Error;
use geoprospect::grid::RasterKind;
use geoprospect::pipeline::prospectivity::MIN_VALIDATION_OCCURRENCES;
use geoprospect::pipeline::{self, LayerReport, RunOptions, RunSummary};
use geoprospect::project::Project;

use super::{Context, Outcome};
use crate::args::{help, Cog};

/// `geoprospect run`.
#[derive(Debug, Args)]
#[command(mut_arg("compress", help("Compression of the output COGs")))]
pub struct RunArgs {
    /// The project file (TOML).
    pub project: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, short)]
    pub out: PathBuf,
    /// How the COGs are compressed (`--compress`).
    #[command(flatten)]
    pub cog: Cog,
}

/// Runs the project into the output folder.
pub fn run(args: RunArgs, ctx: &Context) -> Result<Outcome, Error> {
    let project = Project::load(&args.project)?;
    let options = RunOptions {
        cog: args.cog.options(),
    };
    let summary = pipeline::run(&project, &args.out, &ctx.engine()?, &options)?;
    Ok(Outcome::Summary(render(&summary, &args.out)))
}

/// The summary printed after a run (and a merge): the grid, each layer, each sample set, the
/// maps with their validation, the products, the outputs.
pub fn render(summary: &RunSummary, out: &Path) -> String {
    let g = &summary.grid;
    let [xmin, ymin, xmax, ymax] = g.extent();
    let mut s = format!(
        "analysis grid: {} x {} cells of {} in {}, extent [{xmin}, {ymin}, {xmax}, {ymax}]\n",
        g.width, g.height, g.res, summary.crs
    );
    if let Some(area) = &g.area {
        s.push_str(&format!(
            "  study area: {} of the {} cells ({:.1} %)\n",
            area.cells(),
            g.cells(),
            100.0 * area.cells() as f64 / g.cells() as f64
        ));
    }
    for layer in &summary.layers {
        s.push_str(&format!("  {}\n", layer_line(layer)));
    }
    for set in &summary.samples {
        s.push_str(&format!(
            "  {}: {} samples ({} outside the {}), {} element columns, encoding {}, \
             coordinates from {}\n",
            set.name,
            set.samples,
            set.outside,
            if g.area.is_some() {
                "study area"
            } else {
                "grid"
            },
            set.elements,
            set.encoding,
            set.source_crs
        ));
    }
    for g in &summary.geochem {
        s.push_str(&format!("  {}: {}, {}\n", g.label, g.source, g.mapping));
    }
    s.push_str(&format!("  occurrences: {}\n", summary.occurrences));
    for o in &summary.occurrence_labels {
        let shown: Vec<String> = o
            .labels
            .iter()
            .take(5)
            .map(|(text, n)| format!("{n} {text:?}"))
            .collect();
        let more = o.labels.len().saturating_sub(5);
        s.push_str(&format!(
            "    {}: {} from {}{}\n",
            o.commodity,
            o.total,
            if shown.is_empty() {
                "no label".to_string()
            } else {
                shown.join(", ")
            },
            if more > 0 {
                format!(" and {more} other labels")
            } else {
                String::new()
            }
        ));
    }
    for c in &summary.commodities {
        let used: Vec<&str> = c.summary.used.iter().map(|(n, _)| n.as_str()).collect();
        s.push_str(&format!(
            "  {}: {} from {}",
            c.commodity,
            c.path.display(),
            used.join(", ")
        ));
        if let Some(u) = &c.uncertainty {
            s.push_str(&format!(
                " by {} (uncertainty {})",
                c.method.as_str(),
                u.display()
            ));
        }
        match &c.validation {
            Some(v) => s.push_str(&format!(
                "; AUC {:.3} on {} occurrences, {:.0} % of them in the top 10 % of the area\n",
                v.auc,
                v.occurrences,
                100.0 * v.capture[1].1
            )),
            None if c.scored_occurrences == 0 => {
                s.push_str("; no occurrences on scored cells to validate against\n")
            }
            None => s.push_str(&format!(
                "; validation not possible: {} occurrence on scored cells, at least {} are needed\n",
                c.scored_occurrences, MIN_VALIDATION_OCCURRENCES
            )),
        }
        for m in &c.compared {
            s.push_str(&format!(
                "  {} compared: {} ({}){}",
                c.commodity,
                m.path.display(),
                m.method.as_str(),
                m.uncertainty
                    .as_ref()
                    .map_or(String::new(), |u| format!(", uncertainty {}", u.display()))
            ));
            match &m.validation {
                Some(v) => s.push_str(&format!(
                    "; AUC {:.3} on {} occurrences, {:.0} % of them in the top 10 % of the area\n",
                    v.auc,
                    v.occurrences,
                    100.0 * v.capture[1].1
                )),
                None => s.push_str("; not validated\n"),
            }
        }
    }
    for line in summary.products.lines() {
        s.push_str(&format!("  {line}\n"));
    }
    s.push_str(&format!(
        "wrote {} files to {} in {:.1} s\n",
        summary.outputs.len(),
        out.display(),
        summary.seconds
    ));
    s
}

/// One ingested layer: what it is, how it reached the grid, how much of the grid it covers.
fn layer_line(layer: &LayerReport) -> String {
    match layer {
        LayerReport::Raster {
            name,
            kind,
            passthrough,
            source_crs,
            resampling,
            valid_cells,
        } => {
            let how = if *passthrough {
                "already on the grid: copied unchanged".to_string()
            } else {
                format!(
                    "warped from {source_crs} ({})",
                    format!("{resampling:?}").to_lowercase()
                )
            };
            let kind = match kind {
                RasterKind::Continuous => "continuous",
                RasterKind::Categorical => "categorical",
            };
            format!("{name}: raster, {kind}, {how}, {valid_cells} cells with data")
        }
        LayerReport::Vector {
            name,
            role,
            features,
            source_crs,
            classes,
            covered_cells,
        } => {
            let what = match classes {
                None => "presence".to_string(),
                Some(n) => format!("{n} classes"),
            };
            format!(
                "{name}: vector ({}), {features} features from {source_crs}, {what}, \
                 {covered_cells} cells covered",
                role.as_str()
            )
        }
    }
}
