# Livery's service image: `livery serve` on 0.0.0.0:8080, storage in /data.
#
#   docker build -t livery .
#   docker run --rm livery keys new --name billing --role renderer
#   docker run -p 8080:8080 -v livery-data:/data -e LIVERY_API_KEYS='billing:renderer:SECRET' livery
#
# A non-loopback address needs API keys: without LIVERY_API_KEYS or
# LIVERY_API_KEYS_FILE (a mounted keys file) the container exits at once with
# a one-line error. Every setting is an environment variable (README.md,
# "Configuration"). cmd/livery/dockerfile_test.go builds and runs the binary
# the way this file does.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary: fonts, sample kits, templates and the OpenAPI document are
# embedded with go:embed, so the image needs no other file.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/livery ./cmd/livery
RUN mkdir -p /out/data

# distroless: no shell, no package manager, CA certificates for S3, and a
# non-root user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/livery /livery
COPY --from=build --chown=65532:65532 /out/data /data
ENV LIVERY_ADDR=0.0.0.0:8080 \
    LIVERY_STORAGE=file:///data
VOLUME /data
EXPOSE 8080
USER 65532:65532
# No curl in the image: the binary checks its own /healthz (on $LIVERY_ADDR).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/livery", "healthcheck"]
ENTRYPOINT ["/livery"]
CMD ["serve"]
