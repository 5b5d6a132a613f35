use telemetry::histogram::Histogram;

#[test]
fn round_trips_through_display() {
    let value = Histogram::new("alpha", 443, 1001);
    let text = value.to_string();
    assert!(text.contains("Histogram"));
}

#[test]
fn clones_are_equal() {
    let value = Histogram::new("alpha", 443, 1001);
    assert_eq!(value.clone(), value);
}
