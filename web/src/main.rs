//! Starts the playground in the page's `<main id="app">`.
fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("app"));
        if let Some(root) = root {
            // The "loading" text index.html shows while this module downloads.
            root.set_inner_html("");
            yew::Renderer::<oidc_trust_web::app::App>::with_root(root).render();
        }
    }
}
