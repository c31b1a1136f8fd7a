//! Which engine runs an archive's queries: DataFusion in this process, or a Apache DataFusion
//! Ballista cluster (`ballista://HOST:PORT`, the scheduler's address). Both get the same
//! tables and plans; a Ballista session only changes who executes the physical plan.

use std::str::FromStr;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};

/// Ballista's default scheduler port.
pub const DEFAULT_SCHEDULER_PORT: u16 = 50050;

/// How long to wait for a TCP connection to the scheduler before saying it is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Engine {
    /// DataFusion in this process.
    #[default]
    Local,
    /// A Ballista scheduler at `host:port`.
    Ballista { host: String, port: u16 },
}

impl FromStr for Engine {
    type Err = String;

    /// `local`, or `ballista://HOST[:PORT]` (port 50050 when left out).
    fn from_str(text: &str) -> std::result::Result<Engine, String> {
        if text == "local" {
            return Ok(Engine::Local);
        }
        let url = Url::parse(text)
            .ok()
            .filter(|u| u.scheme() == "ballista")
            .ok_or_else(|| format!("`{text}`: expected `local` or `ballista://HOST:PORT`"))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| format!("`{text}`: no scheduler host"))?;
        Ok(Engine::Ballista {
            host: host.to_string(),
            port: url.port().unwrap_or(DEFAULT_SCHEDULER_PORT),
        })
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Local => f.write_str("local"),
            Engine::Ballista { host, port } => write!(f, "ballista://{host}:{port}"),
        }
    }
}

impl Engine {
    /// Fails fast, with the address in the message, when the scheduler cannot be reached
    /// (Ballista itself would only notice at the first query, after its own long timeouts).
    pub(crate) async fn check_reachable(&self) -> Result<()> {
        let Engine::Ballista { host, port } = self else {
            return Ok(());
        };
        let unreachable = |reason: String| Error::Query {
            message: format!("cannot reach the Ballista scheduler at {self}: {reason}"),
        };
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio::net::TcpStream::connect((host.as_str(), *port)),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(unreachable(e.to_string())),
            Err(_) => Err(unreachable(format!(
                "no answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }

    /// The scheduler URL in the form Ballista's client takes.
    pub(crate) fn scheduler_url(&self) -> Option<String> {
        match self {
            Engine::Local => None,
            Engine::Ballista { host, port } => Some(format!("df://{host}:{port}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local_and_ballista_addresses() {
        assert_eq!("local".parse::<Engine>().unwrap(), Engine::Local);
        assert_eq!(
            "ballista://10.0.0.5:50051".parse::<Engine>().unwrap(),
            Engine::Ballista {
                host: "10.0.0.5".into(),
                port: 50051
            }
        );
        assert_eq!(
            "ballista://scheduler"
                .parse::<Engine>()
                .unwrap()
                .to_string(),
            "ballista://scheduler:50050"
        );
        assert!("http://x:1".parse::<Engine>().is_err());
        assert!("spark://x".parse::<Engine>().is_err());
    }

    #[tokio::test]
    async fn an_unreachable_scheduler_is_named_in_the_error() {
        // Port 9 (discard) on loopback: nothing listens there on a test machine.
        let engine: Engine = "ballista://127.0.0.1:9".parse().unwrap();
        let e = engine.check_reachable().await.unwrap_err().to_string();
        assert!(
            e.contains("cannot reach the Ballista scheduler at ballista://127.0.0.1:9"),
            "{e}"
        );
    }
}
