//! The feature columns of a data-driven model, read from evidence layers block by block: a
//! numeric layer gives one column (its values, or their log10), a class layer one column per
//! class code present on the grid (one-hot: 1 for the cell's class, 0 for the others, NaN
//! where the layer has no class).
use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::engine::Block;
use crate::error::Result;
use crate::grid::{GridSpec, CLASS_NODATA};
use crate::io::layer::GridLayer;

/// One evidence layer of a data-driven model.
#[derive(Debug, Clone)]
pub struct FeatureLayer {
    /// The evidence's name.
    pub name: String,
    /// Its raw-value file on the analysis grid.
    pub path: PathBuf,
    /// A class layer (one-hot encoded) rather than numeric values.
    pub classes: bool,
    /// Numeric values taken as their log10 (values <= 0 are missing).
    pub log10: bool,
}

/// A block's raw values of one layer.
pub enum Raw {
    /// Numeric values, NaN = no data.
    Values(Vec<f32>),
    /// Class codes, [`CLASS_NODATA`] = no data.
    Classes(Vec<i32>),
}

impl Raw {
    /// Whether cell `i` has data.
    pub fn has(&self, i: usize) -> bool {
        match self {
            Raw::Values(v) => !v[i].is_nan(),
            Raw::Classes(c) => c[i] != CLASS_NODATA,
        }
    }
}

/// The open layers of a model, before their class codes are known.
pub struct Layers {
    /// The layers, in model order.
    pub specs: Vec<FeatureLayer>,
    open: Vec<GridLayer>,
}

impl Layers {
    /// Opens every layer on `grid`.
    pub fn open(specs: Vec<FeatureLayer>, grid: &GridSpec) -> Result<Layers> {
        let open = specs
            .iter()
            .map(|s| GridLayer::open(&s.path, grid))
            .collect::<Result<Vec<_>>>()?;
        Ok(Layers { specs, open })
    }

    /// Rows per COG tile of the layers (the block alignment that reads each tile once).
    pub fn tile_rows(&self) -> usize {
        self.open
            .iter()
            .map(GridLayer::tile_rows)
            .max()
            .unwrap_or(1)
    }

    /// The raw values of every layer over `block`.
    pub fn read(&self, block: &Block) -> Result<Vec<Raw>> {
        self.specs
            .iter()
            .zip(&self.open)
            .map(|(s, l)| {
                Ok(if s.classes {
                    Raw::Classes(l.read_classes(block.row0, block.rows)?)
                } else {
                    Raw::Values(l.read_block(block)?)
                })
            })
            .collect()
    }

    /// The class codes with data in a block, per layer (empty for numeric layers).
    pub fn codes(raw: &[Raw]) -> Vec<BTreeSet<i32>> {
        raw.iter()
            .map(|r| match r {
                Raw::Values(_) => BTreeSet::new(),
                Raw::Classes(c) => c.iter().copied().filter(|&c| c != CLASS_NODATA).collect(),
            })
            .collect()
    }

    /// The encoding once the class codes on the grid are known (`codes` per layer).
    pub fn encode(self, codes: Vec<BTreeSet<i32>>) -> Features {
        let mut columns = Vec::new();
        let mut groups = Vec::with_capacity(self.specs.len());
        let mut class_codes = Vec::with_capacity(self.specs.len());
        for (i, (s, codes)) in self.specs.iter().zip(codes).enumerate() {
            let start = columns.len();
            if s.classes {
                let names = self.open[i].category_names();
                for &c in &codes {
                    let label = usize::try_from(c)
                        .ok()
                        .and_then(|k| names.get(k))
                        .filter(|n| !n.is_empty())
                        .cloned()
                        .unwrap_or_else(|| c.to_string());
                    columns.push(format!("{}={label}", s.name));
                }
            } else if s.log10 {
                columns.push(format!("log10({})", s.name));
            } else {
                columns.push(s.name.clone());
            }
            groups.push(start..columns.len());
            class_codes.push(codes.into_iter().collect());
        }
        Features {
            layers: self,
            columns,
            groups,
            class_codes,
        }
    }
}

/// The feature columns of a model's layers (module docs).
pub struct Features {
    /// The layers.
    pub layers: Layers,
    /// Column names: the evidence name, `log10(name)`, or `name=class` per class.
    pub columns: Vec<String>,
    /// The columns of each layer, in layer order.
    pub groups: Vec<std::ops::Range<usize>>,
    /// The class codes of each class layer's columns (empty for numeric layers).
    pub class_codes: Vec<Vec<i32>>,
}

impl Features {
    /// Number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// Appends the columns of cell `i` of a block's raw values to `out`.
    pub fn push_cell(&self, raw: &[Raw], i: usize, out: &mut Vec<f32>) {
        for ((r, s), codes) in raw.iter().zip(&self.layers.specs).zip(&self.class_codes) {
            match r {
                Raw::Values(v) => out.push(value(v[i], s.log10)),
                Raw::Classes(c) => out.extend(codes.iter().map(|&k| one_hot(c[i], k))),
            }
        }
    }

    /// The columns of a whole block, one vector per column.
    pub fn columns_of(&self, raw: &[Raw]) -> Vec<Vec<f32>> {
        let mut out = Vec::with_capacity(self.width());
        for ((r, s), codes) in raw.iter().zip(&self.layers.specs).zip(&self.class_codes) {
            match r {
                Raw::Values(v) => out.push(v.iter().map(|&x| value(x, s.log10)).collect()),
                Raw::Classes(c) => {
                    for &k in codes {
                        out.push(c.iter().map(|&x| one_hot(x, k)).collect());
                    }
                }
            }
        }
        out
    }
}

/// A numeric feature value: the raw value or its log10 (NaN for values <= 0).
fn value(v: f32, log10: bool) -> f32 {
    if !log10 {
        v
    } else if v > 0.0 {
        v.log10()
    } else {
        f32::NAN
    }
}

/// A one-hot column value of class `k` at a cell of class `code`.
fn one_hot(code: i32, k: i32) -> f32 {
    if code == CLASS_NODATA {
        f32::NAN
    } else if code == k {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_one_hot_columns() {
        assert_eq!(value(100.0, true), 2.0);
        assert!(value(0.0, true).is_nan() && value(-1.0, true).is_nan());
        assert_eq!(value(-1.0, false), -1.0);
        assert_eq!(one_hot(3, 3), 1.0);
        assert_eq!(one_hot(2, 3), 0.0);
        assert!(one_hot(CLASS_NODATA, 3).is_nan());
    }
}
