package ingest

import (
	"strings"

	"github.com/trailguide/trailguide"
)

// Device is what a session's user agent tells about the device: class
// (trailguide.DeviceDesktop, DeviceTablet, DeviceMobile), browser family and
// operating system family. The families are the values of the session
// filters, so they are few and stable; "" means unknown.
type Device struct {
	Class   string
	Browser string
	OS      string
}

// ParseUserAgent classifies a User-Agent string. viewportW (CSS pixels, 0
// when unknown) decides the class when the user agent names neither a
// mobile or tablet device nor a desktop operating system: below 768 px it
// is a phone-sized screen. touchPoints (navigator.maxTouchPoints, 0 when
// unknown) unmasks iPadOS in its default desktop mode, which sends a Mac
// user agent: no Mac has a touch screen, every iPad reports 5.
func ParseUserAgent(ua string, viewportW, touchPoints int) Device {
	s := strings.ToLower(ua)
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
	var d Device
	// Order matters: Edge, Opera and Samsung Internet also claim Chrome,
	// and Chrome claims Safari.
	switch {
	case s == "":
	case has("samsungbrowser/"):
		d.Browser = "Samsung Internet"
	case has("edg/", "edge/", "edga/", "edgios/"):
		d.Browser = "Edge"
	case has("opr/", "opios/", "opera"):
		d.Browser = "Opera"
	case has("firefox/", "fxios/"):
		d.Browser = "Firefox"
	case has("chrome/", "crios/", "chromium/"):
		d.Browser = "Chrome"
	case has("safari/") && has("version/", "iphone", "ipad", "macintosh"):
		d.Browser = "Safari"
	default:
		d.Browser = "Other"
	}

	switch {
	case s == "":
	case has("windows"):
		d.OS = "Windows"
	case has("ipad"):
		d.OS = "iPadOS"
	case has("iphone", "ipod"):
		d.OS = "iOS"
	case has("android"):
		d.OS = "Android"
	case has("cros"):
		d.OS = "ChromeOS"
	case has("macintosh", "mac os x") && touchPoints > 1:
		d.OS = "iPadOS"
	case has("macintosh", "mac os x"):
		d.OS = "macOS"
	case has("linux", "x11"):
		d.OS = "Linux"
	default:
		d.OS = "Other"
	}

	switch {
	case d.OS == "iPadOS" || has("tablet", "kindle", "silk/") || (d.OS == "Android" && !has("mobile")):
		d.Class = trailguide.DeviceTablet
	case has("mobi", "iphone", "ipod"):
		d.Class = trailguide.DeviceMobile
	case d.OS == "" || d.OS == "Other":
		// The user agent says nothing about the device: use the screen.
		if viewportW > 0 && viewportW < 768 {
			d.Class = trailguide.DeviceMobile
		} else {
			d.Class = trailguide.DeviceDesktop
		}
	default:
		d.Class = trailguide.DeviceDesktop
	}
	return d
}
