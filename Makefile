# kubectl-app: the targets a kubebuilder user expects, plus the local control plane.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
CLUSTER_DIR ?= $(CURDIR)/.cluster
BIN := $(BUILD_DIR)/kubectl-app
KUBECONFIG_LOCAL := $(CLUSTER_DIR)/kubeconfig
CTEST_FLAGS ?= --output-on-failure

.PHONY: all deps build test test-unit test-integration test-faults test-sanitize controlplane cluster \
        cluster-down install uninstall run docker-build deploy undeploy manifests demo demo-down bench \
        bench-quick bench-micro bench-peer fmt fmt-check clean release install-plugin fuzz fuzz-ci

all: build

deps: ## Install the build and test dependencies (Debian packages)
	@hack/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja

build: deps $(BUILD_DIR)/build.ninja ## Build kubectl-app and the tests
	cmake --build $(BUILD_DIR)

controlplane: ## Build (once per machine, cached) the control plane binaries the tests run
	@tests/cluster/build-binaries.sh >/dev/null

test: build controlplane ## Run every test: unit, then integration against a real control plane
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS) -LE faults

test-unit: build
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS) -L unit

test-integration: build controlplane
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS) -L integration

FAULTS_LONG ?= 0
FAULTS_JOBS ?= 4
test-faults: build controlplane ## The fault suite (own control plane per case); FAULTS_LONG=1: full sizes
	cd $(BUILD_DIR) && FAULTS_LONG=$(FAULTS_LONG) ctest $(CTEST_FLAGS) -L faults -j $(FAULTS_JOBS)

SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
test-sanitize: deps controlplane ## The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer
	cmake -S . -B $(SANITIZE_DIR) -G Ninja -DKAPP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build $(SANITIZE_DIR) --target kubectl-app unit_tests integration_tests
	@# The unit cases in one process: ASan's start and leak check cost 0.6 s a process.
	cd $(SANITIZE_DIR)/tests && $(SANITIZE_ENV) ./unit_tests
	cd $(SANITIZE_DIR) && $(SANITIZE_ENV) ctest $(CTEST_FLAGS) -L "integration|release"

fuzz: deps ## Run each libFuzzer target for FUZZ_SECONDS (60) seconds, clang + ASan/UBSan, in build-fuzz/
	FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

fuzz-ci: deps ## Each libFuzzer target briefly (25 s), as CI runs them
	FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=25 tests/fuzz/run.sh

cluster: controlplane ## Bring up a local control plane; its kubeconfig is .cluster/kubeconfig
	@tests/cluster/up.sh $(CLUSTER_DIR)
	@echo "export KUBECONFIG=$(KUBECONFIG_LOCAL)"

cluster-down: ## Stop the local control plane (and the controller `make demo` started on it)
	@CLUSTER_DIR=$(CLUSTER_DIR) hack/demo.sh stop
	@tests/cluster/down.sh $(CLUSTER_DIR)

bench-peer: ## Build (once per machine, cached) the controller-runtime peer bench compares with
	@bench/build-peer.sh >/dev/null

bench: build controlplane bench-peer ## kubectl-app vs the controller-runtime peer vs the floor, N=100/300/1000, and the CLI vs kubectl (bench/README.md)
	BUILD_DIR=$(BUILD_DIR) bench/compare.sh 100 300 1000

bench-quick: build controlplane bench-peer ## bench at N=100 only, into bench/results/quick.md
	BUILD_DIR=$(BUILD_DIR) BENCH_NAME=quick BENCH_CLI=0 bench/compare.sh 100

bench-micro: build controlplane ## The micro-benchmarks (client, reconcile) on a control plane of their own
	BUILD_DIR=$(BUILD_DIR) bench/run.sh

install: build ## Install the CRDs into the cluster of the current kubeconfig
	$(BIN) install

uninstall: build ## Remove the CRDs from the cluster of the current kubeconfig
	$(BIN) uninstall

run: build ## Run the controllers in the foreground against the current kubeconfig
	$(BIN) run-controller

PREFIX ?= /usr/local
install-plugin: build ## Install kubectl-app and kubectl_complete-app into $(DESTDIR)$(PREFIX)/bin
	install -d $(DESTDIR)$(PREFIX)/bin
	install -s -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kubectl-app
	$(BIN) completion helper > $(DESTDIR)$(PREFIX)/bin/kubectl_complete-app
	chmod 0755 $(DESTDIR)$(PREFIX)/bin/kubectl_complete-app

release: deps ## Build dist/kubectl-app_v<version>_linux_amd64.tar.gz and dist/krew-manifest.yaml
	@hack/release.sh

IMG ?= kubectl-app:dev
docker-build: ## Build the controller image
	docker build -t $(IMG) .

deploy: build ## Deploy the controller (image IMG) into the cluster of the current kubeconfig
	$(BIN) deploy --image $(IMG)

undeploy: build ## Remove the deployed controller
	$(BIN) undeploy

manifests: build ## Print the CRDs as YAML (they are authored in crds/ and embedded in the binary)
	@$(BIN) install --dry-run=client -o yaml

demo: build controlplane ## The main job: local cluster, CRDs, controller, samples/shop.yaml until Running
	@BUILD_DIR=$(BUILD_DIR) CLUSTER_DIR=$(CLUSTER_DIR) hack/demo.sh

demo-down: cluster-down ## Stop the demo: its controller and the local control plane

fmt: ## Format the C++ sources
	clang-format -i $$(git ls-files '*.cpp' '*.h')

fmt-check:
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(FUZZ_DIR)
