//! The import/export format: everything an installation holds, in one
//! readable JSON document. The demo data is a file in this format.

use std::collections::{BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::partnership::Partnership;
use crate::press::{Journalist, MailingList, PressInquiry, PressRelease};
use crate::record::{Kind, Record, Scope};
use crate::region::Region;
use crate::tenant::{Activity, Channel, Collection, Organisation, Person, Service, Tenant, Unit};
use crate::validation::FieldError;

pub const DATASET_FORMAT: &str = "kreiskom/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub format: String,
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub partnerships: Vec<Partnership>,
    #[serde(default)]
    pub tenants: Vec<TenantData>,
}

/// A tenant with the records it owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantData {
    pub tenant: Tenant,
    #[serde(default)]
    pub units: Vec<Unit>,
    #[serde(default)]
    pub people: Vec<Person>,
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub collections: Vec<Collection>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub mailing_lists: Vec<MailingList>,
    #[serde(default)]
    pub journalists: Vec<Journalist>,
    #[serde(default)]
    pub press_releases: Vec<PressRelease>,
    #[serde(default)]
    pub press_inquiries: Vec<PressInquiry>,
}

/// The first record of a dataset that cannot be taken, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{record}: {}", .errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
pub struct DatasetError {
    /// "Mandant „goslar“ / Aktivität „hilfskonvoi-2022“".
    pub record: String,
    pub errors: Vec<FieldError>,
}

fn name(tenant: Option<&str>, kind: Kind, slug: &str) -> String {
    match tenant {
        Some(t) => format!("Mandant „{t}“ / {} „{slug}“", kind.label()),
        None => format!("{} „{slug}“", kind.label()),
    }
}

/// Slugs per kind, to check references without a database.
#[derive(Default)]
struct Known(HashMap<Kind, BTreeSet<String>>);

impl Known {
    fn add<R: Record>(&mut self, tenant: Option<&str>, records: &[R]) -> Result<(), DatasetError> {
        let set = self.0.entry(R::KIND).or_default();
        for r in records {
            if !set.insert(r.slug().to_owned()) {
                return Err(DatasetError {
                    record: name(tenant, R::KIND, r.slug()),
                    errors: vec![FieldError::new("slug", "ist doppelt vergeben")],
                });
            }
        }
        Ok(())
    }

    fn contains(&self, kind: Kind, slug: &str) -> bool {
        self.0.get(&kind).is_some_and(|s| s.contains(slug))
    }
}

fn check_records<R: Record>(
    global: &Known,
    local: &Known,
    tenant: Option<&str>,
    records: &[R],
) -> Result<(), DatasetError> {
    for r in records {
        let mut errors = r.validate();
        for reference in r.references() {
            let known = match reference.kind.scope() {
                Scope::Global => global,
                Scope::Tenant => local,
            };
            if !known.contains(reference.kind, &reference.slug) {
                errors.push(FieldError::new(
                    reference.field,
                    format!(
                        "verweist auf unbekannte {} „{}“",
                        reference.kind.label(),
                        reference.slug
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(DatasetError {
                record: name(tenant, R::KIND, r.slug()),
                errors,
            });
        }
    }
    Ok(())
}

impl Dataset {
    pub fn empty() -> Self {
        Self {
            format: DATASET_FORMAT.to_owned(),
            regions: vec![],
            partnerships: vec![],
            tenants: vec![],
        }
    }

    /// Checks every record and every reference, in file order, and names
    /// the first record that fails.
    pub fn check(&self) -> Result<(), DatasetError> {
        if self.format != DATASET_FORMAT {
            return Err(DatasetError {
                record: "Datei".to_owned(),
                errors: vec![FieldError::new(
                    "format",
                    format!("muss „{DATASET_FORMAT}“ sein, ist „{}“", self.format),
                )],
            });
        }
        let mut global = Known::default();
        global.add(None, &self.regions)?;
        global.add(None, &self.partnerships)?;
        let tenants: Vec<Tenant> = self.tenants.iter().map(|t| t.tenant.clone()).collect();
        global.add(None, &tenants)?;
        check_records(&global, &Known::default(), None, &self.regions)?;
        check_records(&global, &Known::default(), None, &self.partnerships)?;
        for data in &self.tenants {
            let t = Some(data.tenant.slug.as_str());
            let mut local = Known::default();
            local.add(t, &data.units)?;
            local.add(t, &data.people)?;
            local.add(t, &data.organisations)?;
            local.add(t, &data.activities)?;
            local.add(t, &data.collections)?;
            local.add(t, &data.services)?;
            local.add(t, &data.channels)?;
            local.add(t, &data.mailing_lists)?;
            local.add(t, &data.journalists)?;
            local.add(t, &data.press_releases)?;
            local.add(t, &data.press_inquiries)?;
            check_records(&global, &local, None, std::slice::from_ref(&data.tenant))?;
            check_records(&global, &local, t, &data.units)?;
            check_records(&global, &local, t, &data.people)?;
            check_records(&global, &local, t, &data.organisations)?;
            check_records(&global, &local, t, &data.activities)?;
            check_records(&global, &local, t, &data.collections)?;
            check_records(&global, &local, t, &data.services)?;
            check_records(&global, &local, t, &data.channels)?;
            check_records(&global, &local, t, &data.mailing_lists)?;
            check_records(&global, &local, t, &data.journalists)?;
            check_records(&global, &local, t, &data.press_releases)?;
            check_records(&global, &local, t, &data.press_inquiries)?;
            check_release_numbers(t, &data.press_releases)?;
        }
        Ok(())
    }

    /// Sorts every list by slug: the canonical order of an export.
    pub fn normalize(&mut self) {
        fn by_slug<R: Record>(v: &mut [R]) {
            v.sort_by(|a, b| a.slug().cmp(b.slug()));
        }
        by_slug(&mut self.regions);
        by_slug(&mut self.partnerships);
        self.tenants
            .sort_by(|a, b| a.tenant.slug.cmp(&b.tenant.slug));
        for t in &mut self.tenants {
            by_slug(&mut t.units);
            by_slug(&mut t.people);
            by_slug(&mut t.organisations);
            by_slug(&mut t.activities);
            by_slug(&mut t.collections);
            by_slug(&mut t.services);
            by_slug(&mut t.channels);
            by_slug(&mut t.mailing_lists);
            by_slug(&mut t.journalists);
            by_slug(&mut t.press_releases);
            by_slug(&mut t.press_inquiries);
        }
    }

    /// The canonical text: normalized, pretty-printed, newline at the end.
    pub fn to_canonical_json(&self) -> String {
        let mut copy = self.clone();
        copy.normalize();
        let mut text = serde_json::to_string_pretty(&copy).expect("a dataset always serializes");
        text.push('\n');
        text
    }

    pub fn record_count(&self) -> usize {
        self.regions.len()
            + self.partnerships.len()
            + self
                .tenants
                .iter()
                .map(|t| {
                    1 + t.units.len()
                        + t.people.len()
                        + t.organisations.len()
                        + t.activities.len()
                        + t.collections.len()
                        + t.services.len()
                        + t.channels.len()
                        + t.mailing_lists.len()
                        + t.journalists.len()
                        + t.press_releases.len()
                        + t.press_inquiries.len()
                })
                .sum::<usize>()
    }
}

/// A release number is given once per tenant and year.
fn check_release_numbers(
    tenant: Option<&str>,
    releases: &[PressRelease],
) -> Result<(), DatasetError> {
    let mut seen = BTreeSet::new();
    for r in releases {
        if let Some(n) = r.workflow.number {
            if !seen.insert((n.year, n.number)) {
                return Err(DatasetError {
                    record: name(tenant, Kind::PressRelease, r.slug()),
                    errors: vec![FieldError::new(
                        "workflow.number",
                        format!("Nr. {n} ist doppelt vergeben"),
                    )],
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Dataset {
        serde_json::from_value(json!({
            "format": "kreiskom/1",
            "regions": [
                {"slug": "goslar", "kind": "district", "country": "DE", "names": [{"lang": "de", "name": "Landkreis Goslar"}]},
                {"slug": "powiat-trzebnicki", "kind": "powiat", "country": "PL", "names": [{"lang": "pl", "name": "Powiat trzebnicki"}]}
            ],
            "partnerships": [
                {"slug": "goslar-trebnitz", "regions": ["goslar", "powiat-trzebnicki"], "category": "partnership"}
            ],
            "tenants": [{
                "tenant": {"slug": "goslar", "name": "Landkreis Goslar", "region": "goslar", "communication_unit": "kommunikation"},
                "units": [{"slug": "kommunikation", "name": "Steuerungsgruppe Kommunikation"}],
                "activities": [{"slug": "konvoi", "kind": "aid_transport", "title": "Hilfskonvoi", "partnerships": ["goslar-trebnitz"]}]
            }]
        }))
        .unwrap()
    }

    #[test]
    fn a_consistent_dataset_passes() {
        sample().check().unwrap();
        assert_eq!(sample().record_count(), 6);
    }

    #[test]
    fn a_dangling_reference_names_record_and_field() {
        let mut d = sample();
        d.tenants[0].activities[0].partnerships[0] = "goslar-breslau".parse_slug();
        let err = d.check().unwrap_err();
        assert_eq!(err.record, "Mandant „goslar“ / Aktivität „konvoi“");
        assert_eq!(err.errors[0].field, "partnerships.0");
        assert!(err.errors[0]
            .message
            .contains("unbekannte Partnerschaft „goslar-breslau“"));
    }

    #[test]
    fn tenant_references_do_not_cross_tenants() {
        let mut d = sample();
        let mut other = d.tenants[0].clone();
        other.tenant.slug = crate::TenantSlug::parse("harz").unwrap();
        other.units.clear();
        other.activities.clear();
        d.tenants.push(other);
        let err = d.check().unwrap_err();
        assert_eq!(err.record, "Mandant „harz“");
        assert_eq!(err.errors[0].field, "communication_unit");
    }

    #[test]
    fn duplicate_slugs_are_refused() {
        let mut d = sample();
        d.regions.push(d.regions[0].clone());
        assert_eq!(
            d.check().unwrap_err().record,
            "Gebietskörperschaft „goslar“"
        );
    }

    #[test]
    fn canonical_json_is_sorted_and_stable() {
        let mut d = sample();
        d.regions.reverse();
        let text = d.to_canonical_json();
        assert!(text.find("\"goslar\"").unwrap() < text.find("\"powiat-trzebnicki\"").unwrap());
        let back: Dataset = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_canonical_json(), text);
    }

    trait ParseSlug {
        fn parse_slug(self) -> crate::PartnershipSlug;
    }
    impl ParseSlug for &str {
        fn parse_slug(self) -> crate::PartnershipSlug {
            crate::PartnershipSlug::parse(self).unwrap()
        }
    }
}
