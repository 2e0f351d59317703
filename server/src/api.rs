//! HTTP routes: the candidates API, the catalogue summary, the model, and static files.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::candidates::{self, CandidatesError, Context};
use crate::model::ModelFile;
use crate::shop::Shop;

/// The strict policy the demo must run under: no inline script, wasm allowed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Shared, read-only server state.
pub struct AppState {
    /// The catalogue and its indexes.
    pub shop: Shop,
    /// The trained model, when there is one.
    pub model: Option<ModelFile>,
}

/// An API error: a status and a JSON body `{ "error": { "code", "message" } }`.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code,
            message: message.into(),
        }
    }
}

impl From<CandidatesError> for ApiError {
    fn from(e: CandidatesError) -> Self {
        let status = match e {
            CandidatesError::UnknownProduct(_) => StatusCode::NOT_FOUND,
            CandidatesError::QueryTooLong => StatusCode::BAD_REQUEST,
        };
        ApiError {
            status,
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// At most 64 characters of client input, for error messages.
fn shown(text: &str) -> String {
    text.chars().take(64).collect()
}

/// Builds the router: API under `/api`, the model under `/model`, the report collector under
/// `/collect`, the package under `/dist`, examples under `/examples`, the demo at `/`.
pub fn router(
    state: Arc<AppState>,
    collector: vitrine_collector::CollectorState,
    root: PathBuf,
) -> Router {
    let api = Router::new()
        .route("/health", get(|| async { Json(json!({ "ok": true })) }))
        .route("/catalog", get(catalog_summary))
        .route("/candidates", get(candidates_for))
        .route("/products/{id}", get(product_by_id))
        .route("/quiz-bank", get(quiz_bank))
        .route("/model", get(model_info))
        .fallback(|| async { ApiError::not_found("VITRINE_SERVER_NOT_FOUND", "no such API route") })
        .with_state(state.clone());
    Router::new()
        .nest("/api", api)
        .route("/model/{name}", get(model_file).with_state(state))
        .nest("/collect", vitrine_collector::router(collector))
        .nest_service("/dist", ServeDir::new(root.join("dist")))
        .nest_service("/examples", ServeDir::new(root.join("examples")))
        .fallback_service(ServeDir::new(root.join("www")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

async fn product_by_id(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.shop.get(&id).map(|p| Json(json!(p))).ok_or_else(|| {
        ApiError::not_found(
            "VITRINE_SERVER_UNKNOWN_PRODUCT",
            format!("no product with id {:?}", shown(&id)),
        )
    })
}

async fn model_info(
    State(state): State<Arc<AppState>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .model
        .as_ref()
        .map(|m| Json(json!(m.info)))
        .ok_or_else(|| {
            ApiError::not_found(
                "VITRINE_SERVER_NO_MODEL",
                "this server has no trained model; the SDK uses its affinity ranker",
            )
        })
}

async fn model_file(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    match &state.model {
        Some(m) if m.name() == name => Ok((
            [(header::CONTENT_TYPE, "application/octet-stream")],
            m.bytes.clone(),
        )
            .into_response()),
        _ => Err(ApiError::not_found(
            "VITRINE_SERVER_NO_MODEL",
            format!("no model named {:?}", shown(&name)),
        )),
    }
}

/// A catalogue sample for the style quiz: best sellers, round-robin over product types so
/// every type is represented. The SDK's quiz picks adaptively among them.
async fn quiz_bank(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    const BANK_SIZE: usize = 48;
    let mut by_type: BTreeMap<&str, Vec<&crate::catalog::Product>> = BTreeMap::new();
    for p in &state.shop.products {
        let kind = p.attributes.get("productType").map_or("", String::as_str);
        by_type.entry(kind).or_default().push(p);
    }
    for list in by_type.values_mut() {
        list.sort_by(|a, b| {
            b.weekly_sales
                .cmp(&a.weekly_sales)
                .then_with(|| a.id.cmp(&b.id))
        });
    }
    // Most popular types first, so a large catalogue's bank is its best sellers.
    let mut types: Vec<&Vec<&crate::catalog::Product>> = by_type.values().collect();
    types.sort_by_key(|list| {
        std::cmp::Reverse(list.iter().map(|p| u64::from(p.weekly_sales)).sum::<u64>())
    });
    let mut picked = Vec::with_capacity(BANK_SIZE);
    for round in 0.. {
        let before = picked.len();
        for list in &types {
            if let Some(p) = list.get(round) {
                if picked.len() < BANK_SIZE {
                    picked.push(json!({ "id": p.id, "name": p.name, "price": p.price, "attributes": p.attributes }));
                }
            }
        }
        if picked.len() == before || picked.len() >= BANK_SIZE {
            break;
        }
    }
    Json(json!(picked))
}

/// Values of an attribute with their product counts, most products first.
fn counts<'a>(
    products: impl Iterator<Item = &'a crate::catalog::Product>,
    name: &str,
) -> Vec<(String, usize)> {
    let mut map: BTreeMap<&str, usize> = BTreeMap::new();
    for p in products {
        if let Some(v) = p.attributes.get(name) {
            *map.entry(v.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = map.into_iter().map(|(v, n)| (v.to_owned(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

async fn catalog_summary(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    const TYPES_PER_GROUP: usize = 8;
    let shop = &state.shop;
    let sorted = |mut list: Vec<(String, usize)>| {
        list.sort();
        list.into_iter().map(|(v, _)| v).collect::<Vec<_>>()
    };
    let groups: Vec<serde_json::Value> = counts(shop.products.iter(), "indexGroup")
        .into_iter()
        .map(|(group, n)| {
            let in_group = shop
                .products
                .iter()
                .filter(|p| p.attributes.get("indexGroup") == Some(&group));
            let types: Vec<serde_json::Value> = counts(in_group, "productType")
                .into_iter()
                .take(TYPES_PER_GROUP)
                .map(|(value, count)| json!({ "value": value, "count": count }))
                .collect();
            json!({ "value": group, "count": n, "productTypes": types })
        })
        .collect();
    Json(json!({
        "source": shop.source,
        "currency": shop.currency,
        "productCount": shop.products.len(),
        "basketCount": shop.basket_count(),
        "hasModel": state.model.is_some(),
        "facets": {
            "indexGroup": sorted(counts(shop.products.iter(), "indexGroup")),
            "productType": sorted(counts(shop.products.iter(), "productType")),
        },
        "categories": groups,
    }))
}

/// Parses the query string into a context; unknown contexts are a 400, not a panic.
fn parse_context(params: &HashMap<String, String>) -> Result<Context, ApiError> {
    let need = |name: &str| {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                ApiError::bad_request(
                    "VITRINE_SERVER_MISSING_PARAMETER",
                    format!("`{name}` is required for this context"),
                )
            })
    };
    match params.get("context").map(String::as_str).unwrap_or("home") {
        "home" => Ok(Context::Home {
            group: params.get("group").filter(|v| !v.is_empty()).cloned(),
        }),
        "new" => Ok(Context::New),
        "category" => Ok(Context::Category {
            attribute: need("attribute")?,
            value: need("value")?,
        }),
        "product" => Ok(Context::Product { id: need("id")? }),
        "search" => Ok(Context::Search {
            q: params.get("q").cloned().unwrap_or_default(),
        }),
        other => Err(ApiError::bad_request(
            "VITRINE_SERVER_UNKNOWN_CONTEXT",
            format!(
                "unknown context {:?}; use home, category, new, product or search",
                shown(other)
            ),
        )),
    }
}

async fn candidates_for(
    State(state): State<Arc<AppState>>,
    params: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("VITRINE_SERVER_BAD_QUERY", e.body_text()))?;
    let context = parse_context(&params)?;
    let limit = match params.get("limit") {
        None => 24,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=candidates::MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "VITRINE_SERVER_INVALID_LIMIT",
                    format!("limit must be 1..={}", candidates::MAX_LIMIT),
                )
            })?,
    };
    let list = candidates::retrieve(&state.shop, &context, limit)?;
    Ok(Json(json!({ "candidates": list })))
}
