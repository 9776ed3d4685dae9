package mapping

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLineReader(t *testing.T) {
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
				lr := NewLineReader(r, 64<<10, tt.limit)
				var got []string
				for {
					line, tooLong, err := lr.Next()
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

func TestLineReaderError(t *testing.T) {
	lr := NewLineReader(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(io.ErrUnexpectedEOF)), 64<<10, 10)
	line, _, err := lr.Next()
	require.NoError(t, err)
	require.Equal(t, "a", string(line))
	_, _, err = lr.Next()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a line cut off by a failing stream is lost, not answered")
}

// TestLineReaderSmallBuffer reads with bufio's smallest buffer.
func TestLineReaderSmallBuffer(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines []string // "<long>" for a line over the limit
	}{
		{"empty", "", nil},
		{"line ends", "a\nbc\r\n\nd", []string{"a", "bc", "", "d"}},
		{"at the limit", "0123456789\n0123456789", []string{"0123456789", "0123456789"}},
		{"over the limit", "0123456789A\nok\n", []string{"<long>", "ok"}},
		{"over the limit across reads", strings.Repeat("x", 50) + "\nok\n" + strings.Repeat("y", 40), []string{"<long>", "ok", "<long>"}},
		{"a long line ending in CR LF at the limit", "0123456789\r\n", []string{"0123456789"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// 16 bytes, bufio's smallest buffer, so that long lines take several reads.
			lr := NewLineReader(strings.NewReader(tt.in), 16, 10)
			var got []string
			for {
				line, tooLong, err := lr.Next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				if tooLong {
					assert.Nil(t, line)
					got = append(got, "<long>")
					continue
				}
				got = append(got, string(line))
			}
			assert.Equal(t, tt.lines, got)
		})
	}
}
