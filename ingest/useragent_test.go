package ingest

import "testing"

func TestParseUserAgent(t *testing.T) {
	tests := []struct {
		name string
		ua   string
		vw   int
		tp   int // navigator.maxTouchPoints
		want Device
	}{
		{"chrome windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 1280, 0, Device{"desktop", "Chrome", "Windows"}},
		{"edge windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", 1280, 0, Device{"desktop", "Edge", "Windows"}},
		{"firefox linux", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", 1280, 0, Device{"desktop", "Firefox", "Linux"}},
		{"safari macos", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", 1440, 0, Device{"desktop", "Safari", "macOS"}},
		{"opera macos", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 OPR/109.0.0.0", 1440, 0, Device{"desktop", "Opera", "macOS"}},
		{"safari iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 390, 0, Device{"mobile", "Safari", "iOS"}},
		{"chrome iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Mobile/15E148 Safari/604.1", 390, 0, Device{"mobile", "Chrome", "iOS"}},
		{"firefox iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15", 390, 0, Device{"mobile", "Firefox", "iOS"}},
		{"safari ipad", "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", 820, 0, Device{"tablet", "Safari", "iPadOS"}},
		{"chrome android phone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36", 412, 0, Device{"mobile", "Chrome", "Android"}},
		{"chrome android tablet", "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Safari/537.36", 1024, 0, Device{"tablet", "Chrome", "Android"}},
		{"samsung internet", "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", 384, 0, Device{"mobile", "Samsung Internet", "Android"}},
		{"edge android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64", 412, 0, Device{"mobile", "Edge", "Android"}},
		{"chromeos", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 1366, 0, Device{"desktop", "Chrome", "ChromeOS"}},
		{"empty narrow viewport", "", 375, 0, Device{"mobile", "", ""}},
		{"empty wide viewport", "", 1280, 0, Device{"desktop", "", ""}},
		{"empty no viewport", "", 0, 0, Device{"desktop", "", ""}},
		{"bot narrow viewport", "curl/8.5.0", 500, 0, Device{"mobile", "Other", "Other"}},
		{"desktop ua narrow window stays desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 500, 0, Device{"desktop", "Chrome", "Windows"}},
		// iPadOS 13+ asks for desktop sites by default: the user agent is a
		// Mac's, touch points tell (a Mac reports 0).
		{"ipad desktop mode safari", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 1180, 5, Device{"tablet", "Safari", "iPadOS"}},
		{"ipad desktop mode chrome", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Safari/604.1", 1180, 5, Device{"tablet", "Chrome", "iPadOS"}},
		{"ipad chrome mobile mode", "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.71 Mobile/15E148 Safari/604.1", 820, 5, Device{"tablet", "Chrome", "iPadOS"}},
		{"mac safari no touch", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", 1440, 0, Device{"desktop", "Safari", "macOS"}},
		{"windows touch laptop stays desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", 1280, 10, Device{"desktop", "Chrome", "Windows"}},
		{"android tablet firefox", "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", 1024, 5, Device{"tablet", "Firefox", "Android"}},
		{"kindle silk", "Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.3.1 like Chrome/124.0.6367.118 Safari/537.36", 800, 5, Device{"tablet", "Chrome", "Android"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseUserAgent(tt.ua, tt.vw, tt.tp); got != tt.want {
				t.Errorf("ParseUserAgent(%q, %d, %d) = %+v, want %+v", tt.ua, tt.vw, tt.tp, got, tt.want)
			}
		})
	}
}
