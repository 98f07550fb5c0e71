//! The partnership network around a region: the partners of its partners
//! and the partners two regions share. That is how partnerships grow —
//! Nordhausen found Gostyń through its partner Unterallgäu.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use crate::partnership::{Partnership, Status};
use crate::slug::{PartnershipSlug, RegionSlug};

/// A region two steps away, and the ways there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Neighbour {
    pub region: RegionSlug,
    /// The partners the home region shares with it, each one way there
    /// (home – via – region), by slug.
    pub via: Vec<RegionSlug>,
    /// The home region's own partnership with it, where one exists: the
    /// ways then are the older partnerships it came about through.
    pub partnership: Option<PartnershipSlug>,
}

/// The regions that are partners of `home`'s partners, best first: those
/// without a partnership with `home` yet, then by how many partners they
/// share, then by slug. A region `home` is already partnered with counts
/// only through a partner of longer standing, as the way in (Gostyń
/// through Unterallgäu, not Unterallgäu through Gostyń). Ended
/// partnerships lead nowhere. `partnerships` needs to hold those of
/// `home` and of its partners; others are ignored.
pub fn partners_of_partners(
    home: &RegionSlug,
    partnerships: &[Partnership],
    today: Date,
) -> Vec<Neighbour> {
    let mut links: HashMap<&RegionSlug, Vec<(&RegionSlug, &PartnershipSlug)>> = HashMap::new();
    for p in partnerships {
        let [a, b] = &p.regions;
        if a == b || p.status_at(today).status == Status::Ended {
            continue;
        }
        links.entry(a).or_default().push((b, &p.slug));
        links.entry(b).or_default().push((a, &p.slug));
    }
    let own: BTreeMap<&RegionSlug, &PartnershipSlug> = links
        .get(home)
        .map(|l| l.iter().copied().collect())
        .unwrap_or_default();
    let began: HashMap<&PartnershipSlug, Date> = partnerships
        .iter()
        .filter_map(|p| {
            let first = p
                .timeline
                .iter()
                .filter_map(|e| e.date)
                .map(|d| d.first_day())
                .min()?;
            Some((&p.slug, first))
        })
        .collect();
    let older = |via: &RegionSlug, region: &RegionSlug| match (own.get(via), own.get(region)) {
        (Some(a), Some(b)) => matches!((began.get(a), began.get(b)), (Some(x), Some(y)) if x < y),
        _ => true,
    };
    let mut ways: BTreeMap<&RegionSlug, BTreeSet<&RegionSlug>> = BTreeMap::new();
    for via in own.keys() {
        for (region, _) in links.get(via).into_iter().flatten() {
            if *region != home && older(via, region) {
                ways.entry(region).or_default().insert(via);
            }
        }
    }
    let mut out: Vec<Neighbour> = ways
        .into_iter()
        .map(|(region, via)| Neighbour {
            region: region.clone(),
            via: via.into_iter().cloned().collect(),
            partnership: own.get(region).map(|p| (*p).clone()),
        })
        .collect();
    out.sort_by(|a, b| {
        (
            a.partnership.is_some(),
            std::cmp::Reverse(a.via.len()),
            &a.region,
        )
            .cmp(&(
                b.partnership.is_some(),
                std::cmp::Reverse(b.via.len()),
                &b.region,
            ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(slug: &str, a: &str, b: &str, timeline: serde_json::Value) -> Partnership {
        serde_json::from_value(serde_json::json!({
            "slug": slug, "regions": [a, b], "category": "partnership", "timeline": timeline
        }))
        .unwrap()
    }

    fn slug(s: &str) -> RegionSlug {
        RegionSlug::parse(s).unwrap()
    }

    fn today() -> Date {
        jiff::civil::date(2026, 12, 1)
    }

    fn summary(n: &[Neighbour]) -> Vec<(&str, Vec<&str>, Option<&str>)> {
        n.iter()
            .map(|n| {
                (
                    n.region.as_str(),
                    n.via.iter().map(RegionSlug::as_str).collect(),
                    n.partnership.as_ref().map(PartnershipSlug::as_str),
                )
            })
            .collect()
    }

    #[test]
    fn nordhausen_reached_gostyn_through_unterallgaeu() {
        let all = [
            p(
                "nordhausen-unterallgaeu",
                "nordhausen",
                "unterallgaeu",
                serde_json::json!([{"date": "1991", "kind": "first_contact"}]),
            ),
            p(
                "unterallgaeu-gostyn",
                "unterallgaeu",
                "powiat-gostynski",
                serde_json::json!([]),
            ),
            p(
                "nordhausen-gostyn",
                "nordhausen",
                "powiat-gostynski",
                serde_json::json!([{"date": "2023", "kind": "planned"}]),
            ),
        ];
        assert_eq!(
            summary(&partners_of_partners(&slug("nordhausen"), &all, today())),
            [(
                "powiat-gostynski",
                vec!["unterallgaeu"],
                Some("nordhausen-gostyn")
            )]
        );
        // Without the Nordhausen–Gostyń partnership, Gostyń is a suggestion.
        assert_eq!(
            summary(&partners_of_partners(
                &slug("nordhausen"),
                &all[..2],
                today()
            )),
            [("powiat-gostynski", vec!["unterallgaeu"], None)]
        );
    }

    #[test]
    fn shared_partners_rank_first_and_ended_partnerships_lead_nowhere() {
        let all = [
            p(
                "h-a",
                "home",
                "a",
                serde_json::json!([{"date": "1995", "kind": "founded"}]),
            ),
            p(
                "h-b",
                "home",
                "b",
                serde_json::json!([{"date": "2004", "kind": "founded"}]),
            ),
            p(
                "h-c",
                "home",
                "c",
                serde_json::json!([{"date": "1990", "kind": "charter_signed"}, {"date": "2001", "kind": "ended"}]),
            ),
            p("a-x", "a", "x", serde_json::json!([])),
            p("a-y", "a", "y", serde_json::json!([])),
            p("b-y", "b", "y", serde_json::json!([])),
            p("c-z", "c", "z", serde_json::json!([])),
            p("a-b", "a", "b", serde_json::json!([])),
            // Two steps from a partner's partner: not a neighbour.
            p("x-far", "x", "far", serde_json::json!([])),
        ];
        assert_eq!(
            summary(&partners_of_partners(&slug("home"), &all, today())),
            [
                ("y", vec!["a", "b"], None),
                ("x", vec!["a"], None),
                // b came after a, and is also a's partner.
                ("b", vec!["a"], Some("h-b")),
            ]
        );
        assert_eq!(partners_of_partners(&slug("alone"), &all, today()), []);
    }
}
