//! The engine's error type: one enum, split by cause, each variant a sentence a user can act on.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path the user named does not exist.
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    /// A folder exists but holds no `manifest.json`.
    #[error("{}: not a Tracelab archive (no manifest.json); create one with `tracelab import ... --into {}`", .0.display(), .0.display())]
    NotAnArchive(PathBuf),
    /// An archive file is unreadable or inconsistent.
    #[error("{}: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    /// An input the user gave is not what the command expects.
    #[error("{}: {reason}", path.display())]
    BadInput { path: PathBuf, reason: String },
    /// A file-system operation failed.
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Arrow or Parquet failed on data we produced or read.
    #[error("{}: {reason}", path.display())]
    Parquet { path: PathBuf, reason: String },
    /// A query could not be planned or run (bad SQL, unknown column, wrong type).
    #[error("{message}")]
    Query { message: String },
    /// The SQL console refused a statement that would change something.
    #[error("{message}")]
    Refused { message: String },
    /// The user cancelled a long job.
    #[error("cancelled")]
    Cancelled,
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            return Error::NotFound(path.as_ref().to_path_buf());
        }
        Error::Io {
            path: path.as_ref().to_path_buf(),
            error: source,
        }
    }

    /// Wraps an Arrow or Parquet error with the file it concerns.
    pub fn parquet(path: impl AsRef<Path>, err: impl std::fmt::Display) -> Self {
        Error::Parquet {
            path: path.as_ref().to_path_buf(),
            reason: err.to_string(),
        }
    }

    /// True when the error is a closed pipe (`tracelab export ... | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { error, .. } if error.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// A stable machine-readable code, for the desktop app's `{code, message}` errors.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::NotAnArchive(_) => "not_an_archive",
            Error::Corrupt { .. } | Error::Parquet { .. } => "corrupt",
            Error::BadInput { .. } => "bad_input",
            Error::Io { .. } => "io",
            Error::Query { .. } => "query",
            Error::Refused { .. } => "refused",
            Error::Cancelled => "cancelled",
        }
    }
}
