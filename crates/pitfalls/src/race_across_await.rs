//! Race across `.await`: check the state, `.await`, then act on what was checked. At the
//! `.await` another task runs and changes the state, so the act uses a stale value: an update is
//! lost. It happens on one thread, with no data race and nothing for the compiler or clippy to
//! see (asyncio has the same hole at every `await`).
//!
//! The fix makes check and act one step with no `.await` between them (re-check after the
//! `.await`, under one lock), or holds a `tokio::sync::Mutex` across the whole operation. A
//! deterministic interleaving test catches it: two calls under `join!` on tokio's paused clock.
//!
//! The lesson: `docs/pitfalls.md`, section *Race across .await*.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A withdrawal larger than the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("insufficient funds: balance {balance}, asked {amount}")]
pub struct Insufficient {
    /// The balance when the withdrawal was refused.
    pub balance: u64,
    /// What was asked.
    pub amount: u64,
}

/// An account balance. Clones share it.
#[derive(Debug, Clone)]
pub struct Account {
    balance: Arc<Mutex<u64>>,
}

impl Account {
    /// An account holding `balance`.
    pub fn new(balance: u64) -> Account {
        Account {
            balance: Arc::new(Mutex::new(balance)),
        }
    }

    /// The balance now.
    pub fn balance(&self) -> u64 {
        *self.lock()
    }

    fn set(&self, balance: u64) {
        *self.lock() = balance;
    }

    // Each critical section reads or writes one number and never spans an `.await`, so poison
    // is ignored.
    fn lock(&self) -> MutexGuard<'_, u64> {
        self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How long the fraud check of a withdrawal takes, on tokio's clock.
pub const FRAUD_CHECK: Duration = Duration::from_millis(10);

/// Stands in for any `.await` in the middle of the operation.
async fn fraud_check(_amount: u64) {
    tokio::time::sleep(FRAUD_CHECK).await;
}

// ANCHOR: wrong
/// WRONG: checks the balance, awaits the fraud check, then writes `balance - amount` computed
/// from the value read before the `.await`. Returns the new balance.
///
/// # Errors
/// [`Insufficient`] when the balance read at the start is less than `amount`.
pub async fn withdraw_check_then_act(account: &Account, amount: u64) -> Result<u64, Insufficient> {
    let balance = account.balance(); // check
    if balance < amount {
        return Err(Insufficient { balance, amount });
    }
    fraud_check(amount).await; // another withdrawal runs here
    account.set(balance - amount); // act, on a stale balance
    Ok(balance - amount)
}
// ANCHOR_END: wrong

// ANCHOR: right
/// RIGHT: the `.await` comes first; then check and act happen under one lock, with no `.await`
/// between them. Returns the new balance.
///
/// # Errors
/// [`Insufficient`] when the balance is less than `amount` once the fraud check is done.
///
/// # Cancel safety
/// Dropped during the fraud check, nothing is withdrawn.
pub async fn withdraw(account: &Account, amount: u64) -> Result<u64, Insufficient> {
    fraud_check(amount).await;
    let mut balance = account.lock();
    if *balance < amount {
        return Err(Insufficient {
            balance: *balance,
            amount,
        });
    }
    *balance -= amount;
    Ok(*balance)
}
// ANCHOR_END: right
