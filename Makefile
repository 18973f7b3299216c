# geoprospect — two commands: `make demo` and `make test` (`make test-qgis` for the QGIS provider).
SHELL := /bin/bash
APT_PACKAGES := libgdal-dev libproj-dev gdal-bin pkg-config build-essential libclang-dev python3-gdal python3-numpy proj-bin \
  python3-venv python3-pip python3-pytest python3-nbclient python3-nbformat python3-ipykernel python3-matplotlib \
  python3-sklearn
QGIS_PACKAGES := qgis python3-qgis
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO ?= cargo
DEMO_OUT ?= out

.PHONY: deps demo test test-python test-qgis qgis-plugin qgis-screenshot bench samples clean

# Installs the Debian packages of $(1) that are missing (through sudo when not root).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# Installs the system libraries when any is missing (Debian 12). libclang-dev is needed by
# proj-sys's bindgen; python3-gdal, python3-numpy, proj-bin and python3-sklearn (the trees'
# tests and bench/boosting.sh) are test references only;
# python3-venv builds the Python package's test environment, whose pytest, nbclient, ipykernel
# and matplotlib run its tests and notebook.
deps:
	$(call apt_install,$(APT_PACKAGES))
	@command -v $(CARGO) >/dev/null || { echo "error: cargo not found: install Rust from https://rustup.rs"; exit 1; }

demo: deps
	$(CARGO) build --release
	@for p in samples/*/project.toml; do \
	  b=$$(basename $$(dirname $$p)); \
	  echo "== $$b"; \
	  ./target/release/geoprospect run $$p --out $(DEMO_OUT)/$$b || exit 1; \
	done
	@echo; echo "outputs:"; for d in $(DEMO_OUT)/*/; do \
	  echo "  $${d}report.html  (open first: maps, success rates, targets)"; \
	  echo "  $${d}prospectivity_{ree,sn,mo}.tif, targets_*.geojson, map_*.png, manifest.json"; \
	done

test: deps
	$(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test
	$(MAKE) test-python

# The Python package: `pip install ./python` into a new virtual environment (Debian's Python,
# its numpy, pytest and Jupyter packages seen through --system-site-packages), built with the
# test profile the Rust tests just compiled; then its tests and the example notebook. The tests
# compare each function with the binary's output (target/debug/geoprospect).
PYTHON_VENV := target/python-venv
test-python: deps
	$(CARGO) build -p geoprospect-cli
	rm -rf $(PYTHON_VENV)
	/usr/bin/python3 -m venv --system-site-packages $(PYTHON_VENV)
	MATURIN_PEP517_ARGS="--profile dev" $(PYTHON_VENV)/bin/pip install --quiet --disable-pip-version-check ./python
	$(PYTHON_VENV)/bin/python -P -m pytest -q python/tests

# The QGIS provider in Debian's QGIS (3.22), headless: installs qgis and python3-qgis when
# missing, builds the binary as `make test` does (the same command and features, so nothing is
# rebuilt after it; the dev profile is optimised: a sample batch runs in about 3 s) and runs
# every algorithm through qgis_process on the sample batches (qgis/tests/).
test-qgis: deps
	$(call apt_install,$(QGIS_PACKAGES))
	$(CARGO) test --no-run
	/usr/bin/python3 qgis/tests/test_provider.py $${CARGO_TARGET_DIR:-target}/debug/geoprospect

# The plugin as a zip to install from QGIS (Plugins > Install from ZIP): the committed
# qgis/geoprospect folder.
qgis-plugin:
	mkdir -p dist
	git archive --format=zip -o dist/geoprospect-qgis-$(VERSION).zip HEAD:qgis geoprospect
	@echo "dist/geoprospect-qgis-$(VERSION).zip"

# Regenerates docs/qgis.png, the README's screenshot: QGIS desktop under xvfb-run (xvfb) runs
# geoprospect:run on samples/mongolia through the provider and saves its window
# (qgis/screenshot.py); a throw-away profile, not part of the tests.
qgis-screenshot: deps
	$(call apt_install,$(QGIS_PACKAGES) xvfb)
	$(CARGO) test --no-run
	@tmp=$$(mktemp -d) && mkdir -m 700 $$tmp/runtime && \
	XDG_RUNTIME_DIR=$$tmp/runtime QGIS_PLUGINPATH=$(CURDIR)/qgis \
	  GEOPROSPECT_BIN=$$(realpath $${CARGO_TARGET_DIR:-target})/debug/geoprospect \
	  GEOPROSPECT_SCREENSHOT=$(CURDIR)/docs/qgis.png GEOPROSPECT_SCREENSHOT_OUT=$$tmp/out \
	  xvfb-run -a -s "-screen 0 1600x1000x24" qgis --profiles-path $$tmp/profiles --nologo \
	  --noversioncheck --code qgis/screenshot.py; \
	status=$$?; rm -rf $$tmp; exit $$status

# Ratios against the reference tools (gdal_grid, gdal_proximity.py, numpy + GDAL) on generated
# data; `cargo bench` runs the criterion benches of the kernels.
bench: deps
	bash bench/run.sh

# Regenerates samples/ (deterministic).
samples:
	$(CARGO) run --release --example make_samples

clean:
	$(CARGO) clean
	rm -rf $(DEMO_OUT) dist
