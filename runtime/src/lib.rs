//! The oyako runtime: answers LINE webhooks from a compiled bundle, with no database.

pub mod cli;
