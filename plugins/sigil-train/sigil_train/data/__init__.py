"""From the data stage's JSONL to packed token rows: encode, chunk, pack, cache, collate."""
