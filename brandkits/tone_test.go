package brandkits

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func toneKit(locale, formality string) *Kit {
	return &Kit{Tone: Tone{Locale: locale, Formality: formality}}
}

func TestGreetingDefaults(t *testing.T) {
	mueller := Person{Name: "Anna Müller", FirstName: "Anna", LastName: "Müller", Gender: "female"}
	drMueller := Person{Name: "Anna Müller", FirstName: "Anna", LastName: "Müller", Title: "Dr.", Gender: "female"}
	schmidt := Person{Name: "Jan Schmidt", FirstName: "Jan", LastName: "Schmidt", Gender: "male"}
	alex := Person{Name: "Alex Weber", FirstName: "Alex", LastName: "Weber", Gender: "other"}
	unknown := Person{Name: "Sam Lee", FirstName: "Sam", LastName: "Lee"}
	company := Person{Name: "ACME Ltd", Company: "ACME Ltd"}
	tests := []struct {
		name       string
		locale     string
		formality  string
		p          Person
		greet, end string
	}{
		{"de female with title", "de-DE", "formal", drMueller, "Sehr geehrte Frau Dr. Müller,", "Mit freundlichen Grüßen"},
		{"de female", "de-DE", "formal", mueller, "Sehr geehrte Frau Müller,", "Mit freundlichen Grüßen"},
		{"de male", "de-DE", "formal", schmidt, "Sehr geehrter Herr Schmidt,", "Mit freundlichen Grüßen"},
		{"de other", "de-DE", "formal", alex, "Guten Tag Alex Weber,", "Mit freundlichen Grüßen"},
		{"de unknown gender is never guessed", "de-DE", "formal", unknown, "Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"},
		{"de gender case-insensitive", "de-DE", "formal", Person{LastName: "Müller", Gender: " Female "}, "Sehr geehrte Frau Müller,", "Mit freundlichen Grüßen"},
		{"de informal", "de-DE", "informal", mueller, "Hallo Anna,", "Viele Grüße"},
		{"de informal no name", "de-DE", "informal", company, "Hallo,", "Viele Grüße"},
		{"en-GB title", "en-GB", "formal", Person{Title: "Dr", LastName: "Smith"}, "Dear Dr Smith,", "Yours sincerely,"},
		{"en-GB gendered", "en-GB", "formal", mueller, "Dear Ms Müller,", "Yours sincerely,"},
		{"en-GB name", "en-GB", "formal", unknown, "Dear Sam Lee,", "Yours sincerely,"},
		{"en-GB nobody", "en-GB", "formal", Person{}, "Dear customer,", "Yours sincerely,"},
		{"en-GB informal", "en-GB", "informal", schmidt, "Hi Jan,", "Best wishes,"},
		{"en-GB informal no first name", "en-GB", "informal", company, "Hello,", "Best wishes,"},
		{"en-US", "en-US", "formal", schmidt, "Dear Mr. Schmidt,", "Sincerely,"},
		{"fr female", "fr-FR", "formal", mueller, "Madame,", "Nous vous prions d'agréer, Madame, l'expression de nos salutations distinguées."},
		{"fr other", "fr-FR", "formal", alex, "Bonjour Alex Weber,", "Nous vous prions d'agréer l'expression de nos salutations distinguées."},
		{"fr unknown", "fr-FR", "formal", unknown, "Madame, Monsieur,", "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."},
		{"nl male", "nl-NL", "formal", schmidt, "Geachte heer Schmidt,", "Met vriendelijke groet,"},
		{"nl unknown", "nl-NL", "formal", unknown, "Geachte heer, mevrouw,", "Met vriendelijke groet,"},
		{"nl informal", "nl-NL", "informal", unknown, "Hoi Sam,", "Hartelijke groet,"},
		{"unsupported locale falls back to its language", "de-AT", "formal", schmidt, "Sehr geehrter Herr Schmidt,", "Mit freundlichen Grüßen"},
		{"unknown locale falls back to en-GB", "xx", "", Person{}, "Dear customer,", "Yours sincerely,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := toneKit(tt.locale, tt.formality)
			assert.Equal(t, tt.greet, k.Greeting([]string{"invoice"}, tt.p))
			assert.Equal(t, tt.end, k.SignOff([]string{"invoice"}, tt.p))
		})
	}
}

func TestGreetingKitOverrides(t *testing.T) {
	k := toneKit("en-GB", "informal")
	k.Tone.FixLegacyCaps = true
	k.Tone.Greetings = map[string][]Template{
		"payment_reminder": {{Text: "Dear {first_name} {last_name},"}, {Text: "Dear friend,"}},
		"default":          {{Text: "Hey {first_name}!"}, {Text: "Hey there!"}},
	}
	k.Tone.SignOffs = map[string][]Template{"default": {{Text: "Cheers from the roastery"}}}
	jan := Person{FirstName: "JAN", LastName: "KOWALSKI"}

	tests := []struct {
		name string
		keys []string
		p    Person
		want string
	}{
		{"most specific key first", []string{"payment_reminder", "notice"}, jan, "Dear Jan Kowalski,"},
		{"later key", []string{"policy_change", "payment_reminder"}, jan, "Dear Jan Kowalski,"},
		{"neutral fallback in the same list", []string{"payment_reminder"}, Person{FirstName: "Jan"}, "Dear friend,"},
		{"kit default", []string{"invoice"}, jan, "Hey Jan!"},
		{"no keys", nil, Person{}, "Hey there!"},
		{"spaces collapse", []string{"payment_reminder"}, Person{FirstName: " Jan  ", LastName: "de  Vries"}, "Dear Jan de Vries,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, k.Greeting(tt.keys, tt.p))
		})
	}
	// The kit's own default beats the locale's payment_reminder wording.
	assert.Equal(t, "Cheers from the roastery", k.SignOff([]string{"payment_reminder"}, jan))
	assert.Equal(t, "Kind regards,", toneKit("en-GB", "informal").SignOff([]string{"payment_reminder"}, jan))
	assert.Equal(t, []Template{{Text: "Cheers from the roastery"}}, k.SignOffsFor("payment_reminder"))
	assert.Equal(t, []Template{{Text: "Kind regards,"}}, toneKit("en-GB", "informal").SignOffsFor("payment_reminder"))
	assert.Equal(t, k.Tone.Greetings["payment_reminder"], k.GreetingsFor("notice", "payment_reminder"))
}

func TestGreetingUnvalidatedKitStillGreets(t *testing.T) {
	k := toneKit("en-GB", "formal")
	k.Tone.Greetings = map[string][]Template{"default": {{Text: "Dear {name},"}, {Text: "Dear {nick}"}}}
	assert.Equal(t, "Dear customer,", k.Greeting(nil, Person{}), "falls through to the locale's neutral candidate")
}

func TestCompileTemplate(t *testing.T) {
	tests := []struct {
		text    string
		fields  []string
		wantErr string
	}{
		{"Dear {title} {last_name},", []string{"title", "last_name"}, ""},
		{"Hello,", nil, ""},
		{"{name} {name}", []string{"name"}, ""},
		{"Literal {{braces}} and {company}", []string{"company"}, ""},
		{"Dear {nickname},", nil, "unknown placeholder {nickname}"},
		{"Dear {frist_name},", nil, `did you mean {first_name}?`},
		{"Dear {name,", nil, `unbalanced "{"`},
		{"Dear name},", nil, `unbalanced "}"`},
		{"Dear {{name},", nil, `unbalanced "}"`},
		{"Dear {na{me},", nil, `unbalanced "{"`},
		{"Dear {},", nil, "invalid placeholder {}"},
		{"Dear {Name},", nil, "invalid placeholder {Name}"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			fields, err := CompileTemplate(tt.text)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.fields, fields)
		})
	}
}

func TestExpand(t *testing.T) {
	vals := map[string]string{"page": "2", "pages": "5"}
	for in, want := range map[string]string{
		"Page {page} of {pages}": "Page 2 of 5",
		"{page}/{pages} {other}": "2/5 {other}",
		"{{page}}":               "{page}",
		"broken {page":           "broken {page",
	} {
		assert.Equal(t, want, Expand(in, vals), in)
	}
	k := &Kit{
		Identity: Identity{LegalName: "Roastery GmbH", Address: []string{"Röstweg 12", "10115 Berlin"}, VATID: "DE123"},
		Layout:   Layout{Footer: Footer{LegalText: "{legal_name} · {address} · USt-IdNr. {vat_id}"}},
	}
	assert.Equal(t, "Roastery GmbH · Röstweg 12, 10115 Berlin · USt-IdNr. DE123", k.LegalText())
}

func TestTemplateYAML(t *testing.T) {
	var got struct {
		L []Template `yaml:"l"`
	}
	require.NoError(t, yaml.Unmarshal([]byte("l: [Hello, {text: 'Hi {first_name}', gender: female}]"), &got))
	assert.Equal(t, []Template{{Text: "Hello"}, {Text: "Hi {first_name}", Gender: "female"}}, got.L)
}
