//! A read-only copy of every record and reference in memory, for work that
//! reads the whole site once (the static export): one query per table
//! instead of a dozen per page, and one consistent state throughout.

use std::collections::HashMap;
use std::sync::Arc;

use kreiskom_core::{Kind, Record, TenantSlug};
use sqlx::Row;

use crate::records::{decode_parts, kind_name, referrer, tenant_key, Referrer, Stored};
use crate::{Result, Store};

struct Kept {
    data: String,
    version: i64,
    created_at: String,
    updated_at: String,
}

#[derive(Default)]
pub(crate) struct Snapshot {
    /// (kind, tenant) → slug → row, slugs in order.
    records: HashMap<(&'static str, String), std::collections::BTreeMap<String, Kept>>,
    /// (kind, tenant, slug) pointed at and the kind pointing → who points
    /// at it, in the store's order: a district's towns are found without
    /// going through the thousands of partnerships that name it too.
    references: HashMap<(String, String, String, Kind), Vec<Referrer>>,
}

impl Store {
    /// This store with every record and reference read into memory; reads
    /// of records and references are answered from there. For reading
    /// only: writes through it are not seen by its reads.
    pub async fn snapshot(&self) -> Result<Store> {
        let mut snap = Snapshot::default();
        for kind in Kind::ALL {
            let sql = format!(
                "SELECT tenant, slug, data, version, created_at, updated_at FROM {}",
                kind_name(*kind)
            );
            for row in sqlx::query(&sql).fetch_all(&self.pool).await? {
                let tenant: String = row.try_get("tenant")?;
                snap.records
                    .entry((kind_name(*kind), tenant))
                    .or_default()
                    .insert(
                        row.try_get("slug")?,
                        Kept {
                            data: row.try_get("data")?,
                            version: row.try_get("version")?,
                            created_at: row.try_get("created_at")?,
                            updated_at: row.try_get("updated_at")?,
                        },
                    );
            }
        }
        let rows = sqlx::query(
            "SELECT to_kind, to_tenant, to_slug, from_kind, from_tenant, from_slug, field
             FROM record_references ORDER BY from_kind, from_tenant, from_slug, field",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let from = referrer(&row)?;
            snap.references
                .entry((
                    row.try_get("to_kind")?,
                    row.try_get("to_tenant")?,
                    row.try_get("to_slug")?,
                    from.kind,
                ))
                .or_default()
                .push(from);
        }
        let mut copy = self.clone();
        copy.snapshot = Some(Arc::new(snap));
        Ok(copy)
    }
}

impl Snapshot {
    fn stored<R: Record>(slug: &str, row: &Kept) -> Result<Stored<R>> {
        decode_parts(
            slug,
            &row.data,
            row.version,
            row.created_at.clone(),
            row.updated_at.clone(),
        )
    }

    pub(crate) fn list<R: Record>(&self, tenant: Option<&TenantSlug>) -> Result<Vec<Stored<R>>> {
        let key = (kind_name(R::KIND), tenant_key(R::KIND, tenant).to_owned());
        self.records
            .get(&key)
            .map(|rows| {
                rows.iter()
                    .map(|(slug, row)| Self::stored(slug, row))
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    pub(crate) fn get_many<R: Record>(
        &self,
        tenant: Option<&TenantSlug>,
        slugs: &[&str],
    ) -> Result<Vec<Stored<R>>> {
        let key = (kind_name(R::KIND), tenant_key(R::KIND, tenant).to_owned());
        let Some(rows) = self.records.get(&key) else {
            return Ok(Vec::new());
        };
        let mut wanted: Vec<&str> = slugs.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        wanted
            .into_iter()
            .filter_map(|s| rows.get(s).map(|row| Self::stored(s, row)))
            .collect()
    }

    /// Who of kind `from` points at a record.
    pub(crate) fn referrers_of_kind(
        &self,
        kind: Kind,
        tenant: &str,
        slug: &str,
        from: Kind,
    ) -> Vec<Referrer> {
        self.references
            .get(&(
                kind_name(kind).to_owned(),
                tenant.to_owned(),
                slug.to_owned(),
                from,
            ))
            .cloned()
            .unwrap_or_default()
    }

    /// Who points at a record, ordered by kind as the store orders them.
    pub(crate) fn referrers(&self, kind: Kind, tenant: &str, slug: &str) -> Vec<Referrer> {
        let mut kinds = Kind::ALL.to_vec();
        kinds.sort_by_key(|k| kind_name(*k));
        kinds
            .into_iter()
            .flat_map(|from| self.referrers_of_kind(kind, tenant, slug, from))
            .collect()
    }
}
