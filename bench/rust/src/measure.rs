//! What a process measures of itself: CPU time and memory, read from `/proc` (Linux only, no
//! extra dependency; `None` elsewhere).

use std::fs;

/// User plus system CPU time of the whole process (every thread, live or exited), in seconds,
/// from fields 14 and 15 of `/proc/self/stat`. Those count clock ticks of `USER_HZ`, which is 100
/// on Linux, so the resolution is 10 ms.
pub fn cpu_seconds() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: start after it.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3, so field 14 (utime) is index 11 and field 15 (stime) index 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// A `kB` line of `/proc/self/status`, e.g. `"VmHWM:"` (peak resident memory) or `"VmRSS:"`
/// (resident memory now), in KiB.
pub fn status_kib(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}
