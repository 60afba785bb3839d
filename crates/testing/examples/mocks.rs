//! Mocks: a byte script, a scripted fake with latency, and a mockall mock whose async method
//! answers at once.
//!
//! Run: `cargo run --example mocks`
//!
//! Expected output (the golden transcript `mocks.txt` beside this file):
//! ```text
//! [+0.000s] byte script: greet("ada") -> Ok("Ada Lovelace")
//! ...
//! ```

use mockall::predicate::eq;
use testing::mocks::{Directory, LookupError, display_name, greet};
use testing::{FakeService, Script, Step, Transcript, ms};
use tokio::time::Instant;

mockall::mock! {
    Dir {}
    impl Directory for Dir {
        async fn lookup(&self, id: u32) -> Result<String, LookupError>;
    }
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    // 1. Bytes: the stream checks each write and feeds each read, in order.
    let mut stream = tokio_test::io::Builder::new()
        .write(b"HELLO ada\n")
        .read(b"WELCOME Ada Lovelace\n")
        .build();
    let greeted = greet(&mut stream, "ada").await;
    t.line(format!("byte script: greet(\"ada\") -> {greeted:?}"));

    // 2. A fake: two failures of 300 ms each, then an answer after 100 ms.
    let fake = FakeService::new(
        "ada",
        Script::new()
            .then_repeat(2, Step::fail_after(ms(300)))
            .then(Step::ok_after(ms(100))),
    );
    let start = Instant::now();
    let name = display_name(&fake, 7, 3).await;
    t.line(format!(
        "fake: {name:?} after {:.1} s, {} failed calls",
        start.elapsed().as_secs_f64(),
        fake.stats().failed
    ));

    // 3. A mock: expectations on the argument and the count; the answer is ready at once.
    let mut mock = MockDir::new();
    mock.expect_lookup()
        .with(eq(7))
        .times(1)
        .returning(|_| Ok("Ada".to_owned()));
    let start = Instant::now();
    let name = display_name(&mock, 7, 3).await;
    t.line(format!(
        "mock: {name:?} after {:.1} s (a mocked async fn cannot take time)",
        start.elapsed().as_secs_f64()
    ));
    // ANCHOR_END: main
    Ok(())
}
