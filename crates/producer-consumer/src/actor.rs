//! Actor: a task that owns some state and serves commands from a queue; callers hold a cheap,
//! cloneable handle and get replies on a oneshot channel. The actor stops when the last handle
//! drops.
//!
//! [`Counters`] is the handle: each method sends a command carrying a
//! `tokio::sync::oneshot::Sender` for the reply and awaits the matching receiver. The actor task
//! owns its `BTreeMap` outright, so no lock is needed: commands are applied one at a time in
//! arrival order. The command queue is bounded, so a flood of callers waits instead of piling
//! up. When every handle is dropped, the queue ends and the actor task returns its final state
//! ([`Counters::spawn`] says how to wait for it).
//!
//! There is no `close` or `shutdown(self)` (the workspace's pair for types with background
//! work): the handle is a cheap clone, so one clone's `shutdown` could not stop an actor that
//! other clones still talk to. The last drop is the close; waiting for the actor task is the
//! wait, and it gives what happened (the final state).
//!
//! The lesson: `docs/producer-consumer.md`, section *Actor*.
//!
//! # See also
//! mini-redis's `Db` (a shared `Mutex` instead of an actor) for the other way to share state.

use std::collections::BTreeMap;
use std::fmt;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use basics::config::{self, ConfigError};
use basics::task::TaskFailed;

/// The actor is gone: its task panicked, or its runtime shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the actor has stopped")]
pub struct ActorStopped;

/// Why [`Counters::add`] did not add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddError {
    /// The new count would not fit in an `i64`; the counter keeps its value and the actor
    /// goes on.
    #[error("adding {delta} to {count} overflows; the counter is unchanged")]
    Overflow {
        /// The counter's value, unchanged.
        count: i64,
        /// The delta that was refused.
        delta: i64,
    },
    /// The actor is gone.
    #[error(transparent)]
    Stopped(#[from] ActorStopped),
}

/// The commands the actor understands; each carries where to send its reply.
enum Command {
    Add {
        key: String,
        delta: i64,
        reply: oneshot::Sender<Result<i64, AddError>>,
    },
    Get {
        key: String,
        reply: oneshot::Sender<Option<i64>>,
    },
}

/// A handle to a counters actor; clones talk to the same actor. See the [module docs](self).
///
/// Dropping the last handle stops the actor: its queue ends and it returns its final state.
#[derive(Clone)]
#[must_use = "dropping the last handle stops the actor"]
pub struct Counters {
    commands: mpsc::Sender<Command>,
}

impl Counters {
    // ANCHOR: spawn
    /// Spawns the actor with a command queue of `capacity` and returns a handle, plus the
    /// [`ActorTask`] whose [`join`](ActorTask::join) gives the final counts once every handle
    /// is dropped (or a [`TaskFailed`] if the actor panicked or was cancelled).
    ///
    /// The queue is tokio's `mpsc`, which allocates as commands arrive (in blocks of 32), so a
    /// large `capacity` costs no memory up front.
    ///
    /// # Errors
    /// [`ConfigError::Zero`] when `capacity` is 0, [`ConfigError::TooLarge`] past
    /// [`MAX_CAPACITY`](basics::config::MAX_CAPACITY) (2^20).
    ///
    /// # Panics
    /// When called outside a tokio runtime (it spawns the actor).
    ///
    /// # Examples
    /// ```
    /// use producer_consumer::actor::Counters;
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (counters, actor) = Counters::spawn(8)?;
    /// assert_eq!(counters.add("home", 1).await?, 1);
    /// assert_eq!(counters.add("home", 2).await?, 3);
    /// assert_eq!(counters.get("about").await?, None);
    /// drop(counters); // the last handle: the actor stops
    /// let last = actor.join().await?;
    /// assert_eq!(last["home"], 3);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn(capacity: usize) -> Result<(Counters, ActorTask), ConfigError> {
        let capacity = config::count("capacity", capacity)?;
        let (commands, mut inbox) = mpsc::channel(capacity);
        let actor = tokio::spawn(async move {
            let mut counts = BTreeMap::new();
            // `recv` returns `None` once every handle (every `Sender`) is dropped.
            while let Some(command) = inbox.recv().await {
                match command {
                    Command::Add { key, delta, reply } => {
                        let count: &mut i64 = counts.entry(key).or_insert(0);
                        // Checked: a panic here would end the actor and lose every key's count.
                        let added = match count.checked_add(delta) {
                            Some(sum) => {
                                *count = sum;
                                Ok(sum)
                            }
                            None => Err(AddError::Overflow {
                                count: *count,
                                delta,
                            }),
                        };
                        // The caller may have given up waiting; the add stands either way.
                        let _ = reply.send(added);
                    }
                    Command::Get { key, reply } => {
                        let _ = reply.send(counts.get(&key).copied());
                    }
                }
            }
            counts
        });
        Ok((Counters { commands }, ActorTask { handle: actor }))
    }
    // ANCHOR_END: spawn

    // ANCHOR: add
    /// Adds `delta` to the counter `key` (from 0) and returns the new count.
    ///
    /// # Errors
    /// [`AddError::Overflow`] when the sum does not fit in an `i64` (the counter is unchanged),
    /// [`AddError::Stopped`] when the actor is gone.
    ///
    /// # Cancel safety
    /// Not cancel safe: dropped after the command was queued, the add still happens but its
    /// result is lost.
    pub async fn add(&self, key: &str, delta: i64) -> Result<i64, AddError> {
        let (reply, answer) = oneshot::channel();
        let command = Command::Add {
            key: key.to_owned(),
            delta,
            reply,
        };
        self.commands
            .send(command)
            .await
            .map_err(|_| ActorStopped)?;
        answer.await.map_err(|_| ActorStopped)?
    }
    // ANCHOR_END: add

    /// The counter `key`, or `None` if nothing was ever added to it.
    ///
    /// # Errors
    /// [`ActorStopped`] when the actor is gone.
    ///
    /// # Cancel safety
    /// Cancel safe: a read changes nothing.
    pub async fn get(&self, key: &str) -> Result<Option<i64>, ActorStopped> {
        let (reply, answer) = oneshot::channel();
        let command = Command::Get {
            key: key.to_owned(),
            reply,
        };
        self.commands
            .send(command)
            .await
            .map_err(|_| ActorStopped)?;
        answer.await.map_err(|_| ActorStopped)
    }
}

impl fmt::Debug for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counters")
            .field("closed", &self.commands.is_closed())
            .finish()
    }
}

/// The actor's task, from [`Counters::spawn`]: [`join`](ActorTask::join) waits for it to stop
/// and gives its final counts.
///
/// Dropping it does not stop the actor (the last [`Counters`] handle does); the final counts,
/// or the news that the actor panicked, are then lost.
#[derive(Debug)]
#[must_use = "the actor's final counts, or its panic, come only from `join`"]
pub struct ActorTask {
    handle: JoinHandle<BTreeMap<String, i64>>,
}

impl ActorTask {
    /// Waits for the actor to stop (every [`Counters`] handle dropped) and returns its final
    /// counts.
    ///
    /// # Errors
    /// [`TaskFailed::Panicked`] when the actor panicked (the payload keeps its message),
    /// [`TaskFailed::Cancelled`] when it was aborted or its runtime shut down. The `index` is
    /// always 0: there is one actor.
    ///
    /// # Cancel safety
    /// Dropping the future loses the final counts; the actor runs on regardless.
    pub async fn join(self) -> Result<BTreeMap<String, i64>, TaskFailed> {
        self.handle
            .await
            .map_err(|error| TaskFailed::from_join_error(0, error))
    }

    /// Stops the actor at its next `.await`: its counts are dropped, every later call on a
    /// handle gets [`ActorStopped`], and [`join`](ActorTask::join) gives
    /// [`TaskFailed::Cancelled`] (or the final counts, if it had already stopped).
    pub fn abort(&self) {
        self.handle.abort();
    }

    /// Whether the actor has stopped, so that [`join`](ActorTask::join) returns at once.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_panicking_actor_joins_as_task_failed_with_its_message() {
        // The handlers cannot panic (an overflow is refused with `AddError::Overflow`), so the
        // actor's task is replaced by one that does, to show what `join` gives if one ever did.
        let quiet = testing::QuietPanics::new();
        let actor = ActorTask {
            handle: tokio::spawn(async { panic!("a handler bug") }),
        };
        let joined = actor.join().await;
        drop(quiet);
        let Err(TaskFailed::Panicked { index: 0, payload }) = joined else {
            panic!("expected TaskFailed::Panicked, got {joined:?}");
        };
        assert_eq!(payload.message(), Some("a handler bug"));
    }
}
