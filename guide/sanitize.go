package guide

import (
	"html"
	"strings"

	"github.com/trailguide/trailguide"
)

// allowed are the tags guide rich text may hold; everything else is
// removed (its text kept), and the tags in dropped with their content.
var allowed = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "a": true,
	"ul": true, "ol": true, "li": true, "p": true, "br": true,
}

var dropped = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true, "noscript": true,
	"template": true, "textarea": true, "title": true, "xmp": true, "noembed": true, "noframes": true,
	"svg": true, "math": true, "select": true, "head": true,
}

// SanitizeHTML rewrites guide rich text to the safe subset: b, strong, i,
// em, ul, ol, li, p, br and a with an http, https or mailto href (nothing
// else, no other attribute). Other tags are removed with their text kept;
// script-like elements (script, style, iframe, svg ...) are removed with
// their content; comments go. The output is rebuilt from scratch, every
// text and attribute re-escaped and every tag closed, so whatever the input
// it holds nothing but the subset. It never fails: bad markup is text.
func SanitizeHTML(s string) string {
	var out strings.Builder
	var stack []string // open allowed tags; "" for an <a> without a usable href
	text := func(t string) {
		out.WriteString(html.EscapeString(html.UnescapeString(t)))
	}
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			text(s)
			break
		}
		text(s[:lt])
		s = s[lt:]
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s[4:], "-->")
			if end < 0 {
				break
			}
			s = s[4+end+3:]
			continue
		}
		name, attrs, closing, rest, ok := readTag(s)
		if !ok {
			// "<" that starts no tag ("a < b", "<!doctype", "<?x"): text,
			// or dropped when it is a declaration.
			if len(s) > 1 && (s[1] == '!' || s[1] == '?') {
				if gt := strings.IndexByte(s, '>'); gt >= 0 {
					s = s[gt+1:]
					continue
				}
				break
			}
			out.WriteString("&lt;")
			s = s[1:]
			continue
		}
		s = rest
		switch {
		case dropped[name]:
			if !closing {
				s = skipElement(s, name)
			}
		case !allowed[name]:
		case name == "br":
			if !closing {
				out.WriteString("<br>")
			}
		case closing:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == name || (name == "a" && stack[i] == "") {
					for j := len(stack) - 1; j >= i; j-- {
						if stack[j] != "" {
							out.WriteString("</" + stack[j] + ">")
						}
					}
					stack = stack[:i]
					break
				}
			}
		case name == "a":
			href := html.UnescapeString(attrs["href"])
			if href != "" && trailguide.ValidGuideLink(href) {
				out.WriteString(`<a href="` + html.EscapeString(strings.TrimSpace(href)) + `">`)
				stack = append(stack, "a")
			} else {
				stack = append(stack, "")
			}
		default:
			if len(stack) >= 20 {
				continue // absurd nesting: flatten
			}
			out.WriteString("<" + name + ">")
			stack = append(stack, name)
		}
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] != "" {
			out.WriteString("</" + stack[i] + ">")
		}
	}
	return out.String()
}

// readTag reads a tag at the start of s ("<name attr=...>" or "</name>"):
// its lower-case name, its attributes (raw values), and what follows it.
func readTag(s string) (name string, attrs map[string]string, closing bool, rest string, ok bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	start := i
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	if i == start || (i < len(s) && !isSpace(s[i]) && s[i] != '>' && s[i] != '/') {
		return "", nil, false, "", false
	}
	name = strings.ToLower(s[start:i])
	attrs = map[string]string{}
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			return "", nil, false, "", false
		}
		if s[i] == '>' {
			return name, attrs, closing, s[i+1:], true
		}
		an := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		key := strings.ToLower(s[an:i])
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					return "", nil, false, "", false
				}
				val = s[i+1 : i+1+end]
				i += end + 2
			} else {
				vs := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				val = s[vs:i]
			}
		}
		if _, seen := attrs[key]; !seen && key != "" {
			attrs[key] = val
		}
	}
	return "", nil, false, "", false
}

// skipElement returns s after the closing tag of name (case-insensitive);
// "" when there is none (the rest is the element's content).
func skipElement(s, name string) string {
	low := strings.ToLower(s)
	for off := 0; ; {
		i := strings.Index(low[off:], "</"+name)
		if i < 0 {
			return ""
		}
		j := off + i + 2 + len(name)
		if j >= len(s) || s[j] == '>' || isSpace(s[j]) || s[j] == '/' {
			if gt := strings.IndexByte(s[j:], '>'); gt >= 0 {
				return s[j+gt+1:]
			}
			return ""
		}
		off = j
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// Prepare validates a guide and sanitises every piece of its content in
// place: the one function every write path (API, import) calls before
// saving.
func Prepare(g *trailguide.Guide) error {
	if err := trailguide.ValidateGuide(g); err != nil {
		return err
	}
	for i := range g.Steps {
		g.Steps[i].Body = SanitizeHTML(g.Steps[i].Body)
		if len(g.Steps[i].Body) > trailguide.MaxGuideBodyLen*2 {
			return trailguide.Invalid("steps.body", "A step's body is too long once sanitised.")
		}
	}
	return nil
}
