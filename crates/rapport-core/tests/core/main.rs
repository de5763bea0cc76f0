//! Integration tests of rapport-core against real SQLCipher stores on disk.

mod bindings;
mod domain;
mod encryption;
mod followup_rules;
mod insight_charts;
mod insights;
mod migrations;
mod opening;
mod ops;
mod scoring;
mod support;
mod today;
