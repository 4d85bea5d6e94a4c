//! `sense`: built-in detectors that need no rules.
