//! The root component and the few things only a browser has: the clock, the URL
//! fragment, the editor selection. Rendering lives in `view`.

use std::rc::Rc;

use oidc_trust::Span;
use wasm_bindgen::JsCast;
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

/// Which view the fragment asks for: Evaluate, or Generate with the intent of its link.
#[derive(Debug, Clone, PartialEq)]
struct Route {
    /// `Some` for the Generate view: `Some(form)` from a link, `None` for the example.
    generate: Option<Option<crate::generate_view::Form>>,
    /// Why a Generate link could not be opened.
    error: Option<String>,
    /// The Generate view for an iframe (`#generate-embed=`).
    embed: bool,
}

impl Route {
    fn of(hash: &str) -> Route {
        let embed = hash.starts_with("#generate-embed=");
        match share::restore_generate(hash) {
            None => Route {
                generate: None,
                error: None,
                embed,
            },
            Some(Ok(intent)) => Route {
                generate: Some(intent),
                error: None,
                embed,
            },
            Some(Err(e)) => Route {
                generate: Some(None),
                error: Some(e),
                embed,
            },
        }
    }
}

/// Moves to `#fragment` (a `hashchange` follows, which the page handles like a link).
fn set_hash(fragment: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(fragment);
    }
}

/// What the page opens with: the state in the link, or the first examples.
struct Boot {
    inputs: Option<Inputs>,
    mode: Mode,
    link_error: Option<String>,
    /// The link asked for the embed (whether or not it could be opened).
    embedded: bool,
    /// The inputs came from a link, not from the user: not theirs to remember.
    from_link: bool,
}

fn boot() -> Boot {
    let hash = location_hash();
    let embedded = hash.starts_with("#embed=");
    match share::restore(&hash) {
        Some(Ok((inputs, mode))) => Boot {
            inputs: Some(inputs),
            mode,
            link_error: None,
            embedded,
            from_link: true,
        },
        Some(Err(e)) => Boot {
            inputs: None,
            mode: Mode::Edit,
            link_error: Some(e),
            embedded,
            from_link: false,
        },
        // No link: what an earlier visit kept, if the user asked for that.
        None => Boot {
            inputs: crate::remember::load(),
            mode: Mode::Edit,
            link_error: None,
            embedded,
            from_link: false,
        },
    }
}

/// In an iframe, tells the page around it how tall the embed is whenever that changes
/// (a detail opened, text typed in the generator, the window resized), so that the
/// snippet's listener sizes the iframe to its content: the content's own height, which can
/// shrink below the iframe's, unlike the document's. Only a number crosses; any page may
/// embed the playground, so any origin may read it.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export function watch_height() {
  if (window.parent === window) return;
  const page = document.querySelector('.page');
  if (!page) return;
  const post = () => window.parent.postMessage({ oidcTrustHeight: Math.ceil(page.getBoundingClientRect().height) }, '*');
  new ResizeObserver(post).observe(page);
  post();
}
"#)]
extern "C" {
    fn watch_height();
}

#[cfg(not(target_arch = "wasm32"))]
fn watch_height() {}

/// The snippet that embeds `src`: the iframe, and the few lines that let it size itself.
fn embed_snippet(src: &str, title: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" width=\"100%\" height=\"420\" style=\"border:0\" data-oidc-trust></iframe>\n<script>addEventListener(\"message\", (e) => {{ if (e.origin !== \"{origin}\" || typeof e.data?.oidcTrustHeight !== \"number\") return; for (const f of document.querySelectorAll(\"iframe[data-oidc-trust]\")) if (f.contentWindow === e.source) f.style.height = e.data.oidcTrustHeight + \"px\"; }});</script>"
    )
}

/// Selects `span` (UTF-16 offsets, as JS strings count) in the policy editor and scrolls
/// it into view, so a clicked condition or error shows where it is: the page scrolls until
/// the selected line sits in the part of the window the sticky verdict does not cover.
pub(crate) fn reveal(editor: &NodeRef, span: Span) {
    let Some(textarea) = editor.cast::<HtmlTextAreaElement>() else {
        return;
    };
    let start = span.start.utf16;
    // An empty span (an error at a point) still shows one character.
    let end = span.end.utf16.max(start + 1);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(start, end);
    let line_height = line_height(&textarea);
    // The line itself, a few lines down, inside the textarea; its height caps the context.
    let visible = (f64::from(textarea.client_height()) / line_height).floor();
    let context = (visible / 3.0).floor().clamp(0.0, 4.0);
    let top = (f64::from(span.start.line) - 1.0 - context).max(0.0) * line_height;
    textarea.set_scroll_top(top as i32);
    let Some(window) = web_sys::window() else {
        return;
    };
    // Where the line is on screen now, and the band of the window left free by the banner.
    let rect = textarea.get_bounding_client_rect();
    let line_top = rect.top()
        + f64::from(textarea.client_top())
        + 10.0
        + (f64::from(span.start.line) - 1.0) * line_height
        - f64::from(textarea.scroll_top());
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let covered = banner_cover();
    let free_top = covered + 8.0;
    if line_top < free_top || line_top + line_height > height - 8.0 {
        // A third of the way down the free band: the line and some context below it.
        let target = free_top + ((height - free_top - line_height) / 3.0).max(0.0);
        window.scroll_by_with_x_and_y(0.0, line_top - target);
    }
}

/// The textarea's line height in pixels, as its style computes it (the editor's lines are
/// laid out with it); an estimate from its height where the style cannot be read.
fn line_height(textarea: &HtmlTextAreaElement) -> f64 {
    web_sys::window()
        .and_then(|w| w.get_computed_style(textarea).ok().flatten())
        .and_then(|s| s.get_property_value("line-height").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .filter(|h| *h > 0.0)
        .unwrap_or_else(|| {
            let lines = textarea.value().split('\n').count().max(1) as f64;
            f64::from(textarea.scroll_height()) / lines
        })
}

/// How far down the window the sticky verdict reaches (0 where it does not stick).
fn banner_cover() -> f64 {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return 0.0;
    };
    let Ok(Some(banner)) = document.query_selector(".page > .verdict") else {
        return 0.0;
    };
    let sticky = web_sys::window()
        .and_then(|w| w.get_computed_style(&banner).ok().flatten())
        .and_then(|s| s.get_property_value("position").ok())
        .is_some_and(|p| p == "sticky");
    if sticky {
        banner.get_bounding_client_rect().bottom().max(0.0)
    } else {
        0.0
    }
}

/// Tells the page how tall the sticky verdict is (`--banner-height`), so that the browser
/// keeps what it scrolls to, focused controls included, clear of it (`scroll-padding-top`).
fn publish_banner_height() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(banner)) = document.query_selector(".page > .verdict") else {
        return;
    };
    let height = banner.get_bounding_client_rect().height();
    if let Some(root) = document
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = root
            .style()
            .set_property("--banner-height", &format!("{}px", height.ceil()));
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct AnnouncerProps {
    /// What a screen reader should hear once it stops changing: the verdict's headline.
    pub text: AttrValue,
}

/// A polite live region that speaks the verdict's headline once it has held for a moment.
/// The banner changes on every keystroke (a half-typed line is a policy error); announcing
/// each would talk over the typing, so only a settled change is spoken.
#[component]
pub(crate) fn Announcer(props: &AnnouncerProps) -> Html {
    let spoken = use_state(AttrValue::default);
    {
        let spoken = spoken.clone();
        use_effect_with(props.text.clone(), move |text| {
            let text = text.clone();
            // Dropping the timeout (on the next change) cancels it.
            let timeout = gloo_timers::callback::Timeout::new(900, move || spoken.set(text));
            move || drop(timeout)
        });
    }
    html! {
        <p class="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
            { (*spoken).clone() }
        </p>
    }
}

/// Where the theme choice is kept. Policies and tokens are stored only when the user opts
/// in (`remember`); otherwise a link carries them.
const THEME_KEY: &str = "oidc-trust-theme";

/// The theme menu: the system's choice, light or dark. It sets `data-theme` on `<html>`,
/// which the stylesheet turns into `color-scheme`.
#[component]
fn ThemeMenu() -> Html {
    use gloo_storage::Storage;
    let theme = use_state(|| {
        crate::remember::available()
            .then(|| gloo_storage::LocalStorage::get::<String>(THEME_KEY).ok())
            .flatten()
            .filter(|t| t == "light" || t == "dark")
            .unwrap_or_default()
    });
    use_effect_with((*theme).clone(), |theme| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let stored = crate::remember::available();
            if theme.is_empty() {
                let _ = root.remove_attribute("data-theme");
                if stored {
                    gloo_storage::LocalStorage::delete(THEME_KEY);
                }
            } else {
                let _ = root.set_attribute("data-theme", theme);
                if stored {
                    let _ = gloo_storage::LocalStorage::set(THEME_KEY, theme);
                }
            }
        }
    });
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            theme.set(select.value());
        })
    };
    html! {
        <label class="field inline theme">
            <span>{ "Theme" }</span>
            <select {onchange} data-testid="theme">
                <option value="" selected={theme.is_empty()}>{ "system" }</option>
                <option value="light" selected={*theme == "light"}>{ "light" }</option>
                <option value="dark" selected={*theme == "dark"}>{ "dark" }</option>
            </select>
        </label>
    }
}

/// Both views' header: the name, the views, the theme, what the view does, and `below`.
fn header(nav: Html, tagline: &str, below: Html) -> Html {
    html! {
        <header class="top">
            <div class="title-row">
                <h1>{ "oidc-trust " }<span class="sub">{ "playground" }</span></h1>
                { nav }
                <ThemeMenu />
            </div>
            <p class="tagline">{ tagline.to_string() }</p>
            { below }
        </header>
    }
}

/// How long typing must pause before the findings and who-can are recomputed: long enough
/// to skip them between keystrokes, short enough to feel immediate once typing stops.
const SETTLE_MS: u32 = 250;

/// The playground.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| boot());
    let state = {
        let boot = boot.clone();
        use_reducer(move || match &boot.inputs {
            Some(inputs) => State {
                restored: boot.from_link,
                ..State::new(inputs.clone(), clock())
            },
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
    // The organisation RCP's box: its errors and statements are located there.
    let rcp_editor = use_node_ref();
    let reveal_rcp = {
        let editor = rcp_editor.clone();
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
            crate::lazy::on_ready(move || dispatch.emit(Msg::Reread));
        });
    }
    // Evaluate or Generate, by the fragment; a Generate link's intent keys the view, so a
    // second link opened in the page starts it afresh.
    let route = use_state(|| Route::of(&location_hash()));
    // A share link pasted into the address bar of an open playground changes only the
    // fragment: no reload, so the page opens it itself.
    {
        let dispatch = dispatch.clone();
        let route = route.clone();
        use_effect_with((), move |_| {
            // The last link opened: Back to it (from the Generate view) keeps what was typed
            // since, instead of opening it again.
            let mut last = location_hash();
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "hashchange", move |_| {
                    let hash = location_hash();
                    if hash != last {
                        if let Some(Ok((inputs, _))) = share::restore(&hash) {
                            dispatch.emit(Msg::Restore(inputs));
                            last = hash.clone();
                        }
                    }
                    route.set(Route::of(&hash));
                })
            });
            move || drop(listener)
        });
    }
    // The findings and who-can catch up once typing in the policy pauses (each keystroke
    // restarts the wait; dropping the timeout cancels it).
    {
        let dispatch = dispatch.clone();
        let key = (
            state.inputs.policy.clone(),
            state.inputs.rcp.clone(),
            state.analysis.stale,
        );
        use_effect_with(key, move |(_, _, stale)| {
            let timeout = stale.then(|| {
                gloo_timers::callback::Timeout::new(SETTLE_MS, move || dispatch.emit(Msg::Settle))
            });
            move || drop(timeout)
        });
    }
    // Kept on this device after every change of the user's, when they asked for it: not
    // what a link or an embed brought.
    {
        let embed = boot.mode == Mode::Embed;
        use_effect_with(
            (state.inputs.clone(), state.restored),
            move |(inputs, restored)| {
                if !restored && !embed {
                    crate::remember::save(inputs);
                }
            },
        );
    }
    // After every render: the banner's height may have changed with its text.
    use_effect(publish_banner_height);

    // An embed (the evaluator's, the generator's, or a damaged link's short error) keeps its
    // iframe sized to its content.
    {
        let embedded = boot.mode == Mode::Embed
            || boot.embedded
            || location_hash().starts_with("#generate-embed=");
        use_effect_with(embedded, |embedded| {
            if *embedded {
                watch_height();
            }
        });
    }

    if boot.embedded {
        if let Some(e) = &boot.link_error {
            return view::embed_error(e, &page_address());
        }
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
            // "Now" becomes the instant the link is made: its reader sees this decision.
            let mut inputs = share::fixed(state.inputs.clone(), clock());
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

    let nav = html! {
        <nav class="views" aria-label="Views">
            <a href="#" aria-current={(route.generate.is_none()).then_some("page")} data-testid="nav-evaluate">{ "Evaluate" }</a>
            <a href="#generate" aria-current={route.generate.is_some().then_some("page")} data-testid="nav-generate">{ "Generate" }</a>
        </nav>
    };
    if let Some(form) = &route.generate {
        let initial = form.clone();
        let key = form
            .as_ref()
            .map(share::generate_fragment)
            .unwrap_or_default();
        let open_in_evaluator = Callback::from(|(policy, claims): (String, String)| {
            let inputs = Inputs {
                policy,
                claims,
                ..State::default().inputs
            };
            set_hash(&share::fragment(&inputs, Mode::Edit));
        });
        let share = Callback::from(|form: crate::generate_view::Form| {
            (
                format!("{}#{}", page_address(), share::generate_fragment(&form)),
                embed_snippet(
                    &format!(
                        "{}#{}",
                        page_address(),
                        share::generate_embed_fragment(&form)
                    ),
                    "oidc-trust: trust policy generator",
                ),
            )
        });
        if route.embed {
            if let Some(e) = &route.error {
                return view::embed_error(e, &page_address());
            }
            return html! {
                <div class="page embed" data-testid="generate-embed">
                    <crate::generate_view::GenerateView {key} {initial} {open_in_evaluator} {share} embedded=true />
                </div>
            };
        }
        return html! {
            <div class="page">
                { header(nav, "Describe which CI jobs may assume the role: get a hardened trust policy, its Terraform and CloudFormation, the CI workflow, and proof of who gets in. Everything runs in this page.", html! {}) }
                if let Some(e) = &route.error {
                    <p class="banner error" role="alert">{ format!("The link could not be opened: {e}. Showing the example intent instead.") }</p>
                }
                <crate::generate_view::GenerateView {key} {initial} {open_in_evaluator} {share} />
            </div>
        };
    }
    html! {
        <div class="page">
            { header(nav, "Paste an AWS IAM trust policy and a CI token: see allow or deny for every statement and condition, and why. Everything runs in this page; nothing you paste leaves it.", view::pickers(&state, &dispatch)) }
            if let Some(e) = &boot.link_error {
                <p class="banner error" role="alert">{ format!("The link could not be opened: {e}. Showing the examples instead.") }</p>
            }
            // First and sticky: the verdict stays in sight while the policy is edited.
            { view::verdict(&state.analysis) }
            <Announcer text={AttrValue::from(view::verdict_words(&state.analysis).1)} />
            <div class="columns">
                <section class="inputs" aria-label="Inputs">
                    { view::policy_editor(&state, &dispatch, &editor, &reveal_span, (&rcp_editor, &reveal_rcp)) }
                    { view::claims_editor(&state, &dispatch) }
                    { view::options(&state.inputs.options, &dispatch) }
                </section>
                <section class="results" aria-label="Result">
                    { view::evaluation_time(&state.analysis, state.inputs.options.time, Some(&dispatch)) }
                    { view::trace(&state.analysis, Some((&reveal_span, &reveal_rcp))) }
                    { view::findings(&state.analysis, &reveal_span) }
                    { view::who_can(&state.analysis, &dispatch) }
                    <ShareBox make={Callback::from(share_link)} current={state.inputs.clone()} />
                    <RememberBox current={state.inputs.clone()} />
                </section>
            </div>
            <footer class="foot">
                { "oidc-trust evaluates with AWS's documented semantics; where AWS documents nothing, the trace says what it assumed. Tokens are decoded, never verified." }
            </footer>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RememberBoxProps {
    /// The inputs now: what ticking the box keeps at once.
    current: Inputs,
}

/// "Remember my inputs on this device", off by default; the token only when ticked too.
#[component]
fn RememberBox(props: &RememberBoxProps) -> Html {
    use crate::remember::{self, Remember};
    let choice = use_state(remember::choice);
    let set = |next: Remember| {
        let choice = choice.clone();
        let current = props.current.clone();
        move || {
            remember::set_choice(next, &current);
            choice.set(next);
        }
    };
    // A checkbox that sets one choice when ticked and another when not.
    let toggle = |ticked: Remember, unticked: Remember| {
        let (ticked, unticked) = (set(ticked), set(unticked));
        Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            if on {
                ticked()
            } else {
                unticked()
            }
        })
    };
    let on_inputs = toggle(Remember::Inputs, Remember::Off);
    let on_token = toggle(Remember::WithToken, Remember::Inputs);
    html! {
        <section class="remember" aria-label="Remember">
            <label class="check">
                <input type="checkbox" checked={*choice != Remember::Off} onchange={on_inputs} data-testid="remember-inputs" />
                { " Remember my policy and options on this device (kept in this browser only; off by default)" }
            </label>
            if *choice != Remember::Off {
                <label class="check nested">
                    <input type="checkbox" checked={*choice == Remember::WithToken} onchange={on_token} data-testid="remember-token" />
                    { " …and the token's claims. " }
                    <strong>{ "They stay in this browser's storage, readable by anyone who uses it." }</strong>
                </label>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ShareBoxProps {
    /// Makes (share link, embed link) from the current state, with the token or not.
    make: Callback<bool, (String, String)>,
    /// The inputs now: a link made from other inputs is stale and is taken away.
    current: Inputs,
}

/// What became of the copy to the clipboard.
#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
enum Copied {
    Pending,
    Done,
    Refused,
    Unavailable,
}

/// The share button and, once pressed, the link and the embed snippet.
#[component]
fn ShareBox(props: &ShareBoxProps) -> Html {
    let links = use_state(|| None::<(String, String)>);
    let copy = use_state(|| Copied::Pending);
    let include = use_state(|| true);
    {
        let links = links.clone();
        use_effect_with(props.current.clone(), move |_| links.set(None));
    }
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
        let copy = copy.clone();
        let make = props.make.clone();
        let include = *include;
        Callback::from(move |_: MouseEvent| {
            let made = make.emit(include);
            copy.set(Copied::Pending);
            copy_to_clipboard(&made.0, copy.setter());
            links.set(Some(made));
        })
    };
    let status = match *copy {
        Copied::Pending => "Copying the link…",
        Copied::Done => "Link copied to the clipboard.",
        Copied::Refused => "The browser refused to copy: select the link and copy it.",
        Copied::Unavailable => {
            "No clipboard on this page (it needs https or localhost): select the link and copy it."
        }
    };
    html! {
        <section class="share" aria-label="Share">
            <label class="check">
                <input type="checkbox" checked={*include} onchange={on_include} data-testid="share-include-token" />
                { " Include the token's claims: anyone with the link can read them (repository, branch, actor...)" }
            </label>
            <button type="button" class="primary" {onclick} data-testid="share-button">
                { "Share a link" }
            </button>
            <span class="hint">{ " The state travels in the link's #fragment, which browsers never send to a server. A JWT's signature is always left out." }</span>
            if let Some((link, embed)) = &*links {
                <p class="muted" role="status" data-testid="share-status">{ status }</p>
                <label class="field">
                    <span>{ "Link" }</span>
                    <input type="text" readonly=true value={link.clone()} data-testid="share-link" />
                </label>
                <label class="field">
                    <span>{ "Embed this in docs" }</span>
                    <textarea class="snippet" readonly=true rows="4" data-testid="embed-snippet"
                        value={embed_snippet(embed, "oidc-trust: trust policy evaluation")} />
                </label>
            }
        </section>
    }
}

/// The page's clipboard. `navigator.clipboard` is missing outside secure contexts (plain
/// http on another host), so it is looked up, not assumed.
#[cfg(target_arch = "wasm32")]
pub(crate) fn clipboard() -> Option<web_sys::Clipboard> {
    web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined() && !c.is_null())
        .map(|c| c.unchecked_into::<web_sys::Clipboard>())
}

/// Copies `text`, then says how it went. `navigator.clipboard` is missing outside secure
/// contexts (plain http on another host), so it is looked up, not assumed.
fn copy_to_clipboard(text: &str, done: UseStateSetter<Copied>) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(clipboard) = clipboard() else {
            done.set(Copied::Unavailable);
            return;
        };
        let promise = clipboard.write_text(text);
        wasm_bindgen_futures::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            done.set(if ok { Copied::Done } else { Copied::Refused });
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        done.set(Copied::Unavailable);
    }
}
