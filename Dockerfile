# Multi-stage build of the oyako runtime image.
#   docker build -t oyako .
#   docker run --env-file oyako.env -p 8080:8080 -v oyako-state:/state oyako
# The bundle is built into the image (an image per content version); mount a volume at
# /bundle instead to ship content separately (see deploy/k8s/).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin oyako \
 && ./target/release/oyako build --content content --out /bundle

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin oyako \
 && mkdir -p /state && chown oyako /state
COPY --from=build /src/target/release/oyako /usr/local/bin/oyako
COPY --from=build /bundle /bundle
USER 10001
ENV OYAKO_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/state"]
ENTRYPOINT ["/usr/local/bin/oyako"]
CMD ["serve", "--bundle", "/bundle", "--listen", "0.0.0.0:8080", "--state-dir", "/state"]
