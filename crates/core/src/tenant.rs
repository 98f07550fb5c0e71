//! The records a tenant keeps for itself: its org chart, the organisations
//! and activities of its partnerships, collections, services and channels.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::doubt::Doubt;
use crate::partnership::Topic;
use crate::record::{record_basics, ref_opt, refs_list, Kind, Record, Reference};
use crate::slug::{
    ActivitySlug, ChannelSlug, CollectionSlug, OrganisationSlug, PartnershipSlug, PersonSlug,
    RegionSlug, ServiceSlug, TenantSlug, UnitSlug,
};
use crate::validation::{Errors, FieldError};

const NAME: usize = 300;
const TEXT: usize = 20_000;

/// The first path segments the site itself answers (`/admin`,
/// `/netzwerk`): a district by such a slug could not be reached. A test
/// keeps the list in step with the routes.
pub const RESERVED_TENANT_SLUGS: &[&str] = &["admin", "api", "assets", "media", "netzwerk"];

/// A district administration using kreiskom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    pub slug: TenantSlug,
    /// "Landkreis Goslar".
    pub name: String,
    pub region: RegionSlug,
    /// The unit that answers for communication (Steuerungsgruppe
    /// Kommunikation, Pressestelle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_unit: Option<UnitSlug>,
    /// The unit to ask about partnerships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership_contact: Option<UnitSlug>,
    /// Markdown, shown on the partnership overview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partnership_intro: Option<String>,
    /// Where the numbering of press releases starts in a year, for a
    /// district that comes to kreiskom mid-year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub press_numbering: Vec<NumberingStart>,
    /// The district's colour as `#RRGGBB`, the accent of its pages; white
    /// text on it must stay readable (contrast at least 4.5:1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
    /// Coat of arms or logo: a picture of the media library (`/media/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coat_of_arms: Option<String>,
    /// The switchboard's number with its extension ("03941 5970-0"), so
    /// that printed numbers set the extension apart (DIN 5008).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switchboard: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

/// `#0b3c7d` → its red, green and blue.
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The contrast of white text on a colour (WCAG 2.1 relative luminance).
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb(hex)?;
    let l = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    Some(1.05 / (l + 0.05))
}

/// "In 2014 our numbers start at 150."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberingStart {
    pub year: i16,
    pub first: u32,
}

impl Tenant {
    /// The first press release number of `year`.
    pub fn first_release_number(&self, year: i16) -> u32 {
        self.press_numbering
            .iter()
            .find(|n| n.year == year)
            .map_or(1, |n| n.first)
    }
}

impl Record for Tenant {
    record_basics!(Kind::Tenant, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        if RESERVED_TENANT_SLUGS.contains(&self.slug.as_str()) {
            e.add(
                "slug",
                format!(
                    "„{0}“ ist schon eine Adresse der Website (/{0}); bitte eine andere Kennung wählen",
                    self.slug
                ),
            );
        }
        e.text("name", &self.name, NAME);
        e.optional_text("partnership_intro", &self.partnership_intro, TEXT);
        let years: Vec<i16> = self.press_numbering.iter().map(|n| n.year).collect();
        e.unique("press_numbering", &years);
        if let Some(colour) = &self.colour {
            match contrast_with_white(colour) {
                None => e.add("colour", "muss eine Farbe in der Form #RRGGBB sein, z. B. #0b3c7d"),
                Some(c) if c < 4.5 => e.add(
                    "colour",
                    format!(
                        "ist zu hell: Weiße Schrift darauf hat nur einen Kontrast von {:.1}:1, nötig sind 4,5:1",
                        c
                    )
                    .replace('.', ","),
                ),
                Some(_) => {}
            }
        }
        if let Some(src) = &self.coat_of_arms {
            e.own_path("coat_of_arms", src);
        }
        if let Some(n) = &self.switchboard {
            phone_number(&mut e, "switchboard", n);
            if !n.contains('-') {
                e.add(
                    "switchboard",
                    "braucht die Durchwahl der Zentrale nach einem Bindestrich, z. B. 03941 5970-0",
                );
            }
        }
        for (i, n) in self.press_numbering.iter().enumerate() {
            if n.first == 0 {
                e.add(
                    format!("press_numbering.{i}.first"),
                    "muss mindestens 1 sein",
                );
            }
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = vec![Reference::new("region", Kind::Region, &self.region)];
        ref_opt(
            &mut out,
            "communication_unit",
            Kind::Unit,
            &self.communication_unit,
        );
        ref_opt(
            &mut out,
            "partnership_contact",
            Kind::Unit,
            &self.partnership_contact,
        );
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        *self == Contact::default()
    }

    fn validate(&self, e: &mut Errors) {
        if let Some(a) = &self.address {
            e.text("contact.address.street", &a.street, NAME);
            e.text("contact.address.city", &a.city, NAME);
            if a.postal_code.trim().is_empty() || a.postal_code.len() > 12 {
                e.add(
                    "contact.address.postal_code",
                    "Postleitzahl fehlt oder ist zu lang",
                );
            }
        }
        for (field, number) in [("contact.phone", &self.phone), ("contact.fax", &self.fax)] {
            if let Some(n) = number {
                phone_number(e, field, n);
            }
        }
        e.email("contact.email", &self.email);
        e.url("contact.website", &self.website);
    }
}

fn phone_number(e: &mut Errors, field: &str, n: &str) {
    if !n.chars().any(|c| c.is_ascii_digit())
        || !n
            .chars()
            .all(|c| c.is_ascii_digit() || " +/-()".contains(c))
    {
        e.add(
            field,
            "darf nur Ziffern, Leerzeichen und + / - ( ) enthalten",
        );
    }
}

fn is_default_contact(c: &Contact) -> bool {
    c.is_empty()
}

/// Fachdienst, Stelle, Fachbereich: a unit of the tenant's org chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub slug: UnitSlug,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<UnitSlug>,
    /// What the unit does (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<String>,
    #[serde(default, skip_serializing_if = "is_default_contact")]
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Unit {
    record_basics!(Kind::Unit, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, NAME);
        e.optional_text("tasks", &self.tasks, TEXT);
        if self.parent.as_ref() == Some(&self.slug) {
            e.add(
                "parent",
                "eine Einheit kann nicht sich selbst übergeordnet sein",
            );
        }
        self.contact.validate(&mut e);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "parent", Kind::Unit, &self.parent);
        out
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub slug: PersonSlug,
    pub name: String,
    /// "Landrat", "Pressesprecherin".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitSlug>,
    /// The region the person stands for, when not the tenant's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "is_default_contact")]
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Person {
    record_basics!(Kind::Person, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, NAME);
        e.optional_text("role", &self.role, NAME);
        e.optional_text("note", &self.note, TEXT);
        self.contact.validate(&mut e);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "unit", Kind::Unit, &self.unit);
        ref_opt(&mut out, "region", Kind::Region, &self.region);
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Association,
    School,
    FireBrigade,
    EducationCentre,
    YouthCentre,
    HeritageGroup,
    PublicBody,
    Company,
    Other,
}

/// Verein, Schule, Feuerwehr: actors of a partnership that are no region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub slug: OrganisationSlug,
    pub name: String,
    pub kind: OrganisationKind,
    /// Where it is based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partnerships: Vec<PartnershipSlug>,
    /// The statutory purpose, quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Organisation {
    record_basics!(Kind::Organisation, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, NAME);
        e.optional_text("purpose", &self.purpose, TEXT);
        e.optional_text("description", &self.description, TEXT);
        e.unique("partnerships", &self.partnerships);
        e.url("website", &self.website);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "region", Kind::Region, &self.region);
        refs_list(
            &mut out,
            "partnerships",
            Kind::Partnership,
            &self.partnerships,
        );
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Exchange,
    Encounter,
    Visit,
    Project,
    AidTransport,
    StudyTrip,
    SchoolExchange,
    YouthExchange,
    VolunteerService,
    Meeting,
    HolidayCamp,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    #[default]
    Exact,
    /// "etwa", "rund".
    Approximately,
    /// "über", "mehr als".
    MoreThan,
}

impl Qualifier {
    fn is_exact(&self) -> bool {
        *self == Qualifier::Exact
    }
}

/// An outcome figure as the source gives it: "über 20 Paletten".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    #[serde(serialize_with = "crate::validation::whole_or_fraction")]
    pub value: f64,
    /// The counted thing in German plural ("Fahrzeuge").
    pub unit: String,
    #[serde(default, skip_serializing_if = "Qualifier::is_exact")]
    pub qualifier: Qualifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    ErasmusPlus,
    EuProgramme,
    District,
    Association,
    Donations,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub source: FundingSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Austausch, Begegnung, Besuch, Projekt, Hilfstransport.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    pub slug: ActivitySlug,
    pub kind: ActivityKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// "jährlich", "regelmäßig".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partnerships: Vec<PartnershipSlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionSlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<OrganisationSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<Figure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Topic>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Activity {
    record_basics!(Kind::Activity, title);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("title", &self.title, NAME);
        e.optional_text("recurrence", &self.recurrence, NAME);
        e.optional_text("participants", &self.participants, TEXT);
        e.optional_text("description", &self.description, TEXT);
        if let (Some(start), Some(end)) = (self.start, self.end) {
            if end.last_day() < start.first_day() {
                e.add("end", "das Ende liegt vor dem Beginn");
            }
        }
        for (i, f) in self.figures.iter().enumerate() {
            if !f.value.is_finite() || f.value < 0.0 {
                e.add(
                    format!("figures.{i}.value"),
                    "muss eine Zahl größer oder gleich 0 sein",
                );
            }
            e.text(&format!("figures.{i}.unit"), &f.unit, 100);
        }
        e.unique("partnerships", &self.partnerships);
        e.unique("regions", &self.regions);
        e.unique("organisations", &self.organisations);
        e.unique("topics", &self.topics);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        refs_list(
            &mut out,
            "partnerships",
            Kind::Partnership,
            &self.partnerships,
        );
        refs_list(&mut out, "regions", Kind::Region, &self.regions);
        refs_list(
            &mut out,
            "organisations",
            Kind::Organisation,
            &self.organisations,
        );
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Showcase,
    Storage,
    Exhibition,
    Archive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionLocation {
    pub kind: LocationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who provides the place, and on what terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provided_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Exhibit,
    HouseholdItem,
    Picture,
    Map,
    Book,
    Engraving,
    Document,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionItem {
    pub kind: ItemKind,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// Sammlung, e.g. a Heimatstube.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collection {
    pub slug: CollectionSlug,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<PartialDate>,
    /// The organisation that owns the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OrganisationSlug>,
    /// Where the items come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<RegionSlug>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<CollectionLocation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<CollectionItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partnerships: Vec<PartnershipSlug>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Collection {
    record_basics!(Kind::Collection, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, NAME);
        e.optional_text("description", &self.description, TEXT);
        for (i, item) in self.items.iter().enumerate() {
            e.text(&format!("items.{i}.description"), &item.description, 2000);
        }
        e.unique("partnerships", &self.partnerships);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "owner", Kind::Organisation, &self.owner);
        ref_opt(&mut out, "provenance", Kind::Region, &self.provenance);
        refs_list(
            &mut out,
            "partnerships",
            Kind::Partnership,
            &self.partnerships,
        );
        out
    }
}

/// Dienstleistung: what a unit offers, inside the house or to the public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub slug: ServiceSlug,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitSlug>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Service {
    record_basics!(Kind::Service, name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("name", &self.name, NAME);
        e.optional_text("description", &self.description, TEXT);
        e.url("online_url", &self.online_url);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "unit", Kind::Unit, &self.unit);
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Twitter,
    Facebook,
    Instagram,
    Linkedin,
    Youtube,
    Mastodon,
    Bluesky,
}

impl Platform {
    /// The platform's own spelling of its name.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Twitter => "Twitter",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::Linkedin => "LinkedIn",
            Platform::Youtube => "YouTube",
            Platform::Mastodon => "Mastodon",
            Platform::Bluesky => "Bluesky",
        }
    }
}

/// Kanal: a presence on a platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub slug: ChannelSlug,
    pub platform: Platform,
    /// "@lkstade".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The Mastodon server the account lives on ("social.bund.de").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<PartialDate>,
    /// The unit that runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitSlug>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl Record for Channel {
    record_basics!(Kind::Channel);

    fn title(&self) -> String {
        let platform = self.platform.name();
        match &self.handle {
            Some(h) => format!("{platform} {h}"),
            None => platform.to_owned(),
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.optional_text("handle", &self.handle, 200);
        e.url("url", &self.url);
        if let Some(Err(problem)) = self.server.as_deref().map(crate::social::server_base) {
            e.add("server", problem);
        }
        e.optional_text("note", &self.note, TEXT);
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        ref_opt(&mut out, "unit", Kind::Unit, &self.unit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_colour_must_carry_white_text() {
        assert!(contrast_with_white("#0b3c7d").unwrap() > 10.0);
        assert!(contrast_with_white("#ffd400").unwrap() < 2.0);
        assert!(contrast_with_white("blau").is_none());
        assert!(contrast_with_white("#12345").is_none());
    }

    #[test]
    fn a_district_cannot_take_an_address_of_the_site() {
        let tenant = |slug: &str| -> Tenant {
            serde_json::from_value(
                serde_json::json!({"slug": slug, "name": "Landkreis Netz", "region": "harz"}),
            )
            .unwrap()
        };
        let errors = tenant("netzwerk").validate();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "slug");
        assert!(errors[0].message.contains("/netzwerk"));
        assert!(tenant("netzwerk-harz").validate().is_empty());
    }

    #[test]
    fn contact_validation_names_the_field() {
        let unit: Unit = serde_json::from_value(serde_json::json!({
            "slug": "wirtschaft",
            "name": "Fachdienst Wirtschaftsförderung/Tourismus/Kultur",
            "contact": {"phone": "03941/ 59 70 42 03", "fax": "Fax: 123", "email": "standortfoerderung(at)kreis-hz.de"}
        }))
        .unwrap();
        let errors = unit.validate();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contact.fax", "contact.email"]);
        assert_eq!(errors[1].message, "ist keine gültige E-Mail-Adresse");
    }

    #[test]
    fn activity_end_before_start_is_rejected() {
        let a: Activity = serde_json::from_value(serde_json::json!({
            "slug": "x", "kind": "project", "title": "50+", "start": "2014", "end": "2012"
        }))
        .unwrap();
        assert_eq!(
            a.validate(),
            vec![FieldError::new("end", "das Ende liegt vor dem Beginn")]
        );
    }

    #[test]
    fn activity_references_point_at_partnerships_regions_and_organisations() {
        let a: Activity = serde_json::from_value(serde_json::json!({
            "slug": "x", "kind": "aid_transport", "title": "Hilfskonvoi",
            "partnerships": ["goslar-trebnitz"], "regions": ["trzebnica"], "organisations": ["feuerwehren"]
        }))
        .unwrap();
        let refs: Vec<(String, Kind)> = a
            .references()
            .into_iter()
            .map(|r| (r.field, r.kind))
            .collect();
        assert_eq!(
            refs,
            [
                ("partnerships.0".to_owned(), Kind::Partnership),
                ("regions.0".to_owned(), Kind::Region),
                ("organisations.0".to_owned(), Kind::Organisation)
            ]
        );
    }
}
