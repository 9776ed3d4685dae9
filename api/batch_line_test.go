package api

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestBatchLineReader(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // several read buffers
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string // "!" marks a line over the limit
	}{
		{"empty input", "", 10, nil},
		{"one line, no end", `{"a":1}`, 10, []string{`{"a":1}`}},
		{"lines with ends", "a\nb\n", 10, []string{"a", "b"}},
		{"crlf", "a\r\nb\r\n", 10, []string{"a", "b"}},
		{"blank lines count", "\n\na\n\n", 10, []string{"", "", "a", ""}},
		{"only whitespace", "  \t\n", 10, []string{"  \t"}},
		{"exactly the limit", "12345\n", 5, []string{"12345"}},
		{"exactly the limit with crlf", "12345\r\nx", 5, []string{"12345", "x"}},
		{"one over the limit", "123456\nx\n", 5, []string{"!", "x"}},
		{"over the limit at the end", "x\n123456", 5, []string{"x", "!"}},
		{"long line skipped to its end", "a\n" + long + "\nb\n" + long, 1000, []string{"a", "!", "b", "!"}},
		{"long line within the limit", long + "\n", len(long), []string{long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				lr := newLineReader(r, tt.limit)
				var got []string
				for {
					line, tooLong, err := lr.next()
					if err == io.EOF {
						break
					}
					require.NoError(t, err)
					if tooLong {
						require.Nil(t, line)
						got = append(got, "!")
						continue
					}
					require.LessOrEqual(t, len(line), tt.limit)
					got = append(got, string(line))
				}
				require.Equal(t, tt.want, got)
			}
		})
	}
}

func TestBatchLineReaderError(t *testing.T) {
	lr := newLineReader(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(io.ErrUnexpectedEOF)), 10)
	line, _, err := lr.next()
	require.NoError(t, err)
	require.Equal(t, "a", string(line))
	_, _, err = lr.next()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a line cut off by a failing stream is lost, not answered")
}

func TestBatchDecodeLine(t *testing.T) {
	tests := []struct {
		name  string
		line  string
		slug  string   // "" for no problem
		paths []string // the field problems' paths
	}{
		{"request", `{"kit":"roastery","data":{"type":"invoice"},"formats":["pdf"]}`, "", nil},
		{"with idempotency key", `{"kit":"roastery","data":{},"idempotency_key":"run-7/line-3"}`, "", nil},
		{"spaces around", "  {\"kit\":\"roastery\"}\t", "", nil},
		{"blank", "", ProblemBadRequest, nil},
		{"whitespace", " \t ", ProblemBadRequest, nil},
		{"array", `[{"kit":"roastery"}]`, ProblemBadRequest, nil},
		{"null", `null`, ProblemBadRequest, nil},
		{"syntax", `{"kit":"roastery",}`, ProblemBadRequest, nil},
		{"cut off", `{"kit":"roastery","data":{`, ProblemBadRequest, nil},
		{"two objects", `{"kit":"a"} {"kit":"b"}`, ProblemBadRequest, nil},
		{"unknown field", `{"kit":"roastery","colour":"red"}`, ProblemValidation, []string{"colour"}},
		{"kit not a string", `{"kit":7}`, ProblemValidation, []string{"kit"}},
		{"formats not an array", `{"kit":"roastery","formats":"pdf"}`, ProblemValidation, []string{"formats"}},
		{"key not a string", `{"kit":"roastery","idempotency_key":7}`, ProblemValidation, []string{"idempotency_key"}},
		{"key empty", `{"kit":"roastery","idempotency_key":""}`, ProblemValidation, []string{"idempotency_key"}},
		{"key not ascii", `{"kit":"roastery","idempotency_key":"schl\u00fcssel"}`, ProblemValidation, []string{"idempotency_key"}},
		{"key and field wrong", `{"kit":7,"idempotency_key":null}`, ProblemValidation, []string{"idempotency_key", "kit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBatchLine([]byte(tt.line))
			if tt.slug == "" {
				require.NoError(t, err)
				return
			}
			p := ProblemFor(err)
			require.Equal(t, problemTypePrefix+tt.slug, p.Type, "detail: %s", p.Detail)
			require.NotEmpty(t, p.Detail)
			require.Equal(t, tt.paths, fieldPaths(p))
		})
	}
}

func TestBatchDecodeLineFields(t *testing.T) {
	l, err := decodeBatchLine([]byte(`{"kit":"roastery@live","type":"invoice","data":{"notes":"<b>AT&T</b>"},"formats":["txt"],"idempotency_key":"k1"}`))
	require.NoError(t, err)
	require.Equal(t, batchLine{
		DocumentRequest: DocumentRequest{Kit: "roastery@live", Type: "invoice", Data: json.RawMessage(`{"notes":"<b>AT&T</b>"}`), Formats: []string{"txt"}},
		IdempotencyKey:  "k1",
	}, l)
}
