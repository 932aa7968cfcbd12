//! The deployment files agree with the binary: the Kubernetes probes, the systemd unit's
//! readiness probe and the container's health check ask the admin listener; only the public
//! port is exposed; the nginx example of the docs is the shipped file, with oyako's limits.
//! (`tests/ops/install.sh` and `tests/ops/multi_replica.py` run these files for real.)

use std::path::Path;

use serde_json::Value;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The value after `flag` in `args`.
fn after<'a>(args: &[&'a str], flag: &str) -> &'a str {
    let at = args.iter().position(|a| *a == flag).unwrap_or_else(|| panic!("no {flag}: {args:?}"));
    args.get(at + 1).copied().unwrap_or_else(|| panic!("{flag} without a value"))
}

fn port(addr: &str) -> u64 {
    addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).expect("host:port")
}

#[test]
fn kubernetes_probes_ask_the_admin_port_and_the_service_exposes_only_the_public_one() {
    let docs: Vec<Value> = serde_saphyr::from_multiple(&read("deploy/k8s/oyako.yaml")).unwrap();
    let kind = |k: &str| docs.iter().find(|d| d["kind"] == k).expect(k).clone();
    let set = kind("StatefulSet");
    let container = &set["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<&str> =
        container["args"].as_array().unwrap().iter().flat_map(|a| a.as_str()).collect();
    let (public, admin) = (port(after(&args, "--listen")), port(after(&args, "--admin-listen")));
    assert_ne!(public, admin);
    let named = |name: &str| {
        let ports = container["ports"].as_array().expect("ports");
        ports.iter().find(|p| p["name"] == name).and_then(|p| p["containerPort"].as_u64())
    };
    assert_eq!((named("http"), named("admin")), (Some(public), Some(admin)));
    for (probe, path) in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"], path, "{probe}");
        assert!(get["port"] == "admin" || get["port"].as_u64() == Some(admin), "{probe}: {get}");
    }
    let annotations = &set["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/port"].as_str(), Some(admin.to_string().as_str()));
    let service = kind("Service");
    for p in service["spec"]["ports"].as_array().expect("service ports") {
        let target = &p["targetPort"];
        assert!(target == "http" || target.as_u64() == Some(public), "Service exposes {p}");
    }
}

#[test]
fn the_systemd_unit_waits_for_readiness_on_the_admin_port() {
    let unit = read("deploy/systemd/oyako.service");
    let value = |key: &str| {
        let found = unit.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix('='));
        found.unwrap_or_else(|| panic!("no {key}=")).split_whitespace().collect::<Vec<_>>()
    };
    let start = value("ExecStart");
    let (public, admin) = (after(&start, "--listen"), after(&start, "--admin-listen"));
    assert!(public.starts_with("127.0.0.1:"), "behind nginx, the public port stays local");
    assert!(admin.starts_with("127.0.0.1:"), "the admin port is never exposed");
    let post = value("ExecStartPost");
    assert_eq!(post[0], start[0], "the same binary");
    assert_eq!(post[1], "probe");
    assert_eq!(after(&post, "--admin"), admin);
    assert_eq!(after(&post, "--path"), "/readyz");
}

#[test]
fn the_container_image_checks_health_on_the_admin_port() {
    let dockerfile = read("Dockerfile");
    let line = |prefix: &str| {
        let found = dockerfile.lines().find(|l| l.starts_with(prefix));
        found.unwrap_or_else(|| panic!("no {prefix}")).to_owned()
    };
    let json_args = |l: &str| -> Vec<String> {
        serde_json::from_str(&l[l.find('[').expect("exec form")..]).expect("JSON array")
    };
    let cmd = json_args(&line("CMD "));
    let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
    let admin = port(after(&cmd, "--admin-listen"));
    let check = json_args(&line("HEALTHCHECK "));
    let check: Vec<&str> = check.iter().map(String::as_str).collect();
    assert_eq!(check[1], "probe");
    assert_eq!(port(after(&check, "--admin")), admin);
}

#[test]
fn the_nginx_example_is_the_shipped_file_and_passes_on_only_public_routes() {
    let conf = read("deploy/nginx/oyako.conf");
    assert!(read("docs/operations.md").contains(&format!("```nginx\n{conf}```")), "docs show it");
    let directives: Vec<&str> =
        conf.lines().map(|l| l.split('#').next().unwrap_or("").trim()).collect();
    let locations: Vec<&str> =
        directives.iter().filter(|l| l.starts_with("location")).copied().collect();
    assert_eq!(
        locations,
        ["location = /webhook {", "location /assets/ {", "location /calendar/ {", "location / {"]
    );
    let catch_all = directives.iter().position(|l| *l == "location / {").unwrap();
    assert_eq!(directives[catch_all + 1], "return 404;");
    // oyako's own limits: nginx must not accept a body oyako refuses, nor wait longer.
    let limits = runtime::Limits::default();
    assert_eq!(limits.max_body, 1024 * 1024);
    assert!(directives.contains(&"client_max_body_size 1m;"));
    let secs = |d: std::time::Duration| format!("{}s;", d.as_secs());
    assert!(
        directives.contains(&format!("client_body_timeout {}", secs(limits.body_timeout)).as_str())
    );
    assert!(
        directives
            .contains(&format!("client_header_timeout {}", secs(limits.header_timeout)).as_str())
    );
    let keepalive = directives.iter().find_map(|l| l.strip_prefix("keepalive_timeout "));
    let keepalive: u64 = keepalive
        .and_then(|v| v.strip_suffix("s;")?.parse().ok())
        .expect("upstream keepalive_timeout");
    assert!(keepalive < limits.header_timeout.as_secs(), "nginx drops idle connections first");
}

/// README's install line (for a fresh machine) and what `.ci/run` installs come from one list.
#[test]
fn the_readme_prerequisites_line_is_the_ci_package_list() {
    let list: Vec<String> = read(".ci/debian-packages")
        .lines()
        .filter_map(|l| l.split('#').next()?.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(list.iter().any(|p| p == "build-essential"), "{list:?}");
    let readme = read("README.md");
    let prefix = "sudo apt-get update && sudo apt-get install -y --no-install-recommends ";
    let lines: Vec<&str> = readme.lines().filter_map(|l| l.strip_prefix(prefix)).collect();
    assert_eq!(lines.len(), 1, "README has one copy-paste install line");
    let shown: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(shown, list, "README's packages differ from .ci/debian-packages");
    assert!(read(".ci/run").contains("bash .ci/prerequisites.sh install"));
}

/// `rust-toolchain.toml`, the workspace's `rust-version` and the image's Rust are one version.
#[test]
fn one_rust_version_everywhere() {
    let toolchain = read("rust-toolchain.toml");
    let channel = toolchain.lines().find_map(|l| l.strip_prefix("channel = ")).expect("channel");
    let channel = channel.trim_matches('"');
    let workspace = read("Cargo.toml");
    let rust_version =
        workspace.lines().find_map(|l| l.strip_prefix("rust-version = ")).expect("rust-version");
    let minor = rust_version.trim_matches('"');
    assert!(channel.starts_with(&format!("{minor}.")), "{channel} vs rust-version {minor}");
    assert!(read("Dockerfile").contains(&format!("FROM rust:{minor}-")), "Dockerfile's rust image");
}
