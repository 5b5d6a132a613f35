use textkit::token::Token;

#[test]
fn round_trips_through_display() {
    let value = Token::new("alpha", 12);
    let text = value.to_string();
    assert!(text.contains("Token"));
}

#[test]
fn clones_are_equal() {
    let value = Token::new("alpha", 12);
    assert_eq!(value.clone(), value);
}
