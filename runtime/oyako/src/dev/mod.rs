//! `oyako dev`: the whole system on one machine, with no LINE channel: builds `content/`,
//! starts the real runtime with throw-away credentials against an embedded fake LINE platform,
//! serves a chat simulator, and rebuilds and reloads on every edit.

mod platform;
mod server;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use compiler::BuildOptions;
use tokio::net::TcpListener;

use runtime::clock::OffsetClock;
use runtime::{Config, State};

pub use platform::Platform;
pub use watch::BuildStatus;

/// What `oyako dev` was asked to do.
#[derive(Debug, Clone)]
pub struct DevOptions {
    /// Content to build and watch, and where to write the bundle.
    pub build: BuildOptions,
    /// Simulator address (the runtime itself listens on a free loopback port).
    pub listen: SocketAddr,
}

/// Everything the simulator's routes need.
pub struct Dev {
    /// The fake LINE platform.
    pub platform: Platform,
    /// The last build's outcome.
    pub status: Mutex<BuildStatus>,
    /// The runtime, once a first build has succeeded.
    pub runtime: Mutex<Option<Arc<State>>>,
    /// Where the runtime listens (for asset URLs).
    pub runtime_addr: SocketAddr,
    /// The bundle directory.
    pub bundle_dir: PathBuf,
    /// The runtime's clock, which the simulator's date control moves.
    pub clock: Arc<OffsetClock>,
    /// Pretend registrations for timed messages: a throw-away directory, gone at exit.
    pub timed_dir: tempfile::TempDir,
}

impl Dev {
    /// The last build's outcome.
    pub fn status(&self) -> BuildStatus {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The running runtime, if any.
    pub fn runtime(&self) -> Option<Arc<State>> {
        self.runtime.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Runs the simulator until Ctrl-C.
pub fn run(opts: &DevOptions) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = rt.block_on(async {
        let listener = TcpListener::bind(opts.listen).await.with_context(|| {
            format!("cannot listen on {} (use --port to choose another)", opts.listen)
        })?;
        let runtime_listener =
            TcpListener::bind("127.0.0.1:0").await.context("cannot open a loopback port")?;
        let sim_addr = listener.local_addr()?;
        let runtime_addr = runtime_listener.local_addr()?;
        let dev = Arc::new(Dev {
            platform: Platform::new(
                format!("http://{runtime_addr}/webhook"),
                format!("http://{runtime_addr}/assets/"),
            ),
            status: Mutex::new(BuildStatus::default()),
            runtime: Mutex::new(None),
            runtime_addr,
            bundle_dir: opts.build.out_dir.clone(),
            clock: OffsetClock::new(),
            timed_dir: tempfile::Builder::new()
                .prefix("oyako-dev-timed-")
                .tempdir()
                .context("cannot create a directory for pretend registrations")?,
        });
        let config = runtime_config(&dev, sim_addr)?;
        let first = rebuild(&dev, &opts.build).await;
        print_status(&first);
        let runtime_listener = Mutex::new(Some(runtime_listener));
        let start_runtime = || -> anyhow::Result<()> {
            let Some(listener) = runtime_listener.lock().unwrap_or_else(|p| p.into_inner()).take()
            else {
                return Ok(());
            };
            let state = State::start_with_clock(config.clone(), dev.clock.clone())?;
            tokio::spawn(runtime::serve(listener, state.clone(), std::future::pending()));
            runtime::delivery::spawn(state.clone(), delivery_policy());
            *dev.runtime.lock().unwrap_or_else(|p| p.into_inner()) = Some(state);
            Ok(())
        };
        if first.ok {
            start_runtime()?;
        }
        eprintln!("シミュレーター: http://{sim_addr}/ をブラウザで開いてください（Ctrl-C で終了）");
        tokio::spawn(server::serve(listener, dev.clone()));
        let mut last = watch::fingerprint(&opts.build.content_dir);
        // One listener for the whole loop: a Ctrl-C that arrives during a rebuild is kept,
        // not lost between two listeners (the handler replaces the default exit).
        let stop = tokio::signal::ctrl_c();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => break,
                () = tokio::time::sleep(watch::POLL) => {}
            }
            let dir = opts.build.content_dir.clone();
            let now = tokio::task::spawn_blocking(move || watch::fingerprint(&dir)).await?;
            if now == last {
                continue;
            }
            last = now;
            eprintln!("変更を見つけました。ビルドしています…");
            let status = tokio::select! {
                _ = &mut stop => break,
                status = rebuild(&dev, &opts.build) => status,
            };
            print_status(&status);
            if !status.ok {
                continue;
            }
            match dev.runtime() {
                Some(state) => {
                    tokio::task::spawn_blocking(move || state.reload()).await?.ok();
                }
                None => start_runtime()?,
            }
        }
        Ok(())
    });
    // A rebuild interrupted by Ctrl-C may still be running on a blocking thread: its result
    // is not wanted, so the process does not wait for it.
    rt.shutdown_background();
    result
}

async fn rebuild(dev: &Arc<Dev>, opts: &BuildOptions) -> BuildStatus {
    let prev = dev.status();
    let opts = opts.clone();
    let status =
        tokio::task::spawn_blocking(move || watch::rebuild(&opts, &prev)).await.unwrap_or_default();
    *dev.status.lock().unwrap_or_else(|p| p.into_inner()) = status.clone();
    status
}

fn print_status(status: &BuildStatus) {
    if !status.message.is_empty() {
        eprintln!("{}", status.message);
    }
    if status.ok {
        eprintln!("ビルドしました（{}）", &status.hash[..12.min(status.hash.len())]);
    }
}

/// The runtime's configuration: generated secrets, the fake platform as LINE's API, and the
/// runtime's own loopback address for asset URLs.
fn runtime_config(dev: &Dev, sim_addr: SocketAddr) -> anyhow::Result<Config> {
    let api = format!("http://{sim_addr}");
    let public = format!("http://{}", dev.runtime_addr);
    let vars = [
        ("LINE_CHANNEL_SECRET", dev.platform.secret.clone()),
        ("LINE_CHANNEL_ACCESS_TOKEN", dev.platform.token.clone()),
        ("LINE_API_BASE", api.clone()),
        ("LINE_DATA_API_BASE", api),
        ("OYAKO_PUBLIC_URL", public),
    ];
    let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let mut config = Config::from_env(dev.bundle_dir.clone(), None, lookup)?;
    config.timed_dir = Some(dev.timed_dir.path().to_path_buf());
    Ok(config)
}

/// Timed messages in the simulator: a day's messages as soon as the date control reaches the
/// day (no delivery time, no quiet hours), and everything due since the registration when it
/// jumps further, so a staff member moving the clock sees each message arrive.
fn delivery_policy() -> runtime::delivery::Policy {
    runtime::delivery::Policy {
        at: jiff::civil::Time::midnight(),
        quiet: None,
        grace_days: 7 * 366,
        ..runtime::delivery::Policy::default()
    }
}
