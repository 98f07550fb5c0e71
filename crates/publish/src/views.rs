//! What each page shows, gathered from the store into plain structs that
//! templates render. All wording that depends on data (dates, status,
//! labels) is settled here, so overriding templates stays simple.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use kreiskom_core::{
    Activity, Channel, Collection, Kind, Language, Organisation, Partnership, Person, Region,
    RegionKind, RegionSlug, Service, Tenant, TenantSlug, Unit,
};
use kreiskom_store::Store;
use serde::Serialize;

use crate::german;
use crate::labels::label;
use crate::languages;
use crate::{markdown, PublishError, Result};

pub(crate) fn lbl(group: &str, value: impl Serialize) -> String {
    let raw = crate::labels::raw(value);
    label(group, &raw).map_or(raw, str::to_owned)
}

#[derive(Serialize)]
pub struct TenantView {
    slug: String,
    name: String,
    /// The name in a sentence: `{{ tenant.cases.gen }}`.
    cases: german::Cases,
    colour: Option<String>,
    coat_of_arms: Option<String>,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name.clone(),
            cases: german::cases(&t.name, None),
            colour: t.colour.clone(),
            coat_of_arms: t.coat_of_arms.clone(),
        }
    }
}

/// A region's German name in a sentence.
fn region_cases(r: &Region) -> german::Cases {
    let gender = r
        .names
        .iter()
        .find(|n| n.name == r.name())
        .and_then(|n| n.gender);
    german::cases(r.name(), gender)
}

/// A region's name in `lang` where it has one, else its German name.
fn name_in(region: &Region, lang: Option<Language>) -> &str {
    lang.and_then(|l| region.name_in(l.code()))
        .unwrap_or_else(|| region.name())
}

/// The top-level fields of a record the public sees as "Angabe ungeprüft".
fn unverified(doubts: &[kreiskom_core::Doubt]) -> Vec<String> {
    let mut fields: Vec<String> = doubts
        .iter()
        .filter_map(|d| d.unverified_field())
        .map(str::to_owned)
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

pub(crate) async fn load_tenant(store: &Store, tenant: &str) -> Result<(TenantSlug, Tenant)> {
    let slug = TenantSlug::parse(tenant).map_err(|_| PublishError::NotFound)?;
    let t = store
        .get::<Tenant>(None, slug.as_str())
        .await?
        .ok_or(PublishError::NotFound)?
        .record;
    Ok((slug, t))
}

pub async fn tenants(store: &Store) -> Result<Vec<TenantView>> {
    let mut list: Vec<TenantView> = store
        .list::<Tenant>(None)
        .await?
        .iter()
        .map(|t| (&t.record).into())
        .collect();
    list.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list)
}

/// Regions of one page, fetched in bulk: `load` asks the store once for
/// all that are missing, `get` and `name` then answer from memory.
struct Regions<'a> {
    store: &'a Store,
    seen: HashMap<String, Option<Region>>,
}

/// The partnerships naming a region as one side, per region.
type PartnershipsOf = HashMap<String, Vec<Partnership>>;

impl<'a> Regions<'a> {
    fn new(store: &'a Store) -> Self {
        Self {
            store,
            seen: HashMap::new(),
        }
    }

    async fn load<'s>(&mut self, slugs: impl IntoIterator<Item = &'s str>) -> Result<()> {
        let mut missing: Vec<&str> = slugs
            .into_iter()
            .filter(|s| !self.seen.contains_key(*s))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return Ok(());
        }
        let found = self.store.get_many::<Region>(None, &missing).await?;
        for slug in missing {
            self.seen.insert(slug.to_owned(), None);
        }
        for r in found {
            self.seen.insert(r.record.slug.to_string(), Some(r.record));
        }
        Ok(())
    }

    fn get(&self, slug: &str) -> Option<&Region> {
        self.seen.get(slug).and_then(Option::as_ref)
    }

    fn name(&self, slug: &str) -> String {
        self.get(slug)
            .map_or_else(|| slug.to_owned(), |r| r.name().to_owned())
    }

    /// The partnerships of each of the given regions, in two queries.
    async fn partnerships_of(&self, slugs: &[&str]) -> Result<PartnershipsOf> {
        let links: Vec<(String, String)> = self
            .store
            .referrers_of_many(Kind::Region, None, slugs)
            .await?
            .into_iter()
            .filter(|(_, r)| r.kind == Kind::Partnership && r.field.starts_with("regions."))
            .map(|(region, r)| (region, r.slug))
            .collect();
        let mut wanted: Vec<&str> = links.iter().map(|(_, p)| p.as_str()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let found: HashMap<String, Partnership> = self
            .store
            .get_many::<Partnership>(None, &wanted)
            .await?
            .into_iter()
            .map(|p| (p.record.slug.to_string(), p.record))
            .collect();
        let mut out = PartnershipsOf::new();
        for (region, p) in links {
            if let Some(p) = found.get(&p) {
                out.entry(region).or_default().push(p.clone());
            }
        }
        Ok(out)
    }

    async fn view(&mut self, region: &Region) -> Result<RegionView> {
        let predecessors: Vec<String> = self
            .store
            .referrers_of_kind(Kind::Region, None, region.slug.as_str(), Kind::Region)
            .await?
            .into_iter()
            .filter(|r| r.field.starts_with("successors."))
            .map(|r| r.slug)
            .collect();
        let named = region
            .seat
            .iter()
            .chain(&region.parent)
            .map(|s| s.as_str())
            .chain(region.successors.iter().map(|s| s.region.as_str()))
            .chain(predecessors.iter().map(String::as_str))
            .collect::<Vec<_>>();
        self.load(named).await?;
        let predecessors = predecessors
            .iter()
            .filter_map(|slug| self.get(slug))
            .map(|old| {
                let when = old
                    .successors
                    .iter()
                    .find(|s| s.region == region.slug)
                    .and_then(|s| s.date);
                match when {
                    Some(d) => format!("{} ({})", old.name(), german::date(&d)),
                    None => old.name().to_owned(),
                }
            })
            .collect();
        let successors = region
            .successors
            .iter()
            .map(|s| {
                let name = self.name(s.region.as_str());
                match &s.date {
                    Some(d) => format!("{name} (seit {})", german::date(d)),
                    None => name,
                }
            })
            .collect();
        Ok(RegionView {
            slug: region.slug.to_string(),
            name: region.name().to_owned(),
            cases: region_cases(region),
            unverified: unverified(&region.doubts),
            other_names: region
                .other_names()
                .iter()
                .map(|n| n.name.clone())
                .collect(),
            kind: lbl("region", region.kind),
            country: lbl("country", &region.country),
            seat: region.seat.as_ref().map(|s| self.name(s.as_str())),
            parent: region.parent.as_ref().map(|p| self.name(p.as_str())),
            website: region.website.clone(),
            facts: region
                .facts
                .iter()
                .map(|f| FactView {
                    label: lbl("fact", f.kind),
                    value: format!(
                        "{}{}",
                        if f.approximate { "etwa " } else { "" },
                        german::number(f.value)
                    ),
                    as_of: f.as_of.as_ref().map(german::date),
                    source: f.source.clone(),
                })
                .collect(),
            description: region.description.as_deref().map(markdown),
            predecessors,
            successors,
            images: region.images.clone(),
        })
    }
}

/// A map of places with the same places as a table, for those who do not
/// see the map.
#[derive(Serialize)]
pub struct MapView {
    svg: String,
    rows: Vec<MapRow>,
}

#[derive(Serialize)]
struct MapRow {
    name: String,
    /// "Partnerregion", "Partnerstadt von Halberstadt".
    role: String,
    country: String,
    /// "51,31° N, 17,06° O".
    position: String,
    url: Option<String>,
    unverified: bool,
    /// Too far away for the map's area; named in the table only.
    outside: bool,
}

/// Gathers the places of a map, each once.
#[derive(Default)]
struct MapBuilder {
    /// Names, countries and positions in this language instead of German.
    lang: Option<Language>,
    places: Vec<kreiskom_map::Place>,
    slugs: Vec<String>,
    lines: Vec<(usize, usize)>,
    rows: Vec<MapRow>,
}

fn degrees(value: f64, positive: &str, negative: &str) -> String {
    let hemisphere = if value < 0.0 { negative } else { positive };
    format!(
        "{}° {hemisphere}",
        format!("{:.2}", value.abs()).replace('.', ",")
    )
}

impl MapBuilder {
    /// Adds a region (once) and returns its index; None without coordinates.
    /// The first place added is the one the map is about.
    fn add(
        &mut self,
        region: &Region,
        role: kreiskom_map::Role,
        url: Option<String>,
        what: String,
    ) -> Option<usize> {
        if let Some(i) = self.slugs.iter().position(|s| s == region.slug.as_str()) {
            return Some(i);
        }
        let c = region.coordinates?;
        let name = name_in(region, self.lang).to_owned();
        let (country, [n, s, e, w]) = match self.lang {
            Some(l) => (
                languages::lbl(l, "country", &region.country),
                languages::words(l).compass,
            ),
            None => (lbl("country", &region.country), ["N", "S", "O", "W"]),
        };
        self.slugs.push(region.slug.to_string());
        self.places.push(kreiskom_map::Place {
            name: name.clone(),
            lat: c.lat,
            lon: c.lon,
            country: region.country.to_string(),
            role,
            url: url.clone(),
            // Only the district and its own partners are named on the map;
            // the many towns would cover each other.
            labelled: role == kreiskom_map::Role::Partner || self.places.is_empty(),
        });
        self.rows.push(MapRow {
            name,
            role: what,
            country,
            position: format!("{}, {}", degrees(c.lat, n, s), degrees(c.lon, e, w)),
            url,
            unverified: unverified(&region.doubts)
                .iter()
                .any(|f| f == "coordinates" || f == "names"),
            outside: false,
        });
        Some(self.places.len() - 1)
    }

    fn line(&mut self, a: Option<usize>, b: Option<usize>) {
        if let (Some(a), Some(b)) = (a, b) {
            self.lines.push((a, b));
        }
    }

    fn finish(mut self, title: &str) -> Option<MapView> {
        let home = self.places.first()?.clone();
        // Far places leave the drawing; indices of the rest shift.
        let mut kept = Vec::new();
        let mut index = vec![None; self.places.len()];
        for (i, p) in self.places.iter().enumerate() {
            if kreiskom_map::far(&home, p) {
                self.rows[i].outside = true;
            } else {
                index[i] = Some(kept.len());
                kept.push(p.clone());
            }
        }
        let lines: Vec<(usize, usize)> = self
            .lines
            .iter()
            .filter_map(|&(a, b)| Some((index[a]?, index[b]?)))
            .collect();
        // A map of one place says nothing the text does not.
        if kept.len() < 2 {
            return None;
        }
        Some(MapView {
            svg: kreiskom_map::render(title, &kept, &lines)?,
            rows: self.rows,
        })
    }
}

/// The regions directly below one (a district's towns), by slug.
async fn child_slugs(store: &Store, slug: &str) -> Result<Vec<String>> {
    Ok(store
        .referrers_of_kind(Kind::Region, None, slug, Kind::Region)
        .await?
        .into_iter()
        .filter(|r| r.field == "parent")
        .map(|r| r.slug)
        .collect())
}

#[derive(Serialize)]
pub struct RegionView {
    slug: String,
    name: String,
    cases: german::Cases,
    /// Fields shown with "Angabe ungeprüft".
    unverified: Vec<String>,
    other_names: Vec<String>,
    kind: String,
    country: String,
    seat: Option<String>,
    parent: Option<String>,
    website: Option<String>,
    facts: Vec<FactView>,
    description: Option<String>,
    predecessors: Vec<String>,
    successors: Vec<String>,
    images: Vec<kreiskom_core::Image>,
}

#[derive(Serialize)]
struct FactView {
    label: String,
    value: String,
    as_of: Option<String>,
    source: Option<String>,
}

/// One line of an overview: a partnership seen from the tenant's side.
#[derive(Serialize, Clone)]
struct Summary {
    url: String,
    partner: String,
    partner_other_names: Vec<String>,
    country: String,
    category: String,
    status: String,
    /// The state as a word for styling: `aktiv`, `geplant`, `ruhend`, …
    state: &'static str,
    /// Fields of the partner shown with "Angabe ungeprüft".
    unverified: Vec<String>,
}

/// Which side of a partnership belongs to the tenant: its own region or
/// one of its municipalities. Returns (home, partner).
fn sides<'p>(p: &'p Partnership, home: &[String]) -> Option<(&'p str, &'p str)> {
    let [a, b] = &p.regions;
    if home.iter().any(|h| h == a.as_str()) {
        Some((a.as_str(), b.as_str()))
    } else if home.iter().any(|h| h == b.as_str()) {
        Some((b.as_str(), a.as_str()))
    } else {
        None
    }
}

fn summary(
    regions: &Regions<'_>,
    tenant: &str,
    p: &Partnership,
    partner: &str,
    today: Date,
) -> Summary {
    let region = regions.get(partner);
    let at = p.status_at(today);
    Summary {
        url: format!("/{tenant}/partnerschaften/{}", p.slug),
        partner: regions.name(partner),
        partner_other_names: region
            .map(|r| r.other_names().iter().map(|n| n.name.clone()).collect())
            .unwrap_or_default(),
        country: region
            .map(|r| lbl("country", &r.country))
            .unwrap_or_default(),
        category: lbl("category", p.category),
        status: german::status_in(p.category, &at),
        state: german::state(at.status),
        unverified: region.map(|r| unverified(&r.doubts)).unwrap_or_default(),
    }
}

#[derive(Serialize)]
pub struct HomeView {
    tenant: TenantView,
    region: RegionView,
    /// The district's own partnerships by category: "3 Partnerschaften",
    /// "1 Freundschaft".
    own: Vec<String>,
    /// "12 Städtepartnerschaften in 8 Städten und Gemeinden", when there
    /// are any.
    towns: Option<String>,
    has_communication: bool,
    /// Explanations in Leichte Sprache and Gebärdensprache, where kept.
    easy_language: bool,
    sign_language: bool,
    /// The top-level content pages.
    pages: Vec<PageLink>,
}

pub async fn home(store: &Store, tenant: &str) -> Result<HomeView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let mut regions = Regions::new(store);
    let home = t.region.to_string();
    regions.load([home.as_str()]).await?;
    let region = regions.get(&home).cloned().ok_or(PublishError::NotFound)?;
    let children = child_slugs(store, &home).await?;
    let mut sides_wanted: Vec<&str> = vec![home.as_str()];
    sides_wanted.extend(children.iter().map(String::as_str));
    let of = regions.partnerships_of(&sides_wanted).await?;
    let mut by_category: Vec<(kreiskom_core::Category, usize)> = Vec::new();
    for p in of.get(&home).into_iter().flatten() {
        match by_category.iter_mut().find(|(c, _)| *c == p.category) {
            Some((_, n)) => *n += 1,
            None => by_category.push((p.category, 1)),
        }
    }
    by_category.sort_by_key(|(c, n)| (std::cmp::Reverse(*n), lbl("category", c)));
    let own = by_category
        .into_iter()
        .map(|(c, n)| german::count(n, &lbl("category", c), &lbl("categories", c)))
        .collect();
    let twinned: Vec<usize> = children
        .iter()
        .map(|c| of.get(c).map_or(0, Vec::len))
        .filter(|n| *n > 0)
        .collect();
    let towns = (!twinned.is_empty()).then(|| {
        format!(
            "{} in {}",
            german::count(
                twinned.iter().sum(),
                "Städtepartnerschaft",
                "Städtepartnerschaften"
            ),
            match twinned.len() {
                1 => "einer Stadt oder Gemeinde".to_owned(),
                n => german::count(n, "", "Städten und Gemeinden"),
            },
        )
    });
    let communication = communication(store, slug.as_str()).await?;
    let legal = legal_kinds(store, &slug).await?;
    Ok(HomeView {
        easy_language: legal.contains(&kreiskom_core::LegalKind::EasyLanguage),
        sign_language: legal.contains(&kreiskom_core::LegalKind::SignLanguage),
        tenant: (&t).into(),
        region: regions.view(&region).await?,
        own,
        towns,
        has_communication: communication.has_content(),
        pages: top_pages(store, &slug).await?,
    })
}

#[derive(Serialize)]
struct TownGroup {
    town: String,
    partnerships: Vec<Summary>,
}

#[derive(Serialize)]
pub struct PartnershipsView {
    tenant: TenantView,
    intro: Option<String>,
    partners: Vec<Summary>,
    towns: Vec<TownGroup>,
    /// Some partnership reads "besteht": the page explains the word once.
    undated: bool,
    map: Option<MapView>,
    /// Partners of the district's partners, best first.
    network: Vec<NeighbourView>,
    contact: Option<UnitView>,
}

/// A region two steps from the district, with the way there.
#[derive(Serialize)]
struct NeighbourView {
    name: String,
    country: String,
    /// "Landkreis Nordhausen – Landkreis Unterallgäu – Landkreis Gostyn",
    /// one line per shared partner.
    paths: Vec<String>,
    /// The district's own partnership with it, if there is one.
    partnership: Option<Summary>,
}

/// How many neighbours the partnerships page lists.
const NEIGHBOURS: usize = 10;

/// The partners of a region's partners, best first, from two reads: the
/// region's partnerships and its partners'. For the partnerships page and
/// the API.
pub async fn partners_of_partners(
    store: &Store,
    region: &RegionSlug,
    today: Date,
) -> Result<Vec<kreiskom_core::network::Neighbour>> {
    let regions = Regions::new(store);
    let home = region.as_str();
    let own = regions
        .partnerships_of(&[home])
        .await?
        .remove(home)
        .unwrap_or_default();
    let partner_slugs: Vec<String> = own
        .iter()
        .filter_map(|p| sides(p, &[home.to_owned()]).map(|(_, partner)| partner.to_owned()))
        .collect();
    let wanted: Vec<&str> = partner_slugs.iter().map(String::as_str).collect();
    let mut all = own;
    let mut seen: std::collections::HashSet<String> =
        all.iter().map(|p| p.slug.to_string()).collect();
    for p in regions
        .partnerships_of(&wanted)
        .await?
        .into_values()
        .flatten()
    {
        if seen.insert(p.slug.to_string()) {
            all.push(p);
        }
    }
    Ok(kreiskom_core::network::partners_of_partners(
        region, &all, today,
    ))
}

async fn network(
    store: &Store,
    regions: &mut Regions<'_>,
    t: &Tenant,
    partners: &[Summary],
    today: Date,
) -> Result<Vec<NeighbourView>> {
    let home = t.region.as_str();
    let mut neighbours = partners_of_partners(store, &t.region, today).await?;
    neighbours.truncate(NEIGHBOURS);
    let named: Vec<String> = neighbours
        .iter()
        .flat_map(|n| std::iter::once(&n.region).chain(&n.via))
        .map(RegionSlug::to_string)
        .collect();
    regions
        .load(named.iter().map(String::as_str).chain([home]))
        .await?;
    let home_name = regions.name(home);
    Ok(neighbours
        .into_iter()
        .map(|n| {
            let name = regions.name(n.region.as_str());
            NeighbourView {
                country: regions
                    .get(n.region.as_str())
                    .map(|r| lbl("country", &r.country))
                    .unwrap_or_default(),
                paths: n
                    .via
                    .iter()
                    .map(|v| format!("{home_name} – {} – {name}", regions.name(v.as_str())))
                    .collect(),
                partnership: n.partnership.as_ref().and_then(|slug| {
                    let url = format!("/{}/partnerschaften/{slug}", t.slug);
                    partners.iter().find(|s| s.url == url).cloned()
                }),
                name,
            }
        })
        .collect())
}

/// Every partnership with a page of the tenant's: the district's own and
/// its towns', each once.
pub(crate) async fn public_partnerships(store: &Store, t: &Tenant) -> Result<Vec<Partnership>> {
    let home = t.region.to_string();
    let mut sides: Vec<String> = child_slugs(store, &home).await?;
    sides.push(home);
    let wanted: Vec<&str> = sides.iter().map(String::as_str).collect();
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Partnership> = Regions::new(store)
        .partnerships_of(&wanted)
        .await?
        .into_values()
        .flatten()
        .filter(|p| seen.insert(p.slug.to_string()))
        .collect();
    out.sort_by(|a, b| a.slug.as_str().cmp(b.slug.as_str()));
    Ok(out)
}

/// The district and its partners, its towns and theirs, with a line for
/// each partnership.
fn overview_map(
    regions: &Regions<'_>,
    t: &Tenant,
    of: &PartnershipsOf,
    towns: &[String],
    tenant: &str,
) -> Option<MapView> {
    use kreiskom_map::Role;
    let mut map = MapBuilder::default();
    let home = regions.get(t.region.as_str())?;
    let district = map.add(home, Role::Home, None, "Landkreis".to_owned());
    let url = |p: &Partnership| Some(format!("/{tenant}/partnerschaften/{}", p.slug));
    let home_side = [t.region.to_string()];
    for p in of.get(t.region.as_str()).into_iter().flatten() {
        let Some((_, partner)) = sides(p, &home_side) else {
            continue;
        };
        if let Some(r) = regions.get(partner) {
            let at = map.add(r, Role::Partner, url(p), "Partnerregion".to_owned());
            map.line(district, at);
        }
    }
    for town in towns {
        let (Some(town_region), Some(list)) = (regions.get(town), of.get(town)) else {
            continue;
        };
        let town_side = [town.clone()];
        let mut home_at = None;
        for p in list {
            let Some((_, partner)) = sides(p, &town_side) else {
                continue;
            };
            let Some(r) = regions.get(partner) else {
                continue;
            };
            if home_at.is_none() {
                home_at = map.add(
                    town_region,
                    Role::Home,
                    None,
                    "Stadt oder Gemeinde im Landkreis".to_owned(),
                );
            }
            let what = format!("Partnerstadt von {}", town_region.name());
            let at = map.add(r, Role::Twin, url(p), what);
            map.line(home_at, at);
        }
    }
    map.finish(&format!(
        "Karte der Partnerschaften {}",
        german::cases(&t.name, None).gen
    ))
}

pub async fn partnerships(store: &Store, tenant: &str, today: Date) -> Result<PartnershipsView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let mut regions = Regions::new(store);
    let home = t.region.to_string();
    let towns = child_slugs(store, &home).await?;
    let mut sides_wanted: Vec<&str> = vec![home.as_str()];
    sides_wanted.extend(towns.iter().map(String::as_str));
    let of = regions.partnerships_of(&sides_wanted).await?;
    // Every partner, every town: one query.
    let partner_slugs: Vec<String> = of
        .values()
        .flatten()
        .flat_map(|p| p.regions.iter().map(|r| r.to_string()))
        .collect();
    regions
        .load(
            towns
                .iter()
                .chain(&partner_slugs)
                .map(String::as_str)
                .chain([home.as_str()]),
        )
        .await?;
    let none = Vec::new();
    let mut partners: Vec<Summary> = of
        .get(&home)
        .unwrap_or(&none)
        .iter()
        .filter_map(|p| {
            sides(p, std::slice::from_ref(&home))
                .map(|(_, partner)| summary(&regions, tenant, p, partner, today))
        })
        .collect();
    partners.sort_by(|a, b| a.partner.cmp(&b.partner));
    let mut children: Vec<&Region> = towns.iter().filter_map(|t| regions.get(t)).collect();
    children.sort_by(|a, b| a.name().cmp(b.name()));
    let mut groups = Vec::new();
    for town in children {
        let home_side = [town.slug.to_string()];
        let mut list: Vec<Summary> = of
            .get(town.slug.as_str())
            .unwrap_or(&none)
            .iter()
            .filter_map(|p| {
                sides(p, &home_side)
                    .map(|(_, partner)| summary(&regions, tenant, p, partner, today))
            })
            .collect();
        if !list.is_empty() {
            list.sort_by(|a, b| (&a.country, &a.partner).cmp(&(&b.country, &b.partner)));
            let kind = match town.kind {
                RegionKind::Town | RegionKind::Municipality => {
                    format!("{} ", lbl("region", town.kind))
                }
                _ => String::new(),
            };
            groups.push(TownGroup {
                town: format!("{kind}{}", town.name()),
                partnerships: list,
            });
        }
    }
    let map = overview_map(&regions, &t, &of, &towns, tenant);
    let network = network(store, &mut regions, &t, &partners, today).await?;
    let contact = match &t.partnership_contact {
        Some(u) => Some(unit_view(store, &slug, u.as_str()).await?),
        None => None,
    };
    let undated = partners
        .iter()
        .chain(groups.iter().flat_map(|g| &g.partnerships))
        .any(|s| s.state == "besteht");
    Ok(PartnershipsView {
        tenant: (&t).into(),
        intro: t.partnership_intro.as_deref().map(markdown),
        partners,
        towns: groups,
        undated,
        map,
        network,
        contact,
    })
}

#[derive(Serialize)]
struct EventView {
    date: String,
    label: String,
    party: Option<String>,
    note: Option<String>,
    /// "vom Landkreis Harz": the district that entered it, on a record
    /// two share.
    recorded: Option<String>,
}

#[derive(Serialize)]
struct ActivityView {
    title: String,
    kind: String,
    period: Option<String>,
    recurrence: Option<String>,
    participants: Option<String>,
    figures: Vec<String>,
    funding: Vec<String>,
    organisations: Vec<String>,
    description: Option<String>,
    unverified: Vec<String>,
}

#[derive(Serialize)]
struct OrganisationView {
    name: String,
    unverified: Vec<String>,
    kind: String,
    place: Option<String>,
    founded: Option<String>,
    purpose: Option<String>,
    description: Option<String>,
}

#[derive(Serialize)]
struct CollectionView {
    name: String,
    founded: Option<String>,
    owner: Option<String>,
    locations: Vec<String>,
    items: Vec<String>,
    description: Option<String>,
}

#[derive(Serialize)]
pub struct PartnershipView {
    tenant: TenantView,
    title: String,
    category: String,
    status: String,
    state: &'static str,
    /// Fields of the partnership shown with "Angabe ungeprüft".
    unverified: Vec<String>,
    topics: Vec<String>,
    home: RegionView,
    partner: RegionView,
    timeline: Vec<EventView>,
    description: Option<String>,
    activities: Vec<ActivityView>,
    organisations: Vec<OrganisationView>,
    collections: Vec<CollectionView>,
    images: Vec<kreiskom_core::Image>,
    map: Option<MapView>,
    contact: Option<UnitView>,
    /// The page in other languages; empty without translations.
    alternates: Vec<Alternate>,
}

/// A partnership of the tenant (of the district or one of its towns) with
/// its two sides and the regions its timeline names.
pub(crate) struct Loaded<'s> {
    tenant_slug: TenantSlug,
    tenant: Tenant,
    partnership: Partnership,
    regions: Regions<'s>,
    pub(crate) home: Region,
    pub(crate) partner: Region,
}

pub(crate) async fn load_partnership<'s>(
    store: &'s Store,
    tenant: &str,
    slug: &str,
) -> Result<Loaded<'s>> {
    let (tenant_slug, t) = load_tenant(store, tenant).await?;
    let p = store
        .get::<Partnership>(None, slug)
        .await?
        .ok_or(PublishError::NotFound)?
        .record;
    let mut regions = Regions::new(store);
    let mut home_side: Vec<String> = vec![t.region.to_string()];
    home_side.extend(child_slugs(store, t.region.as_str()).await?);
    let (home, partner) = sides(&p, &home_side).ok_or(PublishError::NotFound)?;
    let parties = p.timeline.iter().filter_map(|e| e.party.as_ref());
    regions
        .load(p.regions.iter().chain(parties).map(|r| r.as_str()))
        .await?;
    let home = regions.get(home).cloned().ok_or(PublishError::NotFound)?;
    let partner = regions
        .get(partner)
        .cloned()
        .ok_or(PublishError::NotFound)?;
    Ok(Loaded {
        tenant_slug,
        tenant: t,
        partnership: p,
        regions,
        home,
        partner,
    })
}

/// A version of a partnership page in one language, for `hreflang` and
/// the language switch.
#[derive(Serialize)]
struct Alternate {
    lang: &'static str,
    /// The language's name in itself.
    name: &'static str,
    url: String,
    current: bool,
}

/// The German page and one per translation; none without translations.
fn alternates(tenant: &str, p: &Partnership, current: Option<Language>) -> Vec<Alternate> {
    if p.translations.is_empty() {
        return Vec::new();
    }
    let german = format!("/{tenant}/partnerschaften/{}", p.slug);
    let mut langs: Vec<Language> = p.translations.iter().map(|t| t.lang).collect();
    langs.sort();
    std::iter::once(Alternate {
        lang: "de",
        name: "Deutsch",
        url: german.clone(),
        current: current.is_none(),
    })
    .chain(langs.into_iter().map(|l| Alternate {
        lang: l.code(),
        name: languages::words(l).name,
        url: format!("{german}/{}", l.code()),
        current: current == Some(l),
    }))
    .collect()
}

/// What the tenants record about a partnership: its page shows all of it.
/// Activities and collections come with the names of their tenant's
/// organisations by slug (slugs are unique within a tenant only).
pub(crate) struct Recorded {
    pub activities: Vec<(Activity, Names)>,
    pub organisations: Vec<Organisation>,
    pub collections: Vec<(Collection, Names)>,
}

pub(crate) type Names = std::sync::Arc<HashMap<String, String>>;

/// A few queries per tenant that records anything, whatever the number
/// of records.
pub(crate) async fn recorded_about(store: &Store, partnership: &str) -> Result<Recorded> {
    let mut by_tenant: BTreeMap<String, BTreeMap<Kind, Vec<String>>> = BTreeMap::new();
    for r in store
        .referrers(Kind::Partnership, None, partnership)
        .await?
    {
        by_tenant
            .entry(r.tenant)
            .or_default()
            .entry(r.kind)
            .or_default()
            .push(r.slug);
    }
    let mut recorded = Recorded {
        activities: Vec::new(),
        organisations: Vec::new(),
        collections: Vec::new(),
    };
    for (owner, kinds) in &by_tenant {
        let Ok(owner) = TenantSlug::parse(owner) else {
            continue;
        };
        let slugs = |kind: Kind| -> Vec<&str> {
            kinds
                .get(&kind)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default()
        };
        let owned = Some(&owner);
        let activities = store
            .get_many::<Activity>(owned, &slugs(Kind::Activity))
            .await?;
        let organisations = store
            .get_many::<Organisation>(owned, &slugs(Kind::Organisation))
            .await?;
        let collections = store
            .get_many::<Collection>(owned, &slugs(Kind::Collection))
            .await?;
        let mut named: Vec<&str> = activities
            .iter()
            .flat_map(|a| a.record.organisations.iter().map(|o| o.as_str()))
            .chain(
                collections
                    .iter()
                    .filter_map(|c| c.record.owner.as_ref().map(|o| o.as_str())),
            )
            .collect();
        named.sort_unstable();
        named.dedup();
        let names: Names = std::sync::Arc::new(
            store
                .get_many::<Organisation>(owned, &named)
                .await?
                .into_iter()
                .map(|o| (o.record.slug.to_string(), o.record.name))
                .collect(),
        );
        recorded
            .activities
            .extend(activities.into_iter().map(|a| (a.record, names.clone())));
        recorded
            .organisations
            .extend(organisations.into_iter().map(|o| o.record));
        recorded
            .collections
            .extend(collections.into_iter().map(|c| (c.record, names.clone())));
    }
    Ok(recorded)
}

pub async fn partnership(
    store: &Store,
    tenant: &str,
    slug: &str,
    today: Date,
) -> Result<PartnershipView> {
    let Loaded {
        tenant_slug,
        tenant: t,
        partnership: p,
        mut regions,
        home,
        partner,
    } = load_partnership(store, tenant, slug).await?;

    let recorders: HashMap<String, String> = if p.timeline.iter().any(|e| e.recorded_by.is_some()) {
        store
            .records::<Tenant>(None)
            .await?
            .into_iter()
            .map(|t| (t.slug.to_string(), german::cases(&t.name, None).von_dat))
            .collect()
    } else {
        HashMap::new()
    };
    let timeline = p
        .sorted_timeline()
        .into_iter()
        .map(|e| EventView {
            recorded: e
                .recorded_by
                .as_ref()
                .and_then(|t| recorders.get(t.as_str()).cloned()),
            date: e
                .date
                .as_ref()
                .map_or_else(|| "ohne Datum".to_owned(), german::date),
            label: lbl("event", e.kind),
            party: e.party.as_ref().map(|r| regions.name(r.as_str())),
            note: e.note.clone(),
        })
        .collect();

    let recorded = recorded_about(store, slug).await?;
    regions
        .load(
            recorded
                .organisations
                .iter()
                .filter_map(|o| o.region.as_ref().map(|r| r.as_str())),
        )
        .await?;
    let mut activities: Vec<(Option<kreiskom_core::PartialDate>, ActivityView)> = recorded
        .activities
        .iter()
        .map(|(a, names)| (a.start, activity_view(a, names)))
        .collect();
    let mut organisations: Vec<OrganisationView> = recorded
        .organisations
        .iter()
        .map(|o| organisation_view(&regions, o))
        .collect();
    let collections: Vec<CollectionView> = recorded
        .collections
        .iter()
        .map(|(c, names)| collection_view(c, names))
        .collect();
    // Dated activities in order, then the undated ones.
    activities.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    organisations.dedup_by(|a, b| a.name == b.name);
    let contact = match &t.partnership_contact {
        Some(u) => Some(unit_view(store, &tenant_slug, u.as_str()).await?),
        None => None,
    };
    let title = format!("{} und {}", home.name(), partner.name());
    let map = {
        use kreiskom_map::Role;
        let mut map = MapBuilder::default();
        let a = map.add(&home, Role::Home, None, lbl("region", home.kind));
        let b = map.add(&partner, Role::Partner, None, lbl("region", partner.kind));
        map.line(a, b);
        map.finish(&format!("Karte: {title}"))
    };
    Ok(PartnershipView {
        tenant: (&t).into(),
        title,
        category: lbl("category", p.category),
        status: german::status_in(p.category, &p.status_at(today)),
        state: german::state(p.status_at(today).status),
        unverified: unverified(&p.doubts),
        topics: p.topics.iter().map(|x| lbl("topic", x)).collect(),
        home: regions.view(&home).await?,
        partner: regions.view(&partner).await?,
        timeline,
        description: p.description.as_deref().map(markdown),
        activities: activities.into_iter().map(|(_, v)| v).collect(),
        organisations,
        collections,
        images: p.images.clone(),
        map,
        contact,
        alternates: alternates(tenant_slug.as_str(), &p, None),
    })
}

#[derive(Serialize)]
pub struct PartnershipInView {
    tenant: TenantView,
    lang: &'static str,
    w: &'static languages::Words,
    alternates: Vec<Alternate>,
    german_url: String,
    /// The partner's name in the language.
    title: String,
    other_names: Vec<String>,
    category: String,
    home: String,
    status: String,
    state: &'static str,
    unverified: Vec<String>,
    topics: Vec<String>,
    description: Option<String>,
    timeline: Vec<EventView>,
    images: Vec<kreiskom_core::Image>,
    map: Option<MapView>,
    partner: PartnerFacts,
}

/// What the page in a partner's language says about the partner.
#[derive(Serialize)]
struct PartnerFacts {
    kind: String,
    country: String,
    seat: Option<String>,
    lies_in: Option<String>,
    facts: Vec<FactView>,
    website: Option<String>,
    images: Vec<kreiskom_core::Image>,
    unverified: Vec<String>,
}

/// The partnership page in a partner's language: what is translated, the
/// names in that language, and a link to the German page for the rest.
/// Not found where the partnership has no translation into `lang`.
pub async fn partnership_in(
    store: &Store,
    tenant: &str,
    slug: &str,
    lang: Language,
    today: Date,
) -> Result<PartnershipInView> {
    let Loaded {
        tenant_slug,
        tenant: t,
        partnership: p,
        mut regions,
        home,
        partner,
    } = load_partnership(store, tenant, slug).await?;
    let translation = p.translation(lang).ok_or(PublishError::NotFound)?;
    let l = Some(lang);
    regions
        .load(
            partner
                .seat
                .iter()
                .chain(&partner.parent)
                .map(|r| r.as_str()),
        )
        .await?;
    let named = |slug: &str| {
        regions
            .get(slug)
            .map_or_else(|| slug.to_owned(), |r| name_in(r, l).to_owned())
    };
    let timeline = p
        .timeline_order()
        .into_iter()
        .map(|i| {
            let e = &p.timeline[i];
            EventView {
                date: e.date.as_ref().map_or_else(
                    || languages::words(lang).undated.to_owned(),
                    |d| languages::date(lang, d),
                ),
                label: languages::lbl(lang, "event", e.kind),
                party: e.party.as_ref().map(|r| named(r.as_str())),
                note: translation.note(i).map(str::to_owned),
                recorded: None,
            }
        })
        .collect();
    let title = name_in(&partner, l).to_owned();
    let map = {
        use kreiskom_map::Role;
        let mut map = MapBuilder {
            lang: l,
            ..MapBuilder::default()
        };
        let a = map.add(
            &home,
            Role::Home,
            None,
            languages::lbl(lang, "region", home.kind),
        );
        let b = map.add(
            &partner,
            Role::Partner,
            None,
            languages::lbl(lang, "region", partner.kind),
        );
        map.line(a, b);
        map.finish(&format!(
            "{}: {} – {title}",
            languages::words(lang).map,
            name_in(&home, l)
        ))
    };
    let facts = partner
        .facts
        .iter()
        .map(|f| FactView {
            label: languages::lbl(lang, "fact", f.kind),
            value: format!(
                "{}{}",
                if f.approximate {
                    languages::words(lang).approximately
                } else {
                    ""
                },
                languages::number(lang, f.value)
            ),
            as_of: f.as_of.as_ref().map(|d| languages::date(lang, d)),
            source: f.source.clone(),
        })
        .collect();
    let at = p.status_at(today);
    Ok(PartnershipInView {
        tenant: (&t).into(),
        lang: lang.code(),
        w: languages::words(lang),
        alternates: alternates(tenant_slug.as_str(), &p, l),
        german_url: format!("/{tenant_slug}/partnerschaften/{}", p.slug),
        other_names: partner
            .names
            .iter()
            .filter(|n| n.name != title)
            .map(|n| n.name.clone())
            .collect(),
        title,
        category: languages::lbl(lang, "category", p.category),
        home: name_in(&home, l).to_owned(),
        status: languages::status(lang, p.category, &at),
        state: german::state(at.status),
        unverified: unverified(&p.doubts),
        topics: p
            .topics
            .iter()
            .map(|x| languages::lbl(lang, "topic", x))
            .collect(),
        description: translation.description.as_deref().map(markdown),
        timeline,
        images: p.images.clone(),
        map,
        partner: PartnerFacts {
            kind: languages::lbl(lang, "region", partner.kind),
            country: languages::lbl(lang, "country", &partner.country),
            seat: partner.seat.as_ref().map(|s| named(s.as_str())),
            lies_in: partner.parent.as_ref().map(|s| named(s.as_str())),
            facts,
            website: partner.website.clone(),
            images: partner.images.clone(),
            unverified: unverified(&partner.doubts),
        },
    })
}

/// "2014", "2003 bis 2005"; "seit 2000" for what recurs and has not ended.
fn period_of(a: &Activity) -> Option<String> {
    match (&a.start, &a.end, &a.recurrence) {
        (Some(start), None, Some(_)) => Some(format!("seit {}", german::date(start))),
        _ => german::period(a.start.as_ref(), a.end.as_ref()),
    }
}

/// `organisations` names the tenant's organisations by slug.
fn activity_view(a: &Activity, organisations: &HashMap<String, String>) -> ActivityView {
    ActivityView {
        title: a.title.clone(),
        kind: lbl("activity", a.kind),
        period: period_of(a),
        recurrence: a.recurrence.clone(),
        participants: a.participants.clone(),
        figures: a
            .figures
            .iter()
            .map(|f| {
                let q = lbl("qualifier", f.qualifier);
                let n = german::number(f.value);
                if q.is_empty() {
                    format!("{n} {}", f.unit)
                } else {
                    format!("{q} {n} {}", f.unit)
                }
            })
            .collect(),
        funding: a
            .funding
            .iter()
            .map(|f| match &f.note {
                Some(note) => format!("{}: {note}", lbl("funding", f.source)),
                None => lbl("funding", f.source),
            })
            .collect(),
        organisations: a
            .organisations
            .iter()
            .filter_map(|o| organisations.get(o.as_str()).cloned())
            .collect(),
        description: a.description.as_deref().map(markdown),
        unverified: unverified(&a.doubts),
    }
}

fn organisation_view(regions: &Regions<'_>, o: &Organisation) -> OrganisationView {
    OrganisationView {
        name: o.name.clone(),
        unverified: unverified(&o.doubts),
        kind: lbl("organisation", o.kind),
        place: o.region.as_ref().map(|r| regions.name(r.as_str())),
        founded: o.founded.as_ref().map(german::date),
        purpose: o.purpose.clone(),
        description: o.description.as_deref().map(markdown),
    }
}

fn collection_view(c: &Collection, organisations: &HashMap<String, String>) -> CollectionView {
    CollectionView {
        name: c.name.clone(),
        founded: c.founded.as_ref().map(german::date),
        owner: c
            .owner
            .as_ref()
            .and_then(|o| organisations.get(o.as_str()).cloned()),
        locations: c
            .locations
            .iter()
            .map(|l| {
                let mut s = lbl("location", l.kind);
                if let Some(by) = &l.provided_by {
                    s.push_str(&format!(" ({by})"));
                }
                s
            })
            .collect(),
        items: c.items.iter().map(|i| i.description.clone()).collect(),
        description: c.description.as_deref().map(markdown),
    }
}

#[derive(Serialize)]
pub struct UnitView {
    slug: String,
    name: String,
    parent: Option<String>,
    tasks: Option<String>,
    contact: kreiskom_core::Contact,
    services: Vec<ServiceView>,
    channels: Vec<ChannelView>,
}

#[derive(Serialize)]
struct ServiceView {
    name: String,
    unverified: Vec<String>,
    description: Option<String>,
    online_url: Option<String>,
    started: Option<String>,
}

#[derive(Serialize)]
struct ChannelView {
    platform: String,
    unverified: Vec<String>,
    handle: Option<String>,
    url: Option<String>,
    since: Option<String>,
    note: Option<String>,
}

/// One unit for a page that shows just it: two queries.
async fn unit_view(store: &Store, tenant: &TenantSlug, slug: &str) -> Result<UnitView> {
    let unit = store.fetch::<Unit>(Some(tenant), slug).await?.record;
    let parent = match &unit.parent {
        Some(p) => store.get::<Unit>(Some(tenant), p.as_str()).await?,
        None => None,
    };
    let known: Vec<Unit> = parent.into_iter().map(|p| p.record).collect();
    Ok(unit_view_among(&unit, &known))
}

/// A unit whose parent is among `units` (already loaded).
fn unit_view_among(unit: &Unit, units: &[Unit]) -> UnitView {
    let parent = unit
        .parent
        .as_ref()
        .and_then(|p| units.iter().find(|u| &u.slug == p))
        .map(|u| u.name.clone());
    UnitView {
        slug: unit.slug.to_string(),
        name: unit.name.clone(),
        parent,
        tasks: unit.tasks.as_deref().map(markdown),
        contact: unit.contact.clone(),
        services: vec![],
        channels: vec![],
    }
}

fn service_view(s: &Service) -> ServiceView {
    ServiceView {
        name: s.name.clone(),
        unverified: unverified(&s.doubts),
        description: s.description.as_deref().map(markdown),
        online_url: s.online_url.clone(),
        started: s.started.as_ref().map(german::date),
    }
}

fn channel_view(c: &Channel) -> ChannelView {
    ChannelView {
        platform: lbl("platform", c.platform),
        unverified: unverified(&c.doubts),
        handle: c.handle.clone(),
        url: c.url.clone(),
        since: c.since.as_ref().map(german::date),
        note: c.note.clone(),
    }
}

#[derive(Serialize)]
pub struct CommunicationView {
    tenant: TenantView,
    lead: Option<UnitView>,
    units: Vec<UnitView>,
    other_services: Vec<ServiceView>,
    other_channels: Vec<ChannelView>,
}

impl CommunicationView {
    pub fn has_content(&self) -> bool {
        self.lead.is_some()
            || !self.units.is_empty()
            || !self.other_services.is_empty()
            || !self.other_channels.is_empty()
    }
}

/// The communication unit, its sub-units with their services and channels,
/// and whatever services or channels no unit claims.
pub async fn communication(store: &Store, tenant: &str) -> Result<CommunicationView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let units: Vec<Unit> = store
        .list::<Unit>(Some(&slug))
        .await?
        .into_iter()
        .map(|s| s.record)
        .collect();
    let services: Vec<Service> = store
        .list::<Service>(Some(&slug))
        .await?
        .into_iter()
        .map(|s| s.record)
        .collect();
    let channels: Vec<Channel> = store
        .list::<Channel>(Some(&slug))
        .await?
        .into_iter()
        .map(|s| s.record)
        .collect();
    let lead_slug = t.communication_unit.as_ref().map(|u| u.to_string());
    let in_scope: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            lead_slug.is_none()
                || Some(u.slug.to_string()) == lead_slug
                || u.parent.as_ref().map(|p| p.to_string()) == lead_slug
        })
        .collect();
    let mut views = Vec::new();
    for u in &in_scope {
        let mut v = unit_view_among(u, &units);
        v.services = services
            .iter()
            .filter(|s| s.unit.as_ref() == Some(&u.slug))
            .map(service_view)
            .collect();
        v.channels = channels
            .iter()
            .filter(|c| c.unit.as_ref() == Some(&u.slug))
            .map(channel_view)
            .collect();
        views.push(v);
    }
    let claimed = |unit: &Option<kreiskom_core::UnitSlug>| {
        unit.as_ref()
            .is_some_and(|u| in_scope.iter().any(|x| &x.slug == u))
    };
    let other_services = services
        .iter()
        .filter(|s| !claimed(&s.unit))
        .map(service_view)
        .collect();
    let other_channels = channels
        .iter()
        .filter(|c| !claimed(&c.unit))
        .map(channel_view)
        .collect();
    let lead_index = views
        .iter()
        .position(|v| Some(&v.slug) == lead_slug.as_ref());
    let lead = lead_index.map(|i| views.remove(i));
    Ok(CommunicationView {
        tenant: (&t).into(),
        lead,
        units: views,
        other_services,
        other_channels,
    })
}

#[derive(Serialize)]
pub struct LegalView {
    tenant: TenantView,
    kind: kreiskom_core::LegalKind,
    title: String,
    body: String,
    /// "15. Januar 2026".
    reviewed: Option<String>,
    video: Option<String>,
    demo: bool,
    /// The Land's office for the accessibility statement.
    office: Option<OfficeView>,
}

#[derive(Serialize)]
struct OfficeView {
    name: String,
    url: String,
    email: Option<String>,
    law: Option<String>,
    land: String,
    unverified: bool,
}

/// The Land a region lies in: itself or the nearest state above it.
async fn land_of(store: &Store, region: &str) -> Result<Option<Region>> {
    let mut slug = region.to_owned();
    // A handful of levels at most (Ortsteil, Gemeinde, Landkreis, Land);
    // the store refuses circles, the bound keeps a bad import harmless.
    for _ in 0..6 {
        let Some(r) = store.get::<Region>(None, &slug).await? else {
            return Ok(None);
        };
        if r.record.kind == RegionKind::State {
            return Ok(Some(r.record));
        }
        match r.record.parent {
            Some(p) => slug = p.to_string(),
            None => return Ok(None),
        }
    }
    Ok(None)
}

pub async fn legal(
    store: &Store,
    tenant: &str,
    kind: kreiskom_core::LegalKind,
) -> Result<LegalView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let page = store
        .get::<kreiskom_core::LegalPage>(Some(&slug), kind.path())
        .await?
        .ok_or(PublishError::NotFound)?
        .record;
    let office = if kind == kreiskom_core::LegalKind::Accessibility {
        land_of(store, t.region.as_str()).await?.and_then(|land| {
            let unverified = unverified(&land.doubts)
                .iter()
                .any(|f| f == "accessibility");
            land.accessibility.as_ref().map(|a| OfficeView {
                name: a.office.clone(),
                url: a.office_url.clone(),
                email: a.office_email.clone(),
                law: a.law.clone(),
                land: land.name().to_owned(),
                unverified,
            })
        })
    } else {
        None
    };
    Ok(LegalView {
        tenant: (&t).into(),
        kind,
        title: page.title.clone(),
        body: markdown(&page.body),
        reviewed: page.reviewed.as_ref().map(german::date),
        video: page.video.clone(),
        demo: page.demo,
        office,
    })
}

/// Which legal pages a tenant has, for the start page's links.
pub(crate) async fn legal_kinds(
    store: &Store,
    tenant: &TenantSlug,
) -> Result<Vec<kreiskom_core::LegalKind>> {
    Ok(store
        .list::<kreiskom_core::LegalPage>(Some(tenant))
        .await?
        .into_iter()
        .map(|p| p.record.kind)
        .collect())
}

#[derive(Serialize)]
struct PersonView {
    name: String,
    role: Option<String>,
    unit: Option<String>,
    contact: kreiskom_core::Contact,
}

#[derive(Serialize)]
pub struct ContactView {
    tenant: TenantView,
    units: Vec<UnitView>,
    people: Vec<PersonView>,
}

/// Units with contact data and the people with a role, e.g. the Landrat.
pub async fn contact(store: &Store, tenant: &str) -> Result<ContactView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let all = store.records::<Unit>(Some(&slug)).await?;
    let names: BTreeMap<String, String> = all
        .iter()
        .map(|u| (u.slug.to_string(), u.name.clone()))
        .collect();
    let units = all
        .iter()
        .filter(|u| !u.contact.is_empty())
        .map(|u| unit_view_among(u, &all))
        .collect();
    let people = store
        .list::<Person>(Some(&slug))
        .await?
        .into_iter()
        .map(|p| p.record)
        .filter(|p| p.role.is_some() || !p.contact.is_empty())
        .map(|p| PersonView {
            unit: p.unit.as_ref().and_then(|u| names.get(u.as_str()).cloned()),
            name: p.name,
            role: p.role,
            contact: p.contact,
        })
        .collect();
    Ok(ContactView {
        tenant: (&t).into(),
        units,
        people,
    })
}

/// A link to a content page, for navigation.
#[derive(Serialize)]
pub(crate) struct PageLink {
    title: String,
    url: String,
}

#[derive(Serialize)]
pub struct ContentPageView {
    tenant: TenantView,
    title: String,
    body: String,
    /// The pages above it, from the top.
    trail: Vec<PageLink>,
    children: Vec<PageLink>,
    reviewed: Option<String>,
    /// This is the Leichte Sprache version.
    easy: bool,
    /// The other version: Leichte Sprache from the page, the page from it.
    other_version: Option<String>,
}

/// A tenant's content pages by slug, each with its address.
pub(crate) async fn content_pages(
    store: &Store,
    tenant: &TenantSlug,
) -> Result<Vec<(kreiskom_core::Page, String)>> {
    let pages: Vec<kreiskom_core::Page> =
        store.records::<kreiskom_core::Page>(Some(tenant)).await?;
    let by_slug: HashMap<&str, &kreiskom_core::Page> =
        pages.iter().map(|p| (p.slug.as_str(), p)).collect();
    let path_of = |p: &kreiskom_core::Page| {
        let mut parts = vec![p.slug.as_str()];
        let mut up = p.parent.as_ref();
        // The store refuses cycles; the bound only guards a broken import.
        while let Some(parent) = up.filter(|_| parts.len() < 32) {
            parts.push(parent.as_str());
            up = by_slug.get(parent.as_str()).and_then(|q| q.parent.as_ref());
        }
        parts.reverse();
        format!("/{tenant}/seiten/{}", parts.join("/"))
    };
    let mut out: Vec<(kreiskom_core::Page, String)> =
        pages.iter().map(|p| (p.clone(), path_of(p))).collect();
    out.sort_by(|(a, _), (b, _)| {
        (a.order.unwrap_or(u32::MAX), &a.title).cmp(&(b.order.unwrap_or(u32::MAX), &b.title))
    });
    Ok(out)
}

/// The top-level pages, for the start page.
pub(crate) async fn top_pages(store: &Store, tenant: &TenantSlug) -> Result<Vec<PageLink>> {
    Ok(content_pages(store, tenant)
        .await?
        .into_iter()
        .filter(|(p, _)| p.parent.is_none())
        .map(|(p, url)| PageLink {
            title: p.title,
            url,
        })
        .collect())
}

/// `/{tenant}/seiten/{path}`: a content page found by its whole address,
/// or its Leichte Sprache version at `…/leichte-sprache`.
pub async fn content_page(store: &Store, tenant: &str, path: &str) -> Result<ContentPageView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let (path, easy) = match path.strip_suffix(kreiskom_core::page::EASY_LANGUAGE_PATH) {
        Some(rest) if rest.ends_with('/') => (rest.trim_end_matches('/'), true),
        _ => (path.trim_end_matches('/'), false),
    };
    let url = format!("/{slug}/seiten/{path}");
    let pages = content_pages(store, &slug).await?;
    let (page, _) = pages
        .iter()
        .find(|(_, u)| *u == url)
        .ok_or(PublishError::NotFound)?;
    let body = match (easy, &page.easy_language) {
        (false, _) => &page.body,
        (true, Some(text)) => text,
        (true, None) => return Err(PublishError::NotFound),
    };
    let link = |(p, url): &(kreiskom_core::Page, String)| PageLink {
        title: p.title.clone(),
        url: url.clone(),
    };
    let mut trail = Vec::new();
    let mut up = page.parent.as_ref();
    while let Some(parent) = up.filter(|_| trail.len() < 32) {
        let Some(found) = pages.iter().find(|(p, _)| &p.slug == parent) else {
            break;
        };
        trail.push(link(found));
        up = found.0.parent.as_ref();
    }
    trail.reverse();
    let children = pages
        .iter()
        .filter(|(p, _)| p.parent.as_ref() == Some(&page.slug))
        .map(link)
        .collect();
    let other_version = match (easy, &page.easy_language) {
        (true, _) => Some(url.clone()),
        (false, Some(_)) => Some(format!("{url}/{}", kreiskom_core::page::EASY_LANGUAGE_PATH)),
        (false, None) => None,
    };
    Ok(ContentPageView {
        tenant: (&t).into(),
        title: if easy {
            format!("{} in Leichter Sprache", page.title)
        } else {
            page.title.clone()
        },
        body: markdown(body),
        trail,
        children,
        reviewed: page.reviewed.as_ref().map(german::date),
        easy,
        other_version,
    })
}
