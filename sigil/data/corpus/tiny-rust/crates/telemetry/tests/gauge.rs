use telemetry::gauge::Gauge;

#[test]
fn round_trips_through_display() {
    let value = Gauge::new("alpha", -250);
    let text = value.to_string();
    assert!(text.contains("Gauge"));
}

#[test]
fn clones_are_equal() {
    let value = Gauge::new("alpha", -250);
    assert_eq!(value.clone(), value);
}
