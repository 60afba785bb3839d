//! Actor: a task that owns some state and serves commands from a queue; callers hold a cheap,
//! cloneable handle and get replies on a oneshot channel. The actor stops when the last handle
//! drops.
//!
//! # Python
//! ```python
//! async def counters(inbox):
//!     state = {}
//!     while (command := await inbox.get()) is not None:
//!         op, key, delta, reply = command
//!         state[key] = state.get(key, 0) + delta
//!         reply.set_result(state[key])       # a Future per request
//!
//! reply = asyncio.get_running_loop().create_future()
//! await inbox.put(("add", "home", 1, reply)); print(await reply)
//! ```
//!
//! # Rust
//! [`Counters`] is the handle: each method sends a command carrying a
//! `tokio::sync::oneshot::Sender` for the reply and awaits the matching receiver. The actor task
//! owns its `BTreeMap` outright, so no lock is needed: commands are applied one at a time in
//! arrival order. The command queue is bounded, so a flood of callers waits instead of piling
//! up. When every handle is dropped, the queue ends, the actor returns its final state through
//! the `JoinHandle` [`Counters::spawn`] gave back.
//!
//! # Differences
//! - The state is owned by one task and never shared: the borrow checker, not discipline, keeps
//!   other tasks out.
//! - Shutdown is a drop. No "stop" command is needed, and a forgotten one cannot leave the actor
//!   running.
//! - No `close` or `shutdown(self)` (the workspace's pair for types with background work): the
//!   handle is a cheap clone, so one clone's `shutdown` could not stop an actor that other clones
//!   still talk to. The last drop is the close; awaiting the `JoinHandle` from
//!   [`Counters::spawn`] is the wait, and it returns what happened (the final state).
//! - A caller cancelled while waiting for its reply drops the oneshot receiver; the actor's
//!   reply then fails and is ignored, but the command has been applied.
//!
//! # Pitfalls
//! - A panic in a command handler costs everything: it unwinds the actor's task, which drops
//!   the whole state and the queued commands with it. Every caller waiting for a reply, and
//!   every later call on any key, gets [`ActorStopped`]; the `JoinHandle` gives a `JoinError`
//!   instead of the final state. Contain it by making handlers unable to panic: an operation
//!   that can fail on one input (here `i64` overflow, checked with `checked_add`) replies with
//!   an error to that caller ([`AddError::Overflow`]) and leaves the state as it was, so the
//!   actor and its other keys live on (`an_overflowing_add_is_refused_and_the_actor_lives_on`
//!   in `tests/actor.rs`). Catching the panic per command (`catch_unwind`) would keep the task
//!   alive but may keep a half-updated state; restarting a new actor loses the state unless it
//!   is stored elsewhere.
//! - An actor awaiting a reply from itself (a command handler calling its own handle) deadlocks;
//!   keep handlers synchronous, or spawn.
//! - Holding a handle in the actor's own state keeps it alive forever.
//!
//! # See also
//! mini-redis's `Db` (a shared `Mutex` instead of an actor) for the other way to share state.

use std::collections::BTreeMap;
use std::fmt;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use basics::config::{self, ConfigError};

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
    /// Spawns the actor with a command queue of `capacity` and returns a handle, plus the task
    /// that returns the final counts once every handle is dropped.
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
    /// let last = actor.await?;
    /// assert_eq!(last["home"], 3);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn(
        capacity: usize,
    ) -> Result<(Counters, JoinHandle<BTreeMap<String, i64>>), ConfigError> {
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
        Ok((Counters { commands }, actor))
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
