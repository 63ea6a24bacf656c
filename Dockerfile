# attest: build a release binary, run it on a slim Debian with no compilers.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin attest

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/attest --create-home attest
COPY --from=build /src/target/release/attest /usr/local/bin/attest
USER attest
WORKDIR /var/lib/attest
ENV ATTEST_BIND=0.0.0.0:8080 \
    ATTEST_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"]
ENTRYPOINT ["attest"]
CMD ["serve"]
