//! Markdown as data for a template: blocks of runs of text, so that the
//! text is set as text and never read as Typst markup.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{json, Value};

/// `[{"kind": "p" | "h" | "li" | "quote", "runs": [{"text", "strong",
/// "emph", "link"}]}]`.
pub(crate) fn blocks(markdown: &str) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut runs: Vec<Value> = Vec::new();
    let mut kind = "p";
    let (mut strong, mut emph) = (0u8, 0u8);
    let mut link: Option<String> = None;
    let mut quote = false;
    let flush = |kind: &str, runs: &mut Vec<Value>, out: &mut Vec<Value>| {
        if !runs.is_empty() {
            out.push(json!({ "kind": kind, "runs": std::mem::take(runs) }));
        }
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => kind = "h",
            Event::Start(Tag::Item) => {
                flush(kind, &mut runs, &mut out);
                kind = "li";
            }
            Event::Start(Tag::BlockQuote(_)) => quote = true,
            Event::End(TagEnd::BlockQuote(_)) => quote = false,
            Event::Start(Tag::Paragraph) if kind != "li" => {
                kind = if quote { "quote" } else { "p" };
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                flush(kind, &mut runs, &mut out);
                kind = "p";
            }
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emph += 1,
            Event::End(TagEnd::Emphasis) => emph = emph.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => link = None,
            Event::Text(t) | Event::Code(t) => runs.push(json!({
                "text": t.as_ref(),
                "strong": strong > 0,
                "emph": emph > 0,
                "link": link.as_deref().filter(|l| l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:")),
            })),
            Event::SoftBreak => runs.push(json!({ "text": " ", "strong": false, "emph": false, "link": null })),
            Event::HardBreak => runs.push(json!({ "text": "\n", "strong": false, "emph": false, "link": null })),
            _ => {}
        }
    }
    flush(kind, &mut runs, &mut out);
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::blocks;

    #[test]
    fn markdown_becomes_runs_of_plain_text() {
        let b = blocks("# Titel\n\nEin **fetter** Satz mit [Link](https://harz.de) und `#set page(width: 1pt)`.\n\n- eins\n- zwei");
        assert_eq!(b[0]["kind"], "h");
        assert_eq!(b[1]["runs"][1]["text"], "fetter");
        assert_eq!(b[1]["runs"][1]["strong"], true);
        assert_eq!(b[1]["runs"][3]["link"], "https://harz.de");
        assert_eq!(
            b[1]["runs"][5]["text"], "#set page(width: 1pt)",
            "Typst markup stays text"
        );
        assert_eq!(b[2]["kind"], "li");
        assert_eq!(b[3]["runs"][0]["text"], "zwei");
    }

    #[test]
    fn links_elsewhere_than_the_web_are_dropped() {
        let b = blocks("[klick](javascript:alert(1))");
        assert!(b[0]["runs"][0]["link"].is_null());
    }
}
