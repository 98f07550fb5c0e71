//! The print office in the workspace: the queue of orders with their
//! proofs, and the PDFs of cards, badges, release letters and forms.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kreiskom_core::{
    Kind, ParticipantList, Person, PressRelease, PrintForm, PrintOrder, PrintOrderState, Role, Unit,
};
use kreiskom_print::{CardLayout, CardsFor, Pdf};
use serde::{Deserialize, Serialize};

use crate::admin::{fetch, render};
use crate::auth::{Form, InTenant};
use crate::error::{Error, PageError};
use crate::routes::{Access, Routes};
use crate::AppState;

type Reply = Result<Response, PageError>;

pub(crate) fn routes(r: Routes) -> Routes {
    const T: Access = Access::Tenant;
    r.get("/admin/{tenant}/druckerei", T, queue)
        .post("/admin/{tenant}/druckerei", T, advance)
        .get("/admin/{tenant}/druckauftraege/{slug}/abzug.pdf", T, proof)
        .get("/admin/{tenant}/vordrucke/{slug}/vordruck.pdf", T, form)
        .get(
            "/admin/{tenant}/pressemitteilungen/{slug}/brief.pdf",
            T,
            letter,
        )
        .get(
            "/admin/{tenant}/teilnehmerlisten/{slug}/namensschilder.pdf",
            T,
            badges,
        )
        .get(
            "/admin/{tenant}/einheiten/{slug}/visitenkarten.pdf",
            T,
            unit_cards,
        )
        .get(
            "/admin/{tenant}/personen/{slug}/visitenkarte.pdf",
            T,
            person_card,
        )
}

/// Only the print office (and the administrator) moves an order on.
fn works_the_queue(t: &InTenant) -> bool {
    t.user.actor.has_role(&t.tenant, Role::PrintOffice)
        || t.user.actor.has_role(&t.tenant, Role::Administrator)
}

fn pdf(file_name: &str, pdf: Pdf) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
            // Internal documents: no copy in any cache.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf.bytes,
    )
        .into_response()
}

#[derive(Serialize)]
struct OrderRow {
    slug: String,
    title: String,
    product: &'static str,
    state: &'static str,
    ordered_by: Option<String>,
    copies: u32,
    /// The next step and its button.
    next: Option<(&'static str, &'static str)>,
}

#[derive(Serialize)]
struct FormRow {
    slug: String,
    title: String,
    number: Option<String>,
    unit: String,
}

fn state_label(s: PrintOrderState) -> &'static str {
    let key = serde_json::to_value(s).expect("enums serialise");
    kreiskom_publish::label("print_state", key.as_str().unwrap_or_default()).unwrap_or("")
}

async fn queue(State(s): State<AppState>, t: InTenant) -> Reply {
    if !t.user.actor.may_read_kind(&t.tenant, Kind::PrintOrder) {
        return Err(PageError(Error::Forbidden));
    }
    let operator = works_the_queue(&t);
    let mut orders = s.store.records::<PrintOrder>(Some(&t.tenant)).await?;
    orders.sort_by_key(|o| (o.state == PrintOrderState::Printed, o.title.clone()));
    let open = orders
        .iter()
        .filter(|o| o.state != PrintOrderState::Printed)
        .count();
    let rows: Vec<OrderRow> = orders
        .into_iter()
        .map(|o| {
            let product = serde_json::to_value(o.product).expect("enums serialise");
            OrderRow {
                slug: o.slug.to_string(),
                title: o.title,
                product: kreiskom_publish::label(
                    "print_product",
                    product.as_str().unwrap_or_default(),
                )
                .unwrap_or(""),
                state: state_label(o.state),
                ordered_by: o.ordered_by,
                copies: o.copies,
                next: match o.state {
                    PrintOrderState::Ordered => Some(("proof_checked", "Korrekturabzug freigeben")),
                    PrintOrderState::ProofChecked => Some(("printed", "Als gedruckt markieren")),
                    PrintOrderState::Printed => None,
                }
                .filter(|_| operator),
            }
        })
        .collect();
    let units = s.store.records::<Unit>(Some(&t.tenant)).await?;
    let mut forms: Vec<FormRow> = if t.user.actor.may_read_kind(&t.tenant, Kind::PrintForm) {
        s.store
            .records::<PrintForm>(Some(&t.tenant))
            .await?
            .into_iter()
            .map(|f| FormRow {
                unit: f
                    .unit
                    .as_ref()
                    .and_then(|u| units.iter().find(|x| &x.slug == u))
                    .map_or_else(
                        || "Ohne Organisationseinheit".to_owned(),
                        |u| u.name.clone(),
                    ),
                slug: f.slug.to_string(),
                title: f.title,
                number: f.number,
            })
            .collect()
    } else {
        Vec::new()
    };
    forms.sort_by(|a, b| (&a.unit, &a.title).cmp(&(&b.unit, &b.title)));
    render(
        &s,
        &t,
        "druckerei",
        StatusCode::OK,
        "admin/print_queue.html",
        serde_json::json!({
            "orders": rows,
            "open": open,
            "forms": forms,
            "operator": operator,
            "may_order": t.user.actor.may_edit(&t.tenant, Kind::PrintOrder),
        }),
    )
    .await
}

/// Moves an order one step on: proof checked, then printed.
async fn advance(State(s): State<AppState>, t: InTenant, form: Form) -> Reply {
    // The permission first, then the input.
    let permit = t.permit(Kind::PrintOrder)?;
    if !works_the_queue(&t) {
        return Err(PageError(Error::Forbidden));
    }
    let slug = form.get("auftrag").unwrap_or_default().to_owned();
    let state = match form.get("stand").unwrap_or_default() {
        "proof_checked" => PrintOrderState::ProofChecked,
        "printed" => PrintOrderState::Printed,
        _ => {
            return Err(PageError(Error::Body(vec![
                kreiskom_core::FieldError::new("stand", "unbekannter Stand des Auftrags"),
            ])))
        }
    };
    let stored = fetch::<PrintOrder>(&s, &t, &slug).await?;
    let mut order = stored.record;
    order.state = state;
    s.store
        .update(&permit, Some(&t.tenant), &slug, order, Some(stored.version))
        .await?;
    Ok(Redirect::to(&format!("/admin/{}/druckerei", t.tenant)).into_response())
}

async fn proof(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    let order = fetch::<PrintOrder>(&s, &t, &slug).await?.record;
    let out = s
        .print_shop()
        .proof(&t.tenant, &order)
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("korrekturabzug-{slug}.pdf"), out))
}

async fn form(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    let f = fetch::<PrintForm>(&s, &t, &slug).await?.record;
    let out = s
        .print_shop()
        .form(&t.tenant, &f)
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("vordruck-{slug}.pdf"), out))
}

async fn letter(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    let r = fetch::<PressRelease>(&s, &t, &slug).await?.record;
    let out = s
        .print_shop()
        .release_letter(&t.tenant, &r)
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("pressemitteilung-{slug}.pdf"), out))
}

async fn badges(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
) -> Reply {
    let list = fetch::<ParticipantList>(&s, &t, &slug).await?.record;
    let out = s
        .print_shop()
        .name_badges(&t.tenant, &list)
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("namensschilder-{slug}.pdf"), out))
}

#[derive(Deserialize)]
struct CardsQuery {
    /// One card per page instead of A4 sheets.
    #[serde(default)]
    einzeln: Option<String>,
}

fn layout(q: &CardsQuery) -> CardLayout {
    if q.einzeln.is_some() {
        CardLayout::Single
    } else {
        CardLayout::Sheet
    }
}

async fn unit_cards(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    Query(q): Query<CardsQuery>,
) -> Reply {
    fetch::<Unit>(&s, &t, &slug).await?;
    if !t.user.actor.may_read_kind(&t.tenant, Kind::Person) {
        return Err(PageError(Error::Forbidden));
    }
    let out = s
        .print_shop()
        .business_cards(&t.tenant, &CardsFor::Unit(slug.clone()), layout(&q), 1)
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("visitenkarten-{slug}.pdf"), out))
}

async fn person_card(
    State(s): State<AppState>,
    t: InTenant,
    Path((_, slug)): Path<(String, String)>,
    Query(q): Query<CardsQuery>,
) -> Reply {
    fetch::<Person>(&s, &t, &slug).await?;
    let out = s
        .print_shop()
        .business_cards(
            &t.tenant,
            &CardsFor::People(vec![slug.clone()]),
            layout(&q),
            1,
        )
        .await
        .map_err(Error::from)?;
    Ok(pdf(&format!("visitenkarte-{slug}.pdf"), out))
}

/// The links to a record's PDFs, for its page in the workspace: only
/// those that give a document (a unit's cards once it has people).
pub(crate) async fn links(
    s: &AppState,
    t: &InTenant,
    kind: Kind,
    slug: &str,
) -> Result<Vec<(String, &'static str)>, PageError> {
    if kind == Kind::Unit {
        let people = s.store.records::<Person>(Some(&t.tenant)).await?;
        if !people
            .iter()
            .any(|p| p.unit.as_ref().is_some_and(|u| u.as_str() == slug))
        {
            return Ok(Vec::new());
        }
    }
    let base = format!("/admin/{}/{}/{slug}", t.tenant, kind.path());
    Ok(match kind {
        Kind::PrintOrder => vec![(format!("{base}/abzug.pdf"), "Korrekturabzug (PDF)")],
        Kind::PrintForm => vec![(format!("{base}/vordruck.pdf"), "Vordruck (PDF)")],
        Kind::PressRelease => vec![(format!("{base}/brief.pdf"), "Als Brief (PDF)")],
        Kind::ParticipantList => {
            vec![(format!("{base}/namensschilder.pdf"), "Namensschilder (PDF)")]
        }
        Kind::Unit => vec![
            (
                format!("{base}/visitenkarten.pdf"),
                "Visitenkarten aller Personen, A4-Bogen (PDF)",
            ),
            (
                format!("{base}/visitenkarten.pdf?einzeln=1"),
                "Visitenkarten einzeln (PDF)",
            ),
        ],
        Kind::Person => vec![(
            format!("{base}/visitenkarte.pdf?einzeln=1"),
            "Visitenkarte (PDF)",
        )],
        _ => vec![],
    })
}
