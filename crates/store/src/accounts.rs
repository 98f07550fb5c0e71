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
    /// Set when an administrator disabled the account: it signs in no more.
    pub disabled_at: Option<Timestamp>,
    /// The second factor's secret, sealed with the installation's key.
    pub second_factor: Option<String>,
    /// The last time step whose code was accepted; older ones are refused.
    pub second_factor_step: Option<i64>,
}

impl Account {
    pub fn actor(&self) -> Actor {
        Actor::account(self.email.clone(), self.grants.clone())
    }

    /// Invited but no password chosen yet: the hash is empty and matches
    /// nothing.
    pub fn invited(&self) -> bool {
        self.password_hash.is_empty()
    }
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Sent to a new account: choose the first password.
    Invitation,
    /// "Passwort vergessen": choose a new one.
    Reset,
    /// The password was right; the second factor's code is still due.
    SecondFactor,
}

impl LinkPurpose {
    fn key(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "reset",
            LinkPurpose::SecondFactor => "second_factor",
        }
    }
}

/// A person with a role in a tenant, as the accounts page lists them.
#[derive(Debug, Clone)]
pub struct Member {
    pub account: Account,
    /// Roles in this tenant.
    pub roles: Vec<Role>,
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

fn checked_email(email: &str) -> Result<String> {
    let email = normalize_email(email);
    let invalid = |message: &str| {
        Err(StoreError::Invalid(vec![kreiskom_core::FieldError::new(
            "email", message,
        )]))
    };
    let Some((local, domain)) = email.split_once('@') else {
        return invalid("ist keine E-Mail-Adresse");
    };
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return invalid("ist keine E-Mail-Adresse");
    }
    if email.chars().any(|c| c.is_control() || c.is_whitespace()) || email.len() > 254 {
        return invalid(
            "darf keine Leer- oder Steuerzeichen enthalten und höchstens 254 Zeichen lang sein",
        );
    }
    Ok(email)
}

/// Only the operator, or an administrator of every tenant named, hands
/// out roles.
fn may_grant(actor: &Actor, grants: &[Grant]) -> Result<()> {
    let allowed = actor.is_operator()
        || grants
            .iter()
            .all(|g| actor.has_role(&g.tenant, Role::Administrator));
    if allowed {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn account_exists(tx: &mut Tx, email: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT email FROM accounts WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

async fn insert_account(
    tx: &mut Tx,
    email: &str,
    name: &str,
    password_hash: &str,
    one_time: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO accounts (email, name, password_hash, must_change_password, failed_logins, locked_until, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 0, NULL, $5, $5)",
    )
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(i64::from(one_time))
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn held_grants(tx: &mut Tx, email: &str) -> Result<Vec<Grant>> {
    Ok(
        sqlx::query("SELECT tenant, role FROM grants WHERE email = $1 ORDER BY tenant, role")
            .bind(email)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .filter_map(grant_of)
            .collect(),
    )
}

fn grant_of(row: &sqlx::any::AnyRow) -> Option<Grant> {
    let tenant = TenantSlug::parse(&row.try_get::<String, _>("tenant").ok()?).ok()?;
    let role = Role::parse(&row.try_get::<String, _>("role").ok()?)?;
    Some(Grant { tenant, role })
}

async fn add_grants(
    tx: &mut Tx,
    actor: &Actor,
    email: &str,
    name: &str,
    grants: &[Grant],
    action: Action,
) -> Result<()> {
    let stamp = now();
    for g in grants {
        let tenant_exists = sqlx::query("SELECT slug FROM tenants WHERE slug = $1")
            .bind(g.tenant.as_str())
            .fetch_optional(&mut **tx)
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
        .bind(email)
        .bind(g.tenant.as_str())
        .bind(g.role.key())
        .bind(&stamp)
        .execute(&mut **tx)
        .await?;
        let roles =
            serde_json::json!({ "email": email, "name": name, "role": g.role.key() }).to_string();
        audit::append(
            tx,
            Change {
                actor: actor.name(),
                tenant: g.tenant.as_str(),
                kind: "accounts",
                slug: email,
                action,
                version: None,
                before: None,
                after: Some(&roles),
            },
        )
        .await?;
    }
    Ok(())
}

async fn insert_link(
    tx: &mut Tx,
    email: &str,
    purpose: LinkPurpose,
    token_hash: &str,
    expires_at: Timestamp,
) -> Result<()> {
    let stamp = now();
    sqlx::query(
        "INSERT INTO account_links (token_hash, email, purpose, expires_at, used_at, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $5)",
    )
    .bind(token_hash)
    .bind(email)
    .bind(purpose.key())
    .bind(expires_at.to_string())
    .bind(&stamp)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
        let email = checked_email(email)?;
        may_grant(actor, grants)?;
        let mut tx = self.write().await?;
        if account_exists(&mut tx, &email).await? {
            return Err(StoreError::AccountExists(email));
        }
        insert_account(&mut tx, &email, name, password_hash, true).await?;
        add_grants(&mut tx, actor, &email, name, grants, Action::AccountCreated).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Invites a person into a tenant: a new account without a password
    /// and a link to choose one, valid until `expires_at`. An account that
    /// exists already only gets the roles (`Ok(false)`, no link).
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        name: &str,
        grants: &[Grant],
        link_hash: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let email = checked_email(email)?;
        may_grant(actor, grants)?;
        let mut tx = self.write().await?;
        if account_exists(&mut tx, &email).await? {
            let fresh: Vec<Grant> = {
                let held = held_grants(&mut tx, &email).await?;
                grants
                    .iter()
                    .filter(|g| !held.contains(g))
                    .cloned()
                    .collect()
            };
            add_grants(&mut tx, actor, &email, name, &fresh, Action::Update).await?;
            tx.commit().await?;
            return Ok(false);
        }
        insert_account(&mut tx, &email, name, "", false).await?;
        add_grants(&mut tx, actor, &email, name, grants, Action::AccountCreated).await?;
        insert_link(
            &mut tx,
            &email,
            LinkPurpose::Invitation,
            link_hash,
            expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Everyone with a role in `tenant`, by name.
    pub async fn members(&self, tenant: &TenantSlug) -> Result<Vec<Member>> {
        let emails: Vec<String> =
            sqlx::query("SELECT DISTINCT email FROM grants WHERE tenant = $1")
                .bind(tenant.as_str())
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("email"))
                .collect::<std::result::Result<_, _>>()?;
        let mut members = Vec::with_capacity(emails.len());
        for email in emails {
            if let Some(account) = self.account(&email).await? {
                let roles = account
                    .grants
                    .iter()
                    .filter(|g| &g.tenant == tenant)
                    .map(|g| g.role)
                    .collect();
                members.push(Member { account, roles });
            }
        }
        members.sort_by(|a, b| {
            (a.account.name.to_lowercase(), &a.account.email)
                .cmp(&(b.account.name.to_lowercase(), &b.account.email))
        });
        Ok(members)
    }

    /// Replaces the account's roles in `tenant`; an administrator there
    /// may, but not take their own administration away (the tenant would
    /// be left without one).
    pub async fn set_roles(
        &self,
        actor: &Actor,
        tenant: &TenantSlug,
        email: &str,
        roles: &[Role],
    ) -> Result<()> {
        let email = normalize_email(email);
        if !(actor.is_operator() || actor.has_role(tenant, Role::Administrator)) {
            return Err(StoreError::Forbidden);
        }
        if actor.name() == email && !roles.contains(&Role::Administrator) {
            return Err(StoreError::Invalid(vec![kreiskom_core::FieldError::new(
                "rollen",
                "Die eigene Rolle „Administration“ können Sie sich nicht selbst entziehen",
            )]));
        }
        let mut tx = self.write().await?;
        let held: Vec<Role> = held_grants(&mut tx, &email)
            .await?
            .into_iter()
            .filter(|g| &g.tenant == tenant)
            .map(|g| g.role)
            .collect();
        if held.is_empty() {
            return Err(StoreError::NoAccount(email));
        }
        let mut wanted = roles.to_vec();
        wanted.sort();
        wanted.dedup();
        if held == wanted {
            return Ok(());
        }
        sqlx::query("DELETE FROM grants WHERE email = $1 AND tenant = $2")
            .bind(&email)
            .bind(tenant.as_str())
            .execute(&mut *tx)
            .await?;
        let stamp = now();
        for role in &wanted {
            sqlx::query(
                "INSERT INTO grants (email, tenant, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(&email)
            .bind(tenant.as_str())
            .bind(role.key())
            .bind(&stamp)
            .execute(&mut *tx)
            .await?;
        }
        let keys = |roles: &[Role]| {
            serde_json::json!({ "roles": roles.iter().map(|r| r.key()).collect::<Vec<_>>() })
                .to_string()
        };
        audit::append(
            &mut tx,
            Change {
                actor: actor.name(),
                tenant: tenant.as_str(),
                kind: "accounts",
                slug: &email,
                action: Action::Update,
                version: None,
                before: Some(&keys(&held)),
                after: Some(&keys(&wanted)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables or enables an account. It may have roles in several
    /// tenants, so only an administrator of all of them (or the operator)
    /// may; nobody disables themselves. Disabling ends its sessions and
    /// voids its open links.
    pub async fn set_disabled(&self, actor: &Actor, email: &str, disabled: bool) -> Result<()> {
        let email = normalize_email(email);
        if actor.name() == email {
            return Err(StoreError::Invalid(vec![kreiskom_core::FieldError::new(
                "",
                "Das eigene Konto können Sie nicht sperren",
            )]));
        }
        let mut tx = self.write().await?;
        let grants = held_grants(&mut tx, &email).await?;
        if !account_exists(&mut tx, &email).await? {
            return Err(StoreError::NoAccount(email));
        }
        let allowed = actor.is_operator()
            || grants
                .iter()
                .all(|g| actor.has_role(&g.tenant, Role::Administrator));
        if !allowed {
            return Err(StoreError::Forbidden);
        }
        let stamp = now();
        sqlx::query("UPDATE accounts SET disabled_at = $1, updated_at = $2 WHERE email = $3")
            .bind(disabled.then_some(&stamp))
            .bind(&stamp)
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        if disabled {
            for table in ["sessions", "account_links"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE email = $1"))
                    .bind(&email)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut tenants: Vec<&TenantSlug> = grants.iter().map(|g| &g.tenant).collect();
        tenants.dedup();
        for tenant in tenants {
            audit::append(
                &mut tx,
                Change {
                    actor: actor.name(),
                    tenant: tenant.as_str(),
                    kind: "accounts",
                    slug: &email,
                    action: if disabled {
                        Action::AccountDisabled
                    } else {
                        Action::AccountEnabled
                    },
                    version: None,
                    before: None,
                    after: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Files a new one-time link for an account that may sign in, voiding
    /// its older links of the same purpose. `false` when there is no such
    /// account (or it is disabled): the caller answers alike either way.
    pub async fn issue_link(
        &self,
        email: &str,
        purpose: LinkPurpose,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> Result<bool> {
        let email = normalize_email(email);
        let mut tx = self.write().await?;
        let usable =
            sqlx::query("SELECT email FROM accounts WHERE email = $1 AND disabled_at IS NULL")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
        if !usable {
            return Ok(false);
        }
        sqlx::query("DELETE FROM account_links WHERE email = $1 AND purpose = $2")
            .bind(&email)
            .bind(purpose.key())
            .execute(&mut *tx)
            .await?;
        insert_link(&mut tx, &email, purpose, token_hash, expires_at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The account a link opens, if it is unused, unexpired at `at` and
    /// the account not disabled.
    pub async fn link_account(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        at: Timestamp,
    ) -> Result<Option<Account>> {
        let Some(row) = sqlx::query(
            "SELECT email, expires_at FROM account_links WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL",
        )
        .bind(token_hash)
        .bind(purpose.key())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        if parse_time(row.try_get("expires_at")?).is_none_or(|e| e <= at) {
            return Ok(None);
        }
        let email: String = row.try_get("email")?;
        Ok(self
            .account(&email)
            .await?
            .filter(|a| a.disabled_at.is_none()))
    }

    /// Uses an invitation or reset link once: sets the chosen password,
    /// ends every session of the account and voids its other links. `None`
    /// when the link no longer opens anything.
    pub async fn redeem_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        at: Timestamp,
        password_hash: &str,
    ) -> Result<Option<String>> {
        let Some(account) = self.link_account(token_hash, purpose, at).await? else {
            return Ok(None);
        };
        let mut tx = self.write().await?;
        let stamp = now();
        let taken = sqlx::query(
            "UPDATE account_links SET used_at = $1, updated_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(&stamp)
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
        // Another request used it in between.
        if taken.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE accounts SET password_hash = $1, must_change_password = 0, updated_at = $2 WHERE email = $3",
        )
        .bind(password_hash)
        .bind(&stamp)
        .bind(&account.email)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM account_links WHERE email = $1 AND token_hash <> $2")
            .bind(&account.email)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        for (sql, key) in [
            (
                "DELETE FROM sessions WHERE email = $1",
                account.email.clone(),
            ),
            (
                "DELETE FROM sign_in_failures WHERE address_hash = $1",
                address_hash(&account.email),
            ),
        ] {
            sqlx::query(sql).bind(key).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Some(account.email))
    }

    /// Accepts the second factor's code of time step `step` for a pending
    /// sign-in: uses its link once and refuses a step not newer than the
    /// last accepted one, so an overheard code opens nothing.
    pub async fn accept_second_factor(
        &self,
        token_hash: &str,
        email: &str,
        step: i64,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        let stamp = now();
        let advanced = sqlx::query(
            "UPDATE accounts SET second_factor_step = $1, updated_at = $2 WHERE email = $3 AND (second_factor_step IS NULL OR second_factor_step < $1)",
        )
        .bind(step)
        .bind(&stamp)
        .bind(email)
        .execute(&mut *tx)
        .await?;
        let used = sqlx::query(
            "UPDATE account_links SET used_at = $1, updated_at = $1 WHERE token_hash = $2 AND email = $3 AND used_at IS NULL",
        )
        .bind(&stamp)
        .bind(token_hash)
        .bind(email)
        .execute(&mut *tx)
        .await?;
        if advanced.rows_affected() == 0 || used.rows_affected() == 0 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Turns the second factor on (its sealed secret, with the step of the
    /// code that confirmed it) or off.
    pub async fn set_second_factor(
        &self,
        email: &str,
        sealed: Option<&str>,
        step: Option<i64>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE accounts SET second_factor = $1, second_factor_step = $2, updated_at = $3 WHERE email = $4",
        )
        .bind(sealed)
        .bind(step)
        .bind(now())
        .bind(normalize_email(email))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoAccount(email.to_owned()));
        }
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
            "SELECT email, name, password_hash, must_change_password, disabled_at, second_factor, second_factor_step FROM accounts WHERE email = $1",
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
                .filter_map(grant_of)
                .collect();
        Ok(Some(Account {
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            password_hash: row.try_get("password_hash")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            grants,
            disabled_at: parse_time(row.try_get("disabled_at")?),
            second_factor: row.try_get("second_factor")?,
            second_factor_step: row.try_get("second_factor_step")?,
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
        let account = self.account(&email).await?;
        Ok(account
            .filter(|a| a.disabled_at.is_none())
            .map(|account| Session {
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
