//! Export and import of the whole installation as one `Dataset`.

use kreiskom_core::{
    Actor, Dataset, Kind, Record, RecordsVisitor, Scope, TenantData, DATASET_FORMAT,
};
use sqlx::Row;

use crate::audit::{self, Action, Change};
use crate::records::{insert, insert_row, NewRecord};
use crate::{Result, Store, StoreError};

impl Store {
    /// Everything, in canonical order, so that two exports of the same data
    /// are byte-identical.
    pub async fn export(&self) -> Result<Dataset> {
        let mut tenants = Vec::new();
        for tenant in self.records::<kreiskom_core::Tenant>(None).await? {
            // Each tenant kind's list under its name, read as stored.
            let mut lists = serde_json::Map::new();
            for kind in Kind::ALL.iter().filter(|k| k.scope() == Scope::Tenant) {
                let sql = format!("SELECT data FROM {} WHERE tenant = $1", kind.plural());
                let rows = sqlx::query(&sql)
                    .bind(tenant.slug.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                let mut list = Vec::with_capacity(rows.len());
                for row in rows {
                    let data: String = row.try_get("data")?;
                    list.push(
                        serde_json::from_str(&data).map_err(|e| StoreError::Corrupt {
                            kind: *kind,
                            slug: tenant.slug.to_string(),
                            reason: e.to_string(),
                        })?,
                    );
                }
                lists.insert(kind.plural().to_owned(), serde_json::Value::Array(list));
            }
            let slug = tenant.slug.to_string();
            lists.insert(
                "tenant".into(),
                serde_json::to_value(tenant).expect("records always serialize"),
            );
            tenants.push(
                serde_json::from_value::<TenantData>(serde_json::Value::Object(lists)).map_err(
                    |e| StoreError::Corrupt {
                        kind: Kind::Tenant,
                        slug,
                        reason: e.to_string(),
                    },
                )?,
            );
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
        for kind in Kind::ALL.iter().filter(|k| k.scope() == Scope::Global) {
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
        for kind in Kind::ALL.iter().filter(|k| k.scope() == Scope::Global) {
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
            let mut records = Collect {
                tenant: key,
                rows: Vec::new(),
            };
            t.each(&mut records);
            for row in &records.rows {
                insert_row(&mut tx, key, row).await?;
                step(&mut done);
            }
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

/// A tenant's records, each ready to be written.
struct Collect<'a> {
    tenant: &'a str,
    rows: Vec<NewRecord>,
}

impl RecordsVisitor for Collect<'_> {
    fn visit<R: Record>(&mut self, records: &[R]) {
        self.rows
            .extend(records.iter().map(|r| NewRecord::of(self.tenant, r)));
    }
}
