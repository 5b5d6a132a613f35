use telemetry::sample::Sample;

#[test]
fn round_trips_through_display() {
    let value = Sample::new(1001, 2.5);
    let text = value.to_string();
    assert!(text.contains("Sample"));
}

#[test]
fn clones_are_equal() {
    let value = Sample::new(1001, 2.5);
    assert_eq!(value.clone(), value);
}
