//! A recurring schedule in seconds: the `Schedule` type and its registry.

use std::fmt;
use std::str::FromStr;

/// A recurring schedule in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    name: String,
    interval_secs: u64,
}

impl Schedule {
    /// Creates a `Schedule` from its parts.
    pub fn new(name: impl Into<String>, interval_secs: u64) -> Self {
        Self { name: name.into(), interval_secs }
    }

    /// Returns the name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the interval secs.
    pub fn interval_secs(&self) -> u64 {
        self.interval_secs
    }

    /// Returns a copy with the interval secs replaced.
    #[must_use]
    pub fn with_interval_secs(mut self, interval_secs: u64) -> Self {
        self.interval_secs = interval_secs;
        self
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({}, {})", self.name, self.interval_secs)
    }
}

/// Why a `Schedule` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseScheduleError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseScheduleError {}

impl FromStr for Schedule {
    type Err = ParseScheduleError;

    /// Parses `name, interval_secs` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseScheduleError::FieldCount(parts.len()));
        }
        let name = parts[0].to_string();
        let interval_secs = parts[1]
            .parse::<u64>()
            .map_err(|_| ParseScheduleError::InvalidField("interval_secs"))?;
        Ok(Self { name, interval_secs })
    }
}

/// An ordered collection of [`Schedule`] values.
#[derive(Debug, Default, Clone)]
pub struct ScheduleRegistry {
    items: Vec<Schedule>,
}

impl ScheduleRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Schedule) {
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

    /// Finds the first item whose name matches.
    pub fn find(&self, name: &str) -> Option<&Schedule> {
        self.items.iter().find(|item| item.name == name)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Schedule> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's interval secs.
    pub fn total_interval_secs(&self) -> u128 {
        self.items.iter().map(|item| item.interval_secs as u128).sum()
    }

    /// Returns the items whose interval secs is at least `minimum`.
    pub fn at_least(&self, minimum: u64) -> impl Iterator<Item = &Schedule> + '_ {
        self.items.iter().filter(move |item| item.interval_secs >= minimum)
    }
}

impl<'a> IntoIterator for &'a ScheduleRegistry {
    type Item = &'a Schedule;
    type IntoIter = std::slice::Iter<'a, Schedule>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Schedule> for ScheduleRegistry {
    fn from_iter<I: IntoIterator<Item = Schedule>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}

/// Returns the first byte of the value's display form without a bounds check.
pub fn first_display_byte(value: &Schedule) -> u8 {
    let text = value.to_string();
    // SAFETY: Display output always starts with the type name, so it is never empty.
    unsafe { *text.as_bytes().get_unchecked(0) }
}
