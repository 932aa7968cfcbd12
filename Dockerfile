# Multi-stage build of the oyako runtime image: a static (musl) binary on an empty base
# image, running as a non-root user.
#   docker build -t oyako .
#   docker run --env-file oyako.env -p 8080:8080 -p 127.0.0.1:9091:9091 -v oyako-state:/state oyako
# Port 8080 is public (webhook, assets); 9091 is the admin port (/healthz, /readyz, /metrics):
# publish it on the host's loopback only, never to the internet.
# The bundle is built into the image (one image per content version); mount a volume at
# /bundle instead to ship content separately. TLS roots are compiled into the binary
# (webpki-roots), so the image needs no CA files.
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin oyako \
 && ./target/release/oyako build --content content --out /bundle \
 && mkdir -p /rootfs/state /rootfs/etc \
 && echo 'oyako:x:10001:10001::/state:/sbin/nologin' > /rootfs/etc/passwd

FROM scratch
COPY --from=build /rootfs/etc/passwd /etc/passwd
COPY --from=build --chown=10001:10001 /rootfs/state /state
COPY --from=build /src/target/release/oyako /oyako
COPY --from=build /bundle /bundle
USER 10001:10001
ENV OYAKO_LOG_FORMAT=json
EXPOSE 8080 9091
VOLUME ["/state"]
HEALTHCHECK --interval=10s --timeout=5s CMD ["/oyako", "probe", "--admin", "127.0.0.1:9091"]
ENTRYPOINT ["/oyako"]
CMD ["serve", "--bundle", "/bundle", "--listen", "0.0.0.0:8080", "--admin-listen", "0.0.0.0:9091", "--state-dir", "/state"]
