package brandkits

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Fixer applies a kit's legacy-text rules: ALL-CAPS to sentence or title case
// and vocabulary replacements. Build one per kit version with NewFixer and
// reuse it; it is safe for concurrent use. Kit.FixText and Kit.FixName are
// conveniences that build a Fixer on every call.
type Fixer struct {
	caps bool
	lang language.Tag
	keep map[string]bool // folded KeepUpper words

	vocabulary map[string]string
	once       sync.Once
	vocab      map[string][]vocabEntry // by folded first word; "" for keys starting with punctuation
}

type vocabEntry struct {
	key  []rune
	repl string
}

// NewFixer prepares k's casing rules and vocabulary.
func NewFixer(k *Kit) *Fixer {
	f := &Fixer{
		caps:       k.Tone.FixLegacyCaps,
		lang:       localeLanguage(k.Tone.Locale),
		keep:       map[string]bool{},
		vocabulary: k.Tone.Vocabulary,
	}
	for _, w := range k.Tone.KeepUpper {
		if w = strings.TrimSpace(w); w != "" {
			f.keep[foldString(w)] = true
		}
	}
	return f
}

// FixText fixes a description or note; see Fixer.FixText.
func (k *Kit) FixText(s string) string { return NewFixer(k).FixText(s) }

// FixName fixes a name or address line; see Fixer.FixName.
func (k *Kit) FixName(s string) string { return NewFixer(k).FixName(s) }

// localeLanguage returns the language whose casing rules apply to a kit, so
// that e.g. Dutch "IJSSELMEER" becomes "IJsselmeer".
func localeLanguage(locale string) language.Tag {
	base, _ := language.Make(supportedLocale(locale)).Base()
	return language.Make(base.String())
}

// FixText fixes legacy free text such as line descriptions and notes. When the
// kit has fix_legacy_caps and s is ALL-CAPS (at least two upper-case letters,
// no lower-case one), s becomes sentence case in the kit's language; words in
// keep_upper and tokens mixing letters and digits (product codes like "A12B")
// keep their case. Vocabulary replacements apply afterwards, whether or not
// the casing rule is on. Mixed-case text is never re-cased.
//
// Sentence case lower-cases everything but sentence starts, so German nouns
// lose their capital ("Kaffee und milch"); vocabulary entries are the way to
// restore words that matter.
func (f *Fixer) FixText(s string) string {
	if f.caps && isLegacyCaps(s) {
		s = f.sentenceCase(s)
	}
	return f.applyVocabulary(s)
}

// FixName fixes a legacy name or address line: with fix_legacy_caps, an
// ALL-CAPS s becomes title case word by word ("UL. MARSZAŁKOWSKA 12/4" ->
// "Ul. Marszałkowska 12/4"), with legal forms spelt as registered ("GMBH" ->
// "GmbH") and name particles in lower case after the first word ("JAN VAN DER
// BERG" -> "Jan van der Berg"). Vocabulary does not apply: an entry meant for
// descriptions ("ST" -> "standing charge") must not rewrite a street name.
func (f *Fixer) FixName(s string) string {
	if !f.caps || !isLegacyCaps(s) {
		return s
	}
	lang := f.langFor(s)
	lower := cases.Lower(lang)
	title := cases.Title(lang, cases.NoLower)
	tokens := splitTokens(s)
	first := true
	for i, tok := range tokens {
		if isSpaceToken(tok) {
			continue
		}
		isFirst := first
		first = false
		if f.keepToken(tok) {
			continue
		}
		core, pre, post := trimPunct(tok)
		if form, dot, ok := lookupFolded(legalForms, core); ok {
			tokens[i] = pre + form + dot + post
			continue
		}
		if !isFirst && nameParticles[foldString(core)] {
			tokens[i] = lower.String(tok)
			continue
		}
		tokens[i] = titleWord(lower.String(tok), title, isFirst)
	}
	return strings.Join(tokens, "")
}

// titleWord capitalises each letter run of a lower-cased token, except after
// an apostrophe that follows more than one letter ("john's" stays, "o'neill"
// becomes "O'Neill") and the French elisions d' and l' inside a name
// ("Jeanne d'Arc").
func titleWord(tok string, title cases.Caser, isFirst bool) string {
	var b strings.Builder
	runs := splitRuns(tok)
	for j, r := range runs {
		if !isWordRun(r) {
			b.WriteString(r)
			continue
		}
		capitalise := true
		if j >= 2 && isApostrophe(runs[j-1]) && isWordRun(runs[j-2]) && utf8.RuneCountInString(runs[j-2]) > 1 {
			capitalise = false
		}
		if j == 0 && !isFirst && (r == "d" || r == "l") && len(runs) > 2 && isApostrophe(runs[1]) {
			capitalise = false
		}
		if capitalise {
			r = title.String(r)
		}
		b.WriteString(r)
	}
	return b.String()
}

func isApostrophe(s string) bool { return s == "'" || s == "’" }

// legalForms spells company legal forms as registered; title case would give
// "Gmbh" or "Plc". Keys are folded, with a trailing full stop where the form
// is spelt with one.
var legalForms = map[string]string{
	"ag": "AG", "bv": "BV", "b.v.": "B.V.", "co": "Co", "e.k.": "e.K.", "e.v.": "e.V.",
	"gbr": "GbR", "gmbh": "GmbH", "inc": "Inc", "kg": "KG", "kgaa": "KGaA", "llc": "LLC",
	"llp": "LLP", "ltd": "Ltd", "mbh": "mbH", "nv": "NV", "n.v.": "N.V.", "ohg": "OHG",
	"plc": "PLC", "sa": "SA", "s.a.": "S.A.", "sarl": "SARL", "sas": "SAS", "se": "SE",
	"sp": "Sp", "o.o.": "o.o.", "ug": "UG", "vof": "VOF",
}

// lookupFolded finds core in m, also without a trailing full stop (which is
// then returned in rest so "CO." becomes "Co.").
func lookupFolded[V any](m map[string]V, core string) (v V, rest string, ok bool) {
	f := foldString(core)
	if v, ok = m[f]; ok {
		return v, "", true
	}
	if t, cut := strings.CutSuffix(f, "."); cut {
		if v, ok = m[t]; ok {
			return v, ".", true
		}
	}
	return v, "", false
}

// nameParticles are lower case inside names and addresses ("Ludwig van
// Beethoven", "Rue du Bac", Polish "z"). "le"/"la" are missing on purpose:
// French surnames capitalise them ("Le Pen"). They match only without a full
// stop, so the initial in "JAN Z. KOWALSKI" stays a capital.
var nameParticles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "du": true, "des": true,
	"ter": true, "ten": true, "zu": true, "vom": true, "zum": true, "zur": true, "z": true,
	"und": true, "and": true, "of": true, "et": true, "en": true,
}

// sentenceCase lower-cases s except for kept tokens and the first letter of
// each sentence.
func (f *Fixer) sentenceCase(s string) string {
	lang := f.langFor(s)
	lower := cases.Lower(lang)
	title := cases.Title(lang, cases.NoLower)
	tokens := splitTokens(s)
	start := true
	for i, tok := range tokens {
		if isSpaceToken(tok) {
			// a line break starts a new sentence: legacy notes are often
			// one statement per line without full stops
			start = start || strings.ContainsAny(tok, "\n\r")
			continue
		}
		kept := f.keepToken(tok)
		if !kept {
			tok = f.lowerToken(tok, lower)
		}
		if start && hasAlnum(tok) {
			if !kept {
				tok = capitaliseFirst(tok, title)
			}
			start = false
		}
		tokens[i] = tok
		if endsSentence(tok) {
			start = true
		}
	}
	return strings.Join(tokens, "")
}

// lowerToken lower-cases each word of tok except keep_upper words, so that
// "KWH-PRICE" keeps "KWH" when it is listed.
func (f *Fixer) lowerToken(tok string, lower cases.Caser) string {
	var b strings.Builder
	for _, r := range splitRuns(tok) {
		if isWordRun(r) && !f.keep[foldString(r)] {
			r = lower.String(r)
		}
		b.WriteString(r)
	}
	return b.String()
}

// capitaliseFirst title-cases the first word of tok if it starts with a
// letter; "2 x coffee" has no capital to give.
func capitaliseFirst(tok string, title cases.Caser) string {
	runs := splitRuns(tok)
	for j, r := range runs {
		if !isWordRun(r) {
			continue
		}
		first, _ := utf8.DecodeRuneInString(r)
		if unicode.IsLetter(first) {
			runs[j] = title.String(r)
		}
		break
	}
	return strings.Join(runs, "")
}

// abbreviations end in a full stop without ending a sentence.
var abbreviations = map[string]bool{
	"no": true, "nr": true, "st": true, "co": true, "incl": true, "excl": true, "ca": true,
	"approx": true, "vs": true, "etc": true, "bzw": true, "ggf": true, "inkl": true,
	"zzgl": true, "evtl": true, "str": true, "tel": true, "mr": true, "mrs": true, "ms": true,
	"dr": true, "prof": true, "ref": true, "art": true, "abs": true, "vol": true, "min": true,
	"max": true, "dept": true, "z.b": true, "u.a": true, "d.h": true, "resp": true, "env": true,
	"cf": true, "p": true, "pp": true, "ul": true, "mevr": true, "dhr": true, "mme": true,
}

func endsSentence(tok string) bool {
	t := strings.TrimRight(tok, `"')]}»”’`)
	if t == "" {
		return false
	}
	switch t[len(t)-1] {
	case '!', '?':
		return true
	case '.':
		word := strings.TrimLeft(strings.TrimSuffix(t, "."), `"'([{«“‘`)
		if word == "" || strings.HasSuffix(word, ".") { // "..." or "a.."
			return word == "" || strings.HasSuffix(word, "..")
		}
		if utf8.RuneCountInString(word) == 1 { // an initial
			return false
		}
		return !abbreviations[foldString(word)]
	}
	return false
}

// keepToken reports whether a token keeps its case: a keep_upper word (with
// any surrounding punctuation) or a code mixing letters and digits.
func (f *Fixer) keepToken(tok string) bool {
	core, _, _ := trimPunct(tok)
	if core == "" {
		return false
	}
	if _, _, ok := lookupFolded(f.keep, core); ok {
		return true
	}
	var letter, digit bool
	for _, r := range core {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	return letter && digit
}

// langFor picks the casing language for s: the kit's, except that a capital
// dotted İ or a Ğ only occurs in Turkish (and Azerbaijani), where the plain I
// lower-cases to a dotless ı ("DİYARBAKIR" -> "diyarbakır").
func (f *Fixer) langFor(s string) language.Tag {
	if strings.ContainsAny(s, "İĞ") {
		return language.Turkish
	}
	return f.lang
}

// isLegacyCaps reports whether s is ALL-CAPS legacy text: at least two
// upper-case letters and no lower-case letter. Lower-case letters without an
// upper-case form (German ß in "STRAßE") do not count, since legacy systems
// leave them as they are.
func isLegacyCaps(s string) bool {
	upper := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r) && unicode.ToUpper(r) != r:
			return false
		}
	}
	return upper >= 2
}

// applyVocabulary replaces whole-word, case-insensitive matches of vocabulary
// keys by their values, longest key first at each position.
func (f *Fixer) applyVocabulary(s string) string {
	if len(f.vocabulary) == 0 {
		return s
	}
	f.once.Do(f.buildVocabulary)
	runes := []rune(s)
	var b strings.Builder
	changed := false
	for i := 0; i < len(runes); {
		if n, repl, ok := f.matchAt(runes, i); ok {
			if atSentenceStart(runes, i) {
				repl = capitaliseInitial(repl)
			}
			b.WriteString(repl)
			i += n
			changed = true
			continue
		}
		b.WriteRune(runes[i])
		i++
	}
	if !changed {
		return s
	}
	return b.String()
}

// atSentenceStart reports whether position i of runes starts a sentence: the
// text's start, a new line, or after ". ", "! ", "? ".
func atSentenceStart(runes []rune, i int) bool {
	j := i - 1
	for j >= 0 && (runes[j] == ' ' || runes[j] == '\t') {
		j--
	}
	if j < 0 || runes[j] == '\n' {
		return true
	}
	return j < i-1 && (runes[j] == '.' || runes[j] == '!' || runes[j] == '?')
}

// capitaliseInitial upper-cases a lower-case first letter, so a vocabulary
// word that opens a sentence keeps the sentence's capital ("PREM PAYMENT" ->
// "Premium payment", not "premium payment").
func capitaliseInitial(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func (f *Fixer) buildVocabulary() {
	f.vocab = map[string][]vocabEntry{}
	for k, v := range f.vocabulary {
		key := []rune(strings.TrimSpace(k))
		if len(key) == 0 {
			continue
		}
		first := string(key[:wordLen(key, 0)])
		f.vocab[foldString(first)] = append(f.vocab[foldString(first)], vocabEntry{key: key, repl: v})
	}
	for _, es := range f.vocab {
		// Longest first so "KWH PEAK" wins over "KWH"; then by key so that
		// equal-length keys differing only in case resolve the same way on
		// every run.
		slices.SortFunc(es, func(a, b vocabEntry) int {
			if len(a.key) != len(b.key) {
				return len(b.key) - len(a.key)
			}
			return strings.Compare(string(a.key), string(b.key))
		})
	}
}

func (f *Fixer) matchAt(runes []rune, i int) (int, string, bool) {
	var bucket []vocabEntry
	if isWordRune(runes[i]) {
		if i > 0 && (isWordRune(runes[i-1]) || strings.ContainsRune("@./", runes[i-1])) {
			return 0, "", false // not at a word start, or inside an e-mail address, domain or path
		}
		bucket = f.vocab[foldString(string(runes[i:i+wordLen(runes, i)]))]
	} else {
		bucket = f.vocab[""]
	}
	for _, e := range bucket {
		n := len(e.key)
		if i+n > len(runes) || !equalFoldRunes(runes[i:i+n], e.key) {
			continue
		}
		if i+n < len(runes) && isWordRune(runes[i+n]) && isWordRune(e.key[n-1]) {
			continue // would end mid-word
		}
		if i+n < len(runes) && runes[i+n] == '@' {
			continue // the local part of an e-mail address
		}
		return n, e.repl, true
	}
	return 0, "", false
}

func wordLen(runes []rune, i int) int {
	n := 0
	for i+n < len(runes) && isWordRune(runes[i+n]) {
		n++
	}
	return n
}

func equalFoldRunes(a, b []rune) bool {
	for i := range a {
		if foldRune(a[i]) != foldRune(b[i]) {
			return false
		}
	}
	return true
}

// foldRune maps r to a canonical case-folded form: the lower case of the
// smallest rune of its simple folding orbit, under which 'K', 'k' and the
// Kelvin sign are equal. Simple folding keeps one rune per rune, so matches
// keep their length; lower case lets the tables here be written naturally.
func foldRune(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return unicode.ToLower(m)
}

func foldString(s string) string {
	return strings.Map(foldRune, s)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// splitTokens splits s into alternating runs of whitespace and non-whitespace,
// so joining the tokens gives s back.
func splitTokens(s string) []string {
	return splitBy(s, unicode.IsSpace)
}

// splitRuns splits a token into alternating word runs (letters, digits, marks)
// and punctuation runs.
func splitRuns(s string) []string {
	return splitBy(s, isWordRune)
}

func splitBy(s string, class func(rune) bool) []string {
	var out []string
	start := 0
	var cur bool
	for i, r := range s {
		c := class(r)
		if i > start && c != cur {
			out = append(out, s[start:i])
			start = i
		}
		cur = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func isSpaceToken(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsSpace(r)
}

func isWordRun(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

func hasAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// trimPunct splits tok into leading punctuation, core and trailing
// punctuation; the core keeps inner punctuation ("E.V" of "(E.V.)" is "E.V.",
// as a trailing full stop belongs to abbreviations).
func trimPunct(tok string) (core, pre, post string) {
	start := strings.IndexFunc(tok, isWordRune)
	if start < 0 {
		return "", tok, ""
	}
	end := strings.LastIndexFunc(tok, isWordRune)
	_, size := utf8.DecodeRuneInString(tok[end:])
	end += size
	// keep one full stop: "E.V." and "CO." are spelt with it
	if end < len(tok) && tok[end] == '.' {
		end++
	}
	return tok[start:end], tok[:start], tok[end:]
}
