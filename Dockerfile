# The controller image that `kubectl app deploy` runs: the same binary as the kubectl plugin,
# at /kubectl-app (the Deployment's command), as the non-root user 65532 (its runAsUser).
#
#   docker build -t ghcr.io/kubectl-app/controller:v0.1.0 .

# Debian 12 as in hack/install-deps.sh, without the test tools (catch2, clang-format, openssl,
# mosquitto): the image builds with KAPP_TESTS=OFF.
FROM debian:12 AS builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake ninja-build g++ pkg-config \
      libcurl4-openssl-dev libmosquitto-dev libyaml-cpp-dev nlohmann-json3-dev libcxxopts-dev \
      libsimdjson-dev libvalijson-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The project's default build type (RelWithDebInfo, then stripped): the configuration the
# tests run against, so the image holds what was tested.
RUN cmake -S . -B /build -G Ninja -DKAPP_TESTS=OFF \
 && cmake --build /build --target kubectl-app \
 && strip /build/kubectl-app

# Only the shared libraries the binary links (ldd: libcurl, libmosquitto, yaml-cpp, simdjson;
# libstdc++ is in the base) and the CA bundle for TLS to anything outside the cluster
# (webhooks, MQTT over TLS).
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcurl4 libmosquitto1 libyaml-cpp0.7 libsimdjson14 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /build/kubectl-app /kubectl-app
# Numeric, so the kubelet can verify runAsNonRoot without looking the name up.
USER 65532:65532
ENTRYPOINT ["/kubectl-app"]
CMD ["run-controller"]
