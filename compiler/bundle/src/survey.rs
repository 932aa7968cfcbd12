//! The survey part of the bundle format (`bundle.json` → `surveys`).
//!
//! How the runtime and the notices use it:
//! - a tap on a choice sends the postback [`crate::postback::survey_answer`] (`survey:<id>:<index>`); the runtime
//!   finds the survey by id, journals the answer with [`SurveyChoice::satisfied`], and replies
//!   with [`SurveyEntry::thanks`] (the same reply is also stored under that postback key in
//!   `Bundle::postbacks`, so a runtime without a journal still thanks the parent);
//! - a notice that carries a survey pushes [`SurveyEntry::message`], a ready messages array;
//! - when [`SurveyEntry::followup`] is set, the next text the parent sends is their comment,
//!   answered with [`SurveyEntry::comment_thanks`].

use serde::{Deserialize, Serialize};

use crate::Blob;

/// One survey, as compiled from a page with `survey:` front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyEntry {
    /// The survey id (`[a-z0-9-]+`, unique in the account); keys reports across builds.
    pub id: String,
    /// Content path of the page that defines it.
    pub page: String,
    /// The page title.
    pub title: String,
    /// The question as written.
    pub question: String,
    /// The choices, in button order; an answer is an index into this list.
    pub choices: Vec<SurveyChoice>,
    /// The follow-up prompt sent after an answer, when staff asked for free comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup: Option<String>,
    /// The survey as a messages array without a quick reply (what a notice pushes).
    pub message: Blob,
    /// The reply to an answer: thanks, then the follow-up prompt when set.
    pub thanks: Blob,
    /// The reply to a free comment after the follow-up prompt (only with `followup`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_thanks: Option<Blob>,
}

/// One button of a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyChoice {
    /// The button text (also shown in the chat when tapped).
    pub label: String,
    /// Whether staff count this choice as "satisfied".
    pub satisfied: bool,
}

impl SurveyEntry {
    /// Every blob of the survey, for load-time checks and asset URL rewriting.
    pub fn blobs_mut(&mut self) -> impl Iterator<Item = &mut Blob> {
        [&mut self.message, &mut self.thanks].into_iter().chain(self.comment_thanks.as_mut())
    }

    /// Every blob of the survey with a name for error messages.
    pub fn blobs(&self) -> impl Iterator<Item = (&str, &Blob)> {
        let name = self.id.as_str();
        [(name, &self.message), (name, &self.thanks)]
            .into_iter()
            .chain(self.comment_thanks.as_ref().map(|b| (name, b)))
    }
}
