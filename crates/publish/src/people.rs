//! Names people by their names: an account by the name it was given, the
//! operator's doors by what they are. Workflows and the audit log keep
//! e-mail addresses, because names are not unique; pages show names.

use std::collections::BTreeMap;

use kreiskom_store::Store;

use crate::Result;

#[derive(Debug, Clone, Default)]
pub struct People(BTreeMap<String, String>);

impl People {
    pub async fn load(store: &Store) -> Result<Self> {
        Ok(Self(store.account_names().await?))
    }

    /// "Dr. Maria Muster"; an address without an account stays as it is.
    pub fn name(&self, who: &str) -> String {
        match who {
            "kommandozeile" => "Betrieb (Kommandozeile)".to_owned(),
            "api-token" => "Betrieb (API-Schlüssel)".to_owned(),
            "" => "unbekannt".to_owned(),
            _ => self
                .0
                .get(&kreiskom_store::normalize_email(who))
                .cloned()
                .unwrap_or_else(|| who.to_owned()),
        }
    }

    pub fn name_of(&self, who: Option<&str>) -> Option<String> {
        who.map(|w| self.name(w))
    }
}
