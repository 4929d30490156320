package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestRecordPage: /lightning/r/TYPE/ID/view serves a read-only HTML page
// of the record, with the org's text escaped and a strict CSP; anything
// else under /lightning is a 404.
func TestRecordPage(t *testing.T) {
	ts := startTest(t, nil)
	r := call(t, ts, "POST", v+"/sobjects/Account", map[string]any{"Name": `<script>alert("x")</script> & Co`, "BillingCity": "Zürich"})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created struct{ ID string }
	r.json(t, &created)

	page := callWith(t, ts, "", "GET", "/lightning/r/Account/"+created.ID+"/view", nil)
	body := string(page.body)
	if page.status != http.StatusOK || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
		t.Fatalf("record page: %d %s %s", page.status, page.header.Get("Content-Type"), body)
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "Zürich") {
		t.Errorf("record page does not show the escaped record:\n%s", body)
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for _, path := range []string{
		"/lightning/r/Opportunity/" + created.ID + "/view", // wrong type
		"/lightning/r/Account/001000000000000AAA/view",     // no such record
		"/lightning/r/Account/" + created.ID + "/edit",
		"/lightning/r/Nope/" + created.ID + "/view",
	} {
		if r := callWith(t, ts, "", "GET", path, nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.status)
		}
	}
}
