//! What each page shows, gathered from the store into plain structs that
//! templates render. All wording that depends on data (dates, status,
//! labels) is settled here, so overriding templates stays simple.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use kreiskom_core::{
    Activity, Channel, Collection, Kind, Organisation, Partnership, Person, Region, RegionKind,
    Service, Tenant, TenantSlug, Unit,
};
use kreiskom_store::Store;
use serde::Serialize;

use crate::german;
use crate::labels::label;
use crate::{markdown, PublishError, Result};

pub(crate) fn lbl(group: &str, value: impl Serialize) -> String {
    let raw = serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    label(group, &raw).map_or(raw, str::to_owned)
}

#[derive(Serialize)]
pub struct TenantView {
    slug: String,
    name: String,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self {
            slug: t.slug.to_string(),
            name: t.name.clone(),
        }
    }
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

/// Regions looked up once per page.
struct Regions<'a> {
    store: &'a Store,
    seen: HashMap<String, Option<Region>>,
}

impl<'a> Regions<'a> {
    fn new(store: &'a Store) -> Self {
        Self {
            store,
            seen: HashMap::new(),
        }
    }

    async fn get(&mut self, slug: &str) -> Result<Option<Region>> {
        if !self.seen.contains_key(slug) {
            let r = self
                .store
                .get::<Region>(None, slug)
                .await?
                .map(|s| s.record);
            self.seen.insert(slug.to_owned(), r);
        }
        Ok(self.seen[slug].clone())
    }

    async fn name(&mut self, slug: &str) -> Result<String> {
        Ok(self
            .get(slug)
            .await?
            .map_or_else(|| slug.to_owned(), |r| r.name().to_owned()))
    }

    /// The slugs of the regions below this one, in one query.
    async fn child_slugs(&self, slug: &str) -> Result<Vec<String>> {
        Ok(self
            .store
            .referrers(Kind::Region, None, slug)
            .await?
            .into_iter()
            .filter(|r| r.kind == Kind::Region && r.field == "parent")
            .map(|r| r.slug)
            .collect())
    }

    async fn children(&mut self, slug: &str) -> Result<Vec<Region>> {
        let mut out = Vec::new();
        for r in self.store.referrers(Kind::Region, None, slug).await? {
            if r.kind == Kind::Region && r.field == "parent" {
                if let Some(region) = self.get(&r.slug).await? {
                    out.push(region);
                }
            }
        }
        Ok(out)
    }

    async fn partnerships_of(&mut self, slug: &str) -> Result<Vec<Partnership>> {
        let mut out = Vec::new();
        for r in self.store.referrers(Kind::Region, None, slug).await? {
            if r.kind == Kind::Partnership && r.field.starts_with("regions.") {
                if let Some(p) = self.store.get::<Partnership>(None, &r.slug).await? {
                    out.push(p.record);
                }
            }
        }
        Ok(out)
    }

    async fn view(&mut self, region: &Region) -> Result<RegionView> {
        let seat = match &region.seat {
            Some(s) => Some(self.name(s.as_str()).await?),
            None => None,
        };
        let parent = match &region.parent {
            Some(p) => Some(self.name(p.as_str()).await?),
            None => None,
        };
        let mut predecessors = Vec::new();
        for r in self
            .store
            .referrers(Kind::Region, None, region.slug.as_str())
            .await?
        {
            if r.kind == Kind::Region && r.field.starts_with("successors.") {
                if let Some(old) = self.get(&r.slug).await? {
                    let when = old
                        .successors
                        .iter()
                        .find(|s| s.region == region.slug)
                        .and_then(|s| s.date);
                    predecessors.push(match when {
                        Some(d) => format!("{} ({})", old.name(), german::date(&d)),
                        None => old.name().to_owned(),
                    });
                }
            }
        }
        let mut successors = Vec::new();
        for s in &region.successors {
            let name = self.name(s.region.as_str()).await?;
            successors.push(match &s.date {
                Some(d) => format!("{name} (seit {})", german::date(d)),
                None => name,
            });
        }
        Ok(RegionView {
            slug: region.slug.to_string(),
            name: region.name().to_owned(),
            other_names: region
                .other_names()
                .iter()
                .map(|n| n.name.clone())
                .collect(),
            kind: lbl("region", region.kind),
            country: lbl("country", &region.country),
            seat,
            parent,
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
        })
    }
}

#[derive(Serialize)]
pub struct RegionView {
    slug: String,
    name: String,
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
}

#[derive(Serialize)]
struct FactView {
    label: String,
    value: String,
    as_of: Option<String>,
    source: Option<String>,
}

/// One line of an overview: a partnership seen from the tenant's side.
#[derive(Serialize)]
struct Summary {
    url: String,
    partner: String,
    partner_other_names: Vec<String>,
    country: String,
    category: String,
    status: String,
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

async fn summary(
    regions: &mut Regions<'_>,
    tenant: &str,
    p: &Partnership,
    partner: &str,
    today: Date,
) -> Result<Summary> {
    let region = regions.get(partner).await?;
    Ok(Summary {
        url: format!("/{tenant}/partnerschaften/{}", p.slug),
        partner: region
            .as_ref()
            .map_or_else(|| partner.to_owned(), |r| r.name().to_owned()),
        partner_other_names: region
            .as_ref()
            .map(|r| r.other_names().iter().map(|n| n.name.clone()).collect())
            .unwrap_or_default(),
        country: region
            .as_ref()
            .map(|r| lbl("country", &r.country))
            .unwrap_or_default(),
        category: lbl("category", p.category),
        status: german::status(&p.status_at(today)),
    })
}

#[derive(Serialize)]
pub struct HomeView {
    tenant: TenantView,
    region: RegionView,
    partnership_count: usize,
    has_communication: bool,
}

pub async fn home(store: &Store, tenant: &str, _today: Date) -> Result<HomeView> {
    let (_, t) = load_tenant(store, tenant).await?;
    let mut regions = Regions::new(store);
    let region = regions
        .get(t.region.as_str())
        .await?
        .ok_or(PublishError::NotFound)?;
    let partnership_count = regions.partnerships_of(t.region.as_str()).await?.len();
    Ok(HomeView {
        tenant: (&t).into(),
        region: regions.view(&region).await?,
        partnership_count,
        has_communication: t.communication_unit.is_some(),
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
    contact: Option<UnitView>,
}

/// The district's own partnerships, for the sitemap.
pub(crate) async fn partnership_slugs(store: &Store, t: &Tenant) -> Result<Vec<String>> {
    let mut regions = Regions::new(store);
    Ok(regions
        .partnerships_of(t.region.as_str())
        .await?
        .into_iter()
        .map(|p| p.slug.to_string())
        .collect())
}

pub async fn partnerships(store: &Store, tenant: &str, today: Date) -> Result<PartnershipsView> {
    let (slug, t) = load_tenant(store, tenant).await?;
    let mut regions = Regions::new(store);
    let home = t.region.to_string();
    let mut partners = Vec::new();
    for p in regions.partnerships_of(&home).await? {
        if let Some((_, partner)) = sides(&p, std::slice::from_ref(&home)) {
            partners.push(summary(&mut regions, tenant, &p, partner, today).await?);
        }
    }
    partners.sort_by(|a, b| a.partner.cmp(&b.partner));
    let mut towns = Vec::new();
    let mut children = regions.children(&home).await?;
    children.sort_by(|a, b| a.name().cmp(b.name()));
    for town in children {
        let mut list = Vec::new();
        for p in regions.partnerships_of(town.slug.as_str()).await? {
            if let Some((_, partner)) = sides(&p, &[town.slug.to_string()]) {
                list.push(summary(&mut regions, tenant, &p, partner, today).await?);
            }
        }
        if !list.is_empty() {
            list.sort_by(|a, b| (&a.country, &a.partner).cmp(&(&b.country, &b.partner)));
            let kind = match town.kind {
                RegionKind::Town | RegionKind::Municipality => {
                    format!("{} ", lbl("region", town.kind))
                }
                _ => String::new(),
            };
            towns.push(TownGroup {
                town: format!("{kind}{}", town.name()),
                partnerships: list,
            });
        }
    }
    let contact = match &t.partnership_contact {
        Some(u) => Some(unit_view(store, &slug, u.as_str()).await?),
        None => None,
    };
    Ok(PartnershipsView {
        tenant: (&t).into(),
        intro: t.partnership_intro.as_deref().map(markdown),
        partners,
        towns,
        contact,
    })
}

#[derive(Serialize)]
struct EventView {
    date: String,
    label: String,
    party: Option<String>,
    note: Option<String>,
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
}

#[derive(Serialize)]
struct OrganisationView {
    name: String,
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
    topics: Vec<String>,
    home: RegionView,
    partner: RegionView,
    timeline: Vec<EventView>,
    description: Option<String>,
    activities: Vec<ActivityView>,
    organisations: Vec<OrganisationView>,
    collections: Vec<CollectionView>,
    contact: Option<UnitView>,
}

pub async fn partnership(
    store: &Store,
    tenant: &str,
    slug: &str,
    today: Date,
) -> Result<PartnershipView> {
    let (tenant_slug, t) = load_tenant(store, tenant).await?;
    let p = store
        .get::<Partnership>(None, slug)
        .await?
        .ok_or(PublishError::NotFound)?
        .record;
    let mut regions = Regions::new(store);
    let mut home_side: Vec<String> = vec![t.region.to_string()];
    home_side.extend(regions.child_slugs(t.region.as_str()).await?);
    let (home, partner) = sides(&p, &home_side).ok_or(PublishError::NotFound)?;
    let home = regions.get(home).await?.ok_or(PublishError::NotFound)?;
    let partner = regions.get(partner).await?.ok_or(PublishError::NotFound)?;

    let mut timeline = Vec::new();
    for e in p.sorted_timeline() {
        let party = match &e.party {
            Some(r) => Some(regions.name(r.as_str()).await?),
            None => None,
        };
        timeline.push(EventView {
            date: e
                .date
                .as_ref()
                .map_or_else(|| "ohne Datum".to_owned(), german::date),
            label: lbl("event", e.kind),
            party,
            note: e.note.clone(),
        });
    }

    let mut activities: Vec<(Option<kreiskom_core::PartialDate>, ActivityView)> = Vec::new();
    let mut organisations = Vec::new();
    let mut collections = Vec::new();
    for r in store.referrers(Kind::Partnership, None, slug).await? {
        let owner = TenantSlug::parse(&r.tenant).ok();
        match r.kind {
            Kind::Activity => {
                if let Some(a) = store.get::<Activity>(owner.as_ref(), &r.slug).await? {
                    let view = activity_view(store, owner.as_ref(), &a.record).await?;
                    activities.push((a.record.start, view));
                }
            }
            Kind::Organisation => {
                if let Some(o) = store.get::<Organisation>(owner.as_ref(), &r.slug).await? {
                    organisations.push(organisation_view(&mut regions, &o.record).await?);
                }
            }
            Kind::Collection => {
                if let Some(c) = store.get::<Collection>(owner.as_ref(), &r.slug).await? {
                    collections.push(collection_view(store, owner.as_ref(), &c.record).await?);
                }
            }
            _ => {}
        }
    }
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
    Ok(PartnershipView {
        tenant: (&t).into(),
        title,
        category: lbl("category", p.category),
        status: german::status(&p.status_at(today)),
        topics: p.topics.iter().map(|x| lbl("topic", x)).collect(),
        home: regions.view(&home).await?,
        partner: regions.view(&partner).await?,
        timeline,
        description: p.description.as_deref().map(markdown),
        activities: activities.into_iter().map(|(_, v)| v).collect(),
        organisations,
        collections,
        contact,
    })
}

fn period_of(a: &Activity) -> Option<String> {
    german::period(a.start.as_ref(), a.end.as_ref())
}

async fn activity_view(
    store: &Store,
    tenant: Option<&TenantSlug>,
    a: &Activity,
) -> Result<ActivityView> {
    let mut organisations = Vec::new();
    for o in &a.organisations {
        if let Some(org) = store.get::<Organisation>(tenant, o.as_str()).await? {
            organisations.push(org.record.name);
        }
    }
    Ok(ActivityView {
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
        organisations,
        description: a.description.as_deref().map(markdown),
    })
}

async fn organisation_view(
    regions: &mut Regions<'_>,
    o: &Organisation,
) -> Result<OrganisationView> {
    Ok(OrganisationView {
        name: o.name.clone(),
        kind: lbl("organisation", o.kind),
        place: match &o.region {
            Some(r) => Some(regions.name(r.as_str()).await?),
            None => None,
        },
        founded: o.founded.as_ref().map(german::date),
        purpose: o.purpose.clone(),
        description: o.description.as_deref().map(markdown),
    })
}

async fn collection_view(
    store: &Store,
    tenant: Option<&TenantSlug>,
    c: &Collection,
) -> Result<CollectionView> {
    let owner = match &c.owner {
        Some(o) => store
            .get::<Organisation>(tenant, o.as_str())
            .await?
            .map(|o| o.record.name),
        None => None,
    };
    Ok(CollectionView {
        name: c.name.clone(),
        founded: c.founded.as_ref().map(german::date),
        owner,
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
    })
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
    description: Option<String>,
    online_url: Option<String>,
    started: Option<String>,
}

#[derive(Serialize)]
struct ChannelView {
    platform: String,
    handle: Option<String>,
    url: Option<String>,
    since: Option<String>,
    note: Option<String>,
}

async fn unit_view(store: &Store, tenant: &TenantSlug, slug: &str) -> Result<UnitView> {
    let unit = store.fetch::<Unit>(Some(tenant), slug).await?.record;
    let parent = match &unit.parent {
        Some(p) => store
            .get::<Unit>(Some(tenant), p.as_str())
            .await?
            .map(|u| u.record.name),
        None => None,
    };
    Ok(UnitView {
        slug: unit.slug.to_string(),
        name: unit.name.clone(),
        parent,
        tasks: unit.tasks.as_deref().map(markdown),
        contact: unit.contact.clone(),
        services: vec![],
        channels: vec![],
    })
}

fn service_view(s: &Service) -> ServiceView {
    ServiceView {
        name: s.name.clone(),
        description: s.description.as_deref().map(markdown),
        online_url: s.online_url.clone(),
        started: s.started.as_ref().map(german::date),
    }
}

fn channel_view(c: &Channel) -> ChannelView {
    ChannelView {
        platform: lbl("platform", c.platform),
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
        let mut v = unit_view(store, &slug, u.slug.as_str()).await?;
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
    let mut units = Vec::new();
    let mut names = BTreeMap::new();
    for u in store.list::<Unit>(Some(&slug)).await? {
        names.insert(u.record.slug.to_string(), u.record.name.clone());
        if !u.record.contact.is_empty() {
            units.push(unit_view(store, &slug, u.record.slug.as_str()).await?);
        }
    }
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
