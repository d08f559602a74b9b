//! A refused form's answer: what is wrong, field by field, in Indonesian. Every slice's forms
//! answer with these, on both sides (the browser checks the same rules before it sends).

use serde::{Deserialize, Serialize};

/// A problem in a form, by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// What a form posted without the WASM sent when the server refused it. The handler renders
/// the form's page again with this in its context (`web::form_again`): the fields keep what was
/// typed (files cannot be kept: the browser forgets them) and each problem shows in place. Such
/// a page is sent complete as HTML, without the WASM.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Submitted {
    /// The text fields by name (the last of a name counts).
    pub values: std::collections::BTreeMap<String, String>,
    pub problems: Vec<Problem>,
    /// What went wrong with the form as a whole (not one field), if anything.
    pub message: Option<String>,
}

impl Submitted {
    /// What was typed into `field` (empty when nothing).
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }
}
