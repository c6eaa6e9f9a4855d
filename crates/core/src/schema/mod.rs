//! Wire types only: one module per API schema, serde structs and enums with
//! no logic. Translators in `translate/` decide what the fields mean.
//!
//! Types a gateway *reads* borrow from the body (`Cow<str>`, `&RawValue`) so
//! that parsing copies almost nothing; types it *writes* borrow from what was
//! read.

pub mod anthropic;
pub mod bedrock;
pub mod gemini;
pub mod gemini_embed;
pub mod openai;
pub mod openai_embed;
