//! The domain of kreiskom: regions, partnerships and the records a district
//! keeps about them. Pure: no I/O, so every rule here is unit-tested.

pub mod access;
pub mod country;
pub mod dataset;
pub mod date;
pub mod doubt;
pub mod freshness;
pub mod kinds;
pub mod legal;
pub mod media;
pub mod network;
pub mod outbox;
pub mod page;
pub mod partnership;
pub mod post;
pub mod press;
pub mod print;
pub mod record;
pub mod region;
pub mod search;
pub mod slug;
pub mod social;
pub mod tenant;
pub mod time;
pub mod twinning;
pub mod validation;
pub mod wikidata;

pub use access::{Actor, Grant, Permit, Role, TenantScope};
pub use dataset::{Dataset, DatasetError, TenantData, DATASET_FORMAT};
pub use date::PartialDate;
pub use doubt::{Doubt, Shown};
pub use freshness::{Finding, FindingCheck, Rule};
pub use kinds::{each_kind, Kind, KindVisitor, RecordsVisitor, RecordsVisitorMut};
pub use legal::{AccessibilityRules, Feedback, LegalKind, LegalPage};
pub use media::{MediaFile, MediaVariant};
pub use outbox::{Payload, ReleaseMail, Target, TargetKind};
pub use page::Page;
pub use partnership::{
    Category, EventKind, Language, Partnership, PartnershipEvent, Status, StatusAt, Topic,
    Translation,
};
pub use post::{Post, PostPublish, PostVariant};
pub use press::{
    Appointment, Due, Image, InquiryStatus, Journalist, MailingList, PressInquiry, PressRelease,
    ReleaseNumber, ReleaseState, Stage, Timeliness, Workflow, WorkflowError,
};
pub use print::{
    din5008, FormField, FormFieldKind, FormFieldWidth, Participant, ParticipantList, PrintForm,
    PrintOrder, PrintOrderState, PrintProduct,
};
pub use record::{Record, Reference, Scope};
pub use region::{
    Coordinates, CountryCode, FactKind, Gender, Region, RegionFact, RegionKind, RegionName,
    Succession,
};
pub use search::{SearchDocument, SEARCHED_KINDS};
pub use slug::{
    slugify, ActivitySlug, ChannelSlug, CollectionSlug, FeedbackSlug, FindingCheckSlug,
    InquirySlug, JournalistSlug, LegalPageSlug, MailingListSlug, MediaSlug, OrganisationSlug,
    PageSlug, ParticipantListSlug, PartnershipSlug, PersonSlug, PostSlug, PressReleaseSlug,
    PrintFormSlug, PrintOrderSlug, RegionSlug, ServiceSlug, SlugError, TenantSlug, UnitSlug,
};
pub use tenant::{
    Activity, ActivityKind, Address, Channel, Collection, CollectionItem, CollectionLocation,
    Contact, Figure, Funding, FundingSource, ItemKind, LocationKind, NumberingStart, Organisation,
    OrganisationKind, Person, Platform, Qualifier, Service, Tenant, Unit, RESERVED_TENANT_SLUGS,
};
pub use time::{berlin, Clock, LocalTime};
pub use validation::FieldError;
