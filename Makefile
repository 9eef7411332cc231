# Ricci — set-up, build, demo, tests.  `make demo` and `make test` are all a new machine needs.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libgsl-dev libopenblas-dev pkg-config
# pdflatex for the standalone derivation documents that the tests compile
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps texdeps build release demo test bench bench-contract clean notebooks docs snippets fuzz fuzz-smoke

# Installs GSL and OpenBLAS with apt-get when pkg-config cannot find them.
deps:
	@if pkg-config --exists gsl 2>/dev/null && ls /usr/lib/*/libopenblas.so* >/dev/null 2>&1; then \
		echo "deps: gsl and openblas present"; \
	else \
		echo "deps: installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

# Installs pdflatex (TeX Live's base and recommended LaTeX packages) when it is missing.
texdeps:
	@if command -v pdflatex >/dev/null 2>&1; then \
		echo "texdeps: pdflatex present"; \
	else \
		echo "texdeps: installing $(TEX_PACKAGES)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job on a built-in example: problem P4 of PROBLEMS.md, differentiated, checked by value,
# lowered to index form and evaluated.
demo: release
	@echo "== ricci grad (problem P4: a one-hidden-layer network, gradient by W) =="
	.build/release/ricci grad -f examples/p4.ricci --wrt W
	@echo
	@echo "== ricci check: the gradient against central finite differences =="
	.build/release/ricci check -f examples/p4.ricci --wrt W
	@echo
	@echo "== ricci jacobian: the explicit order-4 tensor of X*W by W =="
	.build/release/ricci jacobian 'X: matrix(n, d); W: matrix(d, k); X*W' --wrt W
	@echo
	@echo "== ricci lower (the program in index form) =="
	.build/release/ricci lower -f examples/p4.ricci
	@echo
	@echo "== ricci eval, random inputs with seed 1 =="
	.build/release/ricci eval -f examples/p4.ricci --random 1 --dims n=5,d=3,k=4
	@echo
	@echo "== a shape error, as a person would make it =="
	@.build/release/ricci lower 'X: matrix(1, m); W: matrix(10, m); X*W' || echo "(exit status $$?: an error, as it should be)"
	@echo
	@echo "== OpenBLAS is linked ahead of GSL =="
	ldd .build/release/ricci | grep -E 'openblas|gsl'

# Every test (XCTest), then every notebook (make notebooks); the last line is the plain summary
# 'tests: N passed, M failed', counting the XCTest cases and the notebooks (one each).
# The export tests (issue 13) run the exported NumPy/JAX modules in the notebooks' venv, C with cc;
# fuzz-smoke is a short fixed-seed pass of the CLI fuzzer (issue 10).
test: deps texdeps fuzz-smoke Notebooks/.venv/.installed
	$(SWIFT) build
	@set -o pipefail; RICCI_REQUIRE_PDFLATEX=1 RICCI_REQUIRE_EXPORT_TOOLS=1 RICCI_EXPORT_PYTHON=$(CURDIR)/Notebooks/.venv/bin/python $(SWIFT) test --disable-swift-testing 2>&1 | tee .build/test.log; status=$$?; \
	$(MAKE) --no-print-directory notebooks 2>&1 | tee .build/notebooks.log; nbstatus=$$?; \
	line=$$(grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" .build/test.log | tail -1); \
	total=$$(echo "$$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	failed=$$(echo "$$line" | sed -E 's/.*with ([0-9]+) failures?.*/\1/'); \
	nbline=$$(grep -E "^notebooks: [0-9]+ passed, [0-9]+ failed" .build/notebooks.log | tail -1); \
	nbpassed=$$(echo "$$nbline" | sed -E 's/^notebooks: ([0-9]+) passed.*/\1/'); \
	nbfailed=$$(echo "$$nbline" | sed -E 's/.* ([0-9]+) failed.*/\1/'); \
	if [ -z "$$nbline" ]; then nbpassed=0; nbfailed=$$([ $$nbstatus -eq 0 ] && echo 0 || echo 1); fi; \
	if [ -n "$$line" ]; then echo "tests: $$((total - failed + nbpassed)) passed, $$((failed + nbfailed)) failed"; fi; \
	[ $$status -eq 0 ] && [ $$nbstatus -eq 0 ]

# The notebooks (Notebooks/, issue 5): a virtual environment with the pinned requirements (made
# once, again when requirements.txt changes), the release ricci, then every notebook executed top
# to bottom with nbclient, its outputs written back; any error fails. NOTEBOOK_SCRATCH=DIR builds
# ricci in another scratch directory.
NOTEBOOK_VENV := Notebooks/.venv
NOTEBOOK_SCRATCH ?= .build

$(NOTEBOOK_VENV)/.installed: Notebooks/requirements.txt
	@[ -x $(NOTEBOOK_VENV)/bin/python ] || python3 -m venv $(NOTEBOOK_VENV) || \
		{ $(SUDO) apt-get install -y -qq python3-venv && python3 -m venv $(NOTEBOOK_VENV); }
	$(NOTEBOOK_VENV)/bin/pip install -q --disable-pip-version-check -r Notebooks/requirements.txt
	@touch $@

notebooks: deps $(NOTEBOOK_VENV)/.installed
	$(SWIFT) build -c release --product ricci --scratch-path $(NOTEBOOK_SCRATCH)
	RICCI=$(abspath $(NOTEBOOK_SCRATCH))/release/ricci $(NOTEBOOK_VENV)/bin/python Notebooks/run_notebooks.py

# Benchmarks (not tests): contraction against NumPy and OpenBLAS; derivation against SymPy and
# tensorgrad (the five problems and the L-layer loss, L = 1…64); the derived gradient's evaluation
# against jax.grad at n = 1000. Peers install into bench/.venv; results go to bench/RESULTS.md.
BENCH_VENV := bench/.venv

$(BENCH_VENV)/.installed: bench/requirements.txt
	@[ -x $(BENCH_VENV)/bin/python ] || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	@touch $@

bench: release $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/contract_bench.py
	$(BENCH_VENV)/bin/python bench/derive_bench.py --ricci .build/release/ricci --ricci-commit $$(git rev-parse --short HEAD)
	$(BENCH_VENV)/bin/python bench/grad_eval_bench.py --ricci .build/release/ricci --ricci-commit $$(git rev-parse --short HEAD)
	$(BENCH_VENV)/bin/python bench/export_bench.py --ricci .build/release/ricci

# The DocC catalogs (Sources/Ricci/Ricci.docc, Sources/RicciNumerics/RicciNumerics.docc) and the
# symbols' comments, as one static site in docs/api/ (serve it: python3 -m http.server -d docs/api,
# then open /documentation/ricci). Any DocC warning — a broken symbol or article link first of all —
# fails the build; then every public symbol must have a summary line (docs/tools/check_doc_summaries.py).
docs: deps
	rm -rf docs/api
	$(SWIFT) package --allow-writing-to-directory docs/api generate-documentation \
		--target Ricci --target RicciNumerics --enable-experimental-combined-documentation \
		--warnings-as-errors --output-path docs/api
	python3 docs/tools/check_doc_summaries.py

# Regenerates the snippet tests (Tests/RicciDocTests) from the ```swift blocks of README.md and of
# the articles; `swift test` fails while they differ from the documents.
snippets:
	python3 docs/tools/doc_snippets.py

# Only the contraction benchmark (plan quality against opt_einsum, execution against NumPy).
bench-contract: release $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/contract_bench.py --ricci .build/release/ricci

# Fuzzing (issue 10): the libFuzzer targets (fuzz/build.sh, -sanitize=fuzzer) for FUZZ_SECONDS each
# from seeds taken from the tests, then the process-level CLI fuzzer; fuzz-smoke is the short
# fixed-seed CLI pass that make test runs.
FUZZ_SECONDS ?= 60
fuzz: build
	fuzz/build.sh
	python3 fuzz/seeds.py .build/fuzz-seeds
	mkdir -p .build/fuzz-corpus/symbolic .build/fuzz-corpus/readers
	cd .build && ../fuzz/.build/symbolic -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=4096 fuzz-corpus/symbolic fuzz-seeds/symbolic
	cd .build && ../fuzz/.build/readers -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 fuzz-corpus/readers fuzz-seeds/readers
	python3 fuzz/cli_fuzz.py --runs 1000 --seed $$(date +%s) --out .build/fuzz-findings

fuzz-smoke: build
	python3 fuzz/cli_fuzz.py --quick --runs 150 --seed 1 --out .build/fuzz-findings

clean:
	rm -rf .build
