//! Server state: the loaded bundle behind an atomic swap, plus everything shared by requests.
//!
//! A bundle is immutable once loaded. A reload builds a complete new [`Loaded`] on the side —
//! manifest and replies checked, asset URLs rewritten, images read — and only then swaps the `Arc`,
//! so a request sees either the old bundle or the new one, never a mix, and a broken bundle never
//! replaces a working one. Requests clone the `Arc` once and never hold the lock while working.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use bundle::{self, BlobError, Bundle, BundleError};

use crate::assets::{AssetError, Assets};
use crate::calendar::{CalendarFileError, CalendarFiles};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::dedupe::Dedupe;
use crate::kpi::Kpi;
use crate::line_api::{ClientError, LineClient};
use crate::metrics::{BundleInfo, Metrics};
use crate::queue::Queue;

/// Event ids remembered for dedupe (a redelivery comes minutes later, far inside this).
const DEDUPE_WINDOW: usize = 16_384;

/// One loaded bundle with its assets, ready to answer from.
#[derive(Debug)]
pub struct Loaded {
    /// The bundle, asset URLs already pointing at `OYAKO_PUBLIC_URL`.
    pub bundle: Bundle,
    /// The bundle's images, in memory.
    pub assets: Assets,
    /// The bundle's calendar feeds, in memory.
    pub calendar: CalendarFiles,
}

/// Everything the request handler and the workers share.
#[derive(Debug)]
pub struct State {
    /// The checked configuration (bundle directory, secrets, limits).
    pub(crate) config: Config,
    /// The bundle being served; replaced whole by [`State::reload`].
    current: RwLock<Arc<Loaded>>,
    /// Counters for `/metrics`; shared with the reply workers.
    pub(crate) metrics: Arc<Metrics>,
    /// Recently seen `webhookEventId`s.
    pub(crate) dedupe: Dedupe,
    /// Replies waiting to be sent.
    pub(crate) queue: Queue,
    /// Set when shutdown begins, so `/readyz` tells load balancers to stop sending.
    shutting_down: AtomicBool,
    /// The KPI journal, when there is a state directory to keep it in.
    pub(crate) kpi: Option<Kpi>,
    /// Where time comes from (the system clock, or a test's or `oyako dev`'s).
    clock: Arc<dyn Clock>,
    /// Registrations for timed messages, when there is a state directory to keep them in.
    pub(crate) timed: Option<crate::timed::Service>,
}

/// Why a bundle could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The manifest is missing, unreadable, of another version or inconsistent.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// An image listed in the manifest could not be read.
    #[error("bundle assets: {0}")]
    Assets(#[from] AssetError),
    /// A message stopped being JSON after its asset URLs were rewritten.
    #[error("cannot rewrite asset URLs: {0}")]
    Rewrite(#[from] BlobError),
    /// A calendar file could not be read out of the bundle.
    #[error(transparent)]
    Calendar(#[from] CalendarFileError),
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The bundle could not be loaded.
    #[error("cannot load the bundle in {dir}: {source}")]
    Load {
        /// The bundle directory.
        dir: PathBuf,
        /// Why.
        source: LoadError,
    },
    /// The state directory could not be created.
    #[error("cannot use state directory {dir}: {source}")]
    StateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The Reply API client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl State {
    /// Loads the bundle, prepares the state directory and starts the reply workers.
    ///
    /// Must be called inside a tokio runtime (the workers are spawned on it).
    pub fn start(config: Config) -> Result<Arc<State>, StartError> {
        State::start_with_clock(config, Arc::new(SystemClock))
    }

    /// [`State::start`] with another clock (tests, `oyako dev`).
    pub fn start_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<State>, StartError> {
        if let Some(dir) = &config.state_dir {
            let made = std::fs::create_dir_all(dir).and_then(|()| std::fs::metadata(dir));
            if let Err(source) = made {
                return Err(StartError::StateDir { dir: dir.clone(), source });
            }
        }
        if config.public_url.is_none() {
            tracing::warn!("OYAKO_PUBLIC_URL is not set: images in replies will not display");
        }
        let loaded = load(&config.bundle_dir, config.public_url.as_deref())
            .map_err(|source| StartError::Load { dir: config.bundle_dir.clone(), source })?;
        log_loaded(&loaded, "bundle loaded");
        let kpi = match &config.state_dir {
            Some(dir) => {
                let salt = config.hash_salt.as_ref().map(|s| s.expose().to_owned());
                let kpi = Kpi::open(dir, salt, config.instance.clone());
                Some(kpi.map_err(|source| StartError::StateDir { dir: dir.clone(), source })?)
            }
            None => None,
        };
        let timed = match config.timed_dir() {
            Some(dir) => {
                let now = clock.now();
                let key = config.data_key.as_ref().map(|k| k.expose().to_owned());
                let service = crate::timed::Service::open(
                    dir,
                    key.as_deref(),
                    bundle::japan::date_of(now),
                    now.as_millisecond(),
                );
                let dir = dir.to_path_buf();
                Some(service.map_err(|source| StartError::StateDir { dir, source })?)
            }
            None => None,
        };
        if let (Some(kpi), Some(timed)) = (&kpi, &timed) {
            timed.record_to(kpi.timed_recorder());
        }
        let client = Arc::new(LineClient::new(&config)?);
        let metrics = Arc::new(Metrics::default());
        let limits = &config.limits;
        let queue = Queue::start(limits.workers, limits.queue_capacity, client, metrics.clone());
        Ok(Arc::new(State {
            current: RwLock::new(Arc::new(loaded)),
            metrics,
            dedupe: Dedupe::new(DEDUPE_WINDOW),
            queue,
            shutting_down: AtomicBool::new(false),
            kpi,
            config,
            clock,
            timed,
        }))
    }

    /// Registrations for timed messages (with a state directory).
    pub fn timed(&self) -> Option<&crate::timed::Service> {
        self.timed.as_ref()
    }

    /// The clock everything time-dependent in the runtime reads.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// Waits until every KPI record taken so far is written and synced (a no-op without a
    /// state directory).
    pub async fn flush_journal(&self) -> std::io::Result<()> {
        match &self.kpi {
            Some(kpi) => kpi.writer().flush().await,
            None => Ok(()),
        }
    }

    /// The bundle being served.
    pub fn current(&self) -> Arc<Loaded> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The server's counters.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Re-reads the bundle directory and swaps the new bundle in; on error the old bundle
    /// keeps serving. Does blocking file I/O: call it from a blocking context.
    pub fn reload(&self) -> Result<Arc<Loaded>, LoadError> {
        let result = load(&self.config.bundle_dir, self.config.public_url.as_deref());
        match result {
            Ok(loaded) => {
                let loaded = Arc::new(loaded);
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = loaded.clone();
                self.metrics.reloads.inc("ok");
                log_loaded(&loaded, "bundle reloaded");
                Ok(loaded)
            }
            Err(e) => {
                self.metrics.reloads.inc("error");
                tracing::error!(error = %e, "bundle reload failed; still serving the old bundle");
                Err(e)
            }
        }
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    /// Marks the start of shutdown (`/readyz` answers 503 from now on).
    pub(crate) fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
    }

    /// `/metrics` text for the current bundle.
    pub(crate) fn render_metrics(&self) -> String {
        let loaded = self.current();
        let b = &loaded.bundle;
        let info = BundleInfo {
            content_hash: &b.content_hash,
            format_version: b.format_version,
            pages: b.pages.len(),
        };
        let mut text = self.metrics.render(Some(info), self.queue.depth());
        if let Some(kpi) = &self.kpi {
            kpi.render_metrics(&mut text);
        }
        crate::calendar::render_metrics(b, self.clock.now(), &mut text);
        text
    }
}

/// Loads and prepares the bundle in `dir`.
pub fn load(dir: &Path, public_url: Option<&str>) -> Result<Loaded, LoadError> {
    let mut bundle = bundle::load(dir)?;
    if let Some(base) = public_url {
        // Once per load, so that answering a tap stays a plain copy of bytes.
        bundle.rewrite_asset_urls(&format!("{base}/assets/"))?;
    }
    let assets = Assets::load(&dir.join(bundle::ASSETS_DIR), &bundle.assets)?;
    let calendar = CalendarFiles::load(&bundle)?;
    Ok(Loaded { bundle, assets, calendar })
}

fn log_loaded(loaded: &Loaded, what: &str) {
    let b = &loaded.bundle;
    tracing::info!(
        content_hash = %b.content_hash,
        pages = b.pages.len(),
        replies = b.postbacks.len(),
        assets = loaded.assets.len(),
        "{what}"
    );
}
