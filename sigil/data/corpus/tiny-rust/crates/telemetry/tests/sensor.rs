use telemetry::sensor::Sensor;

#[test]
fn round_trips_through_display() {
    let value = Sensor::new(42, "alpha", 2.5);
    let text = value.to_string();
    assert!(text.contains("Sensor"));
}

#[test]
fn clones_are_equal() {
    let value = Sensor::new(42, "alpha", 2.5);
    assert_eq!(value.clone(), value);
}
