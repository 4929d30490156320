package emulator

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc"
)

// recordPageTmpl is the small, read-only stand-in for a Lightning record
// page. html/template escapes every value from the org.
var recordPageTmpl = template.Must(template.New("record").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Title}} | {{.Label}} | lazyforce demo org</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#181818;background:#f3f3f3}
main{max-width:48rem;background:#fff;border-radius:.5rem;padding:1.5rem;box-shadow:0 1px 3px #0002}
h1{margin:.2rem 0 1rem;font-size:1.5rem}.label{color:#706e6b;font-size:.8rem;text-transform:uppercase}
dl{display:grid;grid-template-columns:14rem 1fr;gap:.4rem 1rem;margin:0}dt{color:#706e6b}dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:1rem;color:#706e6b;font-size:.8rem}
</style></head>
<body><main>
<div class="label">{{.Label}}</div>
<h1>{{.Title}}</h1>
<dl>{{range .Fields}}<dt>{{.Label}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
<footer>lazyforce emulator: a read-only record page. Edit records with lazyforce.</footer>
</main></body></html>
`))

// recordPageField is one label and value of a record page.
type recordPageField struct{ Label, Value string }

// handleRecordPage serves GET /lightning/r/TYPE/ID/view: a read-only HTML
// page of the record, so that "open in browser" lands somewhere in the
// demo. Like the frontdoor page it needs no session: the emulator serves
// made-up data on loopback. Empty fields and system fields are left out.
func (s *Server) handleRecordPage(w http.ResponseWriter, r *http.Request) {
	segs := splitPath(strings.TrimPrefix(r.URL.Path, "/lightning/r/"))
	if len(segs) != 3 || segs[2] != "view" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	def, ok := s.schema.Lookup(segs[0])
	id, err := sfdc.ParseID(segs[1])
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	obj, rec, found := s.org.Get(string(id))
	if deleted, _ := rec["IsDeleted"].(bool); !found || deleted || !strings.EqualFold(obj, def.Name) {
		http.NotFound(w, r)
		return
	}
	page := struct {
		Label, Title string
		Fields       []recordPageField
	}{Label: def.Label, Title: string(id)}
	if name, ok := rec["Name"].(string); ok && name != "" {
		page.Title = name
	} else if subj, ok := rec["Subject"].(string); ok && subj != "" {
		page.Title = subj
	}
	for _, f := range def.Fields {
		v, ok := rec[f.Name]
		if !ok || v == nil || recordPageHidden[f.Name] {
			continue
		}
		text := fmt.Sprint(v)
		if text == "" {
			continue
		}
		page.Fields = append(page.Fields, recordPageField{Label: f.Label, Value: text})
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if err := recordPageTmpl.Execute(w, page); err != nil && s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "record page %s: %v\n", id, err)
	}
}

// recordPageHidden are system fields a record page does not show.
var recordPageHidden = map[string]bool{
	"IsDeleted": true, "SystemModstamp": true, "attributes": true,
}
