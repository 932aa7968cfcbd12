//! HTTPS termination by `oyako serve --tls-cert/--tls-key`: requests over TLS, a refused
//! plain-HTTP client, and certificate reload (the SIGHUP path) with a good and a broken pair.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsConnector;

use runtime::tls::Tls;

use crate::util;

/// A self-signed certificate for `localhost` from the openssl command line.
fn make_cert(dir: &Path, cn: &str) {
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"])
        .args([
            "-days",
            "2",
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .args([
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("openssl runs");
    assert!(status.status.success(), "openssl: {}", String::from_utf8_lossy(&status.stderr));
}

fn cert_der(dir: &Path) -> CertificateDer<'static> {
    CertificateDer::from_pem_file(dir.join("cert.pem")).expect("cert")
}

/// GET `path` over TLS trusting only `trusted`; returns the response text and the server's
/// certificate.
async fn get(
    addr: std::net::SocketAddr,
    trusted: &CertificateDer<'static>,
    path: &str,
) -> (String, Vec<u8>) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(trusted.clone()).expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    let mut tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await.expect("handshake");
    let peer = tls.get_ref().1.peer_certificates().expect("peer")[0].to_vec();
    let req = format!("GET {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).await.expect("write");
    let mut out = String::new();
    let _ = tls.read_to_string(&mut out).await;
    (out, peer)
}

#[tokio::test]
async fn serves_https_and_reloads_the_certificate() {
    let server = util::start().await;
    let certs = tempfile::tempdir().unwrap();
    make_cert(certs.path(), "first");
    let tls =
        Arc::new(Tls::load(&certs.path().join("cert.pem"), &certs.path().join("key.pem")).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(runtime::serve_tls(
        listener,
        server.state.clone(),
        Some(tls.clone()),
        std::future::pending(),
    ));

    let first = cert_der(certs.path());
    let (text, peer) = get(addr, &first, "/healthz").await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("ok\n"), "{text}");
    assert_eq!(peer, first.to_vec());

    // A plain-HTTP client gets no answer, and the server keeps serving TLS.
    let mut plain = TcpStream::connect(addr).await.unwrap();
    plain.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let _ = plain.read_to_end(&mut buf).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));

    // Renewed certificate: picked up by new connections after a reload.
    make_cert(certs.path(), "second");
    let second = cert_der(certs.path());
    tls.reload().expect("good pair reloads");
    let (text, peer) = get(addr, &second, "/readyz").await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert_eq!(peer, second.to_vec());

    // A broken file is refused; the previous certificate stays in use.
    std::fs::write(certs.path().join("cert.pem"), "not a certificate").unwrap();
    assert!(tls.reload().is_err());
    let (_, peer) = get(addr, &second, "/healthz").await;
    assert_eq!(peer, second.to_vec());
    task.abort();
    server.stop().await;
}

#[test]
fn mismatched_key_is_refused_at_start() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    make_cert(a.path(), "a");
    make_cert(b.path(), "b");
    let err = Tls::load(&a.path().join("cert.pem"), &b.path().join("key.pem")).unwrap_err();
    assert!(err.to_string().contains("do not form a usable pair"), "{err}");
    let err = Tls::load(&a.path().join("missing.pem"), &a.path().join("key.pem")).unwrap_err();
    assert!(err.to_string().contains("missing.pem"), "{err}");
}
