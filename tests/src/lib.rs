//! Cross-face tests (filled below).
