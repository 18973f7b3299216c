//! QGIS layer style files (`.qml`) for score maps.
//!
//! QGIS loads `NAME.qml` beside `NAME.tif` as the layer's default style, so `prospectivity_c.qml`
//! makes `prospectivity_c.tif` open under the same colour ramp as `map_c.png`
//! ([`crate::report::map::RAMP`]): a single-band pseudocolour renderer on band 1, interpolated
//! between the ramp's stops over the fixed range [0, 1] (not stretched to the layer's
//! statistics), with nodata transparent. The XML follows what QGIS 3 writes for such a style
//! (`<qgis>` / `<pipe>` / `<rasterrenderer type="singlebandpseudocolor">` / `<rastershader>` /
//! `<colorrampshader>` with one `<item>` per stop); QGIS reads the items, and the `<colorramp>`
//! element keeps the ramp editable in the symbology dialog.
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::report::map::RAMP;

/// Writes a QGIS style for a single-band score raster in [0, 1] to `out`; `title` becomes the
/// style's description (escaped).
pub fn write_qml(out: &Path, title: &str) -> Result<()> {
    let file = AtomicFile::new(out)?;
    std::fs::write(file.path(), qml(title))
        .map_err(|e| Error::output(out, format!("cannot write: {e}")))?;
    file.commit()
}

/// The style file's text.
///
/// ```
/// let xml = geoprospect::report::qml::qml("REE <score>");
/// assert!(xml.contains(r#"type="singlebandpseudocolor""#));
/// assert!(xml.contains(r##"<item alpha="255" value="1" label="1.0" color="#fde725"/>"##));
/// assert!(xml.contains("REE &lt;score&gt;"));
/// ```
pub fn qml(title: &str) -> String {
    let rgba = |c: [u8; 3]| format!("{},{},{},255", c[0], c[1], c[2]);
    let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
    let first = RAMP[0].1;
    let last = RAMP[RAMP.len() - 1].1;
    let stops = RAMP[1..RAMP.len() - 1]
        .iter()
        .map(|(v, c)| format!("{v};{}", rgba(*c)))
        .collect::<Vec<_>>()
        .join(":");
    let items: String = RAMP
        .iter()
        .map(|(v, c)| {
            format!(
                "          <item alpha=\"255\" value=\"{v}\" label=\"{v:.1}\" color=\"{}\"/>\n",
                hex(*c)
            )
        })
        .collect();
    let ramp_options = format!(
        "            <Option type=\"Map\">\n\
         \x20             <Option type=\"QString\" name=\"color1\" value=\"{c1}\"/>\n\
         \x20             <Option type=\"QString\" name=\"color2\" value=\"{c2}\"/>\n\
         \x20             <Option type=\"QString\" name=\"discrete\" value=\"0\"/>\n\
         \x20             <Option type=\"QString\" name=\"rampType\" value=\"gradient\"/>\n\
         \x20             <Option type=\"QString\" name=\"stops\" value=\"{stops}\"/>\n\
         \x20           </Option>\n\
         \x20           <prop k=\"color1\" v=\"{c1}\"/>\n\
         \x20           <prop k=\"color2\" v=\"{c2}\"/>\n\
         \x20           <prop k=\"discrete\" v=\"0\"/>\n\
         \x20           <prop k=\"rampType\" v=\"gradient\"/>\n\
         \x20           <prop k=\"stops\" v=\"{stops}\"/>\n",
        c1 = rgba(first),
        c2 = rgba(last),
    );
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
<qgis version=\"3.28.0\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">\n\
  <!-- {title}: written by geoprospect; colours match the PNG map (viridis) -->\n\
  <pipe>\n\
    <provider>\n\
      <resampling enabled=\"false\" zoomedInResamplingMethod=\"nearestNeighbour\" zoomedOutResamplingMethod=\"nearestNeighbour\" maxOversampling=\"2\"/>\n\
    </provider>\n\
    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\" classificationMin=\"0\" classificationMax=\"1\">\n\
      <rasterTransparency/>\n\
      <minMaxOrigin>\n\
        <limits>None</limits>\n\
        <extent>WholeRaster</extent>\n\
        <statAccuracy>Estimated</statAccuracy>\n\
        <cumulativeCutLower>0.02</cumulativeCutLower>\n\
        <cumulativeCutUpper>0.98</cumulativeCutUpper>\n\
        <stdDevFactor>2</stdDevFactor>\n\
      </minMaxOrigin>\n\
      <rastershader>\n\
        <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\" minimumValue=\"0\" maximumValue=\"1\" labelPrecision=\"1\">\n\
          <colorramp type=\"gradient\" name=\"[source]\">\n\
{ramp_options}\
          </colorramp>\n\
{items}\
        </colorrampshader>\n\
      </rastershader>\n\
    </rasterrenderer>\n\
    <brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>\n\
    <huesaturation saturation=\"0\" grayscaleMode=\"0\" invertColors=\"0\" colorizeOn=\"0\" colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\" colorizeStrength=\"100\"/>\n\
    <rasterresampler maxOversampling=\"2\"/>\n\
    <resamplingStage>resamplingFilter</resamplingStage>\n\
  </pipe>\n\
  <blendMode>0</blendMode>\n\
</qgis>\n",
        title = comment_text(title),
    )
}

/// Text safe inside an XML comment: markup characters escaped and no `--`.
fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_item_per_ramp_stop_in_order() {
        let xml = qml("t");
        let values: Vec<&str> = xml
            .lines()
            .filter(|l| l.trim_start().starts_with("<item "))
            .map(|l| {
                l.split("value=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            values,
            ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]
        );
        assert!(xml.contains(r##"color="#440154""##));
        assert!(xml.contains("0.5;33,145,140,255"));
    }

    #[test]
    fn comments_cannot_be_broken_out_of() {
        let c = comment_text("a -- b --> <c> &-");
        assert!(
            !c.contains("--") && !c.contains('<') && !c.ends_with('-'),
            "{c}"
        );
    }
}
