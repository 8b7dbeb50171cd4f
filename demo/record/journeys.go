package main

import (
	"fmt"
	"strings"
	"time"
)

// source is where a visitor comes from: the UTM parameters of the entry URL
// and the referrer the browser sends.
type source struct {
	Name     string
	Query    string
	Referrer string
}

var (
	google      = source{"google", "utm_source=google&utm_medium=cpc&utm_campaign=brand-search", "https://www.google.com/"}
	newsletter  = source{"newsletter", "utm_source=newsletter&utm_medium=email&utm_campaign=march-digest", ""}
	twitter     = source{"twitter", "utm_source=twitter&utm_medium=social&utm_campaign=launch-thread", "https://t.co/"}
	producthunt = source{"producthunt", "utm_source=producthunt&utm_medium=referral&utm_campaign=launch-day", "https://www.producthunt.com/"}
	direct      = source{"direct", "", ""}
	partner     = source{"partner", "utm_source=partner&utm_medium=referral&utm_campaign=agency-program", "https://blog.northwind-agency.example/"}
)

// Devices. Desktops vary browser, OS, language and time zone so that the
// dashboard's facets have something to show; the browser underneath is
// always the same headless Chromium.
var desktops = []device{
	{Name: "desktop", Width: 1440, Height: 900, Scale: 1, Language: "en-US", TimeZone: "America/New_York",
		UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{Name: "desktop", Width: 1440, Height: 900, Scale: 1, Language: "de-DE", TimeZone: "Europe/Berlin",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
	{Name: "desktop", Width: 1440, Height: 900, Scale: 1, Language: "en-GB", TimeZone: "Europe/London",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"},
	{Name: "desktop", Width: 1440, Height: 900, Scale: 1, Language: "en-US", TimeZone: "America/Los_Angeles",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
}

var tablet = device{Name: "tablet", Width: 820, Height: 1180, Scale: 2, Mobile: true, Touch: true, Language: "en-US", TimeZone: "America/Chicago",
	UserAgent: "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"}

var mobile = device{Name: "mobile", Width: 390, Height: 844, Scale: 3, Mobile: true, Touch: true, Language: "en-US", TimeZone: "America/Denver",
	UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"}

// journey is one scripted visitor.
type journey struct {
	Name   string
	Source source
	Device device
	Role   string // set at sign-up, when the journey signs up
	Run    func(v *visitor, j *journey)
}

func (j *journey) entry(page string) string {
	if j.Source.Query == "" {
		return page
	}
	return page + "?" + j.Source.Query
}

// person is what a visitor types into the sign-up form.
type person struct {
	Name, Email, Password, Size string
	Workspace                   []string // attempts, in order; only the last may be valid
}

var people = []person{
	{"Maya Reyes", "maya@northwind.io", "plan2ship", "11", []string{"northwind"}},
	{"Tomás Ortega", "tomas@lumen.co", "lumen-2026", "51", []string{"lumen-design", "lumendesign"}},
	{"Aiko Kato", "aiko@tidepool.dev", "tidepool99", "1", []string{"tidepool"}},
	{"Dev Bhatt", "dev@brightline.app", "brightline7", "1", []string{"bright-line", "Brightline", "brightline"}},
	{"Sara Lindqvist", "sara@halcyon.se", "halcyon4ever", "20", []string{"halcyon"}},
	{"Jon Nakamura", "jon@orbit.io", "orbit1orbit", "11", []string{"orbit.io", "orbitio"}},
	{"Priya Natarajan", "priya@copperleaf.com", "copper2leaf", "51", []string{"copperleaf"}},
	{"Lucas Moreau", "lucas@atelier-m.fr", "atelier88", "1", []string{"atelier-m", "atelierm"}},
	{"Grace Okafor", "grace@kitebase.ng", "kitebase12", "11", []string{"kitebase"}},
	{"Ben Schulz", "ben@fjordworks.de", "fjord2026", "20", []string{"fjord_works", "fjordworks"}},
}

const (
	roleAdmin   = "Admin"
	roleManager = "Manager"
	roleMember  = "Member"
)

// ---- reusable pieces of journeys ----

// skimLanding reads the hero and scrolls into the features.
func skimLanding(v *visitor) {
	v.read(2.5)
	v.hover("h1", 1)
	v.read(1.5)
	v.scrollTo(0.15)
	v.read(2.5)
	v.scrollTo(0.3)
	v.read(2)
}

// signUp fills the sign-up form (with the person's workspace attempts, the
// wrong ones first) and submits it, landing on onboarding.
func signUp(v *visitor, p person, role string) {
	v.read(1.5)
	v.fill("#name", p.Name)
	v.sleep(300*time.Millisecond, 800*time.Millisecond)
	v.fill("#email", p.Email)
	v.sleep(300*time.Millisecond, 800*time.Millisecond)
	v.fill("#password", p.Password)
	v.sleep(300*time.Millisecond, 700*time.Millisecond)
	for i, ws := range p.Workspace {
		if i > 0 {
			v.click("#workspace")
			v.clear("#workspace")
		} else {
			v.click("#workspace")
		}
		v.typeText(ws)
		v.sleep(300*time.Millisecond, 600*time.Millisecond)
		v.choose("#company-size", p.Size) // leaving the field shows the error, if any
		if i < len(p.Workspace)-1 {
			v.read(2.5) // reading "This workspace URL is not available."
		}
	}
	v.choose("#role", role)
	v.read(1)
	v.click("#signup-submit")
	v.waitPage("onboarding.html")
}

// struggle types workspace names that all look fine and are all refused,
// then gives up on the form.
func struggle(v *visitor, p person, attempts []string) {
	v.read(1.5)
	v.fill("#name", p.Name)
	v.sleep(300*time.Millisecond, 700*time.Millisecond)
	v.fill("#email", p.Email)
	v.sleep(300*time.Millisecond, 700*time.Millisecond)
	v.fill("#password", p.Password)
	for i, ws := range attempts {
		v.click("#workspace")
		if i > 0 {
			v.clear("#workspace")
		}
		v.typeText(ws)
		v.sleep(300*time.Millisecond, 600*time.Millisecond)
		if i == 0 {
			v.choose("#company-size", p.Size)
		} else {
			v.click("#name") // blur
		}
		v.read(2)
	}
	v.hover("#workspace-error", 2)
	v.read(2)
}

func onboardingTicks(v *visitor, tasks ...string) {
	v.read(2)
	for _, t := range tasks {
		if t == "import" {
			v.click("#import-csv")
			v.sleep(3400*time.Millisecond, 3800*time.Millisecond)
			continue
		}
		if v.rnd.IntN(2) == 0 {
			v.click(fmt.Sprintf(`li[data-task=%s] [data-action=do]`, t))
		} else {
			v.click(fmt.Sprintf(`li[data-task=%s] .tick`, t))
		}
		v.read(1.2)
	}
}

// slowImport clicks the slow button, gets no feedback, and clicks again.
func slowImport(v *visitor, impatient bool) {
	v.read(1.5)
	v.click("#import-csv")
	v.sleep(1200*time.Millisecond, 1600*time.Millisecond)
	v.click("#import-csv")
	if impatient {
		v.sleep(300*time.Millisecond, 500*time.Millisecond)
		v.rage("#import-csv", 3)
	}
	v.sleep(2500*time.Millisecond, 3000*time.Millisecond)
	v.expectClass("#checklist [data-task=import]", "done")
	v.read(2)
}

func editSettings(v *visitor) {
	v.read(2)
	v.fill("#title", "Product lead")
	v.sleep(300*time.Millisecond, 700*time.Millisecond)
	v.click("#bio")
	v.Keys("\r") // new line in the contenteditable
	v.typeText("Planning the Q3 roadmap with a small, happy team.")
	v.sleep(400*time.Millisecond, 900*time.Millisecond)
	v.fill("#status-note", "Heads-down on Fridays.")
	v.choose("#timezone", "Europe/L")
	v.read(1)
	v.click("#tab-notifications")
	v.read(1.5)
	v.click("label.switch:has(#notif-due) span")
	v.sleep(400*time.Millisecond, 900*time.Millisecond)
	v.click("label.switch:has(#notif-news) span")
	v.sleep(400*time.Millisecond, 900*time.Millisecond)
	v.click("label.switch:has(#notif-mentions) span")
	v.read(1)
	v.click("#settings-save")
	v.read(2)
	v.expect("#save-status", "Saved")
}

func exportPDF(v *visitor, times int) {
	v.click("#tab-billing")
	v.read(2)
	for i := 0; i < times; i++ {
		v.click("#export-pdf")
		v.read(1.8)
	}
	// Wait for the PDF that never comes: the labels call every click dead,
	// which the spec can only say once dead_window_ms (2.5 s) has passed
	// without an answer. Leaving sooner ends the page inside the window,
	// and a navigation or leave there answers the click (docs/FRICTION.md
	// §6, journey 28).
	v.read(2)
}

// pricingBrowse toggles billing, plays with seats and opens FAQ entries.
func pricingBrowse(v *visitor, seats int) {
	v.read(3)
	v.click("#bill-yearly")
	v.read(2)
	v.click("#bill-monthly")
	v.read(1.2)
	v.clickQuick("#seats-plus", seats)
	v.read(1.5)
	v.clickQuick("#seats-minus", 2)
	v.read(1)
	v.scrollTo(0.55)
	v.read(2.5)
	v.click("details:nth-of-type(2) summary")
	v.read(2.5)
	v.click("details:nth-of-type(3) summary")
	v.read(2)
}

// excessiveScroll goes up and down the long landing page, looking for
// something it does not find.
func excessiveScroll(v *visitor) {
	v.read(2)
	for _, f := range []float64{0.85, 0.25, 0.75, 0.1, 0.65, 0.3} {
		v.scrollTo(f)
		v.read(0.9)
	}
	v.read(1.5)
}

// ---- the journeys ----

func journeys() []*journey {
	d := func(i int) device { return desktops[i%len(desktops)] }
	js := []*journey{
		// Browse and bounce.
		{Name: "bounce-landing", Source: google, Device: d(0), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			skimLanding(v)
			v.read(3)
		}},
		{Name: "bounce-landing", Source: twitter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(3)
			v.scroll(500)
			v.read(3)
			v.scroll(700)
			v.read(4)
		}},
		{Name: "bounce-landing", Source: direct, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			skimLanding(v)
			v.click("details:nth-of-type(1) summary")
			v.read(3)
		}},
		{Name: "bounce-hesitate-cta", Source: producthunt, Device: d(1), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.hover("#hero-cta", 3.5)
			v.read(1)
			v.scrollTo(0.2)
			v.read(4)
		}},

		// Read pricing and leave.
		{Name: "pricing-read", Source: google, Device: d(2), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(3)
			v.follow(`#nav a[href="pricing.html"]`, "pricing.html")
			pricingBrowse(v, 4)
		}},
		{Name: "pricing-read", Source: newsletter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("pricing.html"), j.Source.Referrer)
			pricingBrowse(v, 3)
		}},
		{Name: "pricing-read", Source: partner, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("pricing.html"), j.Source.Referrer)
			pricingBrowse(v, 6)
			v.scrollTo(0.35)
			v.read(2)
		}},
		{Name: "pricing-seats-then-signup", Source: producthunt, Device: d(3), Role: roleAdmin, Run: func(v *visitor, j *journey) {
			v.open(j.entry("pricing.html"), j.Source.Referrer)
			v.read(3)
			v.clickQuick("#seats-plus", 7)
			v.read(1.5)
			v.click("#bill-yearly")
			v.read(2)
			v.follow("#plan-team", "signup.html")
			signUp(v, people[6], j.Role)
			onboardingTicks(v, "project", "invite")
		}},

		// Quick back: pricing, then straight back.
		{Name: "quick-back-pricing", Source: twitter, Device: d(0), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(3)
			v.follow(`#nav a[href="pricing.html"]`, "pricing.html")
			v.read(2)
			v.back("index.html")
			v.read(2)
			v.scrollTo(0.25)
			v.read(3)
		}},
		{Name: "quick-back-pricing", Source: google, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(3)
			v.click("#menu-toggle")
			v.read(1)
			v.follow(`#nav a[href="pricing.html"]`, "pricing.html")
			v.read(2.5)
			v.back("index.html")
			v.read(2)
			v.scroll(600)
			v.read(3)
		}},
		{Name: "quick-back-signup", Source: direct, Device: d(1), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2.5)
			v.follow("#header-cta", "signup.html")
			v.read(2)
			v.back("index.html")
			v.read(2)
			v.follow(`#nav a[href="pricing.html"]`, "pricing.html")
			v.read(4)
		}},

		// Sign up successfully.
		{Name: "signup", Source: google, Device: d(0), Role: roleAdmin, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(3)
			v.follow("#hero-cta", "signup.html")
			signUp(v, people[0], j.Role)
			onboardingTicks(v, "project", "invite", "calendar")
		}},
		{Name: "signup-after-pricing", Source: newsletter, Device: d(1), Role: roleManager, Run: func(v *visitor, j *journey) {
			v.open(j.entry("pricing.html"), j.Source.Referrer)
			v.read(3)
			v.click("#bill-yearly")
			v.read(1.5)
			v.follow("#plan-team", "signup.html")
			signUp(v, people[1], j.Role) // one refused workspace URL first
			onboardingTicks(v, "project", "import")
			v.follow("#to-settings", "settings.html")
			v.read(3)
		}},
		{Name: "signup", Source: producthunt, Device: mobile, Role: roleMember, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2.5)
			v.follow("#header-cta", "signup.html")
			signUp(v, people[2], j.Role)
			onboardingTicks(v, "project")
		}},
		{Name: "signup", Source: partner, Device: tablet, Role: roleAdmin, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.follow("#hero-cta", "signup.html")
			signUp(v, people[4], j.Role)
			onboardingTicks(v, "invite", "digest")
		}},
		{Name: "signup-complete-checklist", Source: direct, Device: d(2), Role: roleMember, Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			signUp(v, people[8], j.Role)
			onboardingTicks(v, "project", "invite", "import", "calendar", "digest")
			v.expect("#progress-note", "All set")
			v.read(2)
		}},
		{Name: "signup-business", Source: twitter, Device: d(3), Role: roleManager, Run: func(v *visitor, j *journey) {
			v.open(j.entry("pricing.html"), j.Source.Referrer)
			v.read(3)
			v.follow("#plan-business", "signup.html")
			signUp(v, people[5], j.Role) // "orbit.io" refused first
			onboardingTicks(v, "calendar")
		}},

		// Struggle with the workspace URL and abandon.
		{Name: "struggle-workspace", Source: google, Device: d(1), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.follow("#hero-cta", "signup.html")
			struggle(v, people[3], []string{"acme-design", "Acme-Design", "acme_design", "acme.design"})
		}},
		{Name: "struggle-workspace", Source: newsletter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			struggle(v, people[7], []string{"atelier-m", "atelier-m-studio", "Atelier"})
		}},
		{Name: "struggle-workspace-then-pricing", Source: partner, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			struggle(v, people[9], []string{"fjord-works", "fjord_works"})
			v.follow(`#nav a[href="pricing.html"]`, "pricing.html")
			v.read(4)
		}},
		{Name: "struggle-password-and-workspace", Source: direct, Device: d(0), Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			v.read(1.5)
			v.fill("#name", "Chris Park")
			v.fill("#email", "chris@parkandco.com")
			v.fill("#password", "password")
			v.fill("#workspace", "park-and-co")
			v.choose("#company-size", "1")
			v.choose("#role", roleAdmin)
			v.click("#signup-submit")
			v.read(2.5)
			v.click("#password")
			v.clear("#password")
			v.typeText("password1")
			v.click("#signup-submit")
			v.read(2)
			v.click("#workspace")
			v.clear("#workspace")
			v.typeText("park-co")
			v.click("#signup-submit")
			v.read(3)
		}},

		// Rage-click the "Watch demo" pill that is not a button.
		{Name: "rage-watch-demo", Source: google, Device: d(2), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2.5)
			v.click("#watch-demo")
			v.read(2)
			v.rage("#watch-demo", 5)
			v.read(2)
			v.scrollTo(0.2)
			v.read(3)
		}},
		{Name: "rage-watch-demo", Source: twitter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2.5)
			v.click("#watch-demo")
			v.read(1.5)
			v.rage("#watch-demo", 4)
			v.read(3)
		}},
		{Name: "rage-watch-demo-then-signup", Source: producthunt, Device: d(3), Role: roleMember, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.click("#watch-demo")
			v.read(1.5)
			v.rage("#watch-demo", 4)
			v.read(2)
			v.follow("#hero-cta", "signup.html")
			signUp(v, people[3], j.Role) // two refused workspace URLs first
			onboardingTicks(v, "project")
		}},

		// Wait on the slow import button, click it again.
		{Name: "slow-import", Source: newsletter, Device: d(0), Role: roleManager, Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			signUp(v, people[0], j.Role)
			slowImport(v, true)
			onboardingTicks(v, "project")
		}},
		{Name: "slow-import", Source: partner, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("onboarding.html"), j.Source.Referrer)
			v.read(2)
			slowImport(v, false)
			v.read(2)
		}},
		{Name: "slow-import-patient", Source: direct, Device: d(1), Run: func(v *visitor, j *journey) {
			v.open(j.entry("onboarding.html"), j.Source.Referrer)
			onboardingTicks(v, "project", "import", "digest")
			v.read(2)
		}},

		// Trigger the JS error on "Export PDF".
		{Name: "export-pdf-error", Source: google, Device: d(2), Role: roleAdmin, Run: func(v *visitor, j *journey) {
			v.open(j.entry("signup.html"), j.Source.Referrer)
			signUp(v, people[4], j.Role)
			v.read(2)
			v.follow("#to-settings", "settings.html")
			exportPDF(v, 2)
		}},
		{Name: "export-pdf-error", Source: direct, Device: d(3), Run: func(v *visitor, j *journey) {
			v.open(j.entry("settings.html"), j.Source.Referrer)
			v.read(2)
			exportPDF(v, 3)
			v.read(2)
		}},
		{Name: "export-pdf-error", Source: newsletter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("settings.html"), j.Source.Referrer)
			v.read(2)
			exportPDF(v, 2)
		}},

		// Scroll the long landing page up and down.
		{Name: "scroll-hunt", Source: google, Device: d(0), Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			excessiveScroll(v)
			v.click("details:nth-of-type(4) summary")
			v.read(3)
		}},
		{Name: "scroll-hunt", Source: twitter, Device: mobile, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			excessiveScroll(v)
		}},
		{Name: "scroll-read-faq", Source: newsletter, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.click(`details:nth-of-type(2) summary`)
			v.read(3)
			v.click(`details:nth-of-type(5) summary`)
			v.read(3)
			v.scrollTo(1)
			v.read(2)
			v.scrollTo(0)
			v.read(2)
		}},

		// Settings edits.
		{Name: "settings-edit", Source: direct, Device: d(1), Run: func(v *visitor, j *journey) {
			v.open(j.entry("settings.html"), j.Source.Referrer)
			editSettings(v)
		}},
		{Name: "settings-edit", Source: partner, Device: tablet, Run: func(v *visitor, j *journey) {
			v.open(j.entry("settings.html"), j.Source.Referrer)
			editSettings(v)
		}},
		{Name: "signup-then-settings", Source: producthunt, Device: d(2), Role: roleManager, Run: func(v *visitor, j *journey) {
			v.open(j.entry("index.html"), j.Source.Referrer)
			v.read(2)
			v.follow("#footer-cta", "signup.html")
			signUp(v, people[9], j.Role) // "fjord_works" refused first
			onboardingTicks(v, "project")
			v.follow("#to-settings", "settings.html")
			editSettings(v)
		}},
	}
	for i, j := range js {
		j.Name = fmt.Sprintf("%02d-%s-%s-%s", i+1, j.Name, j.Source.Name, j.Device.Name)
		if j.Role != "" {
			j.Name += "-" + strings.ToLower(j.Role)
		}
	}
	return js
}
