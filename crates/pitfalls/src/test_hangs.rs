//! Tests that hang: a test awaits a reply that never comes (the code under test has a bug, or a
//! sender is still alive somewhere, so the channel never closes) and waits until CI kills the
//! job, with no message saying what it waited for.
//!
//! The fix gives every wait a name and a time budget; a wait that outlives it fails at once,
//! naming what it waited for. On tokio's paused clock the budget costs no real time.
//! (`testing::Budget` is the workspace's budget for a whole test; [`reply_within`] is the same
//! idea for one wait.) No lint sees a missing timeout; a budget turns the hang into a failure.
//!
//! The lesson: `docs/pitfalls.md`, section *Tests that hang*.

use std::time::Duration;

use basics::config::{self, ConfigError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// An echo service with a bug: it answers the first `answered` requests and then stops
/// answering while keeping both channels open. Dropping it stops its task.
#[derive(Debug)]
#[must_use = "dropping the service stops it"]
pub struct ForgetfulEcho {
    /// Where requests go.
    pub requests: mpsc::Sender<String>,
    /// Where replies come from.
    pub replies: mpsc::Receiver<String>,
    task: JoinHandle<()>,
}

impl ForgetfulEcho {
    /// Starts the service.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn spawn(answered: usize) -> ForgetfulEcho {
        let (requests, mut incoming) = mpsc::channel::<String>(8);
        let (outgoing, replies) = mpsc::channel::<String>(8);
        let task = tokio::spawn(async move {
            let mut seen = 0;
            while let Some(request) = incoming.recv().await {
                seen += 1;
                if seen <= answered && outgoing.send(format!("echo {request}")).await.is_err() {
                    return;
                }
                // The bug: past `answered`, the request is dropped, and `outgoing` stays alive.
            }
        });
        ForgetfulEcho {
            requests,
            replies,
            task,
        }
    }
}

impl Drop for ForgetfulEcho {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ANCHOR: wrong
/// WRONG: waits for the next reply with no limit: if it never comes, the caller (a test) waits
/// forever. `None` when the service closed its channel.
///
/// # Cancel safety
/// Cancel-safe: a dropped wait loses no reply.
pub async fn next_reply(replies: &mut mpsc::Receiver<String>) -> Option<String> {
    replies.recv().await
}
// ANCHOR_END: wrong

/// No reply within the budget, or none ever.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoReply {
    /// The budget ran out first.
    #[error("no reply to `{what}` within {} ms", .budget.as_millis())]
    TimedOut {
        /// The name the wait was given.
        what: String,
        /// The budget.
        budget: Duration,
    },
    /// The service closed its channel.
    #[error("the service closed its channel before replying to `{what}`")]
    Closed {
        /// The name the wait was given.
        what: String,
    },
}

// ANCHOR: right
/// RIGHT: the wait has a name and a budget, and fails when the budget runs out.
///
/// # Errors
/// [`ConfigError`] (outer) when `budget` is zero or longer than [`config::MAX_DURATION`];
/// [`NoReply`] (inner) when the budget ran out or the service closed its channel.
///
/// # Cancel safety
/// Cancel-safe: a dropped wait loses no reply.
pub async fn reply_within(
    replies: &mut mpsc::Receiver<String>,
    what: &str,
    budget: Duration,
) -> Result<Result<String, NoReply>, ConfigError> {
    let budget = config::duration("budget", budget)?;
    Ok(match tokio::time::timeout(budget, replies.recv()).await {
        Ok(Some(reply)) => Ok(reply),
        Ok(None) => Err(NoReply::Closed {
            what: what.to_owned(),
        }),
        Err(_elapsed) => Err(NoReply::TimedOut {
            what: what.to_owned(),
            budget,
        }),
    })
}
// ANCHOR_END: right
