use textkit::span::Span;

#[test]
fn round_trips_through_display() {
    let value = Span::new(12, 12);
    let text = value.to_string();
    assert!(text.contains("Span"));
}

#[test]
fn clones_are_equal() {
    let value = Span::new(12, 12);
    assert_eq!(value.clone(), value);
}
