
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    category: String,
    limit_cents: i64,
    spent_cents: i64,
}

impl Budget {
    pub fn new(category: impl Into<String>, limit_cents: i64, spent_cents: i64) -> Self {
        Self { category: category.into(), limit_cents, spent_cents }
    }

    pub fn category(&self) -> &str {
        &self.category
    }

    pub fn limit_cents(&self) -> i64 {
        self.limit_cents
    }

    pub fn spent_cents(&self) -> i64 {
        self.spent_cents
    }

    #[must_use]
    pub fn with_spent_cents(mut self, spent_cents: i64) -> Self {
        self.spent_cents = spent_cents;
        self
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Budget({}, {}, {})", self.category, self.limit_cents, self.spent_cents)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseBudgetError {
    FieldCount(usize),
    InvalidField(&'static str),
}

impl fmt::Display for ParseBudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 3 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParseBudgetError {}

impl FromStr for Budget {
    type Err = ParseBudgetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 3 {
            return Err(ParseBudgetError::FieldCount(parts.len()));
        }
        let category = parts[0].to_string();
        let limit_cents = parts[1]
            .parse::<i64>()
            .map_err(|_| ParseBudgetError::InvalidField("limit_cents"))?;
        let spent_cents = parts[2]
            .parse::<i64>()
            .map_err(|_| ParseBudgetError::InvalidField("spent_cents"))?;
        Ok(Self { category, limit_cents, spent_cents })
    }
}
