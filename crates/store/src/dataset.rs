//! Export and import of the whole installation as one `Dataset`.

use kreiskom_core::{Actor, Dataset, Kind, TenantData, DATASET_FORMAT};
use sqlx::Row;

use crate::audit::{self, Action, Change};
use crate::records::insert;
use crate::{Result, Store, StoreError};

impl Store {
    /// Everything, in canonical order, so that two exports of the same data
    /// are byte-identical.
    pub async fn export(&self) -> Result<Dataset> {
        let mut tenants = Vec::new();
        for tenant in self.records::<kreiskom_core::Tenant>(None).await? {
            let t = Some(&tenant.slug);
            tenants.push(TenantData {
                units: self.records(t).await?,
                people: self.records(t).await?,
                organisations: self.records(t).await?,
                activities: self.records(t).await?,
                collections: self.records(t).await?,
                services: self.records(t).await?,
                channels: self.records(t).await?,
                mailing_lists: self.records(t).await?,
                journalists: self.records(t).await?,
                press_releases: self.records(t).await?,
                press_inquiries: self.records(t).await?,
                tenant,
            });
        }
        let mut dataset = Dataset {
            format: DATASET_FORMAT.to_owned(),
            regions: self.records(None).await?,
            partnerships: self.records(None).await?,
            tenants,
        };
        dataset.normalize();
        Ok(dataset)
    }

    pub async fn is_empty(&self) -> Result<bool> {
        for kind in [Kind::Region, Kind::Partnership, Kind::Tenant] {
            let sql = format!("SELECT COUNT(*) AS n FROM {}", kind.plural());
            let n: i64 = sqlx::query(&sql)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            if n > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Imports a dataset into an empty database in one transaction: either
    /// all of it is there afterwards, or nothing is. `progress` is called
    /// after each record with (done, total). Only the operator imports.
    pub async fn import(
        &self,
        actor: &Actor,
        dataset: &Dataset,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize> {
        if !actor.is_operator() {
            return Err(StoreError::Forbidden);
        }
        dataset.check()?;
        let total = dataset.record_count();
        let mut tx = self.write().await?;
        for kind in [Kind::Region, Kind::Partnership, Kind::Tenant] {
            let sql = format!("SELECT COUNT(*) AS n FROM {}", kind.plural());
            let n: i64 = sqlx::query(&sql).fetch_one(&mut *tx).await?.try_get("n")?;
            if n > 0 {
                return Err(StoreError::NotEmpty);
            }
        }
        let mut done = 0;
        let mut step = |n: &mut usize| {
            *n += 1;
            progress(*n, total);
        };
        for r in &dataset.regions {
            insert(&mut tx, "", r).await?;
            step(&mut done);
        }
        for p in &dataset.partnerships {
            insert(&mut tx, "", p).await?;
            step(&mut done);
        }
        for t in &dataset.tenants {
            insert(&mut tx, "", &t.tenant).await?;
            step(&mut done);
            let key = t.tenant.slug.as_str();
            macro_rules! each {
                ($($list:ident),*) => {$(
                    for r in &t.$list {
                        insert(&mut tx, key, r).await?;
                        step(&mut done);
                    }
                )*};
            }
            each!(
                units,
                people,
                organisations,
                activities,
                collections,
                services,
                channels,
                mailing_lists,
                journalists,
                press_releases,
                press_inquiries
            );
            crate::press::record_imported_numbers(&mut tx, key, &t.press_releases).await?;
        }
        let summary = serde_json::json!({ "records": done }).to_string();
        audit::append(
            &mut tx,
            Change {
                actor: actor.name(),
                tenant: "",
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
        Ok(done)
    }
}
