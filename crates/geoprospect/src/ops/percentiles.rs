//! Exact percentiles of a layer on disk, in two passes over its blocks
//! ([`crate::evidence::quantiles`]: integer histograms merged in block order, so the values do
//! not depend on the thread count), and the membership functions whose thresholds are
//! percentiles resolved on a layer.
use crate::engine::{Block, Engine};
use crate::error::{Error, Result};
use crate::evidence::membership::{Membership, MembershipSpec};
use crate::evidence::quantiles::QuantilePass1;
use crate::io::layer::GridLayer;

/// Resolves the percentiles of `spec` over a layer in two passes over `grid_blocks` (which
/// must cover the layer).
pub fn resolve_on_layer(
    spec: &MembershipSpec,
    layer: &GridLayer,
    grid_blocks: &[Block],
    engine: &Engine,
) -> Result<Membership> {
    let ps = spec.percentiles();
    if ps.is_empty() {
        return spec.resolve(&[]);
    }
    let values = layer_percentiles(&ps, layer, grid_blocks, engine)?.ok_or_else(|| {
        Error::input(
            layer.path(),
            "the layer has no valid cells to take percentiles of",
        )
    })?;
    spec.resolve(&values)
        .map_err(|e| Error::input(layer.path(), e.to_string()))
}

/// The percentiles `ps` (each in [0, 100]) of the layer's valid cells, in two exact passes over
/// `grid_blocks`; `None` when the layer has no valid cell.
pub fn layer_percentiles(
    ps: &[f64],
    layer: &GridLayer,
    grid_blocks: &[Block],
    engine: &Engine,
) -> Result<Option<Vec<f64>>> {
    let mut pass1 = QuantilePass1::default();
    engine.stage(
        "percentiles, pass 1",
        grid_blocks,
        |b| {
            let mut h = QuantilePass1::default();
            h.add(&layer.read_block(b)?);
            Ok(h)
        },
        |_, h| {
            pass1.merge(&h);
            Ok(())
        },
    )?;
    if pass1.count() == 0 {
        return Ok(None);
    }
    let plan = pass1
        .plan(ps)
        .map_err(|e| Error::input(layer.path(), e.to_string()))?;
    let mut pass2 = plan.pass2();
    engine.stage(
        "percentiles, pass 2",
        grid_blocks,
        |b| {
            let mut h = plan.pass2();
            plan.add(&mut h, &layer.read_block(b)?);
            Ok(h)
        },
        |_, h| {
            pass2.merge(&h);
            Ok(())
        },
    )?;
    Ok(Some(plan.finish(&pass2)))
}
