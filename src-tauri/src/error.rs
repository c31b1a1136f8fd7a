//! Errors as they cross to the UI: `{code, message}`. The UI branches on `code`, and shows
//! `message`, a sentence naming the file and the problem.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct AppError {
    pub code: &'static str,
    pub message: String,
}

impl From<tracelab_core::Error> for AppError {
    fn from(e: tracelab_core::Error) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl AppError {
    /// A failure of the app itself (a worker thread that panicked), not of the input.
    pub fn internal(message: String) -> Self {
        AppError {
            code: "internal",
            message,
        }
    }

    pub fn no_archive() -> Self {
        AppError {
            code: "no_archive",
            message: "No archive is open. Use File → Open archive… to choose one.".into(),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
