use textkit::style::Style;

#[test]
fn round_trips_through_display() {
    let value = Style::new("alpha", true, 7);
    let text = value.to_string();
    assert!(text.contains("Style"));
}

#[test]
fn clones_are_equal() {
    let value = Style::new("alpha", true, 7);
    assert_eq!(value.clone(), value);
}
