//! Every route is added through `Routes`, which keeps a table of method,
//! path and who may call it beside the router. Tests walk that table to
//! prove that no route is open that should not be.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The public site, assets, reading the API, the sign-in form.
    Public,
    /// Any signed-in person (the list of their tenants, signing out).
    SignedIn,
    /// A signed-in person with a role in the `{tenant}` of the path.
    Tenant,
    /// A write through the API: the operator's token, or a session with
    /// its CSRF token, and the role the record's kind requires.
    ApiWrite,
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: Method,
    pub path: String,
    pub access: Access,
}

pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    pub fn add<H, T>(mut self, method: Method, path: &str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("GET, POST, PUT or DELETE");
        self.router = self.router.route(path, on(filter, handler));
        self.table.push(RouteInfo {
            method,
            path: path.to_owned(),
            access,
        });
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::GET, path, access, h)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &str,
        access: Access,
        h: H,
    ) -> Self {
        self.add(Method::POST, path, access, h)
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}
