package brandkits

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// diffFiles reads the valid fixture's files.
func diffFiles(t *testing.T) Files {
	t.Helper()
	files := Files{}
	for _, name := range []string{"kit.yaml", "logo.png"} {
		data, err := os.ReadFile(filepath.Join(validDir, name))
		require.NoError(t, err)
		files[name] = data
	}
	return files
}

// diffKit parses files as a kit.
func diffKit(t *testing.T, files Files) *Kit {
	t.Helper()
	assets := map[string][]byte{}
	for p, d := range files {
		if p != "kit.yaml" {
			assets[p] = d
		}
	}
	k, err := Parse(files["kit.yaml"], assets)
	require.NoError(t, err)
	return k
}

func TestDiff(t *testing.T) {
	logo := diffFiles(t)["logo.png"]
	bigLogo := pngBytes(t, 2000, 900)
	regular, _ := bundledFont(t)
	tests := []struct {
		name   string
		change func(k *Kit, files Files)
		want   []Change
	}{
		{
			name:   "identical kits",
			change: func(k *Kit, files Files) {},
		},
		{
			name:   "colour changed",
			change: func(k *Kit, files Files) { k.Colors.Primary = "#5a3c2d" },
			want:   []Change{{Path: "colors.primary", From: `"#6b3e26"`, To: `"#5a3c2d"`, Kind: ChangeChanged}},
		},
		{
			name: "numbers and booleans",
			change: func(k *Kit, files Files) {
				k.Typography.BaseSize = 10.5
				k.Layout.Footer.PageNumbers = false
			},
			want: []Change{
				{Path: "layout.footer.page_numbers", From: "true", To: "false", Kind: ChangeChanged},
				{Path: "typography.base_size", From: "10", To: "10.5", Kind: ChangeChanged},
			},
		},
		{
			name: "label added",
			change: func(k *Kit, files Files) {
				k.Tone.Labels["invoice"] = "Ihre Rechnung"
			},
			want: []Change{{Path: "tone.labels.invoice", To: `"Ihre Rechnung"`, Kind: ChangeAdded}},
		},
		{
			name: "vocabulary entry removed and an odd key added",
			change: func(k *Kit, files Files) {
				k.Tone.Vocabulary = map[string]string{"KAFFEE": "Kaffee", "K.W.H.": "kWh"}
			},
			want: []Change{
				{Path: "tone.vocabulary.BOHNEN", From: `"Bohnen"`, Kind: ChangeRemoved},
				{Path: `tone.vocabulary["K.W.H."]`, To: `"kWh"`, Kind: ChangeAdded},
			},
		},
		{
			name: "greeting removed",
			change: func(k *Kit, files Files) {
				k.Tone.Greetings = map[string][]Template{"payment_reminder": k.Tone.Greetings["payment_reminder"][1:]}
			},
			// Lists compare by index: the first two shift up, the last goes.
			want: []Change{
				{Path: "tone.greetings.payment_reminder[0].gender", From: `"female"`, To: `"male"`, Kind: ChangeChanged},
				{Path: "tone.greetings.payment_reminder[0].text", From: `"Sehr geehrte Frau {last_name},"`, To: `"Sehr geehrter Herr {last_name},"`, Kind: ChangeChanged},
				{Path: "tone.greetings.payment_reminder[1].gender", From: `"male"`, To: `""`, Kind: ChangeChanged},
				{Path: "tone.greetings.payment_reminder[1].text", From: `"Sehr geehrter Herr {last_name},"`, To: `"Guten Tag,"`, Kind: ChangeChanged},
				{Path: "tone.greetings.payment_reminder[2].text", From: `"Guten Tag,"`, Kind: ChangeRemoved},
			},
		},
		{
			name: "greeting list added",
			change: func(k *Kit, files Files) {
				k.Tone.Greetings["invoice"] = []Template{{Text: "Hallo {first_name},"}, {Text: "Hallo,"}}
			},
			want: []Change{
				{Path: "tone.greetings.invoice[0].text", To: `"Hallo {first_name},"`, Kind: ChangeAdded},
				{Path: "tone.greetings.invoice[1].text", To: `"Hallo,"`, Kind: ChangeAdded},
			},
		},
		{
			name: "address lines in numeric order",
			change: func(k *Kit, files Files) {
				k.Identity.Address = []string{"Röstweg 12", "10115 Berlin", "2", "3", "4", "5", "6", "7", "8", "9", "10"}
			},
			want: []Change{
				{Path: "identity.address[2]", To: `"2"`, Kind: ChangeAdded},
				{Path: "identity.address[3]", To: `"3"`, Kind: ChangeAdded},
				{Path: "identity.address[4]", To: `"4"`, Kind: ChangeAdded},
				{Path: "identity.address[5]", To: `"5"`, Kind: ChangeAdded},
				{Path: "identity.address[6]", To: `"6"`, Kind: ChangeAdded},
				{Path: "identity.address[7]", To: `"7"`, Kind: ChangeAdded},
				{Path: "identity.address[8]", To: `"8"`, Kind: ChangeAdded},
				{Path: "identity.address[9]", To: `"9"`, Kind: ChangeAdded},
				{Path: "identity.address[10]", To: `"10"`, Kind: ChangeAdded},
			},
		},
		{
			name:   "logo bytes changed",
			change: func(k *Kit, files Files) { files["logo.png"] = bigLogo },
			want:   []Change{{Path: "logo.png", From: assetSummary(logo), To: assetSummary(bigLogo), Kind: ChangeChanged}},
		},
		{
			name:   "font added",
			change: func(k *Kit, files Files) { files["fonts/Brand-Regular.ttf"] = regular },
			want:   []Change{{Path: "fonts/Brand-Regular.ttf", To: assetSummary(regular), Kind: ChangeAdded}},
		},
		{
			name:   "logo removed",
			change: func(k *Kit, files Files) { delete(files, "logo.png") },
			want:   []Change{{Path: "logo.png", From: assetSummary(logo), Kind: ChangeRemoved}},
		},
		{
			name: "kit.yaml changed in comments only",
			change: func(k *Kit, files Files) {
				files["kit.yaml"] = append([]byte("# reworded\n"), files["kit.yaml"]...)
			},
			want: []Change{{Path: "kit.yaml", From: assetSummary(diffFiles(t)["kit.yaml"]), To: assetSummary(append([]byte("# reworded\n"), diffFiles(t)["kit.yaml"]...)), Kind: ChangeChanged}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aFiles := diffFiles(t)
			a := diffKit(t, aFiles)
			bFiles := diffFiles(t)
			b := diffKit(t, bFiles)
			tt.change(b, bFiles)
			assert.Equal(t, tt.want, Diff(a, b, aFiles, bFiles))
		})
	}
}

func TestDiffAssetsFromKits(t *testing.T) {
	regular, bold := bundledFont(t)
	a := &Kit{Logo: &Image{Format: "png", Data: []byte("old")}, Fonts: map[string][]byte{"Old-Bold.ttf": bold}}
	b := &Kit{Logo: &Image{Format: "jpeg", Data: []byte("new")}, Fonts: map[string][]byte{"New-Regular.ttf": regular}}
	assert.Equal(t, []Change{
		{Path: "fonts/New-Regular.ttf", To: assetSummary(regular), Kind: ChangeAdded},
		{Path: "fonts/Old-Bold.ttf", From: assetSummary(bold), Kind: ChangeRemoved},
		{Path: "logo.jpg", To: assetSummary([]byte("new")), Kind: ChangeAdded},
		{Path: "logo.png", From: assetSummary([]byte("old")), Kind: ChangeRemoved},
	}, Diff(a, b, nil, nil))
}

func TestDiffNilKit(t *testing.T) {
	b := &Kit{Name: "roastery", Identity: Identity{Address: []string{"Weg 1"}}, Tone: Tone{Greetings: map[string][]Template{"x": {{}}}}}
	assert.Equal(t, []Change{
		{Path: "identity.address[0]", To: `"Weg 1"`, Kind: ChangeAdded},
		{Path: "name", From: `""`, To: `"roastery"`, Kind: ChangeChanged},
		// A candidate with nothing set is still listed.
		{Path: "tone.greetings.x[0]", To: "{}", Kind: ChangeAdded},
	}, Diff(nil, b, nil, nil))
	assert.Empty(t, Diff(nil, nil, nil, nil))
}

func TestDescribeAsset(t *testing.T) {
	assert.Equal(t, "sha256 e3b0c44298fc… (0 B)", assetSummary(nil))
	assert.Equal(t, "sha256 2cf24dba5fb0… (5 B)", assetSummary([]byte("hello")))
	tests := []struct {
		n    int
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1 KB"},
		{48 * 1024, "48 KB"},
		{48*1024 + 600, "49 KB"},
		{5 << 20, "5.0 MB"},
		{1<<20 + 1<<19, "1.5 MB"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, diffSize(tt.n), "%d", tt.n)
	}
}

func TestComparePaths(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"identity.address[2]", "identity.address[10]", -1},
		{"identity.address[10]", "identity.address[9]", 1},
		{"colors.accent", "colors.primary", -1},
		{"tone.greetings.a[1].gender", "tone.greetings.a[1].text", -1},
		{"a[1]", "a[1]", 0},
		{"a[01]", "a[1]", 0},
		{"a", "a.b", -1},
		{"fonts/X.ttf", "logo.png", -1},
	}
	for _, tt := range tests {
		got := comparePaths(tt.a, tt.b)
		switch {
		case tt.want < 0:
			assert.Negative(t, got, "%s < %s", tt.a, tt.b)
		case tt.want > 0:
			assert.Positive(t, got, "%s > %s", tt.a, tt.b)
		default:
			assert.Zero(t, got, "%s = %s", tt.a, tt.b)
		}
	}
}

func TestFormatDiff(t *testing.T) {
	changes := []Change{
		{Path: "colors.primary", From: `"#4a2c1d"`, To: `"#5a3c2d"`, Kind: ChangeChanged},
		{Path: "fonts/New-Bold.ttf", To: "sha256 0a1b2c3d4e5f… (120 KB)", Kind: ChangeAdded},
		{Path: "fonts/Old-Bold.ttf", From: "sha256 d4e5f6a1b2c3… (98 KB)", Kind: ChangeRemoved},
		{Path: "logo.png", From: "sha256 a1b2c3d4e5f6… (48 KB)", To: "sha256 d4e5f6a1b2c3… (52 KB)", Kind: ChangeChanged},
		{Path: "tone.greetings.invoice[1].text", From: `"Hallo,"`, Kind: ChangeRemoved},
		{Path: "tone.vocabulary.NEW", To: `"x"`, Kind: ChangeAdded},
	}
	assert.Equal(t, `~ colors.primary: "#4a2c1d" -> "#5a3c2d"
+ fonts/New-Bold.ttf: sha256 0a1b2c3d4e5f… (120 KB)
- fonts/Old-Bold.ttf
~ logo.png: sha256 a1b2c3d4e5f6… (48 KB) -> sha256 d4e5f6a1b2c3… (52 KB)
- tone.greetings.invoice[1].text: "Hallo,"
+ tone.vocabulary.NEW: "x"
`, FormatDiff(changes))
	assert.Empty(t, FormatDiff(nil))
}
