package privacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/trailguide/trailguide"
)

// MaxSelectors bounds each list of rules of a project.
const MaxSelectors = 100

// Default is the privacy config of a project that has saved none:
// balanced, no rules.
func Default() trailguide.MaskConfig {
	return trailguide.MaskConfig{
		Mode:            trailguide.MaskBalanced,
		MaskSelectors:   []string{},
		BlockSelectors:  []string{},
		UnmaskSelectors: []string{},
	}
}

// ParseConfig decodes a project's stored or submitted privacy config: a
// JSON object with the fields of trailguide.MaskConfig, each optional
// (omitted: balanced, no rules). Unknown fields, an unknown mode and
// invalid selectors are EINVALID errors whose reason names the field
// ("privacy.mode", "privacy.mask_selectors.2"). Empty input is Default().
// The result is normalised: selectors trimmed, empty lines and duplicates
// dropped, lists never nil.
func ParseConfig(raw []byte) (trailguide.MaskConfig, error) {
	c := Default()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return c, nil
	}
	if raw[0] != '{' {
		return c, trailguide.Invalid("privacy", "Privacy settings must be a JSON object.")
	}
	var in struct {
		Mode            *string  `json:"mode"`
		MaskSelectors   []string `json:"mask_selectors"`
		BlockSelectors  []string `json:"block_selectors"`
		UnmaskSelectors []string `json:"unmask_selectors"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return c, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return c, trailguide.Invalid("privacy", "Privacy settings must be one JSON object.")
	}
	if in.Mode != nil {
		c.Mode = *in.Mode
	}
	switch c.Mode {
	case trailguide.MaskBalanced, trailguide.MaskStrict, trailguide.MaskRelaxed:
	default:
		return c, trailguide.Invalid("privacy.mode", "Privacy mode must be balanced, strict or relaxed, not %q.", c.Mode)
	}
	for _, l := range []struct {
		field string
		in    []string
		out   *[]string
	}{
		{"mask_selectors", in.MaskSelectors, &c.MaskSelectors},
		{"block_selectors", in.BlockSelectors, &c.BlockSelectors},
		{"unmask_selectors", in.UnmaskSelectors, &c.UnmaskSelectors},
	} {
		list, err := selectors(l.field, l.in)
		if err != nil {
			return c, err
		}
		*l.out = list
	}
	return c, nil
}

func selectors(field string, in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for i, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if err := ParseSelector(s); err != nil {
			return nil, trailguide.Invalid(fmt.Sprintf("privacy.%s.%d", field, i), "Invalid selector %q: %s.", truncate(s, 80), err)
		}
		seen[s] = true
		out = append(out, s)
	}
	if len(out) > MaxSelectors {
		return nil, trailguide.Invalid("privacy."+field, "At most %d selectors per list.", MaxSelectors)
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return trailguide.Invalid("privacy."+typeErr.Field, "Privacy setting %s cannot be a %s.", typeErr.Field, typeErr.Value)
	case strings.Contains(err.Error(), `unknown field "`):
		_, rest, _ := strings.Cut(err.Error(), `unknown field "`)
		field, _, _ := strings.Cut(rest, `"`)
		if strings.ContainsAny(field, " .") {
			field = ""
		}
		return trailguide.Invalid(strings.TrimSuffix("privacy."+field, "."), "Unknown privacy setting %q.", field)
	default:
		return trailguide.Invalid("privacy", "Privacy settings are not valid JSON.")
	}
}
