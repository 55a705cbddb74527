//! The Generate view: a form for the intent, every artefact updated as it is typed, who
//! gets in through the generated policy (and that every attacker token is denied), and the
//! way into the evaluator with a token that the policy allows. The form is plain data
//! ([`Form`], tested natively); the component renders it.

use serde::{Deserialize, Serialize};
use yew::prelude::*;

use crate::editor::{Editor, Language};
use crate::generator::{self, Artefacts, Generation};

/// What the form holds, as typed. Lists are comma- or line-separated text, so nothing typed
/// is lost while it is not yet valid; a share link carries it as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Form {
    /// `github`, `gitlab`, `circleci`, `terraform`, `bitbucket`, `buildkite`.
    pub provider: String,
    /// The AWS account (12 digits).
    pub account: String,
    /// The role's name.
    pub role: String,
    /// The AWS region of the workflow.
    pub region: String,
    /// One repository per line: `owner/repo`, optionally followed by its numeric id.
    pub repositories: String,
    /// Branches.
    pub branches: String,
    /// Tags.
    pub tags: String,
    /// Environments.
    pub environments: String,
    /// Admit pull requests (with a warning).
    pub pull_requests: bool,
    /// Admit any ref (with a warning).
    pub any_ref: bool,
    /// Layer 1: the reusable workflow, `path@ref`.
    pub workflow: String,
    /// Layer 2: the actors.
    pub actors: String,
    /// Layer 4: the claims of a customised subject.
    pub subject_keys: String,
    /// GitHub's immutable subjects (ids).
    pub immutable_subject: bool,
}

impl Default for Form {
    /// A first visit's example: one repository, deploying from main.
    fn default() -> Self {
        Form {
            provider: "github".into(),
            account: "123456789012".into(),
            role: "github-deploy".into(),
            region: String::new(),
            repositories: "acme/api".into(),
            branches: "main".into(),
            tags: String::new(),
            environments: String::new(),
            pull_requests: false,
            any_ref: false,
            workflow: String::new(),
            actors: String::new(),
            subject_keys: String::new(),
            immutable_subject: false,
        }
    }
}

/// One edit of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A text field, by its intent name (`account`, `repositories`...).
    Text(&'static str, String),
    /// A checkbox, by its intent name.
    Flag(&'static str, bool),
}

/// A comma- or line-separated list, trimmed, empty items dropped.
fn list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl Form {
    /// The text field named `field` (its intent name), which the form and edits share.
    fn text_mut(&mut self, field: &str) -> &mut String {
        match field {
            "provider" => &mut self.provider,
            "account" => &mut self.account,
            "role" => &mut self.role,
            "region" => &mut self.region,
            "repositories" => &mut self.repositories,
            "branches" => &mut self.branches,
            "tags" => &mut self.tags,
            "environments" => &mut self.environments,
            "workflow" => &mut self.workflow,
            "actors" => &mut self.actors,
            _ => &mut self.subject_keys,
        }
    }

    /// The form after `edit`.
    pub fn apply(&self, edit: Edit) -> Form {
        let mut f = self.clone();
        match edit {
            Edit::Text(field, v) => *f.text_mut(field) = v,
            Edit::Flag(field, v) => match field {
                "pullRequests" => f.pull_requests = v,
                "anyRef" => f.any_ref = v,
                _ => f.immutable_subject = v,
            },
        }
        f
    }

    /// The intent as the spec's JSON (what `generate --spec` and the npm package read). Fields
    /// left empty are left out, so their defaults apply.
    pub fn intent(&self) -> String {
        let repositories = self
            .repositories
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once(char::is_whitespace) {
                Some((repo, id)) => Repo::WithId {
                    repo: repo.into(),
                    id: id.trim().into(),
                },
                None => Repo::Name(l.into()),
            })
            .collect();
        let subject_keys = list(&self.subject_keys);
        let wire = IntentWire {
            provider: self.provider.trim(),
            account: self.account.trim(),
            role: self.role.trim(),
            region: self.region.trim(),
            workflow: self.workflow.trim(),
            repositories,
            branches: list(&self.branches),
            tags: list(&self.tags),
            environments: list(&self.environments),
            actors: list(&self.actors),
            custom_subject: !subject_keys.is_empty(),
            subject_keys,
            pull_requests: self.pull_requests,
            any_ref: self.any_ref,
            immutable_subject: self.immutable_subject,
        };
        serde_json::to_string_pretty(&wire).unwrap_or_default()
    }
}

/// The intent's wire form: the spec's field names, empty fields left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IntentWire<'a> {
    provider: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    account: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    role: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    region: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    workflow: &'a str,
    repositories: Vec<Repo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    branches: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    environments: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subject_keys: Vec<String>,
    #[serde(skip_serializing_if = "is_false")]
    custom_subject: bool,
    #[serde(skip_serializing_if = "is_false")]
    pull_requests: bool,
    #[serde(skip_serializing_if = "is_false")]
    any_ref: bool,
    #[serde(skip_serializing_if = "is_false")]
    immutable_subject: bool,
}

/// One repository: its name, or its name and id.
#[derive(Serialize)]
#[serde(untagged)]
enum Repo {
    Name(String),
    WithId { repo: String, id: String },
}

fn is_false(b: &bool) -> bool {
    !b
}

/// The generator words its advice for the CLI, naming flags; here the same choices are
/// fields of the form. Longer flags first (`--repo-id` before `--repo`); `gh api`'s own
/// flags (`--jq`, `--method`, `--input`) are commands to run and stay.
const FOR_THE_FORM: [(&str, &str); 11] = [
    (
        "--repo-id/--owner-id",
        "repository ids (after each name under Repositories)",
    ),
    (
        "--repo-id",
        "the repository id (after its name under Repositories)",
    ),
    ("--owner-id", "the owner id"),
    ("--any-ref", "“Admit any branch or tag”"),
    ("--pull-requests", "“Admit pull requests”"),
    ("--branch", "Branches"),
    ("--tag", "Tags"),
    ("--environment", "Environments"),
    ("--actor", "Layer 2: actors"),
    ("--workflow", "Layer 1: reusable workflow"),
    ("--sub-key", "Layer 4: custom subject keys"),
];

/// `text` with the CLI's flags replaced by the form's fields, backticks dropped.
pub fn for_the_form(text: &str) -> String {
    let mut out = text.replace('`', "");
    for (flag, field) in FOR_THE_FORM {
        out = out.replace(flag, field);
    }
    out
}

/// The form field a refusal's pointer names (`/repositories/0` → `repositories`), so the
/// message shows next to it; `None` for the intent as a whole.
pub fn field_of(pointer: &str) -> Option<&'static str> {
    let first = pointer.trim_start_matches('/').split('/').next()?;
    FIELDS
        .iter()
        .map(|(name, _, _)| *name)
        .find(|name| *name == first || (*name == "subjectKeys" && first == "customSubject"))
}

/// The form's text fields: (intent name, label, hint).
const FIELDS: [(&str, &str, &str); 10] = [
    ("account", "AWS account", "12 digits"),
    ("role", "Role name", ""),
    (
        "repositories",
        "Repositories",
        "one per line: owner/repo, optionally followed by its id (GitHub: repository_id)",
    ),
    ("branches", "Branches", "comma-separated, e.g. main"),
    ("tags", "Tags", "comma-separated, e.g. v*"),
    (
        "environments",
        "Environments",
        "comma-separated, e.g. production",
    ),
    (
        "workflow",
        "Layer 1: reusable workflow",
        "path@ref, e.g. acme/infra/.github/workflows/deploy.yml@refs/heads/main",
    ),
    ("actors", "Layer 2: actors", "comma-separated logins"),
    (
        "subjectKeys",
        "Layer 4: custom subject keys",
        "comma-separated claims, e.g. repository_id, environment",
    ),
    ("region", "AWS region", "for the workflow, e.g. eu-west-1"),
];

/// The artefact tabs: (id, label, file name for download).
const TABS: [(&str, &str, &str); 6] = [
    ("policy", "Policy JSON", "trust-policy.json"),
    ("terraform", "Terraform", "role.tf"),
    ("cloudformation", "CloudFormation", "role.yaml"),
    ("workflow", "CI workflow", "deploy.yml"),
    ("gh", "gh api", "subject.sh"),
    ("summary", "Summary", "summary.txt"),
];

fn artefact<'a>(a: &'a Artefacts, tab: &str) -> &'a str {
    match tab {
        "policy" => &a.policy,
        "terraform" => &a.terraform,
        "cloudformation" => &a.cloudformation,
        "workflow" => &a.workflow,
        "gh" => a
            .gh_sub
            .as_deref()
            .unwrap_or("# GitHub's default subject fits this policy: no call needed."),
        _ => &a.summary,
    }
}

/// What the generated policy admits: who-can's cases and the attacker replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Who can assume the role, per issuer.
    pub who: Vec<oidc_trust::RegionReport>,
    /// Each attacker token of the replay and whether the policy allows it.
    pub replay: Vec<(String, bool)>,
    /// A token the policy allows: what "Open in the evaluator" loads.
    pub allowed_token: Option<String>,
}

/// Checks the generated policy with the engine the evaluate view uses.
pub fn check(policy: &str) -> Checked {
    let parsed = oidc_trust::parse_policy(policy);
    let who = parsed
        .policy
        .as_ref()
        .map(|p| oidc_trust::who_can(p, None))
        .unwrap_or_default();
    let report = oidc_trust::lint(policy, &oidc_trust::LintOptions::default());
    let replay = report
        .replays
        .iter()
        .flat_map(|r| r.attempts.iter())
        .map(|a| (a.who.clone(), a.decision == oidc_trust::Decision::Allow))
        .collect();
    let allowed_token = who
        .iter()
        .flat_map(|r| r.cases.iter())
        .find_map(|c| c.witness.as_ref())
        .and_then(|w| serde_json::to_string_pretty(w).ok());
    Checked {
        who,
        replay,
        allowed_token,
    }
}

/// The view's properties.
#[derive(Properties, PartialEq, Debug)]
pub struct GenerateProps {
    /// The form a link opened, if any.
    #[prop_or_default]
    pub initial: Option<Form>,
    /// Opens the evaluator with (policy, token).
    pub open_in_evaluator: Callback<(String, String)>,
    /// Makes (share link, embed snippet) of the form.
    pub share: Callback<Form, (String, String)>,
    /// In an iframe: no "open in the evaluator" (it leaves the docs page), no sharing.
    #[prop_or_default]
    pub embedded: bool,
}

/// The Generate view.
#[component]
pub fn GenerateView(props: &GenerateProps) -> Html {
    let form = use_state(|| props.initial.clone().unwrap_or_default());
    let tab = use_state(|| "policy");
    let shared = use_state(|| None::<(String, String)>);
    // The generator arrives once; the view then renders again.
    let arrived = use_state(|| 0u32);
    {
        let arrived = arrived.clone();
        use_effect_with((), move |_| {
            crate::lazy::on_ready(move || arrived.set(*arrived + 1));
        });
    }
    let edit = {
        let form = form.clone();
        let shared = shared.clone();
        Callback::from(move |e: Edit| {
            form.set(form.apply(e));
            shared.set(None);
        })
    };
    let generation = generator::generate(&form.intent());
    let refusal = match &generation {
        Generation::Done(Err(r)) => Some(r.clone()),
        _ => None,
    };
    let error_at = refusal.as_ref().and_then(|r| field_of(&r.pointer));
    let text_field = |name: &'static str, label: &'static str, hint: &'static str| {
        let edit = edit.clone();
        let value = (*form).clone().text_mut(name).clone();
        let id = format!("gen-{name}");
        let invalid = error_at == Some(name);
        let described = if invalid {
            format!("{id}-error {id}-hint")
        } else {
            format!("{id}-hint")
        };
        let multiline = name == "repositories";
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            edit.emit(Edit::Text(name, v));
        });
        html! {
            <div class={classes!("gen-field", invalid.then_some("invalid"))}>
                <label for={id.clone()}>{ label }</label>
                if multiline {
                    <textarea id={id.clone()} rows="2" value={value} {oninput} spellcheck="false"
                        aria-invalid={invalid.to_string()} aria-describedby={described} data-testid={id.clone()} />
                } else {
                    <input type="text" id={id.clone()} value={value} {oninput} spellcheck="false"
                        aria-invalid={invalid.to_string()} aria-describedby={described} data-testid={id.clone()} />
                }
                <span class="hint" id={format!("{id}-hint")}>{ hint }</span>
                if let Some(r) = refusal.as_ref().filter(|_| invalid) {
                    <p class="field-error" id={format!("{id}-error")} role="alert" data-testid="gen-error">
                        <code>{ &r.code }</code>{ " " }{ for_the_form(&r.message) }{ ". " }<span class="help">{ for_the_form(&r.help) }</span>
                    </p>
                }
            </div>
        }
    };
    let flag = |name: &'static str, label: &'static str, checked: bool| {
        let edit = edit.clone();
        let onchange = Callback::from(move |e: Event| {
            let on = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked();
            edit.emit(Edit::Flag(name, on));
        });
        html! {
            <label class="check">
                <input type="checkbox" {checked} {onchange} data-testid={format!("gen-{name}")} />{ " " }{ label }
            </label>
        }
    };
    let on_provider = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            edit.emit(Edit::Text("provider", v));
        })
    };
    // While the intent is refused, the last valid intent's artefacts stay, dimmed: the
    // reader keeps their place, and nothing jumps while a field is half typed.
    let last_good = use_mut_ref(|| None::<Artefacts>);
    let artefacts = match &generation {
        Generation::Done(Ok(a)) => {
            *last_good.borrow_mut() = Some(a.clone());
            Some(a.clone())
        }
        Generation::Done(Err(_)) => last_good.borrow().clone(),
        _ => None,
    };
    let outdated = refusal.is_some() && artefacts.is_some();
    // Lint and who-can once per policy, not on every render (a tab click, a share).
    let checked = use_memo(artefacts.as_ref().map(|a| a.policy.clone()), |policy| {
        policy.as_deref().map(check)
    });
    let checked = (*checked).clone();
    html! {
        <>
        if props.embedded {
            // The way into the playground carries what was typed here.
            <div class="embed-head">
                <h1 class="embed-title">{ "oidc-trust: trust policy generator" }</h1>
                <a href={props.share.emit((*form).clone()).0} target="_blank" rel="noopener" data-testid="embed-open">{ "Open in the playground ↗" }</a>
            </div>
        }
        <div class="columns generate" data-testid="generate-view">
            <section class="inputs" aria-label="Intent">
                <h2 class="view-title">{ "What should be allowed to assume the role?" }</h2>
                <div class="gen-field">
                    <label for="gen-provider">{ "CI provider" }</label>
                    <select id="gen-provider" onchange={on_provider} data-testid="gen-provider">
                        for p in oidc_trust::CiProvider::ALL {
                            <option value={p.name()} selected={form.provider == p.name()}>{ p.name() }</option>
                        }
                    </select>
                </div>
                for (name, label, hint) in FIELDS {
                    { text_field(name, label, hint) }
                }
                { flag("pullRequests", "Admit pull requests (their code is unreviewed: only for read-only roles)", form.pull_requests) }
                { flag("anyRef", "Admit any branch or tag (anyone who can push gets in)", form.any_ref) }
                { flag("immutableSubject", "GitHub immutable subjects (pin ids, not names)", form.immutable_subject) }
                if let Some(r) = refusal.as_ref().filter(|_| error_at.is_none()) {
                    <p class="field-error" role="alert" data-testid="gen-error">
                        <code>{ &r.code }</code>{ " " }{ for_the_form(&r.message) }{ ". " }<span class="help">{ for_the_form(&r.help) }</span>
                    </p>
                }
            </section>
            <section class="results" aria-label="Generated">
                { match &generation {
                    Generation::Pending => html! { <p class="muted" role="status">{ "Loading the generator (once, in this page)…" }</p> },
                    Generation::Unavailable(why) => html! { <p class="banner error" role="alert">{ format!("The generator could not be loaded: {why}. Reload the page.") }</p> },
                    Generation::Done(Err(_)) => html! {
                        <p class="muted" role="status" data-testid="gen-outdated">
                            { "Fix the highlighted field: until then these are the last valid intent's artefacts." }
                        </p>
                    },
                    Generation::Done(Ok(_)) => html! {},
                } }
                if let Some(a) = &artefacts {
                    <div class={classes!("gen-artefacts", outdated.then_some("stale"))} aria-busy={outdated.to_string()}>
                    { artefact_tabs(a, &tab) }
                    if !a.warnings.is_empty() {
                        <ul class="notes" data-testid="gen-warnings">
                            for w in a.warnings.iter() {
                                <li class="note warning"><span class="level">{ "warning" }</span>{ " " }{ for_the_form(w) }</li>
                            }
                        </ul>
                    }
                    </div>
                }
                if let Some(c) = &checked {
                    <div class={classes!(outdated.then_some("stale"))}>{ checks(c) }</div>
                }
                if !props.embedded {
                    // Only a policy of what the form says now goes to the evaluator.
                    if let (Some(a), Some(c), false) = (&artefacts, &checked, outdated) {
                        { open_button(a, c, &props.open_in_evaluator) }
                    }
                    { share_box(&form, &props.share, &shared) }
                }
            </section>
        </div>
        </>
    }
}

/// The tabs this intent has: `gh api` only where GitHub's subject is customised.
fn tabs(a: &Artefacts) -> Vec<(&'static str, &'static str, &'static str)> {
    TABS.iter()
        .copied()
        .filter(|(id, _, _)| *id != "gh" || a.gh_sub.is_some())
        .collect()
}

/// The artefacts in tabs (WAI-ARIA tabs: arrow keys move between them, only the selected
/// one is a Tab stop), each with copy and download.
fn artefact_tabs(a: &Artefacts, tab: &UseStateHandle<&'static str>) -> Html {
    let tabs = tabs(a);
    // A tab the new intent no longer has (`gh api`) falls back to the policy.
    let current = if tabs.iter().any(|t| t.0 == **tab) {
        **tab
    } else {
        "policy"
    };
    let language = match current {
        "policy" => Language::Json,
        "terraform" => Language::Hcl,
        _ => Language::Plain,
    };
    let text = artefact(a, current).to_string();
    // The CI configuration downloads under its own name (`.gitlab-ci.yml`, `deploy.yml`...).
    let file = match current {
        "workflow" => a
            .workflow_path
            .rsplit('/')
            .next()
            .filter(|f| !f.is_empty())
            .unwrap_or("deploy.yml")
            .to_string(),
        _ => TABS
            .iter()
            .find(|t| t.0 == current)
            .map_or("artefact.txt", |t| t.2)
            .to_string(),
    };
    let copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| copy_text(&text))
    };
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        js_sys::encode_uri_component(&text)
    );
    let onkeydown = {
        let tab = tab.clone();
        let ids: Vec<&'static str> = tabs.iter().map(|t| t.0).collect();
        Callback::from(move |e: KeyboardEvent| {
            let at = ids.iter().position(|id| *id == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (at + 1) % ids.len(),
                "ArrowLeft" => (at + ids.len() - 1) % ids.len(),
                "Home" => 0,
                "End" => ids.len() - 1,
                _ => return,
            };
            e.prevent_default();
            tab.set(ids[next]);
            focus_by_id(&format!("gen-tab-{}", ids[next]));
        })
    };
    html! {
        <div class="artefacts">
            <div role="tablist" aria-label="Artefacts" class="tabs" {onkeydown}>
                for (id, label, _) in tabs.iter().copied() {
                    <button type="button" role="tab" id={format!("gen-tab-{id}")}
                        aria-selected={(id == current).to_string()} tabindex={if id == current { "0" } else { "-1" }}
                        aria-controls="gen-panel" data-testid={format!("gen-tab-{id}")}
                        onclick={ let tab = tab.clone(); Callback::from(move |_: MouseEvent| tab.set(id)) }>
                        { label }
                    </button>
                }
            </div>
            <div id="gen-panel" role="tabpanel" class="tab-panel" aria-labelledby={format!("gen-tab-{current}")}>
                <label for="gen-output" class="sr-only" id="gen-panel-label">
                    { TABS.iter().find(|t| t.0 == current).map_or("", |t| t.1) }
                </label>
                <div class="tab-actions">
                    <button type="button" class="locate" onclick={copy} data-testid="gen-copy">{ "copy" }</button>
                    <a class="locate" href={href} download={file.clone()} data-testid="gen-download">{ format!("download {file}") }</a>
                </div>
                // The evaluate view's editor, read-only: line numbers and colours.
                <Editor id="gen-output" testid="gen-output" value={AttrValue::from(text)}
                    oninput={Callback::noop()} language={language} readonly=true
                    describedby="gen-panel-label" rows={20} />
            </div>
        </div>
    }
}

/// Moves focus to the element with `id` (the tab the arrow keys chose), after it renders.
fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    let id = id.to_string();
    // After Yew's render of the new selection.
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}

fn checks(c: &Checked) -> Html {
    let denied = c.replay.iter().filter(|(_, allowed)| !allowed).count();
    html! {
        <>
            <details class="who" open=true data-testid="gen-who">
                <summary>{ "Who gets in" }</summary>
                for r in c.who.iter() {
                    <p class="issuer"><code>{ &r.issuer }</code></p>
                    <ol class="cases">
                        for s in r.summary.iter() {
                            <li>{ s.replace('`', "") }</li>
                        }
                    </ol>
                }
            </details>
            <details class="who" open=true data-testid="gen-replay">
                <summary>{ format!("Attacker replay: {denied} of {} denied", c.replay.len()) }</summary>
                <ul class="finding-list">
                    for (what, allowed) in c.replay.iter() {
                        <li data-testid="gen-replay-row" data-result={if *allowed { "allowed" } else { "denied" }}>
                            <span class={classes!("mark", if *allowed { "fail" } else { "pass" })}>
                                <span aria-hidden="true">{ if *allowed { "✗" } else { "✓" } }</span>
                                <span class="sr-only">{ if *allowed { "allowed" } else { "denied" } }</span>
                            </span>
                            { " " }{ what.replace('`', "") }{ if *allowed { " — allowed" } else { " — denied" } }
                        </li>
                    }
                </ul>
            </details>
        </>
    }
}

fn open_button(a: &Artefacts, c: &Checked, open: &Callback<(String, String)>) -> Html {
    let Some(token) = c.allowed_token.clone() else {
        return html! {};
    };
    let policy = a.policy.clone();
    let open = open.clone();
    let onclick = Callback::from(move |_: MouseEvent| open.emit((policy.clone(), token.clone())));
    html! {
        <p><button type="button" class="primary" {onclick} data-testid="gen-open">
            { "Open in the evaluator, with a token it allows" }
        </button></p>
    }
}

fn share_box(
    form: &Form,
    share: &Callback<Form, (String, String)>,
    shared: &UseStateHandle<Option<(String, String)>>,
) -> Html {
    let onclick = {
        let (form, share, shared) = (form.clone(), share.clone(), shared.clone());
        Callback::from(move |_: MouseEvent| {
            let made = share.emit(form.clone());
            copy_text(&made.0);
            shared.set(Some(made));
        })
    };
    html! {
        <section class="share" aria-label="Share the generator">
            <button type="button" class="primary" {onclick} data-testid="gen-share">{ "Share this intent" }</button>
            if let Some((link, snippet)) = &**shared {
                <label class="field">
                    <span>{ "Link" }</span>
                    <input type="text" readonly=true value={link.clone()} data-testid="gen-share-link" />
                </label>
                <label class="field">
                    <span>{ "Embed this generator, with this intent as its preset, in docs" }</span>
                    <textarea class="snippet" readonly=true rows="4" value={snippet.clone()} data-testid="gen-embed-snippet" />
                </label>
            }
        </section>
    }
}

/// Best effort: the text stays on screen to copy by hand.
fn copy_text(text: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let clipboard = crate::app::clipboard();
        if let Some(c) = clipboard {
            let promise = c.write_text(text);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_generates_a_policy_that_admits_main_and_denies_every_attacker() {
        let form = Form::default();
        let Generation::Done(Ok(a)) = generator::generate(&form.intent()) else {
            panic!("no artefacts");
        };
        assert!(a.policy.contains("repo:acme/api:ref:refs/heads/main"));
        let c = check(&a.policy);
        // Names alone: a recreated `acme/api` gets in, and the replay says so.
        let allowed: Vec<&str> = c
            .replay
            .iter()
            .filter(|(_, a)| *a)
            .map(|(w, _)| w.as_str())
            .collect();
        assert!(
            c.replay.len() > 5 && allowed.len() == 1 && allowed[0].contains("rename"),
            "{:?}",
            c.replay
        );
        // With the repository's id, every attacker token is denied.
        let pinned = form.apply(Edit::Text("repositories", "acme/api 74".into()));
        let Generation::Done(Ok(p)) = generator::generate(&pinned.intent()) else {
            panic!("no artefacts with an id");
        };
        let c2 = check(&p.policy);
        assert!(
            c2.replay.iter().all(|(_, allowed)| !allowed),
            "{:?}",
            c2.replay
        );
        // The token offered to the evaluator is allowed there.
        let token = c.allowed_token.unwrap();
        let inputs = crate::state::Inputs {
            policy: a.policy,
            claims: token,
            ..crate::state::State::default().inputs
        };
        let s = crate::state::State::new(inputs, None);
        assert_eq!(
            s.analysis.evaluation.as_ref().map(|e| e.decision),
            Some(oidc_trust::Decision::Allow)
        );
    }

    #[test]
    fn advice_names_the_forms_fields_not_the_clis_flags() {
        let Generation::Done(Ok(a)) = generator::generate(&Form::default().intent()) else {
            panic!("no artefacts");
        };
        let shown: Vec<String> = a.warnings.iter().map(|w| for_the_form(w)).collect();
        assert!(
            a.warnings.iter().any(|w| w.contains("--repo-id")),
            "{:?}",
            a.warnings
        );
        assert!(
            shown
                .iter()
                .all(|w| !w.contains("--repo") && !w.contains('`')),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|w| w.contains("under Repositories")),
            "{shown:?}"
        );
        // gh api's own flags are commands to run: kept.
        assert_eq!(for_the_form("gh api x --jq '.id'"), "gh api x --jq '.id'");
    }

    #[test]
    fn a_refusal_points_at_its_field_and_the_form_keeps_what_was_typed() {
        let form = Form::default().apply(Edit::Text(
            "workflow",
            "acme/infra/.github/workflows/deploy.yml".into(),
        ));
        let Generation::Done(Err(r)) = generator::generate(&form.intent()) else {
            panic!("a workflow without @ref is refused");
        };
        assert_eq!(field_of(&r.pointer), Some("workflow"), "{r:?}");
        assert_eq!(form.workflow, "acme/infra/.github/workflows/deploy.yml");
        let empty = Form::default().apply(Edit::Text("repositories", "acme/".into()));
        let Generation::Done(Err(r)) = generator::generate(&empty.intent()) else {
            panic!("an empty repository name is refused");
        };
        assert_eq!(field_of(&r.pointer), Some("repositories"), "{r:?}");
    }

    #[test]
    fn the_intent_is_the_specs_json_and_the_form_round_trips_through_a_link() {
        let form = Form {
            repositories: "acme/api 74\nacme/web".into(),
            environments: "production, staging".into(),
            pull_requests: true,
            subject_keys: "repository_id".into(),
            ..Form::default()
        };
        let intent: serde_json::Value = serde_json::from_str(&form.intent()).unwrap();
        assert_eq!(intent["repositories"][0]["repo"], "acme/api");
        assert_eq!(intent["repositories"][0]["id"], "74");
        assert_eq!(intent["repositories"][1], "acme/web");
        assert_eq!(intent["environments"][1], "staging");
        assert_eq!(intent["customSubject"], true);
        assert!(intent.get("tags").is_none() && intent.get("anyRef").is_none());
        let link = crate::share::generate_fragment(&form);
        assert_eq!(crate::share::restore_generate(&link), Some(Ok(Some(form))));
    }
}
