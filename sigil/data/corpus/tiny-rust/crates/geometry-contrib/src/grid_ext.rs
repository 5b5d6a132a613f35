//! A grid of cells: the `Grid` type and its registry.

use std::fmt;

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

/// An ordered collection of [`Grid`] values.
#[derive(Debug, Default, Clone)]
pub struct GridRegistry {
    items: Vec<Grid>,
}

impl GridRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Grid) {
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

    /// Finds the first item whose columns matches.
    pub fn find(&self, columns: u32) -> Option<&Grid> {
        self.items.iter().find(|item| item.columns == columns)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Grid> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's columns.
    pub fn total_columns(&self) -> u128 {
        self.items.iter().map(|item| item.columns as u128).sum()
    }

    /// Returns the items whose columns is at least `minimum`.
    pub fn at_least(&self, minimum: u32) -> impl Iterator<Item = &Grid> + '_ {
        self.items.iter().filter(move |item| item.columns >= minimum)
    }
}

impl<'a> IntoIterator for &'a GridRegistry {
    type Item = &'a Grid;
    type IntoIter = std::slice::Iter<'a, Grid>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Grid> for GridRegistry {
    fn from_iter<I: IntoIterator<Item = Grid>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
