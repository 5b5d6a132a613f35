//! A tiny `{name}` template renderer.

use std::collections::HashMap;
use std::fmt;

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// A `{` was never closed.
    Unclosed(usize),
    /// A placeholder named a value that was not supplied.
    Missing(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unclosed(at) => write!(f, "unclosed '{{' at byte {at}"),
            Self::Missing(name) => write!(f, "no value for {{{name}}}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Replaces every `{name}` in `template` with its value; `{{` and `}}` stand for literal braces.
pub fn render(template: &str, values: &HashMap<&str, String>) -> Result<String, RenderError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find(['{', '}']) {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push(if tail.starts_with('{') { '{' } else { '}' });
            rest = &tail[2..];
            offset += open + 2;
            continue;
        }
        let close = tail.find('}').ok_or(RenderError::Unclosed(offset + open))?;
        let name = &tail[1..close];
        let value = values.get(name).ok_or_else(|| RenderError::Missing(name.to_string()))?;
        out.push_str(value);
        rest = &tail[close + 1..];
        offset += open + close + 1;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> HashMap<&'static str, String> {
        HashMap::from([("name", "world".to_string())])
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(render("hello {name}", &values()).unwrap(), "hello world");
    }

    #[test]
    fn keeps_escaped_braces() {
        // an unbalanced brace in a raw string and in a char literal: r"}" and '}'
        let template = r"{{literal}} {name}";
        assert_eq!(render(template, &values()).unwrap(), "{literal} world");
        assert_eq!('}', '}');
    }

    #[test]
    fn reports_missing_values() {
        let error = render("{other}", &values()).unwrap_err();
        assert_eq!(error, RenderError::Missing("other".into()));
    }
}
