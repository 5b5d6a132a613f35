//! Pulling the Rust program out of a model's reply: a ```rust fence, any untagged fence, or the
//! bare text; a fence cut off by the token limit yields what was written before the cut.

/// Fence tags that mean the block is Rust.
const RUST_TAGS: &[&str] = &["rust", "rs"];

/// The code of a model reply. Prefers the first ```rust (or ```rs) block, then the first untagged
/// block, then the whole text. An unclosed fence (truncated output) runs to the end of the text.
pub fn extract_code(text: &str) -> String {
    let blocks = fenced_blocks(text);
    let pick = blocks
        .iter()
        .find(|b| RUST_TAGS.contains(&b.tag.as_str()))
        .or_else(|| blocks.iter().find(|b| b.tag.is_empty()));
    match pick {
        Some(block) => block.body.trim_matches('\n').to_string(),
        None if blocks.is_empty() => text.trim().to_string(),
        // Only blocks in other languages (toml, sh, ...): nothing that is Rust.
        None => String::new(),
    }
}

struct Block {
    tag: String,
    body: String,
}

fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, usize, Vec<&str>)> = None; // tag, fence length, lines
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let ticks = trimmed.bytes().take_while(|&b| b == b'`').count();
        match current.as_mut() {
            None if ticks >= 3 => {
                let info = trimmed[ticks..].trim();
                // The language is the first word of the info string (```rust,ignore → rust).
                let tag = info.split([',', ' ', '{']).next().unwrap_or("").to_ascii_lowercase();
                current = Some((tag, ticks, Vec::new()));
            }
            None => {}
            Some((_, fence, _)) if ticks >= *fence && trimmed[ticks..].trim().is_empty() => {
                let (tag, _, lines) = current.take().expect("inside a block");
                blocks.push(Block { tag, body: lines.join("\n") });
            }
            Some((_, _, lines)) => lines.push(line.strip_suffix('\r').unwrap_or(line)),
        }
    }
    if let Some((tag, _, lines)) = current {
        blocks.push(Block { tag, body: lines.join("\n") });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_rust_fence() {
        let reply = "Here you go:\n```toml\n[dependencies]\n```\n```rust\nfn main() {}\n```\nDone.";
        assert_eq!(extract_code(reply), "fn main() {}");
    }

    #[test]
    fn untagged_fence_and_bare_code() {
        assert_eq!(extract_code("```\nfn main() {}\n```"), "fn main() {}");
        assert_eq!(extract_code("  fn main() {}\n"), "fn main() {}");
    }

    #[test]
    fn truncated_fence_runs_to_the_end() {
        assert_eq!(extract_code("```rust\nfn main() {\n    let x = 1;"), "fn main() {\n    let x = 1;");
    }

    #[test]
    fn nested_backticks_inside_code_do_not_close_a_longer_fence() {
        let reply = "````rust\n/// ```\n/// doc\n/// ```\nfn f() {}\n````";
        assert_eq!(extract_code(reply), "/// ```\n/// doc\n/// ```\nfn f() {}");
    }
}
