//! Mocks: a byte script, a trait fake with latency, and mockall expectations.

use std::io;

use mockall::Sequence;
use mockall::predicate::eq;
use testing::mocks::{Directory, LookupError, display_name, greet};
use testing::{FakeService, Script, Step, ms};
use tokio::time::Instant;

// ANCHOR: io_builder
#[tokio::test]
async fn a_byte_script_checks_what_is_written_and_feeds_what_is_read() -> io::Result<()> {
    let mut stream = tokio_test::io::Builder::new()
        .write(b"HELLO ada\n")
        .read(b"WELCOME Ada Lovelace\n")
        .build();
    assert_eq!(greet(&mut stream, "ada").await?, "Ada Lovelace");
    Ok(())
}

#[tokio::test]
async fn a_scripted_error_reaches_the_caller() {
    let mut stream = tokio_test::io::Builder::new()
        .write(b"HELLO bob\n")
        .read_error(io::Error::from(io::ErrorKind::ConnectionReset))
        .build();
    let error = greet(&mut stream, "bob").await.expect_err("the read fails");
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
}
// ANCHOR_END: io_builder

// ANCHOR: fake
#[tokio::test(start_paused = true)]
async fn a_fake_brings_latency_and_failures_on_cue() {
    let directory = FakeService::new(
        "ada",
        Script::new()
            .then_repeat(2, Step::fail_after(ms(300)))
            .then(Step::ok_after(ms(100))),
    );
    let start = Instant::now();
    let name = display_name(&directory, 7, 3).await;
    assert_eq!(name.as_deref(), Ok("ada reply 3 (#7)"));
    assert_eq!(start.elapsed(), ms(700)); // 300 + 300 + 100: the latency is real, virtually
    assert_eq!(directory.stats().failed, 2);
}
// ANCHOR_END: fake

// ANCHOR: mockall
mockall::mock! {
    Dir {}
    impl Directory for Dir {
        async fn lookup(&self, id: u32) -> Result<String, LookupError>;
    }
}

#[tokio::test]
async fn a_mock_checks_arguments_call_counts_and_order() {
    let mut directory = MockDir::new();
    let mut order = Sequence::new();
    directory
        .expect_lookup()
        .with(eq(7))
        .times(2)
        .in_sequence(&mut order)
        .returning(|_| Err(LookupError::Unavailable));
    directory
        .expect_lookup()
        .with(eq(7))
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Ok("Ada".to_owned()));
    assert_eq!(
        display_name(&directory, 7, 5).await.as_deref(),
        Ok("Ada (#7)")
    );
    // Dropping the mock verifies the counts: a fourth call, or a missing one, fails the test.
}

#[tokio::test]
async fn a_mock_never_retries_what_cannot_succeed() {
    let mut directory = MockDir::new();
    directory
        .expect_lookup()
        .times(1)
        .returning(|id| Err(LookupError::NotFound(id)));
    assert_eq!(
        display_name(&directory, 9, 5).await,
        Err(LookupError::NotFound(9))
    );
}
// ANCHOR_END: mockall

// ANCHOR: mockall_limit
#[tokio::test(start_paused = true)]
async fn a_mocked_async_method_is_ready_at_its_first_poll() {
    let mut directory = MockDir::new();
    // The closure runs synchronously and its value is returned at once: there is no way to
    // say "answer after 300 ms" here. Latency, timeouts and cancellation need the fake.
    directory
        .expect_lookup()
        .returning(|_| Ok("Ada".to_owned()));
    let mut call = tokio_test::task::spawn(directory.lookup(7));
    tokio_test::assert_ready_eq!(call.poll(), Ok("Ada".to_owned()));
    let start = Instant::now();
    let _ = display_name(&directory, 7, 1).await;
    assert_eq!(start.elapsed(), ms(0));
}
// ANCHOR_END: mockall_limit
