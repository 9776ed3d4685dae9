package brandkits

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Size limits on kit files. A kit is uploaded by people, so every size is
// bounded before anything is decoded.
const (
	MaxYAMLBytes  = 1 << 20    // kit.yaml
	MaxLogoBytes  = 5 << 20    // logo.png or logo.jpg
	MaxLogoSide   = 10_000     // pixels per side
	MaxLogoPixels = 25_000_000 // width × height: a 5 MB PNG of one colour can claim 10000×10000 and decode to 400 MB
	MaxFontBytes  = 16 << 20   // one font file
	MaxFontFiles  = 16         // files in fonts/
)

// LoadDir loads the kit folder dir; see LoadFS.
func LoadDir(dir string) (*Kit, error) {
	k, err := LoadFS(os.DirFS(dir))
	if err != nil && !errors.Is(err, ErrInvalid) {
		return nil, fmt.Errorf("load kit %s: %w", dir, err)
	}
	return k, err
}

// LoadFS loads a kit from the root of fsys (a folder, an embedded sample or
// an unpacked archive): kit.yaml, logo.png or logo.jpg, and fonts/*.ttf and
// fonts/*.otf (other files in fonts/, such as a licence, are ignored). It
// returns a *ValidationError (errors.Is ErrInvalid) listing every problem
// found, or another error when the files cannot be read.
func LoadFS(fsys fs.FS) (*Kit, error) {
	yamlBytes, err := readLimited(fsys, "kit.yaml", MaxYAMLBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ValidationError{Problems: []Problem{{Path: "kit.yaml", Message: "missing: a kit folder needs a kit.yaml"}}}
	}
	if err != nil {
		return nil, err
	}
	assets := map[string][]byte{}
	for _, name := range []string{"logo.png", "logo.jpg"} {
		data, err := readLimited(fsys, name, MaxLogoBytes)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			assets[name] = data
		}
	}
	entries, err := fs.ReadDir(fsys, "fonts")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	fontFiles := 0
	for _, e := range entries {
		if !isFontFile(e.Name()) || e.IsDir() {
			continue
		}
		if fontFiles++; fontFiles > MaxFontFiles+1 {
			break // one more than allowed is enough for Parse to report it
		}
		data, err := readLimited(fsys, "fonts/"+e.Name(), MaxFontBytes)
		if err != nil {
			return nil, err
		}
		assets["fonts/"+e.Name()] = data
	}
	return Parse(yamlBytes, assets)
}

// readLimited reads at most limit+1 bytes of a file: enough for Parse to tell
// that it is too large without reading a huge file into memory.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	return io.ReadAll(io.LimitReader(f, limit+1))
}

func isFontFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return (ext == ".ttf" || ext == ".otf") && !strings.HasPrefix(name, ".")
}

var fontAssetPath = regexp.MustCompile(`^fonts/[A-Za-z0-9][A-Za-z0-9 ._-]*\.(?i:ttf|otf)$`)

// Parse builds a kit from the bytes of kit.yaml and its assets, keyed by slash
// path relative to the kit root ("logo.png", "fonts/Brand-Regular.ttf"). It
// is the pure core of LoadDir, also used for kit archives from storage.
//
// Parse reports every problem at once in a *ValidationError: unknown keys
// with their line and a suggestion, values of the wrong type, broken assets
// and everything Validate finds. On success the kit has its defaults applied,
// colours normalised, and Ref set to its name, version 0 and ContentHash.
func Parse(yamlBytes []byte, assets map[string][]byte) (*Kit, error) {
	var ps problems
	k := &Kit{}
	// A bool cannot say it was omitted, so its default is set before
	// decoding: page_numbers stays true unless kit.yaml says false.
	k.Layout.Footer.PageNumbers = true
	lines, ok := decodeYAML(yamlBytes, k, &ps)
	k.loadAssets(assets, &ps)
	k.ApplyDefaults()
	var checked []Problem
	if ok {
		// Without a readable kit.yaml, every required value would be
		// reported missing, burying the one problem that matters.
		checked = k.check()
	}
	for _, p := range checked {
		if line, ok := lineOf(lines, p.Path); ok && !strings.Contains(p.Message, "(line ") {
			p.Message += fmt.Sprintf(" (line %d)", line)
		}
		ps = append(ps, p)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	k.Ref = Ref{Name: k.Name, Hash: ContentHash(yamlBytes, assets)}
	return k, nil
}

// lineOf finds the kit.yaml line of path or of its closest parent, so
// "tone.greetings.invoice[1].text" is located even when the candidate was
// written as a bare string.
func lineOf(lines map[string]int, path string) (int, bool) {
	for path != "" {
		if l, ok := lines[path]; ok {
			return l, true
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0, false
}

// decodeYAML checks kit.yaml against the schema and decodes what is sound
// into k, returning the line of every path it saw; ok is false when kit.yaml
// is not a YAML mapping at all.
func decodeYAML(data []byte, k *Kit, ps *problems) (lines map[string]int, ok bool) {
	lines = map[string]int{}
	// yaml.v3 has panicked on hostile input before; a kit upload must not
	// take the service down with it.
	defer func() {
		if r := recover(); r != nil {
			ps.add("kit.yaml", "cannot be read as YAML (%v)", r)
			ok = false
		}
	}()
	if len(data) > MaxYAMLBytes {
		ps.add("kit.yaml", "too large: %d bytes, at most %d", len(data), MaxYAMLBytes)
		return lines, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			ps.add("kit.yaml", "empty")
		} else {
			ps.add("kit.yaml", "%s", yamlMessage(err))
		}
		return lines, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		ps.add("kit.yaml", "holds more than one YAML document (line %d); remove the second \"---\"", extra.Line)
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		ps.add("kit.yaml", "empty")
		return lines, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.add("kit.yaml", "expected a mapping of keys such as name:, identity:, colors: at the top level, got %s (line %d)", describeNode(root), root.Line)
		return lines, false
	}
	before := len(*ps)
	w := &schemaWalker{probs: ps, lines: lines}
	w.walk(root, reflect.TypeFor[Kit](), "")
	if err := root.Decode(k); err != nil {
		ps.add("kit.yaml", "%s", yamlMessage(err))
	}
	if len(*ps) == before {
		// The walker found nothing; a strict decode of the original bytes
		// double-checks it, so a field added to Kit that the walker
		// mishandles cannot slip through unnoticed.
		strict := yaml.NewDecoder(bytes.NewReader(data))
		strict.KnownFields(true)
		var scratch Kit
		if err := strict.Decode(&scratch); err != nil {
			ps.add("kit.yaml", "%s", yamlMessage(err))
		}
	}
	return lines, true
}

func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// loadAssets fills k.Logo and k.Fonts from assets, reporting files a kit
// cannot hold.
func (k *Kit) loadAssets(assets map[string][]byte, ps *problems) {
	if _, ok := assets["logo.png"]; ok {
		if _, ok := assets["logo.jpg"]; ok {
			ps.add("logo.jpg", "both logo.png and logo.jpg exist; keep only one")
		}
	}
	fontCount := 0
	for _, path := range slices.Sorted(maps.Keys(assets)) {
		data := assets[path]
		switch {
		case path == "logo.png" || path == "logo.jpg":
			if img := decodeLogo(path, data, ps); img != nil && k.Logo == nil {
				k.Logo = img
			}
		case fontAssetPath.MatchString(path):
			if fontCount++; fontCount == MaxFontFiles+1 {
				ps.add("fonts", "too many font files: at most %d", MaxFontFiles)
			}
			if len(data) > MaxFontBytes {
				ps.add(path, "too large: at most %d MB", MaxFontBytes>>20)
				continue
			}
			if k.Fonts == nil {
				k.Fonts = map[string][]byte{}
			}
			k.Fonts[strings.TrimPrefix(path, "fonts/")] = data
		default:
			ps.add(path, "unexpected file: a kit holds kit.yaml, logo.png or logo.jpg, and fonts/*.ttf")
		}
	}
}

// decodeLogo identifies a PNG or JPEG by its content and checks its size. The
// pixel size is read from the header (DecodeConfig) and bounded before the
// full decode that proves the file is not truncated or corrupt.
func decodeLogo(path string, data []byte, ps *problems) *Image {
	if len(data) > MaxLogoBytes {
		ps.add(path, "too large: at most %d MB", MaxLogoBytes>>20)
		return nil
	}
	img := &Image{Data: data}
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		img.Format = "png"
		cfg, cerr := png.DecodeConfig(bytes.NewReader(data))
		img.Width, img.Height, err = cfg.Width, cfg.Height, cerr
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		img.Format = "jpeg"
		cfg, cerr := jpeg.DecodeConfig(bytes.NewReader(data))
		img.Width, img.Height, err = cfg.Width, cfg.Height, cerr
	default:
		ps.add(path, "not a PNG or JPEG image (%s)", sniffFormat(data))
		return nil
	}
	if err != nil {
		ps.add(path, "broken %s image: %v", strings.ToUpper(img.Format), err)
		return nil
	}
	if msg := checkLogoSize(img); msg != "" {
		ps.add(path, "%s", msg)
		return nil
	}
	if img.Format == "png" {
		_, err = png.Decode(bytes.NewReader(data))
	} else {
		_, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		ps.add(path, "broken %s image: %v", strings.ToUpper(img.Format), err)
		return nil
	}
	return img
}

func checkLogoSize(img *Image) string {
	switch {
	case img.Width < 1 || img.Height < 1:
		return fmt.Sprintf("image has no pixels (%d×%d)", img.Width, img.Height)
	case img.Width > MaxLogoSide || img.Height > MaxLogoSide:
		return fmt.Sprintf("image is %d×%d pixels, at most %d per side; scale it down", img.Width, img.Height, MaxLogoSide)
	case img.Width*img.Height > MaxLogoPixels:
		return fmt.Sprintf("image is %d×%d pixels, at most %d megapixels; scale it down", img.Width, img.Height, MaxLogoPixels/1_000_000)
	}
	return ""
}

// sniffFormat names common formats designers try, for a clearer message.
func sniffFormat(data []byte) string {
	head := string(data[:min(len(data), 512)])
	switch {
	case strings.HasPrefix(head, "GIF8"):
		return "it is a GIF"
	case strings.HasPrefix(head, "RIFF") && strings.Contains(head, "WEBP"):
		return "it is a WebP"
	case strings.Contains(head, "<svg") || strings.HasPrefix(strings.TrimSpace(head), "<?xml"):
		return "it is SVG; export it as PNG"
	case strings.HasPrefix(head, "%PDF"):
		return "it is a PDF; export it as PNG"
	}
	return "unknown format"
}

// ContentHash is the hex SHA-256 identifying a kit's content: kit.yaml (as
// path "kit.yaml") and every asset, sorted by path, each hashed as the path,
// a NUL byte, the length as 8-byte big-endian unsigned integer, then the
// bytes. The framing makes the hash unambiguous (moving bytes between files
// changes it); never change it, stored kit versions are identified by it.
// An asset named "kit.yaml" is ignored in favour of yamlBytes.
func ContentHash(yamlBytes []byte, assets map[string][]byte) string {
	files := map[string][]byte{"kit.yaml": yamlBytes}
	for p, d := range assets {
		if p != "kit.yaml" {
			files[p] = d
		}
	}
	h := sha256.New()
	var n [8]byte
	for _, p := range slices.Sorted(maps.Keys(files)) {
		h.Write([]byte(p))
		h.Write([]byte{0})
		binary.BigEndian.PutUint64(n[:], uint64(len(files[p])))
		h.Write(n[:])
		h.Write(files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}
