//! Counts behind the figures pages: public page views kept per day,
//! address and referring host, and what went out on each channel.

use jiff::civil::Date;
use jiff::Timestamp;
use sqlx::Row;

use crate::{Result, Store};

/// Views of one address on one day from one referring host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageViews {
    pub day: Date,
    pub path: String,
    /// The host a visitor came from; empty for none or the site itself.
    pub referrer: String,
    pub views: u64,
}

impl Store {
    /// Adds counted views to the kept ones, in one transaction.
    pub async fn add_page_views(&self, counted: &[PageViews]) -> Result<()> {
        if counted.is_empty() {
            return Ok(());
        }
        // One order for every writer: two nodes (or two flushes) adding to
        // the same rows in different orders would deadlock on PostgreSQL.
        let mut sorted: Vec<&PageViews> = counted.iter().collect();
        sorted.sort_by(|a, b| (a.day, &a.path, &a.referrer).cmp(&(b.day, &b.path, &b.referrer)));
        let mut tx = self.write().await?;
        for c in sorted {
            sqlx::query(
                "INSERT INTO page_views (day, path, referrer, views) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (day, path, referrer) DO UPDATE SET views = page_views.views + excluded.views",
            )
            .bind(c.day.to_string())
            .bind(&c.path)
            .bind(&c.referrer)
            .bind(i64::try_from(c.views).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops the counts of the days before `before`; returns how many rows.
    pub async fn forget_page_views(&self, before: Date) -> Result<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM page_views WHERE day < $1")
            .bind(before.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The views of addresses under `/{prefix}` (a tenant's pages) from
    /// `since` on.
    pub async fn page_views(&self, prefix: &str, since: Date) -> Result<Vec<PageViews>> {
        let rows = sqlx::query(
            "SELECT day, path, referrer, views FROM page_views \
             WHERE (path = $1 OR path LIKE $2) AND day >= $3 ORDER BY day, path, referrer",
        )
        .bind(format!("/{prefix}"))
        .bind(format!("/{prefix}/%"))
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let day: String = row.try_get("day")?;
            let Ok(day) = day.parse() else { continue };
            out.push(PageViews {
                day,
                path: row.try_get("path")?,
                referrer: row.try_get("referrer")?,
                views: u64::try_from(row.try_get::<i64, _>("views")?).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// The channels a tenant's deliveries reached, with when: one entry
    /// per delivered post or correction.
    pub async fn channel_deliveries(&self, tenant: &str) -> Result<Vec<(String, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT d.target, d.sent_at FROM deliveries d JOIN jobs j ON j.id = d.job \
             WHERE j.tenant = $1 AND d.target_kind = 'channel' AND d.state = 'delivered' \
             AND d.sent_at IS NOT NULL ORDER BY d.sent_at",
        )
        .bind(tenant)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let sent: String = row.try_get("sent_at")?;
            if let Ok(at) = sent.parse() {
                out.push((row.try_get("target")?, at));
            }
        }
        Ok(out)
    }
}
