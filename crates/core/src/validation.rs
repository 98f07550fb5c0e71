//! Field-level validation with German messages, shared by API, import and
//! (later) admin forms so that all three say the same thing.

use schemars::JsonSchema;
use serde::Serialize;

use crate::doubt::Doubt;

/// One problem with one field; `field` is a dotted path (`names.0.name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Collects the errors of one record.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "darf nicht leer sein");
        } else if value.chars().count() > max {
            self.add(field, format!("ist zu lang (höchstens {max} Zeichen)"));
        }
    }

    pub fn optional_text(&mut self, field: &str, value: &Option<String>, max: usize) {
        if let Some(value) = value {
            self.text(field, value, max);
        }
    }

    pub fn url(&mut self, field: &str, value: &Option<String>) {
        if let Some(url) = value {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => {}
                _ => self.add(
                    field,
                    "muss eine Webadresse sein, die mit http:// oder https:// beginnt",
                ),
            }
        }
    }

    pub fn email(&mut self, field: &str, value: &Option<String>) {
        if let Some(mail) = value {
            let valid = match mail.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !mail.contains(char::is_whitespace)
                }
                None => false,
            };
            if !valid {
                self.add(field, "ist keine gültige E-Mail-Adresse");
            }
        }
    }

    pub fn unique<T: PartialEq>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                self.add(format!("{field}.{i}"), "ist doppelt angegeben");
            }
        }
    }

    pub fn doubts(&mut self, doubts: &[Doubt]) {
        for (i, doubt) in doubts.iter().enumerate() {
            self.text(&format!("doubts.{i}.field"), &doubt.field, 200);
            self.text(&format!("doubts.{i}.note"), &doubt.note, 2000);
        }
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// Serializes whole numbers without a fraction (`20`, not `20.0`), so that
/// counts read as counts in exports and API replies.
pub(crate) fn whole_or_fraction<S: serde::Serializer>(
    value: &f64,
    s: S,
) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT {
        s.serialize_i64(*value as i64)
    } else {
        s.serialize_f64(*value)
    }
}
