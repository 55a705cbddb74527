//! Positions in source text: byte offset, 1-based line and column, and UTF-16 offset.
//!
//! Editors and browsers index strings in UTF-16 while Rust indexes bytes, so every
//! position carries both. A [`LineIndex`] is built once per text and answers each
//! lookup in O(log lines + line length).

use serde::{Deserialize, Serialize};

/// One point in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Byte offset from the start of the text (0-based).
    pub byte: u32,
    /// Line number (1-based).
    pub line: u32,
    /// Column in Unicode scalar values from the start of the line (1-based).
    pub column: u32,
    /// Offset in UTF-16 code units from the start of the text (0-based), for JS editors.
    pub utf16: u32,
}

/// A range of text, from `start` (inclusive) to `end` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First position of the range.
    pub start: Position,
    /// Position just past the range.
    pub end: Position,
}

/// Where something is: an RFC 6901 JSON pointer, and its span in the text when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// JSON pointer into the document, e.g. `/Statement/0/Condition/StringLike`.
    pub pointer: String,
    /// The exact range in the source text, absent for values that were not read from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The file the span is in, when it is not the one the policy was reported under: a
    /// Terraform module's value written in `variables.tf` or `terraform.tfvars`, a policy
    /// read by `file()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Location {
    /// A location with a pointer and no span.
    pub fn pointer_only(pointer: impl Into<String>) -> Self {
        Location {
            pointer: pointer.into(),
            span: None,
            file: None,
        }
    }
}

/// Maps byte offsets of one text to [`Position`]s.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset and UTF-16 offset of the start of every line.
    starts: Vec<(u32, u32)>,
    /// Every byte is one column and one UTF-16 unit: the common case, counted faster.
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![(0u32, 0u32)];
        let ascii = text.is_ascii();
        if ascii {
            for (i, b) in text.bytes().enumerate() {
                if b == b'\n' {
                    starts.push((to_u32(i + 1), to_u32(i + 1)));
                }
            }
        } else {
            let mut utf16 = 0u32;
            for (i, c) in text.char_indices() {
                utf16 = utf16.saturating_add(c.len_utf16() as u32);
                if c == '\n' {
                    starts.push((to_u32(i + 1), utf16));
                }
            }
        }
        LineIndex {
            text,
            starts,
            ascii,
        }
    }

    pub(crate) fn position(&self, byte: usize) -> Position {
        let byte = floor_char_boundary(self.text, byte.min(self.text.len()));
        let line = match self
            .starts
            .binary_search_by(|(b, _)| (*b as usize).cmp(&byte))
        {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (line_start, line_utf16) = self.starts.get(line).copied().unwrap_or((0, 0));
        if self.ascii {
            let column = byte.saturating_sub(line_start as usize);
            return Position {
                byte: to_u32(byte),
                line: to_u32(line + 1),
                column: to_u32(column + 1),
                utf16: to_u32(byte),
            };
        }
        let segment = self.text.get(line_start as usize..byte).unwrap_or("");
        let column = segment.chars().count();
        let utf16: usize = segment.chars().map(char::len_utf16).sum();
        Position {
            byte: to_u32(byte),
            line: to_u32(line + 1),
            column: to_u32(column + 1),
            utf16: line_utf16.saturating_add(to_u32(utf16)),
        }
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.position(start),
            end: self.position(end.max(start)),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    while byte > 0 && !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub(crate) fn push_pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_columns_and_utf16() {
        let text = "ab\né😀x\n";
        let index = LineIndex::new(text);
        let p = index.position(0);
        assert_eq!((p.line, p.column, p.utf16), (1, 1, 0));
        // 'x' sits after 'é' (2 bytes) and '😀' (4 bytes, 2 UTF-16 units).
        let x = text.find('x').unwrap();
        let p = index.position(x);
        assert_eq!((p.line, p.column, p.utf16), (2, 3, 3 + 1 + 2));
    }

    #[test]
    fn ascii_and_general_paths_agree() {
        let text = "{\n  \"a\": 1,\n\n  \"bb\": [true]\n}";
        let fast = LineIndex::new(text);
        let slow = LineIndex {
            ascii: false,
            ..LineIndex::new(text)
        };
        for byte in 0..=text.len() + 2 {
            assert_eq!(fast.position(byte), slow.position(byte), "byte {byte}");
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(push_pointer("/Condition", "a/b~c"), "/Condition/a~1b~0c");
    }
}
