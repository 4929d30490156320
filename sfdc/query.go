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
}

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
	p.buf, p.pool, p.Records = nil, nil, nil
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
	page, err := decodePage(resp)
	if err != nil || page.buf == nil {
		// Nothing aliases the buffer (or there is no page): reuse it now.
		if resp.buf != nil {
			c.bodies.put(resp.buf)
		}
		return page, err
	}
	page.pool = &c.bodies
	return page, nil
}

// decodePage decodes a query page. The records alias resp.body, which is
// not used again: the page holds its buffer (resp.buf) for Release.
func decodePage(resp *response) (*QueryPage, error) {
	if p, ok := splitPage(resp.body); ok {
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
