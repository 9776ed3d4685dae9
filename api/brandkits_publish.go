package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"gopkg.in/yaml.v3"

	"github.com/liveryhq/livery/brandkits"
	"github.com/liveryhq/livery/storage"
)

// maxNoteRunes bounds a version's change note.
const maxNoteRunes = 1000

// noteHeader carries the change note when it is not in the query.
const noteHeader = "Livery-Note"

// handlePublishKit handles POST /v1/brandkits/{name}/versions: the body is
// a .zip or .tar.gz of the kit folder, linted and published as the next
// version. Lint errors refuse it with 422 and every problem; warnings are
// part of the 201 answer.
func (s *Server) handlePublishKit(c echo.Context) error {
	name, err := kitFor(c)
	if err != nil {
		return err
	}
	note, err := versionNote(c)
	if err != nil {
		return err
	}
	files, err := s.readKitArchive(c)
	if err != nil {
		return err
	}
	kit, problems := lintFiles(files)
	if kit != nil && kit.Name != name {
		problems = append(problems, brandkits.Problem{
			Path:    "name",
			Message: fmt.Sprintf("kit.yaml names the kit %q, but it is being published as %q; change one of them", kit.Name, name),
		})
	}
	errs, warnings := splitProblems(problems)
	if len(errs) > 0 {
		return &brandkits.ValidationError{Problems: problems}
	}
	p := principal(c)
	ctx := storage.WithActor(c.Request().Context(), p.Name)
	v, err := s.cfg.Kits.Publish(ctx, name, brandkits.PublishRequest{Files: files, Author: p.Name, Note: note})
	if err != nil {
		return kitStoreError(err)
	}
	s.log.InfoContext(ctx, "kit published", "kit", v.Name, "version", v.Number, "hash", v.Hash, "author", p.Name)
	out := KitPublished{Name: v.Name, KitVersionInfo: versionInfo(v), Assets: kitAssets(v), Warnings: warnings}
	c.Response().Header().Set(echo.HeaderLocation, fmt.Sprintf("/v1/brandkits/%s/versions/%d", v.Name, v.Number))
	return c.JSON(http.StatusCreated, out)
}

// handleLintKit handles POST /v1/brandkits/lint: the body is a kit archive,
// linted without publishing. A kit with errors is a successful lint (200,
// "ok": false); an archive that cannot be unpacked is 422.
func (s *Server) handleLintKit(c echo.Context) error {
	files, err := s.readKitArchive(c)
	if err != nil {
		return err
	}
	kit, problems := lintFiles(files)
	errs, warnings := splitProblems(problems)
	out := KitLintReport{
		OK:       len(errs) == 0,
		Hash:     brandkits.ContentHash(files["kit.yaml"], withoutKitYAML(files)),
		Errors:   errs,
		Warnings: warnings,
		Contrast: contrastChecks(kit, problems),
	}
	if kit != nil {
		out.Name = kit.Name
		out.Colors = kitPalette(kit)
	}
	return c.JSON(http.StatusOK, out)
}

// lintFiles parses files as a kit and lints it, as `livery kit lint` does
// for a folder: a kit that does not parse returns nil and the problems that
// stop it (the designer checks need a kit to look at).
func lintFiles(files brandkits.Files) (*brandkits.Kit, []brandkits.Problem) {
	kit, err := brandkits.Parse(files["kit.yaml"], withoutKitYAML(files))
	var kv *brandkits.ValidationError
	switch {
	case errors.As(err, &kv):
		return nil, kv.Problems
	case err != nil: // Parse reports every problem as a ValidationError
		return nil, []brandkits.Problem{{Path: "kit.yaml", Message: err.Error()}}
	}
	return kit, kit.Lint()
}

// splitProblems returns the errors and the warnings among ps, never nil.
func splitProblems(ps []brandkits.Problem) (errs, warnings []FieldProblem) {
	errs, warnings = []FieldProblem{}, []FieldProblem{}
	for _, p := range ps {
		fp := FieldProblem{Path: p.Path, Message: p.Message}
		if p.Warning {
			warnings = append(warnings, fp)
		} else {
			errs = append(errs, fp)
		}
	}
	return errs, warnings
}

// withoutKitYAML returns the kit's assets: every file but kit.yaml.
func withoutKitYAML(files brandkits.Files) map[string][]byte {
	assets := maps.Clone(map[string][]byte(files))
	delete(assets, "kit.yaml")
	return assets
}

// archiveTypes are the Content-Types a kit archive may be sent with; the
// format itself is told by its first bytes. Browsers label .zip and .tar.gz
// files in several ways, all accepted.
var archiveTypes = []string{
	"application/zip", "application/x-zip-compressed",
	"application/gzip", "application/x-gzip", "application/x-tar+gzip", "application/x-compressed-tar",
	"application/octet-stream",
}

// archiveLimits are brandkits' defaults, with the archive itself capped at
// the server's body limit so both refuse the same bodies.
func (s *Server) archiveLimits() brandkits.ArchiveLimits {
	l := brandkits.DefaultArchiveLimits
	l.MaxArchiveBytes = min(l.MaxArchiveBytes, s.cfg.BodyLimit)
	return l
}

// readKitArchive reads the request body as a kit archive: 415 for a body
// that is not sent as one, 413 when it is larger than the limit, 422 (with
// the offending entry) when it cannot be unpacked safely.
func (s *Server) readKitArchive(c echo.Context) (brandkits.Files, error) {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !slices.Contains(archiveTypes, mt) {
			return nil, problem(ProblemMediaType, "send the kit folder as a .zip (Content-Type application/zip) or .tar.gz (application/gzip), not %q", ct)
		}
	}
	limits := s.archiveLimits()
	over := problem(ProblemTooLarge, "the kit archive is larger than %s, the limit for a kit", byteSize(limits.MaxArchiveBytes))
	if req.ContentLength > limits.MaxArchiveBytes {
		return nil, over
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, limits.MaxArchiveBytes+1))
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he), errors.As(err, &mbe):
		return nil, over // the server-wide body limit
	case err != nil:
		return nil, fmt.Errorf("%w: %w", problem(ProblemBadRequest, "the request body could not be read"), err)
	case int64(len(data)) > limits.MaxArchiveBytes:
		return nil, over
	}
	files, err := brandkits.ReadArchive(bytes.NewReader(data), int64(len(data)), limits)
	var ae *brandkits.ArchiveError
	if errors.As(err, &ae) {
		p := problem(ProblemKitInvalid, "%s", ae.Error())
		p.Errors = []FieldProblem{{Path: ae.Path, Message: ae.Message}}
		return nil, p
	}
	return files, err
}

// versionNote reads the change note from the query (?note=) or, failing
// that, the Livery-Note header, percent-decoded when it is encoded (HTTP
// headers carry ASCII, so browsers send encodeURIComponent(note)).
func versionNote(c echo.Context) (string, error) {
	note := c.QueryParam("note")
	if note == "" {
		note = c.Request().Header.Get(noteHeader)
		if dec, err := url.PathUnescape(note); err == nil {
			note = dec
		}
	}
	note = strings.TrimSpace(note)
	switch {
	case !utf8.ValidString(note):
		return "", problem(ProblemBadRequest, "the note is not valid UTF-8")
	case utf8.RuneCountInString(note) > maxNoteRunes:
		return "", problem(ProblemBadRequest, "the note is longer than %d characters", maxNoteRunes)
	case strings.IndexFunc(note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0:
		return "", problem(ProblemBadRequest, "the note contains control characters")
	}
	return note, nil
}

// kitModel is the kit as JSON: kit.yaml's keys (the yaml tags of
// brandkits.Kit), so the studio reads what designers write.
func kitModel(k *brandkits.Kit) (map[string]any, error) {
	data, err := yaml.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("kit %s as JSON: %w", k.Ref, err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("kit %s as JSON: %w", k.Ref, err)
	}
	return m, nil
}

// byteSize formats a limit for messages: "10 MB", "512 KB", "300 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
