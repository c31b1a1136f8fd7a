//! Tracelab desktop: a thin Tauri shell over `tracelab-core`. It opens the archive named on
//! the command line (or in `TRACELAB_ARCHIVE`), else the last one used, else the bundled
//! sample archive, and serves the UI windows of rows as Arrow IPC bytes.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod curation;
mod error;
mod explore;
mod import;
mod labels;
mod launch_page;
mod progress;
mod regressions;
mod sql;
mod state;
mod window_size;

use std::path::PathBuf;

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{App, Manager};

use state::AppState;

const OPEN_ARCHIVE_MENU_ID: &str = "open_archive";

/// The folder the bundled sample archive is installed under, relative to the resources.
const BUNDLED_SAMPLE: &str = "sample-archive";

fn main() {
    tauri::Builder::default()
        .manage(AppState::default())
        .manage(import::ImportJobs::default())
        .menu(|app| {
            let file = Submenu::with_items(
                app,
                "File",
                true,
                &[
                    &MenuItem::with_id(
                        app,
                        OPEN_ARCHIVE_MENU_ID,
                        "Open archive…",
                        true,
                        Some("CmdOrCtrl+O"),
                    )?,
                    &PredefinedMenuItem::separator(app)?,
                    &PredefinedMenuItem::quit(app, None)?,
                ],
            )?;
            Menu::with_items(app, &[&file])
        })
        .on_menu_event(|app, event| {
            if event.id() == OPEN_ARCHIVE_MENU_ID {
                commands::open_from_menu(app);
            }
        })
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                window_size::remember(&window);
            }
            open_startup_archive(app);
            // The engine opens, and the first rows are made, while the window and its page load.
            if app.state::<AppState>().has_archive() {
                launch_page::start(app.handle());
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::archive_summary,
            commands::archive_breakdown,
            commands::open_archive,
            commands::choose_archive,
            explore::facets,
            explore::sessions_page,
            explore::search_hits,
            explore::trajectory,
            regressions::time_series,
            regressions::attribution,
            regressions::compare,
            regressions::save_report,
            sql::sql_schema,
            sql::sql_run,
            sql::sql_export,
            labels::session_labels,
            labels::label_counts,
            labels::add_label,
            curation::curate_default,
            curation::curate_preview,
            curation::curate_save_config,
            curation::choose_output_folder,
            curation::curate_export,
            import::choose_import_files,
            import::choose_import_folder,
            import::import_traces,
            import::cancel_import,
        ])
        .run(tauri::generate_context!())
        .expect("the Tauri runtime failed to start");
}

/// Chooses and opens the archive to show first.
fn open_startup_archive(app: &App) {
    let state = app.state::<AppState>();
    if let Ok(dir) = app.path().app_config_dir() {
        state.set_recent_file(dir.join("recent-archives.json"));
    }
    let named = std::env::args_os()
        .nth(1)
        .filter(|a| !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRACELAB_ARCHIVE").map(PathBuf::from));
    if let Some(path) = named {
        // An archive the user named is opened even if it fails, so the error is shown.
        let _ = state.open(&path);
        return;
    }
    if let Some(last) = state
        .recent()
        .into_iter()
        .find(|p| p.join("manifest.json").exists())
    {
        if state.open(&last).is_ok() {
            return;
        }
    }
    let bundled = app
        .path()
        .resource_dir()
        .map(|d| d.join(BUNDLED_SAMPLE))
        .ok()
        .filter(|p| p.join("manifest.json").exists());
    let sample = bundled.unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../sample-data/archive"
        ))
    });
    let _ = state.open(&sample);
}
