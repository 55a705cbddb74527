//! WebAssembly modules the page fetches the first time it needs them: the Terraform reader
//! (when HCL is pasted) and the generator (when the Generate view opens). Each is the npm
//! package's module of the same name, built into `dist/<dir>/` by `web/finish.mjs`; loading
//! them on demand keeps the first load within its budget.

#[cfg(target_arch = "wasm32")]
pub use browser::{module, on_ready};

/// What to call when a module arrives: natively there is nothing to load.
#[cfg(not(target_arch = "wasm32"))]
pub fn on_ready(_: impl Fn() + 'static) {}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
export function load_module(dir, name) {
  const at = (file) => new URL(`${dir}/${file}`, document.baseURI);
  return import(at(`${name}.js`).href).then(async (m) => {
    await m.default({ module_or_path: at(`${name}_bg.wasm`) });
    return m;
  });
}
"#)]
    extern "C" {
        fn load_module(dir: &str, name: &str) -> js_sys::Promise;
    }

    enum Status {
        Loading,
        Ready(JsValue),
        Failed(String),
    }

    thread_local! {
        /// By module name.
        static MODULES: RefCell<Vec<(&'static str, Status)>> = const { RefCell::new(Vec::new()) };
        static READY: RefCell<Vec<Box<dyn Fn()>>> = const { RefCell::new(Vec::new()) };
    }

    /// Adds what to call when a module arrives (or fails to): read the inputs again.
    pub fn on_ready(callback: impl Fn() + 'static) {
        READY.with(|r| r.borrow_mut().push(Box::new(callback)));
    }

    /// Module `name` from `dir/`: `Ok(Some)` once loaded, `Ok(None)` while it loads (the
    /// first call starts it), `Err` with why when it could not be loaded.
    pub fn module(dir: &'static str, name: &'static str) -> Result<Option<JsValue>, String> {
        let known = MODULES.with(|m| {
            m.borrow()
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| match s {
                    Status::Ready(m) => Ok(Some(m.clone())),
                    Status::Loading => Ok(None),
                    Status::Failed(e) => Err(e.clone()),
                })
        });
        if let Some(known) = known {
            return known;
        }
        MODULES.with(|m| m.borrow_mut().push((name, Status::Loading)));
        wasm_bindgen_futures::spawn_local(async move {
            let status = match wasm_bindgen_futures::JsFuture::from(load_module(dir, name)).await {
                Ok(m) => Status::Ready(m),
                Err(e) => Status::Failed(
                    e.dyn_ref::<js_sys::Error>()
                        .and_then(|e| e.message().as_string())
                        .or_else(|| e.as_string())
                        .unwrap_or_else(|| "the download failed".into()),
                ),
            };
            MODULES.with(|m| {
                if let Some(slot) = m.borrow_mut().iter_mut().find(|(n, _)| *n == name) {
                    slot.1 = status;
                }
            });
            READY.with(|r| r.borrow().iter().for_each(|callback| callback()));
        });
        Ok(None)
    }
}
