// Package metrics exports Trailguide's operational figures in the
// Prometheus text format with the standard Go client
// (github.com/prometheus/client_golang). It owns one registry per process:
// the ingest counters and histograms that httpapi feeds through
// ObserveIngest, the worker's job outcomes, the stores' error counts (a
// counting BlobStore wrapper, and gauges read from the SQLite writer), and
// the Go runtime and process collectors. The adapters themselves never
// import it: cmd/trailguide wires the figures they expose into it.
package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/trailguide/trailguide"
)

// Metrics is one process's registry and the instruments the code feeds.
type Metrics struct {
	reg *prometheus.Registry

	ingestBatches    *prometheus.CounterVec
	ingestBytes      prometheus.Counter
	ingestLatency    prometheus.Histogram
	ingestRejections *prometheus.CounterVec
	workerJobs       *prometheus.CounterVec
	workerDuration   *prometheus.HistogramVec
	storeErrors      *prometheus.CounterVec
}

// New returns a registry with the Go runtime and process collectors and
// every Trailguide instrument registered.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.ingestBatches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trailguide_ingest_batches_total",
		Help: "Batches received on POST /ingest/v1/batch, by HTTP status class of the answer (2xx, 4xx, 5xx).",
	}, []string{"status"})
	m.ingestBytes = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "trailguide_ingest_bytes_total",
		Help: "Request body bytes received on POST /ingest/v1/batch, as sent (compressed or not).",
	})
	m.ingestLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "trailguide_ingest_duration_seconds",
		Help:    "Time from reading a batch to answering it; for a 200 this includes the durable commit.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	})
	m.ingestRejections = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trailguide_ingest_rejections_total",
		Help: "Batches refused (non-2xx) or told to stop, by reason (the error reason or code sent to the SDK; stop for 200 {\"stop\": true}).",
	}, []string{"reason"})
	m.workerJobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trailguide_worker_jobs_total",
		Help: "Worker passes and jobs run, by kind (compaction, retention, erasure) and result (ok, error).",
	}, []string{"kind", "result"})
	m.workerDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "trailguide_worker_job_duration_seconds",
		Help:    "Duration of worker passes and jobs, by kind.",
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
	}, []string{"kind"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trailguide_store_errors_total",
		Help: "Failures of the storage backends, by store (blob, sqlite) and operation; not-found answers are not errors.",
	}, []string{"store", "op"})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.ingestBatches, m.ingestBytes, m.ingestLatency, m.ingestRejections,
		m.workerJobs, m.workerDuration, m.storeErrors,
	)
	return m
}

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveIngest records one answered batch: the status sent, the reason
// of a refusal or stop ("" for a plain ack), the body bytes read and the
// time it took.
func (m *Metrics) ObserveIngest(status int, reason string, bytes int64, d time.Duration) {
	m.ingestBatches.WithLabelValues(strconv.Itoa(status/100) + "xx").Inc()
	if bytes > 0 {
		m.ingestBytes.Add(float64(bytes))
	}
	m.ingestLatency.Observe(d.Seconds())
	if reason != "" {
		m.ingestRejections.WithLabelValues(reason).Inc()
	}
}

// ObserveJob records one worker pass or job of kind.
func (m *Metrics) ObserveJob(kind string, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.workerJobs.WithLabelValues(kind, result).Inc()
	m.workerDuration.WithLabelValues(kind).Observe(d.Seconds())
}

// StoreError counts one failure of a store operation.
func (m *Metrics) StoreError(store, op string) {
	m.storeErrors.WithLabelValues(store, op).Inc()
}

// GaugeFunc registers a gauge whose value f reads at scrape time (the
// writer's queue depth).
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// CounterFunc registers a counter whose value f reads at scrape time (the
// writer's group commits and failures, counted by the sqlite package).
func (m *Metrics) CounterFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}

// Blobs wraps a BlobStore so that its failures count in
// trailguide_store_errors_total{store="blob"}. A missing key is an answer,
// not a failure.
func (m *Metrics) Blobs(b trailguide.BlobStore) trailguide.BlobStore {
	return &countingBlobs{BlobStore: b, m: m}
}

type countingBlobs struct {
	trailguide.BlobStore
	m *Metrics
}

var _ trailguide.BlobStore = (*countingBlobs)(nil)

func (c *countingBlobs) count(op string, err error) error {
	if err != nil && trailguide.ErrorCode(err) != trailguide.ENOTFOUND && !errors.Is(err, context.Canceled) {
		c.m.StoreError("blob", op)
	}
	return err
}

func (c *countingBlobs) Put(ctx context.Context, key string, data []byte) error {
	return c.count("put", c.BlobStore.Put(ctx, key, data))
}

func (c *countingBlobs) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, err := c.BlobStore.Get(ctx, key)
	return rc, c.count("get", err)
}

func (c *countingBlobs) Delete(ctx context.Context, key string) error {
	return c.count("delete", c.BlobStore.Delete(ctx, key))
}

func (c *countingBlobs) List(ctx context.Context, prefix string) ([]string, error) {
	keys, err := c.BlobStore.List(ctx, prefix)
	return keys, c.count("list", err)
}

// Unwrap returns the wrapped store, for callers that need its own methods
// (fileblob's RemoveTemp).
func (c *countingBlobs) Unwrap() trailguide.BlobStore { return c.BlobStore }

// RemoveTemp forwards to the wrapped store's RemoveTemp when it has one
// (fileblob), so that the worker's sweep still removes the temporary files
// a crash left behind.
func (c *countingBlobs) RemoveTemp(ctx context.Context, prefix string, before time.Time) (int, error) {
	ts, ok := c.BlobStore.(interface {
		RemoveTemp(ctx context.Context, prefix string, before time.Time) (int, error)
	})
	if !ok {
		return 0, nil
	}
	n, err := ts.RemoveTemp(ctx, prefix, before)
	return n, c.count("remove_temp", err)
}
