//! Prospectivity model specifications: the commodity presets in `models/*.toml` and the
//! project's own `[models.<commodity>]` tables.
//!
//! A model lists evidence layers, each with a source (proximity to vector features of a role,
//! a gridded element, a raster layer, or class scores of a class layer) and a fuzzy membership
//! function, and says how to combine them (Bonham-Carter 1994, ch. 9): fuzzy operators or a
//! weighted index overlay. Evidence may be grouped into an inference network: memberships in a
//! group are combined first (fuzzy OR unless `group_op` says otherwise), then the groups with
//! `combine`, or with an index overlay (`method = "index"`) in which each group weighs the sum
//! of its evidence weights or, with `group_weights`, its own weight. The presets are built so:
//! their groups are the components of a mineral system (source, pathway, host, footprint).
//!
//! A model may instead be data-driven (`method = "random-forest"` or `"gradient-boosting"`,
//! [`crate::models::trees`]): the evidence layers are then features taken as raw values (a
//! distance in metres, an element in ppm or its log10, a raster value, a class layer one-hot
//! encoded), trained on the commodity's occurrences against background cells ([`Learning`]).
//! `compare = [...]` asks a run for the maps of further methods beside the model's own.
//!
//! Presets adapt to what a survey holds: an evidence layer whose source is missing drops out
//! with a warning. A project can replace a preset (`[models.sn]` with its own `evidence`, which
//! starts from the default combination, not the preset's) or change its combination only
//! (`[models.sn] group_weights = { ... }`, or `method = "fuzzy"`, keeps the preset's evidence).
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::commodity::Commodity;
use crate::error::{Error, Result};
use crate::evidence::categorical::CategoricalScores;
use crate::evidence::membership::MembershipSpec;
use crate::evidence::singularity::Windows;
use crate::models::fuzzy::FuzzyOp;
use crate::models::trees::{Hyper, Learner};

/// What a vector layer stands for geologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VectorRole {
    /// Faults and shear zones (lines).
    Faults,
    /// Granite intrusions (Sn-W source rocks).
    Granite,
    /// Alkaline complexes and carbonatites (REE source rocks).
    Alkaline,
    /// A geological map: polygons with a lithology attribute.
    Geology,
    /// Anything else.
    Other,
}

impl VectorRole {
    /// The role's name as written in project files.
    pub fn as_str(self) -> &'static str {
        match self {
            VectorRole::Faults => "faults",
            VectorRole::Granite => "granite",
            VectorRole::Alkaline => "alkaline",
            VectorRole::Geology => "geology",
            VectorRole::Other => "other",
        }
    }
}

/// The presets, compiled in so that the binary works from any folder.
pub const PRESETS: [(Commodity, &str); 3] = [
    (Commodity::REE, include_str!("../models/ree.toml")),
    (Commodity::SN, include_str!("../models/sn.toml")),
    (Commodity::MO, include_str!("../models/mo.toml")),
];

/// How evidence is combined.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Fuzzy overlay (memberships combined with a fuzzy operator).
    #[default]
    Fuzzy,
    /// Weighted index overlay of memberships, `Σ wᵢ mᵢ / Σ wᵢ`.
    Index,
    /// A random forest of probability trees on the evidence's raw values.
    RandomForest,
    /// Gradient-boosted trees on the evidence's raw values.
    GradientBoosting,
}

impl Method {
    /// The method's name as written in project files.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Fuzzy => "fuzzy",
            Method::Index => "index",
            Method::RandomForest => "random-forest",
            Method::GradientBoosting => "gradient-boosting",
        }
    }

    /// The learner of a data-driven method (`None` for knowledge-driven ones).
    pub fn learner(self) -> Option<Learner> {
        match self {
            Method::Fuzzy | Method::Index => None,
            Method::RandomForest => Some(Learner::RandomForest),
            Method::GradientBoosting => Some(Learner::GradientBoosting),
        }
    }
}

/// Background cells drawn as negatives of a data-driven model, as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NegativesSpec {
    /// Background cells per positive (default [`DEFAULT_NEGATIVES_PER_POSITIVE`]).
    pub per_positive: Option<f64>,
    /// No background cell within this many km of an occurrence (default
    /// [`DEFAULT_EXCLUDE_KM`]).
    pub exclude_km: Option<f64>,
}

/// Background cells per positive when a model gives none: the ratio of `geoprospect
/// logistic`; balanced class weights make the figure a matter of how well the background is
/// covered, not of the predicted probabilities.
pub const DEFAULT_NEGATIVES_PER_POSITIVE: f64 = 10.0;
/// Radius around occurrences where no background cell is drawn, km: about the footprint of
/// a deposit and its alteration halo, so that cells of the deposit itself are never labelled
/// background (positive-unlabelled sampling).
pub const DEFAULT_EXCLUDE_KM: f64 = 1.0;
/// Seed of a data-driven model's draws when a model gives none.
pub const DEFAULT_SEED: u64 = 1;
/// Most background cells per positive.
pub const MAX_NEGATIVES_PER_POSITIVE: f64 = 1000.0;

impl Learning {
    /// Checks training settings for `learners` and fills in the defaults.
    pub fn check(
        hyper: Hyper,
        negatives: NegativesSpec,
        thin_km: Option<f64>,
        seed: Option<u64>,
        learners: &[Learner],
    ) -> Result<Learning> {
        for &l in learners {
            hyper
                .check(l)
                .map_err(|e| Error::param(format!("hyperparameters: {e}")))?;
        }
        let per_positive = negatives
            .per_positive
            .unwrap_or(DEFAULT_NEGATIVES_PER_POSITIVE);
        if !(per_positive.is_finite() && (1.0..=MAX_NEGATIVES_PER_POSITIVE).contains(&per_positive))
        {
            return Err(Error::param(format!(
                "negatives.per_positive must be a number from 1 to {MAX_NEGATIVES_PER_POSITIVE}, got {per_positive}"
            )));
        }
        let exclude_km = negatives.exclude_km.unwrap_or(DEFAULT_EXCLUDE_KM);
        if !(exclude_km.is_finite() && (0.0..=MAX_CV_BLOCK_KM).contains(&exclude_km)) {
            return Err(Error::param(format!(
                "negatives.exclude_km must be a number of km from 0 to {MAX_CV_BLOCK_KM}, got {exclude_km}"
            )));
        }
        if let Some(t) = thin_km.filter(|t| !(t.is_finite() && *t > 0.0 && *t <= MAX_CV_BLOCK_KM)) {
            return Err(Error::param(format!(
                "thin_km must be a number of km above 0 and at most {MAX_CV_BLOCK_KM}, got {t}"
            )));
        }
        Ok(Learning {
            hyper,
            negatives_per_positive: per_positive,
            exclude_km,
            thin_km,
            seed: seed.unwrap_or(DEFAULT_SEED),
        })
    }
}

/// How a data-driven model is trained (checked, with the defaults filled in).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Learning {
    /// Hyperparameters of the learner.
    pub hyper: Hyper,
    /// Background cells per positive.
    pub negatives_per_positive: f64,
    /// No background cell within this many km of an occurrence.
    pub exclude_km: f64,
    /// Occurrences thinned to one per this many km, when set.
    pub thin_km: Option<f64>,
    /// Seed of every random draw (background cells, bootstraps, features per split).
    pub seed: u64,
}

/// A model as written in a preset or project file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The commodity (presets only; project tables are keyed by it).
    pub commodity: Option<Commodity>,
    /// Fuzzy or index overlay (default fuzzy; `None` when not written, so that a project
    /// can say `method = "fuzzy"` over an index preset).
    pub method: Option<Method>,
    /// Fuzzy operator across groups: `and`, `or`, `product`, `sum`, `gamma`.
    #[serde(default = "default_combine")]
    pub combine: String,
    /// γ for the gamma operator (default 0.8, a common choice that leans toward the
    /// algebraic sum; Bonham-Carter 1994 discusses 0.7-0.95).
    pub gamma: Option<f64>,
    /// Fuzzy operator within a group (default `or`).
    #[serde(default = "default_group_op")]
    pub group_op: String,
    /// The evidence layers.
    #[serde(default)]
    pub evidence: Vec<EvidenceSpec>,
    /// Weight of each group in an index overlay, by group name (`{ source = 0.35, ... }`):
    /// every group gets one, and the evidence weights are then not used. Without it a group
    /// weighs the sum of its evidence weights. Only for `method = "index"`: the fuzzy
    /// operators take no weights, and a fuzzy model with group weights is an error.
    pub group_weights: Option<BTreeMap<String, f64>>,
    /// Side of the spatial cross-validation blocks in km (default: from the occurrences'
    /// spacing, [`crate::spatial_cv::default_side`]).
    pub cv_block_km: Option<f64>,
    /// Hyperparameters of a data-driven method.
    pub hyperparameters: Option<Hyper>,
    /// Background cells of a data-driven method.
    pub negatives: Option<NegativesSpec>,
    /// Occurrences thinned to one per this many km before training (data-driven methods).
    pub thin_km: Option<f64>,
    /// Seed of a data-driven method's draws.
    pub seed: Option<u64>,
    /// Methods whose maps a run makes beside the model's own (`["fuzzy",
    /// "gradient-boosting"]`).
    pub compare: Option<Vec<Method>>,
}

/// Largest spatial cross-validation block side, km.
pub const MAX_CV_BLOCK_KM: f64 = 5000.0;

/// Window sides (cells) of `transform = "singularity"` when a model gives none: five windows
/// from the cell itself to 9 x 9 cells.
pub const DEFAULT_WINDOWS: [usize; 5] = [1, 3, 5, 7, 9];

/// γ when a model says `combine = "gamma"` without a value.
pub const DEFAULT_GAMMA: f64 = 0.8;

fn default_combine() -> String {
    "gamma".into()
}

fn default_group_op() -> String {
    "or".into()
}

/// One evidence layer of a model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSpec {
    /// Name in outputs and reports.
    pub name: String,
    /// Distance to the features of vector layers with this role.
    pub proximity: Option<VectorRole>,
    /// A gridded element (`Mo`), or `TREO`.
    pub element: Option<String>,
    /// Raster layer names to look for, first match wins.
    pub raster: Option<Vec<String>>,
    /// A class layer (raster or vector layer name) scored by `scores`.
    pub classes: Option<String>,
    /// Class name -> favourability for `classes`.
    pub scores: Option<BTreeMap<String, f64>>,
    /// Score of classes `scores` does not name (default 0).
    pub default_score: Option<f64>,
    /// Data-driven methods: the feature is the log10 of the raw values (values <= 0 are
    /// missing). Trees split on ranks, so this changes which cells are missing, not the fit.
    pub log10: Option<bool>,
    /// A transform of the raw values before the membership: `singularity` (the local
    /// singularity index α, Cheng 2007; its thresholds are then on α, and α < 2 is enrichment).
    pub transform: Option<String>,
    /// Window sides in cells of `transform = "singularity"` (default 1, 3, 5, 7, 9).
    pub windows: Option<Vec<usize>>,
    /// Membership function of the raw values (not for `classes`).
    pub membership: Option<MembershipSpec>,
    /// Weight in an index overlay (default 1).
    pub weight: Option<f64>,
    /// Inference-network group (default: a group of its own).
    pub group: Option<String>,
}

/// Where an evidence layer's raw values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Distance to features of a role.
    Proximity(VectorRole),
    /// A gridded element (or TREO).
    Element(String),
    /// The first raster layer with one of these names.
    Raster(Vec<String>),
    /// Class scores of a class layer.
    Classes {
        layer: String,
        scores: CategoricalScores,
    },
}

/// An evidence layer, checked.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// Name.
    pub name: String,
    /// Source of the raw values.
    pub source: Source,
    /// The local singularity index of the raw values, over these windows, is what the
    /// membership takes (`transform = "singularity"`).
    pub singularity: Option<Windows>,
    /// Membership (None for class scores, which are favourabilities already).
    pub membership: Option<MembershipSpec>,
    /// Index-overlay weight.
    pub weight: f64,
    /// Group name.
    pub group: String,
    /// Data-driven methods take the log10 of the raw values.
    pub log10: bool,
}

/// A checked model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Commodity.
    pub commodity: Commodity,
    /// Method.
    pub method: Method,
    /// Operator across groups.
    pub combine: FuzzyOp,
    /// Operator within groups.
    pub group_op: FuzzyOp,
    /// Evidence layers, in the order given.
    pub evidence: Vec<Evidence>,
    /// Index-overlay weight of each group, by name (empty: each group weighs the sum of its
    /// evidence weights).
    pub group_weights: BTreeMap<String, f64>,
    /// Side of the spatial cross-validation blocks in km, when set.
    pub cv_block_km: Option<f64>,
    /// How a data-driven method trains (used when `method` or `compare` names one).
    pub learning: Learning,
    /// Further methods a run maps beside `method`, in the order given, without repeats.
    pub compare: Vec<Method>,
}

impl Model {
    /// Whether the model's own method or one it compares is knowledge-driven.
    pub fn needs_memberships(&self) -> bool {
        std::iter::once(self.method)
            .chain(self.compare.iter().copied())
            .any(|m| m.learner().is_none())
    }

    /// This model scored by `method` instead (a `compare` entry).
    pub fn with_method(&self, method: Method) -> Model {
        Model {
            method,
            compare: Vec::new(),
            ..self.clone()
        }
    }
}

impl ModelSpec {
    /// Parses a preset or model file.
    pub fn parse(text: &str) -> Result<ModelSpec> {
        toml::from_str(text).map_err(|e| Error::param(e.message().replace('\n', " ")))
    }

    /// Checks the spec and turns it into a [`Model`] for `commodity`.
    pub fn check(&self, commodity: Commodity) -> Result<Model> {
        if let Some(c) = self.commodity.filter(|&c| c != commodity) {
            return Err(Error::param(format!(
                "the model is for {c}, not {commodity}"
            )));
        }
        let gamma = Some(self.gamma.unwrap_or(DEFAULT_GAMMA));
        let combine = FuzzyOp::parse(&self.combine, gamma)
            .map_err(|e| Error::param(format!("combine: {e}")))?;
        let group_op = FuzzyOp::parse(&self.group_op, gamma)
            .map_err(|e| Error::param(format!("group_op: {e}")))?;
        let compare: Vec<Method> = self.compare.iter().flatten().fold(Vec::new(), |mut v, &m| {
            if m != self.method.unwrap_or_default() && !v.contains(&m) {
                v.push(m);
            }
            v
        });
        let memberships = std::iter::once(self.method.unwrap_or_default())
            .chain(compare.iter().copied())
            .any(|m| m.learner().is_none());
        let mut names = std::collections::BTreeSet::new();
        let evidence = self
            .evidence
            .iter()
            .map(|e| {
                if !names.insert(e.name.clone()) {
                    return Err(Error::param(format!(
                        "evidence {:?} is defined twice",
                        e.name
                    )));
                }
                e.check_evidence(memberships)
            })
            .collect::<Result<Vec<_>, _>>()?;
        if evidence.is_empty() && !commodity.has_preset() {
            return Err(Error::param(format!(
                "{commodity} has no preset model (REE, Sn and Mo have): give its evidence \
                 ([[models.{}.evidence]])",
                commodity.id()
            )));
        }
        if evidence.is_empty() {
            return Err(Error::param("the model has no evidence"));
        }
        let group_weights = self.check_group_weights(&evidence)?;
        if let Some(b) = self
            .cv_block_km
            .filter(|b| !(b.is_finite() && *b > 0.0 && *b <= MAX_CV_BLOCK_KM))
        {
            return Err(Error::param(format!(
                "cv_block_km must be a number of km above 0 and at most {MAX_CV_BLOCK_KM}, got {b}"
            )));
        }
        let learning = self.learning()?;
        Ok(Model {
            commodity,
            method: self.method.unwrap_or_default(),
            combine,
            group_op,
            evidence,
            group_weights,
            cv_block_km: self.cv_block_km,
            learning,
            compare,
        })
    }

    /// The training settings with their defaults, checked.
    fn learning(&self) -> Result<Learning> {
        let learners: Vec<Learner> = std::iter::once(self.method.unwrap_or_default())
            .chain(self.compare.iter().flatten().copied())
            .filter_map(Method::learner)
            .collect();
        Learning::check(
            self.hyperparameters.clone().unwrap_or_default(),
            self.negatives.unwrap_or_default(),
            self.thin_km,
            self.seed,
            &learners,
        )
    }

    /// This spec with `over`'s settings on top: its evidence replaces ours when it has any.
    ///
    /// A project's own evidence is a model of its own: the preset's method, operators and
    /// group weights, written for the preset's components, do not carry over to it. A method
    /// other than the preset's drops the preset's group weights (they weigh its index overlay).
    pub fn overridden_by(&self, over: &ModelSpec) -> ModelSpec {
        let mut m = self.clone();
        if !over.evidence.is_empty() {
            m = ModelSpec {
                cv_block_km: self.cv_block_km,
                ..empty(self.commodity)
            };
        }
        if let Some(method) = over.method {
            if method != m.method.unwrap_or_default() {
                m.group_weights = None;
            }
            m.method = Some(method);
        }
        if over.group_weights.is_some() {
            m.group_weights = over.group_weights.clone();
        }
        if over.combine != default_combine() {
            m.combine = over.combine.clone();
        }
        if over.gamma.is_some() {
            m.gamma = over.gamma;
        }
        if over.group_op != default_group_op() {
            m.group_op = over.group_op.clone();
        }
        if !over.evidence.is_empty() {
            m.evidence = over.evidence.clone();
        }
        if over.cv_block_km.is_some() {
            m.cv_block_km = over.cv_block_km;
        }
        if over.hyperparameters.is_some() {
            m.hyperparameters = over.hyperparameters.clone();
        }
        if over.negatives.is_some() {
            m.negatives = over.negatives;
        }
        if over.thin_km.is_some() {
            m.thin_km = over.thin_km;
        }
        if over.seed.is_some() {
            m.seed = over.seed;
        }
        if over.compare.is_some() {
            m.compare = over.compare.clone();
        }
        m
    }
}

impl ModelSpec {
    /// Checks `group_weights` against the groups of `evidence`: a finite weight >= 0 for every
    /// group and for no other, a positive sum, an index overlay, no evidence weight beside them
    /// and no fuzzy operator across groups (`combine`, `gamma`) that would go unused.
    fn check_group_weights(&self, evidence: &[Evidence]) -> Result<BTreeMap<String, f64>> {
        let Some(weights) = &self.group_weights else {
            return Ok(BTreeMap::new());
        };
        let mut groups: Vec<&str> = Vec::new();
        for e in evidence {
            if !groups.contains(&e.group.as_str()) {
                groups.push(&e.group);
            }
        }
        let list = groups.join(", ");
        if self.method != Some(Method::Index) {
            return Err(Error::param(
                "group_weights weigh the groups of an index overlay: give method = \"index\" \
                 (fuzzy operators take no weights)",
            ));
        }
        if self.combine != default_combine() || self.gamma.is_some() {
            return Err(Error::param(
                "combine and gamma choose a fuzzy operator across groups, but this model is an \
                 index overlay of weighted groups: give method = \"fuzzy\" to combine its groups \
                 with one",
            ));
        }
        for (g, &w) in weights {
            if !groups.contains(&g.as_str()) {
                return Err(Error::param(format!(
                    "group_weights: no evidence is in group {g:?} (groups: {list})"
                )));
            }
            if !(w.is_finite() && w >= 0.0) {
                return Err(Error::param(format!(
                    "group_weights: the weight of group {g:?} must be a number >= 0, got {w}"
                )));
            }
        }
        if let Some(g) = groups.iter().find(|g| !weights.contains_key(**g)) {
            return Err(Error::param(format!(
                "group_weights: group {g:?} has no weight (give every group one: {list})"
            )));
        }
        if weights.values().sum::<f64>() <= 0.0 {
            return Err(Error::param("group_weights: the weights sum to 0"));
        }
        if let Some(e) = self.evidence.iter().find(|e| e.weight.is_some()) {
            return Err(Error::param(format!(
                "evidence {:?}: a weight has no effect where group_weights weigh the groups \
                 (within a group memberships combine with group_op): drop it",
                e.name
            )));
        }
        Ok(weights.clone())
    }
}

impl EvidenceSpec {
    /// Checks one evidence entry; `memberships`: a knowledge-driven method will score it, so
    /// it needs its membership function (or class scores).
    fn check_evidence(&self, memberships: bool) -> Result<Evidence> {
        let n = &self.name;
        let sources = [
            self.proximity.is_some(),
            self.element.is_some(),
            self.raster.is_some(),
            self.classes.is_some(),
        ];
        if sources.iter().filter(|&&s| s).count() != 1 {
            return Err(Error::param(format!(
                "evidence {n:?}: give exactly one of proximity, element, raster, classes"
            )));
        }
        let source = if let Some(role) = self.proximity {
            Source::Proximity(role)
        } else if let Some(el) = &self.element {
            Source::Element(el.clone())
        } else if let Some(names) = &self.raster {
            if names.is_empty() {
                return Err(Error::param(format!(
                    "evidence {n:?}: raster names are empty"
                )));
            }
            Source::Raster(names.clone())
        } else {
            let layer = self.classes.clone().unwrap_or_default();
            let table = match (&self.scores, memberships) {
                (Some(t), _) => t.clone(),
                (None, false) => BTreeMap::new(),
                (None, true) => {
                    return Err(Error::param(format!(
                        "evidence {n:?}: classes need a scores table"
                    )))
                }
            };
            let scores = CategoricalScores::new(
                table.iter().map(|(k, v)| (k.as_str(), *v)),
                self.default_score.unwrap_or(0.0),
            )
            .map_err(|e| Error::param(format!("evidence {n:?}: {e}")))?;
            Source::Classes { layer, scores }
        };
        let is_classes = matches!(source, Source::Classes { .. });
        match (is_classes, &self.membership) {
            (false, None) if memberships => {
                return Err(Error::param(format!(
                    "evidence {n:?} needs a membership function"
                )))
            }
            (true, Some(_)) => {
                return Err(Error::param(format!(
                    "evidence {n:?}: class scores take no membership function"
                )))
            }
            _ => {}
        }
        let singularity = match (self.transform.as_deref(), &self.windows) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(Error::param(format!(
                    "evidence {n:?}: windows apply only to transform = \"singularity\""
                )))
            }
            (Some(t), _) if !t.eq_ignore_ascii_case("singularity") => {
                return Err(Error::param(format!(
                    "evidence {n:?}: unknown transform {t:?} (use \"singularity\")"
                )))
            }
            (Some(_), _) if is_classes => {
                return Err(Error::param(format!(
                    "evidence {n:?}: class scores take no transform"
                )))
            }
            (Some(_), w) => Some(
                Windows::new(w.clone().unwrap_or_else(|| DEFAULT_WINDOWS.to_vec()))
                    .map_err(|e| Error::param(format!("evidence {n:?}: {e}")))?,
            ),
        };
        if self.log10.is_some() && !matches!(source, Source::Element(_) | Source::Raster(_)) {
            return Err(Error::param(format!(
                "evidence {n:?}: log10 applies to element and raster values only"
            )));
        }
        let weight = self.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(Error::param(format!(
                "evidence {n:?}: weight must be >= 0, got {weight}"
            )));
        }
        Ok(Evidence {
            name: n.clone(),
            source,
            singularity,
            membership: self.membership,
            weight,
            group: self.group.clone().unwrap_or_else(|| n.clone()),
            log10: self.log10.unwrap_or(false),
        })
    }
}

/// The preset spec of a commodity.
pub fn preset(commodity: Commodity) -> ModelSpec {
    let text = PRESETS
        .iter()
        .find(|(c, _)| *c == commodity)
        .map_or("", |(_, t)| t);
    // The presets are part of the program and tested to parse.
    ModelSpec::parse(text).unwrap_or_else(|_| empty(Some(commodity)))
}

/// A spec with no evidence and every setting at its default.
fn empty(commodity: Option<Commodity>) -> ModelSpec {
    ModelSpec {
        commodity,
        method: None,
        combine: default_combine(),
        gamma: None,
        group_op: default_group_op(),
        evidence: Vec::new(),
        group_weights: None,
        cv_block_km: None,
        hyperparameters: None,
        negatives: None,
        thin_km: None,
        seed: None,
        compare: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_check() {
        for (c, text) in PRESETS {
            let spec = ModelSpec::parse(text).unwrap_or_else(|e| panic!("{c}: {e}"));
            let model = spec.check(c).unwrap();
            assert!(model.evidence.len() >= 5, "{c}");
        }
    }

    #[test]
    fn project_override_keeps_preset_evidence_unless_given() {
        let over = ModelSpec::parse("method = \"fuzzy\"\ngamma = 0.6").unwrap();
        let m = preset(Commodity::SN).overridden_by(&over);
        assert_eq!(m.gamma, Some(0.6));
        assert_eq!(m.evidence.len(), preset(Commodity::SN).evidence.len());
        assert_eq!(m.check(Commodity::SN).unwrap().combine, FuzzyOp::Gamma(0.6));
        let own = ModelSpec::parse(
            "combine = \"and\"\n[[evidence]]\nname = \"x\"\nelement = \"Sn\"\nmembership = { fn = \"large\", midpoint = \"p90\", spread = 5.0 }\n",
        )
        .unwrap();
        let m = preset(Commodity::SN)
            .overridden_by(&own)
            .check(Commodity::SN)
            .unwrap();
        assert_eq!(m.evidence.len(), 1);
        assert_eq!(m.combine, FuzzyOp::And);
    }

    #[test]
    fn singularity_transform_checks_its_windows() {
        let err = |body: &str| {
            ModelSpec::parse(&format!("[[evidence]]\nname = \"x\"\n{body}"))
                .unwrap()
                .check(Commodity::SN)
                .unwrap_err()
                .to_string()
        };
        let m = "membership = { fn = \"linear\", low = 2.0, high = 1.6 }\n";
        let ok = ModelSpec::parse(&format!(
            "[[evidence]]\nname = \"x\"\nelement = \"Sn\"\ntransform = \"singularity\"\n{m}"
        ))
        .unwrap()
        .check(Commodity::SN)
        .unwrap();
        assert_eq!(
            ok.evidence[0].singularity,
            Some(Windows::new(DEFAULT_WINDOWS.to_vec()).unwrap())
        );
        let e = err(&format!("element = \"Sn\"\nwindows = [1, 3]\n{m}"));
        assert!(
            e.contains("\"x\"") && e.contains("only to transform"),
            "{e}"
        );
        let e = err(&format!("element = \"Sn\"\ntransform = \"log\"\n{m}"));
        assert!(e.contains("unknown transform \"log\""), "{e}");
        let e = err(&format!(
            "element = \"Sn\"\ntransform = \"singularity\"\nwindows = [3]\n{m}"
        ));
        assert!(e.contains("\"x\"") && e.contains("two window sizes"), "{e}");
        let e =
            err("classes = \"geology\"\ntransform = \"singularity\"\nscores = { granite = 1.0 }\n");
        assert!(e.contains("class scores take no transform"), "{e}");
    }

    #[test]
    fn data_driven_models_take_raw_values_and_check_their_settings() {
        let spec = |text: &str| ModelSpec::parse(text).unwrap();
        let m = preset(Commodity::MO)
            .overridden_by(&spec(
                "method = \"gradient-boosting\"\ncompare = [\"fuzzy\", \"gradient-boosting\", \"fuzzy\"]\n\
                 seed = 9\nthin_km = 0.5\nnegatives = { per_positive = 20.0 }\n\
                 [hyperparameters]\ntrees = 50\n",
            ))
            .check(Commodity::MO)
            .unwrap();
        assert_eq!(m.method, Method::GradientBoosting);
        assert_eq!(m.compare, vec![Method::Fuzzy]);
        assert!(m.needs_memberships());
        assert_eq!(m.learning.seed, 9);
        assert_eq!(m.learning.negatives_per_positive, 20.0);
        assert_eq!(m.learning.exclude_km, DEFAULT_EXCLUDE_KM);
        assert_eq!(m.learning.thin_km, Some(0.5));
        assert_eq!(m.learning.hyper.trees, Some(50));
        assert_eq!(m.with_method(Method::Fuzzy).method, Method::Fuzzy);
        // Only data-driven: class layers need no scores, values no membership.
        let own = spec(
            "method = \"random-forest\"\n[[evidence]]\nname = \"rock\"\nclasses = \"geology\"\n\
             [[evidence]]\nname = \"Mo\"\nelement = \"Mo\"\nlog10 = true\n",
        )
        .check(Commodity::MO)
        .unwrap();
        assert!(!own.needs_memberships());
        assert!(own.evidence[1].log10 && own.evidence[1].membership.is_none());
        let err = |text: &str| {
            preset(Commodity::MO)
                .overridden_by(&spec(text))
                .check(Commodity::MO)
                .unwrap_err()
                .to_string()
        };
        let e = err("method = \"random-forest\"\ncompare = [\"fuzzy\"]\n[[evidence]]\nname = \"rock\"\nclasses = \"geology\"\n");
        assert!(e.contains("classes need a scores table"), "{e}");
        let e = err("method = \"random-forest\"\n[[evidence]]\nname = \"f\"\nproximity = \"faults\"\nlog10 = true\n");
        assert!(
            e.contains("log10 applies to element and raster values"),
            "{e}"
        );
        let e = err("method = \"gradient-boosting\"\n[hyperparameters]\nlearning_rate = 2.0\n");
        assert!(
            e.starts_with("hyperparameters: ") && e.contains("learning_rate"),
            "{e}"
        );
        let e = err("method = \"gradient-boosting\"\nnegatives = { exclude_km = -1.0 }\n");
        assert!(e.contains("negatives.exclude_km"), "{e}");
        let e = err("method = \"gradient-boosting\"\nthin_km = 0.0\n");
        assert!(e.contains("thin_km"), "{e}");
        assert!(ModelSpec::parse("method = \"svm\"").is_err());
    }

    #[test]
    fn evidence_needs_one_source_and_a_membership() {
        let two = "[[evidence]]\nname = \"x\"\nelement = \"Sn\"\nproximity = \"faults\"\nmembership = { fn = \"large\", midpoint = 3.0, spread = 5.0 }\n";
        assert!(ModelSpec::parse(two)
            .unwrap()
            .check(Commodity::SN)
            .unwrap_err()
            .to_string()
            .contains("exactly one"));
        let none = "[[evidence]]\nname = \"x\"\nelement = \"Sn\"\n";
        assert!(ModelSpec::parse(none)
            .unwrap()
            .check(Commodity::SN)
            .unwrap_err()
            .to_string()
            .contains("membership"));
        let typo = "[[evidence]]\nname = \"x\"\nelemnt = \"Sn\"\n";
        assert!(ModelSpec::parse(typo)
            .unwrap_err()
            .to_string()
            .contains("elemnt"));
    }

    const TWO_GROUPS: &str = "[[evidence]]\nname = \"x\"\nelement = \"Sn\"\ngroup = \"a\"\n\
        membership = { fn = \"linear\", low = 0.0, high = 1.0 }\n\
        [[evidence]]\nname = \"y\"\nelement = \"W\"\ngroup = \"b\"\n\
        membership = { fn = \"linear\", low = 0.0, high = 1.0 }\n";

    fn check_text(text: &str) -> Result<Model> {
        ModelSpec::parse(text)?.check(Commodity::SN)
    }

    #[test]
    fn group_weights_parse_and_check() {
        let m = check_text(&format!(
            "method = \"index\"\ngroup_weights = {{ a = 0.7, b = 0.3 }}\n{TWO_GROUPS}"
        ))
        .unwrap();
        assert_eq!(m.method, Method::Index);
        assert_eq!(
            m.group_weights,
            BTreeMap::from([("a".to_string(), 0.7), ("b".to_string(), 0.3)])
        );
        // Without them: no group weights (each group weighs its evidence weights).
        let m = check_text(&format!("method = \"index\"\n{TWO_GROUPS}")).unwrap();
        assert!(m.group_weights.is_empty());
        let err = |head: &str| {
            let e = check_text(&format!("{head}\n{TWO_GROUPS}"))
                .unwrap_err()
                .to_string();
            assert!(!e.contains('\n'), "{e}");
            e
        };
        let e = err("method = \"index\"\ngroup_weights = { a = -0.1, b = 1.0 }");
        assert!(
            e.contains("group \"a\"") && e.contains(">= 0, got -0.1"),
            "{e}"
        );
        let e = err("method = \"index\"\ngroup_weights = { a = nan, b = 1.0 }");
        assert!(e.contains("group \"a\"") && e.contains("got NaN"), "{e}");
        let e = err("method = \"index\"\ngroup_weights = { a = inf, b = 1.0 }");
        assert!(e.contains("got inf"), "{e}");
        let e = err("method = \"index\"\ngroup_weights = { a = 0.5, b = 0.5, c = 1.0 }");
        assert!(
            e.contains("no evidence is in group \"c\"") && e.contains("groups: a, b"),
            "{e}"
        );
        let e = err("method = \"index\"\ngroup_weights = { a = 0.5 }");
        assert!(e.contains("group \"b\" has no weight"), "{e}");
        let e = err("method = \"index\"\ngroup_weights = { a = 0.0, b = 0.0 }");
        assert!(e.contains("sum to 0"), "{e}");
        for fuzzy in ["", "method = \"fuzzy\"\n"] {
            let e = err(&format!("{fuzzy}group_weights = {{ a = 0.5, b = 0.5 }}"));
            assert!(e.contains("method = \"index\""), "{e}");
        }
        let e = err("method = \"index\"\ngamma = 0.7\ngroup_weights = { a = 0.5, b = 0.5 }");
        assert!(e.contains("method = \"fuzzy\""), "{e}");
        let e = err("method = \"index\"\ncombine = \"and\"\ngroup_weights = { a = 0.5, b = 0.5 }");
        assert!(e.contains("combine and gamma"), "{e}");
        let e = check_text(&format!(
            "method = \"index\"\ngroup_weights = {{ a = 0.5, b = 0.5 }}\n{}",
            TWO_GROUPS.replacen("group = \"a\"\n", "group = \"a\"\nweight = 2.0\n", 1)
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("evidence \"x\"") && e.contains("no effect"),
            "{e}"
        );
        let e = ModelSpec::parse("group_weights = { a = \"high\" }")
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid type"), "{e}");
    }

    #[test]
    fn presets_weigh_their_components() {
        for c in Commodity::PRESETS {
            let m = preset(c).check(c).unwrap();
            assert_eq!(m.method, Method::Index, "{c}");
            assert!(
                m.group_weights["source"] > m.group_weights["footprint"],
                "{c}: {:?}",
                m.group_weights
            );
            if let Some(p) = m.group_weights.get("pathway") {
                assert!(*p > m.group_weights["footprint"], "{c}");
            }
            // No evidence is a group of its own: every one is in a component.
            assert!(
                m.evidence.iter().all(|e| e.group != e.name),
                "{c}: {:?}",
                m.evidence.iter().map(|e| &e.group).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn project_override_carries_group_weights() {
        let sn = |text: &str| {
            preset(Commodity::SN)
                .overridden_by(&ModelSpec::parse(text).unwrap())
                .check(Commodity::SN)
        };
        let w = "group_weights = { source = 0.4, pathway = 0.4, host = 0.0, footprint = 0.2 }";
        let m = sn(w).unwrap();
        assert_eq!(m.method, Method::Index);
        assert_eq!(m.group_weights["source"], 0.4);
        assert_eq!(m.evidence.len(), preset(Commodity::SN).evidence.len());
        // A fuzzy method over the preset drops its group weights and combines the components.
        let m = sn("method = \"fuzzy\"\ngamma = 0.7").unwrap();
        assert_eq!(m.method, Method::Fuzzy);
        assert_eq!(m.combine, FuzzyOp::Gamma(0.7));
        assert!(m.group_weights.is_empty());
        // ... but not weights the project gives itself.
        let e = sn(&format!("method = \"fuzzy\"\n{w}"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("index overlay"), "{e}");
        // gamma alone over the index preset would do nothing: an error saying what to add.
        let e = sn("gamma = 0.7").unwrap_err().to_string();
        assert!(e.contains("method = \"fuzzy\""), "{e}");
        // A project's own evidence starts from the defaults, not the preset's combination.
        let m = sn(&format!("group_op = \"and\"\n{TWO_GROUPS}")).unwrap();
        assert_eq!(
            (m.method, m.combine, m.group_op),
            (Method::Fuzzy, FuzzyOp::Gamma(DEFAULT_GAMMA), FuzzyOp::And)
        );
        assert!(m.group_weights.is_empty());
        let m = sn(&format!(
            "method = \"index\"\ngroup_weights = {{ a = 1.0, b = 3.0 }}\n{TWO_GROUPS}"
        ))
        .unwrap();
        assert_eq!(m.group_weights["b"], 3.0);
    }
}
