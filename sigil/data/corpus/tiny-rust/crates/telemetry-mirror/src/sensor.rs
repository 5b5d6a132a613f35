//! A physical sensor reporting one value: the `Sensor` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A physical sensor reporting one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    id: u32,
    label: String,
    reading: f64,
}

impl Sensor {
    /// Creates a `Sensor` from its parts.
    pub fn new(id: u32, label: impl Into<String>, reading: f64) -> Self {
        Self { id, label: label.into(), reading }
    }

    /// Returns the id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Returns the label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Returns the reading.
    pub fn reading(&self) -> f64 {
        self.reading
    }

    /// Returns a copy with the reading replaced.
    #[must_use]
    pub fn with_reading(mut self, reading: f64) -> Self {
        self.reading = reading;
        self
    }
}

impl fmt::Display for Sensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensor({}, {}, {})", self.id, self.label, self.reading)
    }
}

/// Why a `Sensor` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSensorError {
    /// The input did not have exactly 3 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseSensorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseSensorError {}

impl FromStr for Sensor {
    type Err = ParseSensorError;

    /// Parses `id, label, reading` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseSensorError::FieldCount(parts.len()));
        }
        let id = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseSensorError::InvalidField("id"))?;
        let label = parts[1].to_string();
        let reading = parts[2]
            .parse::<f64>()
            .map_err(|_| ParseSensorError::InvalidField("reading"))?;
        Ok(Self { id, label, reading })
    }
}

/// An ordered collection of [`Sensor`] values.
#[derive(Debug, Default, Clone)]
pub struct SensorRegistry {
    items: Vec<Sensor>,
}

impl SensorRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Sensor) {
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

    /// Finds the first item whose id matches.
    pub fn find(&self, id: u32) -> Option<&Sensor> {
        self.items.iter().find(|item| item.id == id)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Sensor> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's reading.
    pub fn total_reading(&self) -> f64 {
        self.items.iter().map(|item| item.reading).sum()
    }

    /// Returns the item with the largest reading, if any.
    pub fn max_by_reading(&self) -> Option<&Sensor> {
        self.items
            .iter()
            .max_by(|a, b| a.reading.total_cmp(&b.reading))
    }
}

impl<'a> IntoIterator for &'a SensorRegistry {
    type Item = &'a Sensor;
    type IntoIter = std::slice::Iter<'a, Sensor>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Sensor> for SensorRegistry {
    fn from_iter<I: IntoIterator<Item = Sensor>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
