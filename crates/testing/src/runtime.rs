//! The runtime a property test builds inside each case.

/// A `current_thread` runtime with time enabled, started on tokio's paused clock: what
/// `#[tokio::test(start_paused = true)]` builds, for a proptest body to `block_on` in each case.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::{Instant, sleep};
///
/// let runtime = testing::paused_runtime();
/// runtime.block_on(async {
///     let start = Instant::now();
///     sleep(Duration::from_secs(3600)).await; // takes no real time
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// });
/// ```
///
/// # Panics
/// When the operating system refuses the runtime its resources, which leaves a test nothing to
/// run on.
pub fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("the OS lets a current-thread tokio runtime start")
}
