//! On a current-thread runtime tasks take turns only at an `.await` that suspends; each flavor
//! reports itself.

use primer::runtimes::{flavors, interleave};

#[tokio::test(start_paused = true)]
async fn yield_now_lets_the_other_task_run() {
    let with = interleave(true, |_| {}).await;
    assert_eq!(with, ["a1", "b1", "b2", "a2", "a3", "b3"]);
    let without = interleave(false, |_| {}).await;
    assert_eq!(without, ["a1", "a2", "a3", "b1", "b2", "b3"]);
}

#[test]
fn each_flavor_says_what_it_is() {
    let [current, multi] = flavors(3).expect("the OS gives us 3 threads");
    assert_eq!(current, ("CurrentThread".to_owned(), 1));
    assert_eq!(multi, ("MultiThread".to_owned(), 3));
}
