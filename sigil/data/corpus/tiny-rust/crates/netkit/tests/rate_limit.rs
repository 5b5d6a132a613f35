use netkit::rate_limit::RateLimit;

#[test]
fn round_trips_through_display() {
    let value = RateLimit::new(42, 42);
    let text = value.to_string();
    assert!(text.contains("RateLimit"));
}

#[test]
fn clones_are_equal() {
    let value = RateLimit::new(42, 42);
    assert_eq!(value.clone(), value);
}
