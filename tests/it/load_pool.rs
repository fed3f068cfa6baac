//! `load` may be called from a rayon pool thread (as `diff` or a caller
//! loading two folders in `rayon::join` would) without deadlocking.

use crate::common;

use dealbook::load::{LoadOptions, load};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn two_loads_inside_join_on_a_two_thread_pool_finish() {
    let root = common::example();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let (a, b) = pool.install(|| {
            rayon::join(
                || load(&root, &LoadOptions::default()),
                || load(&root, &LoadOptions::default()),
            )
        });
        tx.send((a.pipeline.deals.len(), b.pipeline.deals.len()))
            .unwrap();
    });
    let (a, b) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("loading inside rayon::join deadlocked");
    assert_eq!(a, b);
    assert!(a > 100);
}
