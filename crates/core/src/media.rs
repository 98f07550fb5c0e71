//! Pictures of the media library: uploaded once, kept in several sizes,
//! always with the text that says what they show.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::doubt::Doubt;
use crate::record::{record_basics, Kind, Record, Reference};
use crate::slug::MediaSlug;
use crate::time::LocalTime;
use crate::validation::{Errors, FieldError};

const LINE: usize = 300;

/// One stored size of a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaVariant {
    /// `original.jpg`, `w960.jpg`, `w960.webp`.
    pub name: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaFile {
    pub slug: MediaSlug,
    /// The name the file had when it was uploaded.
    pub file_name: String,
    /// What the picture shows, for people who cannot see it.
    pub alt: String,
    /// "Foto: Landkreis Goslar / Max Muster".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// "CC BY 4.0", "alle Rechte beim Landkreis".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    pub uploaded: LocalTime,
    /// Written by the upload; never typed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<MediaVariant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

impl MediaFile {
    /// The public address of a variant: `/media/goslar/besuch-3f2a/w960.jpg`.
    pub fn src(&self, tenant: &str, variant: &str) -> String {
        format!("/media/{tenant}/{}/{variant}", self.slug)
    }

    /// The variant a page shows: the one 960 wide in the original's
    /// format, else the widest that is not WebP.
    pub fn page_variant(&self) -> Option<&MediaVariant> {
        let plain = |v: &&MediaVariant| !v.name.ends_with(".webp");
        self.variants
            .iter()
            .filter(plain)
            .find(|v| v.name.starts_with("w960."))
            .or_else(|| self.variants.iter().filter(plain).max_by_key(|v| v.width))
    }
}

impl Record for MediaFile {
    record_basics!(Kind::MediaFile, file_name);

    fn validate(&self) -> Vec<FieldError> {
        let mut e = Errors::default();
        e.text("file_name", &self.file_name, LINE);
        if self.alt.trim().is_empty() {
            e.add(
                "alt",
                "fehlt: Beschreiben Sie, was das Bild zeigt, für Menschen, die es nicht sehen können",
            );
        }
        e.text("alt", &self.alt, 1000);
        e.optional_text("credit", &self.credit, LINE);
        e.optional_text("licence", &self.licence, LINE);
        for (i, v) in self.variants.iter().enumerate() {
            let plain = !v.name.is_empty()
                && v.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.');
            if !plain {
                e.add(
                    format!("variants.{i}.name"),
                    "ist kein Dateiname einer Bildgröße",
                );
            }
        }
        e.doubts(&self.doubts);
        e.into_vec()
    }

    fn references(&self) -> Vec<Reference> {
        vec![]
    }
}
