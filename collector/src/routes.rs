//! HTTP routes: `POST /reports`, `GET /aggregates`, `GET /dashboard`, `GET /schemas`,
//! `GET /health`.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use vitrine::privacy::wire::Day;

use crate::decode::{decode_batch, MAX_BODY_BYTES};
use crate::{aggregate, dashboard, CollectorState};

/// The policy the dashboard is served under: no inline script or style at all.
pub const DASHBOARD_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The collector's routes, to serve alone or to `nest("/collect", …)` in another app.
pub fn router(state: CollectorState) -> Router {
    Router::new()
        .route(
            "/reports",
            axum::routing::post(post_reports).options(preflight),
        )
        .route("/aggregates", get(aggregates))
        .route("/dashboard", get(dashboard_page))
        .route("/dashboard.css", get(dashboard_css))
        .route("/schemas", get(schemas))
        .route("/health", get(|| async { Json(json!({ "ok": true })) }))
        .with_state(state)
}

fn today() -> Day {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0);
    Day::from_ms(ms)
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// Adds CORS headers when the request's origin is allowed.
fn cors(state: &CollectorState, headers: &HeaderMap, mut response: Response) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if let Some(origin) = origin.filter(|o| state.config().allowed_origins.iter().any(|a| a == o)) {
        if let Ok(value) = HeaderValue::from_str(origin) {
            let h = response.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
    response
}

async fn preflight(State(state): State<CollectorState>, headers: HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    cors(&state, &headers, response)
}

async fn post_reports(State(state): State<CollectorState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let response = ingest(&state, request).await;
    cors(&state, &headers, response)
}

async fn ingest(state: &CollectorState, request: Request) -> Response {
    if request.method() != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    // The address is used for this check only and then dropped with the request.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Err(wait) = state.inner.limiter.check(peer, Instant::now()) {
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "VITRINE_COLLECT_RATE_LIMITED",
            "too many batches".into(),
        );
        let seconds = wait.ceil().max(1.0) as u64;
        if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let body: Body = request.into_body();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "VITRINE_COLLECT_TOO_LARGE",
                format!("body exceeds {MAX_BODY_BYTES} bytes"),
            );
        }
    };
    let today = today();
    let reports = match decode_batch(&bytes, today) {
        Ok(reports) => reports,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.code(), e.to_string()),
    };
    let state = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        state.with_store(|store| {
            if state.inner.last_pruned_day.swap(today.0, Ordering::Relaxed) != today.0 {
                store.prune_seen(today)?;
            }
            store.ingest(&reports)
        })
    })
    .await;
    match result {
        Ok(Ok(done)) => Json(json!({ "accepted": done.accepted, "duplicates": done.duplicates }))
            .into_response(),
        Ok(Err(e)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "VITRINE_COLLECT_STORAGE",
            e.to_string(),
        ),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "VITRINE_COLLECT_INTERNAL",
            e.to_string(),
        ),
    }
}

async fn load_aggregates(state: &CollectorState) -> Result<aggregate::Aggregates, Response> {
    let state = state.clone();
    let k = state.config().k;
    match tokio::task::spawn_blocking(move || state.with_store(|s| s.cells())).await {
        Ok(Ok(cells)) => Ok(aggregate::publish(&cells, k)),
        Ok(Err(e)) => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "VITRINE_COLLECT_STORAGE",
            e.to_string(),
        )),
        Err(e) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "VITRINE_COLLECT_INTERNAL",
            e.to_string(),
        )),
    }
}

async fn aggregates(State(state): State<CollectorState>) -> Response {
    match load_aggregates(&state).await {
        Ok(a) => ([(header::CACHE_CONTROL, "no-store")], Json(a)).into_response(),
        Err(response) => response,
    }
}

async fn dashboard_page(State(state): State<CollectorState>) -> Response {
    match load_aggregates(&state).await {
        Ok(a) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
                (header::CACHE_CONTROL, "no-store"),
            ],
            dashboard::render(&a),
        )
            .into_response(),
        Err(response) => response,
    }
}

async fn dashboard_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
        ],
        dashboard::CSS,
    )
        .into_response()
}

async fn schemas() -> Response {
    Json(vitrine::privacy::manifest::build().reports).into_response()
}
