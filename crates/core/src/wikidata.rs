//! Partnerships as Wikidata holds them: item P190 ("twinned
//! administrative body") item, qualified by P580 (start time) and P582
//! (end time). Written as QuickStatements, the form Wikidata editors
//! upload; read from the JSON answer of the Wikidata Query Service, so a
//! district can compare its registry with Wikidata and see what differs
//! on each side.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::date::PartialDate;
use crate::partnership::{EventKind, Partnership};
use crate::region::Region;
use crate::slug::{PartnershipSlug, RegionSlug};

/// A Wikidata item id: `Q` and a number.
pub fn is_item(id: &str) -> bool {
    id.strip_prefix('Q').is_some_and(|n| {
        !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// One twinning between two Wikidata items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twinning {
    pub items: [String; 2],
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
}

impl Twinning {
    /// The twinning as a partnership of the registry between `regions`
    /// (their items in this order), dated as Wikidata dates it.
    pub fn to_partnership(&self, slug: PartnershipSlug, regions: [RegionSlug; 2]) -> Partnership {
        let event = |date: Option<PartialDate>, kind| {
            date.map(|d| crate::partnership::PartnershipEvent {
                date: Some(d),
                kind,
                party: None,
                note: Some("laut Wikidata".to_owned()),
                order: None,
                recorded_by: None,
            })
        };
        Partnership {
            slug,
            regions,
            category: crate::partnership::Category::Partnership,
            topics: vec![],
            timeline: event(self.start, EventKind::Founded)
                .into_iter()
                .chain(event(self.end, EventKind::Ended))
                .collect(),
            description: None,
            images: vec![],
            translations: vec![],
            doubts: vec![],
        }
    }

    /// The pair regardless of order: Wikidata states a twinning on both
    /// items, or on one.
    fn key(&self) -> (String, String) {
        let [a, b] = &self.items;
        if a <= b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        }
    }
}

/// The events whose date is the start of a partnership in Wikidata's
/// sense, earliest counting.
/// A Patenschaft is not a twinning: Goslar's with Trebnitz counts from
/// the charter of 2000, not from 1951.
const STARTS: [EventKind; 3] = [
    EventKind::CharterSigned,
    EventKind::Founded,
    EventKind::CooperationAgreement,
];

fn first_dated(p: &Partnership, kinds: &[EventKind]) -> Option<PartialDate> {
    p.timeline
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .filter_map(|e| e.date)
        .min_by(|a, b| a.first_day().cmp(&b.first_day()))
}

/// The registry's partnerships as Wikidata would state them, and the
/// partnerships left out because a side has no Wikidata item.
pub fn from_registry(
    regions: &[Region],
    partnerships: &[Partnership],
) -> (Vec<(PartnershipSlug, Twinning)>, Vec<PartnershipSlug>) {
    let items: HashMap<&RegionSlug, &str> = regions
        .iter()
        .filter_map(|r| r.wikidata.as_deref().map(|q| (&r.slug, q)))
        .collect();
    let mut stated = Vec::new();
    let mut left_out = Vec::new();
    for p in partnerships {
        match (items.get(&p.regions[0]), items.get(&p.regions[1])) {
            (Some(a), Some(b)) => stated.push((
                p.slug.clone(),
                Twinning {
                    items: [(*a).to_owned(), (*b).to_owned()],
                    start: first_dated(p, &STARTS),
                    end: first_dated(p, &[EventKind::Ended]),
                },
            )),
            _ => left_out.push(p.slug.clone()),
        }
    }
    (stated, left_out)
}

/// A date in QuickStatements' form with Wikidata's precision: 9 a year,
/// 10 a month, 11 a day; a part of a year or a decade is its year or
/// decade (precision 8).
fn quick_time(date: &PartialDate) -> String {
    match date {
        PartialDate::Day(d) => format!(
            "+{:04}-{:02}-{:02}T00:00:00Z/11",
            d.year(),
            d.month(),
            d.day()
        ),
        PartialDate::Month { year, month } => format!("+{year:04}-{month:02}-00T00:00:00Z/10"),
        PartialDate::Year(year) | PartialDate::YearPart { year, .. } => {
            format!("+{year:04}-00-00T00:00:00Z/9")
        }
        PartialDate::Decade(decade) | PartialDate::DecadePart { decade, .. } => {
            format!("+{decade:04}-00-00T00:00:00Z/8")
        }
    }
}

/// QuickStatements (version 1, tab-separated): each twinning stated on
/// both items, as Wikidata keeps it.
pub fn quickstatements(twinnings: &[Twinning]) -> String {
    let mut out = String::new();
    for t in twinnings {
        for (a, b) in [(&t.items[0], &t.items[1]), (&t.items[1], &t.items[0])] {
            out.push_str(&format!("{a}\tP190\t{b}"));
            if let Some(start) = &t.start {
                out.push_str(&format!("\tP580\t{}", quick_time(start)));
            }
            if let Some(end) = &t.end {
                out.push_str(&format!("\tP582\t{}", quick_time(end)));
            }
            out.push('\n');
        }
    }
    out
}

#[derive(Deserialize)]
struct SparqlAnswer {
    results: SparqlResults,
}

#[derive(Deserialize)]
struct SparqlResults {
    bindings: Vec<HashMap<String, SparqlValue>>,
}

#[derive(Deserialize)]
struct SparqlValue {
    value: String,
}

/// The query whose answer `read_query_answer` reads, for the Wikidata
/// Query Service: every twinning of the items given.
pub fn query(items: &[&str]) -> String {
    let values: Vec<String> = items.iter().map(|q| format!("wd:{q}")).collect();
    format!(
        "SELECT ?item ?partner ?start ?end WHERE {{\n  VALUES ?item {{ {} }}\n  ?item p:P190 ?s .\n  ?s ps:P190 ?partner .\n  OPTIONAL {{ ?s pq:P580 ?start }}\n  OPTIONAL {{ ?s pq:P582 ?end }}\n}}\n",
        values.join(" ")
    )
}

/// A Wikidata item from an entity address or an id.
fn item(value: &str) -> Option<String> {
    let id = value.rsplit('/').next().unwrap_or(value);
    is_item(id).then(|| id.to_owned())
}

/// Wikidata's time value ("1991-01-01T00:00:00Z"), as the year it names:
/// the query service gives no precision, and a year is what twinnings
/// are known by.
fn year(value: &str) -> Option<PartialDate> {
    let digits = value.trim_start_matches('+');
    let year: i16 = digits.get(..4)?.parse().ok()?;
    Some(PartialDate::Year(year))
}

/// The query service's JSON answer (`?item ?partner ?start ?end`), each
/// twinning once whichever items state it.
pub fn read_query_answer(text: &str) -> Result<Vec<Twinning>, String> {
    let answer: SparqlAnswer = serde_json::from_str(text)
        .map_err(|e| format!("keine Antwort des Wikidata Query Service im JSON-Format: {e}"))?;
    let mut out: BTreeMap<(String, String), Twinning> = BTreeMap::new();
    for (i, row) in answer.results.bindings.iter().enumerate() {
        let get = |name: &str| row.get(name).map(|v| v.value.as_str());
        let (Some(a), Some(b)) = (get("item").and_then(item), get("partner").and_then(item)) else {
            return Err(format!(
                "Ergebnis {}: ?item und ?partner müssen Wikidata-Objekte sein",
                i + 1
            ));
        };
        let t = Twinning {
            items: [a, b],
            start: get("start").and_then(year),
            end: get("end").and_then(year),
        };
        let entry = out.entry(t.key()).or_insert_with(|| t.clone());
        entry.start = entry.start.or(t.start);
        entry.end = entry.end.or(t.end);
    }
    Ok(out.into_values().collect())
}

/// What differs between the registry and Wikidata.
#[derive(Debug, Default, PartialEq)]
pub struct Comparison {
    pub only_here: Vec<(PartnershipSlug, Twinning)>,
    pub only_there: Vec<Twinning>,
    /// The same twinning with another start or end year on each side.
    pub differing: Vec<(PartnershipSlug, Twinning, Twinning)>,
    pub alike: usize,
}

fn same_year(a: &Option<PartialDate>, b: &Option<PartialDate>) -> bool {
    a.and_then(|d| d.calendar_year()) == b.and_then(|d| d.calendar_year())
}

/// Compares the registry's twinnings with Wikidata's. Only twinnings of
/// the items asked about can be missing on Wikidata's side: pass the
/// registry's twinnings of those items.
pub fn compare(here: &[(PartnershipSlug, Twinning)], there: &[Twinning]) -> Comparison {
    let mut theirs: BTreeMap<(String, String), &Twinning> =
        there.iter().map(|t| (t.key(), t)).collect();
    let mut out = Comparison::default();
    for (slug, ours) in here {
        match theirs.remove(&ours.key()) {
            None => out.only_here.push((slug.clone(), ours.clone())),
            Some(t) => {
                // A year Wikidata does not state is no difference; one it
                // states otherwise is.
                let start_differs = t.start.is_some() && !same_year(&ours.start, &t.start);
                let end_differs = t.end.is_some() && !same_year(&ours.end, &t.end);
                if start_differs || end_differs {
                    out.differing.push((slug.clone(), ours.clone(), t.clone()));
                } else {
                    out.alike += 1;
                }
            }
        }
    }
    out.only_there = theirs.into_values().cloned().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(slug: &str, q: Option<&str>) -> Region {
        serde_json::from_value(serde_json::json!({
            "slug": slug, "kind": "district", "country": "DE",
            "names": [{"lang": "de", "name": slug}], "wikidata": q
        }))
        .unwrap()
    }

    fn partnership(slug: &str, a: &str, b: &str, timeline: serde_json::Value) -> Partnership {
        serde_json::from_value(serde_json::json!({
            "slug": slug, "regions": [a, b], "category": "partnership", "timeline": timeline
        }))
        .unwrap()
    }

    fn registry() -> (Vec<Region>, Vec<Partnership>) {
        (
            vec![
                region("goslar", Some("Q6013")),
                region("powiat-trzebnicki", Some("Q1140596")),
                region("harz", Some("Q6011")),
                region("judet-iasi", None),
            ],
            vec![
                partnership(
                    "goslar-trebnitz",
                    "goslar",
                    "powiat-trzebnicki",
                    serde_json::json!([
                        {"date": "1951", "kind": "sponsorship_started"},
                        {"date": "1988", "kind": "sponsorship_ended"},
                        {"date": "2000-06-17", "kind": "charter_signed"}
                    ]),
                ),
                partnership("harz-iasi", "harz", "judet-iasi", serde_json::json!([])),
                partnership(
                    "goslar-harz",
                    "goslar",
                    "harz",
                    serde_json::json!([{"date": "2003-05", "kind": "cooperation_agreement"}, {"date": "2010", "kind": "ended"}]),
                ),
            ],
        )
    }

    #[test]
    fn the_registry_as_quickstatements_on_both_items() {
        let (regions, partnerships) = registry();
        let (stated, left_out) = from_registry(&regions, &partnerships);
        assert_eq!(left_out, [PartnershipSlug::parse("harz-iasi").unwrap()]);
        let twinnings: Vec<Twinning> = stated.into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            quickstatements(&twinnings),
            "Q6013\tP190\tQ1140596\tP580\t+2000-06-17T00:00:00Z/11\n\
             Q1140596\tP190\tQ6013\tP580\t+2000-06-17T00:00:00Z/11\n\
             Q6013\tP190\tQ6011\tP580\t+2003-05-00T00:00:00Z/10\tP582\t+2010-00-00T00:00:00Z/9\n\
             Q6011\tP190\tQ6013\tP580\t+2003-05-00T00:00:00Z/10\tP582\t+2010-00-00T00:00:00Z/9\n"
        );
    }

    #[test]
    fn each_side_sees_what_the_other_lacks_or_states_otherwise() {
        let (regions, partnerships) = registry();
        let (here, _) = from_registry(&regions, &partnerships);
        let answer = serde_json::json!({
            "head": {"vars": ["item", "partner", "start", "end"]},
            "results": {"bindings": [
                // Goslar–Trzebnica stated on both items, one with a year.
                {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q6013"},
                 "partner": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1140596"},
                 "start": {"type": "literal", "value": "2000-06-17T00:00:00Z"}},
                {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1140596"},
                 "partner": {"type": "uri", "value": "http://www.wikidata.org/entity/Q6013"}},
                // Goslar–Harz with another end year.
                {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q6011"},
                 "partner": {"type": "uri", "value": "http://www.wikidata.org/entity/Q6013"},
                 "end": {"type": "literal", "value": "2012-01-01T00:00:00Z"}},
                // A twinning the registry does not know.
                {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q6013"},
                 "partner": {"type": "uri", "value": "http://www.wikidata.org/entity/Q3125"}}
            ]}
        })
        .to_string();
        let there = read_query_answer(&answer).unwrap();
        assert_eq!(there.len(), 3, "{there:?}");
        let c = compare(&here, &there);
        assert_eq!(c.alike, 1);
        assert!(c.only_here.is_empty());
        assert_eq!(c.differing.len(), 1);
        assert_eq!(c.differing[0].0.as_str(), "goslar-harz");
        assert_eq!(c.differing[0].2.end, Some(PartialDate::Year(2012)));
        assert_eq!(c.only_there.len(), 1);
        assert_eq!(
            c.only_there[0].key(),
            ("Q3125".to_owned(), "Q6013".to_owned())
        );
        // Nothing from Wikidata: everything is only here.
        assert_eq!(compare(&here, &[]).only_here.len(), 2);
    }

    #[test]
    fn a_broken_answer_is_refused_with_the_reason() {
        assert!(read_query_answer("<html>").unwrap_err().contains("JSON"));
        let no_item = r#"{"results": {"bindings": [{"item": {"value": "Goslar"}, "partner": {"value": "Q1"}}]}}"#;
        assert_eq!(
            read_query_answer(no_item).unwrap_err(),
            "Ergebnis 1: ?item und ?partner müssen Wikidata-Objekte sein"
        );
        assert!(is_item("Q42") && !is_item("Q") && !is_item("Q042") && !is_item("P190"));
    }

    #[test]
    fn the_query_asks_for_the_items_given() {
        let q = query(&["Q6013", "Q6011"]);
        assert!(q.contains("VALUES ?item { wd:Q6013 wd:Q6011 }"), "{q}");
        assert!(q.contains("pq:P580 ?start") && q.contains("pq:P582 ?end"));
    }
}
