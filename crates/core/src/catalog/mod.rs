//! Model catalog: providers, prices, limits, capabilities.
//! Placeholder; the catalog lands with the routing issue.
