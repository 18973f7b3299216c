//! QGIS layer style files (`.qml`) for score maps, target zones and samples.
//!
//! QGIS loads `NAME.qml` beside `NAME.tif` (or `NAME.geojson`) as the layer's default style, so
//! `prospectivity_c.qml` makes `prospectivity_c.tif` open under the same colour ramp as `map_c.png`
//! ([`crate::report::map::RAMP`]): a single-band pseudocolour renderer on band 1, interpolated
//! between the ramp's stops over the fixed range [0, 1] (not stretched to the layer's
//! statistics), with nodata transparent. The XML follows what QGIS 3 writes for such a style
//! (`<qgis>` / `<pipe>` / `<rasterrenderer type="singlebandpseudocolor">` / `<rastershader>` /
//! `<colorrampshader>` with one `<item>` per stop); QGIS reads the items, and the `<colorramp>`
//! element keeps the ramp editable in the symbology dialog.
//!
//! `targets_c.qml` ([`targets_qml`]) draws the target zones as outlines only, white over black
//! like the PNG map's, labelled by rank; `samples_c.qml` ([`samples_qml`]) draws the samples
//! as points classed by one element's anomaly class (`<El>_class`: background grey, anomalous
//! orange, strongly anomalous red and larger, missing hollow). Both follow what QGIS 3 writes
//! (`<renderer-v2>` with `<Option type="Map">` properties per symbol layer, `<labeling
//! type="simple">`), which QGIS 3.22 and later read.
use std::path::Path;

use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::report::map::RAMP;

/// Writes a QGIS style for a single-band score raster in [0, 1] to `out`; `title` becomes the
/// style's description (escaped).
pub fn write_qml(out: &Path, title: &str) -> Result<()> {
    write_style(out, &qml(title))
}

/// Writes the style `text` to `out` (atomically).
pub fn write_style(out: &Path, text: &str) -> Result<()> {
    let file = AtomicFile::new(out)?;
    std::fs::write(file.path(), text)
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
    qml_range(title, 1.0, 1)
}

/// The style of a raster in [0, `max`] under the same ramp, labels with `decimals` decimals
/// (an uncertainty map: the spread of predicted probabilities).
///
/// ```
/// let xml = geoprospect::report::qml::qml_range("sd", 0.25, 3);
/// assert!(xml.contains(r#"classificationMax="0.25""#));
/// assert!(xml.contains(r##"<item alpha="255" value="0.25" label="0.250" color="#fde725"/>"##));
/// ```
pub fn qml_range(title: &str, max: f64, decimals: usize) -> String {
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
            let v = v * max;
            format!(
                "          <item alpha=\"255\" value=\"{v}\" label=\"{v:.decimals$}\" color=\"{}\"/>\n",
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
    <rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\" classificationMin=\"0\" classificationMax=\"{max}\">\n\
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
        <colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\" minimumValue=\"0\" maximumValue=\"{max}\" labelPrecision=\"{decimals}\">\n\
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

/// The style of `targets_<c>.geojson`: outlines only (a white line over a wider black one),
/// each zone labelled with its `rank`.
///
/// ```
/// let xml = geoprospect::report::qml::targets_qml("Sn targets");
/// assert!(xml.contains(r#"labelsEnabled="1""#));
/// assert!(xml.contains(r#"<renderer-v2 type="singleSymbol""#));
/// assert!(xml.contains(r#"fieldName="rank""#));
/// ```
pub fn targets_qml(title: &str) -> String {
    let line = |color: &str, width: &str| {
        format!(
            "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n\
             \x20         <Option type=\"Map\">\n\
             {}\
             \x20         </Option>\n\
             \x20       </layer>\n",
            options(&[
                ("line_color", color),
                ("line_width", width),
                ("line_width_unit", "MM"),
                ("line_style", "solid"),
                ("joinstyle", "round"),
                ("capstyle", "round"),
            ])
        )
    };
    format!(
        "{head}\
  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n\
    <symbols>\n\
      <symbol type=\"fill\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n\
{black}{white}\
      </symbol>\n\
    </symbols>\n\
  </renderer-v2>\n\
  <labeling type=\"simple\">\n\
    <settings calloutType=\"simple\">\n\
      <text-style fieldName=\"rank\" isExpression=\"0\" fontSize=\"10\" fontSizeUnit=\"Point\" fontWeight=\"75\" fontItalic=\"0\" textColor=\"255,255,255,255\" textOpacity=\"1\" namedStyle=\"Bold\">\n\
        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"0,0,0,255\" bufferOpacity=\"1\" bufferJoinStyle=\"128\"/>\n\
      </text-style>\n\
      <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\"/>\n\
      <rendering obstacle=\"0\" displayAll=\"1\"/>\n\
    </settings>\n\
  </labeling>\n\
</qgis>\n",
        head = vector_head(title, true),
        black = line("0,0,0,255", "0.9"),
        white = line("255,255,255,255", "0.45"),
    )
}

/// The style of `samples_<c>.geojson`: points classed by `class_field` (an `<El>_class`
/// property), or all alike when the commodity's model uses no sample column (`None`).
///
/// ```
/// let xml = geoprospect::report::qml::samples_qml("Sn samples", Some("Sn_class"));
/// assert!(xml.contains(r#"type="categorizedSymbol" attr="Sn_class""#));
/// assert!(xml.contains(r#"value="strongly anomalous""#));
/// let plain = geoprospect::report::qml::samples_qml("REE samples", None);
/// assert!(plain.contains(r#"type="singleSymbol""#));
/// ```
pub fn samples_qml(title: &str, class_field: Option<&str>) -> String {
    // (category value, label, fill, size in mm); "" is QGIS's category of every other value,
    // here the samples without a value.
    const CLASSES: [(&str, &str, &str, &str); 4] = [
        ("background", "background", "190,190,190,255", "1.6"),
        ("anomalous", "anomalous", "253,141,60,255", "2.4"),
        (
            "strongly anomalous",
            "strongly anomalous",
            "215,25,28,255",
            "3.2",
        ),
        ("", "no value", "0,0,0,0", "1.6"),
    ];
    let marker = |n: usize, fill: &str, size: &str| {
        format!(
            "      <symbol type=\"marker\" name=\"{n}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n\
             \x20       <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n\
             \x20         <Option type=\"Map\">\n\
             {}\
             \x20         </Option>\n\
             \x20       </layer>\n\
             \x20     </symbol>\n",
            options(&[
                ("name", "circle"),
                ("color", fill),
                ("outline_color", "35,35,35,255"),
                ("outline_style", "solid"),
                ("outline_width", "0.2"),
                ("outline_width_unit", "MM"),
                ("size", size),
                ("size_unit", "MM"),
            ])
        )
    };
    let renderer = match class_field {
        Some(field) => {
            let categories: String = CLASSES
                .iter()
                .enumerate()
                .map(|(n, (value, label, _, _))| {
                    format!(
                        "      <category symbol=\"{n}\" value=\"{value}\" label=\"{label}\" render=\"true\"/>\n"
                    )
                })
                .collect();
            let symbols: String = CLASSES
                .iter()
                .enumerate()
                .map(|(n, (_, _, fill, size))| marker(n, fill, size))
                .collect();
            format!(
                "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n\
                 \x20   <categories>\n{categories}    </categories>\n\
                 \x20   <symbols>\n{symbols}    </symbols>\n\
                 \x20 </renderer-v2>\n",
                attribute(field)
            )
        }
        None => format!(
            "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n\
             \x20   <symbols>\n{}    </symbols>\n\
             \x20 </renderer-v2>\n",
            marker(0, CLASSES[0].2, CLASSES[0].3)
        ),
    };
    format!("{}{renderer}</qgis>\n", vector_head(title, false))
}

/// The `<qgis>` element opening a vector style, with its comment.
fn vector_head(title: &str, labels: bool) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">\n\
         \x20 <!-- {}: written by geoprospect -->\n",
        u8::from(labels),
        comment_text(title)
    )
}

/// `<Option type="QString" name=".." value=".."/>` lines of a symbol layer's property map.
fn options(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!("            <Option type=\"QString\" name=\"{k}\" value=\"{v}\"/>\n")
        })
        .collect()
}

/// Text safe inside an XML attribute value.
fn attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
