//! Pagination: 3 pages of 5 items, 0.2 s a page, read as one stream of items; then the same walk
//! with page 2 failing, which surfaces as one error item and a clean end.
//!
//! Run: `cargo run --example pagination`
//!
//! Expected output (the golden transcript `pagination.txt` beside this file):
//! ```text
//! [+0.000s] reading every item
//! [+0.200s] item 1 (page 1)
//! ...
//! ```

use std::pin::pin;
use std::time::Duration;

use futures::StreamExt;
use streams::Page;
use testing::Transcript;

// ANCHOR: fake_api
/// A stand-in for a paged HTTP API: 3 pages of 5 items, 0.2 s a page, optionally failing on one
/// page. The cursor is the page number.
#[derive(Clone)]
struct FakeApi {
    t: Transcript,
    run: &'static str,
    fail_on: Option<u32>,
}

impl FakeApi {
    async fn fetch_page(&self, cursor: Option<u32>) -> Result<Page<u32, u32>, String> {
        let page = cursor.unwrap_or(1);
        let span = self.t.span(format!("{} page {page}", self.run));
        tokio::time::sleep(Duration::from_millis(200)).await;
        if self.fail_on == Some(page) {
            span.end_with('x');
            return Err(format!("page {page}: 503 service unavailable"));
        }
        let first = (page - 1) * 5 + 1;
        Ok(Page {
            items: (first..first + 5).collect(),
            next: (page < 3).then_some(page + 1),
        })
    }
}
// ANCHOR_END: fake_api

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    t.line("reading every item");
    let api = FakeApi {
        t: t.clone(),
        run: "ok",
        fail_on: None,
    };
    let mut items = pin!(streams::paginate(|cursor| {
        let api = api.clone();
        async move { api.fetch_page(cursor).await }
    }));
    let mut count = 0;
    while let Some(item) = items.next().await {
        let item = item.map_err(anyhow::Error::msg)?;
        count += 1;
        if item % 5 == 1 || item % 5 == 0 {
            t.line(format!("item {item} (page {})", (item - 1) / 5 + 1));
        }
    }
    t.line(format!("{count} items, stream ended"));

    t.line("again, with page 2 failing");
    let api = FakeApi {
        t: t.clone(),
        run: "failing",
        fail_on: Some(2),
    };
    let mut items = pin!(streams::paginate(|cursor| {
        let api = api.clone();
        async move { api.fetch_page(cursor).await }
    }));
    let mut count = 0;
    while let Some(item) = items.next().await {
        match item {
            Ok(_) => count += 1,
            Err(error) => t.line(format!("error item after {count} items: {error}")),
        }
    }
    t.line("stream ended cleanly; page 3 was never requested");
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
