//! Benchmarks of the basics helpers; filled in by the basics work (W1, W8).
fn main() {}
