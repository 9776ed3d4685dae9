package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePath(t *testing.T) {
	valid := []struct {
		in    string
		steps []step
		abs   bool
		wild  bool
	}{
		{in: "number", steps: []step{keyStep("number")}},
		{in: "kopf.beleg-nr", steps: []step{keyStep("kopf"), keyStep("beleg-nr")}},
		{in: "positions[3].qty", steps: []step{keyStep("positions"), indexStep(3), keyStep("qty")}},
		{in: "positions[*]", steps: []step{keyStep("positions")}, wild: true},
		{in: `kunde["Name 1"]`, steps: []step{keyStep("kunde"), keyStep("Name 1")}},
		{in: `["a.b"].c`, steps: []step{keyStep("a.b"), keyStep("c")}},
		{in: `x["say \"hi\""]`, steps: []step{keyStep("x"), keyStep(`say "hi"`)}},
		{in: "$.kopf.waehrung", steps: []step{keyStep("kopf"), keyStep("waehrung")}, abs: true},
		{in: "$kopf", steps: []step{keyStep("kopf")}, abs: true},
		{in: "$", abs: true},
		{in: "Straße.Nr", steps: []step{keyStep("Straße"), keyStep("Nr")}},
		{in: "[0][1]", steps: []step{indexStep(0), indexStep(1)}},
		{in: "@attr.ns:field", steps: []step{keyStep("@attr"), keyStep("ns:field")}},
	}
	for _, tt := range valid {
		p, err := parsePath(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.steps, p.steps, tt.in)
		assert.Equal(t, tt.abs, p.abs, tt.in)
		assert.Equal(t, tt.wild, p.wild, tt.in)
	}
	invalid := map[string]string{
		"":                             "empty path",
		".a":                           `unexpected "."`,
		"a.":                           `"." must be followed by a key`,
		"a..b":                         `"." must be followed by a key`,
		"a[":                           `"[" without "]"`,
		"a[x]":                         "[x] is not an index",
		"a[-1]":                        "[-1] is not an index",
		"a[1234567]":                   "is not an index",
		"a[*].b":                       "[*] may only end a path",
		"a b":                          "holds a space",
		`a["b"`:                        `expected "]"`,
		`a["b`:                         "closing quote",
		`a]`:                           `expected "." or "[" before "]"`,
		`a"b`:                          `expected "." or "[" before "\"b"`,
		"a[0]b":                        `expected "." or "[" before "b"`,
		strings.Repeat("a.", 40) + "a": "more than 32 steps",
		strings.Repeat("a", 501):       "at most 500",
	}
	for in, want := range invalid {
		_, err := parsePath(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

func TestEvalAndFormat(t *testing.T) {
	var root any
	dec := json.NewDecoder(strings.NewReader(`{"kopf": {"nr": 42, "ok": true, "leer": null}, "pos": [{"qty": "1"}, {"qty": "2"}], "s": "x", "Name 1": "N"}`))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&root))
	tests := []struct {
		path, at, val, err string
		found              bool
	}{
		{path: "kopf.nr", at: "kopf.nr", val: "42", found: true},
		{path: "kopf.ok", at: "kopf.ok", val: "true", found: true},
		{path: "kopf.leer", at: "kopf.leer"},
		{path: "kopf.fehlt.tief", at: "kopf.fehlt.tief"},
		{path: "pos[1].qty", at: "pos[1].qty", val: "2", found: true},
		{path: "pos[5].qty", at: "pos[5].qty"},
		{path: `["Name 1"]`, at: `["Name 1"]`, val: "N", found: true},
		{path: "s.x", at: "s", err: "is a string, not an object or a list"},
		{path: "pos.qty", at: "pos", err: "is a list, not an object: use [n] or [*], not .qty"},
		{path: "kopf[0]", at: "kopf", err: "is an object, not a list: use .key, not [0]"},
	}
	for _, tt := range tests {
		p, err := parsePath(tt.path)
		require.NoError(t, err)
		e := p.eval(root, root, nil)
		assert.Equal(t, tt.at, formatJSONLoc(e.at), tt.path)
		assert.Equal(t, tt.err, e.err, tt.path)
		assert.Equal(t, tt.found, e.found, tt.path)
		if tt.found {
			s, msg := scalar(e.value)
			assert.Empty(t, msg)
			assert.Equal(t, tt.val, s, tt.path)
		}
	}
	_, msg := scalar(map[string]any{})
	assert.Equal(t, "is an object, not a single value", msg)
	assert.Equal(t, "$", formatJSONLoc(nil))
}
