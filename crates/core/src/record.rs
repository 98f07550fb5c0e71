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

pub use crate::kinds::Kind;

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
    /// The reference field that names the record of the same kind this one
    /// lies within (a region's `parent`); the store and the import refuse
    /// a chain of them that leads back to the record.
    const PARENT: Option<&'static str> = None;
    fn slug(&self) -> &str;
    /// Checks the record on its own; references are checked by whoever can
    /// see the other records (store, dataset).
    fn validate(&self) -> Vec<FieldError>;
    /// Everything that makes a record invalid: `validate()` and the rules
    /// every kind shares. Writers (store, import, forms) call this one.
    fn check(&self) -> Vec<FieldError> {
        let mut errors = self.validate();
        match serde_json::to_value(self) {
            Ok(value) => errors.extend(crate::validation::control_characters(&value)),
            Err(e) => errors.push(FieldError::new("", e.to_string())),
        }
        errors
    }
    fn references(&self) -> Vec<Reference>;
    /// The slug that `PARENT` names, if any.
    fn parent_slug(&self) -> Option<String> {
        let field = Self::PARENT?;
        self.references()
            .into_iter()
            .find(|r| r.field == field && r.kind == Self::KIND)
            .map(|r| r.slug)
    }
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
    /// Marks what the writing district added (a shared partnership's
    /// events); `tenant` is whom the write is for, None for the operator.
    fn stamp(&mut self, _stored: Option<&Self>, _tenant: Option<&crate::TenantSlug>) {}
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
