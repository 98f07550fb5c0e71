//! The OpenAPI 3.1 document, generated from the record types (JSON Schema
//! via schemars) and the same registry that builds the routes.

use kreiskom_core::Record;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{json, Map, Value};

use crate::api::entries;
use crate::error::ErrorBody;

pub(crate) type Describe = fn(&mut SchemaGenerator, &mut Map<String, Value>);

fn responses(ok: Value, error: &Value, write: bool) -> Value {
    let err =
        |d: &str| json!({"description": d, "content": {"application/json": {"schema": error}}});
    let mut r = Map::new();
    for (code, body) in ok.as_object().expect("object").clone() {
        r.insert(code, body);
    }
    r.insert("404".into(), err("Nicht gefunden"));
    if write {
        r.insert("401".into(), err("API-Token fehlt oder ist falsch"));
        r.insert(
            "403".into(),
            err("Keine Berechtigung, oder Schreibzugriff ist nicht eingerichtet"),
        );
        r.insert("413".into(), err("Inhalt zu groß (höchstens 2 MB)"));
        r.insert(
            "409".into(),
            err("Kennung schon vergeben oder Datensatz noch in Verwendung"),
        );
        r.insert(
            "412".into(),
            err("Datensatz wurde inzwischen geändert (If-Match)"),
        );
        r.insert("422".into(), err("Eingaben ungültig; je Feld eine Meldung"));
    }
    Value::Object(r)
}

fn operations<R: Record>(
    gen: &mut SchemaGenerator,
    paths: &mut Map<String, Value>,
    base: &str,
    tenant_param: bool,
) {
    let schema = serde_json::to_value(gen.subschema_for::<R>()).expect("schema is JSON");
    let error = serde_json::to_value(gen.subschema_for::<ErrorBody>()).expect("schema is JSON");
    let label = R::KIND.label();
    let tag = R::KIND.plural();
    let mut params = Vec::new();
    if tenant_param {
        params.push(json!({"name": "tenant", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Kennung des Mandanten"}));
    }
    let mut item_params = params.clone();
    item_params.push(
        json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}}),
    );
    let one = json!({"description": label, "headers": {"ETag": {"schema": {"type": "string"}, "description": "Version für If-Match"}},
                     "content": {"application/json": {"schema": schema}}});
    let body = json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let security = json!([{"bearer": []}]);
    paths.insert(
        base.to_owned(),
        json!({
            "parameters": params,
            "get": {"tags": [tag], "summary": format!("{label}: alle auflisten"), "operationId": format!("list_{tag}"),
                    "responses": responses(json!({"200": {"description": "Liste", "content": {"application/json": {"schema": {"type": "array", "items": schema}}}}}), &error, false)},
            "post": {"tags": [tag], "summary": format!("{label}: anlegen"), "operationId": format!("create_{tag}"), "security": security,
                     "requestBody": body, "responses": responses(json!({"201": one}), &error, true)},
        }),
    );
    paths.insert(
        format!("{base}/{{slug}}"),
        json!({
            "parameters": item_params,
            "get": {"tags": [tag], "summary": format!("{label}: lesen"), "operationId": format!("get_{tag}"),
                    "responses": responses(json!({"200": one}), &error, false)},
            "put": {"tags": [tag], "summary": format!("{label}: ersetzen"), "operationId": format!("update_{tag}"), "security": security,
                    "parameters": [{"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}}],
                    "requestBody": body, "responses": responses(json!({"200": one}), &error, true)},
            "delete": {"tags": [tag], "summary": format!("{label}: löschen"), "operationId": format!("delete_{tag}"), "security": security,
                       "responses": responses(json!({"204": {"description": "Gelöscht"}}), &error, true)},
        }),
    );
}

pub(crate) fn describe_global<R: Record>(
    gen: &mut SchemaGenerator,
    paths: &mut Map<String, Value>,
) {
    operations::<R>(gen, paths, &format!("/api/v1/{}", R::KIND.plural()), false);
}

pub(crate) fn describe_scoped<R: Record>(
    gen: &mut SchemaGenerator,
    paths: &mut Map<String, Value>,
) {
    operations::<R>(
        gen,
        paths,
        &format!("/api/v1/tenants/{{tenant}}/{}", R::KIND.plural()),
        true,
    );
}

pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut gen = settings.for_deserialize().into_generator();
    let mut paths = Map::new();
    let error = serde_json::to_value(gen.subschema_for::<ErrorBody>()).expect("schema is JSON");
    for entry in entries() {
        (entry.doc)(&mut gen, &mut paths);
    }
    paths.insert(
        "/api/v1/partnerships/{slug}/status".into(),
        json!({"get": {
            "tags": ["partnerships"], "summary": "Partnerschaft: Status zu einem Tag, aus der Zeitleiste abgeleitet", "operationId": "partnership_status",
            "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}},
                           {"name": "date", "in": "query", "required": false, "schema": {"type": "string", "format": "date"}}],
            "responses": {
                "200": {"description": "Status", "content": {"application/json": {"schema": {"type": "object"}}}},
                "404": {"description": "Nicht gefunden", "content": {"application/json": {"schema": error}}},
                "422": {"description": "Datum ungültig", "content": {"application/json": {"schema": error}}}
            }
        }}),
    );
    paths.insert(
        "/api/v1/regions/{slug}/partners-of-partners".into(),
        json!({"get": {
            "tags": ["regions"], "summary": "Partner der Partner einer Gebietskörperschaft, die besten zuerst: noch ohne eigene Partnerschaft, dann nach der Zahl gemeinsamer Partner", "operationId": "partners_of_partners",
            "parameters": [{"name": "slug", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "Nachbarn im Partnerschaftsnetz", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["region", "neighbours"],
                    "properties": {
                        "region": {"type": "string"},
                        "neighbours": {"type": "array", "items": {"type": "object", "required": ["region", "via", "partnership"], "properties": {
                            "region": {"type": "string", "description": "Kennung der Gebietskörperschaft"},
                            "via": {"type": "array", "items": {"type": "string"}, "description": "Die gemeinsamen Partner, je einer ein Weg"},
                            "partnership": {"type": ["string", "null"], "description": "Die eigene Partnerschaft mit ihr, falls es sie schon gibt"}
                        }}}
                    }}}}},
                "404": {"description": "Nicht gefunden", "content": {"application/json": {"schema": error}}}
            }
        }}),
    );
    paths.insert(
        "/api/v1/tenants/{tenant}/search".into(),
        json!({"get": {
            "tags": ["search"], "summary": "Volltextsuche über die öffentlichen Inhalte eines Landkreises (Wortstämme, ohne Akzente), beste Treffer zuerst", "operationId": "search",
            "parameters": [{"name": "tenant", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Kennung des Mandanten"},
                           {"name": "q", "in": "query", "required": false, "schema": {"type": "string", "maxLength": 200}, "description": "Suchbegriffe; jedes Wort muss vorkommen (ohne: keine Treffer)"},
                           {"name": "kind", "in": "query", "required": false, "schema": {"type": "string", "enum": ["pressemitteilungen", "seiten", "partnerschaften", "gebiete", "aktivitaeten", "organisationen"]}},
                           {"name": "year", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1000, "maximum": 2999}},
                           {"name": "offset", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}},
                           {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "maximum": 50, "default": 10}}],
            "responses": {
                "200": {"description": "Treffer", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["query", "total", "by_kind", "hits"],
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer", "description": "Alle Treffer der gewählten Art"},
                        "by_kind": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Treffer je Art, gleich welche gewählt ist"},
                        "hits": {"type": "array", "items": {"type": "object", "required": ["kind", "title", "url", "snippet"], "properties": {
                            "kind": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string", "format": "uri"},
                            "year": {"type": ["integer", "null"]}, "score": {"type": "number"},
                            "snippet": {"type": "array", "items": {"type": "object", "properties": {"text": {"type": "string"}, "marked": {"type": "boolean"}}}}
                        }}}
                    }}}}},
                "404": {"description": "Landkreis nicht gefunden", "content": {"application/json": {"schema": error}}},
                "422": {"description": "Art, Jahr oder Seite ungültig", "content": {"application/json": {"schema": error}}},
                "503": {"description": "Suche gerade nicht verfügbar", "content": {"application/json": {"schema": error}}}
            }
        }}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "kreiskom API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Partnerschaften, Gebietskörperschaften und die Datensätze der Landkreise. Schreibzugriffe brauchen ein API-Token (Authorization: Bearer …).",
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
        },
        "paths": paths,
        "components": {
            "schemas": gen.take_definitions(true),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    })
}
