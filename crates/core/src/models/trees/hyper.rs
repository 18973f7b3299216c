//! The two learners and their hyperparameters, with the defaults each field's `None` stands for.
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A data-driven learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Learner {
    /// A random forest of probability trees (Breiman 2001; Malley et al. 2012).
    RandomForest,
    /// Bagged boosters of histogram trees on the logistic loss (Friedman 2001; Ke et al. 2017).
    GradientBoosting,
}

impl Learner {
    /// The learner's name: `random-forest` or `gradient-boosting`.
    ///
    /// ```
    /// use geoprospect_core::models::trees::Learner;
    /// assert_eq!(Learner::GradientBoosting.as_str(), "gradient-boosting");
    /// assert_eq!(Learner::parse("Random-Forest").unwrap(), Learner::RandomForest);
    /// assert!(Learner::parse("svm").is_err());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Learner::RandomForest => "random-forest",
            Learner::GradientBoosting => "gradient-boosting",
        }
    }

    /// Parses a learner's name (case and surrounding blanks ignored).
    pub fn parse(s: &str) -> Result<Learner> {
        match s.trim().to_ascii_lowercase().as_str() {
            "random-forest" => Ok(Learner::RandomForest),
            "gradient-boosting" => Ok(Learner::GradientBoosting),
            other => Err(Error::param(format!(
                "unknown learner {other:?}: use random-forest or gradient-boosting"
            ))),
        }
    }
}

/// Trees per gradient-boosting member when [`Hyper::trees`] is `None`.
pub const GBM_TREES: usize = 100;
/// Trees of a random forest when [`Hyper::trees`] is `None`.
pub const RF_TREES: usize = 300;
/// Gradient-boosting depth when [`Hyper::max_depth`] is `None`.
pub const GBM_MAX_DEPTH: usize = 6;
/// Gradient-boosting leaves per tree when [`Hyper::max_leaves`] is `None`.
pub const GBM_MAX_LEAVES: usize = 31;
/// Gradient-boosting members when [`Hyper::members`] is `None`.
pub const GBM_MEMBERS: usize = 5;

/// Hyperparameters of [`fit`](super::fit); every field has a default, stated in its doc and
/// in [`Default`]. A `None` stands for the learner's own default.
///
/// ```
/// use geoprospect_core::models::trees::{Hyper, Learner};
/// let h: Hyper = toml::from_str("learning_rate = 0.05\ntrees = 200").unwrap();
/// assert_eq!(h.trees, Some(200));
/// assert_eq!(h.min_samples_leaf, 5);
/// assert!(h.check(Learner::GradientBoosting).is_ok());
/// assert!(toml::from_str::<Hyper>("learning_rat = 0.05").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hyper {
    /// Trees per member: `None` = 100 per gradient-boosting member, 300 for a random forest.
    pub trees: Option<usize>,
    /// Gradient boosting's shrinkage of each tree, in (0, 1]; default 0.1. Random forests
    /// ignore it.
    pub learning_rate: f64,
    /// Deepest split (edges from the root, as scikit-learn counts; 1 = stumps): `None` = 6
    /// for gradient boosting, no limit for a random forest (its nodes stop at
    /// `min_samples_leaf`).
    pub max_depth: Option<usize>,
    /// Leaves per tree, grown best first (the split of highest gain next, as LightGBM and
    /// scikit-learn's HistGradientBoosting): `None` = 31 for gradient boosting (scikit-learn's
    /// default), no limit for a random forest (grown depth first).
    pub max_leaves: Option<usize>,
    /// Fewest training rows in a leaf (distinct rows: a row drawn twice by a bootstrap counts
    /// once), default 5. Prospectivity has tens to hundreds of occurrences, so scikit-learn's
    /// 20 would leave the positives a handful of leaves.
    pub min_samples_leaf: usize,
    /// Gradient boosting's L2 regularisation λ of the leaf values, `-G / (H + λ)`, at least
    /// 0; default 1 (XGBoost's). Random forests ignore it (their leaves are plain means).
    pub l2: f64,
    /// Quantile bins per feature (a missing value has a bin of its own besides), in 2..=255;
    /// default 255.
    pub max_bins: usize,
    /// Gradient boosting's members, boosters each fitted on a bootstrap of the rows, whose
    /// spread is the uncertainty: `None` = 5. Random forests ignore it (each tree is a member).
    pub members: Option<usize>,
    /// Features drawn at random for each node's split: `None` = round(√p), at least 1, for a
    /// random forest, all p for gradient boosting.
    pub max_features: Option<usize>,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper {
            trees: None,
            learning_rate: 0.1,
            max_depth: None,
            max_leaves: None,
            min_samples_leaf: 5,
            l2: 1.0,
            max_bins: 255,
            members: None,
            max_features: None,
        }
    }
}

impl Hyper {
    /// Checks every field's range for `learner` (fields the learner ignores are not checked).
    ///
    /// ```
    /// use geoprospect_core::models::trees::{Hyper, Learner};
    /// let h = Hyper { max_bins: 256, ..Hyper::default() };
    /// let e = h.check(Learner::RandomForest).unwrap_err();
    /// assert_eq!(e.to_string(), "max_bins must be in 2..=255, got 256");
    /// ```
    pub fn check(&self, learner: Learner) -> Result<()> {
        let boosting = learner == Learner::GradientBoosting;
        if self.trees == Some(0) {
            return Err(Error::param("trees must be at least 1, got 0"));
        }
        if boosting && !(self.learning_rate > 0.0 && self.learning_rate <= 1.0) {
            return Err(Error::param(format!(
                "learning_rate must be in (0, 1], got {}",
                self.learning_rate
            )));
        }
        if self.max_depth == Some(0) {
            return Err(Error::param("max_depth must be at least 1, got 0"));
        }
        if let Some(k) = self.max_leaves.filter(|&k| k < 2) {
            return Err(Error::param(format!(
                "max_leaves must be at least 2, got {k}"
            )));
        }
        if self.min_samples_leaf == 0 {
            return Err(Error::param("min_samples_leaf must be at least 1, got 0"));
        }
        if boosting && !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(Error::param(format!(
                "l2 must be a finite number >= 0, got {}",
                self.l2
            )));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(Error::param(format!(
                "max_bins must be in 2..=255, got {}",
                self.max_bins
            )));
        }
        if boosting && self.members == Some(0) {
            return Err(Error::param("members must be at least 1, got 0"));
        }
        if self.max_features == Some(0) {
            return Err(Error::param("max_features must be at least 1, got 0"));
        }
        Ok(())
    }

    /// The settings for `learner` on `features` features: defaults filled in, checked (a
    /// `max_features` above `features` is an error here, where `features` is known).
    pub(crate) fn settings(&self, learner: Learner, features: usize) -> Result<Settings> {
        self.check(learner)?;
        if let Some(k) = self.max_features.filter(|&k| k > features) {
            return Err(Error::param(format!(
                "max_features must be in 1..={features} (the number of features), got {k}"
            )));
        }
        Ok(match learner {
            Learner::GradientBoosting => Settings {
                trees: self.trees.unwrap_or(GBM_TREES),
                learning_rate: self.learning_rate,
                max_depth: self.max_depth.unwrap_or(GBM_MAX_DEPTH),
                max_leaves: Some(self.max_leaves.unwrap_or(GBM_MAX_LEAVES)),
                min_samples_leaf: self.min_samples_leaf,
                l2: self.l2,
                max_bins: self.max_bins,
                members: self.members.unwrap_or(GBM_MEMBERS),
                max_features: self.max_features.unwrap_or(features),
            },
            Learner::RandomForest => {
                let sqrt = ((features as f64).sqrt().round() as usize).max(1);
                Settings {
                    trees: self.trees.unwrap_or(RF_TREES),
                    learning_rate: 1.0,
                    max_depth: self.max_depth.unwrap_or(usize::MAX),
                    max_leaves: self.max_leaves,
                    min_samples_leaf: self.min_samples_leaf,
                    l2: 0.0,
                    max_bins: self.max_bins,
                    members: self.trees.unwrap_or(RF_TREES),
                    max_features: self.max_features.unwrap_or(sqrt),
                }
            }
        })
    }
}

/// Hyperparameters with every default resolved for one learner and feature count.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settings {
    /// Trees per member (a forest's member is one tree: this is then the forest's size).
    pub trees: usize,
    /// Shrinkage of the leaf values (1 for a forest).
    pub learning_rate: f64,
    /// Deepest split; `usize::MAX` for none.
    pub max_depth: usize,
    /// Leaves per tree; `None` for no limit.
    pub max_leaves: Option<usize>,
    /// Fewest distinct rows per leaf.
    pub min_samples_leaf: usize,
    /// λ of the leaf values (0 for a forest).
    pub l2: f64,
    /// Bins per feature, missing bin aside.
    pub max_bins: usize,
    /// Members of the ensemble (a forest's trees).
    pub members: usize,
    /// Features drawn for each node.
    pub max_features: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each bad field gives its own one-line message naming the field and its range.
    #[test]
    fn check_names_the_field_and_range() {
        let gbm = Learner::GradientBoosting;
        let cases: Vec<(Hyper, &str)> = vec![
            (
                Hyper {
                    trees: Some(0),
                    ..Hyper::default()
                },
                "trees must be at least 1, got 0",
            ),
            (
                Hyper {
                    learning_rate: 0.0,
                    ..Hyper::default()
                },
                "learning_rate must be in (0, 1], got 0",
            ),
            (
                Hyper {
                    learning_rate: f64::NAN,
                    ..Hyper::default()
                },
                "learning_rate must be in (0, 1], got NaN",
            ),
            (
                Hyper {
                    max_depth: Some(0),
                    ..Hyper::default()
                },
                "max_depth must be at least 1, got 0",
            ),
            (
                Hyper {
                    max_leaves: Some(1),
                    ..Hyper::default()
                },
                "max_leaves must be at least 2, got 1",
            ),
            (
                Hyper {
                    min_samples_leaf: 0,
                    ..Hyper::default()
                },
                "min_samples_leaf must be at least 1, got 0",
            ),
            (
                Hyper {
                    l2: -1.0,
                    ..Hyper::default()
                },
                "l2 must be a finite number >= 0, got -1",
            ),
            (
                Hyper {
                    max_bins: 1,
                    ..Hyper::default()
                },
                "max_bins must be in 2..=255, got 1",
            ),
            (
                Hyper {
                    members: Some(0),
                    ..Hyper::default()
                },
                "members must be at least 1, got 0",
            ),
            (
                Hyper {
                    max_features: Some(0),
                    ..Hyper::default()
                },
                "max_features must be at least 1, got 0",
            ),
        ];
        for (h, message) in cases {
            assert_eq!(h.check(gbm).unwrap_err().to_string(), message);
        }
        let e = Hyper {
            max_features: Some(4),
            ..Hyper::default()
        }
        .settings(gbm, 3)
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "max_features must be in 1..=3 (the number of features), got 4"
        );
    }

    /// A forest ignores the boosting-only fields, so their values are not checked for it.
    #[test]
    fn forest_ignores_boosting_fields() {
        let h = Hyper {
            learning_rate: 5.0,
            l2: -1.0,
            members: Some(0),
            ..Hyper::default()
        };
        assert!(h.check(Learner::RandomForest).is_ok());
        assert!(h.check(Learner::GradientBoosting).is_err());
    }

    /// The defaults stated in the docs.
    #[test]
    fn defaults_resolve_per_learner() {
        let h = Hyper::default();
        let g = h.settings(Learner::GradientBoosting, 20).unwrap();
        assert_eq!(
            (
                g.trees,
                g.max_depth,
                g.max_leaves,
                g.members,
                g.max_features
            ),
            (100, 6, Some(31), 5, 20)
        );
        let r = h.settings(Learner::RandomForest, 20).unwrap();
        assert_eq!(
            (
                r.trees,
                r.max_depth,
                r.max_leaves,
                r.members,
                r.max_features
            ),
            (300, usize::MAX, None, 300, 4)
        );
        assert_eq!((r.l2, r.learning_rate), (0.0, 1.0));
        assert_eq!(
            h.settings(Learner::RandomForest, 1).unwrap().max_features,
            1
        );
        assert_eq!(
            serde_json::to_string(&Learner::RandomForest).unwrap(),
            "\"random-forest\""
        );
    }
}
