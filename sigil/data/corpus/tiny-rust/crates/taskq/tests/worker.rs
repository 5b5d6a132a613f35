use taskq::worker::Worker;

#[test]
fn round_trips_through_display() {
    let value = Worker::new(42, "alpha", 443);
    let text = value.to_string();
    assert!(text.contains("Worker"));
}

#[test]
fn clones_are_equal() {
    let value = Worker::new(42, "alpha", 443);
    assert_eq!(value.clone(), value);
}
