//! The one error type of the catalog: where (a path into the input) and what.
//!
//! Invariant: `path` names the exact place of the fault, in the form
//! `facts/<provider>.json: models[3].price.input`, `catalog.json: models[12].quality.code`
//! or `overrides: update[0].id`, so a human can go straight to the line.

use std::fmt;

/// A validation or parse failure, naming the exact path of the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    path: String,
    message: String,
}

impl CatalogError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }

    /// Where the fault is, e.g. `facts/openai.json: models[3].price.input`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// Builds paths such as `facts/openai.json: models[3].price.input` without
/// repeating the file label everywhere.
#[derive(Debug, Clone)]
pub(crate) struct At<'a> {
    file: &'a str,
    field: String,
}

impl<'a> At<'a> {
    pub(crate) fn file(file: &'a str) -> Self {
        Self {
            file,
            field: String::new(),
        }
    }

    /// A child field: `.name`, or the first field without a dot.
    pub(crate) fn key(&self, name: &str) -> Self {
        let field = if self.field.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.field)
        };
        Self {
            file: self.file,
            field,
        }
    }

    /// An array element of a named field: `models[3]`.
    pub(crate) fn index(&self, name: &str, i: usize) -> Self {
        self.key(&format!("{name}[{i}]"))
    }

    /// An element of this field when it is itself an array: `capabilities[2]`.
    pub(crate) fn elem(&self, i: usize) -> Self {
        Self {
            file: self.file,
            field: format!("{}[{i}]", self.field),
        }
    }

    pub(crate) fn path(&self) -> String {
        if self.field.is_empty() {
            self.file.to_string()
        } else {
            format!("{}: {}", self.file, self.field)
        }
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> CatalogError {
        CatalogError::new(self.path(), message)
    }
}
