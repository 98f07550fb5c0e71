//! What the public search finds: one public text of a tenant (a
//! partnership, a partner region, an activity, an organisation, a page, a
//! press release) and the page that shows it. The site makes them from
//! what it publishes, so search never knows more than the pages do.

use crate::Kind;

/// The kinds the public search covers, in the order its filter lists them.
pub const SEARCHED_KINDS: [Kind; 6] = [
    Kind::PressRelease,
    Kind::Page,
    Kind::Partnership,
    Kind::Region,
    Kind::Activity,
    Kind::Organisation,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchDocument {
    pub kind: Kind,
    /// Unique within the tenant: the kind's path and the record's slug
    /// ("seiten/serviceportal", "seiten/serviceportal/leichte-sprache").
    pub key: String,
    pub title: String,
    /// Plain text, no markup.
    pub text: String,
    /// Path of the public page that shows it, with an anchor where the
    /// page shows several ("/harz/partnerschaften/harz-trzebnica#aktivitaeten").
    pub url: String,
    /// The year it belongs to (a release's number, a partnership's start).
    pub year: Option<i16>,
}
