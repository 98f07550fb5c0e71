//! What the public search may find of a tenant: the texts its public pages
//! show, each with the page (and section) that shows it. Made from the
//! same loading as the pages, so nothing unpublished (an embargoed or
//! withdrawn release) is ever a document.

use std::collections::HashSet;

use jiff::Timestamp;
use kreiskom_core::{Kind, Partnership, SearchDocument};

use crate::views::{self, lbl};
use crate::{plain_text, Result, Site};

/// Joins the parts of a document's text that are there.
fn joined<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Site {
    /// Every public text of `tenant` as it is at `now`.
    pub async fn search_documents(
        &self,
        tenant: &str,
        now: Timestamp,
    ) -> Result<Vec<SearchDocument>> {
        let (tenant_slug, t) = views::load_tenant(&self.store, tenant).await?;
        let mut docs = Vec::new();
        for r in self.store.public_releases(&tenant_slug, now).await? {
            let (Some(url), Some(number)) =
                (crate::press::release_path(tenant, &r), r.workflow.number)
            else {
                continue;
            };
            docs.push(SearchDocument {
                kind: Kind::PressRelease,
                key: format!("{}/{}", Kind::PressRelease.path(), r.slug),
                text: joined([r.subtitle.as_deref(), Some(plain_text(&r.body).as_str())]),
                title: r.title,
                url,
                year: Some(number.year),
            });
        }
        for (page, path) in views::content_pages(&self.store, &tenant_slug).await? {
            let key = format!("{}/{}", Kind::Page.path(), page.slug);
            if let Some(easy) = &page.easy_language {
                docs.push(SearchDocument {
                    kind: Kind::Page,
                    key: format!("{key}/{}", kreiskom_core::page::EASY_LANGUAGE_PATH),
                    title: format!("{} (Leichte Sprache)", page.title),
                    text: plain_text(easy),
                    url: format!("{path}/{}", kreiskom_core::page::EASY_LANGUAGE_PATH),
                    year: None,
                });
            }
            docs.push(SearchDocument {
                kind: Kind::Page,
                key,
                text: plain_text(&page.body),
                title: page.title,
                url: path,
                year: None,
            });
        }
        let mut regions_seen = HashSet::new();
        for p in views::public_partnerships(&self.store, &t).await? {
            self.partnership_documents(tenant, &p, now, &mut regions_seen, &mut docs)
                .await?;
        }
        // A record shown on two pages is found once, at the first.
        let mut keys = HashSet::new();
        docs.retain(|d| keys.insert(d.key.clone()));
        Ok(docs)
    }

    async fn partnership_documents(
        &self,
        tenant: &str,
        p: &Partnership,
        now: Timestamp,
        regions_seen: &mut HashSet<String>,
        docs: &mut Vec<SearchDocument>,
    ) -> Result<()> {
        let Ok(loaded) = views::load_partnership(&self.store, tenant, p.slug.as_str()).await else {
            return Ok(());
        };
        let (home, partner) = (&loaded.home, &loaded.partner);
        let url = format!("/{tenant}/partnerschaften/{}", p.slug);
        let description = p.description.as_deref().map(plain_text);
        let topics: Vec<String> = p.topics.iter().map(|x| lbl("topic", x)).collect();
        let other_names: Vec<&str> = partner
            .other_names()
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        let today = now.to_zoned(kreiskom_core::berlin()).date();
        let opening = format!(
            "{} zwischen {} und {} ({}): {}.",
            lbl("category", p.category),
            home.name(),
            partner.name(),
            lbl("country", &partner.country),
            crate::german::status_in(p.category, &p.status_at(today)),
        );
        let mut text = vec![
            Some(opening),
            description,
            Some(topics.join(", ")),
            Some(other_names.join(", ")),
        ];
        text.extend(p.sorted_timeline().iter().map(|e| e.note.clone()));
        docs.push(SearchDocument {
            kind: Kind::Partnership,
            key: format!("{}/{}", Kind::Partnership.path(), p.slug),
            title: format!("{} und {}", home.name(), partner.name()),
            text: joined(text.iter().map(Option::as_deref)),
            url: url.clone(),
            year: p
                .sorted_timeline()
                .iter()
                .find_map(|e| e.date.as_ref())
                .map(|d| d.first_day().year()),
        });
        if regions_seen.insert(partner.slug.to_string()) {
            let parent = match &partner.parent {
                Some(r) => {
                    self.store
                        .get::<kreiskom_core::Region>(None, r.as_str())
                        .await?
                }
                None => None,
            };
            let mut facts = format!(
                "{} in {}",
                lbl("region", partner.kind),
                parent.as_ref().map_or_else(
                    || lbl("country", &partner.country),
                    |r| format!("{}, {}", r.record.name(), lbl("country", &partner.country))
                ),
            );
            for f in &partner.facts {
                facts.push_str(&format!(
                    "\n{}: {}",
                    lbl("fact", f.kind),
                    crate::german::number(f.value)
                ));
            }
            docs.push(SearchDocument {
                kind: Kind::Region,
                key: format!("{}/{}", Kind::Region.path(), partner.slug),
                title: partner.name().to_owned(),
                text: joined([
                    Some(facts.as_str()),
                    Some(other_names.join(", ").as_str()),
                    partner.description.as_deref().map(plain_text).as_deref(),
                ]),
                url: format!("{url}#h-partner-region"),
                year: None,
            });
        }
        let recorded = views::recorded_about(&self.store, p.slug.as_str()).await?;
        for (a, names) in &recorded.activities {
            let organisations: Vec<&str> = a
                .organisations
                .iter()
                .filter_map(|o| names.get(o.as_str()).map(String::as_str))
                .collect();
            docs.push(SearchDocument {
                kind: Kind::Activity,
                key: format!("{}/{}/{}", Kind::Activity.path(), p.slug, a.slug),
                title: a.title.clone(),
                text: joined([
                    Some(lbl("activity", a.kind).as_str()),
                    a.description.as_deref().map(plain_text).as_deref(),
                    a.participants.as_deref(),
                    Some(organisations.join(", ").as_str()),
                ]),
                url: format!("{url}#h-activities"),
                year: a.start.as_ref().map(|d| d.first_day().year()),
            });
        }
        for o in &recorded.organisations {
            docs.push(SearchDocument {
                kind: Kind::Organisation,
                key: format!("{}/{}", Kind::Organisation.path(), o.slug),
                title: o.name.clone(),
                text: joined([
                    Some(lbl("organisation", o.kind).as_str()),
                    o.purpose.as_deref(),
                    o.description.as_deref().map(plain_text).as_deref(),
                ]),
                url: format!("{url}#h-orgs"),
                year: None,
            });
        }
        Ok(())
    }
}

/// What a search found, for its page (the web crate asks the index).
#[derive(Debug, Default)]
pub struct SearchResults {
    pub query: String,
    pub kind: Option<Kind>,
    pub year: Option<i16>,
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// Matches per kind, whatever kind was chosen.
    pub by_kind: Vec<(Kind, usize)>,
    /// 1-based.
    pub page: usize,
    pub pages: usize,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub kind: Kind,
    pub title: String,
    pub url: String,
    pub year: Option<i16>,
    /// The passage found, as (text, marked) pieces; escaped when shown.
    pub snippet: Vec<(String, bool)>,
}

#[derive(serde::Serialize)]
struct HitView<'a> {
    kind: &'static str,
    title: &'a str,
    url: &'a str,
    year: Option<i16>,
    snippet: Vec<Piece<'a>>,
}

#[derive(serde::Serialize)]
struct Piece<'a> {
    text: &'a str,
    marked: bool,
}

#[derive(serde::Serialize)]
struct KindFilter {
    path: &'static str,
    label: String,
    current: bool,
}

impl Site {
    /// `/{tenant}/suche`: the form, and what was found when something was
    /// asked.
    pub async fn search_page(&self, tenant: &str, results: &SearchResults) -> Result<String> {
        let (_, t) = views::load_tenant(&self.store, tenant).await?;
        let count = |kind: Kind| {
            results
                .by_kind
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(0, |(_, n)| *n)
        };
        let all: usize = results.by_kind.iter().map(|(_, n)| n).sum();
        let kinds: Vec<KindFilter> = kreiskom_core::SEARCHED_KINDS
            .iter()
            .map(|k| KindFilter {
                path: k.path(),
                label: if results.query.is_empty() {
                    k.label_plural().to_owned()
                } else {
                    format!(
                        "{} ({})",
                        k.label_plural(),
                        crate::german::number(count(*k) as f64)
                    )
                },
                current: results.kind == Some(*k),
            })
            .collect();
        let hits: Vec<HitView> = results
            .hits
            .iter()
            .map(|h| HitView {
                kind: h.kind.label(),
                title: &h.title,
                url: &h.url,
                year: h.year,
                snippet: h
                    .snippet
                    .iter()
                    .map(|(text, marked)| Piece {
                        text,
                        marked: *marked,
                    })
                    .collect(),
            })
            .collect();
        let link = |page: usize| {
            let mut query = vec![("q", results.query.clone())];
            if let Some(k) = results.kind {
                query.push(("art", k.path().to_owned()));
            }
            if let Some(y) = results.year {
                query.push(("jahr", y.to_string()));
            }
            if page > 1 {
                query.push(("seite", page.to_string()));
            }
            let encoded: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::url_encode(v)))
                .collect();
            format!("/{tenant}/suche?{}", encoded.join("&"))
        };
        let found = crate::german::count(results.total, "Treffer", "Treffer");
        self.render(
            "site/search.html",
            minijinja::context! {
                tenant => views::TenantView::from(&t),
                query => results.query,
                year => results.year,
                asked => !results.query.is_empty(),
                narrowed => results.kind.is_some() || results.year.is_some(),
                found, all, kinds, hits,
                page => results.page, pages => results.pages,
                previous => (results.page > 1).then(|| link(results.page - 1)),
                next => (results.page < results.pages).then(|| link(results.page + 1)),
            },
        )
    }
}
