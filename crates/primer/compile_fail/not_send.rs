use std::rc::Rc;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let handle = tokio::spawn(async {
        let visits = Rc::new(1);
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{visits} visit");
    });
    handle.await.unwrap();
}
