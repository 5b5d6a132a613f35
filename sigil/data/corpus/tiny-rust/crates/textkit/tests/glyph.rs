use textkit::glyph::Glyph;

#[test]
fn round_trips_through_display() {
    let value = Glyph::new('x', 1.5);
    let text = value.to_string();
    assert!(text.contains("Glyph"));
}

#[test]
fn clones_are_equal() {
    let value = Glyph::new('x', 1.5);
    assert_eq!(value.clone(), value);
}
