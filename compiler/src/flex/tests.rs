//! Snapshot tests of the generated Flex JSON.
