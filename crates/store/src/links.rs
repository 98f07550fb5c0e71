//! Results of the external link check, one per address.

use kreiskom_core::freshness::LinkCheck;
use sqlx::Row;

use crate::{now, Result, Store};

impl Store {
    /// Keeps a result, replacing the one of an earlier run.
    pub async fn save_link_check(&self, check: &LinkCheck) -> Result<()> {
        let stamp = now();
        sqlx::query(
            "INSERT INTO link_checks (url, checked_at, status, final_url, error, robots_denied, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (url) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, \
             final_url = excluded.final_url, error = excluded.error, robots_denied = excluded.robots_denied, \
             updated_at = excluded.updated_at",
        )
        .bind(&check.url)
        .bind(check.checked.to_string())
        .bind(check.status.map(i64::from))
        .bind(check.final_url.as_deref())
        .bind(check.error.as_deref())
        .bind(i64::from(check.robots_denied))
        .bind(&stamp)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every kept result.
    pub async fn link_checks(&self) -> Result<Vec<LinkCheck>> {
        let rows = sqlx::query(
            "SELECT url, checked_at, status, final_url, error, robots_denied FROM link_checks ORDER BY url",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let checked: String = row.try_get("checked_at")?;
            out.push(LinkCheck {
                url: row.try_get("url")?,
                checked: checked.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                status: row
                    .try_get::<Option<i64>, _>("status")?
                    .and_then(|s| u16::try_from(s).ok()),
                final_url: row.try_get("final_url")?,
                error: row.try_get("error")?,
                robots_denied: row.try_get::<i64, _>("robots_denied")? != 0,
            });
        }
        Ok(out)
    }
}
