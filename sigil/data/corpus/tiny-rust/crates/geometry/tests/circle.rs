use geometry::circle::Circle;

#[test]
fn round_trips_through_display() {
    let value = Circle::new(2.5, 2.5, 2.5);
    let text = value.to_string();
    assert!(text.contains("Circle"));
}

#[test]
fn clones_are_equal() {
    let value = Circle::new(2.5, 2.5, 2.5);
    assert_eq!(value.clone(), value);
}
