package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// studioCookie holds a studio session: the key's name and an expiry,
// signed. Never the key's secret: a stolen cookie dies with the session
// and with the server that signed it.
const studioCookie = "livery_studio"

// maxCookieLen bounds what session parses; real tokens are far shorter.
const maxCookieLen = 512

// sessionMAC signs a session token's payload, bound to the key's current
// hash: replacing the key's secret (same name, new hash) ends its sessions.
func (st *studio) sessionMAC(payload string, k Key) []byte {
	m := hmac.New(sha256.New, st.secret)
	m.Write([]byte("livery studio session\x00" + payload + "\x00" + k.SHA256))
	return m.Sum(nil)
}

// sessionToken makes the cookie value for key k, valid until exp:
// base64url("name\nunix-expiry") "." base64url(HMAC).
func (st *studio) sessionToken(k Key, exp time.Time) string {
	payload := k.Name + "\n" + strconv.FormatInt(exp.Unix(), 10)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(st.sessionMAC(payload, k))
}

// verifyToken returns the principal of a session token when its signature
// holds, it has not expired, and its key is still configured with the same
// secret. The key's role and kits are read now, not from the token.
func (st *studio) verifyToken(token string) (*Principal, bool) {
	if len(token) > maxCookieLen {
		return nil, false
	}
	enc := base64.RawURLEncoding
	p64, m64, ok := strings.Cut(token, ".")
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if !ok || err1 != nil || err2 != nil {
		return nil, false
	}
	name, expiry, ok := strings.Cut(string(payload), "\n")
	exp, err := strconv.ParseInt(expiry, 10, 64)
	if !ok || err != nil || !st.s.cfg.Now().Before(time.Unix(exp, 0)) {
		return nil, false
	}
	k, ok := st.keyNamed(name)
	if !ok || !hmac.Equal(mac, st.sessionMAC(string(payload), k)) {
		return nil, false
	}
	return &Principal{Name: k.Name, Role: k.Role, Kits: k.Kits}, true
}

// keyNamed finds a configured key by name.
func (st *studio) keyNamed(name string) (Key, bool) {
	for _, k := range st.s.keys.keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// session resolves the caller of a studio request: everyone is admin when
// no keys are configured (as for the API); otherwise the session cookie's
// key. ended reports a cookie that no longer holds (expired, tampered
// with, signed by an earlier run of the server, or its key removed).
func (st *studio) session(c echo.Context) (p *Principal, ended bool) {
	if st.open() {
		return openPrincipal, false
	}
	ck, err := c.Cookie(studioCookie)
	if err != nil || ck.Value == "" {
		return nil, false
	}
	p, ok := st.verifyToken(ck.Value)
	if !ok {
		return nil, true
	}
	return p, false
}

// setCookie starts a session for key k.
func (st *studio) setCookie(c echo.Context, k Key) {
	exp := st.s.cfg.Now().Add(studioSessionTTL)
	c.SetCookie(&http.Cookie{
		Name: studioCookie, Value: st.sessionToken(k, exp), Path: "/studio",
		MaxAge:   int(studioSessionTTL / time.Second), // relative: the browser's clock may be off
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Scheme() == "https",
	})
}

// clearCookie ends the browser's session, when it has one.
func (st *studio) clearCookie(c echo.Context) {
	if _, err := c.Cookie(studioCookie); err != nil {
		return
	}
	c.SetCookie(&http.Cookie{
		Name: studioCookie, Value: "", Path: "/studio", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Scheme() == "https",
	})
}

// signInURL is the sign-in page, coming back to the page asked for (a GET)
// or to the kit list.
func signInURL(r *http.Request, ended bool) string {
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != "/studio" {
		q.Set("next", r.URL.RequestURI())
	}
	if ended {
		q.Set("ended", "1")
	}
	if len(q) == 0 {
		return "/studio/signin"
	}
	return "/studio/signin?" + q.Encode()
}

// safeNext accepts a page of the studio to return to after sign-in, and
// nothing that leaves it ("//evil.example", "/studio/../v1", "https:…").
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "//") || strings.Contains(u.Path, "..") ||
		(u.Path != "/studio" && !strings.HasPrefix(u.Path, "/studio/")) {
		return "/studio"
	}
	return next
}

// sameOrigin refuses a state-changing request sent by another site (CSRF),
// on top of the SameSite=Strict cookie: the browser's Sec-Fetch-Site, else
// its Origin, else its Referer must name this host. A request carrying
// none of them is refused too: every browser sends Origin with a POST.
func sameOrigin(r *http.Request) error {
	refused := func(from string) error {
		return problem(ProblemForbidden, "this form was sent from %s, not from the studio's own pages; open the studio at %s and try again", from, r.Host)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return nil
	case "cross-site", "same-site":
		return refused("another site")
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return refused("an unknown page (no Origin or Referer)")
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host) {
		return refused(strconv.Quote(origin))
	}
	return nil
}

// signInData is the sign-in page.
type signInData struct {
	studioPage
	Next    string
	Error   string
	Ended   bool
	Refused bool // a renderer key: the error is a 403
}

// handleSignInPage handles GET /studio/signin: the form where a designer
// pastes their API key.
func (st *studio) handleSignInPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if p, _ := st.session(c); p != nil {
		return c.Redirect(http.StatusSeeOther, next)
	}
	d := signInData{studioPage: st.page("Sign in", nil), Next: next, Ended: c.QueryParam("ended") != ""}
	return st.renderOrFail(c, http.StatusOK, "signin", d)
}

// handleSignIn handles POST /studio/signin: checks the key against the
// keyring and starts a session for a designer or admin key.
func (st *studio) handleSignIn(c echo.Context) error {
	if err := sameOrigin(c.Request()); err != nil {
		st.errorPage(c, err)
		return nil
	}
	next := safeNext(c.FormValue("next"))
	if st.open() {
		return c.Redirect(http.StatusSeeOther, next)
	}
	d := signInData{studioPage: st.page("Sign in", nil), Next: next}
	secret := strings.TrimSpace(c.FormValue("key"))
	if secret == "" {
		d.Error = "Paste your API key to sign in."
		return st.renderOrFail(c, http.StatusUnauthorized, "signin", d)
	}
	p, ok := st.s.keys.lookup(secret)
	if !ok {
		st.s.log.WarnContext(c.Request().Context(), "studio sign-in refused", "reason", "unknown key", "ip", c.RealIP())
		d.Error = "This API key is not known to this server. Check that you copied all of it."
		return st.renderOrFail(c, http.StatusUnauthorized, "signin", d)
	}
	c.Set(principalKey, p)
	if p.Role != RoleDesigner && p.Role != RoleAdmin {
		st.s.log.WarnContext(c.Request().Context(), "studio sign-in refused", "reason", "role", "key", p.Name, "role", string(p.Role))
		d.Error = "The key " + strconv.Quote(p.Name) + " is a " + string(p.Role) + " key: it renders documents, and cannot use the studio. Sign in with a designer key."
		d.Refused = true
		return st.renderOrFail(c, http.StatusForbidden, "signin", d)
	}
	k, _ := st.keyNamed(p.Name)
	st.setCookie(c, k)
	st.s.log.InfoContext(c.Request().Context(), "studio sign-in", "key", p.Name, "role", string(p.Role))
	return c.Redirect(http.StatusSeeOther, next)
}

// handleSignOut handles POST /studio/signout: ends the session.
func (st *studio) handleSignOut(c echo.Context) error {
	if err := sameOrigin(c.Request()); err != nil {
		st.errorPage(c, err)
		return nil
	}
	st.clearCookie(c)
	return c.Redirect(http.StatusSeeOther, "/studio/signin")
}

// renderOrFail renders a page, showing a failure to do so as an error page.
func (st *studio) renderOrFail(c echo.Context, status int, name string, data any) error {
	if err := st.render(c, status, name, data); err != nil {
		st.errorPage(c, err)
	}
	return nil
}
