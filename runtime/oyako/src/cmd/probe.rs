//! `oyako probe`: one GET on the admin listener of `oyako serve` on this machine, for places
//! that have no HTTP client: the systemd unit's `ExecStartPost` (so `systemctl start` returns
//! once the bundle is served, and fails when it never is) and the container image's
//! `HEALTHCHECK` (the image has nothing but the binary).
//!
//! Plain blocking HTTP/1.1 over `std::net`: it asks one path of a loopback server and reads
//! the status line, so it needs neither the async runtime nor TLS.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Time allowed to connect, send and read one answer.
const TIMEOUT: Duration = Duration::from_secs(3);
/// Pause between tries while `--wait` lasts.
const PAUSE: Duration = Duration::from_millis(200);
/// Most bytes of an answer read (status line and a short body).
const MAX_ANSWER: u64 = 4096;

/// Where to ask, what, and for how long.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The admin listener (`oyako serve --admin-listen`).
    #[arg(long, default_value = "127.0.0.1:9091")]
    admin: SocketAddr,
    /// The path: /readyz (bundle loaded, not shutting down) or /healthz (process alive).
    #[arg(long, default_value = "/readyz", value_parser = parse_path)]
    path: String,
    /// Keep trying until the answer is 200, for at most this long (e.g. 30s); default: once.
    #[arg(long, default_value = "0s", value_parser = parse_wait)]
    wait: Duration,
}

/// Exits 0 (printing the answer's body) once the path answers 200, else 1 with the reason.
pub fn execute(args: &Args) -> ExitCode {
    let deadline = Instant::now() + args.wait;
    loop {
        let why = match get(args.admin, &args.path) {
            Ok((200, body)) => {
                print!("{body}");
                return ExitCode::SUCCESS;
            }
            Ok((status, body)) => format!("answered {status}: {}", body.trim()),
            Err(e) => e.to_string(),
        };
        if Instant::now() + PAUSE > deadline {
            eprintln!("oyako probe: http://{}{}: {why}", args.admin, args.path);
            return ExitCode::FAILURE;
        }
        std::thread::sleep(PAUSE);
    }
}

/// One `GET path`: the status and the body.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut answer = Vec::new();
    stream.take(MAX_ANSWER).read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    let bad = || std::io::Error::other("not an HTTP answer");
    let status = text.strip_prefix("HTTP/1.").and_then(|rest| rest.get(2..5)).ok_or_else(bad)?;
    let status = status.parse().map_err(|_| bad())?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok((status, body.to_owned()))
}

fn parse_path(s: &str) -> Result<String, String> {
    match s.starts_with('/') && !s.contains(|c: char| c.is_whitespace() || c.is_control()) {
        true => Ok(s.to_owned()),
        false => Err("a path like /readyz".into()),
    }
}

fn parse_wait(s: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration = s.parse().map_err(|_| format!("{s:?} is not like 30s"))?;
    Duration::try_from(d).map_err(|_| format!("{s:?} is negative"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        assert_eq!(parse_wait("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_wait("0s"), Ok(Duration::ZERO));
        assert!(parse_wait("-1s").is_err() && parse_wait("soon").is_err());
        assert!(parse_path("/readyz").is_ok());
        assert!(parse_path("readyz").is_err() && parse_path("/a b").is_err());
        assert!(parse_path("/a\r\nHost: x").is_err());
    }
}
