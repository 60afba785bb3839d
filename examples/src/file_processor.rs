//! A file processor: count the lines of many files at most 8 open at once, compare many small
//! `tokio::fs` calls with one `spawn_blocking` batch, write results with write-then-rename, and
//! stream a large file by lines in bounded memory.
//!
//! The narrative (Python, pitfalls, in production) is the section *A file processor* of `docs/real-world.md`.

use std::path::{Path, PathBuf};

use concurrency_control::BoundedMap;
use tokio::io::AsyncBufReadExt;

use crate::support::{Gauge, resident_bytes};

/// Lines in file number `n` of [`make_files`]: 1 to 20.
pub fn lines_in(n: usize) -> usize {
    n % 20 + 1
}

/// Writes `count` files `file-NNNN.txt` into `dir`, file `n` holding [`lines_in`]`(n)` lines;
/// returns their paths and the total line count.
///
/// # Errors
/// When a file cannot be written.
pub async fn make_files(dir: &Path, count: usize) -> std::io::Result<(Vec<PathBuf>, usize)> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut paths = Vec::new();
        let mut total = 0;
        for n in 0..count {
            let path = dir.join(format!("file-{n:04}.txt"));
            let lines: String = (0..lines_in(n))
                .map(|l| format!("file {n} line {l}\n"))
                .collect();
            std::fs::write(&path, lines)?;
            total += lines_in(n);
            paths.push(path);
        }
        Ok((paths, total))
    })
    .await
    .map_err(std::io::Error::other)?
}

// ANCHOR: count_lines
/// Counts the lines of every file, at most `limit` files open at once (`BoundedMap`);
/// `open_files` is the witness: it counts a file from the end of its open to its close.
///
/// # Errors
/// The first file that cannot be read.
pub async fn count_lines(
    paths: &[PathBuf],
    limit: &BoundedMap,
    open_files: &Gauge,
) -> std::io::Result<Vec<usize>> {
    let counts = limit
        .ordered(paths, |path| async move {
            let file = tokio::fs::File::open(path).await?;
            let _open = open_files.enter();
            let mut lines = tokio::io::BufReader::new(file).lines();
            let mut count = 0;
            while lines.next_line().await?.is_some() {
                count += 1;
            }
            Ok::<usize, std::io::Error>(count)
        })
        .await;
    counts.into_iter().collect()
}
// ANCHOR_END: count_lines

// ANCHOR: hops
/// Reads every file with one `tokio::fs::read_to_string` each. Each call is one hop to the
/// blocking pool (tokio runs it as `spawn_blocking(move || std::fs::read_to_string(path))`),
/// so this makes `paths.len()` hops. Returns the total bytes and the hops.
///
/// # Errors
/// The first file that cannot be read.
pub async fn read_each_with_tokio_fs(paths: &[PathBuf]) -> std::io::Result<(usize, usize)> {
    let (mut bytes, mut hops) = (0, 0);
    for path in paths {
        bytes += tokio::fs::read_to_string(path).await?.len();
        hops += 1;
    }
    Ok((bytes, hops))
}

/// Reads every file with `std::fs` inside one `spawn_blocking`: one hop for the whole batch.
///
/// # Errors
/// The first file that cannot be read.
pub async fn read_batch_in_spawn_blocking(paths: &[PathBuf]) -> std::io::Result<(usize, usize)> {
    let paths = paths.to_vec();
    let bytes = tokio::task::spawn_blocking(move || {
        paths
            .iter()
            .map(|path| std::fs::read_to_string(path).map(|text| text.len()))
            .sum::<std::io::Result<usize>>()
    })
    .await
    .map_err(std::io::Error::other)??;
    Ok((bytes, 1))
}
// ANCHOR_END: hops

// ANCHOR: write_atomically
/// Writes `contents` to `path` so a reader sees the old file or the new one, never a part:
/// write a temporary file beside it, flush it to disk, rename it over the old one.
/// `crash_after` simulates a crash after that many bytes of the temporary file (the rename
/// never happens).
///
/// # Errors
/// A write error, or the simulated crash.
pub async fn write_atomically(
    path: &Path,
    contents: &[u8],
    crash_after: Option<usize>,
) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let temporary = path.with_extension("tmp");
    let mut file = tokio::fs::File::create(&temporary).await?;
    if let Some(at) = crash_after {
        file.write_all(&contents[..at.min(contents.len())]).await?;
        file.flush().await?;
        return Err(std::io::Error::other("simulated crash mid-write"));
    }
    file.write_all(contents).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&temporary, path).await
}
// ANCHOR_END: write_atomically

/// The naive write: truncate the file and write into it. `crash_after` as in
/// [`write_atomically`]; a crash leaves a half-written file.
///
/// # Errors
/// A write error, or the simulated crash.
pub async fn write_in_place(
    path: &Path,
    contents: &[u8],
    crash_after: Option<usize>,
) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::File::create(path).await?;
    let end = crash_after.map_or(contents.len(), |at| at.min(contents.len()));
    file.write_all(&contents[..end]).await?;
    file.flush().await?;
    if crash_after.is_some() {
        return Err(std::io::Error::other("simulated crash mid-write"));
    }
    Ok(())
}

/// A results file: `count` numbers as a JSON array (complete only when it parses).
pub fn results_json(count: usize, value: usize) -> Vec<u8> {
    serde_json::to_vec(&vec![value; count]).unwrap_or_default()
}

/// Rewrites `path` `rounds` times with `write_atomically` while a reader reads it as fast as it
/// can; returns (reads, reads that did not parse as complete JSON).
///
/// # Errors
/// A write error.
pub async fn rewrite_while_reading(path: &Path, rounds: usize) -> std::io::Result<(usize, usize)> {
    let stop = tokio_util::sync::CancellationToken::new();
    let reader = {
        let path = path.to_owned();
        let stop = stop.clone();
        tokio::spawn(async move {
            let (mut reads, mut partial) = (0, 0);
            while !stop.is_cancelled() {
                if let Ok(bytes) = tokio::fs::read(&path).await {
                    reads += 1;
                    if serde_json::from_slice::<Vec<usize>>(&bytes).is_err() {
                        partial += 1;
                    }
                }
            }
            (reads, partial)
        })
    };
    for round in 0..rounds {
        write_atomically(path, &results_json(20_000, round), None).await?;
    }
    stop.cancel();
    reader.await.map_err(std::io::Error::other)
}

/// Writes a file of `lines` lines of 100 bytes.
///
/// # Errors
/// When it cannot be written.
pub async fn make_large_file(path: &Path, lines: usize) -> std::io::Result<u64> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for n in 0..lines {
            writeln!(out, "{n:>10} {}", "y".repeat(88))?;
        }
        out.flush()?;
        Ok(std::fs::metadata(&path)?.len())
    })
    .await
    .map_err(std::io::Error::other)?
}

// ANCHOR: stream_lines
/// Streams `path` line by line and returns (lines, the most resident memory grew above its
/// starting value while streaming, sampled every 10 000 lines).
///
/// # Errors
/// When the file cannot be read.
pub async fn stream_lines(path: &Path) -> std::io::Result<(usize, u64)> {
    let start = resident_bytes().unwrap_or(0);
    let mut growth = 0;
    let file = tokio::fs::File::open(path).await?;
    let mut lines = tokio::io::BufReader::new(file).lines();
    let mut count = 0;
    while let Some(_line) = lines.next_line().await? {
        count += 1;
        if count % 10_000 == 0 {
            growth = growth.max(resident_bytes().unwrap_or(0).saturating_sub(start));
        }
    }
    Ok((count, growth))
}
// ANCHOR_END: stream_lines

/// The scenario `cargo run --example file_processor` plays, written to `t`.
///
/// # Errors
/// When the temporary folder or a file cannot be made.
pub async fn scenario(t: &testing::Transcript) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (paths, expected) = make_files(dir.path(), 500).await?;
    t.raw(format!(
        "made 500 files in a temporary folder, {expected} lines in all"
    ));

    let open_files = Gauge::new();
    let counts = count_lines(&paths, &BoundedMap::new(8)?, &open_files).await?;
    let counted: usize = counts.iter().sum();
    let each_right = counts.iter().enumerate().all(|(n, c)| *c == lines_in(n));
    t.raw(format!(
        "counted {counted} lines (every file's count right: {each_right}); at most 8 files open at once: {}",
        open_files.peak() <= 8
    ));

    let (bytes_a, hops_a) = read_each_with_tokio_fs(&paths).await?;
    let (bytes_b, hops_b) = read_batch_in_spawn_blocking(&paths).await?;
    t.raw(format!(
        "tokio::fs::read_to_string per file: {bytes_a} bytes, {hops_a} blocking-pool hops"
    ));
    t.raw(format!(
        "one spawn_blocking reading all with std::fs: {bytes_b} bytes, {hops_b} blocking-pool hop"
    ));

    let results = dir.path().join("results.json");
    write_atomically(&results, &results_json(20_000, 1), None).await?;
    let (reads, partial) = rewrite_while_reading(&results, 30).await?;
    t.raw(format!(
        "30 rewrites by write-then-rename while a reader reads it: {partial} partial reads{}",
        if reads == 0 {
            " (the reader never ran)"
        } else {
            ""
        }
    ));
    let crash = write_atomically(&results, &results_json(20_000, 7), Some(1000)).await;
    let intact = serde_json::from_slice::<Vec<usize>>(&tokio::fs::read(&results).await?).is_ok();
    t.raw(format!(
        "a crash mid-write ({}): the old results.json still parses: {intact}",
        crash.err().map(|e| e.to_string()).unwrap_or_default()
    ));
    let naive = dir.path().join("naive.json");
    write_in_place(&naive, &results_json(20_000, 1), None).await?;
    let _crashed = write_in_place(&naive, &results_json(20_000, 7), Some(1000)).await;
    let naive_ok = serde_json::from_slice::<Vec<usize>>(&tokio::fs::read(&naive).await?).is_ok();
    t.raw(format!(
        "the same crash writing in place: naive.json still parses: {naive_ok}"
    ));

    let large = dir.path().join("large.txt");
    let size = make_large_file(&large, 200_000).await?;
    let (lines, growth) = stream_lines(&large).await?;
    t.raw(format!(
        "streamed a {} MB file by lines: {lines} lines; memory grew by less than 4 MB: {}",
        size / 1_000_000,
        growth < 4_000_000
    ));
    Ok(())
}
