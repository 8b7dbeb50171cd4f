// Package privacy validates a project's masking settings (docs/PRIVACY.md):
// the mode and the CSS selectors of the mask, block and unmask rules that
// the SDK applies in the browser. Selectors are checked here, before they
// are stored, so that an admin learns at once that a rule is wrong instead
// of the SDK silently dropping it in every visitor's browser.
package privacy

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxSelectorLen bounds one selector (bytes).
const MaxSelectorLen = 500

// maxDepth bounds the nesting of :not(), :is(), :where() and :has().
const maxDepth = 8

// SelectorError says where and why a selector is invalid.
type SelectorError struct {
	Pos int    // byte offset in the selector
	Msg string // e.g. "expected ']'"
}

func (e *SelectorError) Error() string {
	return fmt.Sprintf("%s (at character %d)", e.Msg, e.Pos+1)
}

// ParseSelector checks that s is a CSS selector list that browsers accept
// in Element.closest(): type, universal, #id, .class, [attribute] selectors
// with the = ~= |= ^= $= *= operators and the i/s flags, the combinators
// (descendant, >, +, ~), and the pseudo-classes that match elements by
// structure or state, including :not(), :is(), :where(), :has() and the
// :nth-*() family. It rejects what can never match an element
// (pseudo-elements like ::before), namespaces, unknown pseudo-classes and
// anything malformed. It is stricter than a browser where a browser would
// accept nonsense (an unknown pseudo-class is an error in both).
func ParseSelector(s string) error {
	if len(s) > MaxSelectorLen {
		return &SelectorError{Pos: MaxSelectorLen, Msg: fmt.Sprintf("longer than %d characters", MaxSelectorLen)}
	}
	if !utf8.ValidString(s) {
		return &SelectorError{Msg: "not valid UTF-8"}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && !isSpace(c)) || c == 0x7f {
			return &SelectorError{Pos: i, Msg: "control character"}
		}
	}
	p := &parser{s: s}
	if err := p.list(0, false); err != nil {
		return err
	}
	if p.i < len(s) {
		return p.fail("unexpected %q", s[p.i])
	}
	return nil
}

type parser struct {
	s string
	i int
}

func (p *parser) fail(format string, a ...any) *SelectorError {
	return &SelectorError{Pos: p.i, Msg: fmt.Sprintf(format, a...)}
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func (p *parser) spaces() bool {
	start := p.i
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

// list parses a comma-separated selector list up to the end or a ')'.
// relative: each selector may start with a combinator (:has()).
func (p *parser) list(depth int, relative bool) error {
	for {
		p.spaces()
		if err := p.complex(depth, relative); err != nil {
			return err
		}
		p.spaces()
		if p.peek() != ',' {
			return nil
		}
		p.i++
	}
}

func isCombinator(c byte) bool { return c == '>' || c == '+' || c == '~' }

// complex parses compound selectors joined by combinators.
func (p *parser) complex(depth int, relative bool) error {
	if relative && isCombinator(p.peek()) {
		p.i++
		p.spaces()
	}
	if err := p.compound(depth); err != nil {
		return err
	}
	for {
		sp := p.spaces()
		c := p.peek()
		switch {
		case isCombinator(c):
			p.i++
			p.spaces()
		case c == 0 || c == ',' || c == ')':
			return nil
		case !sp:
			return p.fail("unexpected %q", c)
		}
		if err := p.compound(depth); err != nil {
			return err
		}
	}
}

// compound parses an optional type or universal selector followed by
// id, class, attribute and pseudo-class selectors; at least one part.
func (p *parser) compound(depth int) error {
	start := p.i
	switch c := p.peek(); {
	case c == '*':
		p.i++
	case identStart(p.s, p.i):
		p.ident()
	}
	if p.peek() == '|' {
		return p.fail("namespaces are not supported")
	}
	for {
		switch p.peek() {
		case '#', '.':
			kind := "class"
			if p.peek() == '#' {
				kind = "id"
			}
			p.i++
			if !identStart(p.s, p.i) {
				return p.fail("expected a name after the %s marker", kind)
			}
			p.ident()
		case '[':
			if err := p.attribute(); err != nil {
				return err
			}
		case ':':
			if err := p.pseudo(depth); err != nil {
				return err
			}
		default:
			if p.i == start {
				if p.i >= len(p.s) {
					return p.fail("expected a selector")
				}
				return p.fail("expected a selector, found %q", p.s[p.i])
			}
			return nil
		}
	}
}

var attrOps = []string{"~=", "|=", "^=", "$=", "*=", "="}

func (p *parser) attribute() error {
	p.i++ // [
	p.spaces()
	if !identStart(p.s, p.i) {
		return p.fail("expected an attribute name")
	}
	p.ident()
	if p.peek() == '|' && !strings.HasPrefix(p.s[p.i:], "|=") {
		return p.fail("namespaces are not supported")
	}
	p.spaces()
	if p.peek() == ']' {
		p.i++
		return nil
	}
	op := ""
	for _, o := range attrOps {
		if strings.HasPrefix(p.s[p.i:], o) {
			op = o
			break
		}
	}
	if op == "" {
		return p.fail("expected ']' or an attribute operator (= ~= |= ^= $= *=)")
	}
	p.i += len(op)
	p.spaces()
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		if err := p.str(); err != nil {
			return err
		}
	case identStart(p.s, p.i):
		p.ident()
	default:
		return p.fail("expected a quoted or plain attribute value")
	}
	sp := p.spaces()
	if c := p.peek(); sp && (c == 'i' || c == 'I' || c == 's' || c == 'S') {
		p.i++
		p.spaces()
	}
	if p.peek() != ']' {
		return p.fail("expected ']'")
	}
	p.i++
	return nil
}

// Pseudo-classes that take no argument.
var pseudoClasses = map[string]bool{
	"active": true, "any-link": true, "autofill": true, "checked": true, "default": true, "defined": true,
	"disabled": true, "empty": true, "enabled": true, "first-child": true, "first-of-type": true,
	"focus": true, "focus-visible": true, "focus-within": true, "fullscreen": true, "hover": true,
	"in-range": true, "indeterminate": true, "invalid": true, "last-child": true, "last-of-type": true,
	"link": true, "modal": true, "only-child": true, "only-of-type": true, "open": true, "optional": true,
	"out-of-range": true, "placeholder-shown": true, "read-only": true, "read-write": true,
	"required": true, "root": true, "scope": true, "target": true, "user-invalid": true,
	"user-valid": true, "valid": true, "visited": true,
}

func (p *parser) pseudo(depth int) error {
	p.i++ // :
	if p.peek() == ':' {
		return p.fail("pseudo-elements (::name) never match an element")
	}
	if !identStart(p.s, p.i) {
		return p.fail("expected a pseudo-class name after ':'")
	}
	at := p.i
	name := strings.ToLower(p.ident())
	if p.peek() != '(' {
		if !pseudoClasses[name] {
			p.i = at
			if name == "before" || name == "after" || name == "first-line" || name == "first-letter" {
				return p.fail("pseudo-elements (:%s) never match an element", name)
			}
			return p.fail("unknown pseudo-class :%s", name)
		}
		return nil
	}
	p.i++ // (
	p.spaces()
	switch name {
	case "not", "is", "where", "has":
		if depth+1 > maxDepth {
			return p.fail("nested more than %d levels deep", maxDepth)
		}
		if err := p.list(depth+1, name == "has"); err != nil {
			return err
		}
	case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
		if err := p.nth(); err != nil {
			return err
		}
	case "lang":
		switch c := p.peek(); {
		case c == '"' || c == '\'':
			if err := p.str(); err != nil {
				return err
			}
		case identStart(p.s, p.i):
			p.ident()
		default:
			return p.fail("expected a language tag")
		}
	case "dir":
		if d := strings.ToLower(p.ident()); d != "ltr" && d != "rtl" {
			return p.fail("expected ltr or rtl")
		}
	default:
		p.i = at
		return p.fail("unknown pseudo-class :%s()", name)
	}
	p.spaces()
	if p.peek() != ')' {
		return p.fail("expected ')'")
	}
	p.i++
	return nil
}

// nth parses An+B, odd or even (CSS Syntax §6, without the "of S" form).
func (p *parser) nth() error {
	rest := p.s[p.i:]
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return p.fail("expected ')'")
	}
	arg := strings.ToLower(strings.TrimSpace(rest[:end]))
	if arg == "odd" || arg == "even" || validAnB(arg) {
		p.i += len(strings.TrimRight(rest[:end], " \t\n\r\f"))
		return nil
	}
	return p.fail("expected An+B, odd or even")
}

func validAnB(s string) bool {
	digits := func(s string) bool {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	sign := func(s string) string {
		if s != "" && (s[0] == '+' || s[0] == '-') {
			return s[1:]
		}
		return s
	}
	n := strings.IndexByte(s, 'n')
	if n < 0 {
		return digits(sign(s))
	}
	a := s[:n]
	if a != "" && a != "+" && a != "-" && !digits(sign(a)) {
		return false
	}
	b := strings.TrimSpace(s[n+1:])
	if b == "" {
		return true
	}
	if b[0] != '+' && b[0] != '-' {
		return false
	}
	return digits(strings.TrimSpace(b[1:]))
}

// identStart reports whether an identifier starts at s[i] (CSS Syntax
// §4.3.9: a name-start code point, '-' followed by one or '-', or an escape).
func identStart(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	if c == '-' {
		return i+1 < len(s) && (s[i+1] == '-' || nameStart(s[i+1]) || validEscape(s, i+1))
	}
	return nameStart(c) || validEscape(s, i)
}

func nameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func nameChar(c byte) bool { return nameStart(c) || c >= '0' && c <= '9' || c == '-' }

func validEscape(s string, i int) bool {
	return i+1 < len(s) && s[i] == '\\' && s[i+1] != '\n' && s[i+1] != '\r' && s[i+1] != '\f'
}

// ident consumes an identifier (the caller checked identStart) and returns it.
func (p *parser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case nameChar(c):
			p.i++
		case validEscape(p.s, p.i):
			p.escape()
		default:
			return p.s[start:p.i]
		}
	}
	return p.s[start:p.i]
}

// escape consumes a backslash escape: up to 6 hex digits and one optional
// whitespace, or one other character.
func (p *parser) escape() {
	p.i++ // backslash
	n := 0
	for n < 6 && p.i < len(p.s) && isHex(p.s[p.i]) {
		p.i++
		n++
	}
	if n == 0 {
		p.i++ // the escaped byte; a multi-byte character continues as name chars (>= 0x80)
		return
	}
	if p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// str consumes a quoted string.
func (p *parser) str() error {
	q := p.s[p.i]
	start := p.i
	p.i++
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case q:
			p.i++
			return nil
		case '\n', '\r', '\f':
			return p.fail("newline in a quoted value")
		case '\\':
			p.i += 2
		default:
			p.i++
		}
	}
	p.i = start
	return p.fail("unterminated quoted value")
}
