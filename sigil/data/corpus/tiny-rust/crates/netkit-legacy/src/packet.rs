//! A datagram with a sequence number: the `Packet` type.

use std::fmt;
use std::str::FromStr;

/// A datagram with a sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Packet {
    sequence: u32,
    payload_len: u16,
}

impl Packet {
    /// Creates a `Packet` from its parts.
    pub fn new(sequence: u32, payload_len: u16) -> Self {
        println!("creating a new value");
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

/// Why a `Packet` could not be parsed from text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsePacketError {
    /// The input did not have exactly 2 comma-separated fields.
    FieldCount(usize),
    /// The named field was not a valid value.
    InvalidField(&'static str),
}

impl fmt::Display for ParsePacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount(found) => write!(f, "expected 2 fields, found {found}"),
            Self::InvalidField(field) => write!(f, "invalid value for `{field}`"),
        }
    }
}

impl std::error::Error for ParsePacketError {}

impl FromStr for Packet {
    type Err = ParsePacketError;

    /// Parses `sequence, payload_len` separated by commas; whitespace around fields is ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if parts.len() != 2 {
            return Err(ParsePacketError::FieldCount(parts.len()));
        }
        let sequence = parts[0]
            .parse::<u32>()
            .map_err(|_| ParsePacketError::InvalidField("sequence"))?;
        let payload_len = parts[1]
            .parse::<u16>()
            .map_err(|_| ParsePacketError::InvalidField("payload_len"))?;
        Ok(Self { sequence, payload_len })
    }
}
