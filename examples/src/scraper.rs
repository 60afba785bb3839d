//! A web scraper: a local site (axum) and a crawler (reqwest) that follows links to depth 2 with
//! one pooled client, at most 16 requests at once, a timeout per request, and retries that
//! honour `Retry-After` for idempotent requests only.
//!
//! The site: `/` links to 9 sections; section `s` links to items `21 s .. 21 s + 22` (neighbours
//! share one item, 190 distinct items); every item links to a detail page (depth 3, never
//! fetched) and back to `/`. So a crawl to depth 2 fetches 1 + 9 + 190 = 200 URLs.
//!
//! The narrative (Python, pitfalls, in production) is the section *A web scraper* of `docs/real-world.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use backon::{ExponentialBuilder, Retryable};
use concurrency_control::BoundedMap;
use tokio::task::JoinHandle;

use crate::support::{Counter, Gauge, counting_listener};

/// Sections linked from `/`.
pub const SECTIONS: usize = 9;
/// Distinct item pages.
pub const ITEMS: usize = 190;
/// URLs a crawl to depth 2 fetches: `/`, the sections, the items.
pub const PAGES: usize = 1 + SECTIONS + ITEMS;

/// What the site's server saw.
#[derive(Debug, Clone, Default)]
pub struct SiteStats {
    /// TCP connections accepted.
    pub accepted: Counter,
    /// Requests being handled, and the peak.
    pub in_flight: Gauge,
    /// Requests per route (`GET /flaky`, `POST /orders`, ...).
    attempts: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl SiteStats {
    /// How many requests `route` (`"GET /flaky"`) received.
    pub fn attempts(&self, route: &str) -> usize {
        let attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        attempts.get(route).copied().unwrap_or(0)
    }

    fn record(&self, route: String) -> usize {
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        let count = attempts.entry(route).or_default();
        *count += 1;
        *count
    }
}

/// The running site.
#[derive(Debug)]
pub struct Site {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its address.
    pub addr: SocketAddr,
    /// What its server saw.
    pub stats: SiteStats,
    server: JoinHandle<std::io::Result<()>>,
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts the site on `127.0.0.1:0`.
///
/// # Errors
/// When the port cannot be bound.
pub async fn start_site() -> std::io::Result<Site> {
    let stats = SiteStats::default();
    let (listener, addr) = counting_listener(stats.accepted.clone()).await?;
    let app = Router::new()
        .route("/", get(root))
        .route("/section/{s}", get(section))
        .route("/item/{i}", get(item))
        .route("/slow", get(slow))
        .route("/flaky", get(flaky))
        .route("/orders", axum::routing::post(orders))
        .route("/reset", get(reset))
        .layer(middleware::from_fn_with_state(stats.clone(), count))
        .with_state(stats.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Site {
        base: format!("http://{addr}"),
        addr,
        stats,
        server,
    })
}

async fn count(State(stats): State<SiteStats>, request: Request, next: Next) -> Response {
    let _in_flight = stats.in_flight.enter();
    stats.record(format!("{} {}", request.method(), request.uri().path()));
    // A page takes a couple of milliseconds to render.
    tokio::time::sleep(Duration::from_millis(2)).await;
    next.run(request).await
}

fn page(links: impl IntoIterator<Item = String>) -> axum::response::Html<String> {
    let links: Vec<String> = links
        .into_iter()
        .map(|href| format!("<a href=\"{href}\">{href}</a>"))
        .collect();
    axum::response::Html(format!("<html><body>{}</body></html>", links.join("\n")))
}

async fn root() -> impl IntoResponse {
    page((0..SECTIONS).map(|s| format!("/section/{s}")))
}

/// The items section `s` links to: `21 s .. 21 s + 22`, within the 190 items.
pub fn section_items(s: usize) -> std::ops::Range<usize> {
    let start = 21 * s;
    start..(start + 22).min(ITEMS)
}

async fn section(Path(s): Path<usize>) -> Response {
    if s >= SECTIONS {
        return StatusCode::NOT_FOUND.into_response();
    }
    page(
        section_items(s)
            .map(|i| format!("/item/{i}"))
            .chain(["/".to_owned()]),
    )
    .into_response()
}

async fn item(Path(i): Path<usize>) -> Response {
    if i >= ITEMS {
        return StatusCode::NOT_FOUND.into_response();
    }
    page([format!("/detail/{i}"), "/".to_owned()]).into_response()
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(1)).await;
    "finally"
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        "busy, come back in 1 s",
    )
        .into_response()
}

/// 503 with `Retry-After: 1` twice, then 200.
async fn flaky(State(stats): State<SiteStats>) -> Response {
    if stats.attempts("GET /flaky") <= 2 {
        return unavailable();
    }
    "flaky page".into_response()
}

/// Always 503: a POST that must not be retried.
async fn orders() -> Response {
    unavailable()
}

/// The first request gets its headers and half its body, then the connection is reset; later
/// requests get the whole page.
async fn reset(State(stats): State<SiteStats>) -> Response {
    if stats.attempts("GET /reset") > 1 {
        return "whole page".into_response();
    }
    let chunks: Vec<Result<&'static str, std::io::Error>> = vec![
        Ok("half a pa"),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "server dropped the connection mid-body",
        )),
    ];
    Response::builder()
        .header(header::CONTENT_LENGTH, "10")
        .body(Body::from_stream(futures::stream::iter(chunks)))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Why a fetch failed, after any retries.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request took longer than the per-request timeout.
    #[error("timed out after {0} ms")]
    Timeout(u128),
    /// An answer other than 2xx.
    #[error("HTTP {status}")]
    Status {
        /// The status.
        status: u16,
        /// The `Retry-After` delay, when the server sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The connection failed or was reset (before or during the body).
    #[error("connection failed: {0}")]
    Transport(String),
}

impl FetchError {
    /// Worth another attempt: 429, 5xx, a reset. A timeout is not retried here (the caller's
    /// budget is spent), nor is any other 4xx.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            FetchError::Transport(_) => true,
            FetchError::Timeout(_) => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

// ANCHOR: fetcher
/// One pooled client for the whole crawl, a timeout per request, and retries with backoff
/// (backon) that wait at least the server's `Retry-After`, for idempotent methods only.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    attempts: usize,
}

impl Fetcher {
    /// A fetcher with a per-request `timeout` and at most `attempts` attempts per request.
    ///
    /// # Errors
    /// When the client cannot be built.
    pub fn new(timeout: Duration, attempts: usize) -> Result<Fetcher, reqwest::Error> {
        Ok(Fetcher {
            client: reqwest::Client::builder().build()?,
            timeout,
            attempts,
        })
    }

    /// GET `url`: retried (idempotent).
    ///
    /// # Errors
    /// The last attempt's [`FetchError`].
    pub async fn get(&self, url: &str) -> Result<String, FetchError> {
        self.send(reqwest::Method::GET, url, true).await
    }

    /// POST `url`: never retried, because the first attempt may have taken effect.
    ///
    /// # Errors
    /// The attempt's [`FetchError`].
    pub async fn post(&self, url: &str) -> Result<String, FetchError> {
        self.send(reqwest::Method::POST, url, false).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        idempotent: bool,
    ) -> Result<String, FetchError> {
        let attempts = if idempotent { self.attempts } else { 1 };
        let backoff = ExponentialBuilder::new()
            .with_min_delay(Duration::from_millis(10))
            .with_max_times(attempts.saturating_sub(1));
        (|| self.once(method.clone(), url))
            .retry(backoff)
            .when(FetchError::is_transient)
            // Wait at least what the server asked for.
            .adjust(|error, delay| delay.map(|d| d.max(error.retry_after().unwrap_or(d))))
            .await
    }

    async fn once(&self, method: reqwest::Method, url: &str) -> Result<String, FetchError> {
        let limit = self.timeout;
        let classify = |error: reqwest::Error| {
            if error.is_timeout() {
                FetchError::Timeout(limit.as_millis())
            } else {
                FetchError::Transport(error.to_string())
            }
        };
        let response = self
            .client
            .request(method, url)
            .timeout(limit)
            .send()
            .await
            .map_err(classify)?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse().ok())
                .map(Duration::from_secs);
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        response.text().await.map_err(classify)
    }
}
// ANCHOR_END: fetcher

/// The links of a page (`href="..."`), as absolute URLs under `base`.
pub fn links(base: &str, html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| format!("{base}{href}"))
        .collect()
}

/// What a crawl did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crawl {
    /// URLs fetched, per depth.
    pub fetched: Vec<usize>,
    /// URLs that failed, with the reason.
    pub failed: Vec<(String, String)>,
    /// Links seen beyond the depth limit (not fetched).
    pub beyond: usize,
}

// ANCHOR: crawl
/// Breadth-first to `max_depth`, each URL once, at most `limit` requests at once
/// (`BoundedMap`), reporting each depth's progress through `progress(depth, done, total)`.
pub async fn crawl(
    fetcher: &Fetcher,
    base: &str,
    max_depth: usize,
    limit: &BoundedMap,
    mut progress: impl FnMut(usize, usize, usize),
) -> Crawl {
    let mut seen = BTreeSet::from([format!("{base}/")]);
    let mut frontier = vec![format!("{base}/")];
    let mut crawl = Crawl::default();
    for depth in 0..=max_depth {
        let total = frontier.len();
        let mut done = 0;
        let pages = limit
            .unordered(frontier, |url| async move {
                let page = fetcher.get(&url).await;
                (url, page)
            })
            .await;
        let mut next = Vec::new();
        for (url, page) in pages {
            done += 1;
            progress(depth, done, total);
            match page {
                Ok(html) => {
                    for link in links(base, &html) {
                        if depth == max_depth {
                            if !seen.contains(&link) {
                                crawl.beyond += 1;
                            }
                        } else if seen.insert(link.clone()) {
                            next.push(link);
                        }
                    }
                }
                Err(error) => crawl.failed.push((url, error.to_string())),
            }
        }
        crawl.fetched.push(total);
        next.sort();
        frontier = next;
    }
    crawl
}
// ANCHOR_END: crawl

/// The naive crawl of the same 200 URLs: a new client (so a new connection) per request.
///
/// # Errors
/// The first failed request.
pub async fn naive_fetch_all(base: &str, limit: &BoundedMap) -> Result<usize, reqwest::Error> {
    let mut urls = vec![format!("{base}/")];
    urls.extend((0..SECTIONS).map(|s| format!("{base}/section/{s}")));
    urls.extend((0..ITEMS).map(|i| format!("{base}/item/{i}")));
    let results = limit
        .unordered(urls, |url| async move {
            // The mistake: a client (a connection pool) per request.
            let client = reqwest::Client::new();
            client.get(url).send().await?.text().await
        })
        .await;
    results.into_iter().map(|r| r.map(|_| 1)).sum()
}

/// Prints a depth's progress as transcript lines at every 10%, or draws an indicatif bar when
/// stdout is a terminal.
#[derive(Debug)]
pub struct Progress<'t> {
    t: &'t testing::Transcript,
    bar: Option<indicatif::ProgressBar>,
    last_decile: usize,
}

impl<'t> Progress<'t> {
    /// A bar on a terminal (when `terminal`), transcript lines otherwise.
    pub fn new(t: &'t testing::Transcript, terminal: bool) -> Progress<'t> {
        Progress {
            t,
            bar: terminal.then(indicatif::ProgressBar::hidden),
            last_decile: 0,
        }
    }

    /// `done` of `total` at `depth`.
    pub fn update(&mut self, depth: usize, done: usize, total: usize) {
        if let Some(bar) = &mut self.bar {
            if done == 1 {
                *bar = indicatif::ProgressBar::new(total as u64);
                bar.set_message(format!("depth {depth}"));
            }
            bar.set_position(done as u64);
            if done == total {
                bar.finish();
            }
            return;
        }
        if done == 1 {
            self.last_decile = 0;
        }
        let decile = done * 10 / total;
        if decile > self.last_decile {
            self.last_decile = decile;
            self.t.raw(format!(
                "  depth {depth}: {}% ({done} of {total})",
                decile * 10
            ));
        }
    }
}

/// The scenario `cargo run --example scraper` plays, written to `t`.
///
/// # Errors
/// When the site cannot start or the client cannot be built.
pub async fn scenario(t: &testing::Transcript) -> anyhow::Result<()> {
    let site = start_site().await?;
    let fetcher = Fetcher::new(Duration::from_millis(200), 3)?;
    let limit = BoundedMap::new(16)?;
    t.raw("crawl to depth 2 with one pooled client, at most 16 requests at once");
    let mut progress = Progress::new(t, crate::support::stdout_is_terminal());
    let crawl = crawl(&fetcher, &site.base, 2, &limit, |depth, done, total| {
        progress.update(depth, done, total);
    })
    .await;
    let fetched: usize = crawl.fetched.iter().sum();
    t.raw(format!(
        "fetched {fetched} URLs (per depth {:?}), {} failed, {} links beyond depth 2 not followed",
        crawl.fetched,
        crawl.failed.len(),
        crawl.beyond
    ));
    let peak = site.stats.in_flight.peak();
    t.raw(if peak <= 16 {
        "server: at most 16 requests in flight".to_owned()
    } else {
        format!("server: {peak} requests in flight, over the limit")
    });
    let accepted = site.stats.accepted.take();
    // hyper's pool hands a finished connection back from a background task, so a request
    // that starts a moment earlier opens a new one: about the limit, never one per request.
    t.raw(if accepted <= 2 * 16 {
        "server: at most 32 TCP connections accepted for 200 requests (one pooled client)"
            .to_owned()
    } else {
        format!("server: {accepted} TCP connections accepted, more than 32")
    });

    t.raw("the naive version: a new client per request");
    let naive = naive_fetch_all(&site.base, &limit).await?;
    t.raw(format!(
        "fetched {naive} URLs; server: {} TCP connections accepted",
        site.stats.accepted.take()
    ));

    t.raw("timeouts, retries, resets (each reported per URL)");
    let base = &site.base;
    let urls = ["slow", "flaky", "orders", "reset"].map(|path| format!("{base}/{path}"));
    let (slow, flaky, order, reset) = tokio::join!(
        fetcher.get(&urls[0]),
        fetcher.get(&urls[1]),
        fetcher.post(&urls[2]),
        fetcher.get(&urls[3]),
    );
    let outcome = |result: Result<String, FetchError>| match result {
        Ok(body) => format!("ok: {body:?}"),
        Err(error) => format!("failed: {error}"),
    };
    let routes = [
        ("GET /slow", "GET /slow", slow),
        ("GET /flaky", "GET /flaky", flaky),
        ("POST /orders", "POST /orders", order),
        ("GET /reset", "GET /reset", reset),
    ];
    for (label, route, result) in routes {
        t.raw(format!(
            "  {label}: {} ({} at the server)",
            outcome(result),
            plural(site.stats.attempts(route), "attempt")
        ));
    }
    Ok(())
}

/// `1 attempt`, `3 attempts`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
