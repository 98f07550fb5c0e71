//! Accounts, their roles per tenant, sign-in sessions and the lockout after
//! failed sign-ins. Passwords arrive here already hashed; session ids only
//! as their hash.

use jiff::{SignedDuration, Timestamp};
use kreiskom_core::{Actor, Grant, Role, TenantSlug};
use sqlx::Row;

use crate::audit::{self, Action, Change};
use crate::{now, Result, Store, StoreError};

#[derive(Debug, Clone)]
pub struct Account {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    /// Set for a one-time password: the next sign-in must choose a new one.
    pub must_change_password: bool,
    pub grants: Vec<Grant>,
}

impl Account {
    pub fn actor(&self) -> Actor {
        Actor::account(self.email.clone(), self.grants.clone())
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf: String,
    pub expires_at: Timestamp,
}

/// What a failed sign-in did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Counted; this many attempts remain before the lock.
    Counted {
        failures: i64,
    },
    Locked {
        until: Timestamp,
    },
}

fn parse_time(s: Option<String>) -> Option<Timestamp> {
    s.and_then(|s| s.parse().ok())
}

/// How failed sign-ins are filed: the address as typed is personal data,
/// and it may belong to no account at all.
fn address_hash(email: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(normalize_email(email).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// E-mail addresses are compared without regard to case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// Creates an account with its roles and a one-time password. Only the
    /// operator, or an administrator of every tenant granted, may do so.
    pub async fn create_account(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        password_hash: &str,
        grants: &[Grant],
    ) -> Result<()> {
        if !email.contains('@') || email.trim().len() < 3 {
            return Err(StoreError::Invalid(vec![kreiskom_core::FieldError::new(
                "email",
                "ist keine E-Mail-Adresse",
            )]));
        }
        let email = normalize_email(email);
        let allowed = actor.is_operator()
            || grants
                .iter()
                .all(|g| actor.has_role(&g.tenant, Role::Administrator));
        if !allowed {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let exists = sqlx::query("SELECT email FROM accounts WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if exists {
            return Err(StoreError::AccountExists(email));
        }
        let stamp = now();
        sqlx::query(
            "INSERT INTO accounts (email, name, password_hash, must_change_password, failed_logins, locked_until, created_at, updated_at)
             VALUES ($1, $2, $3, 1, 0, NULL, $4, $4)",
        )
        .bind(&email)
        .bind(name)
        .bind(password_hash)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
        for g in grants {
            let tenant_exists = sqlx::query("SELECT slug FROM tenants WHERE slug = $1")
                .bind(g.tenant.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if !tenant_exists {
                return Err(StoreError::NotFound {
                    kind: kreiskom_core::Kind::Tenant,
                    slug: g.tenant.to_string(),
                });
            }
            sqlx::query(
                "INSERT INTO grants (email, tenant, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(&email)
            .bind(g.tenant.as_str())
            .bind(g.role.key())
            .bind(&stamp)
            .execute(&mut *tx)
            .await?;
            let roles = serde_json::json!({ "email": email, "name": name, "role": g.role.key() })
                .to_string();
            audit::append(
                &mut tx,
                Change {
                    actor: actor.name(),
                    tenant: g.tenant.as_str(),
                    kind: "accounts",
                    slug: &email,
                    action: Action::AccountCreated,
                    version: None,
                    before: None,
                    after: Some(&roles),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Everyone's name by e-mail address: pages name people, not addresses.
    pub async fn account_names(&self) -> Result<std::collections::BTreeMap<String, String>> {
        let rows = sqlx::query("SELECT email, name FROM accounts")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("email")?, r.try_get("name")?)))
            .collect()
    }

    pub async fn account(&self, email: &str) -> Result<Option<Account>> {
        let email = normalize_email(email);
        let Some(row) = sqlx::query(
            "SELECT email, name, password_hash, must_change_password FROM accounts WHERE email = $1",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let grants =
            sqlx::query("SELECT tenant, role FROM grants WHERE email = $1 ORDER BY tenant, role")
                .bind(&email)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .filter_map(|g| {
                    let tenant = TenantSlug::parse(&g.try_get::<String, _>("tenant").ok()?).ok()?;
                    let role = Role::parse(&g.try_get::<String, _>("role").ok()?)?;
                    Some(Grant { tenant, role })
                })
                .collect();
        Ok(Some(Account {
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            password_hash: row.try_get("password_hash")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            grants,
        }))
    }

    /// Replaces the password and ends the account's sessions but `keep`
    /// (the one a person changed their own password in): whoever knew the
    /// old password is signed out. `one_time` makes the next sign-in ask
    /// for a new one (a reset by the operator); a person's own choice
    /// clears it.
    pub async fn set_password(
        &self,
        email: &str,
        password_hash: &str,
        one_time: bool,
        keep: Option<&str>,
    ) -> Result<()> {
        let email = normalize_email(email);
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE email = $4",
        )
        .bind(password_hash)
        .bind(i64::from(one_time))
        .bind(now())
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoAccount(email));
        }
        sqlx::query("DELETE FROM sessions WHERE email = $1 AND id_hash <> $2")
            .bind(&email)
            .bind(keep.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE address_hash = $1")
            .bind(address_hash(&email))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Until when sign-ins with this address are refused, if they are now.
    pub async fn sign_in_locked_until(
        &self,
        email: &str,
        at: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let until =
            sqlx::query("SELECT locked_until FROM sign_in_failures WHERE address_hash = $1")
                .bind(address_hash(email))
                .fetch_optional(&self.pool)
                .await?
                .and_then(|row| parse_time(row.try_get("locked_until").ok()?));
        Ok(until.filter(|u| *u > at))
    }

    /// Counts a failed sign-in with this address, whether an account has it
    /// or not; the `max`-th failure in a row locks it for `lock_for`.
    /// Counts untouched for a day are forgotten.
    pub async fn login_failed(
        &self,
        email: &str,
        at: Timestamp,
        max: i64,
        lock_for: SignedDuration,
    ) -> Result<LoginFailure> {
        let hash = address_hash(email);
        let stamp = now();
        let stale = Timestamp::now()
            .saturating_sub(SignedDuration::from_hours(24))
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_string();
        let mut tx = self.write().await?;
        sqlx::query(
            "DELETE FROM sign_in_failures WHERE updated_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
        )
        .bind(&stale)
        .bind(at.to_string())
        .execute(&mut *tx)
        .await?;
        let failures: i64 =
            sqlx::query("SELECT failures FROM sign_in_failures WHERE address_hash = $1")
                .bind(&hash)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| row.try_get::<i64, _>("failures"))
                .transpose()?
                .unwrap_or(0)
                + 1;
        let (outcome, count, until) = if failures >= max {
            let until = at.saturating_add(lock_for).unwrap_or(at);
            (LoginFailure::Locked { until }, 0, Some(until.to_string()))
        } else {
            (LoginFailure::Counted { failures }, failures, None)
        };
        sqlx::query(
            "INSERT INTO sign_in_failures (address_hash, failures, locked_until, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (address_hash) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated_at = excluded.updated_at",
        )
        .bind(&hash)
        .bind(count)
        .bind(until)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Starts a session after a successful sign-in and clears the count of
    /// failures.
    pub async fn create_session(
        &self,
        email: &str,
        id_hash: &str,
        csrf: &str,
        expires_at: Timestamp,
    ) -> Result<()> {
        let email = normalize_email(email);
        let stamp = now();
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE address_hash = $1")
            .bind(address_hash(&email))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, email, csrf, expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id_hash)
        .bind(&email)
        .bind(csrf)
        .bind(expires_at.to_string())
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The session with this id hash, if it has not expired at `at`.
    pub async fn session(&self, id_hash: &str, at: Timestamp) -> Result<Option<Session>> {
        let Some(row) =
            sqlx::query("SELECT email, csrf, expires_at FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let Some(expires_at) = parse_time(row.try_get("expires_at")?) else {
            return Ok(None);
        };
        if expires_at <= at {
            return Ok(None);
        }
        let email: String = row.try_get("email")?;
        Ok(self.account(&email).await?.map(|account| Session {
            account,
            csrf: row.try_get("csrf").unwrap_or_default(),
            expires_at,
        }))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
