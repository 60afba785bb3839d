//! Which input a spawned task came from: the bookkeeping that `spawn_all`, `spawn_as_completed`,
//! `spawn_first_ok` and `TaskGroup` share.
//!
//! A `JoinSet` gives a task's output back with nothing else, and a failed join (a panic, an
//! abort) gives back only the task's [`Id`]. To report *which* input failed, each of those
//! helpers records the ids in spawn order; the position of an id in that list is the input's
//! index.

use tokio::task::{Id, JoinError};

use crate::task::TaskFailed;

/// Task ids in spawn order.
///
/// `Default` is written out, not derived: a derived one would start with `increasing: false`
/// and send every lookup down the linear scan.
#[derive(Debug)]
pub(crate) struct Positions {
    ids: Vec<Id>,
    // Tokio numbers tasks from a counter, so spawn order is id order and a binary search finds
    // a position. Ids are documented only as unique, though: if they ever arrive out of order,
    // lookups fall back to a linear scan.
    increasing: bool,
}

impl Default for Positions {
    fn default() -> Positions {
        Positions::with_capacity(0)
    }
}

impl Positions {
    /// Room for `capacity` ids.
    pub(crate) fn with_capacity(capacity: usize) -> Positions {
        Positions {
            ids: Vec::with_capacity(capacity),
            increasing: true,
        }
    }

    /// Records the next spawned task and returns its position.
    pub(crate) fn push(&mut self, id: Id) -> usize {
        if self.ids.last().is_some_and(|&last| last >= id) {
            self.increasing = false;
        }
        self.ids.push(id);
        self.ids.len() - 1
    }

    /// How many tasks were recorded.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The position of the task `id`.
    ///
    /// # Panics
    /// When `id` was never recorded: a join set only gives back ids of tasks spawned on it, and
    /// every spawn on the sets these positions describe is recorded.
    pub(crate) fn of(&self, id: Id) -> usize {
        let found = if self.increasing {
            self.ids.binary_search(&id).ok()
        } else {
            self.ids.iter().position(|&recorded| recorded == id)
        };
        found.expect("every joined task was recorded when it was spawned")
    }

    /// Why the task behind `error` gave no output, with its position.
    pub(crate) fn failed(&self, error: JoinError) -> TaskFailed {
        TaskFailed::from_join_error(self.of(error.id()), error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::task::JoinSet;

    fn spawn_ids(set: &mut JoinSet<()>, n: usize) -> Vec<Id> {
        (0..n).map(|_| set.spawn(async {}).id()).collect()
    }

    #[tokio::test]
    async fn positions_follow_spawn_order() {
        let mut set = JoinSet::new();
        let ids = spawn_ids(&mut set, 50);
        let mut positions = Positions::default();
        for (index, &id) in ids.iter().enumerate() {
            assert_eq!(positions.push(id), index);
        }
        assert!(positions.increasing, "{ids:?}");
        for (index, &id) in ids.iter().enumerate() {
            assert_eq!(positions.of(id), index);
        }
    }

    #[tokio::test]
    async fn positions_survive_ids_out_of_order() {
        let mut set = JoinSet::new();
        let mut ids = spawn_ids(&mut set, 50);
        ids.reverse();
        let mut positions = Positions::with_capacity(ids.len());
        for &id in &ids {
            positions.push(id);
        }
        assert!(!positions.increasing);
        assert_eq!(positions.len(), 50);
        for (index, &id) in ids.iter().enumerate() {
            assert_eq!(positions.of(id), index);
        }
    }

    #[tokio::test]
    async fn a_failed_join_is_classified_with_its_position() {
        let mut set = JoinSet::new();
        let mut positions = Positions::default();
        positions.push(set.spawn(std::future::pending::<()>()).id());
        positions.push(set.spawn(async { panic!("member 1 fails") }).id());
        let panicked = set.join_next().await.expect("one task ends").unwrap_err();
        assert!(matches!(
            positions.failed(panicked),
            TaskFailed::Panicked { index: 1, .. }
        ));
        set.abort_all();
        let aborted = set.join_next().await.expect("the other ends").unwrap_err();
        assert!(matches!(
            positions.failed(aborted),
            TaskFailed::Cancelled { index: 0 }
        ));
    }
}
