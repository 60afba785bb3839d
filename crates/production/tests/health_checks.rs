//! Health checks on the paused clock: concurrent checks, a timeout per check, optional checks
//! degrade, the aggregate is the worst, panics are caught.

use std::time::Duration;

use basics::ConfigError;
use production::{CheckOutcome, Health, HealthChecks};
use testing::ms;
use tokio::time::{Instant, sleep};

async fn after(takes: u64, ok: bool) -> Result<(), String> {
    sleep(ms(takes)).await;
    if ok {
        Ok(())
    } else {
        Err(format!("failed after {takes} ms"))
    }
}

#[test]
fn a_zero_timeout_is_refused() {
    assert_eq!(
        HealthChecks::new(Duration::ZERO).unwrap_err(),
        ConfigError::Zero { name: "timeout" }
    );
}

#[tokio::test(start_paused = true)]
async fn checks_run_concurrently_and_a_timed_out_check_fails_with_its_elapsed_time() {
    let checks = HealthChecks::new(ms(500))
        .unwrap()
        .required("db", || after(300, true))
        .required("cache", || after(2000, true))
        .optional("upstream", || after(400, true));
    let start = Instant::now();
    let report = checks.check().await;
    assert_eq!(
        start.elapsed(),
        ms(500),
        "as long as the timeout, not the sum"
    );
    assert_eq!(report.status, Health::Unhealthy);
    assert_eq!(report.checks[1].outcome, CheckOutcome::TimedOut);
    assert_eq!(report.checks[1].elapsed, ms(500));
    assert_eq!(report.checks[0].elapsed, ms(300));
}

#[tokio::test(start_paused = true)]
async fn an_optional_failure_only_degrades_and_the_aggregate_is_the_worst() {
    let degraded = HealthChecks::new(ms(500))
        .unwrap()
        .required("db", || after(10, true))
        .optional("upstream", || after(10, false));
    let report = degraded.check().await;
    assert_eq!(report.status, Health::Degraded);
    assert_eq!(report.status.status_code(), 200);

    let unhealthy = degraded.required("cache", || after(10, false));
    let report = unhealthy.check().await;
    assert_eq!(report.status, Health::Unhealthy);
    assert_eq!(report.status.status_code(), 503);
    assert!(Health::Unhealthy < Health::Degraded && Health::Degraded < Health::Healthy);
}

#[tokio::test(start_paused = true)]
async fn no_checks_is_healthy() {
    let report = HealthChecks::new(ms(500)).unwrap().check().await;
    assert_eq!(report.status, Health::Healthy);
    assert!(report.checks.is_empty());
    assert_eq!(report.to_string(), "healthy");
}

async fn check_panics() -> Result<(), String> {
    sleep(ms(5)).await;
    panic!("check bug")
}

#[tokio::test(start_paused = true)]
async fn a_panicking_check_fails_with_its_message_and_the_others_still_report() {
    let _quiet = testing::QuietPanics::new();
    let checks = HealthChecks::new(ms(500))
        .unwrap()
        .required("db", || after(10, true))
        .optional("buggy", check_panics)
        .optional(
            "called-panic",
            || -> std::future::Ready<Result<(), String>> { panic!("panics when called") },
        );
    let report = checks.check().await;
    assert_eq!(report.status, Health::Degraded);
    assert_eq!(
        report.checks[1].outcome,
        CheckOutcome::Panicked("check bug".to_owned())
    );
    assert_eq!(
        report.checks[2].outcome,
        CheckOutcome::Panicked("panics when called".to_owned())
    );
    assert_eq!(report.checks[0].outcome, CheckOutcome::Passed);
}

#[tokio::test(start_paused = true)]
async fn the_verbose_report_has_one_line_per_check() {
    let checks = HealthChecks::new(ms(500))
        .unwrap()
        .required("db", || after(20, true))
        .required("cache", || after(900, true))
        .optional("upstream", || after(10, false));
    let report = checks.check().await;
    assert_eq!(
        report.to_string(),
        "unhealthy\n  \
         db        required  passed     0.02 s\n  \
         cache     required  timed out  0.50 s\n  \
         upstream  optional  failed     0.01 s: failed after 10 ms"
    );
}
