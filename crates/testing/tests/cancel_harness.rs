//! The cancel-at-every-await harness applied to patterns of the other crates: each future is
//! dropped after 0, 1, 2, … polls until it completes, and after every drop the pattern's own
//! bookkeeping must still add up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use concurrency_control::{Bulkhead, BulkheadConfig, SingleFlight};
use producer_consumer::joinable_queue::JoinableQueue;
use producer_consumer::worker_pool::{self, WorkerPoolConfig};
use testing::{CancelHarness, cancel_at_every_await, ms};
use tokio::time::{sleep, timeout};

/// Counts drops of the futures it is put in: a fetch that was really cancelled was dropped.
#[derive(Clone, Default)]
struct Drops(Arc<AtomicUsize>);

struct DropMark(Drops);

impl Drop for DropMark {
    fn drop(&mut self) {
        (self.0).0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drops {
    fn mark(&self) -> DropMark {
        DropMark(self.clone())
    }

    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

// ANCHOR: joinable_queue
#[tokio::test(start_paused = true)]
async fn joinable_queue_every_item_is_finished_whatever_the_cut() {
    let queue = JoinableQueue::<u32>::new(4).expect("a valid capacity");
    let consumer = queue.consumer();
    let (q, c) = (&queue, &consumer);
    let report = cancel_at_every_await(
        move || async move {
            q.put(1).await.expect("the queue is open");
            let task = c.get().await.expect("an item is queued");
            sleep(ms(10)).await; // the consumer's work, where a drop leaves the guard to fire
            task.done();
        },
        async |_| {
            // Whatever the cut left queued, a healthy consumer drains it; then `join` must
            // return at once: no item may be left counted and unfinished.
            while let Ok(Some(task)) = timeout(ms(1), c.get()).await {
                task.done();
            }
            match timeout(ms(1), q.join()).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(no_consumer)) => Err(format!("{no_consumer}")),
                Err(_) => Err(format!("join hangs: {:?}", q.counts())),
            }
        },
    )
    .await;
    assert_eq!(report.map(|r| r.polls_to_complete), Ok(2));
    let counts = queue.counts();
    assert_eq!(counts.unfinished, 0);
    assert_eq!(counts.failed, 1); // the run cut during the consumer's work
}
// ANCHOR_END: joinable_queue

// ANCHOR: bulkhead
#[tokio::test(start_paused = true)]
async fn bulkhead_every_permit_and_seat_comes_back() {
    let bulkhead = Bulkhead::new(BulkheadConfig {
        max_running: 1,
        max_waiting: 1,
        max_wait: ms(100),
    })
    .expect("a valid config");
    let b = &bulkhead;
    let report = cancel_at_every_await(
        move || async move {
            // One call holds the slot, the second waits for it in the waiting room.
            let (first, second) = tokio::join!(b.run(sleep(ms(30))), b.run(sleep(ms(10))));
            first.and(second).expect("neither is rejected");
        },
        async |point| match (b.running(), b.waiting()) {
            (0, 0) => Ok(()),
            (running, waiting) => Err(format!("{running} running, {waiting} waiting at {point:?}")),
        },
    )
    .await;
    assert_eq!(report.map(|r| r.polls_to_complete), Ok(3));
}
// ANCHOR_END: bulkhead

// ANCHOR: single_flight
#[tokio::test(start_paused = true)]
async fn single_flight_no_entry_and_no_fetch_outlive_their_callers() {
    let flights = SingleFlight::<&str, u32, String>::new();
    let (started, dropped) = (Arc::new(AtomicUsize::new(0)), Drops::default());
    let (f, s, d) = (&flights, &started, &dropped);
    let fetch = move || {
        s.fetch_add(1, Ordering::SeqCst);
        let mark = d.mark();
        async move {
            let _mark = mark;
            sleep(ms(20)).await;
            Ok(7)
        }
    };
    let report = CancelHarness {
        // Aborting a fetch task takes effect when the runtime next runs it.
        settle: ms(1),
        ..CancelHarness::default()
    }
    .run(
        move || async move {
            let (a, b) = tokio::join!(f.get("user:1", fetch), f.get("user:1", fetch));
            assert_eq!((a.ok(), b.ok()), (Some(7), Some(7)));
        },
        async |point| {
            if f.in_flight() != 0 {
                return Err(format!("{} entries left at {point:?}", f.in_flight()));
            }
            // Every fetch started has ended: finished, or aborted with its callers.
            match (s.load(Ordering::SeqCst), d.count()) {
                (started, ended) if started == ended => Ok(()),
                (started, ended) => Err(format!("{started} fetches started, {ended} ended")),
            }
        },
    )
    .await;
    assert!(report.is_ok(), "{report:?}");
}
// ANCHOR_END: single_flight

// ANCHOR: worker_pool
#[tokio::test(start_paused = true)]
async fn worker_pool_no_in_flight_slot_is_lost() {
    const CAPACITY: usize = 2;
    let (pool, results) = worker_pool::spawn(
        WorkerPoolConfig {
            workers: 1,
            capacity: CAPACITY,
        },
        |n: u32| async move {
            sleep(ms(10)).await;
            n
        },
    )
    .expect("a valid config");
    let results = tokio::sync::Mutex::new(results);
    let (p, r) = (&pool, &results);
    let report = cancel_at_every_await(
        move || async move {
            p.submit(1).await.expect("the pool is open");
            p.submit(2).await.expect("the pool is open");
            let mut results = r.lock().await;
            results.recv().await.expect("a result");
            results.recv().await.expect("a result");
        },
        async |point| {
            // Read what the cut left unread (reading frees its slot), then the pool must take
            // `CAPACITY` new items at once and give them back.
            let mut results = r.lock().await;
            while let Ok(Some(_)) = timeout(ms(50), results.recv()).await {}
            for n in 0..CAPACITY {
                timeout(ms(1), p.submit(100 + n as u32))
                    .await
                    .map_err(|_| format!("slot {n} lost at {point:?}"))?
                    .map_err(|_| "the pool closed".to_owned())?;
            }
            for _ in 0..CAPACITY {
                timeout(ms(50), results.recv())
                    .await
                    .map_err(|_| format!("a result lost at {point:?}"))?;
            }
            Ok(())
        },
    )
    .await;
    assert!(report.is_ok(), "{report:?}");
}
// ANCHOR_END: worker_pool
