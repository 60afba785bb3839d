//! The pipeline on the paused clock: the end of input shuts the stages down in order, each
//! stage is bounded, and a failing or panicking stage stops the pipeline with its error.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use basics::task::TaskFailed;
use producer_consumer::pipeline::{self, Pipeline, PipelineError};
use tokio::time::{Instant, sleep, timeout};

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("bad item {0}")]
struct Bad(u32);

#[tokio::test(start_paused = true)]
async fn capacity_zero_or_too_large_is_a_config_error() {
    let zero = ConfigError::Zero { name: "capacity" };
    let too_large = ConfigError::TooLarge {
        name: "capacity",
        value: usize::MAX,
        max: MAX_CAPACITY,
    };
    assert_eq!(pipeline::channel::<u8>(0).unwrap_err(), zero);
    // Issue 10, item 10: these used to panic inside tokio's `mpsc::channel`.
    assert_eq!(pipeline::channel::<u8>(usize::MAX).unwrap_err(), too_large);
    let (_tx, rx) = pipeline::channel::<u8>(1).expect("capacity 1");
    let mut stages = Pipeline::<Bad>::new();
    let next = stages.stage("id", rx, 0, |n: u8| async move { Ok(n) });
    assert_eq!(next.unwrap_err(), zero);
    let (_tx, rx) = pipeline::channel::<u8>(1).expect("capacity 1");
    let next = stages.stage("id", rx, usize::MAX, |n: u8| async move { Ok(n) });
    assert_eq!(next.unwrap_err(), too_large);
    assert_eq!(
        stages.join().await.expect("no stage was added"),
        Vec::<&str>::new()
    );
}

#[tokio::test(start_paused = true)]
async fn closing_the_input_stops_every_stage_in_order() {
    let stored = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&stored);
    let (tx, rx) = pipeline::channel(2).expect("capacity 2");
    let mut stages = Pipeline::<Bad>::new();
    let parsed = stages
        .stage("parse", rx, 2, |n: u32| async move { Ok(n) })
        .expect("cap 2");
    let enriched = stages
        .stage("enrich", parsed, 2, |n: u32| async move {
            sleep(Duration::from_millis(10)).await;
            Ok(n + 1)
        })
        .expect("cap 2");
    stages.sink("store", enriched, move |_n: u32| {
        let counter = Arc::clone(&counter);
        async move {
            sleep(Duration::from_millis(20)).await;
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    for n in 0..10 {
        tx.send(n).await.expect("open");
    }
    drop(tx);
    let order = stages.join().await.expect("no stage fails");
    assert_eq!(order, ["parse", "enrich", "store"]);
    assert_eq!(
        stored.load(Ordering::SeqCst),
        10,
        "everything accepted was stored"
    );
}

#[tokio::test(start_paused = true)]
async fn bounded_stages_hold_a_fast_source_back() {
    let (tx, rx) = pipeline::channel(1).expect("capacity 1");
    let mut stages = Pipeline::<Bad>::new();
    let parsed = stages
        .stage("parse", rx, 1, |n: u32| async move { Ok(n) })
        .expect("cap 1");
    stages.sink("store", parsed, |_n: u32| async move {
        sleep(Duration::from_millis(100)).await;
        Ok(())
    });
    let start = Instant::now();
    for n in 0..10 {
        tx.send(n).await.expect("open");
    }
    // Room for only a few items between the source and the slow sink: the source is held back
    // to the sink's pace (one item per 100 ms) instead of finishing at once.
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    drop(tx);
    stages.join().await.expect("no stage fails");
}

#[tokio::test(start_paused = true)]
async fn a_failing_stage_stops_the_pipeline_with_its_error() {
    let (tx, rx) = pipeline::channel(1).expect("capacity 1");
    let mut stages = Pipeline::new();
    let parsed = stages
        .stage("parse", rx, 1, |n: u32| async move { Ok(n) })
        .expect("cap 1");
    stages.sink("store", parsed, |n: u32| async move {
        sleep(Duration::from_millis(10)).await;
        if n == 3 { Err(Bad(n)) } else { Ok(()) }
    });
    // The source never stops by itself: only the failure can end this.
    let source = tokio::spawn(async move {
        let mut n = 0;
        while tx.send(n).await.is_ok() {
            n += 1;
        }
        n
    });
    let outcome = timeout(Duration::from_secs(60), stages.join())
        .await
        .expect("a failure is not a hang");
    match outcome {
        Err(PipelineError::Failed { stage, source }) => {
            assert_eq!((stage, source), ("store", Bad(3)));
        }
        other => panic!("expected the store failure, got {other:?}"),
    }
    let sent = timeout(Duration::from_secs(1), source)
        .await
        .expect("the source's send fails once the stages are gone")
        .expect("no panic");
    assert!(sent >= 4, "{sent}");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_stage_is_named_in_the_error() {
    let (tx, rx) = pipeline::channel(1).expect("capacity 1");
    let mut stages = Pipeline::<Bad>::new();
    let parsed = stages
        .stage("parse", rx, 1, |n: u32| async move {
            assert_ne!(n, 2, "item 2 panics");
            Ok(n)
        })
        .expect("cap 1");
    stages.sink("store", parsed, |_n: u32| async move { Ok(()) });
    tokio::spawn(async move {
        for n in 0..5 {
            if tx.send(n).await.is_err() {
                return;
            }
        }
    });
    let error = stages.join().await.expect_err("parse panics");
    assert_eq!(error.to_string(), "stage parse did not finish");
    let PipelineError::Stage {
        stage: "parse",
        source: TaskFailed::Panicked { index: 0, payload },
    } = error
    else {
        panic!("expected the parse stage's panic, got {error:?}");
    };
    assert!(
        payload
            .message()
            .is_some_and(|m| m.contains("item 2 panics")),
        "{payload:?}"
    );
}
