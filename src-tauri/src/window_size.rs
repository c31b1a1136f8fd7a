//! The main window's size and maximised state, remembered in the app's config folder
//! (`window.json`) and restored at the next start.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{LogicalSize, Manager, WebviewWindow, WindowEvent};

/// Smaller than this is a window nobody meant (or a broken file): the default size is kept.
const MIN_WIDTH: f64 = 720.0;
const MIN_HEIGHT: f64 = 480.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowSize {
    /// Logical pixels, so the size means the same on a screen with another scale factor.
    pub width: f64,
    pub height: f64,
    #[serde(default)]
    pub maximized: bool,
}

impl WindowSize {
    /// The remembered size in `file`, if there is a usable one.
    pub fn load(file: &Path) -> Option<WindowSize> {
        let bytes = std::fs::read(file).ok()?;
        let size: WindowSize = serde_json::from_slice(&bytes).ok()?;
        (size.width.is_finite()
            && size.height.is_finite()
            && size.width >= MIN_WIDTH
            && size.height >= MIN_HEIGHT)
            .then_some(size)
    }

    /// Writes the size through a temporary file, so a crash mid-write leaves the old one.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = file.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec(self).expect("a size serialises"))?;
        std::fs::rename(tmp, file)
    }

    fn of(window: &WebviewWindow) -> Option<WindowSize> {
        let scale = window.scale_factor().ok()?;
        let size = window.inner_size().ok()?.to_logical::<f64>(scale);
        Some(WindowSize {
            width: size.width,
            height: size.height,
            maximized: window.is_maximized().unwrap_or(false),
        })
    }
}

fn file(window: &WebviewWindow) -> Option<PathBuf> {
    Some(
        window
            .app_handle()
            .path()
            .app_config_dir()
            .ok()?
            .join("window.json"),
    )
}

/// Restores the remembered size of `window` and remembers every later resize.
pub fn remember(window: &WebviewWindow) {
    let Some(file) = file(window) else {
        return;
    };
    if let Some(size) = WindowSize::load(&file) {
        let _ = window.set_size(LogicalSize::new(size.width, size.height));
        if size.maximized {
            let _ = window.maximize();
        }
    }
    let watched = window.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::Resized(_) = event {
            let Some(mut size) = WindowSize::of(&watched) else {
                return;
            };
            if size.maximized {
                // Keep the size to come back to when it is un-maximised.
                match WindowSize::load(&file) {
                    Some(before) => {
                        size.width = before.width;
                        size.height = before.height;
                    }
                    None => return,
                }
            }
            let _ = size.save(&file);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_size_loads_back_and_a_broken_or_tiny_one_is_ignored() {
        let dir = std::env::temp_dir().join(format!("tracelab-window-{}", std::process::id()));
        let file = dir.join("window.json");
        let size = WindowSize {
            width: 1111.0,
            height: 777.0,
            maximized: false,
        };
        size.save(&file).unwrap();
        assert_eq!(WindowSize::load(&file), Some(size));
        std::fs::write(&file, b"{\"width\": 10, \"height\": 10}").unwrap();
        assert_eq!(WindowSize::load(&file), None);
        std::fs::write(&file, b"not json").unwrap();
        assert_eq!(WindowSize::load(&file), None);
        assert_eq!(WindowSize::load(&dir.join("missing.json")), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
