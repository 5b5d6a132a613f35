use taskq::retry_policy::RetryPolicy;

#[test]
fn round_trips_through_display() {
    let value = RetryPolicy::new(42, 1001);
    let text = value.to_string();
    assert!(text.contains("RetryPolicy"));
}

#[test]
fn clones_are_equal() {
    let value = RetryPolicy::new(42, 1001);
    assert_eq!(value.clone(), value);
}
