// Package fonts embeds the open-licensed TrueType families Livery ships,
// checks font programs before they reach the PDF library, and cuts them
// down to the glyphs a document uses so that fpdf embeds them quickly.
//
// Two ways to hand a font to fpdf:
//
//   - AddUTF8FontFromBytes with a Subset: any number of runes, but fpdf's
//     UTF-8 font path has a fixed cost of several milliseconds per font
//     per document whatever the program's size.
//   - AddFontFromBytes with a SimpleFont: up to MaxSimpleRunes distinct
//     runes per font, text passed through SimpleFont.Encode, and about a
//     tenth of the cost. This is the route for fast invoice rendering.
package fonts

import (
	"embed"
	"fmt"
	"sort"
	"sync"
)

//go:embed ttf/*.ttf licenses/*.txt
var bundledFS embed.FS

// Family is a bundled font family with its regular and bold programs.
// Families come from Lookup and are shared: do not modify the byte slices.
type Family struct {
	Slug    string // e.g. "noto-sans"
	Name    string // family name, e.g. "Noto Sans"
	Regular []byte
	Bold    []byte
	License string // licence id, e.g. "OFL-1.1"

	licenseFile string // under licenses/
	// Pointer so that copying a Family (a plain struct to callers) does not
	// copy the sync.Once values.
	parsed *parsedFamily
}

type parsedFamily struct {
	regular, bold lazyFace
}

// lazyFace parses a bundled program on first use: the large programs are
// parsed once per process, not once per document.
type lazyFace struct {
	once sync.Once
	face *Face
	sub  *Subsetter
	err  error
}

func (l *lazyFace) get(data []byte) (*Face, *Subsetter, error) {
	l.once.Do(func() {
		l.face, l.err = Parse(data)
		if l.err == nil {
			l.sub = NewSubsetter(l.face)
		}
	})
	return l.face, l.sub, l.err
}

// bundled lists the shipped families; README.md says where each file comes
// from. DejaVu is not bundled: Noto Sans covers the same scripts for invoices
// at two thirds of the size.
var bundled = []struct {
	slug, name, regular, bold, license, licenseFile string
}{
	{"lato", "Lato", "Lato-Regular.ttf", "Lato-Bold.ttf", "OFL-1.1", "Lato-OFL.txt"},
	{"liberation-sans", "Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "OFL-1.1", "LiberationSans-OFL.txt"},
	{"liberation-serif", "Liberation Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "OFL-1.1", "LiberationSerif-OFL.txt"},
	{"noto-sans", "Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "OFL-1.1", "NotoSans-OFL.txt"},
	{"noto-serif", "Noto Serif", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "OFL-1.1", "NotoSerif-OFL.txt"},
}

var families = func() map[string]*Family {
	m := make(map[string]*Family, len(bundled))
	for _, b := range bundled {
		m[b.slug] = &Family{
			Slug: b.slug, Name: b.name, License: b.license,
			Regular: mustRead("ttf/" + b.regular), Bold: mustRead("ttf/" + b.bold),
			licenseFile: b.licenseFile, parsed: &parsedFamily{},
		}
	}
	return m
}()

func mustRead(name string) []byte {
	b, err := bundledFS.ReadFile(name)
	if err != nil {
		// Only reachable if the embed pattern and the table above disagree,
		// which the tests catch.
		panic(fmt.Sprintf("fonts: bundled file %s: %v", name, err))
	}
	return b
}

// Lookup returns the bundled family with the given slug.
func Lookup(slug string) (*Family, bool) {
	f, ok := families[slug]
	return f, ok
}

// Slugs lists the bundled families' slugs, sorted.
func Slugs() []string {
	s := make([]string, 0, len(families))
	for slug := range families {
		s = append(s, slug)
	}
	sort.Strings(s)
	return s
}

// LicenseText returns the family's copyright notice and licence, which
// must travel with the font files (they are inside Livery's binary), or ""
// for a Family not from Lookup.
func (f *Family) LicenseText() string {
	if f.licenseFile == "" {
		return ""
	}
	return string(mustRead("licenses/" + f.licenseFile))
}

// RegularFace returns the parsed regular program, parsed once per process.
func (f *Family) RegularFace() (*Face, error) {
	face, _, err := f.lazy(false)
	return face, err
}

// BoldFace returns the parsed bold program, parsed once per process.
func (f *Family) BoldFace() (*Face, error) {
	face, _, err := f.lazy(true)
	return face, err
}

// RegularSubsetter returns the shared Subsetter of the regular program.
func (f *Family) RegularSubsetter() (*Subsetter, error) {
	_, s, err := f.lazy(false)
	return s, err
}

// BoldSubsetter returns the shared Subsetter of the bold program.
func (f *Family) BoldSubsetter() (*Subsetter, error) {
	_, s, err := f.lazy(true)
	return s, err
}

func (f *Family) lazy(bold bool) (*Face, *Subsetter, error) {
	if f.parsed == nil {
		// A Family built by hand rather than by Lookup: parse every time
		// rather than fail.
		data := f.Regular
		if bold {
			data = f.Bold
		}
		face, err := Parse(data)
		if err != nil {
			return nil, nil, err
		}
		return face, NewSubsetter(face), nil
	}
	if bold {
		return f.parsed.bold.get(f.Bold)
	}
	return f.parsed.regular.get(f.Regular)
}
