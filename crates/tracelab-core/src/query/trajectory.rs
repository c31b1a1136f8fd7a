//! One session with its steps, for the trajectory view: a point lookup on both tables
//! (row-group statistics and page indexes keep it to a few pages at any archive size).

use datafusion::logical_expr::{col, lit};

use super::{plain_strings, query_error, QueryEngine};
use crate::columnar;
use crate::error::{Error, Result};
use crate::record::Trajectory;

impl QueryEngine {
    /// The session `session_id` and its steps in order; `None` when the archive has no such
    /// session.
    pub async fn trajectory(&self, session_id: &str) -> Result<Option<Trajectory>> {
        let session = async {
            self.lookup
                .table("sessions")
                .await
                .and_then(|t| t.filter(col("session_id").eq(lit(session_id))))
                .map_err(query_error)?
                .collect()
                .await
                .map_err(query_error)
        };
        // Both lookups at once: the session's row is a scan of its id column, its events a
        // few pages; neither needs the other.
        let (sessions, events) =
            futures::future::join(session, self.session_events(session_id)).await;
        let sessions = sessions?;
        let bad = |e: columnar::ColumnError| Error::Query {
            message: e.to_string(),
        };
        let mut found = Vec::new();
        for batch in &sessions {
            found.extend(columnar::sessions_from_batch(&plain_strings(batch)?).map_err(bad)?);
        }
        let Some(session) = found.into_iter().next() else {
            return Ok(None);
        };
        let events = columnar::events_from_batch(&events?).map_err(bad)?;
        Ok(Some(Trajectory { session, events }))
    }
}
