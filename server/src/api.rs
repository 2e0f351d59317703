//! HTTP routes: the candidates API, the catalogue summary, and static files.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::candidates::{self, Context};
use crate::catalog::Catalog;

/// The strict policy the demo must run under: no inline script, wasm allowed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Shared, read-only server state.
pub struct AppState {
    /// The catalogue.
    pub catalog: Catalog,
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
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

/// Builds the router: API under `/api`, the report collector under `/collect`, the package
/// under `/dist`, examples under `/examples`, the demo at `/`.
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
        .with_state(state);
    Router::new()
        .nest("/api", api)
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
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .catalog
        .get(&id)
        .map(|p| Json(json!(p)))
        .ok_or_else(|| ApiError {
            status: StatusCode::NOT_FOUND,
            code: "unknown_product",
            message: format!(
                "no product with id {:?}",
                id.chars().take(64).collect::<String>()
            ),
        })
}

/// A catalogue sample for the style quiz: best sellers, round-robin over product types so
/// every type is represented. The SDK's quiz picks adaptively among them.
async fn quiz_bank(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    const BANK_SIZE: usize = 48;
    let mut by_type: std::collections::BTreeMap<&str, Vec<&crate::catalog::Product>> =
        Default::default();
    for p in &state.catalog.products {
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
    let mut picked = Vec::with_capacity(BANK_SIZE);
    for round in 0.. {
        let before = picked.len();
        for list in by_type.values() {
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

async fn catalog_summary(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let facet = |name: &str| -> BTreeSet<String> {
        state
            .catalog
            .products
            .iter()
            .filter_map(|p| p.attributes.get(name).cloned())
            .collect()
    };
    Json(json!({
        "source": state.catalog.source,
        "currency": state.catalog.currency,
        "productCount": state.catalog.products.len(),
        "facets": { "indexGroup": facet("indexGroup"), "productType": facet("productType") },
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
                    "missing_parameter",
                    format!("`{name}` is required for this context"),
                )
            })
    };
    match params.get("context").map(String::as_str).unwrap_or("home") {
        "home" => Ok(Context::Home),
        "new" => Ok(Context::New),
        "category" => Ok(Context::Category {
            attribute: need("attribute")?,
            value: need("value")?,
        }),
        "search" => Ok(Context::Search { q: need("q")? }),
        other => Err(ApiError::bad_request(
            "unknown_context",
            format!(
                "unknown context {:?}; use home, new, category or search",
                other.chars().take(64).collect::<String>()
            ),
        )),
    }
}

async fn candidates_for(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let context = parse_context(&params)?;
    let limit = match params.get("limit") {
        None => 24,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=candidates::MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_limit",
                    format!("limit must be 1..={}", candidates::MAX_LIMIT),
                )
            })?,
    };
    let list = candidates::retrieve(&state.catalog, &context, limit);
    Ok(Json(json!({ "candidates": list })))
}
