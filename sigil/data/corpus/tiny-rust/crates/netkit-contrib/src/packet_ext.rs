//! A datagram with a sequence number: the `Packet` type and its registry.

use std::fmt;

/// A datagram with a sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    sequence: u32,
    payload_len: u16,
}

impl Packet {
    /// Creates a `Packet` from its parts.
    pub fn new(sequence: u32, payload_len: u16) -> Self {
        Self { sequence, payload_len }
    }

    /// Returns the sequence.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Returns the payload len.
    pub fn payload_len(&self) -> u16 {
        self.payload_len
    }

    /// Returns a copy with the payload len replaced.
    #[must_use]
    pub fn with_payload_len(mut self, payload_len: u16) -> Self {
        self.payload_len = payload_len;
        self
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Packet({}, {})", self.sequence, self.payload_len)
    }
}

/// An ordered collection of [`Packet`] values.
#[derive(Debug, Default, Clone)]
pub struct PacketRegistry {
    items: Vec<Packet>,
}

impl PacketRegistry {
    /// Creates an empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item at the end.
    pub fn push(&mut self, item: Packet) {
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

    /// Finds the first item whose sequence matches.
    pub fn find(&self, sequence: u32) -> Option<&Packet> {
        self.items.iter().find(|item| item.sequence == sequence)
    }

    /// Iterates over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Packet> + '_ {
        self.items.iter()
    }

    /// Returns the sum of every item's payload len.
    pub fn total_payload_len(&self) -> u128 {
        self.items.iter().map(|item| item.payload_len as u128).sum()
    }

    /// Returns the items whose payload len is at least `minimum`.
    pub fn at_least(&self, minimum: u16) -> impl Iterator<Item = &Packet> + '_ {
        self.items.iter().filter(move |item| item.payload_len >= minimum)
    }
}

impl<'a> IntoIterator for &'a PacketRegistry {
    type Item = &'a Packet;
    type IntoIter = std::slice::Iter<'a, Packet>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl FromIterator<Packet> for PacketRegistry {
    fn from_iter<I: IntoIterator<Item = Packet>>(iter: I) -> Self {
        Self { items: iter.into_iter().collect() }
    }
}
