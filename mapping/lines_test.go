package mapping

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// TestLineReader reads every case three ways: with a 64 KiB buffer, with
// bufio's smallest (16 bytes, so that long lines take several reads), and
// one byte per Read.
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
		{"mixed line ends", "a\nbc\r\n\nd", 10, []string{"a", "bc", "", "d"}},
		{"blank lines count", "\n\na\n\n", 10, []string{"", "", "a", ""}},
		{"only whitespace", "  \t\n", 10, []string{"  \t"}},
		{"exactly the limit", "12345\n", 5, []string{"12345"}},
		{"exactly the limit, twice", "0123456789\n0123456789", 10, []string{"0123456789", "0123456789"}},
		{"exactly the limit with crlf", "12345\r\nx", 5, []string{"12345", "x"}},
		{"a long line ending in CR LF at the limit", "0123456789\r\n", 10, []string{"0123456789"}},
		{"one over the limit", "123456\nx\n", 5, []string{"!", "x"}},
		{"one over a limit of ten", "0123456789A\nok\n", 10, []string{"!", "ok"}},
		{"over the limit at the end", "x\n123456", 5, []string{"x", "!"}},
		{"over the limit across reads", strings.Repeat("x", 50) + "\nok\n" + strings.Repeat("y", 40), 10, []string{"!", "ok", "!"}},
		{"long line skipped to its end", "a\n" + long + "\nb\n" + long, 1000, []string{"a", "!", "b", "!"}},
		{"long line within the limit", long + "\n", len(long), []string{long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lr := range []*LineReader{
				NewLineReader(strings.NewReader(tt.in), 64<<10, tt.limit),
				NewLineReader(strings.NewReader(tt.in), 16, tt.limit),
				NewLineReader(iotest.OneByteReader(strings.NewReader(tt.in)), 64<<10, tt.limit),
			} {
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
