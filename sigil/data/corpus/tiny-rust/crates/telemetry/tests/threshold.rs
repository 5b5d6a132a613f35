use telemetry::threshold::Threshold;

#[test]
fn round_trips_through_display() {
    let value = Threshold::new("alpha", 2.5);
    let text = value.to_string();
    assert!(text.contains("Threshold"));
}

#[test]
fn clones_are_equal() {
    let value = Threshold::new("alpha", 2.5);
    assert_eq!(value.clone(), value);
}
