package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

// TestBrandkitLint lints uploaded archives without publishing: a kit with
// errors is a successful lint ("ok": false), an archive that cannot be
// unpacked is not.
func TestBrandkitLint(t *testing.T) {
	for _, backend := range []string{"mem", "file"} {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			lint := func(t *testing.T, secret string, archive []byte) KitLintReport {
				t.Helper()
				resp, body := e.do(t, http.MethodPost, "/v1/brandkits/lint", secret, "application/gzip", archive)
				return mustDecode[KitLintReport](t, resp, body, http.StatusOK)
			}

			t.Run("contrast error", func(t *testing.T) {
				// The dark accent keeps the primary the only colour that fails.
				pale := slices.Concat(darkColors, []kitEdit{setKitValue("primary", `"`+kitLightPrimary+`"`)})
				r := lint(t, secretDesignerRoastery, mustKitArchive(t, "roastery", pale...))
				require.False(t, r.OK)
				require.Equal(t, "roastery", r.Name)
				require.Contains(t, paths(r.Errors), "colors.primary")
				require.Equal(t, kitLightPrimary, r.Colors["primary"])
				require.Equal(t, "#fffcf7", r.Colors["background"])
				var onPaper *ContrastCheck
				for i, c := range r.Contrast {
					require.Equal(t, "colors.primary", c.Path, "only the primary fails: %+v", c)
					require.Less(t, c.Ratio, c.Minimum)
					require.NotEmpty(t, c.Uses)
					if c.Foreground == kitLightPrimary && c.Background == "#fffcf7" {
						onPaper = &r.Contrast[i]
					}
				}
				require.NotNil(t, onPaper, "the primary on the paper: %+v", r.Contrast)
				require.Equal(t, "background", onPaper.Surface)
				want, err := brandkits.ContrastRatio(kitLightPrimary, "#fffcf7")
				require.NoError(t, err)
				require.InDelta(t, want, onPaper.Ratio, 0.01)
				require.Contains(t, []float64{brandkits.MinContrastText, brandkits.MinContrastLarge}, onPaper.Minimum)
			})

			t.Run("clean kit", func(t *testing.T) {
				archive := mustKitArchive(t, "roastery", darkColors...)
				r := lint(t, secretDesigner, archive)
				require.True(t, r.OK, "errors: %+v", r.Errors)
				require.Empty(t, r.Errors)
				require.Empty(t, r.Contrast)
				require.NotNil(t, r.Warnings)
				// Linting publishes nothing; publishing gives the hash lint announced.
				require.Equal(t, 1, e.getKit(t, "roastery").Latest)
				resp, body := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions", secretDesigner, "application/gzip", archive)
				require.Equal(t, r.Hash, mustDecode[KitPublished](t, resp, body, http.StatusCreated).Hash)
			})

			t.Run("broken yaml", func(t *testing.T) {
				r := lint(t, secretDesignerInsurer, mustKitArchive(t, "insurer", func(_ testing.TB, f brandkits.Files) {
					f["kit.yaml"] = []byte("name: insurer\ncolors:\n  primary: #0B6770\n")
				}))
				require.False(t, r.OK)
				require.Contains(t, paths(r.Errors), "colors.primary")
				require.Empty(t, r.Contrast)
				require.Nil(t, r.Colors)
			})

			t.Run("another tenant's kit", func(t *testing.T) {
				// Linting reads nothing stored, so a designer may lint any upload.
				r := lint(t, secretDesignerInsurer, mustKitArchive(t, "roastery", darkColors...))
				require.True(t, r.OK)
				require.Equal(t, "roastery", r.Name)
			})

			t.Run("not a kit archive", func(t *testing.T) {
				for _, body := range [][]byte{[]byte("name: roastery\n"), {}, mustKitArchive(t, "roastery")[:100]} {
					resp, data := e.do(t, http.MethodPost, "/v1/brandkits/lint", secretDesigner, "", body)
					p := requireProblem(t, resp, data, http.StatusUnprocessableEntity, ProblemKitInvalid)
					require.Len(t, p.Errors, 1)
				}
				resp, data := e.do(t, http.MethodPost, "/v1/brandkits/lint", secretDesigner, "multipart/form-data; boundary=x", []byte("--x--"))
				requireProblem(t, resp, data, http.StatusUnsupportedMediaType, ProblemMediaType)
			})
		})
	}
}

// TestBrandkitLintContrast keeps the contrast list in step with the
// messages brandkits' lint writes: every contrast problem of the sample
// kits and of kits with pale colours must come out as at least one check.
func TestBrandkitLintContrast(t *testing.T) {
	kits := map[string][]kitEdit{}
	for _, name := range samples.KitNames() {
		kits[name] = nil
		kits[name+" pale primary"] = []kitEdit{setKitValue("primary", `"`+kitLightPrimary+`"`)}
		kits[name+" pale text"] = []kitEdit{setKitValue("text", `"#bbbbbb"`), setKitValue("muted", `"#dddddd"`)}
	}
	seen := 0
	for label, edits := range kits {
		name, _, _ := strings.Cut(label, " ")
		files := mustKitFiles(t, name, edits...)
		kit, problems := lintFiles(files)
		require.NotNil(t, kit, "%s: %+v", label, problems)
		checks := contrastChecks(kit, problems)
		for _, p := range problems {
			if !strings.HasPrefix(p.Message, "contrast ") {
				continue
			}
			seen++
			n := 0
			for _, c := range checks {
				if c.Path == p.Path {
					n++
					require.Regexp(t, `^#[0-9a-f]{6}$`, c.Foreground, "%s: %s", label, p.Message)
					require.Regexp(t, `^#[0-9a-f]{6}$`, c.Background, "%s: %s", label, p.Message)
					require.Positive(t, c.Ratio)
					require.Positive(t, c.Minimum)
				}
			}
			require.Positive(t, n, "%s: no check parsed from %q", label, p.Message)
		}
	}
	require.Positive(t, seen, "pale colours fail contrast")
}
