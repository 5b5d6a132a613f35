//! A host and port to connect to: the `Endpoint` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A host and port to connect to.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    host: String,
    port: u16,
}

// TODO: validate inputs before constructing
impl Endpoint {
    /// Creates a `Endpoint` from its parts.
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

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({}, {})", self.host, self.port)
    }
}

/// Why a `Endpoint` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseEndpointError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseEndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseEndpointError {}

impl FromStr for Endpoint {
    type Err = ParseEndpointError;

    /// Parses `host, port` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseEndpointError::FieldCount(parts.len()));
        }
        let host = parts[0].to_string();
        let port = parts[1]
            .parse::<u16>()
            .map_err(|_| ParseEndpointError::InvalidField("port"))?;
        Ok(Self { host, port })
    }
}

/// An ordered collection of [`Endpoint`] values.
#[derive(Debug, Default, Clone)]
pub struct EndpointRegistry {
    items: Vec<Endpoint>,
}

impl EndpointRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Endpoint) {
        self.items.push(item);
    }

    /// Returns how many items the registry holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Returns `true` when the registry holds no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Finds the first item whose host matches.
    pub fn find(&self, host: &str) -> Option<&Endpoint> {
        self.items.iter().find(|item| item.host == host)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Endpoint> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's port.
    pub fn total_port(&self) -> u128 {
        self.items.iter().map(|item| item.port as u128).sum()
    }

    /// Returns the items whose port is at least `minimum`.
    pub fn at_least(&self, minimum: u16) -> impl Iterator<Item = &Endpoint> + '_ {
        self.items.iter().filter(move |item| item.port >= minimum)
    }
}

impl<'a> IntoIterator for &'a EndpointRegistry {
    type Item = &'a Endpoint;
    type IntoIter = std::slice::Iter<'a, Endpoint>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Endpoint> for EndpointRegistry {
    fn from_iter<I: IntoIterator<Item = Endpoint>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
