package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/samples"
)

var (
	studioImages = regexp.MustCompile(`<img src="([^"]+\.png\?v=[0-9a-f]+)"`)
	studioFrames = regexp.MustCompile(`<iframe src="([^"]+/html\?v=[0-9a-f]+)"`)
	studioPDFs   = regexp.MustCompile(`href="([^"]+/pdf\?v=[0-9a-f]+)"`)
)

// TestStudioUploadContrastError uploads roastery with a pale primary: the
// draft page shows the contrast error with its path, both swatches, the
// ratio and the minimum, and publishing is refused.
func TestStudioUploadContrastError(t *testing.T) {
	for _, backend := range []string{"mem", "file"} {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			sc := newStudioClient(t, e)
			sc.mustSignIn(t, secretDesignerRoastery)
			pale := slices.Concat(darkColors, []kitEdit{setKitValue("primary", `"`+kitLightPrimary+`"`)})
			draft := sc.mustUpload(t, "roastery", mustKitArchive(t, "roastery", pale...))

			resp, body := sc.get(t, draft)
			requirePage(t, resp, body, http.StatusOK)
			assert.Contains(t, body, `id="contrast"`)
			assert.Contains(t, body, `<code>colors.primary</code>`)
			assert.Contains(t, body, `style="background: #fffcf7; color: `+kitLightPrimary+`"`, "the pair as a swatch")
			assert.Contains(t, body, `<i class="chip" style="background: `+kitLightPrimary+`"></i>`)
			ratio, err := brandkits.ContrastRatio(kitLightPrimary, "#fffcf7")
			require.NoError(t, err)
			assert.Contains(t, body, fmt.Sprintf("<b>%.2f:1</b>", float64(int(ratio*100))/100))
			assert.Contains(t, body, "needs 4.5:1")
			assert.Regexp(t, `id="publish-button" disabled`, body)
			assert.Contains(t, body, `class="pill bad" id="status"`)

			resp, body = sc.post(t, draft+"/publish", url.Values{"note": {"pale"}, "live": {"1"}})
			requirePage(t, resp, body, http.StatusUnprocessableEntity)
			assert.Contains(t, body, `id="refused"`)
			assert.Equal(t, 1, e.getKit(t, "roastery").Latest, "nothing published")
			assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)

			// The pale kit still renders: the designer sees what fails.
			resp, body = sc.get(t, draft+"/documents")
			requirePage(t, resp, body, http.StatusOK)
			assert.Len(t, studioFrames.FindAllString(body, -1), len(studioDocs("roastery")))
		})
	}
}

// TestStudioPublishFixed walks the designer's path with a clean kit:
// upload, preview every document, compare with live, publish and make it
// live.
func TestStudioPublishFixed(t *testing.T) {
	for _, backend := range []string{"mem", "file"} {
		t.Run(backend, func(t *testing.T) {
			e := newTestEnv(t, backend, nil)
			sc := newStudioClient(t, e)
			sc.mustSignIn(t, secretDesigner)
			draft := sc.mustUpload(t, "roastery", mustKitArchive(t, "roastery", darkColors...))

			resp, body := sc.get(t, draft)
			requirePage(t, resp, body, http.StatusOK)
			assert.Contains(t, body, "Lint clean")
			assert.NotContains(t, body, `id="contrast"`)
			assert.Contains(t, body, "Publish as version 2")
			assert.NotRegexp(t, `id="publish-button" disabled`, body)
			assert.Contains(t, body, kitDarkPrimary)

			resp, body = sc.get(t, draft+"/documents")
			requirePage(t, resp, body, http.StatusOK)
			docs := studioDocs("roastery")
			require.True(t, docs[0].Own)
			assert.Less(t, strings.Index(body, `id="doc-invoice-onepage"`), strings.Index(body, `id="doc-credit-note"`), "the kit's own samples first")
			frames := studioLinks(body, studioFrames)
			require.Len(t, frames, len(docs))
			for _, f := range frames[:2] {
				resp, data := sc.get(t, f)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "sandbox")
				assert.Contains(t, data, "<html")
			}
			pdfs := studioLinks(body, studioPDFs)
			require.NotEmpty(t, pdfs)
			resp, pdf := sc.get(t, pdfs[0])
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(pdf, "%PDF-"))
			if images := studioLinks(body, studioImages); len(images) > 0 { // with pdftoppm
				resp, png := sc.get(t, images[0])
				require.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
				assert.True(t, strings.HasPrefix(png, "\x89PNG"))
			}

			resp, body = sc.get(t, draft+"/compare?doc=invoice-onepage")
			requirePage(t, resp, body, http.StatusOK)
			assert.Contains(t, body, `id="side-v1"`)
			assert.Contains(t, body, `id="side-draft"`)
			assert.Contains(t, body, "Version 1 · live")
			assert.Contains(t, body, "<code>colors.primary</code>")
			assert.Contains(t, body, `&#34;`+kitDarkPrimary+`&#34;`)
			old := studioLinks(body, studioFrames)
			require.Len(t, old, 2)
			assert.Contains(t, old[0], "/files/v1/invoice-onepage/html")
			resp, _ = sc.get(t, old[0])
			assert.Equal(t, http.StatusOK, resp.StatusCode)

			resp, body = sc.post(t, draft+"/publish", url.Values{"note": {"Darker, warmer"}, "live": {"1"}})
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.800s", body)
			assert.Equal(t, "/studio/kits/roastery?published=2&live=1", resp.Header.Get("Location"))
			kit := e.getKit(t, "roastery")
			assert.Equal(t, 2, kit.Latest)
			assert.Equal(t, map[string]int{"live": 2}, kit.Pins)
			assert.Equal(t, "studio", kit.Versions[1].Author)
			assert.Equal(t, "Darker, warmer", kit.Versions[1].Note)

			resp, body = sc.get(t, "/studio/kits/roastery?published=2&live=1")
			requirePage(t, resp, body, http.StatusOK)
			assert.Contains(t, body, "Version 2 is published and live.")
			assert.Regexp(t, `<tr id="v2" class="live">`, body)
			assert.Contains(t, body, "Darker, warmer")
			assert.Contains(t, body, "Roll back to v1")

			resp, body = sc.get(t, draft)
			requirePage(t, resp, body, http.StatusNotFound)
		})
	}
}

// TestStudioPublishWithoutLive publishes without moving live, and refuses
// a note the API would refuse.
func TestStudioPublishWithoutLive(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesignerRoastery)
	draft := sc.mustUpload(t, "", mustKitArchive(t, "roastery", darkColors...))
	resp, body := sc.post(t, draft+"/publish", url.Values{"note": {strings.Repeat("x", maxNoteRunes+1)}})
	requirePage(t, resp, body, http.StatusUnprocessableEntity)
	assert.Contains(t, body, "longer than 1000 characters")
	resp, body = sc.post(t, draft+"/publish", url.Values{"note": {"Autumn"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.800s", body)
	assert.Equal(t, "/studio/kits/roastery?published=2", resp.Header.Get("Location"))
	assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)
	_, body = sc.get(t, resp.Header.Get("Location"))
	assert.Contains(t, body, "Live still points at version 1.")
	assert.Contains(t, body, "Roll forward to v2")
}

// TestStudioMoveLive rolls live forward and back with the confirmation
// page, which shows what changes.
func TestStudioMoveLive(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, data := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions", secretDesigner, "application/gzip", mustKitArchive(t, "roastery", darkColors...))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body: %s", data)
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesignerRoastery)

	resp, body := sc.get(t, "/studio/kits/roastery")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, `href="/studio/kits/roastery/live?version=2"`)

	resp, body = sc.get(t, "/studio/kits/roastery/live?version=2")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, "Roll forward roastery to version 2?")
	assert.Contains(t, body, "<code>colors.primary</code>")
	assert.Contains(t, body, `<i class="chip" style="background: `+kitDarkPrimary+`"></i>`)
	assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins, "asking moves nothing")

	resp, body = sc.post(t, "/studio/kits/roastery/live", url.Values{"version": {"2"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
	assert.Equal(t, "/studio/kits/roastery?moved=2", resp.Header.Get("Location"))
	assert.Equal(t, map[string]int{"live": 2}, e.getKit(t, "roastery").Pins)
	_, body = sc.get(t, "/studio/kits/roastery?moved=2")
	assert.Contains(t, body, "Live now points at version 2.")

	resp, body = sc.get(t, "/studio/kits/roastery/live?version=1")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, "Roll back roastery to version 1?")
	resp, _ = sc.post(t, "/studio/kits/roastery/live", url.Values{"version": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)

	resp, body = sc.get(t, "/studio/kits/roastery/live?version=1")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, "Version 1 is live")
	for _, tt := range []struct {
		version string
		status  int
	}{{"9", 404}, {"0", 400}, {"x", 400}, {"01", 400}} {
		resp, body := sc.post(t, "/studio/kits/roastery/live", url.Values{"version": {tt.version}})
		requirePage(t, resp, body, tt.status)
	}
	assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)
}

// TestStudioUploadRefused shows what is wrong with an upload on the form.
func TestStudioUploadRefused(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) { c.BodyLimit = 64 << 10 })
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesigner)
	resp, body := sc.upload(t, "roastery", "kit.zip", []byte("name: roastery\n"))
	requirePage(t, resp, body, http.StatusUnprocessableEntity)
	assert.Contains(t, body, `id="upload-error"`)
	assert.Contains(t, body, "cannot be read as a kit")

	req, err := http.NewRequest(http.MethodPost, e.URL+"/studio/drafts", strings.NewReader("kit=roastery"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = sc.do(t, req)
	requirePage(t, resp, body, http.StatusBadRequest)
	assert.Contains(t, body, "Choose the kit folder")

	// Over the limit: refused with a page when the body comes chunked (the
	// limit is found while reading); a body announcing its length is
	// refused before the studio sees it, with the API's 413 problem.
	big := bytes.Repeat([]byte("x"), 80<<10)
	resp, body = sc.upload(t, "roastery", "big.tar.gz", big, true)
	requirePage(t, resp, body, http.StatusRequestEntityTooLarge)
	assert.Contains(t, body, "larger than 64 KB")
	resp, body = sc.upload(t, "roastery", "big.tar.gz", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "body: %.300s", body)

	// A kit.yaml naming another kit than the one chosen is a lint error.
	draft := sc.mustUpload(t, "insurer", mustKitArchive(t, "roastery", darkColors...))
	_, body = sc.get(t, draft)
	assert.Contains(t, body, `<code>name</code><span>kit.yaml names the kit &#34;roastery&#34;, but it is being uploaded as &#34;insurer&#34;`)
}

// TestStudioDraftsAreBounded keeps at most studioMaxDrafts drafts, drops
// them after studioDraftTTL, and refuses drafts larger than all together.
func TestStudioDraftsAreBounded(t *testing.T) {
	clock := &studioClock{now: time.Now()}
	ds := newDraftStore(clock.Now)
	files := mustKitFiles(t, "roastery", darkColors...)
	var ids []string
	for range studioMaxDrafts + 3 {
		d := newDraft("studio", "roastery", "kit.tar.gz", files, clock.Now())
		require.NoError(t, ds.add(d))
		ids = append(ids, d.ID)
		clock.Advance(time.Minute)
	}
	_, err := ds.get(ids[2], "studio")
	assert.Error(t, err, "the oldest went first")
	_, err = ds.get(ids[3], "studio")
	assert.NoError(t, err)
	_, err = ds.get(ids[3], "someone-else")
	assert.Error(t, err)
	clock.Advance(studioDraftTTL)
	_, err = ds.get(ids[len(ids)-1], "studio")
	assert.Error(t, err, "expired")

	huge := newDraft("studio", "roastery", "kit.tar.gz", files, clock.Now())
	huge.Size = studioDraftBytes + 1
	assert.Error(t, ds.add(huge))
}

// TestStudioDocsCoverSamples renders every sample document in the studio.
func TestStudioDocsCoverSamples(t *testing.T) {
	pairs, err := samples.Pairs()
	require.NoError(t, err)
	assert.Len(t, studioDocs("nosuchkit"), len(pairs))
	for _, d := range studioDocs("insurer") {
		if !d.Own {
			break
		}
		assert.Contains(t, []string{"invoice-kwd", "payment-reminder", "policy-notice"}, d.ID)
	}
}
