//! The import/export format: everything an installation holds, in one
//! readable JSON document. The demo data is a file in this format.

use std::collections::{BTreeSet, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kinds::{RecordsVisitor, RecordsVisitorMut};
use crate::partnership::Partnership;
use crate::press::PressRelease;
use crate::record::{Kind, Record, Scope};
use crate::region::Region;
use crate::tenant::Tenant;
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

/// A tenant with the records it owns: one list per tenant kind, generated
/// from the table of kinds.
pub use crate::kinds::TenantData;

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

/// A chain of parents that leads back to where it started.
pub fn parent_circle(field: &str, slug: &str) -> FieldError {
    FieldError::new(
        field,
        format!("bildet einen Kreis: „{slug}“ läge dann in sich selbst"),
    )
}

fn check_records<R: Record>(
    global: &Known,
    local: &Known,
    tenant: Option<&str>,
    records: &[R],
) -> Result<(), DatasetError> {
    let parents: HashMap<&str, String> = records
        .iter()
        .filter_map(|r| Some((r.slug(), r.parent_slug()?)))
        .collect();
    for r in records {
        let mut errors = r.check();
        let mut up = parents.get(r.slug());
        for _ in 0..records.len() {
            let Some(parent) = up else { break };
            if parent == r.slug() {
                errors.push(parent_circle(R::PARENT.unwrap_or_default(), r.slug()));
                break;
            }
            up = parents.get(parent.as_str());
        }
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
            let mut add = AddAll {
                known: &mut local,
                tenant: t,
                result: Ok(()),
            };
            data.each(&mut add);
            add.result?;
            check_records(&global, &local, None, std::slice::from_ref(&data.tenant))?;
            let mut check = CheckAll {
                global: &global,
                local: &local,
                tenant: t,
                result: Ok(()),
            };
            data.each(&mut check);
            check.result?;
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
            t.each_mut(&mut BySlug);
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
        let mut count = Count(self.regions.len() + self.partnerships.len());
        for t in &self.tenants {
            count.0 += 1;
            t.each(&mut count);
        }
        count.0
    }
}

/// The visitors that walk a tenant's lists; each stops at the first error.
struct AddAll<'a> {
    known: &'a mut Known,
    tenant: Option<&'a str>,
    result: Result<(), DatasetError>,
}

impl RecordsVisitor for AddAll<'_> {
    fn visit<R: Record>(&mut self, records: &[R]) {
        if self.result.is_ok() {
            self.result = self.known.add(self.tenant, records);
        }
    }
}

struct CheckAll<'a> {
    global: &'a Known,
    local: &'a Known,
    tenant: Option<&'a str>,
    result: Result<(), DatasetError>,
}

impl RecordsVisitor for CheckAll<'_> {
    fn visit<R: Record>(&mut self, records: &[R]) {
        if self.result.is_ok() {
            self.result = check_records(self.global, self.local, self.tenant, records);
        }
    }
}

struct Count(usize);

impl RecordsVisitor for Count {
    fn visit<R: Record>(&mut self, records: &[R]) {
        self.0 += records.len();
    }
}

struct BySlug;

impl RecordsVisitorMut for BySlug {
    fn visit<R: Record>(&mut self, records: &mut Vec<R>) {
        records.sort_by(|a, b| a.slug().cmp(b.slug()));
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
    fn regions_cannot_lie_within_each_other() {
        let mut d = sample();
        d.regions[0].parent = Some(crate::RegionSlug::parse("powiat-trzebnicki").unwrap());
        d.check().unwrap();
        d.regions[1].parent = Some(crate::RegionSlug::parse("goslar").unwrap());
        let err = d.check().unwrap_err();
        assert_eq!(err.record, "Gebietskörperschaft „goslar“");
        assert_eq!(err.errors[0].field, "parent");
        assert!(err.errors[0].message.contains("bildet einen Kreis"));
    }

    #[test]
    fn an_import_cannot_approve_its_own_submission() {
        let mut d = sample();
        let release: PressRelease = serde_json::from_value(json!({
            "slug": "pm", "title": "Titel", "body": "Text",
            "workflow": {"state": "approved", "submitted_by": "presse@goslar.example",
                "approved_by": "presse@goslar.example", "released_at": "2022-03-14T09:00:00Z",
                "number": {"year": 2022, "number": 1}}
        }))
        .unwrap();
        d.tenants[0].press_releases.push(release.clone());
        let err = d.check().unwrap_err();
        assert_eq!(err.errors[0].field, "workflow.approved_by");
        let mut other = release;
        other.workflow.approved_by = Some("landrat@goslar.example".into());
        d.tenants[0].press_releases = vec![other];
        d.check().unwrap();
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
