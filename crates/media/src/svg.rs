//! SVG pictures (coats of arms, logos). A vector file is kept as sent,
//! after a check that it holds drawing only: an SVG may carry script,
//! event handlers, links and styles that fetch from other sites, or
//! entities that expand without end, and it is served from our own
//! origin. Everything not known to be inert is refused, by name.

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::MediaError;

const SVG_NS: &[u8] = b"http://www.w3.org/2000/svg";

/// The elements of static drawing. No `script`, `foreignObject`, `a`,
/// `image` (it would load another file) and no animation (`set` can
/// rewrite a link to `javascript:`).
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "title",
    "desc",
    "metadata",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "pattern",
    "clipPath",
    "mask",
    "marker",
    "filter",
    "feGaussianBlur",
    "feOffset",
    "feBlend",
    "feColorMatrix",
    "feComposite",
    "feFlood",
    "feMerge",
    "feMergeNode",
    "style",
];

/// Namespaces of editors' own notes (Inkscape, Sodipodi, RDF metadata):
/// browsers draw nothing from them and run nothing in them.
const EDITOR_NAMESPACES: &[&[u8]] = &[
    b"http://www.inkscape.org/namespaces/inkscape",
    b"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    b"http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    b"http://creativecommons.org/ns#",
    b"http://purl.org/dc/elements/1.1/",
    b"http://purl.org/dc/terms/",
];

/// Whether the bytes claim to be SVG (XML whose first element is `svg`).
pub(crate) fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with("<?xml") || text.starts_with("<svg") || text.starts_with("<!--"))
        && text.contains("<svg")
}

fn refused(why: impl Into<String>) -> MediaError {
    MediaError::UnsafeSvg(why.into())
}

/// Checks an SVG file and returns its size in CSS pixels.
pub(crate) fn check(bytes: &[u8]) -> Result<(u32, u32), MediaError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| refused("es ist nicht in UTF-8 gespeichert"))?;
    let mut reader = NsReader::from_str(text);
    let mut size = None;
    let mut in_style = false;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| MediaError::Broken(e.to_string()))?;
        match event {
            Event::Start(e) => in_style = element(&ns, &e, &mut size)? == "style",
            Event::Empty(e) => {
                element(&ns, &e, &mut size)?;
            }
            Event::End(_) => in_style = false,
            Event::Text(t) if in_style => check_style(&String::from_utf8_lossy(&t))?,
            Event::CData(t) if in_style => check_style(&String::from_utf8_lossy(&t))?,
            Event::DocType(_) => {
                return Err(refused("es enthält eine Dokumenttyp-Deklaration (DOCTYPE)"))
            }
            Event::PI(_) => return Err(refused("es enthält eine Verarbeitungsanweisung (<?…?>)")),
            Event::Eof => break,
            _ => {}
        }
    }
    size.ok_or_else(|| refused("es enthält kein <svg>-Element"))
}

/// Checks one element and its attributes and returns its name; the first
/// must be the `svg` root, which gives the size.
fn element(
    ns: &ResolveResult<'_>,
    e: &BytesStart<'_>,
    size: &mut Option<(u32, u32)>,
) -> Result<String, MediaError> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let bound = |set: &[&[u8]]| matches!(ns, ResolveResult::Bound(n) if set.contains(&n.as_ref()));
    let svg = bound(&[SVG_NS]);
    if size.is_none() {
        if !(svg && name == "svg") {
            return Err(refused(
                "sein erstes Element ist kein <svg> im SVG-Namensraum",
            ));
        }
        *size = Some(dimensions(e)?);
    } else {
        let drawing = svg && ELEMENTS.contains(&name.as_str());
        if !(drawing || bound(EDITOR_NAMESPACES)) {
            return Err(refused(format!("es enthält das Element <{name}>")));
        }
    }
    check_attributes(e)?;
    Ok(name)
}

fn check_attributes(e: &BytesStart<'_>) -> Result<(), MediaError> {
    for a in e.attributes() {
        let a: Attribute<'_> = a.map_err(|e| MediaError::Broken(e.to_string()))?;
        let name = String::from_utf8_lossy(a.key.local_name().as_ref()).to_ascii_lowercase();
        let value = a
            .unescape_value()
            .map_err(|e| MediaError::Broken(e.to_string()))?;
        if name.starts_with("on") {
            return Err(refused(format!(
                "es enthält die Ereignisbehandlung „{name}“"
            )));
        }
        if name == "href" && !(value.starts_with('#') || inert_data(&value)) {
            return Err(refused(format!("es verweist auf „{}“", shorten(&value))));
        }
        check_style(&value)?;
    }
    Ok(())
}

/// Embedded raster pictures are drawn, never run.
fn inert_data(value: &str) -> bool {
    ["data:image/png;", "data:image/jpeg;", "data:image/webp;"]
        .iter()
        .any(|p| value.starts_with(p))
}

/// Styles may point inside the file (`url(#verlauf)`), never out of it.
fn check_style(css: &str) -> Result<(), MediaError> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") || lower.contains("javascript:") || lower.contains("expression(") {
        return Err(refused("sein Stil lädt oder führt etwas aus"));
    }
    for (at, _) in lower.match_indices("url(") {
        let target = lower[at + 4..].trim_start_matches([' ', '"', '\'']);
        if !target.starts_with('#') {
            return Err(refused("sein Stil lädt etwas aus einer anderen Datei"));
        }
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The size from `viewBox`, else from `width` and `height` in pixels.
fn dimensions(e: &BytesStart<'_>) -> Result<(u32, u32), MediaError> {
    let attr = |key: &[u8]| -> Option<String> {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    let number = |v: &str| -> Option<f64> {
        v.trim()
            .trim_end_matches("px")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n > 0.0)
    };
    let from_box = attr(b"viewBox").and_then(|b| {
        let parts: Vec<f64> = b
            .split([' ', ','])
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect();
        match parts[..] {
            [_, _, w, h] if w > 0.0 && h > 0.0 => Some((w, h)),
            _ => None,
        }
    });
    let from_size = || Some((number(&attr(b"width")?)?, number(&attr(b"height")?)?));
    let (w, h) = from_box
        .or_else(from_size)
        .ok_or_else(|| refused("es nennt seine Größe nicht (viewBox oder width und height)"))?;
    Ok((w.round().max(1.0) as u32, h.round().max(1.0) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIELD: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 200 240" width="200" height="240">
  <title>Schild</title>
  <defs><linearGradient id="v"><stop offset="0" stop-color="#8a1c1c"/></linearGradient></defs>
  <inkscape:namedview inkscape:zoom="2"/>
  <style>path { fill: url(#v); }</style>
  <path d="M10 10 H190 V120 Q190 200 100 230 Q10 200 10 120 Z" style="stroke:#222"/>
  <use href="#v"/>
</svg>"##;

    #[test]
    fn a_plain_drawing_passes_with_its_size() {
        assert!(looks_like_svg(SHIELD.as_bytes()));
        assert_eq!(check(SHIELD.as_bytes()).unwrap(), (200, 240));
    }

    #[test]
    fn anything_that_runs_or_fetches_is_refused() {
        let cases = [
            ("<script>alert(1)</script>", "<script>"),
            ("<rect width='1' height='1' onclick='alert(1)'/>", "onclick"),
            ("<a href='javascript:alert(1)'><rect/></a>", "<a>"),
            (
                "<use href='https://example.org/x.svg#a'/>",
                "https://example.org",
            ),
            ("<image href='https://example.org/p.png'/>", "<image>"),
            ("<foreignObject><div/></foreignObject>", "<foreignObject>"),
            (
                "<set attributeName='href' to='javascript:alert(1)'/>",
                "<set>",
            ),
            (
                "<style>@import url(https://example.org/a.css);</style>",
                "Stil",
            ),
            ("<rect style='fill:url(https://example.org/a)'/>", "Stil"),
            (
                "<html:script xmlns:html='http://www.w3.org/1999/xhtml'>x</html:script>",
                "<script>",
            ),
        ];
        for (inner, why) in cases {
            let svg = format!(
                "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'>{inner}</svg>"
            );
            let err = check(svg.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(why), "{inner}: {err}");
        }
        let entity = "<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'>&a;</svg>";
        assert!(check(entity.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("DOCTYPE"));
        let html = "<svg viewBox='0 0 1 1'><rect/></svg>";
        assert!(check(html.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("Namensraum"));
        let sizeless = "<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>";
        assert!(check(sizeless.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("Größe"));
    }
}
