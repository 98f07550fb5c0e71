//! What every stored record has in common, so the store, the API and the
//! import handle all kinds with one piece of code.

use schemars::JsonSchema;
use serde::{de::DeserializeOwned, Serialize};

use crate::doubt::Doubt;
use crate::validation::FieldError;

/// Whether a kind of record is shared by all tenants or belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Regions and partnerships: one register shared by every district.
    Global,
    /// Units, people, activities …: each tenant keeps its own.
    Tenant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Region,
    Partnership,
    Tenant,
    Unit,
    Person,
    Organisation,
    Activity,
    Collection,
    Service,
    Channel,
    PressRelease,
    MailingList,
    Journalist,
    PressInquiry,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Region,
        Kind::Partnership,
        Kind::Tenant,
        Kind::Unit,
        Kind::Person,
        Kind::Organisation,
        Kind::Activity,
        Kind::Collection,
        Kind::Service,
        Kind::Channel,
        Kind::PressRelease,
        Kind::MailingList,
        Kind::Journalist,
        Kind::PressInquiry,
    ];

    /// Table name and API path segment.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Region => "regions",
            Kind::Partnership => "partnerships",
            Kind::Tenant => "tenants",
            Kind::Unit => "units",
            Kind::Person => "people",
            Kind::Organisation => "organisations",
            Kind::Activity => "activities",
            Kind::Collection => "collections",
            Kind::Service => "services",
            Kind::Channel => "channels",
            Kind::PressRelease => "press_releases",
            Kind::MailingList => "mailing_lists",
            Kind::Journalist => "journalists",
            Kind::PressInquiry => "press_inquiries",
        }
    }

    pub fn scope(self) -> Scope {
        match self {
            Kind::Region | Kind::Partnership | Kind::Tenant => Scope::Global,
            _ => Scope::Tenant,
        }
    }

    /// German name for messages ("Region „goslar“ …").
    pub fn label(self) -> &'static str {
        match self {
            Kind::Region => "Gebietskörperschaft",
            Kind::Partnership => "Partnerschaft",
            Kind::Tenant => "Mandant",
            Kind::Unit => "Organisationseinheit",
            Kind::Person => "Person",
            Kind::Organisation => "Organisation",
            Kind::Activity => "Aktivität",
            Kind::Collection => "Sammlung",
            Kind::Service => "Dienstleistung",
            Kind::Channel => "Kanal",
            Kind::PressRelease => "Pressemitteilung",
            Kind::MailingList => "Verteiler",
            Kind::Journalist => "Medienkontakt",
            Kind::PressInquiry => "Presseanfrage",
        }
    }

    /// German plural for headings and navigation.
    pub fn label_plural(self) -> &'static str {
        match self {
            Kind::Region => "Gebietskörperschaften",
            Kind::Partnership => "Partnerschaften",
            Kind::Tenant => "Mandanten",
            Kind::Unit => "Organisationseinheiten",
            Kind::Person => "Personen",
            Kind::Organisation => "Organisationen",
            Kind::Activity => "Aktivitäten",
            Kind::Collection => "Sammlungen",
            Kind::Service => "Dienstleistungen",
            Kind::Channel => "Kanäle",
            Kind::PressRelease => "Pressemitteilungen",
            Kind::MailingList => "Verteiler",
            Kind::Journalist => "Medienkontakte",
            Kind::PressInquiry => "Presseanfragen",
        }
    }

    /// Path segment of the admin UI, in German like every URL users see.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Region => "gebiete",
            Kind::Partnership => "partnerschaften",
            Kind::Tenant => "mandant",
            Kind::Unit => "einheiten",
            Kind::Person => "personen",
            Kind::Organisation => "organisationen",
            Kind::Activity => "aktivitaeten",
            Kind::Collection => "sammlungen",
            Kind::Service => "dienstleistungen",
            Kind::Channel => "kanaele",
            Kind::PressRelease => "pressemitteilungen",
            Kind::MailingList => "verteiler",
            Kind::Journalist => "medienkontakte",
            Kind::PressInquiry => "presseanfragen",
        }
    }

    pub fn from_path(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == s)
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }
}

/// A link from one record to another. A link to a tenant-scoped kind points
/// into the same tenant as the record that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub field: String,
    pub kind: Kind,
    pub slug: String,
}

impl Reference {
    pub fn new(field: impl Into<String>, kind: Kind, slug: &impl std::fmt::Display) -> Self {
        Self {
            field: field.into(),
            kind,
            slug: slug.to_string(),
        }
    }
}

pub trait Record:
    Serialize + DeserializeOwned + JsonSchema + Clone + Send + Sync + 'static
{
    const KIND: Kind;
    fn slug(&self) -> &str;
    /// Checks the record on its own; references are checked by whoever can
    /// see the other records (store, dataset).
    fn validate(&self) -> Vec<FieldError>;
    fn references(&self) -> Vec<Reference>;
    fn doubts(&self) -> &[Doubt];
    /// Resolving a doubt removes it from here.
    fn doubts_mut(&mut self) -> &mut Vec<Doubt>;
    /// What lists show; the slug where a record has no name of its own.
    fn title(&self) -> String {
        self.slug().to_owned()
    }
    /// Fields only the store's own steps set (a release's workflow): a new
    /// record starts them afresh, an edit keeps the stored ones.
    fn keep_managed(&mut self, _stored: Option<&Self>) {}
    /// Why the stored record may not be edited or deleted now, if so.
    fn locked(&self) -> Option<String> {
        None
    }
}

/// The parts of a `Record` impl every kind writes the same way: its kind,
/// slug and doubt marks, and optionally the field that is its title.
macro_rules! record_basics {
    ($kind:expr) => {
        const KIND: Kind = $kind;
        fn slug(&self) -> &str {
            self.slug.as_str()
        }
        fn doubts(&self) -> &[Doubt] {
            &self.doubts
        }
        fn doubts_mut(&mut self) -> &mut Vec<Doubt> {
            &mut self.doubts
        }
    };
    ($kind:expr, $title:ident) => {
        record_basics!($kind);
        fn title(&self) -> String {
            self.$title.clone()
        }
    };
}
pub(crate) use record_basics;

/// Pushes one reference per slug of a list field (`partnerships.0`, …).
pub(crate) fn refs_list<T: std::fmt::Display>(
    out: &mut Vec<Reference>,
    field: &str,
    kind: Kind,
    items: &[T],
) {
    for (i, item) in items.iter().enumerate() {
        out.push(Reference::new(format!("{field}.{i}"), kind, item));
    }
}

pub(crate) fn ref_opt<T: std::fmt::Display>(
    out: &mut Vec<Reference>,
    field: &str,
    kind: Kind,
    item: &Option<T>,
) {
    if let Some(item) = item {
        out.push(Reference::new(field, kind, item));
    }
}
