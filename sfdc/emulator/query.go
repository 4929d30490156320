package emulator

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Query paging limits (Sforce-Query-Options: batchSize).
const (
	defaultBatchSize = 2000
	minBatchSize     = 200
	maxBatchSize     = 2000
)

// Cursor cache limits: open query locators expire after 15 idle minutes;
// the oldest are evicted beyond these bounds.
const (
	cursorIdle     = 15 * time.Minute
	maxCursors     = 64
	maxCursorBytes = 1 << 30
)

// encodedRows is a run of result rows encoded once: every row's JSON, each
// with a leading comma, back to back in buf; row i is buf[offs[i]:offs[i+1]].
// Pages are slices of such runs, so an open cursor holds no pointers for the
// garbage collector to scan.
type encodedRows struct {
	buf  []byte
	offs []int
}

// encodeRows renders rows once.
func encodeRows(rows []*soql.Row) *encodedRows {
	e := &encodedRows{offs: make([]int, 0, len(rows)+1)}
	kc := &keyCache{}
	for i, r := range rows {
		if i == 64 && len(rows) > 128 {
			// Size the buffer once from the first rows.
			e.buf = slices.Grow(e.buf, len(e.buf)/64*(len(rows)-64)*11/10)
		}
		e.offs = append(e.offs, len(e.buf))
		e.buf = append(e.buf, ',')
		e.buf = appendRowKeys(e.buf, r, kc)
	}
	e.offs = append(e.offs, len(e.buf))
	return e
}

// rows returns the number of rows.
func (e *encodedRows) rows() int { return len(e.offs) - 1 }

// streamedRows is a large result encoded in chunks of one page each: the
// first chunk before the first page is sent, the rest in the background, so
// the client works on page n while later pages are still being encoded.
type streamedRows struct {
	n     int // rows in the result
	chunk int // rows per chunk

	mu     sync.Mutex
	ready  *sync.Cond
	chunks []*encodedRows // filled in order
}

// streamRows encodes rows in chunks; it returns once the first is done.
func streamRows(rows []*soql.Row, chunk int) *streamedRows {
	sr := &streamedRows{n: len(rows), chunk: chunk}
	sr.ready = sync.NewCond(&sr.mu)
	sr.chunks = append(sr.chunks, encodeRows(rows[:min(chunk, len(rows))]))
	if len(rows) > chunk {
		go func() {
			for from := chunk; from < len(rows); from += chunk {
				c := encodeRows(rows[from:min(from+chunk, len(rows))])
				sr.mu.Lock()
				sr.chunks = append(sr.chunks, c)
				sr.ready.Broadcast()
				sr.mu.Unlock()
			}
		}()
	}
	return sr
}

// chunkAt waits for chunk i.
func (sr *streamedRows) chunkAt(i int) *encodedRows {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	for len(sr.chunks) <= i {
		sr.ready.Wait()
	}
	return sr.chunks[i]
}

// approxBytes estimates the encoded size of the whole result.
func (sr *streamedRows) approxBytes() int {
	first := sr.chunkAt(0)
	return len(first.buf) * ((sr.n + sr.chunk - 1) / sr.chunk)
}

// appendPage appends rows [from, to) as a JSON array, waiting for the
// chunks that hold them.
func (sr *streamedRows) appendPage(b []byte, from, to int) []byte {
	b = append(b, '[')
	first := true
	for i := from; i < to; {
		c := sr.chunkAt(i / sr.chunk)
		lo := i % sr.chunk
		hi := min(c.rows(), lo+(to-i))
		start := c.offs[lo]
		if first {
			start++ // drop the leading comma of the page's first row
			first = false
		}
		b = append(b, c.buf[start:c.offs[hi]]...)
		i += hi - lo
	}
	return append(b, ']')
}

// cursor is an open query locator: the encoded result and its page size.
type cursor struct {
	rows     *streamedRows
	total    int
	batch    int
	lastUsed time.Time
}

// batchSize reads Sforce-Query-Options: batchSize=N.
func batchSize(r *http.Request) int {
	n := defaultBatchSize
	for _, part := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "batchSize") {
			if x, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				n = x
			}
		}
	}
	return min(maxBatchSize, max(minBatchSize, n))
}

// queryEnv is the evaluation environment of the org.
func (s *Server) queryEnv(version string, all bool) soql.Env {
	return soql.Env{
		Catalog: s.schema, Source: s.org, Now: s.now, Location: time.UTC,
		FiscalYearStartMonth: demo.FiscalYearStartMonth, WeekStart: time.Sunday,
		IncludeDeleted: all, APIVersion: version,
	}
}

// queryError converts a parse/evaluation error into Salesforce's.
func queryError(err error) *Error {
	var qe *soql.Error
	if errors.As(err, &qe) {
		return &Error{Status: http.StatusBadRequest, Code: qe.Code, Message: qe.Message}
	}
	return &Error{Status: http.StatusBadRequest, Code: "MALFORMED_QUERY", Message: err.Error()}
}

// unknownTypeError is INVALID_TYPE in Salesforce's positioned form.
func unknownTypeError(text, object string) *Error {
	col := 1
	lower := strings.ToLower(text)
	if i := strings.Index(lower, " from "); i >= 0 {
		if j := strings.Index(lower[i:], strings.ToLower(object)); j >= 0 {
			col = i + j + 1
		}
	}
	msg := "\n" + text + "\n" + strings.Repeat(" ", col-1) + "^\nERROR at Row:1:Column:" + strconv.Itoa(col) +
		"\nsObject type '" + object + "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
	return &Error{Status: http.StatusBadRequest, Code: "INVALID_TYPE", Message: msg}
}

// runQuery parses and evaluates q.
func (s *Server) runQuery(r *http.Request, q string, all bool) (*soql.Query, *soql.Result, *Error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil, &Error{Status: http.StatusBadRequest, Code: "MALFORMED_QUERY", Message: "A query string has to be specified"}
	}
	parsed, err := soql.Parse(q)
	if err != nil {
		return nil, nil, queryError(err)
	}
	if _, ok := s.schema.Lookup(parsed.From); !ok {
		return nil, nil, unknownTypeError(q, parsed.From)
	}
	if r.URL.Query().Get("columns") == "true" {
		return parsed, nil, nil
	}
	env := s.queryEnv(versionOf(r.Context()), all)
	if recs, ok := s.org.narrowByStamp(parsed, all); ok {
		env.Source = narrowSource{org: s.org, object: parsed.From, recs: recs}
	}
	res, err := soql.Execute(r.Context(), env, parsed)
	if err != nil {
		return nil, nil, queryError(err)
	}
	return parsed, res, nil
}

// handleQuery serves GET query?q= and queryAll?q= (and ?columns=true,
// which the Salesforce CLI uses for column metadata).
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request, all bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "HEAD"))
		return
	}
	parsed, res, qerr := s.runQuery(r, r.URL.Query().Get("q"), all)
	if qerr != nil {
		writeErrors(w, qerr)
		return
	}
	if res == nil {
		writeJSON(w, http.StatusOK, s.columnMetadata(parsed))
		return
	}
	batch := batchSize(r)
	if len(res.Records) <= batch {
		b := make([]byte, 0, 64+len(res.Records)*512)
		b = pageHead(b, res.TotalSize, "", "", 0)
		b = appendRows(b, res.Records)
		writeRaw(w, http.StatusOK, append(b, '}'))
		return
	}
	enc := streamRows(res.Records, batch)
	id := s.openCursor(enc, res.TotalSize, batch)
	writeRaw(w, http.StatusOK, queryPage(enc, res.TotalSize, 0, batch, id, versionOf(r.Context())))
}

// pageHead starts {"totalSize","done"[,"nextRecordsUrl"],"records": — a
// cursorID of "" means done.
func pageHead(b []byte, total int, cursorID, version string, next int) []byte {
	b = append(b, `{"totalSize":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	if cursorID == "" {
		b = append(b, `,"done":true`...)
	} else {
		b = append(b, `,"done":false,"nextRecordsUrl":"/services/data/v`...)
		b = append(b, version...)
		b = append(b, "/query/"...)
		b = append(b, cursorID...)
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(next), 10)
		b = append(b, '"')
	}
	return append(b, `,"records":`...)
}

// queryPage renders rows [from, from+batch) of an encoded result.
func queryPage(enc *streamedRows, total, from, batch int, cursorID, version string) []byte {
	to := min(enc.n, from+batch)
	if to >= enc.n {
		cursorID = ""
	}
	hint := 160
	if from < enc.n {
		hint += len(enc.chunkAt(from / enc.chunk).buf)
	}
	b := pageHead(make([]byte, 0, hint), total, cursorID, version, to)
	b = enc.appendPage(b, from, to)
	return append(b, '}')
}

// openCursor stores an encoded result for paging and returns its locator id.
func (s *Server) openCursor(enc *streamedRows, total, batch int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.querySeq++
	id := string(sfdc.NewID("01g", "Dm", 1_000_000+s.querySeq))
	now := time.Now()
	// Expire idle cursors and keep the cache bounded.
	size := enc.approxBytes()
	kept := s.curOrder[:0]
	for _, k := range s.curOrder {
		c := s.cursors[k]
		if c == nil || now.Sub(c.lastUsed) > cursorIdle {
			delete(s.cursors, k)
			continue
		}
		kept = append(kept, k)
		size += c.rows.approxBytes()
	}
	s.curOrder = kept
	for len(s.curOrder) > 0 && (len(s.curOrder) >= maxCursors || size > maxCursorBytes) {
		old := s.curOrder[0]
		size -= s.cursors[old].rows.approxBytes()
		delete(s.cursors, old)
		s.curOrder = s.curOrder[1:]
	}
	s.cursors[id] = &cursor{rows: enc, total: total, batch: batch, lastUsed: now}
	s.curOrder = append(s.curOrder, id)
	return id
}

// handleQueryMore serves GET query/{locator}, locator "<01g…>-<offset>".
func (s *Server) handleQueryMore(w http.ResponseWriter, r *http.Request, locator string) {
	invalid := &Error{Status: http.StatusBadRequest, Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"}
	id, off, ok := strings.Cut(locator, "-")
	offset, err := strconv.Atoi(off)
	if !ok || err != nil || offset < 0 {
		writeErrors(w, invalid)
		return
	}
	s.mu.Lock()
	c := s.cursors[id]
	if c != nil {
		c.lastUsed = time.Now()
	}
	s.mu.Unlock()
	if c == nil || offset > c.rows.n {
		writeErrors(w, invalid)
		return
	}
	writeRaw(w, http.StatusOK, queryPage(c.rows, c.total, offset, c.batch, id, versionOf(r.Context())))
}
