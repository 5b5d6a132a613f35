use textkit::word::Word;

#[test]
fn round_trips_through_display() {
    let value = Word::new("alpha", 42);
    let text = value.to_string();
    assert!(text.contains("Word"));
}

#[test]
fn clones_are_equal() {
    let value = Word::new("alpha", 42);
    assert_eq!(value.clone(), value);
}
