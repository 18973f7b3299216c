//! The run report: one self-contained HTML page a geologist opens first.
//!
//! Everything is inside the file: the maps are PNGs embedded as base64 `data:` URIs, the
//! success-rate curves are inline SVG, the style sheet is inline, and nothing is loaded from
//! anywhere else, so the page can be mailed or archived alone and opens offline. All text that
//! comes from inputs (project, file, layer and occurrence names) is HTML-escaped.
//!
//! The page gives, for each commodity: a summary card (AUC, capture in the top 10 % of the area,
//! targets), the map, the success-rate curve with its figures, the model and its evidence (and
//! what was dropped), extra tables (weights of evidence, logistic coefficients...) and the ranked
//! targets; then the anomaly thresholds of the geochemistry and the input files with their
//! SHA-256.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;

/// Everything the report shows.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// Project (survey) name.
    pub project: String,
    /// One line describing the analysis grid (size, cell size, CRS, extent).
    pub grid: String,
    /// The tool and version that made the run, e.g. `geoprospect 0.1.0`.
    pub created_by: String,
    /// Input files of the run.
    pub inputs: Vec<InputFile>,
    /// One section per commodity, in this order.
    pub commodities: Vec<CommodityReport>,
    /// Anomaly thresholds of the geochemistry, one row per element column.
    pub thresholds: Vec<ThresholdRow>,
}

/// An input file with its size and SHA-256.
#[derive(Debug, Clone, Default)]
pub struct InputFile {
    /// Path as the project gave it (or relative to the project file).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// The report of one commodity.
#[derive(Debug, Clone, Default)]
pub struct CommodityReport {
    /// Commodity name, e.g. `REE`.
    pub name: String,
    /// The score map picture ([`crate::report::map::render_map`]), embedded in the page.
    pub map_png: Option<PathBuf>,
    /// The anomaly classes of the stream-sediment catchments of the model's first element
    /// evidence mapped over them, and that grid's label.
    pub catchment_png: Option<(PathBuf, String)>,
    /// Further maps shown side by side under the score map (a data-driven model's
    /// uncertainty, the maps of the methods a model compares), each with its caption.
    pub maps: Vec<(PathBuf, String)>,
    /// Permutation importance of each evidence layer of a data-driven model (drop in
    /// held-out AUC), in model order, and how it was measured.
    pub importance: Vec<(String, f64)>,
    /// How the importance was measured.
    pub importance_note: String,
    /// Success-rate curve `(share of area, share of occurrences)`; empty when there were no
    /// occurrences to validate against.
    pub curve: Vec<(f64, f64)>,
    /// AUC of the success-rate curve.
    pub auc: Option<f64>,
    /// Occurrences the curve was computed on.
    pub occurrences: usize,
    /// `(share of area, share of occurrences)` in the highest-scoring 5, 10 and 20 % of the area.
    pub capture: Vec<(f64, f64)>,
    /// P-A intersection: `(score threshold, occurrence share = 1 - area share)`.
    pub pa_intersection: Option<(f64, f64)>,
    /// Cross-validated figure, when computed.
    pub crossval: Option<CrossValidationRow>,
    /// The model in one or two sentences (method, combination, parameters).
    pub model: String,
    /// Evidence used: `(name, how it is scored)`.
    pub evidence: Vec<(String, String)>,
    /// Evidence the model asks for but the survey could not provide, with the reason.
    pub dropped: Vec<String>,
    /// Ranked targets.
    pub targets: Vec<TargetRow>,
    /// Further tables, e.g. weights of evidence or logistic coefficients.
    pub tables: Vec<Table>,
}

/// A cross-validated success rate.
#[derive(Debug, Clone, Default)]
pub struct CrossValidationRow {
    /// How, e.g. `leave-one-out over 12 occurrences` or `5-fold`.
    pub method: String,
    /// AUC on held-out occurrences.
    pub auc: f64,
    /// Anything else worth saying (e.g. the spread over folds).
    pub note: String,
    /// The spatial block cross-validation's held-out area under the success-rate curve and
    /// how it was made (blocks, folds, buffer), when it ran.
    pub spatial: Option<(f64, String)>,
    /// What the spatial folds refit, e.g. `weights-of-evidence check`.
    pub refit: String,
}

/// One target of the ranked-targets table.
#[derive(Debug, Clone, Default)]
pub struct TargetRow {
    /// Rank, 1 = best.
    pub rank: u32,
    /// Area in km².
    pub area_km2: f64,
    /// Highest score inside.
    pub max_score: f64,
    /// Mean score inside.
    pub mean_score: f64,
    /// Centroid longitude (WGS 84).
    pub centroid_lon: f64,
    /// Centroid latitude (WGS 84).
    pub centroid_lat: f64,
    /// The evidence that contributes most.
    pub top_evidence: String,
    /// Names of the known occurrences inside.
    pub occurrences: Vec<String>,
}

/// A table with a title, a header row and rows of already formatted cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Title above the table.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Rows; cells that parse as numbers are right-aligned.
    pub rows: Vec<Vec<String>>,
}

/// Anomaly thresholds of one element column (values in `unit`; NaN shows as a dash).
#[derive(Debug, Clone, Default)]
pub struct ThresholdRow {
    /// Element or column label.
    pub element: String,
    /// Unit of the thresholds, e.g. `ppm`.
    pub unit: String,
    /// Values used.
    pub n: usize,
    /// Of which censored (below detection or over range).
    pub n_censored: usize,
    /// Median.
    pub median: f64,
    /// Median + 2 MAD threshold.
    pub median_2mad: f64,
    /// Tukey's upper inner fence.
    pub tukey_upper: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Concentration–area breakpoints, ascending.
    pub ca_thresholds: Vec<f64>,
}

/// Writes the report of `input` to `out` (atomically). Fails when a map picture cannot be read.
pub fn write_report(input: &ReportInput, out: &Path) -> Result<()> {
    let html = render_report(input)?;
    let file = AtomicFile::new(out)?;
    std::fs::write(file.path(), html)
        .map_err(|e| Error::output(out, format!("cannot write: {e}")))?;
    file.commit()
}

/// Escapes text for HTML element content and quoted attribute values.
///
/// ```
/// use geoprospect::report::html::escape;
/// assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file size in B, KB, MB or GB (powers of 1024).
///
/// ```
/// use geoprospect::report::html::human_size;
/// assert_eq!(human_size(512), "512 B");
/// assert_eq!(human_size(1536), "1.5 KB");
/// assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
/// ```
pub fn human_size(bytes: u64) -> String {
    let units = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < units.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", units[unit])
}

/// A number with `decimals` places, or a dash for NaN and infinities.
fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "—".to_string()
    }
}

/// A share as a percentage.
fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0} %", v * 100.0)
    } else {
        "—".to_string()
    }
}

/// A value with about 3 significant digits, for thresholds spanning ppb to percent.
fn sig(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let a = v.abs();
    let decimals = if a == 0.0 || a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2 - a.log10().floor() as i64).clamp(2, 6) as usize
    };
    format!("{v:.decimals$}")
}

/// How good an AUC is, for the badge: (css class, word).
fn grade(auc: f64) -> (&'static str, &'static str) {
    if auc >= 0.8 {
        ("good", "strong")
    } else if auc >= 0.7 {
        ("fair", "moderate")
    } else if auc >= 0.6 {
        ("weak", "weak")
    } else {
        ("poor", "no better than chance")
    }
}

/// An anchor id from a name: lower-case ASCII letters, digits and dashes.
fn anchor(name: &str, k: usize) -> String {
    let a: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("c{k}-{}", a.trim_matches('-'))
}

fn data_uri(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::input(path, format!("cannot read the picture for the report: {e}")))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

const CSS: &str = r#"
:root { --ink:#1d232a; --muted:#5b6570; --line:#dfe3e8; --bg:#f6f7f9; --accent:#2a788e;
  --good:#1a7f4b; --fair:#a86b00; --weak:#b2511c; --poor:#b3261e; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.5 "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background:#17212b; color:#fff; padding:28px 0 22px; }
.wrap { max-width:1200px; margin:0 auto; padding:0 28px; }
header h1 { margin:0 0 4px; font-size:28px; font-weight:650; letter-spacing:.2px; }
header .meta { color:#c4ccd4; font-size:13.5px; }
header .meta span + span:before { content:"·"; margin:0 8px; color:#7d8a96; }
nav { margin-top:14px; font-size:14px; }
nav a { color:#9fd3df; text-decoration:none; margin-right:18px; }
nav a:hover { text-decoration:underline; }
main { padding:24px 0 40px; }
h2 { font-size:22px; margin:36px 0 12px; padding-bottom:6px; border-bottom:2px solid var(--line); }
h3 { font-size:16px; margin:22px 0 8px; color:#28323c; }
p.note { color:var(--muted); font-size:13.5px; margin:6px 0 0; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(250px, 1fr)); gap:16px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 18px;
  text-decoration:none; color:inherit; display:block; }
a.card:hover { border-color:var(--accent); }
.card .name { font-weight:650; font-size:17px; }
.card .big { font-size:30px; font-weight:650; margin:6px 0 2px; font-variant-numeric:tabular-nums; }
.card .small { color:var(--muted); font-size:13.5px; }
.badge { display:inline-block; border-radius:10px; padding:1px 9px; font-size:12.5px;
  font-weight:600; color:#fff; vertical-align:middle; margin-left:6px; }
.badge.good { background:var(--good); } .badge.fair { background:var(--fair); }
.badge.weak { background:var(--weak); } .badge.poor { background:var(--poor); }
.badge.none { background:#8a949e; }
section.commodity { background:#fff; border:1px solid var(--line); border-radius:8px;
  padding:4px 24px 24px; margin-top:28px; }
section.commodity h2 { border:0; margin-top:18px; }
figure { margin:0; }
figure img { width:100%; height:auto; border:1px solid var(--line); border-radius:4px; display:block; }
figcaption { color:var(--muted); font-size:13px; margin-top:4px; }
.two { display:grid; grid-template-columns:minmax(300px, 380px) 1fr; gap:28px; align-items:start; }
@media (max-width: 820px) { .two { grid-template-columns:1fr; } }
.maps { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:16px; }
table { border-collapse:collapse; width:100%; font-size:13.5px; background:#fff; }
th, td { padding:5px 9px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#eef1f4; font-weight:600; color:#303a44; white-space:nowrap; }
tbody tr:nth-child(even) td { background:#fafbfc; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
table.kv th { width:46%; background:transparent; color:var(--muted); font-weight:500; white-space:normal; }
code, .mono { font-family:ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size:12.5px; }
.hash { word-break:break-all; color:#46505a; }
.warn { background:#fff6e5; border:1px solid #f0d9a8; border-radius:6px; padding:8px 12px;
  font-size:13.5px; margin-top:10px; }
.warn ul { margin:4px 0 0 18px; padding:0; }
.scroll { overflow-x:auto; }
svg text { font-family:inherit; }
footer { color:var(--muted); font-size:12.5px; padding:18px 0 30px; border-top:1px solid var(--line); }
@media print { body { background:#fff; } header { background:#fff; color:#000; }
  header .meta, nav a { color:#333; } section.commodity { break-inside:avoid-page; } }
"#;

/// The report as an HTML string.
pub fn render_report(input: &ReportInput) -> Result<String> {
    let mut h = String::with_capacity(1 << 16);
    let title = format!("{}: prospectivity report", input.project);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    // Header.
    let _ = write!(
        h,
        "<header><div class=\"wrap\">\n<h1>{}</h1>\n<div class=\"meta\"><span>Mineral prospectivity report</span><span>{}</span><span>{}</span></div>\n<nav>",
        escape(&input.project),
        escape(&input.grid),
        escape(&input.created_by)
    );
    for (k, c) in input.commodities.iter().enumerate() {
        let _ = write!(
            h,
            "<a href=\"#{}\">{}</a>",
            anchor(&c.name, k),
            escape(&c.name)
        );
    }
    if !input.thresholds.is_empty() {
        h.push_str("<a href=\"#thresholds\">Anomaly thresholds</a>");
    }
    h.push_str(
        "<a href=\"#inputs\">Inputs</a></nav>\n</div></header>\n<main><div class=\"wrap\">\n",
    );
    // Summary cards.
    if !input.commodities.is_empty() {
        h.push_str("<div class=\"cards\">\n");
        for (k, c) in input.commodities.iter().enumerate() {
            summary_card(&mut h, c, k);
        }
        h.push_str("</div>\n<p class=\"note\">AUC: area under the success-rate curve, the chance that a known occurrence scores higher than a random cell (0.5 = no skill, 1 = perfect). The occurrences informed the model's thresholds, so they are not an independent test: see the cross-validated figure where given.</p>\n");
    }
    for (k, c) in input.commodities.iter().enumerate() {
        commodity_section(&mut h, c, k)?;
    }
    if !input.thresholds.is_empty() {
        thresholds_section(&mut h, &input.thresholds);
    }
    inputs_section(&mut h, &input.inputs);
    let _ = write!(
        h,
        "</div></main>\n<footer><div class=\"wrap\">Written by {}. Scores are relative favourability in [0, 1] on the analysis grid, not probabilities of a deposit.</div></footer>\n</body>\n</html>\n",
        escape(&input.created_by)
    );
    Ok(h)
}

fn summary_card(h: &mut String, c: &CommodityReport, k: usize) {
    let _ = write!(
        h,
        "<a class=\"card\" href=\"#{}\"><div class=\"name\">{}</div>",
        anchor(&c.name, k),
        escape(&c.name)
    );
    match c.auc {
        Some(auc) => {
            let (class, word) = grade(auc);
            let _ = write!(
                h,
                "<div class=\"big\">AUC {}<span class=\"badge {class}\">{word}</span></div>",
                num(auc, 3)
            );
            let top10 = c
                .capture
                .iter()
                .find(|(a, _)| (a - 0.10).abs() < 1e-9)
                .map(|&(_, s)| s);
            let mut line = format!("{} known occurrences", c.occurrences);
            if let Some(s) = top10 {
                let _ = write!(line, "; {} of them in the top 10 % of the area", pct(s));
            }
            let _ = write!(h, "<div class=\"small\">{}</div>", escape(&line));
        }
        None => {
            h.push_str("<div class=\"big\">—<span class=\"badge none\">not validated</span></div><div class=\"small\">no known occurrences of this commodity</div>");
        }
    }
    if let Some(cv) = &c.crossval {
        let _ = write!(
            h,
            "<div class=\"small\">cross-validated AUC {} ({})</div>",
            num(cv.auc, 3),
            escape(&cv.method)
        );
        if let Some((auc, _)) = &cv.spatial {
            let _ = write!(
                h,
                "<div class=\"small\">spatial block cross-validation: check AUC {}</div>",
                num(*auc, 3)
            );
        }
    }
    let _ = writeln!(
        h,
        "<div class=\"small\">{} target zone{}</div></a>",
        c.targets.len(),
        if c.targets.len() == 1 { "" } else { "s" }
    );
}

fn commodity_section(h: &mut String, c: &CommodityReport, k: usize) -> Result<()> {
    let _ = write!(
        h,
        "<section class=\"commodity\" id=\"{}\">\n<h2>{}</h2>\n",
        anchor(&c.name, k),
        escape(&c.name)
    );
    if let Some(png) = &c.map_png {
        let _ = writeln!(
            h,
            "<figure><img alt=\"{} prospectivity map\" src=\"{}\"><figcaption>Score under the viridis ramp (yellow = most favourable); white outlines are the target zones with their ranks, red triangles the known occurrences.</figcaption></figure>",
            escape(&c.name),
            data_uri(png)?
        );
    }
    if let Some((png, label)) = &c.catchment_png {
        let _ = writeln!(
            h,
            "<figure><img alt=\"{0} over stream-sediment catchments\" src=\"{1}\"><figcaption>{0} of each stream-sediment sample over its catchment (the basin upstream of it, nested basins cut out), coloured by the sample's anomaly class; <code>catchments.geojson</code> has the polygons.</figcaption></figure>",
            escape(label),
            data_uri(png)?
        );
    }
    if !c.maps.is_empty() {
        h.push_str("<div class=\"maps\">\n");
        for (png, caption) in &c.maps {
            let _ = writeln!(
                h,
                "<figure><img alt=\"{0}\" src=\"{1}\"><figcaption>{0}</figcaption></figure>",
                escape(caption),
                data_uri(png)?
            );
        }
        h.push_str("</div>\n");
    }
    // Validation: chart and figures side by side.
    h.push_str("<h3>Success rate</h3>\n<div class=\"two\">\n<div>");
    if c.curve.len() >= 2 {
        let top10 = c
            .capture
            .iter()
            .find(|(a, _)| (a - 0.10).abs() < 1e-9)
            .map(|&(_, s)| s);
        h.push_str(&curve_svg(&c.curve, c.auc, top10));
    } else {
        h.push_str("<p class=\"note\">No known occurrences of this commodity on scored cells: the map is not validated.</p>");
    }
    h.push_str("</div>\n<div><table class=\"kv\"><tbody>\n");
    let row = |h: &mut String, k: &str, v: &str| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
    };
    match c.auc {
        Some(auc) => {
            let (_, word) = grade(auc);
            row(
                h,
                "AUC (success rate)",
                &format!("{} ({word})", num(auc, 3)),
            );
        }
        None => row(h, "AUC (success rate)", "not computed"),
    }
    row(h, "Known occurrences used", &c.occurrences.to_string());
    for &(area, share) in &c.capture {
        row(
            h,
            &format!("Occurrences in the top {} of the area", pct(area)),
            &pct(share),
        );
    }
    if let Some((t, share)) = c.pa_intersection {
        row(
            h,
            "P-A intersection",
            &format!(
                "score {}: {} of occurrences in {} of the area",
                num(t, 3),
                pct(share),
                pct(1.0 - share)
            ),
        );
    }
    match &c.crossval {
        Some(cv) => {
            let mut v = format!("AUC {} ({})", num(cv.auc, 3), cv.method);
            if !cv.note.is_empty() {
                let _ = write!(v, "; {}", cv.note);
            }
            row(h, "Cross-validated", &v);
            if let Some((auc, how)) = &cv.spatial {
                row(
                    h,
                    "Spatial block cross-validation",
                    &format!("{}: AUC {} held out ({how})", cv.refit, num(*auc, 3)),
                );
            }
        }
        None => row(h, "Cross-validated", "not computed"),
    }
    h.push_str("</tbody></table></div>\n</div>\n");
    // Model.
    h.push_str("<h3>Model</h3>\n");
    if !c.model.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", escape(&c.model));
    }
    if !c.evidence.is_empty() {
        h.push_str("<div class=\"scroll\"><table><thead><tr><th>Evidence</th><th>How it is scored</th></tr></thead><tbody>\n");
        for (name, how) in &c.evidence {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(name),
                escape(how)
            );
        }
        h.push_str("</tbody></table></div>\n");
    }
    if !c.dropped.is_empty() {
        h.push_str("<div class=\"warn\"><strong>Evidence left out</strong> (the model asks for it, this survey does not provide it):<ul>");
        for d in &c.dropped {
            let _ = write!(h, "<li>{}</li>", escape(d));
        }
        h.push_str("</ul></div>\n");
    }
    if !c.importance.is_empty() {
        h.push_str("<h3>Evidence importance</h3>\n<div class=\"two\">\n<div>");
        h.push_str(&importance_svg(&c.importance));
        let _ = write!(
            h,
            "</div>\n<div><table><thead><tr><th>Evidence</th><th class=\"num\">Drop in held-out AUC</th></tr></thead><tbody>\n"
        );
        for (name, drop) in &c.importance {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(name),
                num(*drop, 3)
            );
        }
        let _ = writeln!(
            h,
            "</tbody></table><p class=\"note\">{}</p></div>\n</div>",
            escape(&c.importance_note)
        );
    }
    for t in &c.tables {
        table(h, t);
    }
    // Targets.
    let _ = writeln!(h, "<h3>Ranked targets ({})</h3>", c.targets.len());
    if c.targets.is_empty() {
        h.push_str("<p class=\"note\">No target zone.</p>\n");
    } else {
        h.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"num\">Rank</th><th class=\"num\">Area (km²)</th><th class=\"num\">Max score</th><th class=\"num\">Mean score</th><th class=\"num\">Centroid lon</th><th class=\"num\">Centroid lat</th><th>Main evidence</th><th>Known occurrences inside</th></tr></thead><tbody>\n");
        for t in &c.targets {
            let occ = if t.occurrences.is_empty() {
                "—".to_string()
            } else {
                escape(&t.occurrences.join(", "))
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{occ}</td></tr>",
                t.rank,
                num(t.area_km2, 2),
                num(t.max_score, 3),
                num(t.mean_score, 3),
                num(t.centroid_lon, 5),
                num(t.centroid_lat, 5),
                escape(&t.top_evidence),
            );
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</section>\n");
    Ok(())
}

fn is_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches('%').trim();
    !t.is_empty() && t.parse::<f64>().is_ok()
}

fn table(h: &mut String, t: &Table) {
    let _ = writeln!(h, "<h3>{}</h3>", escape(&t.title));
    // Columns whose cells are all numbers are right-aligned.
    let numeric: Vec<bool> = (0..t.header.len())
        .map(|j| {
            let mut cells = t.rows.iter().filter_map(|r| r.get(j)).peekable();
            cells.peek().is_some()
                && t.rows
                    .iter()
                    .filter_map(|r| r.get(j))
                    .all(|c| is_number(c) || c.trim() == "—" || c.trim().is_empty())
        })
        .collect();
    let class = |j: usize| {
        if numeric.get(j).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    h.push_str("<div class=\"scroll\"><table><thead><tr>");
    for (j, c) in t.header.iter().enumerate() {
        let _ = write!(h, "<th{}>{}</th>", class(j), escape(c));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &t.rows {
        h.push_str("<tr>");
        for (j, c) in r.iter().enumerate() {
            let _ = write!(h, "<td{}>{}</td>", class(j), escape(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
}

fn thresholds_section(h: &mut String, rows: &[ThresholdRow]) {
    h.push_str("<h2 id=\"thresholds\">Anomaly thresholds</h2>\n<p class=\"note\">Per element column, after censored-value substitution (half the detection limit; over-range values at their limit). Median + 2 MAD and Tukey's upper fence are computed on log10 values (Reimann, Filzmoser &amp; Garrett 2005); C–A: concentration–area fractal breakpoints (Cheng, Agterberg &amp; Ballantyne 1994).</p>\n");
    h.push_str("<div class=\"scroll\"><table><thead><tr><th>Element</th><th>Unit</th><th class=\"num\">n</th><th class=\"num\">Censored</th><th class=\"num\">Median</th><th class=\"num\">Median + 2 MAD</th><th class=\"num\">Tukey upper</th><th class=\"num\">P95</th><th class=\"num\">C–A breakpoints</th></tr></thead><tbody>\n");
    for r in rows {
        let ca = if r.ca_thresholds.is_empty() {
            "—".to_string()
        } else {
            r.ca_thresholds
                .iter()
                .map(|&v| sig(v))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&r.element),
            escape(&r.unit),
            r.n,
            r.n_censored,
            sig(r.median),
            sig(r.median_2mad),
            sig(r.tukey_upper),
            sig(r.p95),
            escape(&ca)
        );
    }
    h.push_str("</tbody></table></div>\n");
}

fn inputs_section(h: &mut String, inputs: &[InputFile]) {
    h.push_str("<h2 id=\"inputs\">Inputs</h2>\n");
    if inputs.is_empty() {
        h.push_str("<p class=\"note\">No input files recorded.</p>\n");
        return;
    }
    h.push_str("<div class=\"scroll\"><table><thead><tr><th>File</th><th class=\"num\">Size</th><th>SHA-256</th></tr></thead><tbody>\n");
    for f in inputs {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"mono hash\">{}</td></tr>",
            escape(&f.path),
            human_size(f.bytes),
            escape(&f.sha256)
        );
    }
    h.push_str("</tbody></table></div>\n");
}

/// The success-rate curve as an inline SVG chart with the diagonal, the area under the curve
/// shaded, and the capture at 10 % of the area marked (`top10` when given, as the validation
/// computed it; otherwise read off the curve).
/// Horizontal bars of the evidence's permutation importance, longest first, from 0 to the
/// largest drop (negative drops, noise, drawn as nothing).
fn importance_svg(importance: &[(String, f64)]) -> String {
    let mut rows: Vec<&(String, f64)> = importance.iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top = rows
        .iter()
        .map(|r| r.1)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-3);
    let (w, bar, gap, l, r) = (380.0, 16.0, 6.0, 120.0, 48.0);
    let hgt = rows.len() as f64 * (bar + gap) + gap;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {w} {hgt}\" width=\"100%\" role=\"img\" aria-label=\"evidence importance\">"
    );
    for (k, (name, v)) in rows.iter().enumerate() {
        let y = gap + k as f64 * (bar + gap);
        let len = if v.is_finite() {
            (v / top).max(0.0) * (w - l - r)
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1f2933\">{}</text>\
             <rect x=\"{l}\" y=\"{y:.1}\" width=\"{len:.1}\" height=\"{bar}\" fill=\"#21918c\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#5b6570\">{}</text>",
            l - 6.0,
            y + bar - 4.0,
            escape(name),
            l + len + 4.0,
            y + bar - 4.0,
            num(*v, 3)
        );
    }
    s.push_str("</svg>");
    s
}

fn curve_svg(curve: &[(f64, f64)], auc: Option<f64>, top10: Option<f64>) -> String {
    let (w, hgt) = (380.0, 330.0);
    let (l, r, t, b) = (52.0, 22.0, 14.0, 46.0);
    let (pw, ph) = (w - l - r, hgt - t - b);
    let x = |a: f64| l + a.clamp(0.0, 1.0) * pw;
    let y = |o: f64| t + (1.0 - o.clamp(0.0, 1.0)) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {w} {hgt}\" width=\"100%\" role=\"img\" aria-label=\"success-rate curve\">"
    );
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e6e9ed\"/>\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e6e9ed\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6570\">{:.0} %</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6570\">{:.0} %</text>",
            x(v), y(0.0), x(v), y(1.0),
            x(0.0), y(v), x(1.0), y(v),
            x(v), y(0.0) + 16.0, v * 100.0,
            x(0.0) - 6.0, y(v) + 4.0, v * 100.0,
        );
    }
    let pts: Vec<String> = curve
        .iter()
        .map(|&(a, o)| format!("{:.1},{:.1}", x(a), y(o)))
        .collect();
    let _ = write!(
        s,
        "<polygon points=\"{:.1},{:.1} {} {:.1},{:.1}\" fill=\"#2a788e\" fill-opacity=\"0.12\"/>",
        x(0.0),
        y(0.0),
        pts.join(" "),
        x(1.0),
        y(0.0)
    );
    let _ = write!(
        s,
        "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8a949e\" stroke-dasharray=\"5 4\"/>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    let _ = write!(
        s,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#2a788e\" stroke-width=\"2.4\" stroke-linejoin=\"round\"/>",
        pts.join(" ")
    );
    // Capture at 10 % of the area, read off the curve.
    let at10 = top10.unwrap_or_else(|| interpolate(curve, 0.10));
    let _ = write!(
        s,
        "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#b3261e\" stroke-dasharray=\"2 3\"/>\
         <circle cx=\"{0:.1}\" cy=\"{2:.1}\" r=\"4\" fill=\"#b3261e\"/>\
         <text x=\"{3:.1}\" y=\"{4:.1}\" font-size=\"11.5\" fill=\"#b3261e\">{5:.0} % in top 10 %</text>",
        x(0.1),
        y(0.0),
        y(at10),
        x(0.1) + 7.0,
        (y(at10) + 14.0).min(y(0.0) - 6.0),
        at10 * 100.0
    );
    if let Some(auc) = auc {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" font-weight=\"600\" text-anchor=\"end\" fill=\"#1d232a\">AUC {}</text>",
            x(1.0) - 6.0,
            y(0.0) - 12.0,
            num(auc, 3)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11.5\" text-anchor=\"middle\" fill=\"#303a44\">share of the area, highest scores first</text>\
         <text transform=\"translate(13 {:.1}) rotate(-90)\" font-size=\"11.5\" text-anchor=\"middle\" fill=\"#303a44\">share of known occurrences</text></svg>",
        l + pw / 2.0,
        hgt - 8.0,
        t + ph / 2.0
    );
    s
}

/// The curve's occurrence share at area share `a` (linear between points).
fn interpolate(curve: &[(f64, f64)], a: f64) -> f64 {
    for w in curve.windows(2) {
        let ((a0, o0), (a1, o1)) = (w[0], w[1]);
        if a >= a0 && a <= a1 {
            return if a1 > a0 {
                o0 + (a - a0) / (a1 - a0) * (o1 - o0)
            } else {
                o1
            };
        }
    }
    curve.last().map_or(0.0, |p| p.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1234.6), "1235");
        assert_eq!(sig(12.34), "12.3");
        assert_eq!(sig(1.234), "1.23");
        assert_eq!(sig(0.01234), "0.0123");
        assert_eq!(sig(f64::NAN), "—");
    }

    #[test]
    fn curve_interpolation() {
        let c = [(0.0, 0.0), (0.2, 0.6), (1.0, 1.0)];
        assert!((interpolate(&c, 0.1) - 0.3).abs() < 1e-12);
        assert!((interpolate(&c, 0.6) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(anchor("REE", 0), "c0-ree");
        assert_eq!(anchor("<b>\"x\"", 2), "c2-b--x");
    }

    #[test]
    fn numeric_columns_are_detected() {
        let mut h = String::new();
        table(
            &mut h,
            &Table {
                title: "W".into(),
                header: vec!["evidence".into(), "W+".into()],
                rows: vec![vec!["faults".into(), "1.25".into()]],
            },
        );
        assert!(h.contains("<th class=\"num\">W+</th>"), "{h}");
        assert!(h.contains("<th>evidence</th>"), "{h}");
    }
}
