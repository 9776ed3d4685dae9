package brandkits

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse as kit.yaml: whatever comes in, it
// must return a kit or an error, never panic. Run locally with
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 20s ./brandkits
func FuzzParse(f *testing.F) {
	valid, err := os.ReadFile(filepath.Join(validDir, "kit.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(valid),
		minimalYAML,
		minimalYAML + "layout:\n  margin: {top: 10}\n",
		minimalYAML + "colors: {primary: blue, accent: #fff}\n",
		minimalYAML + "tone:\n  greetings:\n    default: ['Dear {name,', {text: x, gender: f}, [a], ~]\n",
		minimalYAML + "x: &a [*a]\n",
		minimalYAML + "layout:\n  header:\n    <<: [*x, {style: band}]\n",
		"a: &a [1]\nb: &b [*a, *a]\ntone: {keep_upper: *b}\n",
		"layout: &a {header: *a}\n",
		"layout: &a\n  <<: *a\n",
		"layout:\n  header:\n    <<: &a [*a]\n",
		"---\n---\n",
		"{",
		"- [",
		"? [a]\n: b\n",
		"name: !!binary aGVsbG8=\n",
		"typography: {base_size: .inf, line_height: -.nan}\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := Parse(data, nil)
		if err == nil && k == nil {
			t.Fatal("no kit and no error")
		}
		if err == nil {
			// A kit Parse accepted must pass its own validation again.
			if verr := k.Validate(); verr != nil {
				t.Fatalf("accepted kit fails Validate: %v", verr)
			}
			_ = k.Greeting([]string{"invoice"}, Person{Name: "A"})
			_ = k.FixText(string(data))
			_ = k.FixName(string(data))
		}
	})
}
