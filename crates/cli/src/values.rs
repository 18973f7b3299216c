//! Value parsers (clap `value_parser`s): each turns the text of one flag into the library's typed
//! value, or into an error that names the flag. `main` prints such an error as one `error: ...`
//! line, like every other error (clap's own refusals keep clap's text).
use geoprospect::commodity::Commodity;
use geoprospect::error::Error;
use geoprospect::evidence::membership::Threshold;
use geoprospect::models::wofe::Generalise;
use geoprospect::ops::fuzzy::ChainedLayer;

/// `--commodity`: REE, Sn or Mo, in any case.
pub fn commodity(text: &str) -> Result<Commodity, Error> {
    Commodity::parse(text)
        .ok_or_else(|| Error::param(format!("--commodity {text:?}: use REE, Sn or Mo")))
}

/// A membership threshold of `--{flag}`: a value (`12.5`) or a percentile (`p90`).
pub fn threshold(
    flag: &'static str,
) -> impl Fn(&str) -> Result<Threshold, Error> + Clone + Send + Sync + 'static {
    move |text| {
        text.parse()
            .map_err(|e: String| Error::param(format!("--{flag}: {e}")))
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
    fn errors_name_the_flag() {
        assert_eq!(commodity("sn").unwrap(), Commodity::Sn);
        assert_eq!(
            commodity("W").unwrap_err().to_string(),
            "--commodity \"W\": use REE, Sn or Mo"
        );
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
