//! The access of each social channel (an access token), kept sealed: the
//! store never sees it open. The UI may say that one is there, since when,
//! by whom, until when, and whether the platform refused it last time;
//! never what it is.

use kreiskom_core::{Channel, Kind, Permit, TenantSlug};
use serde::Serialize;
use sqlx::Row;

use crate::{now, Result, Store, StoreError};

/// What may be shown about a channel's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialInfo {
    pub channel: String,
    /// The day the token stops working, as the platform said ("2027-01-31").
    pub expires: Option<String>,
    pub set_by: String,
    pub set_at: String,
    /// The platform's last refusal of the token.
    pub problem: Option<String>,
    pub problem_at: Option<String>,
}

const INFO: &str = "channel, expires, set_by, set_at, problem, problem_at";

fn info(row: &sqlx::any::AnyRow) -> Result<CredentialInfo> {
    Ok(CredentialInfo {
        channel: row.try_get("channel")?,
        expires: row.try_get("expires")?,
        set_by: row.try_get("set_by")?,
        set_at: row.try_get("set_at")?,
        problem: row.try_get("problem")?,
        problem_at: row.try_get("problem_at")?,
    })
}

/// What a channel's token is sealed for, so a sealed value copied to
/// another channel or tenant does not open.
pub fn credential_context(tenant: &TenantSlug, channel: &str) -> String {
    format!("channel:{tenant}:{channel}")
}

impl Store {
    /// Keeps a new sealed token for a channel, replacing the old one and
    /// what the platform said about it.
    pub async fn set_channel_credential(
        &self,
        permit: &Permit,
        tenant: &TenantSlug,
        channel: &str,
        sealed: &str,
        expires: Option<jiff::civil::Date>,
    ) -> Result<()> {
        if permit.kind() != Kind::Channel
            || !permit.reaches::<Channel>(tenant.as_str(), Some(channel), None)
        {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO channel_credentials (tenant, channel, sealed, expires, set_by, set_at, problem, problem_at)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)
             ON CONFLICT (tenant, channel) DO UPDATE SET sealed = $3, expires = $4, set_by = $5, set_at = $6,
                 problem = NULL, problem_at = NULL",
        )
        .bind(tenant.as_str())
        .bind(channel)
        .bind(sealed)
        .bind(expires.map(|d| d.to_string()))
        .bind(permit.actor())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a channel's token.
    pub async fn remove_channel_credential(
        &self,
        permit: &Permit,
        tenant: &TenantSlug,
        channel: &str,
    ) -> Result<bool> {
        if permit.kind() != Kind::Channel
            || !permit.reaches::<Channel>(tenant.as_str(), Some(channel), None)
        {
            return Err(StoreError::Forbidden);
        }
        let done =
            sqlx::query("DELETE FROM channel_credentials WHERE tenant = $1 AND channel = $2")
                .bind(tenant.as_str())
                .bind(channel)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The sealed token, for the handler that opens and uses it.
    pub async fn sealed_channel_credential(
        &self,
        tenant: &TenantSlug,
        channel: &str,
    ) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT sealed FROM channel_credentials WHERE tenant = $1 AND channel = $2",
        )
        .bind(tenant.as_str())
        .bind(channel)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get("sealed"))
            .transpose()
            .map_err(Into::into)
    }

    /// What may be shown about each channel's access of a tenant.
    pub async fn channel_credentials(&self, tenant: &TenantSlug) -> Result<Vec<CredentialInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {INFO} FROM channel_credentials WHERE tenant = $1 ORDER BY channel"
        ))
        .bind(tenant.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(info).collect()
    }

    /// Notes that the platform refused the token (or, with `None`, that it
    /// worked again).
    pub async fn note_channel_problem(
        &self,
        tenant: &TenantSlug,
        channel: &str,
        problem: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE channel_credentials SET problem = $1, problem_at = $2 WHERE tenant = $3 AND channel = $4",
        )
        .bind(problem)
        .bind(problem.map(|_| now()))
        .bind(tenant.as_str())
        .bind(channel)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
