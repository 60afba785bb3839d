#[tokio::main]
async fn main() {
    let names = vec!["ada".to_owned(), "grace".to_owned()];
    let handle = tokio::spawn(async {
        println!("{} names", names.len());
    });
    handle.await.unwrap();
}
