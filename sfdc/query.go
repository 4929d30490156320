package sfdc

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Query is a SOQL query to run.
type Query struct {
	SOQL string
	// All uses queryAll, which includes deleted and archived records.
	All bool
	// BatchSize asks for pages of this many records (200–2000; Salesforce
	// treats it as a hint). 0 leaves the server default (2000).
	BatchSize int
}

// QueryPage is one page of a query result with the records kept as raw
// JSON, exactly as Salesforce sent them.
type QueryPage struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl,omitempty"`
	Records        []json.RawMessage `json:"records"`

	// buf is the response body Records alias, from pool (QueryPages and
	// NextPage read pages into recycled buffers); nil when there is
	// nothing to give back.
	buf  *[]byte
	pool *bodyPool
	// spans is where the members of each record are (Members); nil when
	// the page was decoded by encoding/json. From spanPool when pool is
	// set.
	spans    *recordSpans
	spanPool *spanPool
}

// Members returns where the top-level members of Records[i] are, as the
// page's split found them while validating it, so that a caller reading
// most members of every record need not scan it again. ok is false when
// the split did not note them (then scan Records[i]): for a page decoded
// by encoding/json (see DecodeQueryPage), a record that is not an object,
// one with a key holding escapes, one longer than 64 KiB, and after
// Release.
func (p *QueryPage) Members(i int) (m Members, ok bool) {
	if p.spans == nil || i < 0 || i >= len(p.Records) {
		return Members{}, false
	}
	from, to := p.spans.bounds[i]&^noMembers, p.spans.bounds[i+1]
	if to&noMembers != 0 {
		return Members{}, false
	}
	return Members{rec: p.Records[i], spans: p.spans.members[from:to]}, true
}

// Members are the top-level members of a JSON object, a record of a
// QueryPage, in their order in it (a repeated key is there each time).
// Like the record, they are valid until the page's Release.
type Members struct {
	rec   []byte
	spans []memberSpan
}

// Len is the number of members.
func (m Members) Len() int { return len(m.spans) }

// At returns member j: its key, without the quotes (a key with escapes has
// no Members), and its value as raw JSON, both slices of the record.
func (m Members) At(j int) (key, val []byte) {
	sp := m.spans[j]
	return m.rec[sp.key:sp.keyEnd], m.rec[sp.val:sp.valEnd]
}

// memberSpan is where a member of a record is: its key's text
// rec[key:keyEnd] and its value rec[val:valEnd].
type memberSpan struct {
	key, keyEnd, val, valEnd uint16
}

// maxSpanRecord is the longest record memberSpan's offsets reach.
const maxSpanRecord = 1<<16 - 1

// recordSpans are the members of a page's records: record i's are
// members[bounds[i]&^noMembers : bounds[i+1]], unless bounds[i+1] has
// noMembers set, when it has none noted.
type recordSpans struct {
	members []memberSpan
	bounds  []uint32
}

// noMembers marks, in recordSpans.bounds, a record without members noted.
const noMembers = 1 << 31

// reset empties sp for another page.
func (sp *recordSpans) reset() {
	sp.members = sp.members[:0]
	sp.bounds = append(sp.bounds[:0], 0)
}

// skip notes the next record without members.
func (sp *recordSpans) skip() {
	sp.bounds = append(sp.bounds, uint32(len(sp.members))|noMembers)
}

// spanPool recycles the recordSpans of query pages with their bodies
// (QueryPage.Release): a page's are a fifth to a quarter of its body's size.
type spanPool struct{ pool sync.Pool }

// get returns a recordSpans, empty.
func (p *spanPool) get() *recordSpans {
	if sp, _ := p.pool.Get().(*recordSpans); sp != nil {
		return sp
	}
	return &recordSpans{}
}

// put gives sp back for another page.
func (p *spanPool) put(sp *recordSpans) { p.pool.Put(sp) }

// Release gives the memory the page's records were read into back to the
// Client that read it, for a later page. Neither the page's Records nor
// any slice of them may be used afterwards: their bytes will be
// overwritten by another page (so a caller that keeps parts of a record
// beyond Release must copy them). Records is set to nil. Release is
// optional (a page never released is garbage-collected as usual), safe to
// call twice, and does nothing for a page not read by QueryPages or
// NextPage. It must not run concurrently with another use of the page.
func (p *QueryPage) Release() {
	if p == nil || p.buf == nil {
		return
	}
	p.pool.put(p.buf)
	if p.spans != nil && p.spanPool != nil {
		p.spanPool.put(p.spans)
	}
	p.buf, p.pool, p.Records, p.spans, p.spanPool = nil, nil, nil, nil, nil
}

// QueryPages runs q and yields every page, following nextRecordsUrl until
// done. Iteration stops after the first error (yielded with a nil page).
// This is the fast path: records are not decoded.
func (c *Client) QueryPages(ctx context.Context, q Query) iter.Seq2[*QueryPage, error] {
	return func(yield func(*QueryPage, error) bool) {
		resource := "query"
		if q.All {
			resource = "queryAll"
		}
		page, err := c.queryPage(ctx, c.DataPath(resource), url.Values{"q": {q.SOQL}}, q.BatchSize)
		for {
			if err != nil {
				yield(nil, fmt.Errorf("query %q: %w", abbreviate(q.SOQL), err))
				return
			}
			if !yield(page, nil) {
				return
			}
			if page.Done || page.NextRecordsURL == "" {
				return
			}
			page, err = c.NextPage(ctx, page.NextRecordsURL, q.BatchSize)
		}
	}
}

// NextPage fetches the page at a nextRecordsUrl (a path such as
// "/services/data/v62.0/query/01g…-2000"); useful to resume paging.
func (c *Client) NextPage(ctx context.Context, nextRecordsURL string, batchSize int) (*QueryPage, error) {
	if !strings.HasPrefix(nextRecordsURL, "/services/data/") {
		return nil, fmt.Errorf("next page: unexpected nextRecordsUrl %q", nextRecordsURL)
	}
	return c.queryPage(ctx, nextRecordsURL, nil, batchSize)
}

func (c *Client) queryPage(ctx context.Context, path string, query url.Values, batchSize int) (*QueryPage, error) {
	var h http.Header
	if batchSize > 0 {
		h = http.Header{"Sforce-Query-Options": {"batchSize=" + strconv.Itoa(batchSize)}}
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: path, query: query, header: h, pooled: true})
	if err != nil {
		return nil, err
	}
	sp := c.spans.get()
	page, err := decodePageSpans(resp, sp)
	if err != nil || page.buf == nil {
		// Nothing aliases the buffer (or there is no page): reuse it now.
		if resp.buf != nil {
			c.bodies.put(resp.buf)
		}
		if page == nil || page.spans == nil {
			c.spans.put(sp)
		}
		return page, err
	}
	page.pool = &c.bodies
	if page.spans != nil {
		page.spanPool = &c.spans
	} else {
		c.spans.put(sp)
	}
	return page, nil
}

// decodePage decodes a query page. The records alias resp.body, which is
// not used again: the page holds its buffer (resp.buf) for Release.
func decodePage(resp *response) (*QueryPage, error) { return decodePageSpans(resp, nil) }

// decodePageSpans is decodePage noting the records' members in sp (nil:
// new memory).
func decodePageSpans(resp *response, sp *recordSpans) (*QueryPage, error) {
	if p, ok := splitPageSpans(resp.body, sp); ok {
		p.buf = resp.buf
		return &p, nil
	}
	// encoding/json copies each json.RawMessage: the page aliases nothing.
	var p QueryPage
	if err := decodeJSON(resp, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// DecodeQueryPage decodes a query response body, such as a composite
// subresponse's Body, into a page. Like QueryPages it keeps each record's
// raw bytes (aliasing b) and takes a single validating pass when it can.
func DecodeQueryPage(b []byte) (*QueryPage, error) {
	if p, ok := splitPage(b); ok {
		return &p, nil
	}
	var p QueryPage
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode query page: %w", err)
	}
	return &p, nil
}

// QueryRecords runs q and yields every record decoded, across all pages.
// Child subquery results that are themselves paged are completed by
// following their nextRecordsUrl.
func (c *Client) QueryRecords(ctx context.Context, q Query) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		for page, err := range c.QueryPages(ctx, q) {
			if err != nil {
				yield(nil, err)
				return
			}
			for _, raw := range page.Records {
				rec, err := DecodeRecord(raw)
				if err == nil {
					err = c.completeChildren(ctx, rec, q.BatchSize)
				}
				if err != nil {
					yield(nil, fmt.Errorf("query %q: %w", abbreviate(q.SOQL), err))
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
		}
	}
}

// Query runs soql and returns all records of all pages.
func (c *Client) Query(ctx context.Context, soql string) (*QueryResult, error) {
	return c.collect(ctx, Query{SOQL: soql})
}

// QueryAll is Query including deleted and archived records.
func (c *Client) QueryAll(ctx context.Context, soql string) (*QueryResult, error) {
	return c.collect(ctx, Query{SOQL: soql, All: true})
}

func (c *Client) collect(ctx context.Context, q Query) (*QueryResult, error) {
	res := &QueryResult{Done: true}
	first := true
	for page, err := range c.QueryPages(ctx, q) {
		if err != nil {
			return nil, err
		}
		if first {
			res.TotalSize, first = page.TotalSize, false
		}
		for _, raw := range page.Records {
			rec, err := DecodeRecord(raw)
			if err == nil {
				err = c.completeChildren(ctx, rec, q.BatchSize)
			}
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", abbreviate(q.SOQL), err)
			}
			res.Records = append(res.Records, rec)
		}
	}
	return res, nil
}

// completeChildren follows nextRecordsUrl of rec's child result sets (and
// of their records, recursively) until each is complete.
func (c *Client) completeChildren(ctx context.Context, rec *Record, batchSize int) error {
	for _, name := range rec.names {
		switch v := rec.values[name].(type) {
		case *QueryResult:
			for !v.Done && v.NextRecordsURL != "" {
				page, err := c.NextPage(ctx, v.NextRecordsURL, batchSize)
				if err != nil {
					return fmt.Errorf("child relationship %s: %w", name, err)
				}
				for _, raw := range page.Records {
					child, err := DecodeRecord(raw)
					if err != nil {
						return fmt.Errorf("child relationship %s: %w", name, err)
					}
					v.Records = append(v.Records, child)
				}
				v.Done, v.NextRecordsURL = page.Done, page.NextRecordsURL
			}
			for _, child := range v.Records {
				if err := c.completeChildren(ctx, child, batchSize); err != nil {
					return err
				}
			}
		case *Record:
			if err := c.completeChildren(ctx, v, batchSize); err != nil {
				return err
			}
		}
	}
	return nil
}

func abbreviate(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
