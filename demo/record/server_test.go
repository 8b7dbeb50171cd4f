package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCaptureKeepsBatchesPerListener(t *testing.T) {
	dist := fstest.MapFS{"demo/index.html": {Data: []byte("<h1>Pathway</h1>")}}
	c := newCapture(dist, slog.New(slog.DiscardHandler))
	srv := &http.Server{Handler: c.routes()}
	defer srv.Close()
	lnA, sinkA, err := c.listen()
	if err != nil {
		t.Fatal(err)
	}
	lnB, sinkB, err := c.listen()
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lnA)
	go srv.Serve(lnB)

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"key":"k", "seq":1}`))
	zw.Close()

	tests := []struct {
		name     string
		addr     string
		body     []byte
		wantCode int
		wantBody string
	}{
		{"plain JSON", lnA.Addr().String(), []byte(`{"key":"k","seq":0}`), 200, `{"ack":0}`},
		{"gzip", lnA.Addr().String(), gz.Bytes(), 200, `{"ack":1}`},
		{"other listener", lnB.Addr().String(), []byte(`{"seq":7}`), 200, `{"ack":7}`},
		{"not JSON", lnB.Addr().String(), []byte(`nope`), 400, `"invalid"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Post("http://"+tt.addr+"/ingest/v1/batch", "text/plain", bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantCode || !strings.Contains(string(b), tt.wantBody) {
				t.Errorf("got %d %s, want %d %s", res.StatusCode, b, tt.wantCode, tt.wantBody)
			}
		})
	}
	if got := sinkA.snapshot(); len(got) != 2 || string(got[1]) != `{"key":"k","seq":1}` {
		t.Errorf("sink A holds %q", got)
	}
	if got := sinkB.snapshot(); len(got) != 1 {
		t.Errorf("sink B holds %q", got)
	}

	res, err := http.Get("http://" + lnA.Addr().String() + "/demo/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Pathway") {
		t.Errorf("GET /demo/ = %q", b)
	}
	res, err = http.Get("http://" + lnA.Addr().String() + "/ingest/v1/config?key=k")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"sample_rate":1`) || !strings.Contains(string(b), `"mode":"balanced"`) {
		t.Errorf("config = %s", b)
	}
	sinkA.quiet(time.Now(), 10*time.Millisecond, time.Second)
}

func TestJourneys(t *testing.T) {
	js := journeys()
	if len(js) < 30 {
		t.Errorf("%d journeys, want at least 30", len(js))
	}
	seen := map[string]bool{}
	devices := map[string]int{}
	sources := map[string]int{}
	roles := map[string]int{}
	for _, j := range js {
		if seen[j.Name] {
			t.Errorf("journey name %s used twice", j.Name)
		}
		seen[j.Name] = true
		devices[j.Device.Name]++
		sources[j.Source.Name]++
		if j.Role != "" {
			roles[j.Role]++
		}
	}
	if len(devices) != 3 || len(sources) != 6 || len(roles) != 3 {
		t.Errorf("want 3 devices, 6 sources and 3 roles; got %v %v %v", devices, sources, roles)
	}
}
