//! Protocol detection by content (Suricata's probing parsers and patterns), ports only as hints.
