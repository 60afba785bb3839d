//! The file processor's table rows, on real files in a temporary folder.

mod common;

use concurrency_control::BoundedMap;
use real_world::Gauge;
use real_world::file_processor::{self as fp, lines_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_files_at_most_8_open_every_line_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, total) = fp::make_files(dir.path(), 500).await.unwrap();
    let open = Gauge::new();
    let counts = fp::count_lines(&paths, &BoundedMap::new(8).unwrap(), &open)
        .await
        .unwrap();
    assert_eq!(counts.len(), 500);
    assert!(counts.iter().enumerate().all(|(n, c)| *c == lines_in(n)));
    assert_eq!(counts.iter().sum::<usize>(), total);
    assert!((1..=8).contains(&open.peak()), "{}", open.peak());
    assert_eq!(open.now(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_fs_per_file_is_a_hop_per_call_and_one_spawn_blocking_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, _) = fp::make_files(dir.path(), 500).await.unwrap();
    let (bytes_a, hops_a) = fp::read_each_with_tokio_fs(&paths).await.unwrap();
    let (bytes_b, hops_b) = fp::read_batch_in_spawn_blocking(&paths).await.unwrap();
    assert_eq!(bytes_a, bytes_b);
    assert_eq!((hops_a, hops_b), (500, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_then_rename_never_shows_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.json");
    fp::write_atomically(&results, &fp::results_json(20_000, 1), None)
        .await
        .unwrap();
    let (reads, partial) = fp::rewrite_while_reading(&results, 30).await.unwrap();
    assert!(reads > 0);
    assert_eq!(partial, 0);
    // A crash mid-write leaves the old file as it was.
    let old = tokio::fs::read(&results).await.unwrap();
    let crash = fp::write_atomically(&results, &fp::results_json(20_000, 7), Some(1000)).await;
    assert_eq!(crash.unwrap_err().to_string(), "simulated crash mid-write");
    assert_eq!(tokio::fs::read(&results).await.unwrap(), old);
    // Writing in place, the same crash leaves a half-written file.
    let naive = dir.path().join("naive.json");
    fp::write_in_place(&naive, &fp::results_json(20_000, 1), None)
        .await
        .unwrap();
    let _crash = fp::write_in_place(&naive, &fp::results_json(20_000, 7), Some(1000)).await;
    assert_eq!(tokio::fs::read(&naive).await.unwrap().len(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_streamed_by_lines_keeps_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.txt");
    let size = fp::make_large_file(&large, 200_000).await.unwrap();
    assert_eq!(size, 20_000_000);
    let (lines, growth) = fp::stream_lines(&large).await.unwrap();
    assert_eq!(lines, 200_000);
    assert!(growth < 4_000_000, "memory grew by {growth} bytes");
    // Reading it whole costs at least its size.
    let before = common::rss();
    let whole = tokio::fs::read_to_string(&large).await.unwrap();
    let grown = common::rss().saturating_sub(before);
    assert_eq!(whole.len() as u64, size);
    assert!(grown >= size / 2, "memory grew by {grown} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_removed_mid_run_fails_cleanly_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let (mut paths, _) = fp::make_files(dir.path(), 50).await.unwrap();
    let gone = dir.path().join("gone.txt");
    paths.insert(25, gone);
    let open = Gauge::new();
    let error = fp::count_lines(&paths, &BoundedMap::new(8).unwrap(), &open)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(open.now(), 0, "every file opened was closed");
}

#[test]
fn the_example_runs_under_3_s_and_prints_its_transcript() {
    common::assert_runs_under_3s_and_matches_its_transcript("file_processor");
}
