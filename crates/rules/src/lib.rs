//! `rules`: the Suricata rule language, parsed to a typed AST.
