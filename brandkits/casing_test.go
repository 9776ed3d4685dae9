package brandkits

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func casingKit(locale string, fix bool) *Kit {
	return &Kit{Tone: Tone{
		Locale:        locale,
		FixLegacyCaps: fix,
		KeepUpper:     []string{"kwh", "VAT", "DHL"},
		Vocabulary: map[string]string{
			"ELEC":        "electricity",
			"KWH":         "kWh",
			"STD CHG":     "standing charge",
			"Kaffeebohne": "Kaffeebohnen",
			"K.W.H.":      "kWh",
		},
	}}
}

func TestFixText(t *testing.T) {
	tests := []struct {
		name   string
		locale string
		fix    bool
		in     string
		want   string
	}{
		{"sentence case", "en-GB", true, "ESPRESSO BEANS, DARK ROAST", "Espresso beans, dark roast"},
		{"sentences", "en-GB", true, "PAYMENT RECEIVED. THANK YOU! NEXT BILL IN MAY", "Payment received. Thank you! Next bill in may"},
		{"abbreviation does not end a sentence", "en-GB", true, "ORDER NO. 5 INCL. DELIVERY", "Order no. 5 incl. delivery"},
		{"line break starts a sentence", "en-GB", true, "FIRST LINE\nSECOND LINE", "First line\nSecond line"},
		{"keep_upper, any case in the list", "en-GB", true, "ENERGY IN KWH INCL. VAT (DHL)", "Energy in kWh incl. VAT (DHL)"}, // vocabulary after keep_upper
		{"product codes keep their case", "en-GB", true, "CABLE A12B-X 2M LONG", "Cable A12B-X 2M long"},
		{"leading number", "en-GB", true, "2 X COFFEE", "2 x coffee"},
		{"mixed case untouched", "en-GB", true, "Espresso BEANS", "Espresso BEANS"},
		{"one capital is not legacy", "en-GB", true, "A", "A"},
		{"casing off", "en-GB", false, "ESPRESSO BEANS", "ESPRESSO BEANS"},
		{"vocabulary whole words, any case", "en-GB", true, "ELEC SUPPLY, ELECTRIC METER", "Electricity supply, electric meter"},
		{"vocabulary opening a sentence keeps the capital", "en-GB", true, "PAID. ELEC SUPPLY", "Paid. Electricity supply"},
		{"vocabulary mid-sentence stays lower-case", "en-GB", true, "YOUR ELEC SUPPLY", "Your electricity supply"},
		{"vocabulary longest first, multiword", "en-GB", true, "STD CHG FOR ELEC", "Standing charge for electricity"},
		{"vocabulary runs with casing off", "en-GB", false, "Elec usage 300 kwh", "Electricity usage 300 kWh"},
		{"vocabulary key with punctuation", "en-GB", false, "300 K.W.H. used", "300 kWh used"},
		{"vocabulary not inside words", "en-GB", false, "ELECTRA and KWHS", "ELECTRA and KWHS"},
		{"vocabulary adjacent matches", "en-GB", false, "elec elec", "Electricity electricity"},
		{"German ß is not lower-case legacy", "de-DE", true, "GROßE KAFFEEBOHNE", "Große Kaffeebohnen"},
		{"German capital ẞ", "de-DE", true, "STRAẞENKAFFEE", "Straßenkaffee"},
		{"Polish", "en-GB", true, "ŻÓŁTA KAWA Z MLEKIEM", "Żółta kawa z mlekiem"},
		{"Greek final sigma", "en-GB", true, "ΕΛΛΗΝΙΚΟΣ ΚΑΦΕΣ", "Ελληνικος καφες"},
		{"Turkish dotted and dotless i", "de-DE", true, "DİYARBAKIR İÇİN KAHVE", "Diyarbakır için kahve"},
		{"Dutch IJ", "nl-NL", true, "IJSKOFFIE MET MELK", "IJskoffie met melk"},
		{"e-mail addresses and domains keep their spelling", "en-GB", false, "mail elec@elec.example or see www.elec.example/elec", "mail elec@elec.example or see www.elec.example/elec"},
		{"empty", "en-GB", true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, casingKit(tt.locale, tt.fix).FixText(tt.in))
		})
	}
}

func TestFixName(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Polish name", "JAN KOWALSKI", "Jan Kowalski"},
		{"Polish street", "UL. MARSZAŁKOWSKA 12/4", "Ul. Marszałkowska 12/4"},
		{"Polish company", "KAWA POLSKA SP. Z O.O.", "Kawa Polska Sp. z o.o."},
		{"Greek final sigma", "ΓΙΑΝΝΗΣ ΠΑΠΑΔΟΠΟΥΛΟΣ", "Γιαννης Παπαδοπουλος"},
		{"Turkish", "AYŞE YILDIRIM, İSTANBUL", "Ayşe Yıldırım, İstanbul"},
		{"German ß", "GROßE STRAßE 5", "Große Straße 5"},
		{"German company", "RÖSTEREI MÜLLER GMBH & CO. KG", "Rösterei Müller GmbH & Co. KG"},
		{"particles", "LUDWIG VAN DER BERG", "Ludwig van der Berg"},
		{"particle first", "VAN DER BERG", "Van der Berg"},
		{"French", "JEANNE D'ARC, 12 RUE DU BAC", "Jeanne d'Arc, 12 Rue du Bac"},
		{"apostrophes", "O'NEILL'S PUB", "O'Neill's Pub"},
		{"hyphen", "MARIE-CLAIRE DUPONT", "Marie-Claire Dupont"},
		{"initials", "J.R. SMITH", "J.R. Smith"},
		{"initial is not a particle", "JAN Z. KOWALSKI", "Jan Z. Kowalski"},
		{"keep_upper", "DHL PAKETSHOP", "DHL Paketshop"},
		{"codes", "FLAT 3B", "Flat 3B"},
		{"Dutch IJ", "IJSSELSTRAAT 4", "IJsselstraat 4"},
		{"mixed case untouched", "Jan KOWALSKI", "Jan KOWALSKI"},
		{"vocabulary does not apply", "ELEC HOUSE", "Elec House"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, casingKit("nl-NL", true).FixName(tt.in))
		})
	}
	assert.Equal(t, "JAN KOWALSKI", casingKit("en-GB", false).FixName("JAN KOWALSKI"), "casing off")
}

func TestIsLegacyCaps(t *testing.T) {
	for in, want := range map[string]bool{
		"AB": true, "A": false, "A1": false, "Ab": false, "STRAßE": true, "ΣΟΣ": true,
		"12 KG": true, "": false, "ὈΔΥΣΣΕΎΣ": true, "über": false,
	} {
		assert.Equal(t, want, isLegacyCaps(in), in)
	}
}

func TestFixerConcurrent(t *testing.T) {
	f := NewFixer(casingKit("en-GB", true))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				assert.Equal(t, "Electricity supply", f.FixText("ELEC SUPPLY"))
				assert.Equal(t, "Jan Kowalski", f.FixName("JAN KOWALSKI"))
			}
		})
	}
	wg.Wait()
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"margin", "margins", 1}, {"primray", "primary", 1}, {"", "abc", 3},
		{"colours", "colors", 1}, {"abc", "abc", 0}, {"kitten", "sitting", 3},
	} {
		assert.Equal(t, tc.want, editDistance(tc.a, tc.b), "%s/%s", tc.a, tc.b)
	}
	assert.Equal(t, "margins", suggest("margin", []string{"header", "margins", "paper"}))
	assert.Equal(t, "", suggest("xy", []string{"ab"}), "replacing everything is no suggestion")
}
