//! "Remember my inputs on this device": off by default. When on, the inputs are kept in
//! this browser's localStorage, in the share link's form (a JWT without its signature),
//! and the token's claims only when the user also ticks that, after a warning. Turning it
//! off deletes what was kept.

use gloo_storage::{LocalStorage, Storage};

use crate::share::{self, Mode};
use crate::state::Inputs;

/// Whether this page may use localStorage at all. gloo-storage panics without it (a
/// sandboxed or third-party iframe, storage disabled by the user), so every use asks first.
pub fn available() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some()
}

const CHOICE_KEY: &str = "oidc-trust-remember";
const INPUTS_KEY: &str = "oidc-trust-inputs";

/// What the user chose to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Remember {
    /// Nothing (the default).
    #[default]
    Off,
    /// The policy and options, not the token.
    Inputs,
    /// The token's claims too.
    WithToken,
}

/// The choice kept in this browser.
pub fn choice() -> Remember {
    if !available() {
        return Remember::Off;
    }
    match LocalStorage::get::<String>(CHOICE_KEY).ok().as_deref() {
        Some("inputs") => Remember::Inputs,
        Some("inputs+token") => Remember::WithToken,
        _ => Remember::Off,
    }
}

/// Records the choice; `Off` deletes what was kept.
pub fn set_choice(choice: Remember, inputs: &Inputs) {
    if !available() {
        return;
    }
    match choice {
        Remember::Off => {
            LocalStorage::delete(CHOICE_KEY);
            LocalStorage::delete(INPUTS_KEY);
        }
        Remember::Inputs | Remember::WithToken => {
            let name = if choice == Remember::WithToken {
                "inputs+token"
            } else {
                "inputs"
            };
            let _ = LocalStorage::set(CHOICE_KEY, name);
            save(inputs);
        }
    }
}

/// Keeps `inputs` as the choice allows (nothing when it is off).
pub fn save(inputs: &Inputs) {
    let mut kept = inputs.clone();
    match choice() {
        Remember::Off => return,
        Remember::Inputs => kept.claims.clear(),
        Remember::WithToken => {}
    }
    let _ = LocalStorage::set(INPUTS_KEY, share::fragment(&kept, Mode::Edit));
}

/// The inputs kept by an earlier visit, when the choice is on.
pub fn load() -> Option<Inputs> {
    if choice() == Remember::Off {
        return None;
    }
    let fragment = LocalStorage::get::<String>(INPUTS_KEY).ok()?;
    match share::restore(&fragment) {
        Some(Ok((inputs, _))) => Some(inputs),
        _ => None,
    }
}
