# geoprospect — two commands: `make demo` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := libgdal-dev libproj-dev gdal-bin pkg-config build-essential libclang-dev python3-gdal python3-numpy proj-bin \
  python3-venv python3-pip python3-pytest python3-nbclient python3-nbformat python3-ipykernel python3-matplotlib
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO ?= cargo
DEMO_OUT ?= out

.PHONY: deps demo test test-python bench samples clean

# Installs the system libraries when any is missing (Debian 12). libclang-dev is needed by
# proj-sys's bindgen; python3-gdal, python3-numpy and proj-bin are test references only;
# python3-venv builds the Python package's test environment, whose pytest, nbclient, ipykernel
# and matplotlib run its tests and notebook.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
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

# Ratios against the reference tools (gdal_grid, gdal_proximity.py, numpy + GDAL) on generated
# data; `cargo bench` runs the criterion benches of the kernels.
bench: deps
	bash bench/run.sh

# Regenerates samples/ (deterministic).
samples:
	$(CARGO) run --release --example make_samples

clean:
	$(CARGO) clean
	rm -rf $(DEMO_OUT)
