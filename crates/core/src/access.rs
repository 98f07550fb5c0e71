//! Who may change what. Roles are granted per tenant; a `Permit` can only be
//! obtained from an `Actor` that holds a fitting role, and the store's write
//! methods demand one, so code that skipped the check cannot write.

use serde::{Deserialize, Serialize};

use std::any::Any;
use std::sync::Arc;

use crate::{Kind, Record, Scope, TenantSlug};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    PressOfficer,
    /// Landrat or deputy: approves releases (four-eyes principle).
    HeadOfAdministration,
    PartnershipCoordinator,
    WebEditor,
    PrintOffice,
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Administrator,
        Role::PressOfficer,
        Role::HeadOfAdministration,
        Role::PartnershipCoordinator,
        Role::WebEditor,
        Role::PrintOffice,
        Role::ReadOnly,
    ];

    /// The name used on the command line and in the database.
    pub fn key(self) -> &'static str {
        match self {
            Role::Administrator => "admin",
            Role::PressOfficer => "press",
            Role::HeadOfAdministration => "head",
            Role::PartnershipCoordinator => "partnerships",
            Role::WebEditor => "web",
            Role::PrintOffice => "print",
            Role::ReadOnly => "readonly",
        }
    }

    pub fn parse(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administration",
            Role::PressOfficer => "Pressestelle",
            Role::HeadOfAdministration => "Verwaltungsleitung (Freigabe)",
            Role::PartnershipCoordinator => "Partnerschaftskoordination",
            Role::WebEditor => "Internetredaktion",
            Role::PrintOffice => "Vordruckstelle",
            Role::ReadOnly => "Nur lesen",
        }
    }

    /// The kinds of record this role keeps up to date.
    pub fn may_edit(self, kind: Kind) -> bool {
        self == Role::Administrator || kind.edited_by().contains(&self)
    }
}

/// One role in one tenant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub tenant: TenantSlug,
    pub role: Role,
}

/// Who is acting: a signed-in account with its grants, or the installation's
/// operator (API token, command line), who may do everything.
#[derive(Debug, Clone)]
pub struct Actor {
    name: String,
    grants: Vec<Grant>,
    operator: bool,
}

impl Actor {
    pub fn account(email: impl Into<String>, grants: Vec<Grant>) -> Self {
        Self {
            name: email.into(),
            grants,
            operator: false,
        }
    }

    /// The operator of the installation; `name` says which door they came
    /// through ("api-token", "kommandozeile") for the audit log.
    pub fn operator(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            grants: Vec::new(),
            operator: true,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_operator(&self) -> bool {
        self.operator
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// The tenants this actor may look into (all, for the operator: `None`).
    pub fn tenants(&self) -> Option<Vec<&TenantSlug>> {
        if self.operator {
            return None;
        }
        let mut t: Vec<&TenantSlug> = self.grants.iter().map(|g| &g.tenant).collect();
        t.dedup();
        Some(t)
    }

    pub fn roles_in(&self, tenant: &TenantSlug) -> Vec<Role> {
        self.grants
            .iter()
            .filter(|g| &g.tenant == tenant)
            .map(|g| g.role)
            .collect()
    }

    pub fn may_read(&self, tenant: &TenantSlug) -> bool {
        self.operator || self.grants.iter().any(|g| &g.tenant == tenant)
    }

    /// Whether records of `kind` in `tenant` may be looked at: personal
    /// data (journalists, inquiries) only by those who keep it.
    pub fn may_read_kind(&self, tenant: &TenantSlug, kind: Kind) -> bool {
        if kind.holds_personal_data() {
            self.may_edit(tenant, kind)
        } else {
            self.may_read(tenant)
        }
    }

    pub fn has_role(&self, tenant: &TenantSlug, role: Role) -> bool {
        self.operator || self.roles_in(tenant).contains(&role)
    }

    pub fn may_edit(&self, tenant: &TenantSlug, kind: Kind) -> bool {
        self.operator
            || self
                .grants
                .iter()
                .any(|g| &g.tenant == tenant && g.role.may_edit(kind))
    }

    /// Leave to change records of `kind` on behalf of `tenant`. For the
    /// shared kinds (regions, partnerships) it reaches only what `scope`
    /// holds: the tenant's own regions and partnerships, loaded by the
    /// store (`Store::permit`). Without one it reaches no existing shared
    /// record.
    pub fn permit(&self, tenant: &TenantSlug, kind: Kind) -> Option<Permit> {
        self.permit_with(tenant, kind, TenantScope::default())
    }

    pub fn permit_with(
        &self,
        tenant: &TenantSlug,
        kind: Kind,
        scope: TenantScope,
    ) -> Option<Permit> {
        self.may_edit(tenant, kind).then(|| Permit {
            actor: self.name.clone(),
            kind,
            tenant: Some(tenant.clone()),
            reach: match (self.operator, kind.scope()) {
                (true, _) => Reach::Everything,
                (false, Scope::Tenant) => Reach::Tenant,
                (false, Scope::Global) => Reach::Shared(Arc::new(scope)),
            },
        })
    }

    /// Leave for the operator only: creating tenants, importing datasets.
    pub fn operator_permit(&self, kind: Kind) -> Option<Permit> {
        self.operator.then(|| Permit {
            actor: self.name.clone(),
            kind,
            tenant: None,
            reach: Reach::Everything,
        })
    }
}

/// Proof that a role check passed for one kind of record, and what of
/// that kind it reaches. The store asks [`Permit::reaches`] on every write,
/// so the web, the API, the command line and the importer follow one rule.
#[derive(Debug, Clone)]
pub struct Permit {
    actor: String,
    kind: Kind,
    tenant: Option<TenantSlug>,
    reach: Reach,
}

#[derive(Debug, Clone)]
enum Reach {
    /// The operator.
    Everything,
    /// Records kept by the permit's tenant.
    Tenant,
    /// Shared records within the tenant's scope.
    Shared(Arc<TenantScope>),
}

impl Permit {
    /// Anyone may hand in a press inquiry through the public form; that and
    /// feedback on accessibility are the only writes without an account.
    pub fn public_inquiry(tenant: &TenantSlug) -> Permit {
        Permit {
            actor: "Öffentliches Anfrageformular".into(),
            kind: Kind::PressInquiry,
            tenant: Some(tenant.clone()),
            reach: Reach::Tenant,
        }
    }

    /// The draft of a post that a released press release prepares.
    pub fn release_post(tenant: &TenantSlug) -> Permit {
        Permit {
            actor: "Entwurf aus einer Pressemitteilung".into(),
            kind: Kind::Post,
            tenant: Some(tenant.clone()),
            reach: Reach::Tenant,
        }
    }

    /// Feedback from the form of the accessibility statement.
    pub fn public_feedback(tenant: &TenantSlug) -> Permit {
        Permit {
            actor: "Öffentliches Formular „Barriere melden“".into(),
            kind: Kind::Feedback,
            tenant: Some(tenant.clone()),
            reach: Reach::Tenant,
        }
    }

    /// Whether this permit may write `new` (create, update) in place of
    /// the record `existing` (update, delete), stored under `key` (the
    /// tenant, or "" for shared kinds).
    pub fn reaches<R: Record>(&self, key: &str, existing: Option<&str>, new: Option<&R>) -> bool {
        let own = self.tenant.as_ref().map(TenantSlug::as_str);
        match &self.reach {
            Reach::Everything => true,
            Reach::Tenant => R::KIND.scope() == Scope::Tenant && own == Some(key),
            Reach::Shared(scope) => match R::KIND {
                // Administrators change their own tenant; only the operator
                // adds or removes tenants.
                Kind::Tenant => {
                    existing.is_some()
                        && existing == own
                        && new.is_some_and(|t| Some(t.slug()) == own)
                }
                Kind::Region => existing.is_none_or(|slug| scope.contains(Kind::Region, slug)),
                Kind::Partnership => {
                    let before =
                        existing.is_none_or(|slug| scope.contains(Kind::Partnership, slug));
                    let after = new.is_none_or(|p| {
                        (p as &dyn Any)
                            .downcast_ref::<crate::Partnership>()
                            .is_some_and(|p| scope.is_home_partnership(p))
                    });
                    before && after
                }
                _ => false,
            },
        }
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The tenant on whose behalf the change is made; the audit log files
    /// changes of shared records (regions, partnerships) under it.
    pub fn tenant(&self) -> Option<&TenantSlug> {
        self.tenant.as_ref()
    }
}

/// The regions and partnerships a tenant looks after: its own region and
/// those below it, their partnerships, and every region these involve.
/// Shared records outside it are not the tenant's to change.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TenantScope {
    pub home: Vec<String>,
    pub partnerships: Vec<String>,
    pub regions: Vec<String>,
}

impl TenantScope {
    pub fn contains(&self, kind: Kind, slug: &str) -> bool {
        match kind {
            Kind::Region => self.regions.iter().any(|r| r == slug),
            Kind::Partnership => self.partnerships.iter().any(|p| p == slug),
            _ => false,
        }
    }

    /// A partnership belongs to the tenant when one side is at home.
    pub fn is_home_partnership(&self, p: &crate::Partnership) -> bool {
        p.regions
            .iter()
            .any(|r| self.home.iter().any(|h| h == r.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> TenantSlug {
        TenantSlug::parse(s).unwrap()
    }

    fn account(role: Role) -> Actor {
        Actor::account(
            "a@example.org",
            vec![Grant {
                tenant: t("goslar"),
                role,
            }],
        )
    }

    #[test]
    fn coordinator_edits_partnerships_but_not_channels() {
        let a = account(Role::PartnershipCoordinator);
        assert!(a.permit(&t("goslar"), Kind::Partnership).is_some());
        assert!(a.permit(&t("goslar"), Kind::Channel).is_none());
    }

    #[test]
    fn journalists_and_inquiries_are_read_only_by_the_press_office() {
        let goslar = t("goslar");
        for kind in [Kind::Journalist, Kind::PressInquiry] {
            assert!(account(Role::PressOfficer).may_read_kind(&goslar, kind));
            assert!(account(Role::Administrator).may_read_kind(&goslar, kind));
            for role in [Role::ReadOnly, Role::HeadOfAdministration, Role::WebEditor] {
                assert!(!account(role).may_read_kind(&goslar, kind), "{role:?}");
            }
        }
        assert!(account(Role::ReadOnly).may_read_kind(&goslar, Kind::Partnership));
        assert!(account(Role::ReadOnly).may_read_kind(&goslar, Kind::PressRelease));
    }

    #[test]
    fn a_role_counts_only_in_its_own_tenant() {
        let a = account(Role::Administrator);
        assert!(a.permit(&t("goslar"), Kind::Unit).is_some());
        assert!(a.permit(&t("harz"), Kind::Unit).is_none());
        assert!(!a.may_read(&t("harz")));
    }

    #[test]
    fn read_only_and_approver_edit_nothing_in_the_registry() {
        for role in [Role::ReadOnly, Role::HeadOfAdministration] {
            let a = account(role);
            assert!(Kind::ALL
                .iter()
                .all(|k| a.permit(&t("goslar"), *k).is_none()));
            assert!(a.may_read(&t("goslar")));
        }
    }

    #[test]
    fn only_the_operator_gets_operator_permits() {
        assert!(account(Role::Administrator)
            .operator_permit(Kind::Tenant)
            .is_none());
        let op = Actor::operator("kommandozeile");
        assert_eq!(
            op.operator_permit(Kind::Tenant).unwrap().actor(),
            "kommandozeile"
        );
        assert!(op.permit(&t("harz"), Kind::Unit).is_some());
    }

    #[test]
    fn role_keys_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Some(r));
        }
        assert_eq!(Role::parse("chef"), None);
    }
}
