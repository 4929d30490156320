package sfdc

import (
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// pagedServer serves a query of n pages; page i (from 0) holds one record
// whose Name is i's digits repeated to about size(i) bytes. chunked sends
// the body without a Content-Length. The bodies are built beforehand, so
// that serving allocates little.
func pagedServer(t *testing.T, n int, size func(i int) int, chunked bool) *Client {
	t.Helper()
	bodies := make([][]byte, n)
	for i := range bodies {
		next := `"done":true`
		if i+1 < n {
			next = fmt.Sprintf(`"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gPAGES-%d"`, i+1)
		}
		bodies[i] = fmt.Appendf(nil, `{"totalSize":%d,%s,"records":[%s]}`, n, next, pageRecord(i, size(i)))
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := 0
		if rest, ok := strings.CutPrefix(r.URL.Path, "/services/data/v62.0/query/01gPAGES-"); ok {
			i, _ = strconv.Atoi(rest)
		}
		body := bodies[i]
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Sforce-Limit-Info", "api-usage=1/100000")
		if chunked {
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			w.Write(body[len(body)/2:])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	c, _ := newTestClient(t, h)
	return c
}

// pageRecord is the record of page i: its Name is i's digits repeated to
// about size bytes.
func pageRecord(i, size int) string {
	d := strconv.Itoa(i)
	return `{"attributes":{"type":"Account"},"Id":"001000000000001AAA","Name":"` + strings.Repeat(d, max(1, size/len(d))) + `"}`
}

// pageRecords are the records of the n pages of pagedServer.
func pageRecords(n int, size func(int) int) []string {
	want := make([]string, n)
	for i := range want {
		want[i] = pageRecord(i, size(i))
	}
	return want
}

// readPages reads every page of the paged query and checks each one's
// record (want) before the next page is read; release gives each page
// back first.
func readPages(t *testing.T, c *Client, want []string, release bool) {
	t.Helper()
	n := len(want)
	i := 0
	for page, err := range c.QueryPages(ctx, Query{SOQL: "SELECT Id, Name FROM Account"}) {
		if err != nil {
			t.Fatal(err)
		}
		if i >= n || len(page.Records) != 1 || string(page.Records[0]) != want[i] {
			t.Fatalf("page %d is not the one served", i)
		}
		if release {
			page.Release()
			if page.Records != nil {
				t.Fatalf("page %d: Records still set after Release", i)
			}
			page.Release() // a second Release does nothing
		}
		i++
	}
	if i != n {
		t.Fatalf("read %d pages, want %d", i, n)
	}
}

func TestReleasedPagesAreReadAgainCorrectly(t *testing.T) {
	// Pages of changing sizes, so that a recycled buffer is sometimes too
	// small and sometimes larger than the next body; with and without a
	// Content-Length.
	sizes := func(i int) int { return []int{1000, 200000, 5000, 900000, 300, 1200000, 64 << 10}[i%7] }
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			c := pagedServer(t, 21, sizes, chunked)
			readPages(t, c, pageRecords(21, sizes), true)
		})
	}
}

func TestReleasedPagesSaveAllocations(t *testing.T) {
	const n = 30
	size := func(int) int { return 1 << 20 }
	c := pagedServer(t, n, size, false)
	want := pageRecords(n, size)
	allocated := func(release bool) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		readPages(t, c, want, release)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	kept := allocated(false)
	released := allocated(true)
	if kept < n<<20 {
		t.Fatalf("reading %d pages of 1 MiB allocated %d bytes: less than their bodies", n, kept)
	}
	// Pages read into buffers released pages gave back: a few buffers in
	// all, not one per page. (The pool may drop some: the race detector
	// makes it drop a quarter on purpose.)
	if kept < released || kept-released < n/3<<20 {
		t.Errorf("reading %d pages of 1 MiB allocated %d bytes when released, %d when kept", n, released, kept)
	}
}

func TestReleaseOfAPageWithNothingToGiveBack(t *testing.T) {
	p, err := DecodeQueryPage([]byte(`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Id":"001000000000001AAA"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p.Release()
	if len(p.Records) != 1 || !strings.Contains(string(p.Records[0]), "001000000000001AAA") {
		t.Errorf("Release changed a decoded page: %+v", p)
	}
	var nilPage *QueryPage
	nilPage.Release()
}
