"""``sigil export``: merge a trained adapter into its base model."""
