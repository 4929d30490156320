package emulator

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// ids returns the Ids of the records of a page, in order.
func pageIDs(p queryPageJSON) []string {
	out := make([]string, len(p.Records))
	for i, r := range p.Records {
		out[i], _ = r["Id"].(string)
	}
	return out
}

// scanned answers q by scanning every record (no index), as the emulator
// did before the SystemModstamp index: the reference the served answer
// must equal.
func scanned(t *testing.T, ts *TestServer, q string, all bool) []string {
	t.Helper()
	parsed, err := soql.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	res, err := soql.Execute(context.Background(), ts.queryEnv("62.0", all), parsed)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res.Records))
	for i, r := range res.Records {
		id, _ := r.Get("Id")
		out[i], _ = id.(string)
	}
	return out
}

func TestStampIndexAnswersAsAScan(t *testing.T) {
	now := testNow
	ts := startTest(t, func(o *Options) { o.Now = func() time.Time { return now } })
	since := func(d time.Duration) string { return now.Add(-d).UTC().Format("2006-01-02T15:04:05Z") }
	check := func(step string) {
		t.Helper()
		for _, q := range []string{
			"SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp DESC LIMIT 1",
			"SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp DESC LIMIT 3",
			"SELECT Id FROM Account WHERE SystemModstamp >= " + since(time.Minute) + " ORDER BY SystemModstamp ASC",
			"SELECT Id FROM Account WHERE SystemModstamp > " + since(90*24*time.Hour),
			"SELECT Id FROM Task WHERE SystemModstamp >= " + since(30*24*time.Hour) + " AND IsArchived = false ORDER BY SystemModstamp ASC",
			"SELECT Id, SystemModstamp FROM Task ORDER BY SystemModstamp DESC LIMIT 1",
		} {
			for _, all := range []bool{false, true} {
				resource := "/query?q="
				if all {
					resource = "/queryAll?q="
				}
				r := call(t, ts, "GET", v+resource+url.QueryEscape(q), nil, "Sforce-Query-Options", "batchSize=2000")
				if r.status != 200 {
					t.Fatalf("%s: %s: %d %s", step, q, r.status, r.body)
				}
				var p queryPageJSON
				r.json(t, &p)
				got, want := pageIDs(p), scanned(t, ts, q, all)
				if p.TotalSize != len(want) || len(got) > len(want) {
					t.Fatalf("%s: %s (all %v): %d records, want %d", step, q, all, p.TotalSize, len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s: %s (all %v): record %d is %s, want %s", step, q, all, i, got[i], want[i])
					}
				}
			}
		}
	}
	check("demo org")

	now = now.Add(time.Minute)
	r := call(t, ts, "POST", v+"/sobjects/Account", map[string]any{"Name": "Newest Co"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created struct{ ID string }
	r.json(t, &created)
	newest := query(t, ts, "SELECT Id FROM Account ORDER BY SystemModstamp DESC LIMIT 1")
	if ids := pageIDs(newest); len(ids) != 1 || ids[0] != created.ID {
		t.Fatalf("newest account %v, want the one just created %s", ids, created.ID)
	}
	check("after a create")

	// An older account updated now becomes the newest; the created one,
	// deleted, leaves query (not queryAll).
	old := pageIDs(query(t, ts, "SELECT Id FROM Account ORDER BY SystemModstamp ASC LIMIT 1"))[0]
	now = now.Add(time.Minute)
	if r := call(t, ts, "PATCH", v+"/sobjects/Account/"+old, map[string]any{"Phone": "555"}); r.status != 204 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	check("after an update")
	now = now.Add(time.Minute)
	if r := call(t, ts, "DELETE", v+"/sobjects/Account/"+created.ID, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	check("after a delete")
	now = now.Add(time.Minute)
	if r := call(t, ts, "PATCH", v+"/sobjects/Account/"+old, map[string]any{"Phone": "556"}); r.status != 204 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	newest = query(t, ts, "SELECT Id FROM Account ORDER BY SystemModstamp DESC LIMIT 1")
	if ids := pageIDs(newest); len(ids) != 1 || ids[0] != old {
		t.Fatalf("newest account %v, want the one just updated %s", ids, old)
	}
	check("after a second update")
}
