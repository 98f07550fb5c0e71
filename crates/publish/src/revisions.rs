//! Earlier versions of a content page, from the audit log (every change
//! keeps the record as it was after it): listed, compared line by line,
//! and the source of a restore.

use kreiskom_core::Page;
use kreiskom_store::AuditEntry;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Serialize)]
pub struct Revision {
    version: i64,
    at: String,
    actor: String,
    title: String,
    current: bool,
}

#[derive(Debug, Serialize)]
pub struct DiffLine {
    /// "same", "added" or "removed".
    tag: &'static str,
    text: String,
}

#[derive(Debug, Serialize)]
pub struct Comparison {
    from: i64,
    to: i64,
    /// Both titles, when the title changed.
    titles: Option<(String, String)>,
    lines: Vec<DiffLine>,
    /// No line differs.
    same: bool,
}

#[derive(Debug, Serialize)]
pub struct RevisionsView {
    slug: String,
    title: String,
    revisions: Vec<Revision>,
    comparison: Option<Comparison>,
}

/// Each version the log knows of, newest first: what every change wrote,
/// and before the oldest change, the version it replaced (the import's,
/// which the log keeps only as that change's "before").
fn versions(entries: &[AuditEntry]) -> Vec<(i64, Option<&AuditEntry>, Page)> {
    let mut out: Vec<(i64, Option<&AuditEntry>, Page)> = Vec::new();
    for e in entries {
        let Some(version) = e.version else { continue };
        if let Some(page) = e.after.clone().and_then(|v| serde_json::from_value(v).ok()) {
            out.push((version, Some(e), page));
        }
    }
    let oldest = entries
        .iter()
        .filter(|e| e.version.is_some())
        .min_by_key(|e| e.version);
    if let Some(e) = oldest {
        let earlier = e.version.unwrap_or(1) - 1;
        let before = e
            .before
            .clone()
            .and_then(|v| serde_json::from_value(v).ok());
        if let Some(page) =
            before.filter(|_| earlier > 0 && out.iter().all(|(v, ..)| *v != earlier))
        {
            out.push((earlier, None, page));
        }
    }
    out.sort_by_key(|(version, ..)| std::cmp::Reverse(*version));
    out
}

/// The page as it was in `version`.
pub fn page_at(entries: &[AuditEntry], version: i64) -> Option<Page> {
    versions(entries)
        .into_iter()
        .find(|(v, ..)| *v == version)
        .map(|(.., page)| page)
}

/// The versions of a page, newest first (`entries` as the audit log gives
/// them), and the comparison of two where asked.
pub fn revisions(
    current: &Page,
    current_version: i64,
    entries: &[AuditEntry],
    compare: Option<(i64, i64)>,
) -> RevisionsView {
    let mut all = versions(entries);
    // A page only imported has no change in the log yet.
    if all.iter().all(|(v, ..)| *v != current_version) {
        all.insert(0, (current_version, None, current.clone()));
    }
    let latest = all.first().map(|(v, ..)| *v);
    let revisions = all
        .iter()
        .map(|(version, entry, page)| Revision {
            version: *version,
            at: entry.map_or_else(
                || "importiert, ohne Protokolleintrag".to_owned(),
                |e| crate::german::timestamp(&e.at),
            ),
            actor: entry.map_or_else(String::new, |e| e.actor.clone()),
            title: page.title.clone(),
            current: Some(*version) == latest,
        })
        .collect();
    let comparison = compare.and_then(|(from, to)| {
        let (a, b) = (page_at(entries, from)?, page_at(entries, to)?);
        let diff = TextDiff::from_lines(&a.body, &b.body);
        let lines: Vec<DiffLine> = diff
            .iter_all_changes()
            .map(|c| DiffLine {
                tag: match c.tag() {
                    ChangeTag::Equal => "same",
                    ChangeTag::Insert => "added",
                    ChangeTag::Delete => "removed",
                },
                text: c.value().trim_end_matches('\n').to_owned(),
            })
            .collect();
        Some(Comparison {
            from,
            to,
            same: a.title == b.title && lines.iter().all(|l| l.tag == "same"),
            titles: (a.title != b.title).then(|| (a.title.clone(), b.title.clone())),
            lines,
        })
    });
    RevisionsView {
        slug: current.slug.to_string(),
        title: current.title.clone(),
        revisions,
        comparison,
    }
}
