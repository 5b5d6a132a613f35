use geometry::size::Size;

#[test]
fn round_trips_through_display() {
    let value = Size::new(2.5, 2.5);
    let text = value.to_string();
    assert!(text.contains("Size"));
}

#[test]
fn clones_are_equal() {
    let value = Size::new(2.5, 2.5);
    assert_eq!(value.clone(), value);
}
