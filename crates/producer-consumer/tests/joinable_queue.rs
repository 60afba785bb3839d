//! The joinable queue on the paused clock: `join` waits for every item, and cannot hang when a
//! consumer fails or panics mid-item (★ defect 9), is cancelled, or when no consumer is left.

use std::time::Duration;

use basics::config::{ConfigError, MAX_CAPACITY};
use producer_consumer::joinable_queue::{Counts, JoinableQueue, NoConsumerLeft};
use tokio::time::{Instant, sleep, timeout};

#[test]
fn capacity_zero_or_too_large_is_a_config_error() {
    assert_eq!(
        JoinableQueue::<u8>::new(0).unwrap_err(),
        ConfigError::Zero { name: "capacity" }
    );
    assert_eq!(
        JoinableQueue::<u8>::new(usize::MAX).unwrap_err(),
        ConfigError::TooLarge {
            name: "capacity",
            value: usize::MAX,
            max: MAX_CAPACITY
        }
    );
}

#[tokio::test(start_paused = true)]
async fn join_waits_until_every_item_is_done() {
    let queue = JoinableQueue::new(10).expect("capacity 10");
    for i in 0..6u64 {
        queue.put(i).await.expect("open");
    }
    for _ in 0..2 {
        let consumer = queue.consumer();
        tokio::spawn(async move {
            while let Some(task) = consumer.get().await {
                sleep(Duration::from_millis(100)).await;
                task.done();
            }
        });
    }
    let start = Instant::now();
    queue.join().await.expect("every item is finished");
    assert_eq!(start.elapsed(), Duration::from_millis(300));
    assert_eq!(
        queue.counts(),
        Counts {
            unfinished: 0,
            done: 6,
            failed: 0
        }
    );
    queue.close();
}

#[tokio::test(start_paused = true)]
async fn join_returns_at_once_on_an_empty_queue() {
    let queue = JoinableQueue::<u8>::new(1).expect("capacity 1");
    let start = Instant::now();
    assert_eq!(
        queue.join().await,
        Ok(()),
        "nothing is unfinished, consumers or not"
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn join_returns_when_a_consumer_fails_mid_item() {
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let consumer = queue.consumer();
    tokio::spawn(async move {
        // The `?`-style early exit on item 2: in Python, `task_done()` is skipped.
        async fn process(task: &u32) -> Result<(), String> {
            sleep(Duration::from_millis(10)).await;
            if *task == 2 {
                Err("bad item".into())
            } else {
                Ok(())
            }
        }
        while let Some(task) = consumer.get().await {
            if process(&task).await.is_err() {
                continue;
            }
            task.done();
        }
    });
    timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang")
        .expect("every item is finished");
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (3, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn join_returns_when_a_consumer_panics_mid_item() {
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let fragile = queue.consumer();
    let crashed = tokio::spawn(async move {
        let task = fragile.get().await.expect("an item");
        sleep(Duration::from_millis(10)).await;
        panic!("consumer crashes holding item {}", *task);
    });
    let sturdy = queue.consumer();
    tokio::spawn(async move {
        while let Some(task) = sturdy.get().await {
            sleep(Duration::from_millis(10)).await;
            task.done();
        }
    });
    timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang")
        .expect("every item is finished");
    assert!(crashed.await.unwrap_err().is_panic());
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (3, 1, 0));
}

#[tokio::test(start_paused = true)]
async fn an_aborted_consumer_releases_its_item() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put("slow").await.expect("open");
    let consumer = queue.consumer();
    let handle = tokio::spawn(async move {
        let _task = consumer.get().await;
        sleep(Duration::from_secs(3_600)).await;
    });
    sleep(Duration::from_millis(10)).await;
    assert_eq!(queue.counts().unfinished, 1);
    handle.abort();
    let joined = timeout(Duration::from_secs(1), queue.join())
        .await
        .expect("the abort dropped the guard");
    assert_eq!(joined, Ok(()));
    assert_eq!(queue.counts().failed, 1);
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_put_counts_nothing() {
    let queue = JoinableQueue::new(1).expect("capacity 1");
    queue.put(1).await.expect("room");
    // The queue is full: this put waits and is dropped by the timeout.
    assert!(
        timeout(Duration::from_millis(10), queue.put(2))
            .await
            .is_err()
    );
    assert_eq!(
        queue.counts().unfinished,
        1,
        "only the accepted item counts"
    );
    let consumer = queue.consumer();
    let task = consumer.get().await.expect("item 1");
    task.done();
    let joined = timeout(Duration::from_secs(1), queue.join())
        .await
        .expect("nothing else is unfinished");
    assert_eq!(joined, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn close_rejects_puts_and_lets_consumers_drain() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put(1).await.expect("open");
    assert!(queue.close());
    assert_eq!(queue.put(2).await.unwrap_err().0, 2);
    assert_eq!(queue.counts().unfinished, 1);
    let consumer = queue.consumer();
    let (item, guard) = consumer.get().await.expect("queued item").into_parts();
    assert_eq!(item, 1);
    guard.done();
    assert!(consumer.get().await.is_none());
    assert_eq!(queue.join().await, Ok(()));
}

#[tokio::test(start_paused = true)]
async fn join_reports_the_unfinished_items_when_the_only_consumer_panics() {
    // Issue 10, item 3: `join` used to wait forever for the three items still queued.
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..4u32 {
        queue.put(i).await.expect("open");
    }
    let consumer = queue.consumer();
    let crashed = tokio::spawn(async move {
        let _task = consumer.get().await.expect("an item");
        sleep(Duration::from_millis(10)).await;
        panic!("the only consumer crashes");
    });
    let start = Instant::now();
    let joined = timeout(Duration::from_secs(60), queue.join())
        .await
        .expect("join cannot hang");
    assert_eq!(joined, Err(NoConsumerLeft { unfinished: 3 }));
    assert_eq!(start.elapsed(), Duration::from_millis(10), "at the panic");
    assert!(crashed.await.unwrap_err().is_panic());
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (0, 1, 3));
    assert_eq!(
        NoConsumerLeft { unfinished: 3 }.to_string(),
        "no consumer is left and 3 items are unfinished"
    );
}

#[tokio::test(start_paused = true)]
async fn join_waits_for_a_task_in_hand_after_its_consumer_is_dropped() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put("slow").await.expect("open");
    let consumer = queue.consumer();
    let task = consumer.get().await.expect("queued");
    drop(consumer); // the task in hand still counts as a consumer
    tokio::spawn(async move {
        sleep(Duration::from_millis(100)).await;
        task.done();
    });
    let start = Instant::now();
    assert_eq!(queue.join().await, Ok(()));
    assert_eq!(start.elapsed(), Duration::from_millis(100));
}

#[tokio::test(start_paused = true)]
async fn join_with_items_put_and_no_consumer_yet_returns_at_once() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put(1).await.expect("open");
    assert_eq!(
        queue.join().await,
        Err(NoConsumerLeft { unfinished: 1 }),
        "nobody could ever finish the item"
    );
}

// Review: trying to break `NoConsumerLeft` from outside.

#[tokio::test(start_paused = true)]
async fn a_consumer_made_after_join_started_is_too_late_but_one_made_before_is_counted() {
    let queue = JoinableQueue::new(2).expect("capacity 2");
    queue.put(1).await.expect("open");
    // Made before `join`: `join` waits for it.
    let early = queue.consumer();
    let late_queue = queue.clone();
    let worker = tokio::spawn(async move {
        sleep(Duration::from_millis(50)).await;
        let task = early.get().await.expect("queued");
        task.done();
    });
    let start = Instant::now();
    assert_eq!(queue.join().await, Ok(()));
    assert_eq!(start.elapsed(), Duration::from_millis(50));
    worker.await.expect("no panic");
    // Made inside a task that has not started yet when `join` looks: nothing counts it.
    late_queue.put(2).await.expect("open");
    let spawned = tokio::spawn({
        let queue = late_queue.clone();
        async move {
            let consumer = queue.consumer();
            consumer.get().await.expect("queued").done();
        }
    });
    assert_eq!(queue.join().await, Err(NoConsumerLeft { unfinished: 1 }));
    spawned.await.expect("no panic");
    assert_eq!(
        queue.join().await,
        Ok(()),
        "the late consumer did finish it"
    );
}

#[tokio::test(start_paused = true)]
async fn clones_of_a_consumer_each_count_until_the_last_is_dropped() {
    let queue = JoinableQueue::new(4).expect("capacity 4");
    for i in 0..3u32 {
        queue.put(i).await.expect("open");
    }
    let first = queue.consumer();
    let second = first.clone();
    drop(first);
    let third = second.clone();
    drop(second);
    // One clone is left: `join` waits.
    assert!(
        timeout(Duration::from_secs(1), queue.join()).await.is_err(),
        "a live clone keeps join waiting"
    );
    let task = third.get().await.expect("queued");
    drop(third);
    // The task in hand is the last consumer; when it fails, two items are stranded.
    let start = Instant::now();
    let join = queue.join();
    drop(task);
    assert_eq!(join.await, Err(NoConsumerLeft { unfinished: 2 }));
    assert_eq!(start.elapsed(), Duration::ZERO);
    let counts = queue.counts();
    assert_eq!((counts.done, counts.failed, counts.unfinished), (0, 1, 2));
}

#[tokio::test(start_paused = true)]
async fn a_consumer_cancelled_at_every_await_never_leaves_join_hanging() {
    use std::sync::Mutex;
    let current: Mutex<Option<JoinableQueue<u32>>> = Mutex::new(None);
    let report = testing::cancel_at_every_await(
        || {
            // Room for all five: the puts below never wait for the consumer after them.
            let queue = JoinableQueue::new(8).expect("capacity 8");
            *current.lock().expect("not poisoned") = Some(queue.clone());
            let consumer = queue.consumer();
            async move {
                for i in 0..5u32 {
                    queue.put(i).await.expect("open");
                }
                queue.close();
                while let Some(task) = consumer.get().await {
                    sleep(Duration::from_millis(10)).await;
                    task.done();
                }
            }
        },
        async |point| {
            let queue = current.lock().expect("not poisoned").take().expect("made");
            let joined = timeout(Duration::from_secs(60), queue.join())
                .await
                .map_err(|_| format!("join hung after {point:?}"))?;
            let counts = queue.counts();
            match joined {
                Ok(()) if counts.unfinished == 0 => {}
                Err(NoConsumerLeft { unfinished }) if unfinished == counts.unfinished => {}
                other => return Err(format!("{other:?} with {counts:?}")),
            }
            let put = counts.done + counts.failed + counts.unfinished;
            if put > 5 {
                return Err(format!(
                    "{put} items counted, 5 at most were put: {counts:?}"
                ));
            }
            if point.completed
                && counts
                    != (Counts {
                        unfinished: 0,
                        done: 5,
                        failed: 0,
                    })
            {
                return Err(format!("completed with {counts:?}"));
            }
            Ok(())
        },
    )
    .await;
    assert!(report.is_ok(), "{report:?}");
}

#[test]
fn join_never_hangs_on_a_multi_thread_runtime_with_consumers_that_panic_or_leave() {
    let _quiet = testing::QuietPanics::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("a runtime");
    for round in 0..200u32 {
        runtime.block_on(async {
            // Room for every item: a put never waits, even once every consumer is gone.
            let queue = JoinableQueue::<u32>::new(32).expect("capacity 32");
            let consumers: Vec<_> = (0..3).map(|_| queue.consumer()).collect();
            let mut handles = Vec::new();
            for (n, consumer) in consumers.into_iter().enumerate() {
                handles.push(tokio::spawn(async move {
                    let mut taken = 0;
                    while let Some(task) = consumer.get().await {
                        taken += 1;
                        tokio::task::yield_now().await;
                        match (n + round as usize + taken) % 7 {
                            0 => panic!("a consumer panics mid-item"),
                            1 => return, // leaves, failing its item
                            _ => task.done(),
                        }
                    }
                }));
            }
            let producer = {
                let queue = queue.clone();
                tokio::spawn(async move {
                    for i in 0..20u32 {
                        queue.put(i).await.expect("open");
                        tokio::task::yield_now().await;
                    }
                    queue.close();
                })
            };
            let joined = timeout(Duration::from_secs(10), async {
                producer.await.expect("no panic");
                queue.join().await
            })
            .await
            .expect("join cannot hang");
            let counts = queue.counts();
            match joined {
                Ok(()) => assert_eq!(counts.unfinished, 0, "round {round}"),
                Err(NoConsumerLeft { unfinished }) => {
                    assert_eq!(unfinished, counts.unfinished, "round {round}");
                    assert!(unfinished > 0, "round {round}");
                }
            }
            for handle in handles {
                let _ = handle.await;
            }
        });
    }
}
