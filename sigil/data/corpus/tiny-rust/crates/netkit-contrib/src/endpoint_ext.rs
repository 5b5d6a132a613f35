//! A host and port to connect to: the `EndpointSet` type.

use std::fmt;

/// A host and port to connect to.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSet {
    host: String,
    port: u16,
}

impl EndpointSet {
    /// Creates a `EndpointSet` from its parts.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self { host: host.into(), port }
    }

    /// Returns the host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Returns the port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Returns a copy with the port replaced.
    #[must_use]
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

impl fmt::Display for EndpointSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EndpointSet({}, {})", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = EndpointSet::new("alpha", 443);
        assert_eq!(item.host(), "alpha");
    }

    #[test]
    fn display_is_braced() {
        let text = EndpointSet::new("alpha", 443).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("EndpointSet("), "unexpected {} in {text}", '}');
    }
}
