//! Helpers shared by the test files.

pub(crate) mod child;
