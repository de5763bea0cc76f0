//! Integration tests of rapport-core against real SQLCipher stores on disk.

mod bindings;
mod customer_detail;
mod customer_list;
mod demo;
mod domain;
mod encryption;
mod followup_rules;
mod hygiene;
mod insight_charts;
mod insights;
mod merge;
mod migrations;
mod notifications;
mod opening;
mod ops;
mod pipeline;
mod scoring;
mod settings;
mod support;
mod today;
