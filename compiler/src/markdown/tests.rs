//! Tests of the Markdown IR.
