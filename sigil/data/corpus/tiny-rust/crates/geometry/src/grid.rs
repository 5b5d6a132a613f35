//! A grid of cells: the `Grid` type.

use std::fmt;
use std::str::FromStr;

/// A grid of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    columns: u32,
    rows: u32,
}

impl Grid {
    /// Creates a `Grid` from its parts.
    pub fn new(columns: u32, rows: u32) -> Self {
        Self { columns, rows }
    }

    /// Returns the columns.
    pub fn columns(&self) -> u32 {
        self.columns
    }

    /// Returns the rows.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Returns a copy with the columns replaced.
    #[must_use]
    pub fn with_columns(mut self, columns: u32) -> Self {
        self.columns = columns;
        self
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Grid({}, {})", self.columns, self.rows)
    }
}

/// Why a `Grid` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseGridError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParseGridError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseGridError {}

impl FromStr for Grid {
    type Err = ParseGridError;

    /// Parses `columns, rows` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParseGridError::FieldCount(parts.len()));
        }
        let columns = parts[0]
            .parse::<u32>()
            .map_err(|_| ParseGridError::InvalidField("columns"))?;
        let rows = parts[1]
            .parse::<u32>()
            .map_err(|_| ParseGridError::InvalidField("rows"))?;
        Ok(Self { columns, rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keeps_fields() {
        let item = Grid::new(42, 42);
        assert_eq!(item.columns(), 42);
    }

    #[test]
    fn display_is_braced() {
        let text = Grid::new(42, 42).to_string();
        // a brace in a string must not end the module: "}"
        assert!(text.starts_with("Grid("), "unexpected {} in {text}", '}');
    }

    #[test]
    fn parses_its_own_fields() {
        let parsed: Grid = "42, 42".parse().expect("valid input");
        assert_eq!(parsed, Grid::new(42, 42));
        assert!("".parse::<Grid>().is_err());
    }
}
