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
