//! Prospectivity scores: a checked [`Model`] evaluated block by block over the analysis grid.
//!
//! For each evidence layer the raw values (a distance, an element grid, a raster) are read from
//! the layer files of the run, its membership thresholds given as percentiles are resolved over
//! the whole grid in two exact passes, and a last pass computes, block by block, every
//! membership and the combined score. Memberships are combined within groups, then groups
//! across (an inference network, Bonham-Carter 1994, ch. 9; [`crate::models::network`]): with a
//! fuzzy operator, or in an index overlay where a group weighs its `group_weights` entry or else
//! the sum of its evidence weights. A cell where an evidence layer has no data is scored on the
//! evidence it has (missing evidence is unknown, not unfavourable, as weights of evidence treats
//! it); a cell with no evidence at all is nodata.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::{blocks, Block, Engine};
use crate::error::{Error, Result};
use crate::evidence::categorical::ScoreLookup;
use crate::evidence::membership::Membership;
use crate::grid::GridSpec;
use crate::io::cog::{CogOptions, CogWriter, LayerMeta, PixelType};
use crate::io::layer::GridLayer;
use crate::models::network::{Across, Network, Scratch};
use crate::modelspec::{Evidence, Method, Model, Source};
use crate::ops::percentiles::layer_percentiles;

/// An evidence layer whose source was found, with its raw-value file.
pub struct BoundEvidence {
    /// The model's evidence entry.
    pub evidence: Evidence,
    /// The file holding its raw values on the analysis grid.
    pub raw: PathBuf,
    /// How outputs name that file (relative to the output folder).
    pub label: String,
}

/// How a raw block becomes memberships.
enum Transform {
    Membership(Membership),
    Classes(ScoreLookup),
}

/// What scoring produced, for the summary and the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScoreSummary {
    /// Evidence used, with its resolved membership function.
    pub used: Vec<(String, String)>,
    /// Cells with a score.
    pub scored_cells: u64,
    /// Evidence left out because its layer gives no usable percentile thresholds (no data on
    /// the grid, or percentiles that coincide as on a constant layer), with the reason.
    pub left_out: Vec<String>,
}

/// The percentile thresholds of one evidence layer, resolved over the whole grid: the values,
/// or why the evidence is left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Percentiles {
    /// The layer's values at the membership's percentiles, in the order the membership names
    /// them.
    Values(Vec<f64>),
    /// The layer cannot give them (no data on the grid, or percentiles that coincide).
    LeftOut(String),
}

/// Percentile thresholds by evidence name, for the evidence whose membership names any.
pub type EvidencePercentiles = BTreeMap<String, Percentiles>;

/// Resolves the percentile thresholds of every evidence of `model` over the whole grid (two
/// exact passes of mergeable partial statistics per layer; see
/// [`crate::evidence::quantiles`]). A plan computes them once for all its tiles.
pub fn resolve_percentiles(
    model: &Model,
    bound: &[BoundEvidence],
    grid: &GridSpec,
    engine: &Engine,
) -> Result<EvidencePercentiles> {
    let all = blocks(grid);
    let mut out = BTreeMap::new();
    for b in bound {
        let Some(spec) = &b.evidence.membership else {
            continue;
        };
        let ps = spec.percentiles();
        if ps.is_empty() || matches!(b.evidence.source, Source::Classes { .. }) {
            continue;
        }
        let layer = GridLayer::open(&b.raw, grid)?;
        let values = engine.staged(
            &format!("{} {}: thresholds", model.commodity, b.evidence.name),
            0,
            || layer_percentiles(&ps, &layer, &all, engine),
        )?;
        let resolved = match values {
            None => Percentiles::LeftOut("no data on the analysis grid".to_string()),
            Some(v) => match spec.resolve(&v) {
                Ok(_) => Percentiles::Values(v),
                Err(e) => Percentiles::LeftOut(e.to_string()),
            },
        };
        out.insert(b.evidence.name.clone(), resolved);
    }
    Ok(out)
}

/// Evaluates `model` over `grid` (or its window): writes each membership to
/// `membership_dir/<name>.tif` and the score to `target`, with the percentile thresholds
/// `percentiles` (from [`resolve_percentiles`]).
///
/// Evidence whose membership thresholds are percentiles that the layer cannot give (a layer
/// with no data on the grid, or one where they coincide, as on a constant layer of values all
/// below detection) is left out with a warning: survey data, not the model, is at fault, and
/// the other evidence still scores. `None` when no evidence is left.
#[allow(clippy::too_many_arguments)]
pub fn score(
    model: &Model,
    bound: &[BoundEvidence],
    percentiles: &EvidencePercentiles,
    grid: &GridSpec,
    engine: &Engine,
    membership_dir: &Path,
    target: &Path,
    cog: &CogOptions,
) -> Result<Option<ScoreSummary>> {
    if bound.is_empty() || model.method.learner().is_some() {
        return Err(Error::Internal(format!(
            "no evidence or a data-driven method to score {}",
            model.commodity
        )));
    }
    let all = blocks(grid);
    let layers = bound
        .iter()
        .map(|b| GridLayer::open(&b.raw, grid))
        .collect::<Result<Vec<_>>>()?;
    let mut transforms = Vec::with_capacity(bound.len());
    let mut used = Vec::with_capacity(bound.len());
    let mut kept = Vec::with_capacity(bound.len());
    let mut left_out = Vec::new();
    for (i, (b, layer)) in bound.iter().zip(&layers).enumerate() {
        let t = match (&b.evidence.source, &b.evidence.membership) {
            (Source::Classes { scores, .. }, _) => {
                let unmatched = scores.unmatched(layer.category_names());
                if !unmatched.is_empty() {
                    tracing::warn!(
                        "{}: evidence {}: no class named {} in {} (its classes: {}); those \
                         scores are not used",
                        model.commodity,
                        b.evidence.name,
                        unmatched.join(", "),
                        b.label,
                        layer
                            .category_names()
                            .iter()
                            .filter(|n| !n.is_empty())
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                Transform::Classes(scores.lookup(layer.category_names()))
            }
            (_, Some(spec)) if spec.percentiles().is_empty() => {
                Transform::Membership(spec.resolve(&[])?)
            }
            (_, Some(spec)) => match percentiles.get(&b.evidence.name) {
                Some(Percentiles::Values(v)) => Transform::Membership(spec.resolve(v)?),
                Some(Percentiles::LeftOut(reason)) => {
                    tracing::warn!(
                        "{}: evidence {} left out: {reason}",
                        model.commodity,
                        b.evidence.name
                    );
                    left_out.push(format!("{}: {reason}", b.evidence.name));
                    continue;
                }
                None => {
                    return Err(Error::Internal(format!(
                        "percentiles of evidence {} were not resolved",
                        b.evidence.name
                    )))
                }
            },
            (_, None) => {
                return Err(Error::Internal(format!(
                    "evidence {} has no membership",
                    b.evidence.name
                )))
            }
        };
        let how = match &t {
            Transform::Membership(m) => m.describe(),
            Transform::Classes(_) => "class scores".to_string(),
        };
        used.push((b.evidence.name.clone(), how));
        transforms.push(t);
        kept.push(i);
    }
    if kept.is_empty() {
        return Ok(None);
    }
    let bound: Vec<&BoundEvidence> = kept.iter().map(|&i| &bound[i]).collect();
    let layers: Vec<GridLayer> = layers
        .into_iter()
        .enumerate()
        .filter(|(i, _)| kept.contains(i))
        .map(|(_, l)| l)
        .collect();
    let network = network(
        model,
        &bound.iter().map(|b| &b.evidence).collect::<Vec<_>>(),
    );
    let mut writers = bound
        .iter()
        .map(|b| {
            let meta = LayerMeta {
                description: format!("{} membership: {}", model.commodity, b.evidence.name),
                inputs: vec![b.label.clone()],
                ..Default::default()
            };
            CogWriter::create(
                grid,
                &membership_dir.join(format!("{}.tif", b.evidence.name)),
                PixelType::Float32,
                &meta,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let meta = LayerMeta {
        description: format!("{} prospectivity", model.commodity),
        inputs: bound.iter().map(|b| b.label.clone()).collect(),
        items: vec![("GEOPROSPECT_MODEL".into(), model_description(model))],
        category_names: Vec::new(),
    };
    let mut out = CogWriter::create(grid, target, PixelType::Float32, &meta)?;
    let mut scored = 0;
    engine.stage(
        &format!("{} score", model.commodity),
        &all,
        |block| score_block(block, &layers, &transforms, &network),
        |block, (memberships, score)| {
            scored += score.iter().filter(|v| !v.is_nan()).count() as u64;
            for (w, m) in writers.iter_mut().zip(memberships) {
                w.write_rows(block.row0, m)?;
            }
            out.write_rows(block.row0, score)
        },
    )?;
    for w in writers {
        w.finish(cog, engine)?;
    }
    out.finish(cog, engine)?;
    Ok(Some(ScoreSummary {
        used,
        scored_cells: scored,
        left_out,
    }))
}

/// Memberships and the score of one block.
fn score_block(
    block: &Block,
    layers: &[GridLayer],
    transforms: &[Transform],
    network: &Network,
) -> Result<(Vec<Vec<f32>>, Vec<f32>)> {
    let mut memberships = Vec::with_capacity(layers.len());
    for (layer, t) in layers.iter().zip(transforms) {
        let m = match t {
            Transform::Membership(f) => {
                let mut v = layer.read_block(block)?;
                f.apply(&mut v);
                v
            }
            Transform::Classes(lookup) => {
                let codes = layer.read_classes(block.row0, block.rows)?;
                let mut v = vec![0f32; codes.len()];
                lookup.apply(&codes, &mut v);
                v
            }
        };
        memberships.push(m);
    }
    let n = memberships.first().map_or(0, Vec::len);
    let mut score = vec![f32::NAN; n];
    let mut cell = Vec::with_capacity(layers.len());
    let mut scratch = Scratch::default();
    for (j, s) in score.iter_mut().enumerate() {
        cell.clear();
        cell.extend(memberships.iter().map(|m| m[j] as f64));
        *s = network.cell(&cell, &mut scratch) as f32;
    }
    Ok((memberships, score))
}

/// The inference network of `model` over `evidence` (the model's evidence that is scored, in
/// the order of the memberships): groups in order of first appearance; in an index overlay,
/// each group weighs its entry of `group_weights` or else the sum of its evidence weights.
pub fn network(model: &Model, evidence: &[&Evidence]) -> Network {
    let names: Vec<String> = evidence.iter().map(|e| e.group.clone()).collect();
    let groups = group_indices(&names);
    let across = match model.method {
        // `score` refuses data-driven methods.
        Method::Fuzzy | Method::RandomForest | Method::GradientBoosting => {
            Across::Fuzzy(model.combine)
        }
        Method::Index => Across::Index(
            groups
                .iter()
                .map(|g| match model.group_weights.get(&names[g[0]]) {
                    Some(&w) => w,
                    None => g.iter().map(|&i| evidence[i].weight).sum::<f64>(),
                })
                .collect(),
        ),
    };
    Network {
        groups,
        within: model.group_op,
        across,
    }
}

/// Indices of the evidence in each group, groups in order of first appearance.
fn group_indices(groups: &[String]) -> Vec<Vec<usize>> {
    let mut names: Vec<&String> = Vec::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        match names.iter().position(|n| *n == g) {
            Some(k) => out[k].push(i),
            None => {
                names.push(g);
                out.push(vec![i]);
            }
        }
    }
    out
}

/// One line naming the model, for output metadata.
///
/// ```
/// use geoprospect::modelspec::{preset, ModelSpec};
/// use geoprospect::ops::score::model_description;
/// use geoprospect::commodity::Commodity;
/// let own = ModelSpec::parse(
///     "method = \"index\"\ngroup_weights = { a = 0.7, b = 0.3 }\n\
///      [[evidence]]\nname = \"x\"\nelement = \"Sn\"\ngroup = \"a\"\n\
///      membership = { fn = \"linear\", low = 1.0, high = 9.0 }\n\
///      [[evidence]]\nname = \"y\"\nelement = \"W\"\ngroup = \"b\"\n\
///      membership = { fn = \"linear\", low = 1.0, high = 9.0 }\n",
/// )
/// .unwrap();
/// let model = preset(Commodity::SN).overridden_by(&own).check(Commodity::SN).unwrap();
/// assert_eq!(
///     model_description(&model),
///     "index overlay of groups a 0.7 (x), b 0.3 (y) (groups by or)"
/// );
/// ```
pub fn model_description(model: &Model) -> String {
    let names: Vec<&str> = model.evidence.iter().map(|e| e.name.as_str()).collect();
    let of = if model.group_weights.is_empty() {
        names.join(", ")
    } else {
        let evidence: Vec<&Evidence> = model.evidence.iter().collect();
        let groups = group_indices(&evidence.iter().map(|e| e.group.clone()).collect::<Vec<_>>());
        let parts: Vec<String> = groups
            .iter()
            .map(|g| {
                let group = &evidence[g[0]].group;
                let members: Vec<&str> = g.iter().map(|&i| names[i]).collect();
                let w = model.group_weights.get(group).copied().unwrap_or(0.0);
                format!("{group} {w} ({})", members.join(", "))
            })
            .collect();
        format!("groups {}", parts.join(", "))
    };
    let how = match model.method {
        Method::Fuzzy => format!("fuzzy {}", model.combine.name()),
        Method::Index => "index overlay".to_string(),
        m @ (Method::RandomForest | Method::GradientBoosting) => {
            return format!("{} on the raw values of {}", m.as_str(), names.join(", "))
        }
    };
    format!("{how} of {of} (groups by {})", model.group_op.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commodity::Commodity;
    use crate::models::fuzzy::FuzzyOp;
    use crate::modelspec::{preset, ModelSpec};

    #[test]
    fn groups_keep_first_appearance_order() {
        let g = group_indices(&["a".into(), "b".into(), "a".into(), "c".into()]);
        assert_eq!(g, vec![vec![0, 2], vec![1], vec![3]]);
    }

    #[test]
    fn fuzzy_op_on_available_values() {
        assert_eq!(FuzzyOp::Or.apply_available(&[0.2, 0.7]), 0.7);
        assert_eq!(FuzzyOp::And.apply_available(&[0.2, 0.7]), 0.2);
        // Gamma: sum^g · product^(1-g) with sum = 1 - 0.8·0.3 = 0.76, product = 0.14.
        let g = FuzzyOp::Gamma(0.5).apply_available(&[0.2, 0.7]);
        assert!((g - (0.76f64 * 0.14).sqrt()).abs() < 1e-12, "{g}");
    }

    /// The score of a preset's cell whose memberships are set per group: `value(group)` for
    /// each evidence of the group, `None` for a group whose evidence the survey lacks.
    fn preset_cell(c: Commodity, value: impl Fn(&str) -> Option<f64>) -> f64 {
        let model = preset(c).check(c).unwrap();
        let kept: Vec<&Evidence> = model
            .evidence
            .iter()
            .filter(|e| value(&e.group).is_some())
            .collect();
        let memberships: Vec<f64> = kept.iter().filter_map(|e| value(&e.group)).collect();
        network(&model, &kept).cell(&memberships, &mut Scratch::default())
    }

    /// Issue 17: favourable geology carries a cell where geochemistry is silent, and an
    /// anomaly without source or pathway is discounted, under every preset, with and without
    /// a host layer (a geological map) in the survey.
    #[test]
    fn presets_rank_a_blind_deposit_above_a_plume() {
        for c in Commodity::PRESETS {
            let model = preset(c).check(c).unwrap();
            let groups: Vec<&str> = model.evidence.iter().map(|e| e.group.as_str()).collect();
            assert!(
                groups.contains(&"source") && groups.contains(&"footprint"),
                "{c}: {groups:?}"
            );
            assert!(
                groups
                    .iter()
                    .all(|g| ["source", "pathway", "host", "footprint"].contains(g)),
                "{c}: {groups:?}"
            );
            for host in [Some(1.0), Some(0.0), None] {
                // Blind: favourable source and pathway under cover, no geochemistry; the host
                // at its least favourable beside the plume's most favourable.
                let blind = preset_cell(c, |g| match g {
                    "footprint" => Some(0.001),
                    "host" if c != Commodity::REE => host.map(|_| 0.0),
                    "host" => host,
                    _ => Some(1.0),
                });
                let plume = preset_cell(c, |g| match g {
                    "footprint" => Some(1.0),
                    "source" => Some(0.03),
                    "pathway" => Some(0.06),
                    "host" if c != Commodity::REE => host.map(|_| 1.0),
                    _ => host.map(|_| 0.05),
                });
                assert!(
                    blind > plume + 0.05,
                    "{c}, host {host:?}: blind {blind} vs plume {plume}"
                );
            }
        }
        // The suggested figures: without a geological map, Sn and Mo blind ~0.71, plume ~0.33.
        for c in [Commodity::SN, Commodity::MO] {
            let blind = preset_cell(c, |g| match g {
                "footprint" => Some(0.001),
                "host" => None,
                _ => Some(1.0),
            });
            let plume = preset_cell(c, |g| match g {
                "footprint" => Some(1.0),
                "source" => Some(0.03),
                "pathway" => Some(0.06),
                _ => None,
            });
            let want = (0.30 + 0.30 + 0.25 * 0.001) / 0.85;
            assert!((blind - want).abs() < 1e-12, "{c}: {blind}");
            let want = (0.30 * 0.03 + 0.30 * 0.06 + 0.25) / 0.85;
            assert!((plume - want).abs() < 1e-12, "{c}: {plume}");
        }
    }

    /// A barren granite's halo (source and footprint, no pathway) stays below a blind deposit
    /// (source and pathway, no footprint) in the Sn and Mo presets: the pathway outweighs the
    /// footprint.
    #[test]
    fn sn_and_mo_presets_rank_a_blind_deposit_above_a_barren_granite_halo() {
        for c in [Commodity::SN, Commodity::MO] {
            for host in [Some(0.5), None] {
                let blind = preset_cell(c, |g| match g {
                    "footprint" => Some(0.001),
                    "host" => host,
                    _ => Some(1.0),
                });
                let halo = preset_cell(c, |g| match g {
                    "pathway" => Some(0.06),
                    "host" => host,
                    _ => Some(1.0),
                });
                assert!(
                    blind > halo,
                    "{c}, host {host:?}: blind {blind} vs halo {halo}"
                );
            }
        }
    }

    /// Without group weights an index overlay weighs each group by the sum of its evidence
    /// weights, as before group weights existed; with them, by its own weight.
    #[test]
    fn index_group_weights_are_the_evidence_sums_unless_given() {
        let spec = |extra: &str, w: &str| {
            ModelSpec::parse(&format!(
                "method = \"index\"\n{extra}\n\
                 [[evidence]]\nname = \"x\"\nelement = \"Sn\"\ngroup = \"a\"\n{w}\
                 membership = {{ fn = \"linear\", low = 0.0, high = 1.0 }}\n\
                 [[evidence]]\nname = \"y\"\nelement = \"W\"\ngroup = \"a\"\n\
                 membership = {{ fn = \"linear\", low = 0.0, high = 1.0 }}\n\
                 [[evidence]]\nname = \"z\"\nelement = \"Bi\"\ngroup = \"b\"\n\
                 membership = {{ fn = \"linear\", low = 0.0, high = 1.0 }}\n"
            ))
            .unwrap()
            .check(Commodity::SN)
            .unwrap()
        };
        let sums = spec("", "weight = 2.0\n");
        let e: Vec<&Evidence> = sums.evidence.iter().collect();
        let net = network(&sums, &e);
        assert_eq!(net.across, Across::Index(vec![3.0, 1.0]));
        assert_eq!(net.groups, vec![vec![0, 1], vec![2]]);
        // (3 · max(0.2, 0.6) + 1 · 1) / 4
        let v = net.cell(&[0.2, 0.6, 1.0], &mut Scratch::default());
        assert!((v - 0.7).abs() < 1e-12, "{v}");
        let given = spec("group_weights = { a = 0.25, b = 0.75 }", "");
        let e: Vec<&Evidence> = given.evidence.iter().collect();
        assert_eq!(network(&given, &e).across, Across::Index(vec![0.25, 0.75]));
        // Evidence of group a left out (no data in the survey): group b alone.
        let net = network(&given, &e[2..]);
        assert_eq!(net.across, Across::Index(vec![0.75]));
        let v = net.cell(&[0.4], &mut Scratch::default());
        assert!((v - 0.4).abs() < 1e-12, "{v}");
    }
}
