//! The code editor: a plain `<textarea>` (native typing, selection, undo, IME, screen
//! readers and Playwright's `fill()` all keep working) over a highlighted copy of its text,
//! with a gutter of line numbers and ✓/✗ marks. The copy is drawn with the same font and
//! metrics, so its colours, squiggles and marks line up with the text the user edits; the
//! textarea's own text is transparent. No library: the whole editor is this file and a
//! few lines of CSS, where CodeMirror would be a second bundle.

use yew::prelude::*;

/// How to colour the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// JSON: keys, strings, numbers, literals.
    Json,
    /// Terraform (HCL): strings and comments.
    Hcl,
    /// No colours (a raw JWT: its base64 is not made of tokens).
    Plain,
}

impl Language {
    /// JSON when the text starts like JSON, HCL otherwise.
    pub fn guess(text: &str) -> Language {
        if text.trim_start().starts_with(['{', '[', '"']) || text.trim().is_empty() {
            Language::Json
        } else {
            Language::Hcl
        }
    }
}

/// A wavy underline under a byte range, with what it says (shown as a tooltip).
#[derive(Debug, Clone, PartialEq)]
pub struct Squiggle {
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// `error` or `warning`.
    pub kind: &'static str,
    /// The message.
    pub message: String,
}

/// A ✓/✗ in the gutter at a line: a statement or condition of the trace, which it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// 1-based line.
    pub line: u32,
    /// Whether it passed.
    pub ok: bool,
    /// What it stands for, for the button's accessible name ("condition StringLike …:sub").
    pub label: String,
    /// The `id` of the trace row it opens.
    pub target: String,
}

/// One run of text with the classes it is drawn with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Byte range.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// Token class (`tok-key`, `tok-string`...), or empty.
    pub token: &'static str,
    /// Squiggle class (`squiggle error`...), or empty.
    pub squiggle: &'static str,
}

/// The token runs of `text`: (start, end, class). Unterminated strings run to the end of
/// their line, so a half-typed document still colours sensibly.
fn tokens(text: &str, language: Language) -> Vec<(usize, usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    if language == Language::Plain {
        return out;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (language, b) {
            (_, b'"') => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // Past the closing quote; an unterminated string stops before the newline.
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                }
                i = i.min(bytes.len());
                // A string followed by `:` (JSON) or `=` (HCL) is a key.
                let mut j = i;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
                    j += 1;
                }
                let key = match language {
                    Language::Json => bytes.get(j) == Some(&b':'),
                    Language::Hcl | Language::Plain => bytes.get(j) == Some(&b'='),
                };
                out.push((start, i, if key { "tok-key" } else { "tok-string" }));
            }
            (Language::Plain, _) => i += 1,
            (Language::Json, b'-' | b'0'..=b'9') => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push((start, i, "tok-number"));
            }
            (Language::Json, b't' | b'f' | b'n') => {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = &text[start..i];
                if matches!(word, "true" | "false" | "null") {
                    out.push((start, i, "tok-literal"));
                }
            }
            (Language::Hcl, b'#') => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                out.push((start, i, "tok-comment"));
            }
            (Language::Hcl, b'/') if bytes.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                out.push((start, i, "tok-comment"));
            }
            _ => i += 1,
        }
    }
    out
}

/// The text cut into runs that each have one token class and one squiggle, in order and
/// covering every byte: what the highlighted copy draws.
pub fn segments(text: &str, language: Language, squiggles: &[Squiggle]) -> Vec<Segment> {
    let tokens = tokens(text, language);
    let len = text.len();
    // Each squiggle's range inside the text; a point (an error "here") covers one character.
    let ranges: Vec<(usize, usize)> = squiggles
        .iter()
        .map(|q| {
            // Offsets come from the engine, on character boundaries; a stray one is moved
            // back to the boundary before it rather than sliced through.
            let mut start = q.start.min(len);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let end = if q.end > q.start {
                q.end.min(len)
            } else if start == len {
                // "Unexpected end": the point is past the last character, which is the
                // one to underline.
                start -= text[..start].chars().next_back().map_or(0, char::len_utf8);
                len
            } else {
                text[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8())
            };
            (start, end)
        })
        .collect();
    // Every place a class starts or stops, on character boundaries.
    let mut cuts: Vec<usize> = vec![0, len];
    for (s, e, _) in &tokens {
        cuts.extend([*s, *e]);
    }
    for (s, e) in &ranges {
        cuts.extend([*s, *e]);
    }
    cuts.retain(|&c| text.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    let mut t = 0;
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        while t < tokens.len() && tokens[t].1 <= start {
            t += 1;
        }
        let token = tokens
            .get(t)
            .filter(|(s, e, _)| *s <= start && end <= *e)
            .map_or("", |(_, _, c)| *c);
        // Errors over warnings where they overlap.
        let squiggle = squiggles
            .iter()
            .zip(&ranges)
            .filter(|(_, (s, e))| *s <= start && end <= *e)
            .map(|(q, _)| q)
            .min_by_key(|q| if q.kind == "error" { 0 } else { 1 });
        out.push(Segment {
            start,
            end,
            token,
            squiggle: squiggle.map_or("", |q| {
                if q.kind == "error" {
                    "squiggle error"
                } else {
                    "squiggle warning"
                }
            }),
        });
    }
    out
}

/// The editor's properties.
#[derive(Properties, PartialEq, Debug)]
pub struct EditorProps {
    /// The textarea's id (for the `<label for>`).
    pub id: AttrValue,
    /// Its `data-testid`.
    pub testid: AttrValue,
    /// The text.
    pub value: AttrValue,
    /// Called with the new text on every edit.
    pub oninput: Callback<String>,
    /// The textarea, for selecting a span from outside.
    #[prop_or_default]
    pub node: NodeRef,
    /// How to colour it.
    pub language: Language,
    /// Underlined ranges.
    #[prop_or_default]
    pub squiggles: Vec<Squiggle>,
    /// Gutter marks.
    #[prop_or_default]
    pub marks: Vec<Mark>,
    /// Marks the textarea invalid (border, `aria-invalid`).
    #[prop_or_default]
    pub invalid: bool,
    /// The id of what describes it (its diagnostics).
    pub describedby: AttrValue,
    /// Visible rows.
    pub rows: u32,
    /// Shown, selectable and copyable, but not editable (the Generate view's artefacts).
    #[prop_or_default]
    pub readonly: bool,
}

/// The editor: gutter, highlighted copy, textarea.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let backdrop = use_node_ref();
    let gutter = use_node_ref();
    let textarea = props.node.clone();
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(area.value());
        })
    };
    // The copy and the line numbers scroll with the text.
    let sync = {
        let (backdrop, gutter, textarea) = (backdrop.clone(), gutter.clone(), textarea.clone());
        move || {
            let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() else {
                return;
            };
            if let Some(b) = backdrop.cast::<web_sys::Element>() {
                b.set_scroll_top(area.scroll_top());
                b.set_scroll_left(area.scroll_left());
            }
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(area.scroll_top());
            }
        }
    };
    let onscroll = {
        let sync = sync.clone();
        Callback::from(move |_: Event| sync())
    };
    // After a render too: a reveal or a new value may have scrolled the textarea.
    use_effect(sync);

    let text = props.value.as_str();
    let lines = text.split('\n').count().max(1);
    let segments = segments(text, props.language, &props.squiggles);
    // The squiggles' messages on their lines' numbers: the copy under the textarea cannot
    // be hovered.
    let mut messages: Vec<Vec<&str>> = vec![Vec::new(); lines + 1];
    for q in &props.squiggles {
        let line = text.as_bytes()[..q.start.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        if let Some(slot) = messages.get_mut(line) {
            slot.push(&q.message);
        }
    }
    let mut marks: Vec<Option<&Mark>> = vec![None; lines + 1];
    for m in &props.marks {
        // The first mark of a line wins: a statement's line before its conditions'.
        if let Some(slot) = marks.get_mut(m.line as usize) {
            slot.get_or_insert(m);
        }
    }
    html! {
        <div class="code-editor">
            <div class="gutter" ref={gutter}>
                for line in 1..=lines {
                    <div class={classes!("gutter-line", messages.get(line).is_some_and(|m| !m.is_empty()).then_some("flagged"))}
                        title={messages.get(line).filter(|m| !m.is_empty()).map(|m| m.join("\n"))}>
                        if let Some(m) = marks.get(line).copied().flatten() {
                            { mark_button(m) }
                        }
                        <span class="line-number" aria-hidden="true">{ line }</span>
                    </div>
                }
                <div class="gutter-end" aria-hidden="true" />
            </div>
            <div class="surface">
                <pre class="code backdrop" ref={backdrop} aria-hidden="true" data-testid={format!("{}-highlight", props.testid)}>
                    for s in segments.iter() {
                        if s.token.is_empty() && s.squiggle.is_empty() {
                            { &text[s.start..s.end] }
                        } else {
                            <span class={classes!(s.token, s.squiggle)}>{ &text[s.start..s.end] }</span>
                        }
                    }
                    // A final newline in a textarea opens a line the copy must have too.
                    { " " }
                </pre>
                <textarea id={props.id.clone()} ref={textarea} data-testid={props.testid.clone()}
                    class={classes!("code", "editable", props.invalid.then_some("invalid"))}
                    spellcheck="false" autocomplete="off" autocapitalize="off" rows={props.rows.to_string()} wrap="off"
                    aria-invalid={props.invalid.to_string()} aria-describedby={props.describedby.clone()}
                    readonly={props.readonly}
                    value={props.value.clone()} {oninput} {onscroll} />
            </div>
        </div>
    }
}

/// A gutter ✓/✗ that opens its trace row (unfolding it) and moves focus there.
fn mark_button(m: &Mark) -> Html {
    let target = m.target.clone();
    let onclick = Callback::from(move |_: MouseEvent| open_row(&target));
    let (sign, class, word) = if m.ok {
        ("✓", "pass", "passes")
    } else {
        ("✗", "fail", "fails")
    };
    html! {
        // Out of the Tab order: the trace rows they open are reachable there already, and a
        // large policy would put dozens of stops before the text itself.
        <button type="button" tabindex="-1" class={classes!("gutter-mark", class)} {onclick}
            aria-label={format!("{} {word}: show it in the trace", m.label)} data-testid="gutter-mark"
            data-result={class} data-target={m.target.clone()}>
            { sign }
        </button>
    }
}

/// Scrolls trace row `id` into view, unfolding what hides it, and focuses it.
fn open_row(id: &str) {
    use wasm_bindgen::JsCast;
    let Some(row) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    let mut parent = row.parent_element();
    while let Some(p) = parent {
        if p.tag_name().eq_ignore_ascii_case("details") {
            let _ = p.set_attribute("open", "");
        }
        parent = p.parent_element();
    }
    if let Ok(row) = row.dyn_into::<web_sys::HtmlElement>() {
        let _ = row.focus();
        row.scroll_into_view_with_bool(false);
        let _ = row.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(
        text: &str,
        language: Language,
        squiggles: &[Squiggle],
    ) -> Vec<(String, &'static str, &'static str)> {
        segments(text, language, squiggles)
            .into_iter()
            .map(|s| (text[s.start..s.end].to_string(), s.token, s.squiggle))
            .collect()
    }

    #[test]
    fn segments_cover_the_text_exactly_and_classify_json() {
        let text =
            "{\n  \"Version\": \"2012-10-17\", \"n\": -1.5e3, \"ok\": true,\n  \"é\": null }";
        let all = segments(text, Language::Json, &[]);
        let joined: String = all.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(joined, text);
        let d = drawn(text, Language::Json, &[]);
        let class = |t: &str| d.iter().find(|(s, _, _)| s == t).map(|(_, c, _)| *c);
        assert_eq!(class("\"Version\""), Some("tok-key"));
        assert_eq!(class("\"2012-10-17\""), Some("tok-string"));
        assert_eq!(class("-1.5e3"), Some("tok-number"));
        assert_eq!(class("true"), Some("tok-literal"));
        assert_eq!(class("\"é\""), Some("tok-key"));
    }

    #[test]
    fn squiggles_split_tokens_and_errors_win() {
        let text = "{\"Effect\": \"Alow\"}";
        let q = |start, end, kind| Squiggle {
            start,
            end,
            kind,
            message: String::new(),
        };
        let d = drawn(
            text,
            Language::Json,
            &[q(11, 17, "warning"), q(12, 14, "error")],
        );
        assert!(
            d.contains(&("Al".into(), "tok-string", "squiggle error")),
            "{d:?}"
        );
        assert!(
            d.contains(&("ow\"".into(), "tok-string", "squiggle warning")),
            "{d:?}"
        );
        // A point (empty range) still underlines one character; ranges past the end are cut.
        let d = drawn(
            text,
            Language::Json,
            &[q(17, 17, "error"), q(16, 99, "warning")],
        );
        assert_eq!(d.last(), Some(&("}".into(), "", "squiggle error")));
        // A point at the very end ("unexpected end of input") underlines the last character;
        // an offset inside a character is moved to its start.
        let d = drawn("{\"é\"", Language::Json, &[q(5, 5, "error")]);
        assert_eq!(
            d.last(),
            Some(&("\"".into(), "tok-string", "squiggle error"))
        );
        let d = drawn("\"é\"", Language::Json, &[q(2, 3, "error")]);
        assert!(
            d.iter().any(|(t, _, q)| t == "é" && *q == "squiggle error"),
            "{d:?}"
        );
    }

    #[test]
    fn hcl_and_half_typed_text_colour_sensibly() {
        let text = "resource \"aws_iam_role\" \"x\" {\n  # trust\n  name = \"unterminated\n}";
        let d = drawn(text, Language::Hcl, &[]);
        assert!(d.contains(&("# trust".into(), "tok-comment", "")));
        assert!(d.contains(&("\"unterminated".into(), "tok-string", "")));
        assert_eq!(Language::guess(text), Language::Hcl);
        assert_eq!(Language::guess("  {"), Language::Json);
        // A raw JWT is not tokenised: its digits are not numbers.
        assert!(segments("eyJ1.eyJ2.c2ln", Language::Plain, &[])
            .iter()
            .all(|s| s.token.is_empty()));
        let joined: String = segments(text, Language::Hcl, &[])
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(joined, text);
    }
}
