package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// studioClient is a browser for the studio's tests: it keeps cookies,
// does not follow redirects (tests look at them), and sends the Origin a
// browser sends with a form, unless told otherwise.
type studioClient struct {
	e      *testEnv
	client *http.Client
	origin string // "" sends none
}

func newStudioClient(t testing.TB, e *testEnv) *studioClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &studioClient{e: e, origin: e.URL, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the response with its body as text.
func (sc *studioClient) do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	if req.Method == http.MethodPost && sc.origin != "" {
		req.Header.Set("Origin", sc.origin)
	}
	resp, err := sc.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// get fetches a studio page.
func (sc *studioClient) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, sc.e.URL+path, nil)
	require.NoError(t, err)
	return sc.do(t, req)
}

// post sends a form.
func (sc *studioClient) post(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, sc.e.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return sc.do(t, req)
}

// upload sends a kit archive as the upload form does.
// With chunked, the body is sent without a Content-Length.
func (sc *studioClient) upload(t testing.TB, kit, filename string, archive []byte, chunked ...bool) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("archive", filename)
	require.NoError(t, err)
	_, _ = fw.Write(archive)
	require.NoError(t, mw.WriteField("kit", kit))
	require.NoError(t, mw.Close())
	var r io.Reader = &body
	if len(chunked) > 0 && chunked[0] {
		r = io.MultiReader(&body) // hides the length
	}
	req, err := http.NewRequest(http.MethodPost, sc.e.URL+"/studio/drafts", r)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return sc.do(t, req)
}

// mustSignIn signs in with secret and checks that a session started.
func (sc *studioClient) mustSignIn(t testing.TB, secret string) {
	t.Helper()
	resp, body := sc.post(t, "/studio/signin", url.Values{"key": {secret}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
	require.NotNil(t, sessionCookie(resp), "a session cookie is set")
}

// mustUpload uploads archive for kit and returns the draft's path.
func (sc *studioClient) mustUpload(t testing.TB, kit string, archive []byte) string {
	t.Helper()
	resp, body := sc.upload(t, kit, kit+".tar.gz", archive)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.800s", body)
	loc := resp.Header.Get("Location")
	require.Regexp(t, `^/studio/drafts/[0-9a-f]{32}$`, loc)
	return loc
}

// cookieValue returns the session cookie the client holds, or "".
func (sc *studioClient) cookieValue(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(sc.e.URL + "/studio")
	require.NoError(t, err)
	for _, c := range sc.client.Jar.Cookies(u) {
		if c.Name == studioCookie {
			return c.Value
		}
	}
	return ""
}

// setCookieValue replaces the session cookie the client holds.
func (sc *studioClient) setCookieValue(t testing.TB, v string) {
	t.Helper()
	u, err := url.Parse(sc.e.URL + "/studio")
	require.NoError(t, err)
	sc.client.Jar.SetCookies(u, []*http.Cookie{{Name: studioCookie, Value: v, Path: "/studio"}})
}

// sessionCookie is the session cookie a response sets, or nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == studioCookie {
			return c
		}
	}
	return nil
}

// requireSignInRedirect checks that resp sends the browser to sign in.
func requireSignInRedirect(t testing.TB, resp *http.Response, body string) *url.URL {
	t.Helper()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "/studio/signin", loc.Path)
	return loc
}

// requirePage checks a studio HTML page's status and headers.
func requirePage(t testing.TB, resp *http.Response, body string, status int) {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, "body: %.1500s", body)
	require.Equal(t, "text/html; charset=UTF-8", resp.Header.Get("Content-Type"))
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.Contains(t, body, "</html>")
}

func TestStudioSignIn(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	sc := newStudioClient(t, e)

	resp, body := sc.get(t, "/studio")
	loc := requireSignInRedirect(t, resp, body)
	assert.Empty(t, loc.Query().Get("next"))
	resp, body = sc.get(t, "/studio/kits/roastery")
	loc = requireSignInRedirect(t, resp, body)
	assert.Equal(t, "/studio/kits/roastery", loc.Query().Get("next"))

	resp, body = sc.get(t, "/studio/signin?next=%2Fstudio%2Fkits%2Froastery")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, `name="key"`)
	assert.Contains(t, body, `value="/studio/kits/roastery"`)

	t.Run("unknown key", func(t *testing.T) {
		resp, body := sc.post(t, "/studio/signin", url.Values{"key": {"not-a-key-0123456789"}})
		requirePage(t, resp, body, http.StatusUnauthorized)
		assert.Contains(t, body, "not known")
		assert.Nil(t, sessionCookie(resp))
		resp, body = sc.post(t, "/studio/signin", url.Values{"key": {""}})
		requirePage(t, resp, body, http.StatusUnauthorized)
	})

	t.Run("renderer key refused", func(t *testing.T) {
		resp, body := sc.post(t, "/studio/signin", url.Values{"key": {secretRenderer}})
		requirePage(t, resp, body, http.StatusForbidden)
		assert.Contains(t, body, "cannot use the studio")
		assert.Nil(t, sessionCookie(resp))
	})

	t.Run("designer key", func(t *testing.T) {
		resp, body := sc.post(t, "/studio/signin", url.Values{"key": {secretDesigner}, "next": {"/studio/kits/roastery"}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %s", body)
		assert.Equal(t, "/studio/kits/roastery", resp.Header.Get("Location"))
		c := sessionCookie(resp)
		require.NotNil(t, c)
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
		assert.False(t, c.Secure, "plain HTTP: a Secure cookie would never come back")
		assert.Equal(t, "/studio", c.Path)
		assert.Equal(t, int(studioSessionTTL/time.Second), c.MaxAge)
		assert.NotContains(t, c.Value, secretDesigner)
		assert.NotContains(t, c.Value, HashSecret(secretDesigner)[:16])

		resp, body = sc.get(t, "/studio")
		requirePage(t, resp, body, http.StatusOK)
		for _, kit := range []string{"roastery", "insurer", "telecom"} {
			assert.Contains(t, body, `href="/studio/kits/`+kit+`"`)
		}
		assert.Contains(t, body, "Signed in as <b>studio</b>")

		behindTLS, err := http.NewRequest(http.MethodPost, e.URL+"/studio/signin", strings.NewReader("key="+secretDesigner))
		require.NoError(t, err)
		behindTLS.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		behindTLS.Header.Set("X-Forwarded-Proto", "https")
		resp, _ = newStudioClient(t, e).do(t, behindTLS)
		require.NotNil(t, sessionCookie(resp))
		assert.True(t, sessionCookie(resp).Secure, "served over HTTPS (by a proxy): Secure")
		resp, _ = sc.get(t, "/studio/signin")
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "signed in already")
	})

	t.Run("next stays in the studio", func(t *testing.T) {
		for _, next := range []string{"//evil.example/x", "https://evil.example/studio", "/v1/brandkits", "/studio/../v1/brandkits", "/studiox", `/\evil.example`} {
			resp, body := sc.post(t, "/studio/signin", url.Values{"key": {secretDesigner}, "next": {next}})
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %s", body)
			assert.Equal(t, "/studio", resp.Header.Get("Location"), next)
		}
	})

	t.Run("sign out", func(t *testing.T) {
		resp, _ := sc.post(t, "/studio/signout", nil)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		c := sessionCookie(resp)
		require.NotNil(t, c)
		assert.Negative(t, c.MaxAge)
		resp, body := sc.get(t, "/studio")
		requireSignInRedirect(t, resp, body)
	})
}

// studioClock is a settable clock for Config.Now.
type studioClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *studioClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *studioClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestStudioSessionCookie(t *testing.T) {
	clock := &studioClock{now: time.Now()}
	e := newTestEnv(t, "mem", func(c *Config) { c.Now = clock.Now })
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesignerRoastery)
	good := sc.cookieValue(t)
	require.NotEmpty(t, good)

	refused := func(t *testing.T, value, why string) {
		t.Helper()
		sc.setCookieValue(t, value)
		resp, body := sc.get(t, "/studio/kits/roastery")
		loc := requireSignInRedirect(t, resp, body)
		assert.Equal(t, "1", loc.Query().Get("ended"), why)
		c := sessionCookie(resp)
		require.NotNil(t, c, "%s: the cookie is cleared", why)
		assert.Negative(t, c.MaxAge)
	}
	payload, mac, ok := strings.Cut(good, ".")
	require.True(t, ok)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	refused(t, flip(good, len(good)-2), "tampered signature")
	refused(t, flip(payload, 0)+"."+mac, "tampered payload")
	refused(t, (&studio{s: e.Server, secret: []byte("another server's secret")}).sessionToken(testKeys()[3], clock.Now().Add(time.Hour)), "signed by another server")
	refused(t, "garbage", "not a token")
	refused(t, strings.Repeat("a", maxCookieLen+1), "too long")

	// The designer's signature on the admin key's name.
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	require.NoError(t, err)
	_, expiry, _ := strings.Cut(string(raw), "\n")
	refused(t, base64.RawURLEncoding.EncodeToString([]byte("admin\n"+expiry))+"."+mac, "another key's name")

	sc.setCookieValue(t, good)
	resp, body := sc.get(t, "/studio/kits/roastery")
	requirePage(t, resp, body, http.StatusOK)
	clock.Advance(studioSessionTTL - time.Minute)
	resp, body = sc.get(t, "/studio/kits/roastery")
	requirePage(t, resp, body, http.StatusOK)
	clock.Advance(2 * time.Minute)
	refused(t, good, "expired")

	resp, body = sc.get(t, "/studio/signin?ended=1")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, "Your session has ended")
}

// TestStudioSessionKeyRemoved ends the sessions of a key that is no longer
// configured, or whose secret changed, even with a valid signature.
func TestStudioSessionKeyRemoved(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	st := &studio{s: e.Server, secret: []byte("0123456789abcdef0123456789abcdef")}
	exp := time.Now().Add(time.Hour)
	_, ok := st.verifyToken(st.sessionToken(testKeys()[3], exp))
	require.True(t, ok)
	_, ok = st.verifyToken(st.sessionToken(Key{Name: "gone", Role: RoleAdmin, SHA256: HashSecret("x")}, exp))
	assert.False(t, ok, "no key of that name")
	rotated := testKeys()[3]
	rotated.SHA256 = HashSecret("a new secret for the same name")
	_, ok = st.verifyToken(st.sessionToken(rotated, exp))
	assert.False(t, ok, "the key's secret changed")
	_, ok = st.verifyToken(st.sessionToken(testKeys()[3], time.Now().Add(-time.Second)))
	assert.False(t, ok, "expired")
}

func TestStudioTenant(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesignerRoastery)

	resp, body := sc.get(t, "/studio")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, `href="/studio/kits/roastery"`)
	assert.NotContains(t, body, "insurer")
	assert.NotContains(t, body, "telecom")

	for _, path := range []string{"/studio/kits/insurer", "/studio/kits/insurer/live?version=1"} {
		resp, body := sc.get(t, path)
		requirePage(t, resp, body, http.StatusForbidden)
		assert.Contains(t, body, `may not use brand kit &#34;insurer&#34;`)
	}
	resp, body = sc.post(t, "/studio/kits/insurer/live", url.Values{"version": {"1"}})
	requirePage(t, resp, body, http.StatusForbidden)

	resp, body = sc.get(t, "/studio/upload")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, `<option value="roastery">`)
	assert.NotContains(t, body, `<option value="insurer">`)
	for _, kit := range []string{"insurer", ""} {
		resp, body = sc.upload(t, kit, "insurer.tar.gz", mustKitArchive(t, "insurer"))
		requirePage(t, resp, body, http.StatusForbidden)
		assert.Contains(t, body, `may not change brand kit &#34;insurer&#34;`)
	}

	// Drafts are their uploader's alone.
	draft := sc.mustUpload(t, "roastery", mustKitArchive(t, "roastery", darkColors...))
	other := newStudioClient(t, e)
	other.mustSignIn(t, secretDesigner)
	resp, body = other.get(t, draft)
	requirePage(t, resp, body, http.StatusNotFound)
	resp, body = other.post(t, draft+"/publish", nil)
	requirePage(t, resp, body, http.StatusNotFound)
	assert.Equal(t, 1, e.getKit(t, "roastery").Latest)
}

func TestStudioCSRF(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	resp, body := e.do(t, http.MethodPost, "/v1/brandkits/roastery/versions", secretDesigner, "application/gzip", mustKitArchive(t, "roastery", darkColors...))
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body: %s", body)
	sc := newStudioClient(t, e)
	sc.mustSignIn(t, secretDesigner)

	moveLive := func(t *testing.T, headers map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.URL+"/studio/kits/roastery/live", strings.NewReader("version=2"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		saved := sc.origin
		sc.origin = ""
		defer func() { sc.origin = saved }()
		return sc.do(t, req)
	}
	for name, headers := range map[string]map[string]string{
		"other origin":          {"Origin": "http://evil.example"},
		"other port":            {"Origin": strings.Replace(e.URL, "127.0.0.1:", "127.0.0.1:1", 1)},
		"cross-site fetch":      {"Sec-Fetch-Site": "cross-site", "Origin": e.URL},
		"other referer":         {"Referer": "http://evil.example/page"},
		"no origin nor referer": {},
		"null origin":           {"Origin": "null"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := moveLive(t, headers)
			requirePage(t, resp, body, http.StatusForbidden)
			assert.Contains(t, body, "not from the studio")
			assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "roastery").Pins)
		})
	}
	t.Run("sign-in", func(t *testing.T) {
		other := newStudioClient(t, e)
		other.origin = "http://evil.example"
		resp, body := other.post(t, "/studio/signin", url.Values{"key": {secretDesigner}})
		requirePage(t, resp, body, http.StatusForbidden)
		assert.Nil(t, sessionCookie(resp), "no login CSRF")
	})
	t.Run("same origin", func(t *testing.T) {
		resp, body := moveLive(t, map[string]string{"Referer": e.URL + "/studio/kits/roastery/live?version=2"})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
		assert.Equal(t, map[string]int{"live": 2}, e.getKit(t, "roastery").Pins)
	})
}

// TestStudioOpenMode serves the studio without sign-in as admin when no
// keys are configured, as the API does; forms still need the same origin.
func TestStudioOpenMode(t *testing.T) {
	e := newTestEnv(t, "mem", func(c *Config) { c.Keys = nil })
	sc := newStudioClient(t, e)
	resp, body := sc.get(t, "/studio")
	requirePage(t, resp, body, http.StatusOK)
	assert.Contains(t, body, "No API keys")
	assert.Contains(t, body, `href="/studio/kits/insurer"`)
	resp, _ = sc.get(t, "/studio/signin")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)

	require.NoError(t, e.Kits.Retire(context.Background(), "telecom"))
	_, body = sc.get(t, "/studio")
	assert.Regexp(t, `(?s)id="kit-telecom".*?retired</span>`, body)
	_, body = sc.get(t, "/studio/kits/telecom")
	assert.Contains(t, body, "retired: takes no new versions")
	assert.NotContains(t, body, `id="upload"`)

	// A kit that does not exist yet becomes version 1 of a new kit.
	draft := sc.mustUpload(t, "", mustKitArchive(t, "roastery", append(darkColors, setKitValue("name", "autumn"))...))
	_, body = sc.get(t, draft+"/compare")
	assert.Contains(t, body, "autumn has no published version yet")
	resp, body = sc.post(t, draft+"/publish", url.Values{"live": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
	assert.Equal(t, map[string]int{"live": 1}, e.getKit(t, "autumn").Pins)

	draft = sc.mustUpload(t, "", mustKitArchive(t, "roastery", darkColors...))
	sc.origin = "http://evil.example"
	resp, body = sc.post(t, draft+"/publish", nil)
	requirePage(t, resp, body, http.StatusForbidden)
	sc.origin = e.URL
	resp, body = sc.post(t, draft+"/publish", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "body: %.500s", body)
	assert.Equal(t, "local", e.getKit(t, "roastery").Versions[1].Author)
}

// TestStudioNotFound answers unknown studio paths with a page and wrong
// methods with the API's 405.
func TestStudioNotFound(t *testing.T) {
	e := newTestEnv(t, "mem", nil)
	sc := newStudioClient(t, e)
	resp, body := sc.get(t, "/studio/nothing/here")
	requirePage(t, resp, body, http.StatusNotFound)
	resp, _ = sc.get(t, "/studio/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/studio", resp.Header.Get("Location"))
	resp2, data := e.do(t, http.MethodPut, "/studio/kits/roastery", "", "", nil)
	requireProblem(t, resp2, data, http.StatusMethodNotAllowed, ProblemMethod)
	assert.Equal(t, "GET, HEAD", resp2.Header.Get("Allow"))
}

// studioLinks finds the attribute values matching re in a page, unescaped.
func studioLinks(body string, re *regexp.Regexp) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}
