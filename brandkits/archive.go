package brandkits

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrArchive is matched (errors.Is) by every error reporting an uploaded kit
// archive or folder that cannot be unpacked safely; see ArchiveError.
var ErrArchive = errors.New("invalid kit archive")

// ArchiveError reports why an uploaded kit archive (or folder) was refused,
// naming the offending entry. It matches both ErrArchive and ErrInvalid, so
// a caller that answers ErrInvalid with "fix your kit" (HTTP 422) treats a
// bad upload the same way as a bad kit.yaml.
type ArchiveError struct {
	// Path is the entry as named in the archive, with invalid UTF-8 replaced
	// by U+FFFD; empty for problems of the whole archive.
	Path    string
	Message string

	folder bool // read from a folder (FilesFromFS), not an archive
}

// Error formats the problem as "invalid kit archive: path: message".
func (e *ArchiveError) Error() string {
	what := ErrArchive.Error()
	if e.folder {
		what = "invalid kit folder"
	}
	if e.Path == "" {
		return what + ": " + e.Message
	}
	return what + ": " + e.Path + ": " + e.Message
}

// Unwrap makes errors.Is true for ErrArchive and ErrInvalid.
func (e *ArchiveError) Unwrap() []error { return []error{ErrArchive, ErrInvalid} }

// ArchiveLimits bound what ReadArchive and FilesFromFS accept. Every limit
// exists because the upload comes from outside: without them one request can
// exhaust memory (a zip bomb, a header lying about its size) or CPU (ten
// thousand tiny files). A zero field means the DefaultArchiveLimits value,
// so a partly filled struct can never mean "unlimited".
type ArchiveLimits struct {
	MaxArchiveBytes int64 // the compressed archive
	MaxTotalBytes   int64 // all files, uncompressed
	MaxFileBytes    int64 // one file, uncompressed
	// MaxFiles bounds the entries of any kind: files, folders, links and the
	// extras macOS adds, since each one costs work before it can be refused.
	MaxFiles int
	// MaxRatio bounds uncompressed/compressed size: per entry for zip, over
	// the whole stream for tar.gz. It applies once more than RatioFloor bytes
	// came out, since tiny files compress at any ratio legitimately.
	MaxRatio   int64
	RatioFloor int64
	MaxDepth   int // path segments of an entry, a top-level folder included
}

// DefaultArchiveLimits fit a kit (kit.yaml ≤ 1 MB, a logo ≤ 5 MB, at most 16
// fonts of ≤ 16 MB) with room for a top-level folder and macOS extras.
var DefaultArchiveLimits = ArchiveLimits{
	MaxArchiveBytes: 20 << 20,
	MaxTotalBytes:   50 << 20,
	MaxFileBytes:    MaxFontBytes,
	MaxFiles:        128,
	MaxRatio:        100,
	RatioFloor:      1 << 20,
	MaxDepth:        4,
}

func (l ArchiveLimits) withDefaults() ArchiveLimits {
	d := DefaultArchiveLimits
	set := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.MaxArchiveBytes, d.MaxArchiveBytes)
	set(&l.MaxTotalBytes, d.MaxTotalBytes)
	set(&l.MaxFileBytes, d.MaxFileBytes)
	set(&l.MaxRatio, d.MaxRatio)
	set(&l.RatioFloor, d.RatioFloor)
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// ReadArchiveFrom reads a kit archive from a stream, such as an HTTP request
// body: at most limits.MaxArchiveBytes are buffered (zip needs random access),
// then it is read with ReadArchive.
func ReadArchiveFrom(r io.Reader, limits ArchiveLimits) (Files, error) {
	limits = limits.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxArchiveBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read kit archive: %w", err)
	}
	if int64(len(data)) > limits.MaxArchiveBytes {
		return nil, &ArchiveError{Message: fmt.Sprintf("archive is larger than %s", sizeText(limits.MaxArchiveBytes))}
	}
	return ReadArchive(bytes.NewReader(data), int64(len(data)), limits)
}

// ReadArchive unpacks a kit folder uploaded as a .zip or .tar.gz (told apart
// by their first bytes, not by a file name) into Files, refusing with an
// *ArchiveError anything that is not plainly a kit:
//
//   - unsafe paths: absolute, "..", backslashes, control characters, names
//     that are not UTF-8, deeper than MaxDepth;
//   - anything but regular files and folders: symbolic and hard links,
//     devices, FIFOs, sparse files;
//   - duplicate paths, also when they differ only in case (they would
//     overwrite each other when unpacked on macOS or Windows);
//   - more than MaxFiles entries, files or a total beyond the size limits,
//     a compression ratio beyond MaxRatio (a zip bomb), encrypted entries,
//     truncated or corrupt data;
//   - files a kit does not hold. A kit holds kit.yaml, logo.png, logo.jpg
//     (logo.jpeg), fonts/*.ttf (fonts/*.otf) and optionally a README*.md;
//     Parse judges the contents, including logo.jpeg and .otf fonts, which
//     it refuses with a message that says what to do.
//
// Sizes are enforced on the bytes actually decompressed, never trusted from
// headers, so an archive lying about its sizes cannot exhaust memory. A
// single top-level folder holding the kit ("roastery/kit.yaml") is stripped,
// since that is what zipping a folder produces. macOS extras (__MACOSX/,
// ._*, .DS_Store) and README*.md are skipped: they are not part of the kit
// and would make Parse report unexpected files.
func ReadArchive(r io.ReaderAt, size int64, limits ArchiveLimits) (Files, error) {
	limits = limits.withDefaults()
	if size < 0 {
		return nil, fmt.Errorf("read kit archive: negative size %d", size)
	}
	if size > limits.MaxArchiveBytes {
		return nil, &ArchiveError{Message: fmt.Sprintf("archive is %s, at most %s", sizeText(size), sizeText(limits.MaxArchiveBytes))}
	}
	var head [262]byte
	n, err := r.ReadAt(head[:min(size, int64(len(head)))], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read kit archive: %w", err)
	}
	h := head[:n]
	switch {
	case n == 0:
		return nil, &ArchiveError{Message: "archive is empty (0 bytes)"}
	case bytes.HasPrefix(h, []byte("PK\x03\x04")), bytes.HasPrefix(h, []byte("PK\x05\x06")):
		return readZip(r, size, limits)
	case bytes.HasPrefix(h, []byte("\x1f\x8b")):
		return readTarGz(io.NewSectionReader(r, 0, size), size, limits)
	}
	return nil, &ArchiveError{Message: "not a .zip or .tar.gz archive (" + sniffArchive(h) + ")"}
}

// sniffArchive names formats people upload instead, for a clearer message.
func sniffArchive(h []byte) string {
	switch {
	case len(h) >= 262 && string(h[257:262]) == "ustar":
		return "it is an uncompressed tar; gzip it to .tar.gz"
	case bytes.HasPrefix(h, []byte("BZh")):
		return "it is bzip2-compressed; use gzip"
	case bytes.HasPrefix(h, []byte("\xfd7zXZ\x00")):
		return "it is xz-compressed; use gzip"
	case bytes.HasPrefix(h, []byte("7z\xbc\xaf\x27\x1c")):
		return "it is a 7-Zip archive; use .zip"
	case bytes.HasPrefix(h, []byte("Rar!")):
		return "it is a RAR archive; use .zip"
	case bytes.HasPrefix(h, []byte("PK")):
		return "it is a zip that does not start with a file entry (spanned or self-extracting)"
	}
	return "unknown format"
}

// entry kinds the collector distinguishes.
type entryKind int

const (
	kindFile entryKind = iota
	kindDir
	kindOther // described by the caller
)

// collector applies the rules shared by zip, tar.gz and folders: entry
// count, path safety, file types, duplicates and sizes. It keeps the raw
// paths; finish maps them to kit paths.
type collector struct {
	limits ArchiveLimits
	folder bool
	count  int
	total  int64
	files  map[string][]byte // raw path → contents
	folded map[string]string // case-folded raw path → raw path, for duplicates
	// current is the tar entry being read, so a guard on the whole
	// stream can name the entry that tripped it.
	current string
}

func newCollector(limits ArchiveLimits, folder bool) *collector {
	return &collector{limits: limits, folder: folder, files: map[string][]byte{}, folded: map[string]string{}}
}

// fail builds the error for entry name (or the whole archive when name is
// empty). The name is made printable, since it may hold any bytes; the
// message quotes the original where that matters.
func (c *collector) fail(name, format string, args ...any) error {
	printable := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	return &ArchiveError{Path: printable, Message: fmt.Sprintf(format, args...), folder: c.folder}
}

// entry checks one entry before its contents are read. It returns the path
// without a trailing slash, and skip when the entry holds nothing for the
// kit (a folder or a macOS extra).
func (c *collector) entry(name string, kind entryKind, other string) (clean string, skip bool, err error) {
	if c.count++; c.count > c.limits.MaxFiles {
		return "", false, c.fail("", "more than %d entries (files and folders); a kit holds kit.yaml, a logo and at most %d fonts", c.limits.MaxFiles, MaxFontFiles)
	}
	clean = name
	if kind == kindDir {
		clean = strings.TrimSuffix(name, "/")
	}
	if err := c.checkPath(name, clean); err != nil {
		return "", false, err
	}
	switch kind {
	case kindDir:
		return clean, true, nil
	case kindOther:
		return "", false, c.fail(name, "%s; a kit holds only regular files", other)
	}
	if isJunk(clean) {
		return clean, true, nil
	}
	key := strings.ToLower(clean)
	if prev, ok := c.folded[key]; ok {
		if prev == clean {
			return "", false, c.fail(name, "appears twice in the archive")
		}
		return "", false, c.fail(name, "clashes with %q: paths may not differ only in upper and lower case", prev)
	}
	c.folded[key] = clean
	return clean, false, nil
}

// checkPath refuses every path that could land outside the kit folder or
// mean different things on different systems. fs.ValidPath alone would do
// for safety; the separate cases give the designer a message that says which
// rule the name broke.
func (c *collector) checkPath(name, clean string) error {
	switch {
	case !utf8.ValidString(name):
		return c.fail(name, "file name is not valid UTF-8 (%q); rename it, or use a zip tool that stores UTF-8 names", name)
	case clean == "":
		return c.fail(name, "entry has an empty name")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return c.fail(name, "file name contains control characters (%q)", name)
	case strings.Contains(name, `\`):
		return c.fail(name, `path contains a backslash; archive paths use "/"`)
	case strings.HasPrefix(name, "/"):
		return c.fail(name, "absolute path; entries must be relative to the kit folder")
	case len(name) >= 2 && name[1] == ':' && (name[0]|0x20 >= 'a' && name[0]|0x20 <= 'z'):
		return c.fail(name, "absolute Windows path; entries must be relative to the kit folder")
	}
	segs := strings.Split(clean, "/")
	for _, s := range segs {
		switch s {
		case "..":
			return c.fail(name, `path leads out of the kit folder (".." segment)`)
		case ".", "":
			return c.fail(name, `path is not clean (empty or "." segment)`)
		}
	}
	if len(segs) > c.limits.MaxDepth {
		return c.fail(name, "nested %d folders deep, at most %d", len(segs)-1, c.limits.MaxDepth-1)
	}
	if !fs.ValidPath(clean) {
		return c.fail(name, "invalid path")
	}
	return nil
}

// read stores the contents of a file, reading at most MaxFileBytes+1 bytes
// whatever its header claimed.
func (c *collector) read(name, clean string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, c.limits.MaxFileBytes+1))
	if err != nil {
		return c.readError(name, err)
	}
	if int64(len(data)) > c.limits.MaxFileBytes {
		return c.fail(name, "larger than %s, the limit for one file", sizeText(c.limits.MaxFileBytes))
	}
	if c.total += int64(len(data)); c.total > c.limits.MaxTotalBytes {
		return c.fail(name, "the files add up to more than %s uncompressed", sizeText(c.limits.MaxTotalBytes))
	}
	c.files[clean] = data
	return nil
}

// readError turns a decompression failure into a message; an ArchiveError
// raised inside a reader (a bomb guard) is passed on as is.
func (c *collector) readError(name string, err error) error {
	var ae *ArchiveError
	switch {
	case errors.As(err, &ae):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return c.fail(name, "archive is truncated")
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, gzip.ErrChecksum):
		return c.fail(name, "corrupt data (checksum mismatch)")
	case errors.Is(err, zip.ErrFormat):
		return c.fail(name, "corrupt data: the contents do not match the sizes in the zip headers")
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, tar.ErrHeader):
		return c.fail(name, "corrupt data (%v)", err)
	}
	return c.fail(name, "cannot be decompressed (%v)", err)
}

// isJunk tells entries that operating systems add to archives and folders,
// which are skipped (after the path and type checks) rather than refused.
func isJunk(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(p, "__MACOSX/") || p == "__MACOSX" ||
		base == ".DS_Store" || base == "Thumbs.db" || strings.HasPrefix(base, "._")
}

// isReadme tells an optional README*.md at the kit root: allowed so a kit
// folder can document itself, but not part of the kit.
func isReadme(p string) bool {
	l := strings.ToLower(p)
	return !strings.Contains(p, "/") && strings.HasPrefix(l, "readme") && strings.HasSuffix(l, ".md")
}

// kitPaths lists the paths a kit holds, for the "did you mean" hint.
var kitPaths = []string{"kit.yaml", "logo.png", "logo.jpg", "logo.jpeg"}

// kitPath maps raw archive paths to kit paths: it strips a single top-level
// folder that holds everything, drops README*.md, and refuses files a kit
// does not hold. It needs only the names, so zip contents are not
// decompressed before every name passed.
func kitPath(raw []string, fail func(name, format string, args ...any) error) (map[string]string, error) {
	if len(raw) == 0 {
		return nil, fail("", "archive holds no files; it should hold kit.yaml, a logo and optional fonts/")
	}
	prefix := commonFolder(raw)
	out := map[string]string{}
	for _, r := range slices.Sorted(slices.Values(raw)) {
		p := strings.TrimPrefix(r, prefix)
		switch {
		case isReadme(p):
			continue
		case slices.Contains(kitPaths, p):
		case strings.HasPrefix(p, "fonts/") && !strings.Contains(p[len("fonts/"):], "/") && isFontFile(p[len("fonts/"):]):
		default:
			hint := "a kit holds kit.yaml, logo.png or logo.jpg, fonts/*.ttf and optionally README.md; remove it"
			for _, k := range kitPaths {
				if strings.EqualFold(p, k) {
					hint = fmt.Sprintf("names are case-sensitive: call it %s", k)
				}
			}
			if strings.EqualFold(path.Dir(p), "fonts") && !strings.HasPrefix(p, "fonts/") {
				hint = "the fonts folder must be called fonts, in lower case"
			}
			return nil, fail(r, "unexpected file: %s", hint)
		}
		out[r] = p
	}
	if !slices.Contains(slices.Collect(maps.Values(out)), "kit.yaml") {
		where := "at the top of the archive"
		if prefix != "" {
			where = "in its folder " + strings.TrimSuffix(prefix, "/")
		}
		return nil, fail("", "no kit.yaml %s; zip the kit folder itself, with kit.yaml in it", where)
	}
	return out, nil
}

// commonFolder returns "name/" when every path lies under one top-level
// folder other than fonts/, which zipping a kit folder (rather than its
// contents) produces.
func commonFolder(raw []string) string {
	first, _, ok := strings.Cut(raw[0], "/")
	if !ok || strings.EqualFold(first, "fonts") {
		return ""
	}
	for _, r := range raw {
		if !strings.HasPrefix(r, first+"/") {
			return ""
		}
	}
	return first + "/"
}

// finish maps the collected files to kit paths.
func (c *collector) finish() (Files, error) {
	names, err := kitPath(slices.Collect(maps.Keys(c.files)), c.fail)
	if err != nil {
		return nil, err
	}
	out := Files{}
	for raw, p := range names {
		out[p] = c.files[raw]
	}
	return out, nil
}

// readZip reads a zip in two passes: every header is checked first, so a
// malicious entry is refused before anything is decompressed.
func readZip(r io.ReaderAt, size int64, limits ArchiveLimits) (Files, error) {
	c := newCollector(limits, false)
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// With GODEBUG=zipinsecurepath=0 the reader is still usable; the
		// path checks below then explain which name is insecure.
		return nil, c.fail("", "not a readable zip file (%v)", err)
	}
	if len(zr.File) > limits.MaxFiles {
		return nil, c.fail("", "%d entries, at most %d (files and folders); a kit holds kit.yaml, a logo and at most %d fonts", len(zr.File), limits.MaxFiles, MaxFontFiles)
	}
	type item struct {
		f     *zip.File
		clean string
	}
	var items []item
	var claimed uint64
	for _, f := range zr.File {
		kind, other := zipKind(f)
		clean, skip, err := c.entry(f.Name, kind, other)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if f.Flags&0x1 != 0 {
			return nil, c.fail(f.Name, "is encrypted; upload the archive without a password")
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, c.fail(f.Name, "uses compression method %d; use a zip tool that deflates", f.Method)
		}
		// The sizes in the headers are only claims; they are checked here
		// to refuse early, and enforced again on the bytes read.
		if f.UncompressedSize64 > uint64(limits.MaxFileBytes) {
			return nil, c.fail(f.Name, "claims %s uncompressed, at most %s per file", sizeText(int64(min(f.UncompressedSize64, 1<<62))), sizeText(limits.MaxFileBytes))
		}
		if claimed += f.UncompressedSize64; claimed > uint64(limits.MaxTotalBytes) {
			return nil, c.fail(f.Name, "the files claim more than %s uncompressed", sizeText(limits.MaxTotalBytes))
		}
		items = append(items, item{f, clean})
	}
	raw := make([]string, 0, len(items))
	for _, it := range items {
		raw = append(raw, it.clean)
	}
	if _, err := kitPath(raw, c.fail); err != nil {
		return nil, err
	}
	for _, it := range items {
		rc, err := it.f.Open()
		if err != nil {
			return nil, c.readError(it.f.Name, err)
		}
		guard := &ratioReader{r: rc, name: it.f.Name, c: c, compressed: int64(min(it.f.CompressedSize64, 1<<40))}
		err = c.read(it.f.Name, it.clean, guard)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	return c.finish()
}

// zipKind classifies an entry by its mode, which archive/zip derives from
// the Unix or MS-DOS attributes. The raw Unix file type is checked as well,
// since a link stored by an unusual creator would otherwise pass as a file.
func zipKind(f *zip.File) (entryKind, string) {
	mode := f.Mode()
	unixType := (f.ExternalAttrs >> 16) & 0xF000
	switch {
	case mode&fs.ModeSymlink != 0 || unixType == 0xA000:
		return kindOther, "is a symbolic link"
	case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
		return kindDir, ""
	case !mode.IsRegular() || (unixType != 0 && unixType != 0x8000):
		return kindOther, fmt.Sprintf("is a special file (%v)", mode.Type())
	}
	return kindFile, ""
}

// ratioReader refuses a stream once it decompressed to more than MaxRatio
// times its compressed size (and more than RatioFloor): a zip bomb is
// stopped after a few megabytes instead of filling the size limit.
type ratioReader struct {
	r          io.Reader
	name       string
	c          *collector
	compressed int64
	n          int64
}

func (g *ratioReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.c.limits.RatioFloor && g.n > g.c.limits.MaxRatio*max(g.compressed, 1) {
		return n, g.c.fail(cmp.Or(g.name, g.c.current), "decompresses to more than %d times its compressed size: refused as a zip bomb", g.c.limits.MaxRatio)
	}
	return n, err
}

// readTarGz reads a gzip-compressed tar in one pass. The decompressed stream
// as a whole is bounded (headers and padding included), so entries the kit
// skips cannot be used to decompress unbounded data either.
func readTarGz(r io.Reader, size int64, limits ArchiveLimits) (Files, error) {
	c := newCollector(limits, false)
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, c.readError("", err)
	}
	defer zr.Close()
	// Headers, padding and PAX records come on top of the file contents:
	// 1 KiB per entry is generous.
	stream := &ratioReader{r: &capReader{r: zr, c: c, limit: limits.MaxTotalBytes + int64(limits.MaxFiles+1)<<10}, c: c, compressed: size}
	tr := tar.NewReader(stream)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			if errors.Is(err, tar.ErrHeader) && c.count == 0 {
				return nil, c.fail("", "gzip file does not hold a tar archive")
			}
			return nil, c.readError(entryName(hdr), err)
		}
		c.current = hdr.Name
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // PAX defaults for later entries, not a file
		}
		kind, other := tarKind(hdr)
		clean, skip, err := c.entry(hdr.Name, kind, other)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if hdr.Size > limits.MaxFileBytes {
			return nil, c.fail(hdr.Name, "is %s, at most %s per file", sizeText(hdr.Size), sizeText(limits.MaxFileBytes))
		}
		if err := c.read(hdr.Name, clean, tr); err != nil {
			return nil, err
		}
	}
	if c.count == 0 {
		return nil, c.fail("", "archive holds no files; it should hold kit.yaml, a logo and optional fonts/")
	}
	return c.finish()
}

func entryName(hdr *tar.Header) string {
	if hdr == nil {
		return ""
	}
	return hdr.Name
}

func tarKind(hdr *tar.Header) (entryKind, string) {
	switch hdr.Typeflag {
	case tar.TypeReg: // archive/tar reports the old TypeRegA as TypeReg or TypeDir
		return kindFile, ""
	case tar.TypeDir:
		return kindDir, ""
	case tar.TypeSymlink:
		return kindOther, fmt.Sprintf("is a symbolic link (to %q)", hdr.Linkname)
	case tar.TypeLink:
		return kindOther, fmt.Sprintf("is a hard link (to %q)", hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock:
		return kindOther, "is a device file"
	case tar.TypeFifo:
		return kindOther, "is a named pipe"
	case tar.TypeGNUSparse:
		return kindOther, "is a sparse file"
	}
	return kindOther, fmt.Sprintf("has unsupported tar entry type %q", hdr.Typeflag)
}

// capReader fails once more than limit bytes were read.
type capReader struct {
	r     io.Reader
	c     *collector
	limit int64
	n     int64
}

func (l *capReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.n += int64(n); l.n > l.limit {
		return n, l.c.fail(l.c.current, "decompresses to more than %s: refused as a zip bomb", sizeText(l.limit))
	}
	return n, err
}

// FilesFromFS reads a kit folder (os.DirFS, an embedded sample, a test
// fstest.MapFS) into Files with the rules and DefaultArchiveLimits of
// ReadArchive: links and special files, unexpected files and oversized ones
// are refused with an *ArchiveError; macOS extras and README*.md are skipped.
func FilesFromFS(fsys fs.FS) (Files, error) {
	c := newCollector(DefaultArchiveLimits, true)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		kind, other := kindFile, ""
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			kind, other = kindOther, "is a symbolic link"
		case d.IsDir():
			kind = kindDir
		case !d.Type().IsRegular():
			kind, other = kindOther, fmt.Sprintf("is a special file (%v)", d.Type())
		}
		clean, skip, err := c.entry(p, kind, other)
		if err != nil {
			return err
		}
		if skip {
			if kind == kindDir && isJunk(clean) {
				return fs.SkipDir
			}
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return c.read(p, clean, f)
	})
	if err != nil {
		var ae *ArchiveError
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, fmt.Errorf("read kit folder: %w", err)
	}
	return c.finish()
}

// archiveTime is the modification time of every WriteArchive entry, fixed
// so the same files always give the same bytes.
var archiveTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteArchive writes files as a .tar.gz that ReadArchive reads back:
// regular files only, sorted by path, with fixed times, owners and modes, so
// the same kit always gives the same bytes (and checksum).
func WriteArchive(w io.Writer, files Files) error {
	c := newCollector(DefaultArchiveLimits, false)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := c.checkPath(p, p); err != nil {
			return err
		}
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		data := files[p]
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     p,
			Size:     int64(len(data)),
			Mode:     0o644,
			ModTime:  archiveTime,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("write kit archive: %s: %w", p, err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("write kit archive: %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write kit archive: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write kit archive: %w", err)
	}
	return nil
}

// PublishArchive reads a kit archive with ReadArchive and publishes it to s
// as the next version of name. A refused archive writes nothing.
func PublishArchive(ctx context.Context, s Store, name string, r io.ReaderAt, size int64, limits ArchiveLimits, author, note string) (Version, error) {
	files, err := ReadArchive(r, size, limits)
	if err != nil {
		return Version{}, err
	}
	return s.Publish(ctx, name, PublishRequest{Files: files, Author: author, Note: note})
}

// sizeText formats a byte count for messages: "16 MB", "1.5 MB", "812 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
