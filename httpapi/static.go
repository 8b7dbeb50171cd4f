package httpapi

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// dashboardCSP is the policy of the dashboard page: scripts only from our own
// origin and never inline, nothing may frame it, nothing but this server to
// connect to or frame. Recorded pages are replayed in a sandboxed
// same-origin iframe (frame-src 'self') that inherits this policy, so what
// a recording may make the viewer's browser load is decided here: images,
// stylesheets and fonts from this server, data: and blob: URLs, and the
// operator's allow-list (Config.ReplayOrigins) — never a script, and never
// a host a recording names (docs/SECURITY.md, "Replay sandboxing").
func dashboardCSP(replayOrigins []string) string {
	extra := ""
	for _, o := range replayOrigins {
		if ValidOrigin(o) {
			extra += " " + o
		}
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'" + extra + "; " +
		"img-src 'self' data: blob:" + extra + "; font-src 'self' data:" + extra + "; media-src 'self'" + extra + "; " +
		"connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// ValidOrigin reports whether o is a scheme://host[:port] origin (http or
// https, nothing after the host) fit for a CSP source list.
func ValidOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	return !strings.ContainsAny(o, " ;,'\"")
}

// handleSDK serves the SDK loader and its chunks to any site.
func (s *Server) handleSDK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.serveDist(w, r, "sdk", r.PathValue("file"), "public, max-age=300")
}

// handleAssets serves the dashboard's scripts, styles and images.
// index.html links them with a ?v=CONTENTHASH query, so such URLs never
// change content and may be cached for good.
func (s *Server) handleAssets(w http.ResponseWriter, r *http.Request) {
	cache := "public, max-age=300"
	if r.URL.Query().Get("v") != "" {
		cache = "public, max-age=31536000, immutable"
	}
	s.serveDist(w, r, "dashboard/assets", r.PathValue("file"), cache)
}

// handleDemo serves the demo app (serve --demo). It is a stand-in for a
// customer's site, so it gets no dashboard CSP.
func (s *Server) handleDemo(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if file == "" || strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	s.serveDist(w, r, "demo", file, "no-cache")
}

// handleDashboard serves a file at the dashboard's root (favicon and the
// like) or, for every client-side route, index.html under the strict CSP.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name != "" && name != "index.html" && !strings.Contains(name, "/") && s.distHasFile("dashboard/"+name) {
		s.serveDist(w, r, "dashboard", name, "public, max-age=300")
		return
	}
	w.Header().Set("Content-Security-Policy", s.csp)
	w.Header().Set("X-Frame-Options", "DENY")
	s.serveDist(w, r, "dashboard", "index.html", "no-cache")
}

// serveDist serves dir/name from the embedded bundles. A missing file is a
// 404, except that a missing index.html or bundle directory means the
// bundles were never built, which is a 503 telling the operator what to do.
func (s *Server) serveDist(w http.ResponseWriter, r *http.Request, dir, name, cacheControl string) {
	if s.deps.Dist == nil || !s.distHasDir(dir) {
		s.distMissing(w, r)
		return
	}
	full := dir + "/" + name
	if name == "" || !fs.ValidPath(full) || !s.distHasFile(full) {
		if name == "index.html" {
			s.distMissing(w, r)
			return
		}
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(s.deps.Dist, full)
	if err != nil {
		s.logger.Error("read bundle file", "file", full, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", cacheControl)
	// ServeContent sets Content-Type from the extension (.js is
	// text/javascript) and handles Range and conditional requests.
	http.ServeContent(w, r, path.Base(full), time.Time{}, bytes.NewReader(data))
}

func (s *Server) distHasFile(name string) bool {
	fi, err := fs.Stat(s.deps.Dist, name)
	return err == nil && fi.Mode().IsRegular()
}

func (s *Server) distHasDir(name string) bool {
	fi, err := fs.Stat(s.deps.Dist, name)
	return err == nil && fi.IsDir()
}

// distMissing answers when the browser bundles are not built.
func (s *Server) distMissing(w http.ResponseWriter, r *http.Request) {
	s.logger.Warn("browser bundles missing; run `make dist`", "path", r.URL.Path)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", "60")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte("Trailguide's browser bundles are not built. Run `make dist` and rebuild the binary.\n"))
}
