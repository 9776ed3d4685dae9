package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/storage"
)

// kitCard is one kit as the list and the kit page show it.
type kitCard struct {
	KitSummary
	Brand    string
	Live     int // the version pinned live; 0 when none is
	Pins     []pinView
	Colors   []swatch // of the live version, else the latest
	Shown    int      // the version the colours are from
	Versions int
	Updated  KitVersionInfo // the latest version
	LoadErr  string
}

// pinView is one pin of a kit.
type pinView struct {
	Name    string
	Version int
}

// kitsData is the kit list.
type kitsData struct {
	studioPage
	Kits []kitCard
}

// handleKits handles GET /studio: the kits the key may use, with their
// versions, pins and colours.
func (st *studio) handleKits(c echo.Context, p *Principal) error {
	ctx := c.Request().Context()
	list, err := st.s.cfg.Kits.List(ctx)
	if err != nil {
		return kitStoreError(err)
	}
	d := kitsData{studioPage: st.page("Brand kits", p), Kits: []kitCard{}}
	for _, sum := range list {
		if !p.CanUseKit(sum.Name) {
			continue
		}
		full, err := st.s.cfg.Kits.Get(ctx, sum.Name)
		if err != nil {
			return kitStoreError(err)
		}
		d.Kits = append(d.Kits, st.kitCard(ctx, p, full))
	}
	return st.render(c, http.StatusOK, "kits", d)
}

// kitCard describes sum, with the colours of its live version (or its
// latest when nothing is live). A version that cannot be loaded is shown
// as such rather than failing the page.
func (st *studio) kitCard(ctx context.Context, p *Principal, sum brandkits.Summary) kitCard {
	k := kitCard{KitSummary: kitSummary(sum), Live: sum.Pins["live"], Versions: len(sum.Versions)}
	if n, ok := sum.Pins["live"]; ok {
		k.Pins = append(k.Pins, pinView{"live", n})
	}
	for _, name := range slices.Sorted(maps.Keys(sum.Pins)) {
		if name != "live" {
			k.Pins = append(k.Pins, pinView{name, sum.Pins[name]})
		}
	}
	if len(sum.Versions) > 0 {
		k.Updated = versionInfo(sum.Versions[len(sum.Versions)-1])
	}
	ref := sum.Name
	if k.Live > 0 {
		ref += "@live"
	}
	if sum.Latest == 0 {
		return k
	}
	v, r, err := st.s.resolveKit(ctx, p, ref)
	if err != nil {
		k.LoadErr = ProblemFor(err).Detail
		return k
	}
	k.Shown, k.Brand = v.Number, r.Kit().Identity.BrandName
	k.Colors = studioKitSwatches(kitPalette(r.Kit()))
	return k
}

// versionRow is one version in the kit page's table.
type versionRow struct {
	KitVersionInfo
	Live   bool
	Pins   []string // other pins on it
	Action string   // what making it live is: "Roll back", "Roll forward", "Make live"
}

// kitData is the kit page.
type kitData struct {
	studioPage
	Kit      kitCard
	Versions []versionRow // newest first
	Flash    string
	Form     uploadForm
}

// handleKit handles GET /studio/kits/{name}: the kit's versions, newest
// first, which one is live, and buttons to move live to any other.
func (st *studio) handleKit(c echo.Context, p *Principal) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sum, err := st.s.cfg.Kits.Get(ctx, name)
	if err != nil {
		return kitStoreError(err)
	}
	card := st.kitCard(ctx, p, sum)
	d := kitData{studioPage: st.page(name, p), Kit: card, Form: st.uploadFormFor(name)}
	d.Form.Button = "Upload and lint a new version"
	for i := len(sum.Versions) - 1; i >= 0; i-- {
		v := sum.Versions[i]
		row := versionRow{KitVersionInfo: versionInfo(v), Live: v.Number == card.Live, Action: liveAction(card.Live, v.Number)}
		for _, pin := range card.Pins {
			if pin.Version == v.Number && pin.Name != "live" {
				row.Pins = append(row.Pins, pin.Name)
			}
		}
		d.Versions = append(d.Versions, row)
	}
	q := c.QueryParams()
	switch {
	case q.Get("published") != "" && q.Get("live") != "":
		d.Flash = fmt.Sprintf("Version %s is published and live.", q.Get("published"))
	case q.Get("published") != "":
		d.Flash = fmt.Sprintf("Version %s is published. Live still points at version %d.", q.Get("published"), card.Live)
	case q.Get("moved") != "":
		d.Flash = fmt.Sprintf("Live now points at version %s.", q.Get("moved"))
	}
	return st.render(c, http.StatusOK, "kit", d)
}

// liveAction names moving live from version live to version n.
func liveAction(live, n int) string {
	switch {
	case live == 0:
		return "Make live"
	case n < live:
		return "Roll back"
	case n > live:
		return "Roll forward"
	}
	return ""
}

// liveData is the page that confirms moving live.
type liveData struct {
	studioPage
	Kit      string
	From, To KitVersionInfo // From.Version is 0 when nothing is live
	Action   string
	Changes  []KitChange
	Same     bool // To is live already
}

// handleLiveConfirm handles GET /studio/kits/{name}/live?version=N: what
// moving live to version N changes, and the button that does it.
func (st *studio) handleLiveConfirm(c echo.Context, p *Principal) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	n, err := formVersion(c.QueryParam("version"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sum, err := st.s.cfg.Kits.Get(ctx, name)
	if err != nil {
		return kitStoreError(err)
	}
	live := sum.Pins["live"]
	to, ok := versionOf(sum, n)
	if !ok {
		return problem(ProblemNotFound, "kit %s has no version %d", name, n)
	}
	d := liveData{studioPage: st.page("Move live · "+name, p), Kit: name, To: versionInfo(to), Action: liveAction(live, n), Same: live == n}
	if from, ok := versionOf(sum, live); ok {
		d.From = versionInfo(from)
		if d.Changes, err = st.versionChanges(ctx, from, to); err != nil {
			return err
		}
	}
	return st.render(c, http.StatusOK, "live", d)
}

// handleLiveMove handles POST /studio/kits/{name}/live: points the live
// pin at the form's version, forward or back, as PUT
// /v1/brandkits/{name}/pins/live does.
func (st *studio) handleLiveMove(c echo.Context, p *Principal) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	n, err := formVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	ctx := storage.WithActor(c.Request().Context(), p.Name)
	if err := st.s.cfg.Kits.Pin(ctx, name, "live", n); err != nil {
		return kitStoreError(err)
	}
	st.s.log.InfoContext(ctx, "kit pinned", "kit", name, "pin", "live", "version", n, "by", p.Name, "via", "studio")
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/studio/kits/%s?moved=%d", name, n))
}

// formVersion reads a version number from a form or query.
func formVersion(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || s != strconv.Itoa(n) { // no sign, no leading zeros
		return 0, problem(ProblemBadRequest, "choose a version by its number, not %q", s)
	}
	if err := brandkits.CheckVersion(n); err != nil {
		return 0, problem(ProblemBadRequest, "%s", err.Error())
	}
	return n, nil
}

// versionOf finds version n of sum.
func versionOf(sum brandkits.Summary, n int) (brandkits.Version, bool) {
	i := slices.IndexFunc(sum.Versions, func(v brandkits.Version) bool { return v.Number == n })
	if i < 0 {
		return brandkits.Version{}, false
	}
	return sum.Versions[i], true
}

// versionChanges lists what changed from version a to version b.
func (st *studio) versionChanges(ctx context.Context, a, b brandkits.Version) ([]KitChange, error) {
	ak, af, err := st.s.cfg.Kits.Load(ctx, a)
	if err != nil {
		return nil, kitStoreError(err)
	}
	bk, bf, err := st.s.cfg.Kits.Load(ctx, b)
	if err != nil {
		return nil, kitStoreError(err)
	}
	return kitChanges(ak, bk, af, bf), nil
}

// kitChanges is brandkits.Diff as the API shows it.
func kitChanges(a, b *brandkits.Kit, af, bf brandkits.Files) []KitChange {
	out := []KitChange{}
	for _, ch := range brandkits.Diff(a, b, af, bf) {
		out = append(out, KitChange{Path: ch.Path, Kind: ch.Kind, From: ch.From, To: ch.To})
	}
	return out
}
