//! Value parsers (clap `value_parser`s): each turns the text of one flag into the library's typed
//! value, or into an error that names the flag. `main` prints such an error as one `error: ...`
//! line, like every other error (clap's own refusals keep clap's text).
use geoprospect::commodity::Commodity;
use geoprospect::error::Error;
use geoprospect::evidence::membership::Threshold;
use geoprospect::evidence::singularity::Windows;
use geoprospect::geochem::gridding::{MaxDistance, VariogramKind, VariogramModel};
use geoprospect::models::wofe::Generalise;
use geoprospect::ops::fuzzy::ChainedLayer;

/// `--commodity`: any commodity label (REE, Sn, Au, Cu, W, IOCG ...), in any case.
pub fn commodity(text: &str) -> Result<Commodity, Error> {
    Commodity::parse(text).map_err(|e| Error::param(format!("--commodity: {e}")))
}

/// `--max-distance`: a positive distance, `auto` or `none`.
pub fn max_distance(text: &str) -> Result<MaxDistance, Error> {
    MaxDistance::parse(text).map_err(|e| Error::param(format!("--max-distance: {e}")))
}

/// `--windows 1,3,5,7,9`: odd window sides in cells, at least two.
pub fn windows(text: &str) -> Result<Windows, Error> {
    Windows::parse(text).map_err(|e| Error::param(format!("--windows: {e}")))
}

/// `--extent xmin,ymin,xmax,ymax`: four finite numbers.
pub fn extent(text: &str) -> Result<[f64; 4], Error> {
    let bad = || {
        Error::param(format!(
            "--extent must be four numbers xmin,ymin,xmax,ymax, got {text:?}"
        ))
    };
    let v: Vec<f64> = text
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match v.as_slice() {
        &[a, b, c, d] if v.iter().all(|x| x.is_finite()) => Ok([a, b, c, d]),
        _ => Err(bad()),
    }
}

/// `--variogram KIND,NUGGET,PARTIAL_SILL,RANGE` (`spherical,0.1,1.2,3000`), checked.
pub fn variogram(text: &str) -> Result<VariogramModel, Error> {
    let bad = || {
        Error::param(format!(
            "--variogram must be KIND,NUGGET,PARTIAL_SILL,RANGE with KIND spherical or \
             exponential (e.g. spherical,0.1,1.2,3000), got {text:?}"
        ))
    };
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let [kind, nugget, psill, range] = parts.as_slice() else {
        return Err(bad());
    };
    let kind = match kind.to_ascii_lowercase().as_str() {
        "spherical" | "sph" => VariogramKind::Spherical,
        "exponential" | "exp" => VariogramKind::Exponential,
        _ => return Err(bad()),
    };
    let num = |t: &str| t.parse::<f64>().map_err(|_| bad());
    let model = VariogramModel {
        kind,
        nugget: num(nugget)?,
        partial_sill: num(psill)?,
        range: num(range)?,
    };
    model
        .validate()
        .map_err(|m| Error::param(format!("--variogram {text:?}: {m}")))?;
    Ok(model)
}

/// A membership threshold of `--{flag}`: a value (`12.5`) or a percentile (`p90`).
pub fn threshold(
    flag: &'static str,
) -> impl Fn(&str) -> Result<Threshold, Error> + Clone + Send + Sync + 'static {
    move |text| {
        text.parse()
            .map_err(|e: Error| Error::param(format!("--{flag}: {e}")))
    }
}

/// `--generalise`: max-contrast, max-studentized or cut=CLASS.
pub fn generalise(text: &str) -> Result<Generalise, Error> {
    text.parse()
        .map_err(|e| Error::param(format!("--generalise {e}")))
}

/// `--layer PATH[:STEP,STEP,...]`: a layer of `geoprospect fuzzy` and its transform chain.
pub fn chained_layer(text: &str) -> Result<ChainedLayer, Error> {
    ChainedLayer::parse(text).map_err(|e| Error::param(format!("--layer {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_and_variograms_are_checked() {
        assert_eq!(
            extent("600000, 4400000,640000,4430000").unwrap(),
            [600000.0, 4400000.0, 640000.0, 4430000.0]
        );
        assert_eq!(
            extent("1,2,3").unwrap_err().to_string(),
            "--extent must be four numbers xmin,ymin,xmax,ymax, got \"1,2,3\""
        );
        assert!(extent("1,2,3,x").is_err());
        assert!(extent("1,2,3,inf").is_err());
        let m = variogram("exponential, 0.5, 2, 1500").unwrap();
        assert_eq!((m.kind, m.range), (VariogramKind::Exponential, 1500.0));
        assert!(variogram("gaussian,0,1,10")
            .unwrap_err()
            .to_string()
            .starts_with("--variogram must be KIND,NUGGET,PARTIAL_SILL,RANGE"));
        assert!(variogram("spherical,0,1,0")
            .unwrap_err()
            .to_string()
            .contains("range must be a positive number"));
    }

    #[test]
    fn errors_name_the_flag() {
        assert_eq!(commodity("sn").unwrap(), Commodity::SN);
        assert_eq!(commodity("w").unwrap().to_string(), "W");
        assert!(commodity("Cu-Au")
            .unwrap_err()
            .to_string()
            .starts_with("--commodity: commodity \"Cu-Au\": a label is"));
        assert_eq!(
            threshold("low")("p10").unwrap(),
            Threshold::Percentile(10.0)
        );
        assert!(threshold("midpoint")("p200")
            .unwrap_err()
            .to_string()
            .starts_with("--midpoint: \"p200\""));
        assert_eq!(generalise("cut=3").unwrap(), Generalise::Cut(3));
        assert!(generalise("best")
            .unwrap_err()
            .to_string()
            .starts_with("--generalise \"best\""));
        assert_eq!(chained_layer("a.tif:log").unwrap().chain.len(), 1);
        assert!(chained_layer("a.tif:log,cube")
            .unwrap_err()
            .to_string()
            .starts_with("--layer a.tif:log,cube: "));
    }
}
