//! Reader comments as the resolve stage leaves them: checked, rendered and placed in their
//! article's thread.

use crate::model::date::Date;

/// A reader comment, checked and rendered, ready for the page.
#[derive(Debug, Clone)]
pub struct Comment {
    /// The file stem; the page anchor is `comment-<id>`.
    pub id: String,
    /// The id of the comment replied to.
    pub parent: Option<String>,
    /// The display name, as typed (escaped when rendered).
    pub author: String,
    pub date: Date,
    /// Only an http(s) address survives to here.
    pub website: Option<String>,
    pub email_hash: Option<String>,
    /// A site author's id, set by the newsroom on staff replies.
    pub author_id: Option<String>,
    /// The sanitised body.
    pub body_html: String,
}

/// One comment in place in its thread.
#[derive(Debug, Clone)]
pub struct Node {
    pub comment: Comment,
    /// Set when the comment sits below the depth cap and so is shown beside, not under, the
    /// comment it answers: that comment's id and author.
    pub reply_to: Option<(String, String)>,
    pub replies: Vec<Node>,
}

/// All comments of one article, as a tree.
#[derive(Debug, Clone, Default)]
pub struct Thread {
    /// Every comment, replies included.
    pub count: usize,
    pub roots: Vec<Node>,
}
