//! Leave to write, asked by the handlers before they read the input: the
//! role, then whether the record concerns the tenant (`Permit::reaches`,
//! the rule the store enforces on every write).

use kreiskom_core::{Actor, Permit, Record, Scope, TenantSlug};

use crate::error::Error;
use crate::AppState;

/// What a write does to a shared record: the slug it had (update,
/// delete) and the record it will be (create, update).
pub(crate) struct SharedWrite<'a, R> {
    pub existing: Option<&'a str>,
    pub new: Option<&'a R>,
}

/// Leave to write a record of `R` on behalf of `tenant`, asked before the
/// input is validated so a stranger learns nothing from error messages.
/// The store asks the same permit again on the write itself.
pub(crate) async fn permit_in<R: Record>(
    state: &AppState,
    actor: &Actor,
    tenant: &TenantSlug,
    write: &SharedWrite<'_, R>,
) -> Result<Permit, Error> {
    let permit = state
        .store
        .permit(actor, tenant, R::KIND)
        .await?
        .ok_or(Error::Forbidden)?;
    let key = match R::KIND.scope() {
        Scope::Tenant => tenant.as_str(),
        Scope::Global => "",
    };
    if permit.reaches(key, write.existing, write.new) {
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
