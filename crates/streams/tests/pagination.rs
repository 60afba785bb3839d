//! Pagination on the paused clock: pages are fetched lazily and in order, a failed page becomes
//! one error item followed by a clean end, and both renditions agree.

use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use streams::{Page, pages, paginate};
use tokio::time::Instant;

const PAGE_TIME: Duration = Duration::from_millis(200);

type PageFuture = std::pin::Pin<Box<dyn Future<Output = Result<Page<u32, u32>, String>>>>;

/// Three pages of five items, 0.2 s each, failing on `fail_on`; records every cursor requested.
fn api(
    fail_on: Option<u32>,
    requested: Arc<Mutex<Vec<Option<u32>>>>,
) -> impl FnMut(Option<u32>) -> PageFuture {
    move |cursor| {
        requested.lock().expect("not poisoned").push(cursor);
        Box::pin(async move {
            tokio::time::sleep(PAGE_TIME).await;
            let page = cursor.unwrap_or(1);
            if fail_on == Some(page) {
                return Err(format!("page {page} failed"));
            }
            let first = (page - 1) * 5 + 1;
            Ok(Page {
                items: (first..first + 5).collect(),
                next: (page < 3).then_some(page + 1),
            })
        })
    }
}

#[tokio::test(start_paused = true)]
async fn three_pages_of_five_items_take_six_tenths_of_a_second() {
    let requested = Arc::default();
    let start = Instant::now();
    let items: Vec<u32> = paginate(api(None, Arc::clone(&requested)))
        .try_collect()
        .await
        .expect("no page fails");
    assert_eq!(items, (1..=15).collect::<Vec<_>>());
    assert_eq!(start.elapsed(), PAGE_TIME * 3);
    assert_eq!(*requested.lock().unwrap(), [None, Some(2), Some(3)]);
}

#[tokio::test(start_paused = true)]
async fn the_next_page_is_fetched_only_when_the_current_one_is_used_up() {
    let requested = Arc::default();
    let start = Instant::now();
    let mut items = pin!(paginate(api(None, Arc::clone(&requested))));
    for expected in 1..=5 {
        assert_eq!(items.next().await, Some(Ok(expected)));
    }
    assert_eq!(start.elapsed(), PAGE_TIME);
    assert_eq!(requested.lock().unwrap().len(), 1, "no prefetch");
    assert_eq!(items.next().await, Some(Ok(6)));
    assert_eq!(start.elapsed(), PAGE_TIME * 2);
}

#[tokio::test(start_paused = true)]
async fn a_failed_page_is_one_error_item_then_the_stream_ends() {
    let requested = Arc::default();
    let start = Instant::now();
    let all: Vec<Result<u32, String>> = paginate(api(Some(2), Arc::clone(&requested)))
        .collect()
        .await;
    let (ok, err): (Vec<_>, Vec<_>) = all.iter().partition(|item| item.is_ok());
    assert_eq!(ok.len(), 5, "page 1 arrives whole");
    assert_eq!(err, [&Err("page 2 failed".to_owned())]);
    assert!(
        all.last().is_some_and(Result::is_err),
        "the error is the last item"
    );
    assert_eq!(start.elapsed(), PAGE_TIME * 2);
    assert_eq!(
        *requested.lock().unwrap(),
        [None, Some(2)],
        "page 3 never requested"
    );
}

#[tokio::test(start_paused = true)]
async fn after_the_error_the_stream_keeps_answering_none() {
    let mut items = pin!(paginate(api(Some(1), Arc::default())));
    assert!(matches!(items.next().await, Some(Err(_))));
    assert_eq!(items.next().await, None);
    assert_eq!(items.next().await, None);
}

#[tokio::test(start_paused = true)]
async fn try_collect_stops_at_the_first_error() {
    let outcome: Result<Vec<u32>, String> =
        paginate(api(Some(3), Arc::default())).try_collect().await;
    assert_eq!(outcome, Err("page 3 failed".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn the_unfold_rendition_yields_whole_pages_and_ends_after_an_error() {
    let requested = Arc::default();
    let sizes: Vec<Result<usize, String>> = pages(api(None, Arc::clone(&requested)))
        .map_ok(|page| page.items.len())
        .collect()
        .await;
    assert_eq!(sizes, [Ok(5), Ok(5), Ok(5)]);
    let outcome: Vec<Result<usize, String>> = pages(api(Some(2), Arc::default()))
        .map_ok(|page| page.items.len())
        .collect()
        .await;
    assert_eq!(outcome, [Ok(5), Err("page 2 failed".to_owned())]);
}
