//! What makes public content stale, found from the records alone: pages
//! past their review, plans whose date has passed with nothing recorded
//! since, old or undated figures, places that have been merged or renamed,
//! paragraphs published twice, internal links that lead nowhere.
//!
//! Each finding has a stable `key` and a `fingerprint` of its cause. An
//! editor who checks a finding stores both (`FindingCheck`); it stays
//! quiet until its cause changes, and then comes back.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::partnership::{EventKind, Partnership};
use crate::record::{record_basics, Kind, Record, Reference};
use crate::region::Region;
use crate::slug::{FindingCheckSlug, UnitSlug};
use crate::time::LocalTime;
use crate::validation::{Errors, FieldError};
use crate::Page;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    PageReview,
    PlanPassed,
    OldFact,
    FactWithoutYear,
    RenamedPlace,
    RepeatedParagraph,
    BrokenLink,
    FailingLink,
    MarkedOutdated,
}

impl Rule {
    /// The heading the dashboard groups findings under.
    pub fn label(self) -> &'static str {
        match self {
            Rule::PageReview => "Seiten, deren Überprüfung fällig ist",
            Rule::PlanPassed => "Vorhaben, deren Termin verstrichen ist",
            Rule::OldFact => "Veraltete Zahlen",
            Rule::FactWithoutYear => "Zahlen ohne Jahresangabe",
            Rule::RenamedPlace => "Orte, die es unter diesem Namen nicht mehr gibt",
            Rule::RepeatedParagraph => "Doppelt veröffentlichte Absätze",
            Rule::BrokenLink => "Interne Links, die ins Leere führen",
            Rule::FailingLink => "Externe Links, die scheitern oder umgezogen sind",
            Rule::MarkedOutdated => "Als veraltet vermerkte Angaben",
        }
    }
}

/// One reason a public text may no longer be right.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// Stable across runs: the rule, the record and the place in it.
    pub key: String,
    /// Changes when the cause changes.
    pub fingerprint: String,
    /// Where to fix it.
    pub kind: Kind,
    pub slug: String,
    /// In German, for the editor.
    pub message: String,
    /// The unit that keeps the content current, where known.
    pub owner: Option<UnitSlug>,
}

fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn finding(rule: Rule, kind: Kind, slug: &str, place: &str, cause: &[&str]) -> Finding {
    Finding {
        rule,
        key: format!(
            "{}:{}:{slug}:{place}",
            serde_json::to_value(rule)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            kind.plural()
        ),
        fingerprint: fingerprint(cause),
        kind,
        slug: slug.to_owned(),
        message: String::new(),
        owner: None,
    }
}

/// Pages whose review interval has run out, or that never were reviewed.
pub fn page_reviews(
    pages: &[Page],
    today: Date,
    german_date: impl Fn(Date) -> String,
) -> Vec<Finding> {
    pages
        .iter()
        .filter(|p| p.review_is_due(today))
        .map(|p| {
            let reviewed = p.reviewed.map(|d| format!("{d}")).unwrap_or_default();
            let mut f = finding(
                Rule::PageReview,
                Kind::Page,
                p.slug.as_str(),
                "reviewed",
                &[&reviewed, &p.review_months.to_string()],
            );
            f.message = match p.review_due() {
                Some(due) => format!(
                    "„{}“: Überprüfung fällig seit {} (alle {} Monate)",
                    p.title,
                    german_date(due),
                    p.review_months
                ),
                None => format!("„{}“: noch nie überprüft", p.title),
            };
            f.owner = p.responsible.clone();
            f
        })
        .collect()
}

/// A planned step whose date has passed with no later event recorded:
/// "Unterzeichnung geplant 2023" still reads as a plan.
pub fn plans_passed(
    partnerships: &[Partnership],
    today: Date,
    title: impl Fn(&Partnership) -> String,
    german: impl Fn(&PartialDate) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in partnerships {
        for (i, e) in p.timeline.iter().enumerate() {
            let Some(date) = e.date.filter(|_| e.kind == EventKind::Planned) else {
                continue;
            };
            if date.last_day() >= today {
                continue;
            }
            let later = p
                .timeline
                .iter()
                .filter_map(|x| x.date)
                .any(|d| d.first_day() > date.last_day());
            if later {
                continue;
            }
            let note = e.note.clone().unwrap_or_default();
            let mut f = finding(
                Rule::PlanPassed,
                Kind::Partnership,
                p.slug.as_str(),
                &format!("timeline.{i}"),
                &[&date.to_string(), &note],
            );
            f.message = format!(
                "{}: geplant für {}, seitdem ist nichts erfasst{}",
                title(p),
                german(&date),
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" („{note}“)")
                }
            );
            out.push(f);
        }
    }
    out
}

/// Figures older than `max_years`, and figures without a year.
pub fn old_facts(
    regions: &[Region],
    today: Date,
    max_years: i16,
    fact_label: impl Fn(&crate::region::FactKind) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in regions {
        for (i, fact) in r.facts.iter().enumerate() {
            let label = fact_label(&fact.kind);
            let value = fact.value.to_string();
            match &fact.as_of {
                Some(as_of) if today.year() - as_of.last_day().year() > max_years => {
                    let mut f = finding(
                        Rule::OldFact,
                        Kind::Region,
                        r.slug.as_str(),
                        &format!("facts.{i}"),
                        &[&value, &as_of.to_string()],
                    );
                    f.message = format!(
                        "{}: {label} mit Stand {}, älter als {max_years} Jahre",
                        r.name(),
                        as_of.last_day().year()
                    );
                    out.push(f);
                }
                Some(_) => {}
                None => {
                    let mut f = finding(
                        Rule::FactWithoutYear,
                        Kind::Region,
                        r.slug.as_str(),
                        &format!("facts.{i}"),
                        &[&value],
                    );
                    f.message = format!("{}: {label} ohne Jahresangabe", r.name());
                    out.push(f);
                }
            }
        }
    }
    out
}

/// Regions that have a successor: a name the public still reads although
/// the place is now part of another ("Franche-Comté" since 2016 in
/// "Bourgogne-Franche-Comté"). `name_of` names the successor.
pub fn renamed_places(
    regions: &[Region],
    today: Date,
    name_of: impl Fn(&str) -> String,
    german: impl Fn(&PartialDate) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in regions {
        for s in &r.successors {
            if s.date.is_some_and(|d| d.first_day() > today) {
                continue;
            }
            let when = s.date.map(|d| d.to_string()).unwrap_or_default();
            let mut f = finding(
                Rule::RenamedPlace,
                Kind::Region,
                r.slug.as_str(),
                &format!("successors.{}", s.region),
                &[s.region.as_str(), &when],
            );
            f.message = format!(
                "{} ist {}Teil von {}: Texte und Verweise, die den alten Namen nennen, prüfen",
                r.name(),
                s.date
                    .map(|d| format!("seit {} ", german(&d)))
                    .unwrap_or_default(),
                name_of(s.region.as_str())
            );
            out.push(f);
        }
    }
    out
}

/// Values a doubt marks as outdated (an old web address): the editor who
/// noted it asked for a review. Figures have rules of their own and are
/// left to them. `records` are (kind, slug, how the dashboard names it,
/// its doubts).
pub fn marked_outdated(records: &[(Kind, &str, &str, &[Doubt])]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (kind, slug, title, doubts) in records {
        for d in doubts
            .iter()
            .filter(|d| d.outdated && !d.field.starts_with("facts"))
        {
            let mut f = finding(
                Rule::MarkedOutdated,
                *kind,
                slug,
                &d.field,
                &[&d.note, d.source_text.as_deref().unwrap_or_default()],
            );
            f.message = format!("{title}: {}", d.note);
            out.push(f);
        }
    }
    out
}

/// A public text of a record, for the rules that read texts.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    pub kind: Kind,
    pub slug: &'a str,
    pub field: &'a str,
    /// How the dashboard names the record ("Pressemitteilung 150/14").
    pub title: &'a str,
    pub body: &'a str,
    pub owner: Option<&'a UnitSlug>,
}

/// Paragraphs too short to matter when repeated ("Weitere Informationen").
const SHORT_PARAGRAPH: usize = 60;

/// The same paragraph twice, in one text or across texts: the second place
/// is named, since that is usually the copy.
pub fn repeated_paragraphs(texts: &[Text<'_>]) -> Vec<Finding> {
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    let mut out = Vec::new();
    for (t, text) in texts.iter().enumerate() {
        for (n, paragraph) in text.body.split("\n\n").enumerate() {
            let plain = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
            if plain.chars().count() < SHORT_PARAGRAPH {
                continue;
            }
            match seen.get(&plain) {
                None => {
                    seen.insert(plain, (t, n));
                }
                Some(&(first, _)) => {
                    let mut f = finding(
                        Rule::RepeatedParagraph,
                        text.kind,
                        text.slug,
                        &format!("{}.{n}", text.field),
                        &[&plain],
                    );
                    let start: String = plain.chars().take(70).collect();
                    f.message = if first == t {
                        format!(
                            "{}: ein Absatz steht zweimal im Text („{start}…“)",
                            text.title
                        )
                    } else {
                        format!(
                            "{}: ein Absatz steht schon in {} („{start}…“)",
                            text.title, texts[first].title
                        )
                    };
                    f.owner = text.owner.cloned();
                    out.push(f);
                }
            }
        }
    }
    out
}

/// The targets of Markdown links and HTML `href`s in a text.
pub fn link_targets(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (at, _) in body.match_indices("](") {
        let rest = &body[at + 2..];
        if let Some(end) = rest.find([')', ' ']) {
            out.push(&rest[..end]);
        }
    }
    for (at, _) in body.match_indices("href=\"") {
        let rest = &body[at + 6..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
        }
    }
    out
}

/// Links within the site (`/goslar/…`) to an address that has no page.
/// `known` holds every public path of the site.
pub fn broken_links(texts: &[Text<'_>], known: &HashSet<String>) -> Vec<Finding> {
    let mut out = Vec::new();
    for text in texts {
        for target in link_targets(text.body) {
            if !target.starts_with('/') || target.starts_with("//") {
                continue;
            }
            let path = target.split(['#', '?']).next().unwrap_or_default();
            let path = if path.len() > 1 {
                path.trim_end_matches('/')
            } else {
                path
            };
            if known.contains(path)
                || known.contains(&format!("{path}/"))
                || path.starts_with("/media/")
            {
                continue;
            }
            let mut f = finding(
                Rule::BrokenLink,
                text.kind,
                text.slug,
                &format!("{}:{target}", text.field),
                &[target],
            );
            f.message = format!("{}: der Link auf {target} führt ins Leere", text.title);
            f.owner = text.owner.cloned();
            out.push(f);
        }
    }
    out
}

/// What the external link check found for one address.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkCheck {
    pub url: String,
    pub checked: jiff::Timestamp,
    /// The status of the last answer, after redirects within the host.
    pub status: Option<u16>,
    /// Where the address leads when that is another host.
    pub final_url: Option<String>,
    /// Why no answer came (a timeout, an unknown host).
    pub error: Option<String>,
    /// The site's `robots.txt` asks robots not to fetch it: not checked.
    pub robots_denied: bool,
}

/// The host of an address (`www.cg90.fr`), lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The external addresses of the texts and of the records' own fields
/// (a region's website): `links` are (kind, slug, how the dashboard names
/// it, the address).
pub fn external_links<'a>(
    texts: &'a [Text<'a>],
) -> impl Iterator<Item = (Kind, &'a str, &'a str, &'a str)> {
    texts.iter().flat_map(|t| {
        link_targets(t.body)
            .into_iter()
            .filter(|l| l.starts_with("http://") || l.starts_with("https://"))
            .map(move |l| (t.kind, t.slug, t.title, l))
    })
}

/// External links whose last check failed or that now lead to another
/// host (cg90.fr to territoiredebelfort.fr).
pub fn failing_links(
    links: &[(Kind, &str, &str, &str)],
    results: &HashMap<String, LinkCheck>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (kind, slug, title, url) in links {
        let Some(check) = results.get(*url).filter(|c| !c.robots_denied) else {
            continue;
        };
        let what = match (&check.error, check.status, &check.final_url) {
            (Some(e), ..) => format!("antwortet nicht ({e})"),
            (None, Some(s), _) if s >= 400 => format!("antwortet mit dem Fehler {s}"),
            (None, _, Some(to)) => format!("leitet weiter auf {to}: die Adresse ist umgezogen"),
            _ => continue,
        };
        let status = check.status.map(|s| s.to_string()).unwrap_or_default();
        let mut f = finding(
            Rule::FailingLink,
            *kind,
            slug,
            url,
            &[
                &status,
                check.final_url.as_deref().unwrap_or_default(),
                check.error.as_deref().unwrap_or_default(),
            ],
        );
        f.message = format!("{title}: {url} {what}");
        out.push(f);
    }
    out
}

/// An editor's check of a finding: it stays quiet while its fingerprint
/// is the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingCheck {
    /// Derived from the key (`FindingCheck::slug_for`).
    pub slug: FindingCheckSlug,
    pub key: String,
    pub fingerprint: String,
    /// What the editor found ("Zahl ist die aktuellste, die Powiat
    /// veröffentlicht").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub checked: LocalTime,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl FindingCheck {
    /// One check per finding: the slug is a hash of its key.
    pub fn slug_for(key: &str) -> FindingCheckSlug {
        FindingCheckSlug::parse(&format!("pruefung-{}", fingerprint(&[key])))
            .expect("hex digits make a slug")
    }

    /// Whether the finding is still as it was when checked.
    pub fn covers(&self, f: &Finding) -> bool {
        self.key == f.key && self.fingerprint == f.fingerprint
    }
}

impl Record for FindingCheck {
    record_basics!(Kind::FindingCheck, key);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("key", &self.key, 1000);
        e.text("fingerprint", &self.fingerprint, 64);
        if self.slug != Self::slug_for(&self.key) {
            e.add("slug", "folgt aus dem Schlüssel des Hinweises");
        }
        e.optional_text("comment", &self.comment, 2000);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn region(json: serde_json::Value) -> Region {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_plan_whose_date_passed_is_found_until_something_follows() {
        let mut p: Partnership = serde_json::from_value(serde_json::json!({
            "slug": "nordhausen-gostyn", "regions": ["nordhausen", "powiat-gostynski"],
            "category": "partnership",
            "timeline": [
                {"date": "2022-12", "kind": "council_resolution"},
                {"date": "2023", "kind": "planned", "note": "Unterzeichnung geplant"}
            ]
        }))
        .unwrap();
        let german = |d: &PartialDate| d.to_string();
        let title = |p: &Partnership| p.slug.to_string();
        assert!(
            plans_passed(std::slice::from_ref(&p), date(2023, 12, 31), title, german).is_empty()
        );
        let found = plans_passed(std::slice::from_ref(&p), date(2024, 1, 1), title, german);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].key,
            "plan_passed:partnerships:nordhausen-gostyn:timeline.1"
        );
        assert!(
            found[0].message.contains("geplant für 2023"),
            "{}",
            found[0].message
        );
        // The signing recorded: the plan is history.
        p.timeline.push(
            serde_json::from_value(
                serde_json::json!({"date": "2024-05", "kind": "charter_signed"}),
            )
            .unwrap(),
        );
        assert!(plans_passed(&[p], date(2026, 1, 1), title, german).is_empty());
    }

    #[test]
    fn figures_are_old_after_the_configured_age_or_without_a_year() {
        let r = region(serde_json::json!({
            "slug": "iasi", "kind": "judet", "country": "RO",
            "names": [{"lang": "de", "name": "Kreis Iași"}],
            "facts": [
                {"kind": "population", "value": 816910.0},
                {"kind": "area_km2", "value": 5476.0, "as_of": "2011"},
                {"kind": "towns", "value": 5.0, "as_of": "2024"}
            ]
        }));
        let found = old_facts(&[r], date(2026, 12, 1), 5, |k| format!("{k:?}"));
        let rules: Vec<Rule> = found.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [Rule::FactWithoutYear, Rule::OldFact]);
        assert!(found[1].message.contains("Stand 2011"));
    }

    #[test]
    fn a_checked_finding_comes_back_when_its_cause_changes() {
        let text = "Der Landrat begrüßt die Delegation aus Vorpommern-Rügen im Kreishaus in Forst.";
        let body = format!("{text}\n\n{text}");
        let texts = [Text {
            kind: Kind::PressRelease,
            slug: "150-2014",
            field: "body",
            title: "Pressemitteilung 150/14",
            body: &body,
            owner: None,
        }];
        let found = repeated_paragraphs(&texts);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("zweimal"));
        let check = FindingCheck {
            slug: FindingCheck::slug_for(&found[0].key),
            key: found[0].key.clone(),
            fingerprint: found[0].fingerprint.clone(),
            comment: Some("gewollt".into()),
            checked: LocalTime::at(jiff::Timestamp::UNIX_EPOCH),
            doubts: vec![],
        };
        assert!(check.validate().is_empty());
        assert!(check.covers(&found[0]));
        let changed = format!("{text} Neu.\n\n{text} Neu.");
        let again = repeated_paragraphs(&[Text {
            body: &changed,
            ..texts[0].clone()
        }]);
        assert_eq!(again[0].key, found[0].key);
        assert!(!check.covers(&again[0]));
    }

    #[test]
    fn internal_links_must_lead_to_a_page() {
        let known: HashSet<String> = ["/goslar/kommunikation".to_owned()].into();
        let body = "[ok](/goslar/kommunikation#dienste) [weg](/goslar/seiten/alt) [fremd](https://example.org/) <a href=\"/goslar/kontakt\">x</a>";
        let found = broken_links(
            &[Text {
                kind: Kind::Page,
                slug: "start",
                field: "body",
                title: "Start",
                body,
                owner: None,
            }],
            &known,
        );
        let targets: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(targets.len(), 2, "{targets:?}");
        assert!(targets[0].contains("/goslar/seiten/alt"));
        assert!(targets[1].contains("/goslar/kontakt"));
    }

    #[test]
    fn a_value_marked_outdated_is_listed_unless_a_figure_rule_covers_it() {
        let doubts: Vec<Doubt> = serde_json::from_value(serde_json::json!([
            {"field": "website", "note": "Die Adresse www.cg90.fr ist alt.", "outdated": true},
            {"field": "facts", "note": "ohne Bezugsjahr", "outdated": true},
            {"field": "names", "note": "Schreibweise unklar"}
        ]))
        .unwrap();
        let found = marked_outdated(&[(
            Kind::Region,
            "territoire-de-belfort",
            "Territoire de Belfort",
            &doubts,
        )]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "Territoire de Belfort: Die Adresse www.cg90.fr ist alt."
        );
    }

    #[test]
    fn a_region_with_a_successor_is_named() {
        let r = region(serde_json::json!({
            "slug": "franche-comte", "kind": "region", "country": "FR",
            "names": [{"lang": "fr", "name": "Franche-Comté"}],
            "successors": [{"region": "bourgogne-franche-comte", "date": "2016"}]
        }));
        let found = renamed_places(
            &[r],
            date(2026, 1, 1),
            |_| "Bourgogne-Franche-Comté".into(),
            |d| d.to_string(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "Franche-Comté ist seit 2016 Teil von Bourgogne-Franche-Comté: Texte und Verweise, die den alten Namen nennen, prüfen"
        );
    }
}
