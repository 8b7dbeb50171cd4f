package friction

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// syntheticSession builds a session of the given number of one-minute page
// visits with the density of a recorded one: a pointer sample every 50 ms
// (rrweb's default sampling), a scroll sample every 100 ms for 10 s, a
// mutation every 200 ms, a click every 5 s with a response, a form with
// edits, a rage burst, a dead click and an error on every page.
func syntheticSession(pages int) []Input {
	var in []Input
	var t int64
	for p := 0; p < pages; p++ {
		url := fmt.Sprintf("https://shop.example/p/%d", p%4)
		in = append(in, Input{T: t, Kind: KindPageview, URL: url})
		for dt := int64(0); dt < 60000; dt += 50 {
			x := float64(200 + (dt/7)%400)
			y := float64(300 + (dt/11)%200)
			in = append(in, Input{T: t + dt, Kind: KindMouseMove, URL: url, X: x, Y: y})
			if dt%200 == 0 {
				in = append(in, Input{T: t + dt + 1, Kind: KindMutation, URL: url})
			}
			if dt < 10000 && dt%100 == 0 {
				y := float64((dt / 100 % 40) * 60)
				in = append(in, Input{T: t + dt, Kind: KindScroll, URL: url, ScrollY: y, ViewportH: 800})
			}
			if dt%5000 == 2500 {
				in = append(in, Input{T: t + dt, Kind: KindClick, URL: url, Selector: "#btn", Tag: "button", Interactive: true, X: x, Y: y})
			}
		}
		for i := int64(0); i < 3; i++ {
			in = append(in, Input{T: t + 20000 + i*300, Kind: KindClick, URL: url, Selector: "#dead", Tag: "button", Interactive: true, X: 50, Y: 50})
			in = append(in, Input{T: t + 30000 + i*1000, Kind: KindInput, URL: url, Selector: "#f1", Form: "#form"})
		}
		in = append(in, Input{T: t + 20500, Kind: KindError, URL: url, Name: "Error"})
		in = append(in, Input{T: t + 40000, Kind: KindHover, URL: url, Selector: "#buy", Duration: 3500})
		t += 60000
	}
	return WithSessionEnd(sortInputs(in))
}

func sortInputs(in []Input) []Input {
	ix := order(in)
	out := make([]Input, len(in))
	for i, k := range ix {
		out[i] = in[k]
	}
	return out
}

// BenchmarkDetect measures detector throughput in inputs per second on a
// 30-minute synthetic session (≈ 53k inputs).
func BenchmarkDetect(b *testing.B) {
	in := syntheticSession(30)
	cfg := Default()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Detect(cfg, in)
	}
	b.ReportMetric(float64(len(in))*float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
}

// BenchmarkFromSessionDetect measures the server path from stored data:
// rrweb events decoded into inputs, then detected, in rrweb events per
// second.
func BenchmarkFromSessionDetect(b *testing.B) {
	var raw []json.RawMessage
	raw = append(raw, json.RawMessage(`{"type":4,"timestamp":0,"data":{"href":"https://shop.example/","width":1280,"height":800}}`),
		json.RawMessage(`{"type":2,"timestamp":0,"data":{"node":{"type":0,"id":1,"childNodes":[]},"initialOffset":{"left":0,"top":0}}}`))
	var events []*trailguide.Event
	for t := int64(0); t < 10*60000; t += 100 {
		raw = append(raw, json.RawMessage(fmt.Sprintf(
			`{"type":3,"timestamp":%d,"data":{"source":1,"positions":[{"x":%d,"y":300,"id":5,"timeOffset":-50},{"x":%d,"y":310,"id":5,"timeOffset":0}]}}`, t, 100+t%300, 110+t%300)))
		if t%500 == 0 {
			raw = append(raw, json.RawMessage(fmt.Sprintf(
				`{"type":3,"timestamp":%d,"data":{"source":0,"texts":[],"attributes":[{"id":7,"attributes":{"class":"on"}}],"removes":[],"adds":[]}}`, t+1)))
		}
		if t%5000 == 0 {
			events = append(events, &trailguide.Event{WindowID: "w", Type: "click", Time: time.UnixMilli(t), URL: "https://shop.example/",
				Selector: "#b", X: 10, Y: 10, Data: json.RawMessage(`{"tag":"button","props":{"interactive":true}}`)})
		}
	}
	rr := map[string][]json.RawMessage{"w": raw}
	cfg := Default()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Detect(cfg, WithSessionEnd(FromSession(events, rr)))
	}
	b.ReportMetric(float64(len(raw)+len(events))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
