//! Bar charts as SVG, drawn on the server: no script, no request to
//! anywhere. Every bar carries its label and value (`data-label`,
//! `data-value` and a `<title>` that screen readers and tooltips show), so
//! the table printed beside a chart can be checked against it.

use std::fmt::Write;

/// One bar: what it stands for, its value and the value as shown
/// ("1.234", in the page's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub shown: String,
}

const WIDTH: f64 = 720.0;
const COLUMNS_HEIGHT: f64 = 240.0;
const ROW_HEIGHT: f64 = 26.0;
/// Room for the axis text at the left and the labels below columns.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// Columns side by side, for a series in time (views per day, releases
/// per month). Every `label_every`-th bar is labelled under the axis.
pub fn columns(id: &str, title: &str, bars: &[Bar], label_every: usize) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let plot_w = WIDTH - LEFT - 8.0;
    let plot_h = COLUMNS_HEIGHT - TOP - BOTTOM;
    let step = plot_w / bars.len().max(1) as f64;
    let mut svg = open(id, title, WIDTH, COLUMNS_HEIGHT);
    axis(&mut svg, max, plot_h);
    let every = label_every.max(1);
    for (i, bar) in bars.iter().enumerate() {
        let h = bar.value as f64 / max * plot_h;
        let x = LEFT + i as f64 * step;
        rect(
            &mut svg,
            bar,
            x + step * 0.1,
            TOP + plot_h - h,
            step * 0.8,
            h,
        );
        if i % every == 0 {
            let _ = write!(
                svg,
                r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x + step / 2.0,
                COLUMNS_HEIGHT - 8.0,
                escape(&bar.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Bars one under another with their labels, for a ranking (top pages,
/// posts per channel).
pub fn rows(id: &str, title: &str, bars: &[Bar]) -> String {
    let label_w = 300.0;
    let height = TOP + ROW_HEIGHT * bars.len().max(1) as f64 + 4.0;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let plot_w = WIDTH - label_w - 64.0;
    let mut svg = open(id, title, WIDTH, height);
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + i as f64 * ROW_HEIGHT;
        let w = bar.value as f64 / max * plot_w;
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            label_w - 8.0,
            y + ROW_HEIGHT * 0.62,
            escape(&shortened(&bar.label, 40))
        );
        rect(&mut svg, bar, label_w, y + 4.0, w, ROW_HEIGHT - 8.0);
        let _ = write!(
            svg,
            r#"<text class="chart-value" x="{:.1}" y="{:.1}">{}</text>"#,
            label_w + w + 6.0,
            y + ROW_HEIGHT * 0.62,
            escape(&bar.shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(id: &str, title: &str, w: f64, h: f64) -> String {
    format!(
        r#"<svg class="chart" id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="{id}-title"><title id="{id}-title">{}</title>"#,
        escape(title),
        id = escape(id)
    )
}

/// The base line and the highest value, so heights can be read.
fn axis(svg: &mut String, max: f64, plot_h: f64) {
    let _ = write!(
        svg,
        r#"<line class="chart-axis" x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><line class="chart-grid" x1="{LEFT}" y1="{TOP}" x2="{:.1}" y2="{TOP}"/><text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="end">0</text>"#,
        TOP + plot_h,
        WIDTH - 8.0,
        TOP + plot_h,
        WIDTH - 8.0,
        LEFT - 6.0,
        TOP + 4.0,
        max as u64,
        LEFT - 6.0,
        TOP + plot_h + 4.0,
    );
}

fn rect(svg: &mut String, bar: &Bar, x: f64, y: f64, w: f64, h: f64) {
    let _ = write!(
        svg,
        r#"<rect class="chart-bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" data-label="{}" data-value="{}"><title>{}: {}</title></rect>"#,
        escape(&bar.label),
        bar.value,
        escape(&bar.label),
        escape(&bar.shown)
    );
}

fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// Text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.to_string(),
        }
    }

    fn heights(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let h = r.split("height=\"").nth(1).unwrap();
                h[..h.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn columns_are_as_high_as_their_values() {
        let svg = columns(
            "c",
            "Aufrufe",
            &[bar("1.", 10), bar("2.", 0), bar("3.", 5)],
            1,
        );
        let h = heights(&svg);
        assert_eq!(h.len(), 3);
        assert!(h[0] > 0.0 && h[1] == 0.0);
        assert!((h[0] / h[2] - 2.0).abs() < 0.01, "{h:?}");
        assert!(svg.contains(r#"data-label="3." data-value="5""#));
        assert!(svg.contains(r#"aria-labelledby="c-title""#));
    }

    #[test]
    fn rows_escape_their_labels_and_an_empty_chart_is_drawn() {
        let svg = rows("r", "Seiten", &[bar("/a?<b>&\"", 3), bar("/b", 1)]);
        assert!(svg.contains("/a?&lt;b&gt;&amp;&quot;"), "{svg}");
        assert!(!svg.contains("<b>"));
        let h = heights(&svg);
        assert!(h[0] == h[1], "rows share a height");
        let empty = columns("e", "Nichts", &[], 1);
        assert!(empty.starts_with("<svg") && empty.ends_with("</svg>"));
    }
}
