//! The second question after the role: does this record concern the
//! tenant? Tenant-scoped records live in their tenant; shared records
//! (regions, partnerships, tenants) are checked against the tenant's scope.

use kreiskom_core::{Actor, Kind, Partnership, Permit, Record, TenantSlug};

use crate::error::Error;
use crate::AppState;

/// What a write does to a shared record: the slug it had (update,
/// delete) and the record it will be (create, update).
pub(crate) struct SharedWrite<'a, R> {
    pub existing: Option<&'a str>,
    pub new: Option<&'a R>,
}

/// Leave to write a record of `R` on behalf of `tenant`.
pub(crate) async fn permit_in<R: Record>(
    state: &AppState,
    actor: &Actor,
    tenant: &TenantSlug,
    write: &SharedWrite<'_, R>,
) -> Result<Permit, Error> {
    let permit = actor.permit(tenant, R::KIND).ok_or(Error::Forbidden)?;
    if actor.is_operator() || R::KIND.scope() == kreiskom_core::Scope::Tenant {
        return Ok(permit);
    }
    let concerns = match R::KIND {
        // Administrators change their own tenant; only the operator adds or
        // removes tenants.
        Kind::Tenant => {
            write.existing == Some(tenant.as_str())
                && write.new.is_some_and(|t| t.slug() == tenant.as_str())
        }
        Kind::Region => {
            let scope = state.store.tenant_scope(tenant).await?;
            write
                .existing
                .is_none_or(|slug| scope.contains(Kind::Region, slug))
        }
        Kind::Partnership => {
            let scope = state.store.tenant_scope(tenant).await?;
            let before_ok = write
                .existing
                .is_none_or(|slug| scope.contains(Kind::Partnership, slug));
            let after_ok = match write.new {
                Some(p) => {
                    let p: Partnership = serde_json::to_value(p)
                        .ok()
                        .and_then(|v| serde_json::from_value(v).ok())
                        .ok_or(Error::Forbidden)?;
                    scope.is_home_partnership(&p)
                }
                None => true,
            };
            before_ok && after_ok
        }
        _ => true,
    };
    if concerns {
        Ok(permit)
    } else {
        Err(Error::Forbidden)
    }
}

/// Leave for an API write, where the path names no tenant for shared
/// records: the operator, or any tenant of the person that grants it.
pub(crate) async fn permit_any<R: Record>(
    state: &AppState,
    actor: &Actor,
    write: &SharedWrite<'_, R>,
) -> Result<Permit, Error> {
    if let Some(p) = actor.operator_permit(R::KIND) {
        return Ok(p);
    }
    for tenant in actor.tenants().unwrap_or_default() {
        if let Ok(p) = permit_in(state, actor, tenant, write).await {
            return Ok(p);
        }
    }
    Err(Error::Forbidden)
}
