# Trailguide. `make test` is what CI runs (through .ci/run); `make bench` measures.
GO      ?= go
NPM     ?= npm
WEB     := web
DIST    := web/dist web/sdk/dist
GOTEST_FLAGS ?= -race -timeout 20m

.PHONY: all build run test test-go test-web vet check-dist dist bench bench-go bench-web bench-funnel bench-browser size demo-record fuzz screenshots clean soak

all: build

build:
	$(GO) build -o bin/trailguide ./cmd/trailguide

run:
	$(GO) run ./cmd/trailguide serve --demo

## test: everything CI checks — vet, Go tests (unit, conformance, end-to-end in
## headless Chromium), SDK and dashboard unit tests, bundle size budgets and
## drift between the committed bundles and a fresh build.
test: vet check-dist test-web test-go

vet:
	$(GO) vet ./...

test-go:
	$(GO) test $(GOTEST_FLAGS) ./...

test-web: $(WEB)/node_modules
	cd $(WEB) && npx vitest run
	cd $(WEB) && npx tsc -p tsconfig.json --noEmit
	cd $(WEB) && node sdk/size.mjs

## dist: rebuild every browser bundle into web/dist (commit the result).
dist: $(WEB)/node_modules
	cd $(WEB) && node build.mjs

## check-dist: fails when a fresh build differs from what is committed.
check-dist: dist
	@if [ -n "$$(git status --porcelain -- $(DIST))" ]; then \
		echo "check-dist: the committed bundles differ from a fresh build; run 'make dist' and commit:"; \
		git status --porcelain -- $(DIST); git --no-pager diff --stat -- $(DIST); exit 1; \
	fi
	@echo "check-dist: bundles match the sources"

$(WEB)/node_modules: $(WEB)/package-lock.json
	cd $(WEB) && $(NPM) ci --no-audit --no-fund
	@touch $@

## LOAD_RATE: batches/s of the sustained phase of the load bench (10x for the overload phase).
LOAD_RATE ?= 40

## bench: the figures the issues ask for, as ratios against baselines measured in the same run.
bench: bench-web bench-go bench-funnel bench-browser

bench-go:
	$(GO) test -run '^$$' -bench IngestHTTPRatio -benchtime 7x ./httpapi/ | tee bench-go.txt
	$(GO) test -run '^$$' -bench 'IngestHTTP$$|IngestDirect' -benchtime 3s -benchmem ./httpapi/ | tee -a bench-go.txt
	$(GO) test -run '^$$' -bench . -benchtime 3s -benchmem ./ingest/ ./sqlite/ ./recording/ ./worker/ ./friction/ | tee -a bench-go.txt
	$(GO) test -run 'TestReportStorageRatio' -v ./demo/ | tee -a bench-go.txt
	TG_BENCH_HEATMAP=1 $(GO) test -run 'TestHeatmapBench$$' -v -timeout 30m ./sqlite/ | tee -a bench-go.txt
	TG_LOAD=1 TG_LOAD_RATE=$(LOAD_RATE) $(GO) test -run 'TestLoad$$' -v -timeout 10m ./cmd/trailguide/ | tee -a bench-go.txt
	$(GO) test -run '^$$' -bench IngestNodes -benchtime 1x -timeout 10m ./cmd/trailguide/ | tee -a bench-go.txt

bench-web: $(WEB)/node_modules
	cd $(WEB) && node sdk/size.mjs

## bench-funnel: a 4-step funnel and a segment-filtered session search on 100k sessions / 10M events
## (SQLite), each as a ratio to a naive query of the same data; building the data takes minutes.
bench-funnel:
	TG_BENCH_FUNNEL=1 $(GO) test -run '^$$' -bench 'Funnel4Steps|SegmentSessionSearch' -benchtime 5x -timeout 90m ./sqlite/ | tee bench-funnel.txt

## bench-browser: main-thread cost of recording and of live friction in headless Chromium, on the
## demo landing page and a dashboard with live DOM churn (~10 min on a loaded machine).
bench-browser: $(WEB)/node_modules
	$(GO) test -run '^$$' -bench BrowserMainThread -benchtime 1x -timeout 30m ./cmd/trailguide/ | tee bench-browser.txt

## soak: the reliability tests run longer (SOAK_DURATION, default 5m, for the
## crash storm; the SDK offline test goes offline for 30 s; the load test
## holds 10x overload for 60 s).
SOAK_DURATION ?= 5m
soak:
	TG_SOAK=1 TG_SOAK_DURATION=$(SOAK_DURATION) TG_LOAD_RATE=$(LOAD_RATE) $(GO) test -run 'TestCrashStorm|TestSDKOffline|TestDiskFull|TestLoad' -timeout 3h -v ./cmd/trailguide/

## fuzz: run each fuzz target for FUZZTIME (their seed corpora, testdata/fuzz/<Target>/,
## run in every `make test`; TestFuzzCorpora checks that every target is listed here).
## A failing input is written to the target's corpus: commit it with the fix.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBatch$$' -fuzztime $(FUZZTIME) ./ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzAssetsRoundTrip$$' -fuzztime $(FUZZTIME) ./recording/
	$(GO) test -run '^$$' -fuzz '^FuzzShiftTimestamps$$' -fuzztime $(FUZZTIME) ./recording/
	$(GO) test -run '^$$' -fuzz '^FuzzParseSelector$$' -fuzztime $(FUZZTIME) ./privacy/
	$(GO) test -run '^$$' -fuzz '^FuzzText$$' -fuzztime $(FUZZTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzURL$$' -fuzztime $(FUZZTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzJSON$$' -fuzztime $(FUZZTIME) ./scrub/
	$(GO) test -run '^$$' -fuzz '^FuzzSanitizeHTML$$' -fuzztime $(FUZZTIME) ./guide/

## demo-record: re-record the demo sessions in headless Chromium (commit demo/fixtures).
demo-record: build
	$(GO) run ./demo/record -out demo/fixtures

## screenshots: refresh docs/img from the real binary and the demo data.
screenshots:
	TG_DOC_SCREENSHOTS=$(CURDIR)/docs/img $(GO) test -run 'TestDocScreenshots|TestE2EAccess|TestE2EDataMissing|TestPrivacyScreenshot|TestE2EPrivacySettingsUI' -v ./cmd/trailguide/

clean:
	rm -rf bin trailguide-data bench-go.txt bench-funnel.txt
