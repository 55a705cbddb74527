//! The root component and the few things only a browser has: the clock, the URL
//! fragment, the editor selection. Rendering lives in `view`.

use std::rc::Rc;

use oidc_trust::Span;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::share::{self, Mode};
use crate::state::{Inputs, Msg, State};
use crate::view;

impl Reducible for State {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(self.apply(msg, clock()))
    }
}

/// The browser's time in epoch seconds; none outside a browser (native tests).
fn clock() -> Option<i64> {
    #[cfg(target_arch = "wasm32")]
    {
        Some((js_sys::Date::now() / 1000.0).floor() as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// The page's fragment (`#...`), if any.
fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address without the fragment, for share links.
fn page_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// What the page opens with: the state in the link, or the first examples.
struct Boot {
    inputs: Option<Inputs>,
    mode: Mode,
    link_error: Option<String>,
}

fn boot() -> Boot {
    match share::restore(&location_hash()) {
        Some(Ok((inputs, mode))) => Boot {
            inputs: Some(inputs),
            mode,
            link_error: None,
        },
        Some(Err(e)) => Boot {
            inputs: None,
            mode: Mode::Edit,
            link_error: Some(e),
        },
        None => Boot {
            inputs: None,
            mode: Mode::Edit,
            link_error: None,
        },
    }
}

/// Selects `span` (UTF-16 offsets, as JS strings count) in the policy editor and scrolls
/// it into view, so a clicked condition or error shows where it is.
pub(crate) fn reveal(editor: &NodeRef, span: Span) {
    let Some(textarea) = editor.cast::<HtmlTextAreaElement>() else {
        return;
    };
    let start = span.start.utf16;
    // An empty span (an error at a point) still shows one character.
    let end = span.end.utf16.max(start + 1);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(start, end);
    let lines = textarea.value().lines().count().max(1) as f64;
    let line_height = f64::from(textarea.scroll_height()) / lines;
    let top = (f64::from(span.start.line) - 4.0).max(0.0) * line_height;
    textarea.set_scroll_top(top as i32);
}

/// The playground.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| boot());
    let state = {
        let boot = boot.clone();
        use_reducer(move || match &boot.inputs {
            Some(inputs) => State::new(inputs.clone(), clock()),
            None => {
                let first = State::default();
                State::new(first.inputs, clock())
            }
        })
    };
    let editor = use_node_ref();
    let reveal_span = {
        let editor = editor.clone();
        Callback::from(move |span: Span| reveal(&editor, span))
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |msg: Msg| state.dispatch(msg))
    };
    // Pasted Terraform is read again when its reader, fetched on first use, arrives.
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            crate::terraform::on_ready(move || dispatch.emit(Msg::Reread));
        });
    }

    if boot.mode == Mode::Embed {
        let open = format!(
            "{}#{}",
            page_address(),
            share::fragment(&state.inputs, Mode::Edit)
        );
        return view::embed(&state, &open);
    }

    // (share link, embed link); without the token when the user leaves it out.
    let share_link = {
        let state = state.clone();
        move |include_token: bool| {
            let mut inputs = state.inputs.clone();
            if !include_token {
                inputs.claims.clear();
            }
            (
                format!(
                    "{}#{}",
                    page_address(),
                    share::fragment(&inputs, Mode::Edit)
                ),
                format!(
                    "{}#{}",
                    page_address(),
                    share::fragment(&inputs, Mode::Embed)
                ),
            )
        }
    };

    html! {
        <div class="page">
            <header class="top">
                <h1>{ "oidc-trust " }<span class="sub">{ "playground" }</span></h1>
                <p class="tagline">
                    { "Paste an AWS IAM trust policy and a CI token: see allow or deny for every statement and condition, and why. Everything runs in this page; nothing you paste leaves it." }
                </p>
                { view::pickers(&dispatch) }
            </header>
            if let Some(e) = &boot.link_error {
                <p class="banner error" role="alert">{ format!("The link could not be opened: {e}. Showing the examples instead.") }</p>
            }
            // First and sticky: the verdict stays in sight while the policy is edited.
            { view::verdict(&state.analysis) }
            <div class="columns">
                <section class="inputs" aria-label="Inputs">
                    { view::policy_editor(&state, &dispatch, &editor, &reveal_span) }
                    { view::claims_editor(&state, &dispatch) }
                    { view::options(&state.inputs.options, &dispatch) }
                </section>
                <section class="results" aria-label="Result">
                    { view::trace(&state.analysis, &reveal_span) }
                    { view::findings(&state.analysis, &reveal_span) }
                    { view::who_can(&state.analysis, &dispatch) }
                    <ShareBox make={Callback::from(share_link)} />
                </section>
            </div>
            <footer class="foot">
                { "oidc-trust evaluates with AWS's documented semantics; where AWS documents nothing, the trace says what it assumed. Tokens are decoded, never verified." }
            </footer>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ShareBoxProps {
    /// Makes (share link, embed link) from the current state, with the token or not.
    make: Callback<bool, (String, String)>,
}

/// The share button and, once pressed, the link and the embed snippet.
#[component]
fn ShareBox(props: &ShareBoxProps) -> Html {
    let links = use_state(|| None::<(String, String)>);
    let include = use_state(|| true);
    let on_include = {
        let include = include.clone();
        let links = links.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            include.set(input.checked());
            // A link made under the other choice must not linger.
            links.set(None);
        })
    };
    let onclick = {
        let links = links.clone();
        let make = props.make.clone();
        let include = *include;
        Callback::from(move |_: MouseEvent| {
            let made = make.emit(include);
            #[cfg(target_arch = "wasm32")]
            if let Some(w) = web_sys::window() {
                // Best effort: the link is shown for copying by hand anyway.
                let _ = w.navigator().clipboard().write_text(&made.0);
            }
            links.set(Some(made));
        })
    };
    html! {
        <section class="share" aria-label="Share">
            <button type="button" class="primary" {onclick} data-testid="share-button">
                { "Share a link" }
            </button>
            <span class="hint">{ " The state travels in the link's #fragment, which browsers never send to a server. A JWT's signature is always left out." }</span>
            <label class="check">
                <input type="checkbox" checked={*include} onchange={on_include} data-testid="share-include-token" />
                { " Include the token's claims: anyone with the link can read them (repository, branch, actor...)" }
            </label>
            if let Some((link, embed)) = &*links {
                <label class="field">
                    <span>{ "Link (copied to the clipboard)" }</span>
                    <input type="text" readonly=true value={link.clone()} data-testid="share-link" />
                </label>
                <label class="field">
                    <span>{ "Embed this in docs" }</span>
                    <textarea class="snippet" readonly=true rows="3" data-testid="embed-snippet"
                        value={format!("<iframe src=\"{embed}\" title=\"oidc-trust: trust policy evaluation\" width=\"100%\" height=\"420\" style=\"border:0\"></iframe>")} />
                </label>
            }
        </section>
    }
}
