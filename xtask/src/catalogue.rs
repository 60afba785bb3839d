//! The pattern catalogue (`../shared/CATALOGUE.md`) as data: one entry per pattern, under the name
//! it has in all four places (module, example, docs section, test).
//!
//! A crate that exists under `crates/` claims every entry of its topic: coverage fails when one
//! of the four places is missing. Topics whose crate does not exist yet are reported as pending.

/// Which of the four places a pattern lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Module `src/<name>.rs`, example `examples/<name>.rs` with golden `examples/<name>.txt`,
    /// test `tests/<name>.rs`, and a docs section.
    Full,
    /// A docs section only (the decision guide).
    DocsOnly,
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    /// The crate directory under `crates/`, which is also the docs page `docs/<topic>.md`.
    pub(crate) topic: &'static str,
    /// The one name: module, example, test file.
    pub(crate) name: &'static str,
    /// The docs section heading (`## <title>`), also the README's pattern column.
    pub(crate) title: &'static str,
    /// The asyncio idiom it mirrors.
    pub(crate) python: &'static str,
    /// The tokio rendering.
    pub(crate) rust: &'static str,
    pub(crate) kind: Kind,
}

const fn full(
    topic: &'static str,
    name: &'static str,
    title: &'static str,
    python: &'static str,
    rust: &'static str,
) -> Pattern {
    Pattern { topic, name, title, python, rust, kind: Kind::Full }
}

/// The topics in reading order.
pub(crate) const TOPICS: [&str; 5] = [
    "basics",
    "concurrency-control",
    "errors-timeouts",
    "streams",
    "producer-consumer",
];

pub(crate) const PATTERNS: &[Pattern] = &[
    // basics
    full("basics", "hello", "Hello: the entry point", "`asyncio.run(main())`", "`#[tokio::main]`, runtime flavors, `Runtime::block_on`"),
    full("basics", "sequential_await", "Sequential await", "`await fetch_data(url)`", "`.await`; futures are lazy until awaited"),
    full("basics", "gather", "Gather", "`asyncio.gather(*tasks)`", "`join!`, `join_all`, `JoinSet`"),
    full("basics", "spawn_and_await", "Spawn and await later", "`asyncio.create_task`, await later", "`tokio::spawn` + `JoinHandle`; dropping a handle detaches"),
    full("basics", "task_group", "Task group", "`asyncio.TaskGroup`", "`JoinSet` + abort on first error; drop aborts"),
    full("basics", "background_registry", "Background registry", "a set of strong task refs, cancelled on exit", "`JoinSet` / `TaskTracker` + `CancellationToken`"),
    full("basics", "race", "First success race", "`asyncio.wait(return_when=FIRST_COMPLETED)`", "`select!`, `select_ok`, `JoinSet` + `abort_all`"),
    full("basics", "as_completed", "As completed", "`asyncio.as_completed`", "`FuturesUnordered`, `JoinSet::join_next`"),
    full("basics", "context_manager", "Async context manager", "`async with` / `@asynccontextmanager`", "RAII guard + explicit `async fn close`; a scoped-closure helper"),
    full("basics", "blocking_work", "Blocking work off the runtime", "`asyncio.to_thread`, `run_in_executor`", "`spawn_blocking`, a dedicated pool, rayon for CPU work"),
    full("basics", "sync_calling_async", "Sync code calling async", "`asyncio.run` from sync code", "`Runtime::block_on`, a runtime thread + channels"),
    Pattern { topic: "basics", name: "decision_guide", title: "Decision guide", python: "sync vs async vs processes", rust: "async vs threads vs rayon", kind: Kind::DocsOnly },
    // concurrency-control
    full("concurrency-control", "bounded_concurrency", "Bounded concurrency", "`asyncio.Semaphore(n)` around each call", "`Semaphore::acquire_owned`, `buffer_unordered`"),
    full("concurrency-control", "rate_limiter", "Rate limiting", "(a semaphore, wrongly)", "a GCRA on tokio's clock"),
    full("concurrency-control", "lock", "Lock for shared state", "`asyncio.Lock`", "`std::sync::Mutex` vs `tokio::sync::Mutex`"),
    full("concurrency-control", "read_write_lock", "Read/write lock", "(none in asyncio)", "`tokio::sync::RwLock`"),
    full("concurrency-control", "event", "Event", "`asyncio.Event`", "a latched event on `watch`"),
    full("concurrency-control", "condition", "Condition", "`asyncio.Condition.wait_for(pred)`", "`watch::Receiver::wait_for`, `Notify` + `Mutex`"),
    full("concurrency-control", "barrier", "Barrier", "`asyncio.Barrier`", "`tokio::sync::Barrier`"),
    full("concurrency-control", "bulkhead", "Bulkhead", "semaphore + waiting limit + timeout", "`try_acquire` + bounded wait + typed rejection"),
    full("concurrency-control", "load_shedding", "Load shedding", "reject when saturated", "`try_acquire_owned`, fail fast"),
    full("concurrency-control", "priority", "Priority", "heap + `asyncio.Condition`", "`BinaryHeap` + `Notify`, `biased` `select!`"),
    full("concurrency-control", "debounce", "Debounce and throttle", "cancel the previous `call_later`", "a resettable `Sleep` in `select!`"),
    full("concurrency-control", "single_flight", "Single flight", "per-key lock / stampede guard", "a per-key shared future"),
    full("concurrency-control", "batches", "Batches", "chunk + `gather`", "`chunks`, `buffer_unordered`"),
    full("concurrency-control", "micro_batching", "Micro-batching", "collect requests, flush by size or time", "mpsc + size-or-time flush + oneshot replies"),
    // errors-timeouts
    full("errors-timeouts", "partial_failure", "Partial failure", "`gather(return_exceptions=True)`", "`join_all` over `Result`s, a settled report"),
    full("errors-timeouts", "fail_fast", "Fail fast vs settle all", "`gather` default vs `return_exceptions`", "`try_join_all` / `JoinSet` abort vs collect all"),
    full("errors-timeouts", "abort_after_failures", "Abort after N failures", "stop when too many fail", "a `JoinSet` loop with early abort"),
    full("errors-timeouts", "error_aggregation", "Error aggregation", "`ExceptionGroup`, `except*`", "`Vec<E>`, `JoinError` panic / cancelled vs application error"),
    full("errors-timeouts", "timeout", "Timeout", "`asyncio.wait_for(op, 2.0)`", "`tokio::time::timeout`, `Elapsed`"),
    full("errors-timeouts", "deadline", "Deadline scope", "`async with asyncio.timeout(5)`", "`timeout_at`, a deadline passed down"),
    full("errors-timeouts", "cancellation", "Cancellation and cleanup", "catch `CancelledError`, clean up, re-raise", "drop at an `.await`, Drop guards, `CancellationToken`"),
    full("errors-timeouts", "shield", "Shield", "`asyncio.shield`", "spawn the work and await its handle"),
    full("errors-timeouts", "cancel_safety", "Cancellation safety", "cancel after `queue.get()`", "`send` vs `reserve`, pinned futures, a cancel-safety table"),
    full("errors-timeouts", "retry", "Retry with backoff", "exponential backoff + jitter + max", "a hand-rolled loop; backon on tokio's sleeper"),
    full("errors-timeouts", "circuit_breaker", "Circuit breaker", "closed / open / half-open", "a state machine on `tokio::time::Instant`"),
    full("errors-timeouts", "fallback", "Fallback chain", "try primary, then cache, then default", "ordered `or_else` over futures"),
    full("errors-timeouts", "hedged_request", "Hedged request", "(none in asyncio)", "`select!` with a delayed second call"),
    // streams
    full("streams", "async_generator", "Async generator", "`async def` + `yield`", "`stream!`, `stream::unfold`"),
    full("streams", "pagination", "Pagination", "paged API as an async iterator", "`try_stream!` / `unfold` over a cursor"),
    full("streams", "stream_impl", "Implementing Stream", "`__aiter__` / `__anext__`", "`impl Stream` by hand"),
    full("streams", "combinators", "Combinators", "async comprehensions", "`StreamExt`"),
    full("streams", "concurrent_map", "Concurrent map", "(gather with a semaphore)", "`buffered` / `buffer_unordered`"),
    full("streams", "merge", "Merge and fan-in", "(tasks feeding one queue)", "`select`, `StreamMap`, `merge`"),
    full("streams", "chunking", "Chunking", "batch the stream", "`chunks`, `chunks_timeout`"),
    full("streams", "throttle", "Throttle and per-item timeout", "(sleep between items, `wait_for` per item)", "`throttle`, `timeout`"),
    full("streams", "streaming_io", "Streaming I/O", "chunked download", "`ReaderStream`, `StreamReader`"),
    // producer-consumer
    full("producer-consumer", "bounded_queue", "Bounded queue", "`asyncio.Queue(maxsize=10)`", "`mpsc::channel(10)`, backpressure"),
    full("producer-consumer", "completion", "Completion", "sentinel `None`, `queue.join()`", "drop the senders; close and drain"),
    full("producer-consumer", "joinable_queue", "Joinable queue", "`task_done` / `join`", "a queue whose `join` cannot hang (RAII done-guard)"),
    full("producer-consumer", "many_consumers", "Many consumers", "several `queue.get()` loops", "MPMC (`async-channel`) or a shared receiver"),
    full("producer-consumer", "worker_pool", "Worker pool", "(workers reading one queue)", "a pool with bounded input, ordered or unordered results"),
    full("producer-consumer", "pipeline", "Pipeline", "(queues between stages)", "stages joined by bounded channels"),
    full("producer-consumer", "pub_sub", "Publish and subscribe", "broadcast to WebSocket clients", "`broadcast`, lagging receivers"),
    full("producer-consumer", "actor", "Actor", "(a task owning state behind a queue)", "mpsc of commands + oneshot replies"),
    full("producer-consumer", "sync_bridge", "Sync to async bridge", "a thread-safe queue", "`blocking_send` / `blocking_recv`"),
];

/// The catalogue entry named `name`, if any (names are unique across topics).
pub(crate) fn find(name: &str) -> Option<&'static Pattern> {
    PATTERNS.iter().find(|pattern| pattern.name == name)
}
