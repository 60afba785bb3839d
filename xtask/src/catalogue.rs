//! The pattern catalogue: the one source of the workspace's scope, as data.
//!
//! - [`TOPICS`], in reading order: one crate `crates/NAME` and one docs page `docs/NAME.md` each,
//!   with the page's title and a one-line summary.
//! - [`PATTERNS`], in page order: the one name a pattern has in all four places (module, example,
//!   docs section, test), its title (the `## TITLE` of its section), the asyncio idiom it mirrors,
//!   the scenario its example plays, the tokio rendering, and the ★ defect it avoids, if any.
//! - [`DEFECTS`]: the known defects of the common Python renditions, numbered, so "★ defect 5" in
//!   a comment or a page can be looked up (`docs/defects.md`).
//! - [`SUPPORT_CRATES`]: crates that hold no catalogue topic (the shared test helpers).
//!
//! `cargo xtask readme` generates the README's crate and example tables, the reading order in
//! `docs/README.md`, `docs/concordance.md` and `docs/defects.md` from this file; `cargo xtask
//! coverage` checks the tree against it. The catalogue is Rust data rather than a file the xtask
//! parses: a missing field or a misspelt kind is a compile error, there is no parser to write or
//! test, and the generated pages are the readable view.
//!
//! A crate that exists under `crates/` claims every entry of its topic: coverage fails when one
//! of the four places is missing. Topics whose crate does not exist yet are reported as pending.

/// Which of the four places a pattern lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Module `src/<name>.rs`, example `examples/<name>.rs` with golden `examples/<name>.txt`,
    /// test `tests/<name>.rs`, and a docs section.
    Full,
    /// A docs section only (the decision guide, observability).
    DocsOnly,
}

/// One topic: a crate and its docs page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Topic {
    /// The crate directory under `crates/` and the docs page `docs/<name>.md`.
    pub(crate) name: &'static str,
    /// The page's `# TITLE`, also the topic's name in the reading order and the concordance.
    pub(crate) title: &'static str,
    /// One line: what the crate holds (README crate table, reading order).
    pub(crate) summary: &'static str,
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    /// The [`Topic::name`] it belongs to.
    pub(crate) topic: &'static str,
    /// The one name: module, example, test file.
    pub(crate) name: &'static str,
    /// The docs section heading (`## <title>`), also the README's pattern column.
    pub(crate) title: &'static str,
    /// The asyncio idiom it mirrors.
    pub(crate) python: &'static str,
    /// What its example plays (empty for a docs-only entry without an example).
    pub(crate) scenario: &'static str,
    /// The tokio rendering.
    pub(crate) rust: &'static str,
    /// The number of the ★ defect (in [`DEFECTS`]) of the common Python rendition that this
    /// pattern's Rust version avoids.
    pub(crate) defect: Option<u8>,
    pub(crate) kind: Kind,
}

/// A known defect of the common Python rendition of one or more patterns (★ in the catalogue).
/// The patterns it concerns are those whose [`Pattern::defect`] is its number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Defect {
    pub(crate) number: u8,
    /// What goes wrong, in a sentence or two.
    pub(crate) text: &'static str,
}

/// A crate under `crates/` that is not a catalogue topic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SupportCrate {
    pub(crate) name: &'static str,
    pub(crate) summary: &'static str,
}

/// An asyncio idiom with no pattern of its own, and where its tokio counterpart is shown.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Idiom {
    /// The asyncio spelling.
    pub(crate) python: &'static str,
    /// The tokio counterpart.
    pub(crate) rust: &'static str,
    /// The docs page (a [`Topic::name`]) and the `## TITLE` of the section that shows it.
    pub(crate) section: (&'static str, &'static str),
}

/// The topics in reading order.
pub(crate) const TOPICS: &[Topic] = &[
    Topic { name: "primer", title: "Primer",
        summary: "tokio for asyncio developers: futures and tasks, polling and wakers, `Send + 'static`, pinning, `select!` and cancellation by drop, runtimes and flavors, the 1 ms timer grid, who owns a task" },
    Topic { name: "basics", title: "Basics",
        summary: "entry points, sequential await, gather, spawn, task groups, background registries, races, as-completed, async resources, blocking work, sync code calling async, a decision guide" },
    Topic { name: "concurrency-control", title: "Concurrency control",
        summary: "bounded concurrency, rate limiting, locks, events, conditions, barriers, bulkheads, load shedding, priority, debounce, single-flight, batching" },
    Topic { name: "errors-timeouts", title: "Errors, timeouts and cancellation",
        summary: "partial failure, fail fast, abort after N failures, timeouts, deadlines, cancellation and its safety, shield, retry, circuit breaker, fallback, hedging" },
    Topic { name: "streams", title: "Streams",
        summary: "async generators, pagination, `Stream` by hand, combinators, concurrent map, merge, chunking, throttling, streaming I/O" },
    Topic { name: "producer-consumer", title: "Producer-consumer",
        summary: "bounded queues, completion, joinable queue, many consumers, worker pools, pipelines, pub/sub, actors, sync-to-async bridges" },
    Topic { name: "production", title: "Production",
        summary: "graceful shutdown, lifespan, health checks, probes, periodic tasks, supervision, observability" },
    Topic { name: "testing", title: "Testing async code",
        summary: "async tests and flavors, virtual time, asserting overlap, mocks, fixtures, cancellation tests, polling by hand, properties, hanging tests, network simulation; a stall monitor and a cancel-at-every-await harness" },
    Topic { name: "pitfalls", title: "Pitfalls",
        summary: "the common async mistakes, each wrong and right, with its symptom and what catches it (compiler, clippy, `cargo xtask lint-async`, a test)" },
    // Its crate is the top-level `examples/` package (workspace::topic_folder), not crates/.
    Topic { name: "real-world", title: "Real-world applications",
        summary: "a scraper, a database app, a WebSocket chat, an HTTP service and a file processor on real sockets, SQLite and files, each self-starting, with the heavy dependencies kept out of the core crates" },
];

/// Crates that hold no topic, after the topics in the README's crate table.
pub(crate) const SUPPORT_CRATES: &[SupportCrate] = &[
];

/// A full pattern: module, example, docs section, test.
const fn full(
    topic: &'static str,
    name: &'static str,
    title: &'static str,
    python: &'static str,
    scenario: &'static str,
    rust: &'static str,
) -> Pattern {
    Pattern { topic, name, title, python, scenario, rust, defect: None, kind: Kind::Full }
}

/// A docs section only.
const fn docs_only(
    topic: &'static str,
    name: &'static str,
    title: &'static str,
    python: &'static str,
    scenario: &'static str,
    rust: &'static str,
) -> Pattern {
    Pattern { topic, name, title, python, scenario, rust, defect: None, kind: Kind::DocsOnly }
}

impl Pattern {
    /// The same pattern, marked with ★ defect `number`.
    const fn star(self, number: u8) -> Pattern {
        Pattern { defect: Some(number), ..self }
    }
}

// Columns of `full` / `docs_only`: topic, name, title, asyncio idiom, scenario, tokio rendering.
pub(crate) const PATTERNS: &[Pattern] = &[
    // primer
    full("primer", "futures_and_tasks", "Coroutines are futures, Tasks are spawned tasks",
        "a coroutine object; `asyncio.create_task`",
        "a future awaited 200 ms after it is built starts only then; a spawned one runs at once",
        "a future is lazy until `.await`; only `tokio::spawn` makes a task"),
    full("primer", "polling", "Polling and wakers",
        "the event loop resumes a coroutine when its future resolves",
        "a hand-written future: polled, `Pending`, woken 0.5 s later, polled, `Ready`",
        "`Future::poll`, `Context::waker`, `Waker::wake`"),
    full("primer", "send_static", "Send and 'static",
        "(one thread, a garbage collector)",
        "the two compiler errors of a first `tokio::spawn`, and three fixes run",
        "`async move` / `Arc`, no `!Send` value across an `.await`, `join!` / `LocalSet`"),
    full("primer", "pinning", "Pinning for select! and streams",
        "(nothing to pin)",
        "a pinned deadline fires among ticks; one recreated each turn never does",
        "`tokio::pin!`, `Box::pin`, `&mut fut` in `select!`"),
    full("primer", "select_cancellation", "select! and cancellation by drop",
        "`task.cancel()`, `CancelledError`, `asyncio.timeout`",
        "a download loses a race to a timeout and is dropped where it waits; detach vs abort",
        "`select!` drops the loser; `Drop` runs; `JoinHandle::abort`"),
    full("primer", "runtimes", "Runtimes and flavors",
        "`asyncio.run`, the event loop, `await asyncio.sleep(0)`",
        "two tasks interleave only where they yield; each flavor reports itself",
        "`current_thread` / `multi_thread` runtimes, `yield_now`"),
    full("primer", "timer_grid", "The 1 ms timer grid",
        "`asyncio.sleep` in a loop",
        "10 sleeps of 1.5 ms take 20 ms; sleeps drift, an interval keeps its schedule",
        "tokio's millisecond timer wheel, `interval`"),
    full("primer", "task_references", "Keeping a reference to your task",
        "keep a strong reference to every task",
        "a task with a dropped handle finishes; a dropped `JoinSet` aborts; shutdown drops",
        "the runtime owns tasks; `JoinSet` / `TaskTracker` own them for you"),
    // basics
    full("basics", "hello", "Hello: the entry point",
        "`asyncio.run(main())`",
        "print, sleep 1 s, print; two runtimes that cannot start",
        "`#[tokio::main]`, runtime flavors, `Runtime::block_on`"),
    full("basics", "sequential_await", "Sequential await",
        "`await fetch_data(url)`",
        "a future built and dropped (never runs), then fetches of 1 s each, one after another",
        "`.await`; futures are lazy until awaited"),
    full("basics", "gather", "Gather",
        "`asyncio.gather(*tasks)`",
        "5 users, 0.5 s each, all fetched at +0.5 s",
        "`join!`, `join_all`, `JoinSet`"),
    full("basics", "spawn_and_await", "Spawn and await later",
        "`asyncio.create_task`, await later",
        "task 1 takes 2 s, task 2 takes 1 s, main works 0.5 s",
        "`tokio::spawn` + `JoinHandle`; dropping a handle detaches"),
    full("basics", "task_group", "Task group",
        "`asyncio.TaskGroup`",
        "a checkout of 4 members: payment fails, the others still running are cancelled",
        "`JoinSet` + abort on first error; drop aborts"),
    full("basics", "background_registry", "Background registry",
        "a set of strong task refs, cancelled on exit",
        "3 named background jobs; on exit two stop when asked, one is aborted after 1 s",
        "`JoinSet` / `TaskTracker` + `CancellationToken`"),
    full("basics", "race", "First success race",
        "`asyncio.wait(return_when=FIRST_COMPLETED)` in a loop until one succeeds",
        "three mirrors: a fast failure, then the first success wins and the rest are cancelled",
        "`select!`, `select_ok`, `JoinSet` + `abort_all`").star(3),
    full("basics", "as_completed", "As completed",
        "`asyncio.as_completed`",
        "5 downloads, printed in the order they finish",
        "`FuturesUnordered`, `JoinSet::join_next`"),
    full("basics", "context_manager", "Async context manager",
        "`async with` / `@asynccontextmanager`",
        "a connection: open 0.1 s, query 0.2 s, close 0.1 s; closed even when the body fails",
        "RAII guard + explicit `async fn close`; a scoped-closure helper"),
    full("basics", "blocking_work", "Blocking work off the runtime",
        "`asyncio.to_thread`, `run_in_executor`",
        "5 blocking jobs doubling their input, on `spawn_blocking` and on a pool built once",
        "`spawn_blocking`, a dedicated pool, rayon for CPU work").star(8),
    full("basics", "sync_calling_async", "Sync code calling async",
        "`asyncio.run` from sync code",
        "a sync function needs an async result; from inside a runtime; from 3 plain threads",
        "`Runtime::block_on`, a runtime thread + channels"),
    docs_only("basics", "decision_guide", "Decision guide",
        "sync vs async vs processes",
        "I/O-bound, CPU-bound, mixed",
        "async vs threads vs rayon"),
    // concurrency-control
    full("concurrency-control", "bounded_concurrency", "Bounded concurrency",
        "`asyncio.Semaphore(n)` around each call",
        "20 URLs, at most 3 at once, 0.5 s each: 7 waves, 3.5 s",
        "`Semaphore::acquire_owned`, `buffer_unordered`"),
    full("concurrency-control", "rate_limiter", "Rate limiting",
        "(a semaphore, wrongly)",
        "8 requests against 10 per second with a burst of 3",
        "a GCRA on tokio's clock"),
    full("concurrency-control", "lock", "Lock for shared state",
        "`asyncio.Lock`",
        "5 workers × 10 increments, each holding the lock 10 ms: total 50",
        "`std::sync::Mutex` vs `tokio::sync::Mutex`"),
    full("concurrency-control", "read_write_lock", "Read/write lock",
        "(none in asyncio)",
        "3 readers, a writer, then a fourth reader that waits behind the writer",
        "`tokio::sync::RwLock`"),
    full("concurrency-control", "event", "Event",
        "`asyncio.Event`",
        "workers wait for a start signal; one that comes later passes at once",
        "a latched event on `watch`"),
    full("concurrency-control", "condition", "Condition",
        "`asyncio.Condition.wait_for(pred)`",
        "3 consumers wait for stock; a producer adds an item every 0.2 s",
        "a `Condition` owning its state in a `watch`: `wait_for`, `wait_then` (check and act under one lock); `Notify` + `Mutex` by hand"),
    full("concurrency-control", "barrier", "Barrier",
        "`asyncio.Barrier`",
        "3 workers load for 0.1 s, 0.3 s and 0.2 s, then meet",
        "`tokio::sync::Barrier`"),
    full("concurrency-control", "bulkhead", "Bulkhead",
        "semaphore + waiting limit + timeout",
        "6 calls of 1 s: 2 running, 2 waiting (at most 1.5 s), the rest rejected",
        "`try_acquire` + bounded wait + typed rejection").star(5),
    full("concurrency-control", "load_shedding", "Load shedding",
        "reject when saturated",
        "a burst of 8 requests against 3 slots",
        "`try_acquire_owned`, fail fast"),
    full("concurrency-control", "priority", "Priority",
        "heap + `asyncio.Condition`",
        "3 routine reports queued, then urgent jobs jump the queue",
        "`BinaryHeap` + `Notify`, `biased` `select!`"),
    full("concurrency-control", "debounce", "Debounce and throttle",
        "`create_task` a delayed call, `cancel()` it on the next event",
        "a burst of edits saved once, after a quiet period",
        "one owned task: `select!` between the quiet-period `sleep` and a `Notify` poke, the action awaited"
    ).star(7),
    full("concurrency-control", "single_flight", "Single flight",
        "per-key lock / stampede guard",
        "100 concurrent misses on one key, one fetch",
        "a per-key shared future"),
    full("concurrency-control", "batches", "Batches",
        "chunk + `gather`",
        "25 items in batches of 10, 0.1 s each",
        "`chunks`, `buffer_unordered`"),
    full("concurrency-control", "micro_batching", "Micro-batching",
        "collect requests, flush by size or time",
        "flush at 3 requests or 50 ms; each caller gets its own answer from a batched call",
        "mpsc + size-or-time flush + oneshot replies").star(6),
    // errors-timeouts
    full("errors-timeouts", "partial_failure", "Partial failure",
        "`gather(return_exceptions=True)`",
        "items 1..6, every third fails after 0.1 s: 4 ok, 2 failed",
        "`join_all` over `Result`s, a settled report").star(1),
    full("errors-timeouts", "fail_fast", "Fail fast vs settle all",
        "`gather` default vs `return_exceptions`",
        "the first error cancels the rest, or every call finishes and each outcome is kept",
        "`try_join_all` / `JoinSet` abort vs collect all"),
    full("errors-timeouts", "abort_after_failures", "Abort after N failures",
        "stop when too many fail",
        "10 jobs, stop after the 3rd failure, cancel what still runs",
        "a `JoinSet` loop with early abort").star(2),
    full("errors-timeouts", "error_aggregation", "Error aggregation",
        "`ExceptionGroup`, `except*`",
        "4 tasks: an application error, a panic, an abort; classified recoverable or fatal",
        "`Vec<E>`, `JoinError` panic / cancelled vs application error"),
    full("errors-timeouts", "timeout", "Timeout",
        "`asyncio.wait_for(op, 2.0)`",
        "a 5 s operation under a 2 s limit, then a 1 s one",
        "`tokio::time::timeout`, `Elapsed`"),
    full("errors-timeouts", "deadline", "Deadline scope",
        "`async with asyncio.timeout(5)`",
        "three steps share one 5 s budget",
        "`timeout_at`, a deadline passed down"),
    full("errors-timeouts", "cancellation", "Cancellation and cleanup",
        "catch `CancelledError`, clean up, re-raise",
        "a worker loop stopped by a token, by abort, and by a timeout; each cleans up",
        "drop at an `.await`, Drop guards, `CancellationToken`"),
    full("errors-timeouts", "shield", "Shield",
        "`asyncio.shield`",
        "a critical write finishes, started once, though its caller is cancelled",
        "spawn the work and await its handle").star(4),
    full("errors-timeouts", "cancel_safety", "Cancellation safety",
        "cancel after `queue.get()`",
        "`select!` loops that lose items, restart work, drop read bytes or lose their place in line; and the fixes",
        "`send` vs `reserve`, pinned futures, a cancel-safety table"),
    full("errors-timeouts", "retry", "Retry with backoff",
        "exponential backoff + jitter + max",
        "fails twice, then succeeds; by hand and with backon",
        "a hand-rolled loop; backon on tokio's sleeper"),
    full("errors-timeouts", "circuit_breaker", "Circuit breaker",
        "closed / open / half-open",
        "5 failures open it for 3 s, then one probe closes it",
        "a state machine on `tokio::time::Instant`").star(10),
    full("errors-timeouts", "fallback", "Fallback chain",
        "try primary, then cache, then default",
        "primary times out, cache hit",
        "ordered `or_else` over futures"),
    full("errors-timeouts", "hedged_request", "Hedged request",
        "(none in asyncio)",
        "a slow replica; a second request after 300 ms wins",
        "`select!` with a delayed second call"),
    // streams
    full("streams", "async_generator", "Async generator",
        "`async def` + `yield`",
        "numbers 1..4, 0.1 s apart",
        "`stream!`, `stream::unfold`"),
    full("streams", "pagination", "Pagination",
        "paged API as an async iterator",
        "pages of 5 items, 0.2 s each; then a page that fails",
        "`try_stream!` / `unfold` over a cursor"),
    full("streams", "stream_impl", "Implementing Stream",
        "`__aiter__` / `__anext__`",
        "a custom source of 3 items, fused; `poll_next` by hand",
        "`impl Stream` by hand"),
    full("streams", "combinators", "Combinators",
        "async comprehensions",
        "map, filter, take, fold, an async lookup per item",
        "`StreamExt`"),
    full("streams", "concurrent_map", "Concurrent map",
        "(gather with a semaphore)",
        "at most 4 in flight, ordered or not, with one slow item",
        "`buffered` / `buffer_unordered`"),
    full("streams", "merge", "Merge and fan-in",
        "(tasks feeding one queue)",
        "two sources interleaved, then a list of sources",
        "`select`, `StreamMap`, `merge`"),
    full("streams", "chunking", "Chunking",
        "batch the stream",
        "groups of 10 by size; by size or after 100 ms",
        "`chunks`, `chunks_timeout`"),
    full("streams", "throttle", "Throttle and per-item timeout",
        "(sleep between items, `wait_for` per item)",
        "8 items ready at once, throttled to 5 a second; a stalled source",
        "`throttle`, `timeout`"),
    full("streams", "streaming_io", "Streaming I/O",
        "chunked download",
        "a 1 MiB body read in pieces of at most 16 KiB",
        "`ReaderStream`, `StreamReader`"),
    // producer-consumer
    full("producer-consumer", "bounded_queue", "Bounded queue",
        "`asyncio.Queue(maxsize=10)`",
        "2 producers × 5 items, 3 consumers; a small queue paces bursting producers",
        "`async_channel::bounded(10)` (MPMC) behind a `Sender` / `Receiver`, backpressure; `mpsc::channel(10)` for one consumer"
    ).star(9),
    full("producer-consumer", "completion", "Completion",
        "sentinel `None`, `queue.join()`",
        "2 producers, 3 consumers: everything processed, then every task returns",
        "drop the senders; close and drain").star(9),
    full("producer-consumer", "joinable_queue", "Joinable queue",
        "`task_done` / `join`",
        "8 jobs, 3 consumers, job 3 fails: `join` still returns",
        "a queue whose `join` cannot hang (RAII done-guard)").star(9),
    full("producer-consumer", "many_consumers", "Many consumers",
        "several `queue.get()` loops",
        "3 workers share one queue of jobs",
        "MPMC (`async-channel`) or a shared receiver"),
    full("producer-consumer", "worker_pool", "Worker pool",
        "(workers reading one queue)",
        "fixed workers; results as they finish, then in submission order",
        "a pool with bounded input, ordered or unordered results"),
    full("producer-consumer", "pipeline", "Pipeline",
        "(queues between stages)",
        "parse → enrich → store, then a run with a malformed line",
        "stages joined by bounded channels"),
    full("producer-consumer", "pub_sub", "Publish and subscribe",
        "broadcast to WebSocket clients",
        "one publisher of prices, two fast subscribers, one slow that lags",
        "`broadcast`, lagging receivers"),
    full("producer-consumer", "actor", "Actor",
        "(a task owning state behind a queue)",
        "3 clients count page hits through one actor",
        "mpsc of commands + oneshot replies"),
    full("producer-consumer", "sync_bridge", "Sync to async bridge",
        "`run_coroutine_threadsafe(queue.put(x), loop)` from a thread (`asyncio.Queue` is not thread-safe)",
        "a std thread feeds async consumers",
        "async-channel's `send_blocking` / `recv_blocking` (tokio `mpsc`: `blocking_send` / `blocking_recv`)"),
    // production
    full("production", "graceful_shutdown", "Graceful shutdown",
        "signal handlers set an `Event`; cancel tasks, wait with a timeout",
        "5 in-flight jobs of 0.2-3 s, a stop signal, drain deadline 1 s",
        "`tokio::signal`, `CancellationToken`, `TaskTracker`, a drain report"),
    full("production", "lifespan", "Lifespan",
        "FastAPI lifespan / nested `async with`",
        "db pool, cache, HTTP client started in order; step 3 fails",
        "ordered startup, reverse teardown, every step under its own timeout"),
    full("production", "health_checks", "Health checks",
        "concurrent component checks",
        "db ok, cache slow, optional upstream down",
        "`join_all` with a timeout per check, Healthy/Degraded/Unhealthy"),
    full("production", "probes", "Probes",
        "liveness / readiness / startup endpoints",
        "not ready while draining",
        "`watch` state"),
    full("production", "periodic_task", "Periodic task",
        "`while True: await asyncio.sleep(5)`",
        "a job every 1 s; run 3 fails; run 5 takes 2.5 s",
        "`interval` + `MissedTickBehavior` + a timeout per run"),
    full("production", "supervision", "Supervision",
        "restart a crashed background task",
        "crashes twice, recovers, later crashes 3 times in 3 s",
        "restart with capped backoff, give up after N in T"),
    docs_only("production", "observability", "Observability",
        "logging / tracing around tasks",
        "spans per task and request",
        "`tracing` spans, tokio-console, tokio-metrics"),
    // testing
    full("testing", "async_test", "Async tests",
        "`@pytest.mark.asyncio`",
        "the same test on current_thread and multi_thread; a `!Send` value; a blocking call",
        "`#[tokio::test]`, current_thread vs multi_thread, `LocalSet` for `!Send`"),
    full("testing", "timeouts_in_tests", "Timeouts in tests",
        "`pytest.raises(TimeoutError)`",
        "a timeout fires at exactly its budget in no real time; the paused-clock traps",
        "`start_paused = true`, virtual time asserted exactly"),
    full("testing", "concurrency_in_tests", "Concurrency in tests",
        "gather in a test",
        "concurrent and sequential give the same results; the clock and a witness tell them apart",
        "`join!` / `JoinSet`, virtual elapsed time and a max-in-flight witness"),
    full("testing", "mocks", "Mocks",
        "`AsyncMock`",
        "a byte script, a scripted fake with latency, a mockall mock",
        "`tokio_test::io::Builder`, a trait fake (`FakeService`), `mockall`"),
    full("testing", "fixtures", "Fixtures",
        "async fixtures with teardown",
        "a server per test on 127.0.0.1:0, an address and a guard",
        "a fixture that aborts on drop, plus `shutdown().await`"),
    full("testing", "cancellation_tests", "Cancellation tests",
        "cancel and check cleanup",
        "a transfer dropped at every `.await`: the naive one loses money",
        "drop / abort at a chosen point, `cancel_at_every_await`"),
    full("testing", "polling_by_hand", "Polling by hand",
        "(none in pytest-asyncio)",
        "a hand-written future polled one step at a time",
        "`tokio_test::task::spawn`, `assert_pending!`, `assert_ready!`, `is_woken()`"),
    full("testing", "properties", "Properties",
        "(hypothesis, rarely with asyncio)",
        "random schedules on a paused runtime; a racy limiter shrunk to its smallest failure",
        "proptest with a paused runtime per case"),
    full("testing", "hanging_tests", "Hanging tests",
        "\"tests hang indefinitely\"",
        "a wait that never ends becomes an error naming what it waited for",
        "a `Budget` around every wait that can hang"),
    full("testing", "network_simulation", "Network simulation",
        "(none in pytest-asyncio)",
        "a client with retries across a partition and a server restart, twice from one seed",
        "turmoil: partitions, crashes, restarts, reproducible from a seed"),
    // pitfalls
    full("pitfalls", "forgotten_await", "Forgotten .await",
        "`RuntimeWarning: coroutine was never awaited`",
        "a save never awaited saves nothing; a spawned save whose handle is dropped runs on unobserved",
        "futures are lazy; `unused_must_use`, `let_underscore_future`; keep the `JoinHandle`"),
    full("pitfalls", "blocking_the_runtime", "Blocking the runtime",
        "`time.sleep` in a coroutine",
        "a handler blocks 100 ms: the quick request waits, the stall monitor reports it; then `spawn_blocking`",
        "`spawn_blocking`, `tokio::fs`, `block_in_place`; `disallowed_methods`, `cargo xtask lint-async`"),
    full("pitfalls", "guard_across_await", "A std guard across .await",
        "`threading.Lock` held across `await`",
        "two increments under `join!` deadlock with the guard across `.await`, finish without",
        "drop the guard before `.await`, or `tokio::sync::Mutex`; `await_holding_lock`, `Send`"),
    full("pitfalls", "cancellation_ignored", "Cancellation ignored",
        "cleanup not in `finally`",
        "queries cancelled by a timeout leak their connections, then none leaks with a Drop guard",
        "cleanup in `Drop`, which runs on cancellation"),
    full("pitfalls", "unbounded_fan_out", "Unbounded fan-out",
        "`gather(*[f(x) for x in items])`",
        "500 jobs all in flight at once, then at most 100",
        "a `JoinSet` kept at a limit; a witness of the peak in flight"),
    full("pitfalls", "client_per_request", "A new client per request",
        "`async with aiohttp.ClientSession()` per request",
        "20 requests to a loopback server: 20 connections, then 1",
        "build the client once and reuse it"),
    full("pitfalls", "nested_runtime", "Nested runtime",
        "`asyncio.run` inside a running loop",
        "a sync helper with its own runtime panics from async code; three fixes",
        "`.await`; `spawn_blocking` + `Handle::block_on`; `block_in_place`"),
    full("pitfalls", "no_reactor", "No reactor",
        "`get_running_loop()` with no loop",
        "`tokio::spawn` outside a runtime, a timer and a socket without drivers: tokio's panics",
        "`enable_all`, `Handle::enter`, `Handle::spawn`"),
    full("pitfalls", "race_across_await", "Race across .await",
        "check-then-act across `await`",
        "two withdrawals of 60 from 100 both pass the check; then one is refused",
        "check and act with no `.await` between, or a `tokio::sync::Mutex` across both"),
    full("pitfalls", "lagged_is_fatal", "Lagged treated as fatal",
        "(a slow WebSocket client dropped)",
        "a slow subscriber leaves at its first `Lagged`; then counts it and reads to the end",
        "match `RecvError::Lagged(n)` and go on; only `Closed` ends the loop"),
    full("pitfalls", "interval_burst", "Interval burst after a stall",
        "`while True: await asyncio.sleep(p)` (drifts, never bursts)",
        "a 100 ms interval after a 350 ms job: three ticks at once, then `Delay`",
        "`MissedTickBehavior::Delay` or `Skip`"),
    full("pitfalls", "test_hangs", "Tests that hang",
        "a test awaiting a reply that never comes",
        "a service answers 2 of 3 requests: a wait with no limit, then a named budget",
        "a timeout with a name around every wait; `testing::Budget`"),
    // real-world (the top-level examples/ package)
    full("real-world", "scraper", "A web scraper",
        "aiohttp `ClientSession` + `Semaphore` + `gather`",
        "200 URLs to depth 2, 16 at once, one pooled client; a timeout, Retry-After, a POST, a reset",
        "reqwest `Client` + `BoundedMap` + backon, against an axum site"),
    full("real-world", "database", "A database app",
        "aiosqlite / SQLAlchemy async sessions",
        "a read pool of 4, 50 transfers with BEGIN IMMEDIATE, a rollback, `try_join!`, `:memory:`",
        "sqlx `SqlitePool` with WAL, a writer pool of 1, `begin_with`"),
    full("real-world", "chat", "A WebSocket chat",
        "`websockets` server broadcasting in a loop",
        "3 clients and a stalled one, malformed, oversized and flood, Close 1001 on shutdown",
        "axum `ws` + `broadcast`, a task per connection, `Shutdown` jobs"),
    full("real-world", "http_service", "An HTTP service",
        "FastAPI / aiohttp.web with lifespan and health routes",
        "408 past the timeout, shedding past 8, probes, 4xx for bad input, a drain on SIGTERM",
        "axum + tower-http timeout + `LoadShedder`, `Probes`, `HealthChecks`, `Shutdown`"),
    full("real-world", "file_processor", "A file processor",
        "aiofiles + `gather` over a folder",
        "500 files at most 8 open, fs hops vs one batch, write-then-rename, a 20 MB file streamed",
        "`BoundedMap` + `tokio::fs`, `spawn_blocking`, `BufReader::lines`"),
];

/// Idioms a Python developer looks for that are not patterns of their own, in the concordance's
/// last table. Columns: asyncio, tokio, (page, section title).
pub(crate) const IDIOMS: &[Idiom] = &[
    Idiom { python: "`await asyncio.sleep(0)`",
        rust: "`tokio::task::yield_now().await`",
        section: ("primer", "Runtimes and flavors") },
    Idiom { python: "`asyncio.get_running_loop()`",
        rust: "`tokio::runtime::Handle::current()`",
        section: ("primer", "Runtimes and flavors") },
    Idiom { python: "`task.cancel()`",
        rust: "`JoinHandle::abort()` (a request, carried out at the task's next `.await`); dropping a future cancels it",
        section: ("primer", "select! and cancellation by drop") },
    Idiom { python: "`task.add_done_callback(cb)`",
        rust: "no callbacks: await the `JoinHandle` (or `JoinSet::join_next`) in the task that cares",
        section: ("primer", "Keeping a reference to your task") },
    Idiom { python: "`asyncio.all_tasks()`",
        rust: "none: own tasks in a `JoinSet` / `TaskTracker` (`len()`); `RuntimeMetrics::num_alive_tasks()` counts them",
        section: ("primer", "Keeping a reference to your task") },
    Idiom { python: "`asyncio.current_task()`",
        rust: "`tokio::task::id()` / `try_id()` (an id, not a handle)",
        section: ("primer", "Coroutines are futures, Tasks are spawned tasks") },
    Idiom { python: "`asyncio.eager_task_factory`",
        rust: "none: a spawned task first runs when a worker picks it up; await its first step before spawning if it must run now",
        section: ("primer", "Coroutines are futures, Tasks are spawned tasks") },
    Idiom { python: "`loop.call_later(delay, cb)`",
        rust: "spawn `async move { sleep(delay).await; cb() }` and keep the handle to `abort()` it; `tokio_util::time::DelayQueue` for many",
        section: ("primer", "The 1 ms timer grid") },
    Idiom { python: "`loop.call_soon_threadsafe(cb)`, `run_coroutine_threadsafe(coro, loop)`",
        rust: "`Handle::spawn(future)` from any thread (keep the `Handle`), or send on a channel the runtime's tasks read",
        section: ("basics", "Sync code calling async") },
    Idiom { python: "`loop.run_in_executor(None, f)`, `asyncio.to_thread(f)`",
        rust: "`tokio::task::spawn_blocking(f)`; a pool built once for many calls",
        section: ("basics", "Blocking work off the runtime") },
    Idiom { python: "`contextvars.ContextVar`",
        rust: "`tokio::task_local!` + `LocalKey::scope` (not inherited by spawned tasks: pass values, or `tracing` spans, explicitly)",
        section: ("primer", "Coroutines are futures, Tasks are spawned tasks") },
    Idiom { python: "`loop.add_signal_handler(SIGTERM, cb)`",
        rust: "`tokio::signal::ctrl_c()`, `tokio::signal::unix::signal(SignalKind::terminate())`, awaited in a task",
        section: ("production", "Graceful shutdown") },
    Idiom { python: "`Queue.shutdown()` (3.13)",
        rust: "drop every `Sender` (or `close()`): receivers drain what is queued, then get `None` / `Err`",
        section: ("producer-consumer", "Completion") },
    Idiom { python: "`Queue.task_done()` / `Queue.join()`",
        rust: "a done-guard per item and a `join` that cannot hang",
        section: ("producer-consumer", "Joinable queue") },
    Idiom { python: "`Semaphore.locked()`",
        rust: "`Semaphore::available_permits() == 0`; better, `try_acquire` (check and take in one step)",
        section: ("concurrency-control", "Load shedding") },
    Idiom { python: "`asyncio.timeout(...).reschedule(when)`",
        rust: "`Sleep::reset(deadline)` on a pinned sleep, or `timeout_at` with the new deadline",
        section: ("errors-timeouts", "Deadline scope") },
];

/// The ★ defects, by number.
pub(crate) const DEFECTS: &[Defect] = &[
    Defect { number: 1,
        text: "The per-item wrapper catches the exception and returns `None`, so the report counts 0 failures." },
    Defect { number: 2,
        text: "The loop counts failures after `gather` has already run every item to the end, so \"abort after N\" aborts nothing." },
    Defect { number: 3,
        text: "`wait(return_when=FIRST_COMPLETED)` returns the first to finish, which may be a failure, not the first success." },
    Defect { number: 4,
        text: "After the cancellation is caught, the critical work is started a second time, and the cancellation is swallowed." },
    Defect { number: 5,
        text: "With no waiting room configured every call is rejected; running and waiting calls are counted together." },
    Defect { number: 6,
        text: "A duplicate key waits while holding the lock that the flush needs (a deadlock), and the batch call runs under the lock (one batch at a time)." },
    Defect { number: 7,
        text: "The delayed call is created and never awaited, so the action never runs." },
    Defect { number: 8,
        text: "A new thread pool is built and torn down for every call." },
    Defect { number: 9,
        text: "One sentinel per producer but more consumers than producers, so a consumer waits forever; and a consumer that fails never marks its item done, so `join()` waits forever." },
    Defect { number: 10,
        text: "The breaker reads the wall clock, which is neither monotonic nor controllable in tests." },
];

/// The catalogue entry named `name`, if any (names are unique across topics).
pub(crate) fn find(name: &str) -> Option<&'static Pattern> {
    PATTERNS.iter().find(|pattern| pattern.name == name)
}

/// The topic named `name`, if any.
#[cfg(test)]
pub(crate) fn topic(name: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|topic| topic.name == name)
}

/// The patterns of one topic, in page order.
pub(crate) fn patterns_of(topic: &str) -> impl Iterator<Item = &'static Pattern> + use<'_> {
    PATTERNS.iter().filter(move |pattern| pattern.topic == topic)
}

/// The patterns whose common Python rendition has defect `number`.
pub(crate) fn patterns_with_defect(number: u8) -> impl Iterator<Item = &'static Pattern> {
    PATTERNS
        .iter()
        .filter(move |pattern| pattern.defect == Some(number))
}

/// The defect numbered `number`, if any.
pub(crate) fn defect(number: u8) -> Option<&'static Defect> {
    DEFECTS.iter().find(|defect| defect.number == number)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique_and_snake_case() {
        let mut seen = BTreeSet::new();
        for pattern in PATTERNS {
            assert!(seen.insert(pattern.name), "{} twice", pattern.name);
            assert!(
                pattern
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                pattern.name
            );
        }
        let topics: BTreeSet<&str> = TOPICS.iter().map(|t| t.name).collect();
        assert_eq!(topics.len(), TOPICS.len(), "a topic is listed twice");
        for support in SUPPORT_CRATES {
            assert!(!topics.contains(support.name), "{} is both", support.name);
        }
    }

    #[test]
    fn every_pattern_is_in_a_known_topic_and_topics_are_contiguous_in_reading_order() {
        let order: Vec<usize> = PATTERNS
            .iter()
            .map(|p| {
                TOPICS
                    .iter()
                    .position(|t| t.name == p.topic)
                    .unwrap_or_else(|| panic!("{}: unknown topic {}", p.name, p.topic))
            })
            .collect();
        assert!(order.is_sorted(), "patterns must be grouped by topic, in reading order");
        for topic in TOPICS {
            assert!(patterns_of(topic.name).next().is_some(), "{} has no patterns", topic.name);
        }
    }

    #[test]
    fn every_field_is_filled_and_fits_one_table_cell() {
        for p in PATTERNS {
            for (field, text) in [
                ("title", p.title),
                ("python", p.python),
                ("scenario", p.scenario),
                ("rust", p.rust),
            ] {
                assert!(!text.trim().is_empty(), "{}: empty {field}", p.name);
                assert!(!text.contains('\n'), "{}: {field} spans lines", p.name);
            }
        }
        for t in TOPICS {
            assert!(!t.title.is_empty() && !t.summary.is_empty(), "{}", t.name);
            assert!(!t.summary.contains('\n'), "{}", t.name);
        }
    }

    #[test]
    fn defects_are_numbered_one_to_ten_and_each_belongs_to_a_pattern() {
        let numbers: Vec<u8> = DEFECTS.iter().map(|d| d.number).collect();
        assert_eq!(numbers, (1..=10).collect::<Vec<u8>>());
        for defect in DEFECTS {
            assert!(
                patterns_with_defect(defect.number).next().is_some(),
                "defect {} marks no pattern",
                defect.number
            );
        }
        for pattern in PATTERNS {
            if let Some(number) = pattern.defect {
                assert!(defect(number).is_some(), "{}: no defect {number}", pattern.name);
                assert_eq!(pattern.kind, Kind::Full, "{}: a ★ needs a test", pattern.name);
            }
        }
        assert_eq!(defect(5).map(|d| d.number), Some(5));
        let bulkhead: Vec<&str> = patterns_with_defect(5).map(|p| p.name).collect();
        assert_eq!(bulkhead, ["bulkhead"]);
    }

    #[test]
    fn every_idiom_points_at_a_section_of_the_catalogue() {
        for idiom in IDIOMS {
            let (page, title) = idiom.section;
            assert!(topic(page).is_some(), "{}: no topic {page}", idiom.python);
            assert!(
                patterns_of(page).any(|p| p.title == title),
                "{}: no section `{title}` in {page}",
                idiom.python
            );
            assert!(!idiom.rust.contains('\n') && !idiom.python.contains('\n'));
        }
    }

    #[test]
    fn production_is_in_the_catalogue() {
        let production = topic("production").expect("the production topic");
        assert_eq!(production.title, "Production");
        let names: Vec<&str> = patterns_of("production").map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "graceful_shutdown",
                "lifespan",
                "health_checks",
                "probes",
                "periodic_task",
                "supervision",
                "observability"
            ]
        );
        assert_eq!(find("observability").map(|p| p.kind), Some(Kind::DocsOnly));
    }

    #[test]
    fn pitfalls_follow_testing_with_one_full_row_per_pitfall() {
        // Pitfalls come after the testing page: two of them ("blocking the runtime", "tests that
        // hang") use its stall monitor and time budgets.
        let order: Vec<&str> = TOPICS.iter().map(|t| t.name).collect();
        let testing = order.iter().position(|t| *t == "testing");
        assert_eq!(testing.map(|i| order[i + 1]), Some("pitfalls"));
        let names: Vec<&str> = patterns_of("pitfalls").map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "forgotten_await",
                "blocking_the_runtime",
                "guard_across_await",
                "cancellation_ignored",
                "unbounded_fan_out",
                "client_per_request",
                "nested_runtime",
                "no_reactor",
                "race_across_await",
                "lagged_is_fatal",
                "interval_burst",
                "test_hangs"
            ]
        );
        assert!(patterns_of("pitfalls").all(|p| p.kind == Kind::Full));
    }
}
