//! Task recognition (step 3 of the flow): what kind of work a request is.
//! Placeholder; the classifier lands with the routing issue.
