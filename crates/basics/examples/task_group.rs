//! Task group: four members start together; the payment call fails at +1.5 s, so the group
//! cancels the two still running, waits for their cleanup, and reports the failure at +1.5 s.
//!
//! Run: `cargo run --example task_group`
//!
//! Expected output (the golden transcript `task_group.txt` beside this file):
//! ```text
//! [+0.000s] checkout: 4 members started
//! [+1.000s] profile: done
//! [+1.500s] payment: failed
//! [+1.500s] orders: cancelled, connection released
//! ...
//! ```

use std::time::Duration;

use basics::TaskGroup;
use testing::{Span, Transcript};

#[derive(Debug, thiserror::Error)]
#[error("{service} service unavailable")]
struct ServiceError {
    service: &'static str,
}

// ANCHOR: cleanup
/// A member's resources: released in `Drop`, which also runs when the member is cancelled.
struct Connection {
    t: Transcript,
    name: &'static str,
    span: Option<Span>,
}

impl Connection {
    fn close(mut self, mark: char) {
        if let Some(span) = self.span.take() {
            span.end_with(mark);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Still holding the span: the member was dropped at an `.await`, i.e. cancelled. The
        // span, a `task_span`, then ends with `!`.
        if self.span.is_some() {
            self.t
                .line(format!("{}: cancelled, connection released", self.name));
        }
    }
}
// ANCHOR_END: cleanup

async fn call(
    t: Transcript,
    name: &'static str,
    millis: u64,
    fails: bool,
) -> Result<String, ServiceError> {
    let connection = Connection {
        t: t.clone(),
        name,
        span: Some(t.task_span(name)),
    };
    tokio::time::sleep(Duration::from_millis(millis)).await;
    if fails {
        t.line(format!("{name}: failed"));
        connection.close('x');
        return Err(ServiceError { service: name });
    }
    t.line(format!("{name}: done"));
    connection.close('#');
    Ok(format!("{name} data"))
}

fn main() -> anyhow::Result<()> {
    testing::run_example(run)
}

async fn run(t: Transcript) -> anyhow::Result<()> {
    // ANCHOR: main
    let mut group = TaskGroup::new();
    group.spawn(call(t.clone(), "profile", 1_000, false));
    group.spawn(call(t.clone(), "orders", 2_000, false));
    group.spawn(call(t.clone(), "payment", 1_500, true));
    group.spawn(call(t.clone(), "recommendations", 3_000, false));
    t.line(format!("checkout: {} members started", group.len()));

    match group.join().await {
        Ok(outputs) => t.line(format!("checkout: {}", outputs.join(", "))),
        Err(error) => {
            // `join` returns after the cancelled members' cleanup has run.
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            t.line(format!(
                "checkout failed: {error}: {}",
                cause.unwrap_or_default()
            ));
        }
    }
    // ANCHOR_END: main
    t.print_timeline();
    Ok(())
}
