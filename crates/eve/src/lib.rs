//! `eve`: EVE JSON events and outputs.
