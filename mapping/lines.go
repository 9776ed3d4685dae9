package mapping

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// LineReader splits a stream of NDJSON (a batch, a billing run) into lines
// ending in "\n" or "\r\n" without ever holding more than its limit of one
// line: the rest of a longer line is read and dropped, so one oversized line
// cannot take the memory of a reader that runs for millions of lines. Both
// POST /v1/batches and `livery render` read their input with it.
type LineReader struct {
	br    *bufio.Reader
	limit int
}

// NewLineReader reads lines of at most limit bytes (line end excluded)
// from r through a buffer of bufSize bytes; a longer line is gathered from
// several reads.
func NewLineReader(r io.Reader, bufSize, limit int) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, bufSize), limit: limit}
}

// Next returns the next line without its line end, in memory of its own. A
// line over the limit comes back as tooLong with no bytes. A last line
// without a line end is still a line; err is io.EOF only when no line is
// left, and any other err means the stream failed (the line being read is
// lost).
func (lr *LineReader) Next() (line []byte, tooLong bool, err error) {
	read := false
	for {
		frag, err := lr.br.ReadSlice('\n')
		read = read || len(frag) > 0
		if !tooLong {
			// One byte more than the limit may be the "\r" of "\r\n".
			if len(line)+len(bytes.TrimSuffix(frag, []byte("\n"))) > lr.limit+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, frag...)
			}
		}
		switch {
		case err == nil: // frag ends in "\n"
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && read:
		default:
			return nil, false, err
		}
		if tooLong {
			return nil, true, nil
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > lr.limit {
			return nil, true, nil
		}
		return line, false, nil
	}
}
