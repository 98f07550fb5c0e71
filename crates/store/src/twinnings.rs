//! Lists of twinnings written into the registry in one transaction.

use std::collections::HashMap;

use kreiskom_core::twinning::{self, Decisions, Plan, TwinningRow};
use kreiskom_core::{Actor, Kind, Partnership, Record, Region, TenantSlug};
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Action, Change};
use crate::records::{insert_many, parse, rewrite, NewRecord};
use crate::{Result, Store, StoreError};

/// How far an import is, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStep {
    /// The registry is read and the list matched against it.
    Matched,
    /// This many of the new records are written.
    Written { done: usize, total: usize },
}

impl Store {
    /// Matches `rows` against the registry and, unless `dry_run`, writes
    /// what the plan says: all of it or, on any error, nothing. The plan
    /// is made inside the writing transaction, so no change between
    /// reading and writing can slip in. The operator imports, and whoever
    /// may edit regions and partnerships for `on_behalf` (the audit log
    /// keeps the import under that tenant).
    #[allow(clippy::too_many_arguments)]
    pub async fn import_twinnings(
        &self,
        actor: &Actor,
        on_behalf: Option<&TenantSlug>,
        rows: &[TwinningRow],
        decisions: &Decisions,
        dry_run: bool,
        mut progress: impl FnMut(ImportStep),
    ) -> Result<Plan> {
        let allowed = actor.is_operator()
            || on_behalf.is_some_and(|t| {
                actor.may_edit(t, Kind::Region) && actor.may_edit(t, Kind::Partnership)
            });
        if !allowed {
            return Err(StoreError::Forbidden);
        }
        let tenant = on_behalf.map_or("", |t| t.as_str());
        let mut tx = self.write().await?;
        let (known, versions) = registry::<Region>(&mut tx).await?;
        let (partnerships, _) = registry::<Partnership>(&mut tx).await?;
        let plan = twinning::plan(rows, &known, &partnerships, decisions);
        progress(ImportStep::Matched);
        if dry_run || plan.changes_nothing() {
            return Ok(plan);
        }
        let total = plan.regions.len() + plan.partnerships.len() + plan.aliased.len();
        let regions: Vec<NewRecord> = plan.regions.iter().map(|r| NewRecord::of("", r)).collect();
        insert_many(&mut tx, self.backend, "", &regions, |done| {
            progress(ImportStep::Written { done, total })
        })
        .await?;
        let partnerships: Vec<NewRecord> = plan
            .partnerships
            .iter()
            .map(|p| NewRecord::of("", p))
            .collect();
        insert_many(&mut tx, self.backend, "", &partnerships, |done| {
            progress(ImportStep::Written {
                done: regions.len() + done,
                total,
            })
        })
        .await?;
        for region in &plan.aliased {
            let (Some(&version), Some(old)) = (
                versions.get(region.slug()),
                known.iter().find(|r| r.slug == region.slug),
            ) else {
                return Err(StoreError::NotFound {
                    kind: Kind::Region,
                    slug: region.slug().to_owned(),
                });
            };
            let before = serde_json::to_string(old).expect("records always serialize");
            let stored = rewrite(&mut tx, "", region, version).await?;
            let after = serde_json::to_string(region).expect("records always serialize");
            audit::append(
                &mut tx,
                Change {
                    actor: actor.name(),
                    tenant,
                    kind: Kind::Region.plural(),
                    slug: region.slug(),
                    action: Action::Update,
                    version: Some(stored.version),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
            .await?;
        }
        if !plan.aliased.is_empty() {
            progress(ImportStep::Written { done: total, total });
        }
        let summary = serde_json::json!({
            "twinnings": {
                "rows": plan.rows,
                "regions": plan.regions.len(),
                "partnerships": plan.partnerships.len(),
                "aliases": plan.aliased.len(),
                "known": plan.known,
                "questions": plan.questions.len(),
                "problems": plan.problems.len(),
            }
        })
        .to_string();
        audit::append(
            &mut tx,
            Change {
                actor: actor.name(),
                tenant,
                kind: "dataset",
                slug: "",
                action: Action::Import,
                version: None,
                before: None,
                after: Some(&summary),
            },
        )
        .await?;
        let generation = crate::generation::bump(&mut tx).await?;
        tx.commit().await?;
        self.committed(generation);
        Ok(plan)
    }
}

/// Every record of a shared kind, and each one's version by slug, read
/// in `tx`.
async fn registry<R: Record>(
    tx: &mut Transaction<'static, Any>,
) -> Result<(Vec<R>, HashMap<String, i64>)> {
    let sql = format!(
        "SELECT slug, data, version FROM {} WHERE tenant = ''",
        R::KIND.plural()
    );
    let rows = sqlx::query(&sql).fetch_all(&mut **tx).await?;
    let mut records = Vec::with_capacity(rows.len());
    let mut versions = HashMap::with_capacity(rows.len());
    for row in rows {
        let slug: String = row.try_get("slug")?;
        let data: String = row.try_get("data")?;
        records.push(parse(&slug, &data)?);
        versions.insert(slug, row.try_get("version")?);
    }
    Ok((records, versions))
}
