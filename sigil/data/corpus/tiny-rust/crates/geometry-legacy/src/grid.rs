
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    columns: u32,
    rows: u32,
}

impl Grid {
    pub fn new(columns: u32, rows: u32) -> Self {
        Self { columns, rows }
    }

    pub fn columns(&self) -> u32 {
        self.columns
    }

    pub fn rows(&self) -> u32 {
        self.rows
    }

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseGridError {
    FieldCount(usize),
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
