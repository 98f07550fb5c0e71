//! The freshness dashboard of the workspace (`/admin/{tenant}/aktualitaet`):
//! the rules of `kreiskom_core::freshness` run over what the tenant
//! publishes, each finding with a link to where it is fixed, and the
//! findings an editor has checked set apart until their cause changes.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use kreiskom_core::freshness::{self, Finding, Rule, Text};
use kreiskom_core::{
    berlin, FindingCheck, Kind, Page, Partnership, PressRelease, Region, TenantScope, TenantSlug,
    Unit,
};
use serde::Serialize;

use crate::german;
use crate::views::lbl;
use crate::{Result, Site};

/// Figures older than this many years are flagged unless configured.
pub const FACT_YEARS: i16 = 5;

#[derive(Debug, Serialize)]
pub struct FindingRow {
    key: String,
    fingerprint: String,
    message: String,
    /// The admin page of the record to fix.
    fix: String,
    owner: Option<String>,
    /// For a checked finding: the editor's comment and the day.
    comment: Option<String>,
    checked: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RuleGroup {
    label: &'static str,
    findings: Vec<FindingRow>,
}

#[derive(Debug, Serialize)]
pub struct OwnerChoice {
    slug: String,
    name: String,
    selected: bool,
}

#[derive(Debug, Serialize)]
pub struct FreshnessView {
    /// Open findings, grouped by rule.
    groups: Vec<RuleGroup>,
    open: usize,
    checked: Vec<FindingRow>,
    owners: Vec<OwnerChoice>,
    fact_years: i16,
    /// Every external address the tenant publishes, for the link check.
    #[serde(skip)]
    external_urls: Vec<String>,
}

impl FreshnessView {
    pub fn open(&self) -> usize {
        self.open
    }

    pub fn external_urls(&self) -> &[String] {
        &self.external_urls
    }

    /// Whether a finding with this key and fingerprint is listed now.
    pub fn lists(&self, key: &str, fingerprint: &str) -> bool {
        self.groups
            .iter()
            .flat_map(|g| &g.findings)
            .chain(&self.checked)
            .any(|f| f.key == key && f.fingerprint == fingerprint)
    }
}

impl Site {
    /// Every finding for the tenant on `now`'s day; with `owner`, only
    /// those of that unit.
    pub async fn freshness(
        &self,
        tenant: &TenantSlug,
        scope: &TenantScope,
        now: Timestamp,
        fact_years: i16,
        owner: Option<&str>,
    ) -> Result<FreshnessView> {
        let today = now.to_zoned(berlin()).date();
        let store = &self.store;
        let pages: Vec<Page> = store.records(Some(tenant)).await?;
        let releases: Vec<PressRelease> = store.records(Some(tenant)).await?;
        let units: Vec<Unit> = store.records(Some(tenant)).await?;
        let wanted: Vec<&str> = scope.partnerships.iter().map(String::as_str).collect();
        let partnerships: Vec<Partnership> = store
            .get_many::<Partnership>(None, &wanted)
            .await?
            .into_iter()
            .map(|s| s.record)
            .collect();
        // The partners and the places above them (Belfort lies in
        // Franche-Comté, which merged); not the parties of past events,
        // whose old names are history.
        let mut sides: Vec<&str> = partnerships
            .iter()
            .flat_map(|p| p.regions.iter().map(|r| r.as_str()))
            .collect();
        sides.sort_unstable();
        sides.dedup();
        let wanted = sides;
        let mut regions: Vec<Region> = store
            .get_many::<Region>(None, &wanted)
            .await?
            .into_iter()
            .map(|s| s.record)
            .collect();
        let mut parents: Vec<String> = regions
            .iter()
            .filter_map(|r| r.parent.as_ref().map(|p| p.to_string()))
            .filter(|p| !wanted.contains(&p.as_str()))
            .collect();
        parents.sort();
        parents.dedup();
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        regions.extend(
            store
                .get_many::<Region>(None, &parents)
                .await?
                .into_iter()
                .map(|s| s.record),
        );
        let successors: Vec<String> = regions
            .iter()
            .flat_map(|r| r.successors.iter().map(|s| s.region.to_string()))
            .collect();
        let successors: Vec<&str> = successors.iter().map(String::as_str).collect();
        let names: HashMap<String, String> = store
            .get_many::<Region>(None, &successors)
            .await?
            .into_iter()
            .map(|s| (s.record.slug.to_string(), s.record.name().to_owned()))
            .collect();

        let region_names: HashMap<&str, &str> = regions
            .iter()
            .map(|r| (r.slug.as_str(), r.name()))
            .collect();
        let title = |p: &Partnership| {
            let [a, b] = &p.regions;
            let name = |r: &kreiskom_core::RegionSlug| {
                region_names
                    .get(r.as_str())
                    .copied()
                    .unwrap_or(r.as_str())
                    .to_owned()
            };
            format!("{} – {}", name(a), name(b))
        };
        let release_titles: Vec<String> = releases
            .iter()
            .map(|r| format!("Pressemitteilung „{}“", r.title))
            .collect();
        let page_titles: Vec<String> = pages
            .iter()
            .map(|p| format!("Seite „{}“", p.title))
            .collect();
        let mut texts: Vec<Text<'_>> = Vec::new();
        for (p, title) in pages.iter().zip(&page_titles) {
            let text = |field, body| Text {
                kind: Kind::Page,
                slug: p.slug.as_str(),
                field,
                title,
                body,
                owner: p.responsible.as_ref(),
            };
            texts.push(text("body", &p.body));
            if let Some(easy) = &p.easy_language {
                texts.push(text("easy_language", easy));
            }
        }
        for (r, title) in releases.iter().zip(&release_titles) {
            texts.push(Text {
                kind: Kind::PressRelease,
                slug: r.slug.as_str(),
                field: "body",
                title,
                body: &r.body,
                owner: None,
            });
        }
        let own: Vec<(&Partnership, String)> = partnerships
            .iter()
            .filter(|p| scope.is_home_partnership(p))
            .map(|p| (p, format!("Partnerschaft {}", title(p))))
            .collect();
        for (p, title) in &own {
            if let Some(d) = &p.description {
                texts.push(Text {
                    kind: Kind::Partnership,
                    slug: p.slug.as_str(),
                    field: "description",
                    title,
                    body: d,
                    owner: None,
                });
            }
        }
        let known: HashSet<String> = self
            .public_paths(tenant.as_str(), now)
            .await?
            .into_iter()
            .collect();
        let prefix = format!("/{tenant}/");

        let mut findings: Vec<Finding> = Vec::new();
        findings.extend(freshness::page_reviews(&pages, today, |d| {
            german::date(&kreiskom_core::PartialDate::Day(d))
        }));
        findings.extend(freshness::plans_passed(
            &partnerships,
            today,
            title,
            german::date,
        ));
        findings.extend(freshness::old_facts(&regions, today, fact_years, |k| {
            lbl("fact", k)
        }));
        findings.extend(freshness::renamed_places(
            &regions,
            today,
            |slug| names.get(slug).cloned().unwrap_or_else(|| slug.to_owned()),
            german::date,
        ));
        findings.extend(freshness::repeated_paragraphs(&texts));
        // A merged place is named by its successor already.
        let doubtful: Vec<(Kind, &str, &str, &[kreiskom_core::Doubt])> = regions
            .iter()
            .filter(|r| r.successors.is_empty())
            .map(|r| (Kind::Region, r.slug.as_str(), r.name(), r.doubts.as_slice()))
            .chain(own.iter().map(|(p, title)| {
                (
                    Kind::Partnership,
                    p.slug.as_str(),
                    title.as_str(),
                    p.doubts.as_slice(),
                )
            }))
            .collect();
        findings.extend(freshness::marked_outdated(&doubtful));
        let mut external: Vec<(Kind, &str, &str, &str)> =
            freshness::external_links(&texts).collect();
        external.extend(regions.iter().filter_map(|r| {
            let site = r.website.as_deref()?;
            Some((Kind::Region, r.slug.as_str(), r.name(), site))
        }));
        let results: HashMap<String, freshness::LinkCheck> = store
            .link_checks()
            .await?
            .into_iter()
            .map(|c| (c.url.clone(), c))
            .collect();
        findings.extend(freshness::failing_links(&external, &results));
        let mut external_urls: Vec<String> =
            external.iter().map(|(.., u)| (*u).to_owned()).collect();
        external_urls.sort();
        external_urls.dedup();
        findings.extend(
            freshness::broken_links(&texts, &known)
                .into_iter()
                .filter(|f| f.key.contains(&format!(":{prefix}"))),
        );

        let checks: HashMap<String, FindingCheck> = store
            .records::<FindingCheck>(Some(tenant))
            .await?
            .into_iter()
            .map(|c| (c.key.clone(), c))
            .collect();
        let unit_names: HashMap<&str, &str> = units
            .iter()
            .map(|u| (u.slug.as_str(), u.name.as_str()))
            .collect();
        let mut owners: Vec<OwnerChoice> = findings
            .iter()
            .filter_map(|f| f.owner.as_ref())
            .map(|o| o.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|slug| OwnerChoice {
                name: unit_names
                    .get(slug.as_str())
                    .map_or(slug.clone(), |n| (*n).to_owned()),
                selected: owner == Some(slug.as_str()),
                slug,
            })
            .collect();
        owners.sort_by(|a, b| a.name.cmp(&b.name));

        let mut open: Vec<(Rule, FindingRow)> = Vec::new();
        let mut checked = Vec::new();
        for f in findings {
            if owner.is_some_and(|o| f.owner.as_ref().is_none_or(|mine| mine.as_str() != o)) {
                continue;
            }
            let check = checks.get(&f.key).filter(|c| c.covers(&f));
            let row = FindingRow {
                fix: format!("/admin/{tenant}/{}/{}", f.kind.path(), f.slug),
                owner: f.owner.as_ref().map(|o| {
                    unit_names
                        .get(o.as_str())
                        .map_or(o.to_string(), |n| (*n).to_owned())
                }),
                comment: check.and_then(|c| c.comment.clone()),
                checked: check.map(|c| {
                    german::date(&kreiskom_core::PartialDate::Day(c.checked.civil().date()))
                }),
                key: f.key,
                fingerprint: f.fingerprint,
                message: f.message,
            };
            match check {
                Some(_) => checked.push(row),
                None => open.push((f.rule, row)),
            }
        }
        open.sort_by_key(|(rule, _)| *rule);
        let count = open.len();
        let mut groups: Vec<RuleGroup> = Vec::new();
        for (rule, row) in open {
            match groups.last_mut() {
                Some(g) if g.label == rule.label() => g.findings.push(row),
                _ => groups.push(RuleGroup {
                    label: rule.label(),
                    findings: vec![row],
                }),
            }
        }
        Ok(FreshnessView {
            external_urls,
            groups,
            open: count,
            checked,
            owners,
            fact_years,
        })
    }
}
