//! Slugs are the stable, readable identities of records (`goslar`,
//! `goslar-trebnitz`); each kind has its own type so that a region's slug
//! cannot be passed where a partnership's is expected.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

const MAX_LEN: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Kennung „{0}“ ist ungültig: erlaubt sind Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche (höchstens 80 Zeichen)")]
pub struct SlugError(pub String);

fn check(s: &str) -> Result<(), SlugError> {
    let ok = !s.is_empty()
        && s.len() <= MAX_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(SlugError(s.to_owned()))
    }
}

/// Each type names the kind of record it points to (`Kind::plural`); the
/// schema carries it as `x-kind`, so a form offers those records to pick.
macro_rules! slug_types {
    ($($(#[$doc:meta])* $name:ident => $kind:literal),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, SlugError> {
                check(s)?;
                Ok(Self(s.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = SlugError;
            fn try_from(s: String) -> Result<Self, SlugError> {
                check(&s)?;
                Ok(Self(s))
            }
        }
        impl From<$name> for String {
            fn from(s: $name) -> String {
                s.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                    "maxLength": MAX_LEN,
                    "x-kind": $kind,
                })
            }
        }
    )*};
}

slug_types!(
    /// A tenant (district administration using kreiskom), e.g. `goslar`.
    TenantSlug => "tenants",
    RegionSlug => "regions",
    PartnershipSlug => "partnerships",
    ActivitySlug => "activities",
    OrganisationSlug => "organisations",
    UnitSlug => "units",
    PersonSlug => "people",
    CollectionSlug => "collections",
    ServiceSlug => "services",
    ChannelSlug => "channels",
    PressReleaseSlug => "press_releases",
    MailingListSlug => "mailing_lists",
    JournalistSlug => "journalists",
    InquirySlug => "press_inquiries",
    LegalPageSlug => "legal_pages",
    FeedbackSlug => "feedback",
    MediaSlug => "media_files",
    PageSlug => "pages",
    FindingCheckSlug => "finding_checks",
    PrintFormSlug => "print_forms",
    ParticipantListSlug => "participant_lists",
    PrintOrderSlug => "print_orders",
    PostSlug => "posts",
);

/// Lowercase ASCII with German transliteration (ä→ae, ö→oe, ü→ue, ß→ss);
/// other letters lose their accents (ș→s, ł→l).
pub fn slugify(text: &str) -> String {
    let mut german = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ä' => german.push_str("ae"),
            'ö' => german.push_str("oe"),
            'ü' => german.push_str("ue"),
            'Ä' => german.push_str("Ae"),
            'Ö' => german.push_str("Oe"),
            'Ü' => german.push_str("Ue"),
            'ß' => german.push_str("ss"),
            c => german.push(c),
        }
    }
    let ascii = deunicode::deunicode(&german).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(MAX_LEN);
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_transliterates_german_and_strips_accents() {
        assert_eq!(slugify("Unterallgäu"), "unterallgaeu");
        assert_eq!(slugify("Spree-Neiße"), "spree-neisse");
        assert_eq!(slugify("Bistrița-Năsăud"), "bistrita-nasaud");
        assert_eq!(slugify("Końskie"), "konskie");
        assert_eq!(slugify("  Blankenburg (Harz) "), "blankenburg-harz");
        assert_eq!(slugify("Löhne"), "loehne");
        assert_ne!(slugify("Löhne"), slugify("Lohne"));
    }

    #[test]
    fn slug_rejects_uppercase_spaces_and_double_hyphens() {
        assert!(RegionSlug::parse("goslar").is_ok());
        assert!(RegionSlug::parse("spree-neisse").is_ok());
        for bad in [
            "",
            "Goslar",
            "a b",
            "a--b",
            "-a",
            "a-",
            "ä",
            &"x".repeat(81),
        ] {
            assert!(RegionSlug::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn slug_deserialization_carries_the_german_message() {
        let err = serde_json::from_str::<TenantSlug>("\"Goslar\"").unwrap_err();
        assert!(
            err.to_string().contains("Kennung „Goslar“ ist ungültig"),
            "{err}"
        );
    }

    /// A link's schema names a kind that exists, so a form can offer its
    /// records.
    #[test]
    fn each_slug_type_names_its_kind() {
        fn kind_of<T: JsonSchema>() -> crate::Kind {
            let schema = schemars::SchemaGenerator::default().into_root_schema_for::<T>();
            let kind = schema.get("x-kind").and_then(|k| k.as_str()).unwrap();
            crate::Kind::from_plural(kind).unwrap_or_else(|| panic!("no kind {kind}"))
        }
        assert_eq!(kind_of::<RegionSlug>(), crate::Kind::Region);
        assert_eq!(kind_of::<PersonSlug>(), crate::Kind::Person);
        assert_eq!(kind_of::<MailingListSlug>(), crate::Kind::MailingList);
        assert_eq!(kind_of::<MediaSlug>(), crate::Kind::MediaFile);
        assert_eq!(kind_of::<FeedbackSlug>(), crate::Kind::Feedback);
        assert_eq!(kind_of::<InquirySlug>(), crate::Kind::PressInquiry);
        assert_eq!(kind_of::<FindingCheckSlug>(), crate::Kind::FindingCheck);
        assert_eq!(kind_of::<TenantSlug>(), crate::Kind::Tenant);
        assert_eq!(kind_of::<PrintOrderSlug>(), crate::Kind::PrintOrder);
    }
}
