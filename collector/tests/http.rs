//! End-to-end tests over real HTTP on a free loopback port.

use std::net::SocketAddr;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vitrine::privacy::consent::{ConsentState, ConsentUpdate};
use vitrine::privacy::queue::{batch_body, DeliveryOutcome};
use vitrine::privacy::reporting::{Reporting, ReportingConfig};
use vitrine::privacy::reports::{Report, ReportKind};
use vitrine::privacy::rng::ChaCha20Rng;
use vitrine::privacy::wire::{Day, Epsilon};
use vitrine::storage::{persist::Keys, MemoryStore};
use vitrine_collector::client::{request, HttpResponse};
use vitrine_collector::ratelimit::RateLimit;
use vitrine_collector::{router, serve, CollectorConfig, CollectorState, Database};

struct Running {
    addr: SocketAddr,
    state: CollectorState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    async fn start(config: CollectorConfig) -> Running {
        let state = CollectorState::new(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    async fn post(&self, body: &str) -> HttpResponse {
        request(
            self.addr,
            "POST",
            "/reports",
            &[("Content-Type", "text/plain")],
            body.as_bytes(),
        )
        .await
        .unwrap()
    }

    async fn get(&self, path: &str) -> HttpResponse {
        request(self.addr, "GET", path, &[], b"").await.unwrap()
    }

    async fn stop(mut self) {
        let _ = self.stop.take().map(|s| s.send(()));
        self.task.take().unwrap().await.unwrap().unwrap();
    }
}

fn today() -> Day {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64;
    Day::from_ms(ms)
}

fn payloads(n: usize, kind: ReportKind, seed: u64) -> Vec<String> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let schema = kind.schema();
    (0..n)
        .map(|i| {
            let r = Report::new(
                kind,
                today(),
                schema.labels[i % schema.labels.len()],
                schema.has_experiment.then_some("hero"),
            )
            .unwrap();
            r.encode(Epsilon::new(schema.default_epsilon).unwrap(), &mut rng)
                .to_json()
        })
        .collect()
}

fn json(r: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

#[tokio::test]
async fn counts_once_and_publishes_only_cells_of_k() {
    let c = Running::start(CollectorConfig {
        k: 30,
        ..CollectorConfig::default()
    })
    .await;
    let reports = payloads(29, ReportKind::Lifecycle, 1);
    let body = batch_body(reports.iter().map(String::as_str));
    let r = c.post(&body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        json(&r),
        serde_json::json!({ "accepted": 29, "duplicates": 0 })
    );
    // A replay (sendBeacon then a retry, or a reload) is dropped by id.
    assert_eq!(
        json(&c.post(&body).await),
        serde_json::json!({ "accepted": 0, "duplicates": 29 })
    );
    let a = json(&c.get("/aggregates").await);
    assert_eq!(a["cells"].as_array().unwrap().len(), 0);
    assert_eq!(a["suppressed"], 1);
    let more = payloads(1, ReportKind::Lifecycle, 2);
    assert_eq!(c.post(&batch_body([more[0].as_str()])).await.status, 200);
    let a = json(&c.get("/aggregates").await);
    let cell = &a["cells"][0];
    assert_eq!(cell["reports"], 30);
    assert_eq!(cell["type"], "lifecycle");
    assert_eq!(cell["labels"].as_array().unwrap().len(), 7);
    let total: f64 = cell["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["estimate"].as_f64().unwrap())
        .sum();
    assert!(
        (total - 30.0).abs() < 1e-6,
        "GRR estimates sum to n: {total}"
    );
    c.stop().await;
}

#[tokio::test]
async fn rejects_malformed_oversize_and_out_of_schema_batches() {
    let c = Running::start(CollectorConfig::default()).await;
    let good = payloads(1, ReportKind::Quiz, 3).remove(0);
    let with = |from: &str, to: &str| batch_body([good.replace(from, to).as_str()]);
    let cases = [
        "not json".to_owned(),
        r#"{"reports":[]}"#.to_owned(),
        format!(r#"{{"reports":[{good}],"ip":"1.2.3.4"}}"#),
        with("\"day\"", "\"userId\":\"u1\",\"day\""),
        with("\"epsilon\":0.5", "\"epsilon\":7.5"),
        with("\"epsilon\":0.5", "\"epsilon\":0.33"),
        with("\"epsilon\":0.5", "\"epsilon\":\"0.5\""),
        with("\"type\":\"quiz\"", "\"type\":\"clicks\""),
        with("\"outcome\":", "\"outcome\":\"x\",\"o\":"),
    ];
    for body in cases {
        let r = c.post(&body).await;
        assert_eq!(r.status, 400, "{body} -> {}", r.text());
        assert_eq!(json(&r)["error"]["code"], "VITRINE_COLLECT_INVALID");
    }
    let huge = format!(r#"{{"reports":["{}"]}}"#, "x".repeat(70_000));
    assert_eq!(c.post(&huge).await.status, 413);
    assert_eq!(
        c.state.with_store(|s| s.total_reports()).unwrap(),
        0,
        "nothing invalid is counted"
    );
    c.stop().await;
}

#[tokio::test]
async fn rate_limits_per_client_with_retry_after() {
    let c = Running::start(CollectorConfig {
        rate_limit: RateLimit {
            burst: 2.0,
            per_second: 0.1,
        },
        ..CollectorConfig::default()
    })
    .await;
    for seed in 0..2 {
        assert_eq!(
            c.post(&batch_body([
                payloads(1, ReportKind::Quiz, 10 + seed)[0].as_str()
            ]))
            .await
            .status,
            200
        );
    }
    let r = c
        .post(&batch_body([payloads(1, ReportKind::Quiz, 20)[0].as_str()]))
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("10"));
    assert_eq!(
        DeliveryOutcome::from_status(r.status, Some(10.0)),
        DeliveryOutcome::Retry(Some(10_000.0))
    );
    c.stop().await;
}

#[tokio::test]
async fn stores_no_ip_address_or_payload() {
    let dir = std::env::temp_dir().join(format!("vitrine-collector-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("c.sqlite");
    let c = Running::start(CollectorConfig {
        database: Database::File(path.clone()),
        ..CollectorConfig::default()
    })
    .await;
    let reports = payloads(20, ReportKind::Experiment, 4);
    assert_eq!(
        c.post(&batch_body(reports.iter().map(String::as_str)))
            .await
            .status,
        200
    );
    c.stop().await;
    let conn = rusqlite_free_dump(&path);
    assert!(!conn.contains("127.0.0.1"), "the database holds no address");
    assert!(!conn.contains("\"day\""), "the database holds no payload");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every byte the database files hold, as lossy text (no SQLite needed to look).
fn rusqlite_free_dump(path: &std::path::Path) -> String {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(bytes) = std::fs::read(p) {
            all.extend(bytes);
        }
    }
    assert!(!all.is_empty());
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn dashboard_is_csp_clean_and_cors_is_opt_in() {
    let c = Running::start(CollectorConfig {
        k: 5,
        allowed_origins: vec!["http://127.0.0.1:8080".into()],
        ..CollectorConfig::default()
    })
    .await;
    let reports = payloads(10, ReportKind::Engagement, 5);
    let r = request(
        c.addr,
        "POST",
        "/reports",
        &[("Origin", "http://127.0.0.1:8080")],
        batch_body(reports.iter().map(String::as_str)).as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    let r = request(
        c.addr,
        "OPTIONS",
        "/reports",
        &[("Origin", "http://evil.example")],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.header("access-control-allow-origin"), None);
    let page = c.get("/dashboard").await;
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
    let html = page.text();
    assert!(html.contains("<svg") && html.contains("engagement"));
    assert!(!html.contains("<script") && !html.contains("style="));
    assert!(c
        .get("/dashboard.css")
        .await
        .header("content-type")
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(c.get("/schemas").await.status, 200);
    c.stop().await;
}

#[tokio::test]
async fn mounts_under_collect_in_another_app() {
    let state = CollectorState::new(CollectorConfig::default()).unwrap();
    let app = axum::Router::new().nest("/collect", router(state.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    let body = batch_body(payloads(3, ReportKind::Quiz, 6).iter().map(String::as_str));
    let r = request(
        addr,
        "POST",
        vitrine::privacy::reports::REPORT_ENDPOINT,
        &[],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "the declared endpoint is served");
    assert_eq!(
        request(addr, "GET", "/collect/dashboard", &[], b"")
            .await
            .unwrap()
            .status,
        200
    );
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_browser_pipeline_survives_an_outage_without_loss_or_double_counting() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64;
    let mut store = MemoryStore::default();
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let mut consent = ConsentState::default();
    consent.apply(&ConsentUpdate::from_json(r#"{"measurement":"granted"}"#).unwrap());
    let mut reporting = Reporting::new(ReportingConfig::default(), Keys::new("vitrine")).unwrap();
    reporting.attach(&mut store, now);
    for (kind, label) in [
        (ReportKind::Engagement, "tops"),
        (ReportKind::Lifecycle, "customer"),
    ] {
        reporting
            .submit(
                &consent,
                &Report::new(kind, Day::from_ms(now), label, None).unwrap(),
                now,
                &mut rng,
                &mut store,
            )
            .unwrap();
    }
    // The collector is down: a closed port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let batch = reporting.next_batch(&consent, now, &mut store).unwrap();
    assert!(
        request(closed, "POST", "/reports", &[], batch.body.as_bytes())
            .await
            .is_err()
    );
    reporting.settle(
        &batch.ids,
        DeliveryOutcome::from_status(0, None),
        now,
        &mut rng,
        &mut store,
    );
    // Reload, collector back up; the page also fired a sendBeacon of the same batch earlier.
    let mut reloaded = Reporting::new(ReportingConfig::default(), Keys::new("vitrine")).unwrap();
    reloaded.attach(&mut store, now + 60_000.0);
    let c = Running::start(CollectorConfig {
        k: 1,
        ..CollectorConfig::default()
    })
    .await;
    assert_eq!(c.post(&batch.body).await.status, 200);
    let retry = reloaded
        .next_batch(&consent, now + 60_000.0, &mut store)
        .unwrap();
    let r = c.post(&retry.body).await;
    assert_eq!(
        json(&r),
        serde_json::json!({ "accepted": 0, "duplicates": 2 })
    );
    reloaded.settle(
        &retry.ids,
        DeliveryOutcome::from_status(r.status, None),
        now + 60_000.0,
        &mut rng,
        &mut store,
    );
    assert_eq!(reloaded.audit(now).queued, 0);
    assert_eq!(
        c.state.with_store(|s| s.total_reports()).unwrap(),
        2,
        "each report counted once"
    );
    c.stop().await;
}
