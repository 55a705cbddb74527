//! Rendering: pure functions from state to `Html`. The `data-testid` attributes are a
//! stable interface for tests and tools (see the README); change them only with care.

use oidc_trust::support::format_epoch;
use oidc_trust::{
    Absence, CatalogVersion, Claims, ConditionTrace, Decision, Diagnostic, ElementTrace,
    Evaluation, FindingSeverity, Location, Note, NoteLevel, Span, StatementTrace,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::editor::{Editor, Language, Mark, Squiggle};
use crate::examples::{POLICIES, TOKENS};
use crate::state::{
    Analysis, ClaimsView, EvalTime, Field, Msg, OptionChange, Options, Replaced, SourceView, State,
};

/// The core words its advice for every face alike, naming the CLI's flags where a choice
/// is needed; on this page the same choices are fields under "Request options".
const FOR_THE_PAGE: [(&str, &str); 6] = [
    (
        "pass the issuer (e.g. --issuer ",
        "fill in Issuer under Request options (e.g. ",
    ),
    (
        "pass the current time to check it",
        "choose an evaluation time under Request options to check it",
    ),
    ("--issuer", "Issuer under Request options"),
    ("--action", "Action under Request options"),
    ("--account", "Provider account under Request options"),
    ("--catalog", "Key catalog under Request options"),
];

/// `text` with the CLI's flags replaced by this page's fields.
fn for_the_page(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("--") && !text.contains("pass the current time") {
        return text.into();
    }
    let mut out = text.to_string();
    for (cli, page) in FOR_THE_PAGE {
        out = out.replace(cli, page);
    }
    out.into()
}

/// Text from the core, where `backticks` mark names and values: shown as code.
fn rich(text: &str) -> Html {
    let text = for_the_page(text);
    html! {
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 1 {
                <code>{ part }</code>
            } else {
                { part }
            }
        }
    }
}

/// The example pickers. Each shows the example its box holds, or "your own" once edited;
/// the arrow keys step through the examples (Chromium fires `change` on each).
pub(crate) fn pickers(state: &State, dispatch: &Callback<Msg>) -> Html {
    let pick = |make: fn(usize) -> Msg| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                dispatch.emit(make(i));
            }
        })
    };
    let (policy, token) = state.loaded();
    let menu = |examples: &[crate::examples::Example], loaded: Option<usize>, empty: bool| {
        html! {
            <>
                <option value="" selected={loaded.is_none()}>
                    { if empty { "choose…" } else { "your own (choose to replace)" } }
                </option>
                for (i, e) in examples.iter().enumerate() {
                    <option value={i.to_string()} selected={loaded == Some(i)}>{ e.label }</option>
                }
            </>
        }
    };
    html! {
        <>
            <div class="pickers">
                <label class="field inline">
                    <span>{ "Example policy" }</span>
                    <select onchange={pick(Msg::ExamplePolicy)} data-testid="example-policy">
                        { menu(&POLICIES, policy, state.inputs.policy.trim().is_empty()) }
                    </select>
                </label>
                <label class="field inline">
                    <span>{ "Example token" }</span>
                    <select onchange={pick(Msg::ExampleToken)} data-testid="example-token">
                        { menu(&TOKENS, token, state.inputs.claims.trim().is_empty()) }
                    </select>
                </label>
            </div>
            if let Some(r) = &state.replaced {
                { undo_bar(r, dispatch) }
            }
        </>
    }
}

/// "Example X replaced your policy. Undo": the one way back to overwritten text.
fn undo_bar(r: &Replaced, dispatch: &Callback<Msg>) -> Html {
    let what = match r.field {
        Field::Policy => "policy",
        Field::Claims => "token",
    };
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Msg::UndoExample))
    };
    html! {
        <p class="undo" data-testid="example-replaced">
            { format!("{} replaced your {what}. ", r.by) }
            <button type="button" class="link" {onclick} data-testid="undo-example">
                { format!("Undo: bring back your {what}") }
            </button>
        </p>
    }
}

fn on_text(dispatch: &Callback<Msg>, make: fn(String) -> Msg) -> Callback<String> {
    let dispatch = dispatch.clone();
    Callback::from(move |text: String| dispatch.emit(make(text)))
}

/// A diagnostic's span as a squiggle, when it is in the text shown (not another file).
fn squiggle(d: &Diagnostic) -> Option<Squiggle> {
    let span = d.location.span.filter(|_| d.location.file.is_none())?;
    Some(Squiggle {
        start: span.start.byte as usize,
        end: span.end.byte as usize,
        kind: if d.is_error() { "error" } else { "warning" },
        message: format!("{}: {}", d.code, d.message.replace('`', "")),
    })
}

/// The trace's statements and conditions as gutter marks, at the lines that wrote them: the
/// trust policy's (`rcp` false) or the organisation RCP's.
fn marks(analysis: &Analysis, rcp: bool) -> Vec<Mark> {
    let Some(e) = &analysis.evaluation else {
        return Vec::new();
    };
    let line = |l: &Location| l.span.filter(|_| l.file.is_none()).map(|s| s.start.line);
    let mut out = Vec::new();
    // An RCP's statements are written in the RCP's box, with marks of their own.
    for s in e.statements.iter().filter(|s| s.rcp.is_some() == rcp) {
        let n = s.index + 1;
        if let Some(at) = line(&s.location) {
            out.push(Mark {
                line: at,
                ok: s.applies,
                label: format!("statement {n}"),
                target: format!("trace-s{n}"),
            });
        }
        for (i, c) in s.conditions.iter().enumerate() {
            if let Some(at) = line(&c.key_location) {
                out.push(Mark {
                    line: at,
                    ok: c.satisfied,
                    label: format!("condition {} {} (statement {n})", c.operator, c.key),
                    target: format!("trace-s{n}-c{i}"),
                });
            }
        }
    }
    out
}

/// The policy editor with its errors and warnings below it.
pub(crate) fn policy_editor(
    state: &State,
    dispatch: &Callback<Msg>,
    editor: &NodeRef,
    reveal: &Callback<Span>,
    rcp: (&NodeRef, &Callback<Span>),
) -> Html {
    let diagnostics = &state.analysis.policy_diagnostics;
    let invalid = diagnostics.iter().any(Diagnostic::is_error);
    html! {
        <div class="editor">
            <label for="policy-input" class="editor-label">{ "Trust policy (JSON, Terraform, or a CloudFormation template)" }</label>
            <Editor id="policy-input" testid="policy-input" node={editor.clone()}
                value={AttrValue::from(state.inputs.policy.clone())}
                oninput={on_text(dispatch, Msg::Policy)}
                language={Language::guess(&state.inputs.policy)}
                squiggles={diagnostics.iter().filter_map(squiggle).collect::<Vec<_>>()}
                marks={marks(&state.analysis, false)}
                {invalid} describedby="policy-diagnostics" rows={18} />
            <ul id="policy-diagnostics" class="diagnostics" data-testid="policy-diagnostics">
                for d in diagnostics.iter() {
                    { diagnostic(d, reveal) }
                }
            </ul>
            if let Some(source) = &state.analysis.source {
                { source_bar(source, dispatch) }
            }
            { rcp_box(state, dispatch, rcp.0, rcp.1) }
        </div>
    }
}

/// The organisation's resource control policy, optional and folded away until used: its
/// Deny statements apply to the role whatever the trust policy allows.
fn rcp_box(
    state: &State,
    dispatch: &Callback<Msg>,
    editor: &NodeRef,
    reveal: &Callback<Span>,
) -> Html {
    let a = &state.analysis;
    let diagnostics = &a.rcp_diagnostics;
    let invalid = diagnostics.iter().any(Diagnostic::is_error);
    let given = !state.inputs.rcp.trim().is_empty();
    let status = match (given, a.rcp_applied) {
        (false, _) => "none",
        (true, true) => "applied",
        (true, false) => "not applied: see its errors",
    };
    let example = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Msg::Rcp(crate::examples::RCP_EXAMPLE.text.to_string()))
        })
    };
    let load = format!("Load {}", crate::examples::RCP_EXAMPLE.label);
    html! {
        <details class="rcp" open={given} data-testid="rcp-box">
            <summary>{ "Organisation RCPs (optional): " }<span data-testid="rcp-status">{ status }</span></summary>
            <p class="hint">
                { "A resource control policy of your AWS organisation applies to every role in the accounts it is attached to: any of its Deny statements denies, whatever the trust policy allows. Paste its JSON or the output of " }
                <code>{ "aws organizations describe-policy" }</code>{ "." }
            </p>
            // Named explicitly: folded away, its text is not rendered and would not name it.
            <button type="button" class="link" onclick={example} data-testid="rcp-example"
                aria-label={load.clone()}>
                { load }
            </button>
            <label for="rcp-input" class="editor-label">{ "Resource control policy" }</label>
            <Editor id="rcp-input" testid="rcp-input" node={editor.clone()}
                value={AttrValue::from(state.inputs.rcp.clone())}
                oninput={on_text(dispatch, Msg::Rcp)}
                language={Language::Json}
                squiggles={diagnostics.iter().filter_map(squiggle).collect::<Vec<_>>()}
                marks={marks(a, true)}
                {invalid} describedby="rcp-diagnostics" rows={12} />
            <ul id="rcp-diagnostics" class="diagnostics" data-testid="rcp-diagnostics">
                for d in diagnostics.iter() {
                    { diagnostic(d, reveal) }
                }
            </ul>
        </details>
    }
}

/// A policy read out of Terraform or a template: which resource, and the JSON AWS gets.
fn source_bar(source: &SourceView, dispatch: &Callback<Msg>) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            dispatch.emit(Msg::Resource(select.value()));
        })
    };
    let chosen = source
        .resources
        .get(source.chosen)
        .cloned()
        .unwrap_or_default();
    html! {
        <div class="source" data-testid="policy-source">
            if source.resources.len() > 1 {
                <label class="field inline">
                    <span>{ format!("{} trust policies in this {}; evaluating", source.resources.len(), source.kind) }</span>
                    <select {onchange} data-testid="policy-resource">
                        for (i, r) in source.resources.iter().enumerate() {
                            <option value={r.clone()} selected={i == source.chosen}>{ r }</option>
                        }
                    </select>
                </label>
            } else {
                <p class="source-line">{ format!("Read from {}: ", source.kind) }<code>{ chosen }</code></p>
            }
            <details class="rendered">
                <summary>{ "The policy as AWS will see it" }</summary>
                <pre class="code" tabindex="0" data-testid="policy-rendered">{ &source.rendered }</pre>
            </details>
        </div>
    }
}

fn diagnostic(d: &Diagnostic, reveal: &Callback<Span>) -> Html {
    let span = d.location.span;
    let onclick = {
        let reveal = reveal.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = span {
                reveal.emit(s);
            }
        })
    };
    let kind = if d.is_error() { "error" } else { "warning" };
    // The visible text is part of the name (WCAG 2.5.3); the code and column make it unique.
    let (text, label) = match span {
        Some(s) => {
            let line = format!("line {}", s.start.line);
            let label = format!(
                "{line}, column {}: show the {kind} {} in the policy",
                s.start.column, d.code
            );
            (line, label)
        }
        None => (kind.to_string(), format!("{kind} {}", d.code)),
    };
    html! {
        <li class={classes!("diagnostic", kind)} data-testid={format!("policy-{kind}")}>
            <button type="button" class="locate" {onclick} disabled={span.is_none()}
                aria-label={label}>
                { text }
            </button>
            <span class="what"><code>{ d.code }</code>{ " " }{ rich(&d.message) }</span>
            if !d.help.is_empty() {
                <span class="help">{ rich(&d.help) }</span>
            }
        </li>
    }
}

/// The claims/token editor and what was read from it.
pub(crate) fn claims_editor(state: &State, dispatch: &Callback<Msg>) -> Html {
    let view = &state.analysis.claims;
    let invalid = matches!(view, ClaimsView::Error(_));
    let squiggles: Vec<Squiggle> = match view {
        ClaimsView::Error(d) => squiggle(d).into_iter().collect(),
        _ => Vec::new(),
    };
    html! {
        <div class="editor">
            <label for="claims-input" class="editor-label">
                { "Token: claims JSON or a raw JWT" }
            </label>
            <Editor id="claims-input" testid="claims-input"
                value={AttrValue::from(state.inputs.claims.clone())}
                oninput={on_text(dispatch, Msg::Claims)}
                language={if oidc_trust::support::is_claims_json(&state.inputs.claims) { Language::Json } else { Language::Plain }} {squiggles}
                {invalid} describedby="claims-read" rows={10} />
            <div id="claims-read" data-testid="claims-read">{ claims_read(view, dispatch) }</div>
        </div>
    }
}

fn claims_read(view: &ClaimsView, dispatch: &Callback<Msg>) -> Html {
    match view {
        ClaimsView::Empty => html! {
            <p class="muted">{ "Paste the token's claims, or the token itself (header.payload.signature): it is decoded here, never sent anywhere, never verified." }</p>
        },
        ClaimsView::Error(d) => {
            let at = d
                .location
                .span
                .map(|s| format!(" at {}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            html! {
                <p class="diagnostic error" data-testid="claims-error">
                    <code>{ d.code }</code>{ " " }{ rich(&d.message) }{ format!("{at}. ") }
                    <span class="help">{ rich(&d.help) }</span>
                </p>
            }
        }
        ClaimsView::Json { notes, claims } => html! {
            <div class="token" data-testid="token-kind" data-kind="json">
                <p class="muted">{ "Read as claims JSON." }</p>
                { token_notes(notes, dispatch) }
                { times(claims) }
            </div>
        },
        ClaimsView::Jwt {
            unwrapped,
            header,
            claims,
            signed,
            notes,
        } => html! {
            <div class="token" data-testid="token-kind" data-kind="jwt">
                <p class="muted">
                    { "Decoded JWT" }
                    { if *signed { " (signature present, not verified: evaluation does not need it)" } else { " (no signature)" } }
                </p>
                if !unwrapped.is_empty() {
                    <p class="note info" data-testid="token-unwrapped">
                        { "Read after removing " }{ rich(&words(unwrapped)) }{ "." }
                    </p>
                }
                { token_notes(notes, dispatch) }
                { times(claims) }
                // Decoded, as jwt.io shows it: header and payload side by side when wide.
                <div class="decoded">
                    <section aria-label="Decoded header">
                        <h3 class="decoded-title">{ "Header" }</h3>
                        <pre class="code small" tabindex="0" data-testid="token-header">{ pretty(header) }</pre>
                    </section>
                    <section aria-label="Decoded payload">
                        <h3 class="decoded-title">{ "Payload (claims)" }</h3>
                        <pre class="code small" tabindex="0" data-testid="token-claims">{ pretty(claims) }</pre>
                    </section>
                </div>
            </div>
        },
    }
}

/// The token's times (`iat`, `nbf`, `exp`) as dates, and how long it is valid: what a
/// reader otherwise works out from epoch seconds.
fn times(claims: &Claims) -> Html {
    let at = |name: &str| {
        claims
            .get(name)
            .and_then(oidc_trust::ClaimValue::as_seconds)
    };
    let (iat, nbf, exp) = (at("iat"), at("nbf"), at("exp"));
    if iat.is_none() && nbf.is_none() && exp.is_none() {
        return html! {};
    }
    let row = |name: &'static str, meaning: &'static str, t: Option<i64>, extra: String| {
        t.map(|t| {
            html! {
                <tr>
                    <th scope="row"><code>{ name }</code></th>
                    <td>{ meaning }</td>
                    <td><time datetime={format_epoch(t)}>{ format_epoch(t) }</time>{ extra }</td>
                </tr>
            }
        })
    };
    let lifetime = match (iat, exp) {
        (Some(i), Some(e)) if e >= i => format!(" (valid for {})", span_words(e - i)),
        _ => String::new(),
    };
    html! {
        <table class="times" data-testid="token-times">
            <caption class="sr-only">{ "The token's times" }</caption>
            <tbody>
                { for row("iat", "issued", iat, String::new()) }
                { for row("nbf", "not before", nbf, String::new()) }
                { for row("exp", "expires", exp, lifetime) }
            </tbody>
        </table>
    }
}

/// Seconds as "10 min", "2 h 5 min", "3 d".
fn span_words(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s => format!("{} d", s / 86_400),
    }
}

/// "a", "a and b", "a, b and c".
fn words(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn pretty(claims: &Claims) -> String {
    serde_json::to_string_pretty(claims).unwrap_or_default()
}

/// The request options.
pub(crate) fn options(o: &Options, dispatch: &Callback<Msg>) -> Html {
    let text = |make: fn(String) -> OptionChange| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.emit(Msg::Option(make(input.value())));
        })
    };
    let toggle = |make: fn(bool) -> OptionChange| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.emit(Msg::Option(make(input.checked())));
        })
    };
    let catalog = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(v) = CatalogVersion::parse(&select.value()) {
                dispatch.emit(Msg::Option(OptionChange::Catalog(v)));
            }
        })
    };
    html! {
        <details class="options">
            <summary>{ "Request options" }</summary>
            <div class="option-grid">
                <label class="field">
                    <span>{ "Issuer (default: the token's iss)" }</span>
                    <input type="text" value={o.issuer.clone()} oninput={text(OptionChange::Issuer)}
                        placeholder="token.actions.githubusercontent.com" spellcheck="false" />
                </label>
                <label class="field">
                    <span>{ "Action" }</span>
                    <input type="text" value={o.action.clone()} oninput={text(OptionChange::Action)}
                        placeholder="sts:AssumeRoleWithWebIdentity" spellcheck="false" />
                </label>
                <label class="field">
                    <span>{ "Provider account (default: the policy's)" }</span>
                    <input type="text" value={o.account.clone()} oninput={text(OptionChange::Account)}
                        placeholder="123456789012" inputmode="numeric" spellcheck="false" />
                </label>
                <label class="field">
                    <span>{ "Key catalog" }</span>
                    <select onchange={catalog}>
                        <option value="2026-08" selected={o.catalog == CatalogVersion::V2026}>{ "2026-08 (current)" }</option>
                        <option value="2023-06" selected={o.catalog == CatalogVersion::V2023}>{ "2023-06 (aud, sub, amr only)" }</option>
                    </select>
                </label>
                <label class="field">
                    <span>{ "Evaluation time (time keys, expiry)" }</span>
                    <select onchange={time_choice(o.time, dispatch)} data-testid="evaluation-time-choice">
                        <option value="iat" selected={o.time == EvalTime::Issued}>{ "the token's issue time (iat)" }</option>
                        <option value="now" selected={o.time == EvalTime::Now}>{ "now (this browser's clock)" }</option>
                        if let EvalTime::At(t) = o.time {
                            <option value="at" selected=true>{ format!("{} (fixed by the link)", format_epoch(t)) }</option>
                        }
                        <option value="off" selected={o.time == EvalTime::Off}>{ "none: time keys absent, expiry not checked" }</option>
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" checked={o.all_claims_are_keys} onchange={toggle(OptionChange::AllClaimsAreKeys)} />
                    { " What if every claim were a condition key" }
                </label>
            </div>
        </details>
    }
}

fn time_choice(current: EvalTime, dispatch: &Callback<Msg>) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let time = match select.value().as_str() {
            "iat" => EvalTime::Issued,
            "now" => EvalTime::Now,
            "off" => EvalTime::Off,
            _ => current,
        };
        dispatch.emit(Msg::Option(OptionChange::Time(time)));
    })
}

/// Which instant the request is evaluated at, and why: the reader of a link sees the time
/// its author fixed, a visitor sees that the examples are evaluated when they were issued.
pub(crate) fn evaluation_time(
    analysis: &Analysis,
    time: EvalTime,
    dispatch: Option<&Callback<Msg>>,
) -> Html {
    let why = match time {
        EvalTime::Now => "now, by this browser's clock",
        EvalTime::Issued => "the token's issue time (`iat`)",
        EvalTime::At(_) => "the time fixed by the link",
        EvalTime::Off => "",
    };
    let text = match (analysis.time, time) {
        (_, EvalTime::Off) => {
            "Evaluated without a time: time condition keys are absent and expiry is not checked."
                .to_string()
        }
        (Some(t), _) => format!("Evaluated at {} — {why}.", format_epoch(t)),
        (None, EvalTime::Issued) => "Evaluated without a time: the token has no `iat`.".to_string(),
        (None, _) => "Evaluated without a time.".to_string(),
    };
    let switch = dispatch.filter(|_| time != EvalTime::Now).map(|dispatch| {
        let dispatch = dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.emit(Msg::Option(OptionChange::Time(EvalTime::Now)))
        });
        html! {
            <button type="button" class="link" {onclick} data-testid="evaluate-now">{ "use the current time" }</button>
        }
    });
    html! {
        <p class="muted time" data-testid="evaluation-time">{ rich(&text) }{ " " }{ switch }</p>
    }
}

/// The verdict: first thing on the page. It is not a live region itself: it changes on
/// every keystroke; [`crate::app::Announcer`] speaks the headline once it settles.
pub(crate) fn verdict(analysis: &Analysis) -> Html {
    let (decision, headline, detail) = verdict_words(analysis);
    let problem = decision == "none" && !headline.starts_with("Waiting for") && !analysis.pending;
    html! {
        <div class={classes!("verdict", decision, problem.then_some("problem"))}
            data-testid="verdict" data-decision={decision}>
            <span class="word">{ headline }</span>
            <span class="summary">{ rich(&detail) }</span>
        </div>
    }
}

/// (decision attribute, headline, detail) of the verdict banner.
pub(crate) fn verdict_words(analysis: &Analysis) -> (&'static str, String, String) {
    if analysis.policy_empty {
        return (
            "none",
            "Waiting for a policy".into(),
            "Paste a trust policy: JSON, Terraform, a CloudFormation template or `aws iam get-role` output.".into(),
        );
    }
    match (&analysis.evaluation, analysis.policy_errors().next()) {
        (Some(e), _) => {
            let word = match e.decision {
                Decision::Allow => "allow",
                Decision::Deny => "deny",
            };
            (word, word.to_uppercase(), deciding(e))
        }
        (None, Some(err)) => (
            "none",
            "Policy error".to_string(),
            located(err, "the policy"),
        ),
        (None, None) if analysis.pending => (
            "none",
            "Reading Terraform".into(),
            "Loading the Terraform reader (once, in this page)…".into(),
        ),
        (None, None) => match (&analysis.claims, &analysis.request_error) {
            (ClaimsView::Error(d), _) => ("none", "Token error".into(), located(d, "the token")),
            (_, Some(d)) => (
                "none",
                "Cannot evaluate".into(),
                format!("{} ({})", d.message, d.help),
            ),
            _ => (
                "none",
                "Waiting for a token".into(),
                "Paste claims or a JWT.".into(),
            ),
        },
    }
}

/// Statement `i` as people count it, with its Sid: "statement 2 (`Deploy`)".
fn statement_name(e: &Evaluation, i: usize) -> String {
    if let Some(rcp) = e.statements.get(i).and_then(|s| s.rcp.as_ref()) {
        let whose = if rcp.name == crate::state::RCP_NAME {
            "the organisation RCP's".to_string()
        } else {
            format!("RCP `{}`'s", rcp.name)
        };
        return match &rcp.sid {
            Some(sid) => format!("{whose} statement {} (`{sid}`)", rcp.index + 1),
            None => format!("{whose} statement {}", rcp.index + 1),
        };
    }
    match e.statements.get(i).and_then(|s| s.sid.as_deref()) {
        Some(sid) => format!("statement {} (`{sid}`)", i + 1),
        None => format!("statement {}", i + 1),
    }
}

fn names(e: &Evaluation, statements: &[usize]) -> String {
    let all: Vec<String> = statements.iter().map(|&i| statement_name(e, i)).collect();
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    words(&all)
}

/// What decided, in one line for the banner: the statements that allow or deny, or for a
/// default deny the first failing condition of the closest Allow statement (the one whose
/// principal and action match with the fewest failing conditions), with what the token has
/// and what the condition asks.
fn deciding(e: &Evaluation) -> String {
    use oidc_trust::DecisionReason;
    match &e.reason {
        DecisionReason::Allowed { statements } => format!("{} allows this token", names(e, statements)),
        DecisionReason::ExplicitDeny { statements } => {
            format!("{} denies this token explicitly (a Deny beats every Allow)", names(e, statements))
        }
        DecisionReason::RcpDeny { statements } => {
            let who = names(e, statements);
            let mut who_upper = who.clone();
            if let Some(first) = who_upper.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{who_upper} denies this token: the organisation's guardrail decides, whatever the trust policy allows")
        }
        DecisionReason::TagSessionNotAllowed { statements } => format!(
            "{} applies, but the token carries session tags and no statement allows `sts:TagSession`",
            names(e, statements)
        ),
        DecisionReason::NoAllow => {
            let closest = e
                .statements
                .iter()
                .filter(|s| s.effect == oidc_trust::Effect::Allow && s.principal.matched && s.action.matched)
                .min_by_key(|s| s.conditions.iter().filter(|c| !c.satisfied).count());
            let Some(s) = closest else {
                let trusted = e.statements.iter().any(|s| s.principal.matched);
                return if trusted {
                    "no Allow statement lists this action (denied by default)".into()
                } else {
                    "no statement trusts this token's identity provider (denied by default)".into()
                };
            };
            let Some(c) = s.conditions.iter().find(|c| !c.satisfied) else {
                return "no Allow statement applies to this token (denied by default)".into();
            };
            let claim = c.key.rsplit(':').next().unwrap_or(&c.key);
            let has = match (&c.request_values, &c.absence) {
                (Some(values), _) => {
                    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                    let quoted: Vec<&str> = quoted.iter().map(String::as_str).collect();
                    format!("the token has {}", words(&quoted))
                }
                (None, Some(a)) => absence(a).trim_start_matches("absent: ").to_string(),
                (None, None) => "the token has no value for it".into(),
            };
            let wanted: Vec<String> = c.values.iter().map(|v| format!("`{}`", v.value)).collect();
            let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
            let which = if e.statements.len() > 1 {
                format!(" ({})", statement_name(e, s.index))
            } else {
                String::new()
            };
            format!(
                "`{claim}`{which}: {has}; the condition is {} {}",
                c.operator,
                words(&wanted)
            )
        }
    }
}

fn located(d: &Diagnostic, what: &str) -> String {
    match d.location.span {
        Some(s) => format!(
            "{} at line {}, column {} of {what}",
            d.message, s.start.line, s.start.column
        ),
        None => d.message.clone(),
    }
}

/// Lint findings: who else gets in, and conditions that do not do what they read as.
pub(crate) fn findings(analysis: &Analysis, reveal: &Callback<Span>) -> Html {
    let Some(report) = &analysis.lint else {
        return html! {};
    };
    let n = report.findings.len();
    html! {
        <details class={classes!("findings", analysis.stale.then_some("stale"))}
            open={report.worst() >= Some(FindingSeverity::Medium)} data-testid="findings"
            aria-busy={analysis.stale.to_string()}>
            <summary>
                // About the policy, whatever the token: not in conflict with an allowed token.
                { format!("Policy findings (any token): {n}") }
                if analysis.stale {
                    <span class="updating">{ " (updating…)" }</span>
                }
                if let Some(w) = report.worst() {
                    <span class={classes!("badge", w.name())}>{ format!("worst: {}", w.name()) }</span>
                }
            </summary>
            <p class="muted">{ "Who else gets in (tokens an attacker could mint, replayed against the whole policy) and conditions that never match or always pass. Independent of the token above." }</p>
            <ul class="finding-list">
                for (i, f) in report.findings.iter().enumerate() {
                    <li class={classes!("finding", f.severity.name())} data-testid="finding"
                        data-severity={f.severity.name()} data-code={f.code}>
                        <div class="check-head">
                            <span class={classes!("badge", f.severity.name())}>{ f.severity.name() }</span>
                            <code>{ f.code }</code>
                            { locate_button(&f.location, Some(reveal), &format!("finding {} ({})", i + 1, f.code)) }
                        </div>
                        <p>{ rich(&f.message) }</p>
                        <p class="why">{ rich(&f.help) }</p>
                        <p class="fix"><span class="label">{ "fix: " }</span>{ rich(&f.fix) }</p>
                    </li>
                }
            </ul>
        </details>
    }
}

/// Exactly who can assume the role: a sentence per case, its constraints, an example token
/// that loads into the token editor.
pub(crate) fn who_can(analysis: &Analysis, dispatch: &Callback<Msg>) -> Html {
    if analysis.who.is_empty() {
        return html! {};
    }
    html! {
        <details class={classes!("who", analysis.stale.then_some("stale"))} open=true
            data-testid="who-can" aria-busy={analysis.stale.to_string()}>
            <summary>
                { "Who can assume this role" }
                if analysis.stale {
                    <span class="updating">{ " (updating…)" }</span>
                }
            </summary>
            <p class="muted">{ "Computed exactly from the policy's string conditions (Deny statements subtracted), independent of the token above. Each example token is confirmed by the evaluator." }</p>
            for r in analysis.who.iter() {
                <div class="region" data-issuer={r.issuer.clone()}>
                    <p class="issuer"><code>{ &r.issuer }</code></p>
                    if r.cases.is_empty() {
                        <p data-testid="who-nobody">{ "Nobody: no token of this issuer is allowed." }</p>
                    }
                    <ol class="cases">
                        for (i, c) in r.cases.iter().enumerate() {
                            <li data-testid="who-case">
                                <p class="sentence">{ rich(r.summary.get(i).map(String::as_str).unwrap_or("")) }</p>
                                <ul class="constraints">
                                    for k in c.constraints.iter() {
                                        <li>{ rich(k) }</li>
                                    }
                                </ul>
                                if let Some(w) = &c.witness {
                                    { example_button(w, dispatch, &format!("case {} of {}", i + 1, r.issuer)) }
                                }
                            </li>
                        }
                    </ol>
                    if r.approximations.len() > 1 {
                        <ul class="notes">
                            for a in r.approximations.iter() {
                                <li class="note assumption"><span class="level">{ "approximation" }</span>{ " " }{ rich(a) }</li>
                            }
                        </ul>
                    }
                </div>
            }
        </details>
    }
}

fn example_button(w: &Claims, dispatch: &Callback<Msg>, case: &str) -> Html {
    let text = serde_json::to_string_pretty(w).unwrap_or_default();
    let onclick = {
        let dispatch = dispatch.clone();
        let text = text.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Msg::Claims(text.clone())))
    };
    html! {
        <button type="button" class="locate" {onclick} data-testid="who-example"
            aria-label={format!("use this example token ({case})")}>
            { "use this example token" }
        </button>
    }
}

/// Every statement, with its principal, action and conditions.
/// `reveal` selects a span in the policy editor; none in the read-only embed, whose rows
/// are then plain text rather than buttons that would do nothing.
pub(crate) fn trace(
    analysis: &Analysis,
    reveal: Option<(&Callback<Span>, &Callback<Span>)>,
) -> Html {
    let Some(e) = &analysis.evaluation else {
        return html! {};
    };
    html! {
        <div class="trace">
            for s in e.statements.iter() {
                // An RCP statement's locations are in the RCP's box, not the policy's.
                { statement(s, reveal.map(|(policy, rcp)| if s.rcp.is_some() { rcp } else { policy })) }
            }
            { notes_list(&trace_notes(e, &analysis.claims)) }
            { request_keys(e) }
        </div>
    }
}

/// The evaluation's notes without the token's time remarks, which the token pane shows.
fn trace_notes(e: &Evaluation, claims: &ClaimsView) -> Vec<Note> {
    let shown: Vec<&str> = match claims {
        ClaimsView::Json { notes, .. } | ClaimsView::Jwt { notes, .. } => {
            notes.iter().map(|n| n.code).collect()
        }
        _ => Vec::new(),
    };
    e.notes
        .iter()
        .filter(|n| !shown.contains(&n.code))
        .cloned()
        .collect()
}

fn statement(s: &StatementTrace, reveal: Option<&Callback<Span>>) -> Html {
    // Numbered as people count; the JSON pointer (`/Statement/0`) stays in the chips' names.
    let (title, which) = match (&s.rcp, &s.sid) {
        (Some(r), _) => (
            match &r.sid {
                Some(sid) => format!("{} · statement {} · {sid}", r.name, r.index + 1),
                None => format!("{} · statement {}", r.name, r.index + 1),
            },
            format!("{} statement {}", r.name, r.index + 1),
        ),
        (None, Some(sid)) => (
            format!("Statement {} · {sid}", s.index + 1),
            format!("statement {}", s.index + 1),
        ),
        (None, None) => (
            format!("Statement {}", s.index + 1),
            format!("statement {}", s.index + 1),
        ),
    };
    let effect = format!("{:?}", s.effect);
    // Failing conditions first; passing ones folded where something failed.
    // (index in the statement, for the row's id; the trace) in the order shown.
    let failing: Vec<(usize, &ConditionTrace)> = s
        .conditions
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.satisfied)
        .collect();
    let passing: Vec<(usize, &ConditionTrace)> = s
        .conditions
        .iter()
        .enumerate()
        .filter(|(_, c)| c.satisfied)
        .collect();
    html! {
        <article class={classes!("statement", if s.applies { "applies" } else { "skipped" }, s.rcp.as_ref().map(|_| "rcp"))}
            id={format!("trace-s{}", s.index + 1)} tabindex="-1"
            data-testid="statement" data-applies={s.applies.to_string()}>
            <h2>
                { mark(s.applies) }{ " " }{ title }
                <span class={classes!("effect", effect.to_lowercase())}>{ effect }</span>
                { locate_button(&s.location, reveal, &which) }
            </h2>
            <p class="summary">{ rich(&s.summary) }</p>
            <ul class="checks">
                { element("Principal", &s.principal, reveal, &which) }
                { element("Action", &s.action, reveal, &which) }
                if let Some(r) = &s.resource {
                    { element("Resource", r, reveal, &which) }
                }
                for (i, c) in failing.iter() {
                    { condition(c, reveal, &which, &format!("trace-s{}-c{i}", s.index + 1)) }
                }
                if failing.is_empty() {
                    for (i, c) in passing.iter() {
                        { condition(c, reveal, &which, &format!("trace-s{}-c{i}", s.index + 1)) }
                    }
                }
            </ul>
            if !failing.is_empty() && !passing.is_empty() {
                <details class="passing" data-testid="passing-conditions">
                    <summary>{ format!("{} passing condition{}", passing.len(), if passing.len() == 1 { "" } else { "s" }) }</summary>
                    <ul class="checks">
                        for (i, c) in passing.iter() {
                            { condition(c, reveal, &which, &format!("trace-s{}-c{i}", s.index + 1)) }
                        }
                    </ul>
                </details>
            }
        </article>
    }
}

/// ✓ or ✗, read out as "passes" or "fails" (an `aria-label` on a span may be ignored).
fn mark(ok: bool) -> Html {
    let (class, sign, word) = if ok {
        ("pass", "✓", "passes")
    } else {
        ("fail", "✗", "fails")
    };
    html! {
        <span class={classes!("mark", class)}>
            <span aria-hidden="true">{ sign }</span>
            <span class="sr-only">{ word }</span>
        </span>
    }
}

/// A "line N" chip that selects `what` in the policy; its name holds the visible text
/// (WCAG 2.5.3) and what it shows, so that no two chips share a name.
fn locate_button(location: &Location, reveal: Option<&Callback<Span>>, what: &str) -> Html {
    let (Some(span), Some(reveal)) = (location.span, reveal) else {
        return html! {};
    };
    let reveal = reveal.clone();
    let onclick = Callback::from(move |_: MouseEvent| reveal.emit(span));
    let line = format!("line {}", span.start.line);
    html! {
        <button type="button" class="locate" {onclick}
            aria-label={format!("{line}: show {what} in the policy")}>
            { line }
        </button>
    }
}

fn element(name: &str, t: &ElementTrace, reveal: Option<&Callback<Span>>, statement: &str) -> Html {
    html! {
        <li class={classes!("check", if t.matched { "pass" } else { "fail" })}
            data-testid="element-row" data-result={if t.matched { "pass" } else { "fail" }}>
            <div class="check-head">
                { mark(t.matched) }
                <span class="name">{ name }</span>
                <span class="why">{ rich(&t.why) }</span>
                { locate_button(&t.location, reveal, &format!("the {name} of {statement}")) }
            </div>
        </li>
    }
}

/// The span from a condition's key to its last value: what to select in the editor.
fn condition_span(c: &ConditionTrace) -> Option<Span> {
    let start = c.key_location.span?;
    let end = c
        .values
        .iter()
        .filter_map(|v| v.location.span)
        .map(|s| s.end)
        .max_by_key(|p| p.byte)
        .unwrap_or(start.end);
    Some(Span {
        start: start.start,
        end,
    })
}

fn condition(
    c: &ConditionTrace,
    reveal: Option<&Callback<Span>>,
    statement: &str,
    id: &str,
) -> Html {
    let result = if c.satisfied { "pass" } else { "fail" };
    let span = condition_span(c);
    let onclick = reveal.map(|reveal| {
        let reveal = reveal.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = span {
                reveal.emit(s);
            }
        })
    });
    let head = html! {
        <>
            { mark(c.satisfied) }
            <code class="op">{ &c.operator }</code>
            <code class="key">{ &c.key }</code>
        </>
    };
    let request = match (&c.request_values, &c.absence) {
        (Some(values), _) => values
            .iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", "),
        (None, Some(a)) => absence(a),
        (None, None) => "absent".into(),
    };
    html! {
        <li class={classes!("check", "condition", result)} data-testid="condition-row"
            id={id.to_string()} tabindex="-1" data-result={result} data-key={c.key.clone()}>
            if let Some(onclick) = onclick {
                <button type="button" class="check-head as-button" {onclick}>
                    { head }
                    <span class="sr-only">{ format!(" ({statement}): show in the policy") }</span>
                </button>
            } else {
                <div class="check-head">{ head }</div>
            }
            <p class="why">{ rich(&c.why) }</p>
            <p class="request"><span class="label">{ "token: " }</span>{ rich(&request) }</p>
            <ul class="values">
                for v in c.values.iter() {
                    <li class={classes!("value", if v.matched { "match" } else { "nomatch" })}>
                        <code>{ format!("\"{}\"", v.value) }</code>
                        if let Some(r) = &v.resolved {
                            <span class="resolved">{ format!(" → \"{r}\"") }</span>
                        }
                        <span class="why">{ " " }{ rich(&v.why) }</span>
                    </li>
                }
            </ul>
        </li>
    }
}

fn absence(a: &Absence) -> String {
    match a {
        Absence::ClaimMissing { claim } => format!("absent: the token has no `{claim}` claim"),
        Absence::ClaimNotExposed { claim } => format!(
            "absent: the token has `{claim}`, but AWS does not expose it as a condition key"
        ),
        Absence::ClaimNotAValue { claim } => {
            format!("absent: `{claim}` is an object or null, not a key value")
        }
        Absence::OtherIssuer { issuer } => {
            format!("absent: the key belongs to another issuer ({issuer})")
        }
        Absence::TimeNotGiven => {
            "absent: no evaluation time (choose one under Request options)".into()
        }
        Absence::NotGiven => "absent: not derived from a token".into(),
    }
}

fn notes_list(notes: &[Note]) -> Html {
    if notes.is_empty() {
        return html! {};
    }
    html! {
        <ul class="notes" data-testid="notes">
            for n in notes.iter() {
                <li class={classes!("note", level(n.level))}>
                    <span class="level">{ level(n.level) }</span>{ " " }{ rich(&n.message) }
                </li>
            }
        </ul>
    }
}

/// The token's time remarks, shown once (here, not again in the trace). An expired token
/// offers the one click that evaluates it as of when it was issued.
fn token_notes(notes: &[Note], dispatch: &Callback<Msg>) -> Html {
    if notes.is_empty() {
        return html! {};
    }
    let at_issue = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Msg::Option(OptionChange::Time(EvalTime::Issued)))
        })
    };
    html! {
        <ul class="notes" data-testid="token-notes">
            for n in notes.iter() {
                <li class={classes!("note", level(n.level))} data-code={n.code}>
                    <span class="level">{ level(n.level) }</span>{ " " }{ rich(&n.message) }
                    if n.code == "token-expired" {
                        { " " }
                        <button type="button" class="link" onclick={at_issue.clone()} data-testid="evaluate-at-issue">
                            { "Evaluate at the token's issue time" }
                        </button>
                    }
                </li>
            }
        </ul>
    }
}

fn level(l: NoteLevel) -> &'static str {
    match l {
        NoteLevel::Info => "info",
        NoteLevel::Warning => "warning",
        NoteLevel::Assumption => "assumption",
    }
}

fn request_keys(e: &Evaluation) -> Html {
    let r = &e.request;
    html! {
        <details class="request-keys">
            <summary>{ format!("Request: {} condition keys from the token", r.keys.len()) }</summary>
            <p class="muted">{ format!("Caller {} · action {} · catalog {}", r.principal, r.action, r.catalog.name()) }</p>
            <table>
                <thead><tr><th scope="col">{ "key" }</th><th scope="col">{ "value(s)" }</th></tr></thead>
                <tbody>
                    for k in r.keys.iter() {
                        <tr><td><code>{ &k.key }</code></td><td><code>{ k.values.join(", ") }</code></td></tr>
                    }
                </tbody>
            </table>
            if !r.unexposed_claims.is_empty() {
                <p class="muted">
                    { "Claims AWS does not expose as condition keys (conditions on them never see a value): " }
                    <code>{ r.unexposed_claims.join(", ") }</code>
                </p>
            }
        </details>
    }
}

/// The compact read-only view for iframes in docs: the way into the playground first,
/// then the verdict, the time it holds for, and the trace with its failures first.
pub(crate) fn embed(state: &State, open: &str) -> Html {
    html! {
        <div class="page embed" data-testid="embed">
            <div class="embed-head">
                <h1 class="embed-title">{ "oidc-trust: trust policy evaluation" }</h1>
                <a href={open.to_string()} target="_blank" rel="noopener" data-testid="embed-open">{ "Open in the playground ↗" }</a>
            </div>
            { verdict(&state.analysis) }
            { evaluation_time(&state.analysis, state.inputs.options.time, None) }
            { trace(&state.analysis, None) }
            <details class="embedded-inputs">
                <summary>{ "Policy and token" }</summary>
                <pre class="code small" tabindex="0" data-testid="embed-policy">{ &state.inputs.policy }</pre>
                <pre class="code small" tabindex="0" data-testid="embed-claims">{ &state.inputs.claims }</pre>
            </details>
        </div>
    }
}

/// An embed link that cannot be opened: a short message in the iframe, not the editor.
pub(crate) fn embed_error(error: &str, playground: &str) -> Html {
    html! {
        <div class="page embed" data-testid="embed-error">
            <h1 class="embed-title">{ "oidc-trust: trust policy evaluation" }</h1>
            <p class="banner error" role="alert">{ format!("This embedded evaluation could not be opened: {error}.") }</p>
            <p><a href={playground.to_string()} target="_blank" rel="noopener">{ "Open the oidc-trust playground ↗" }</a></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Inputs, State};

    #[test]
    fn advice_names_the_pages_fields_not_the_clis_flags() {
        // No issuer anywhere: the core says "--issuer"; the page says where its field is.
        let inputs = Inputs {
            claims: r#"{"sub": "repo:acme/api:ref:refs/heads/main", "aud": "sts.amazonaws.com"}"#
                .into(),
            ..State::default().inputs
        };
        let s = State::new(inputs, None);
        let d = s.analysis.request_error.as_ref().unwrap();
        let shown = for_the_page(&format!("{} ({})", d.message, d.help)).into_owned();
        assert!(
            d.help.contains("--issuer") && !shown.contains("--"),
            "{shown}"
        );
        assert!(shown.contains("Issuer under Request options"), "{shown}");
        let note = "the token expires at 2026-08-19T19:17:37Z (pass the current time to check it)";
        assert!(for_the_page(note).contains("choose an evaluation time under Request options"));
        assert_eq!(for_the_page("no flags here"), "no flags here");
    }
}
