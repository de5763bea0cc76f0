//! Integration tests of rapport-core against real SQLCipher stores on disk.

mod bindings;
mod customer_detail;
mod customer_list;
mod demo;
mod domain;
mod encryption;
mod erasure;
mod export_formats;
mod followup_rules;
mod import;
mod insight_charts;
mod insights;
mod migrations;
mod notifications;
mod opening;
mod ops;
mod pipeline;
mod raw_pages;
mod restore;
mod scoring;
mod search;
mod settings;
mod support;
mod today;
mod vcard;
