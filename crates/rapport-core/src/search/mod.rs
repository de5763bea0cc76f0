//! Search over customers: the query language (plain words, never syntax), the tokenizer's
//! folding redone in Rust, and typo tolerance. Ranking and the list live in
//! `customers/search.rs` and `customers/list.rs`.

pub mod fold;
mod fold_table;
pub mod query;
pub mod typo;
