package ask

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// fakeModel is an OpenAI-compatible chat server that answers every
// request with reply (or fails with status).
func fakeModel(t *testing.T, reply string, status int, calls *atomic.Int32) *OpenAIModel {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) != 2 || !strings.Contains(req.Messages[0].Content, "Opportunity: ") {
			http.Error(w, "no schema", http.StatusBadRequest)
			return
		}
		if status != 0 {
			http.Error(w, "down", status)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]any{"role": "assistant", "content": reply}}}})
	}))
	t.Cleanup(srv.Close)
	return &OpenAIModel{URL: srv.URL + "/v1", Model: "m", APIKey: "k"}
}

func TestModelProposesSOQL(t *testing.T) {
	st, _ := syncedDemo(t)
	raw := newRawOrg(demo.Generate(demo.Config{Seed: demoSeed, Now: benchNow}), benchNow)
	leads := float64(len(raw.byObject["Lead"]))
	question := "tally up every lead please"

	cases := []struct {
		name, reply string
		status      int
		understood  bool
		value       *float64
	}{
		{name: "good aggregate", reply: "SELECT COUNT(Id) FROM Lead", understood: true, value: &leads},
		{name: "good in a code fence", reply: "```sql\nSELECT COUNT(Id) FROM Lead;\n```", understood: true, value: &leads},
		{name: "rows without a limit get one", reply: "SELECT Name, Company FROM Lead", understood: true},
		{name: "prose", reply: "Sure! Here is how you could count leads."},
		{name: "DML", reply: "DELETE FROM Lead"},
		{name: "two statements", reply: "SELECT Id FROM Lead; DELETE FROM Lead"},
		{name: "unknown field", reply: "SELECT Bacon__c FROM Lead"},
		{name: "unknown object", reply: "SELECT Id FROM Secret__c"},
		{name: "enormous limit", reply: "SELECT Id FROM Lead LIMIT 50000000"},
		{name: "for update", reply: "SELECT Id FROM Lead LIMIT 5 FOR UPDATE"},
		{name: "server down", status: http.StatusInternalServerError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			e, err := New(st, Options{Now: func() time.Time { return benchNow }, Model: fakeModel(t, c.reply, c.status, &calls)})
			if err != nil {
				t.Fatal(err)
			}
			a, err := e.Ask(context.Background(), question)
			if err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 1 {
				t.Errorf("model called %d times", calls.Load())
			}
			if a.Understood != c.understood {
				t.Fatalf("understood %v, want %v: %s", a.Understood, c.understood, a.Markdown)
			}
			switch {
			case c.value != nil && (a.Value == nil || *a.Value != *c.value):
				t.Errorf("value %v, want %v", a.Value, *c.value)
			case c.value == nil && a.Value != nil:
				t.Errorf("value %v, want none", *a.Value)
			}
			if a.Understood && (len(a.Rows) == 0 || len(a.Rows) > maxModelRows || len(a.SOQL) != 1) {
				t.Errorf("rows %d, soql %v", len(a.Rows), a.SOQL)
			}
			if !a.Understood && !strings.Contains(a.Markdown, "can't answer") {
				t.Errorf("markdown: %s", a.Markdown)
			}
		})
	}
	if n, _ := st.Count("Lead"); float64(n) != leads {
		t.Errorf("the cache lost leads: %d, want %v", n, leads)
	}

	// Questions the grammar answers never reach the model.
	var calls atomic.Int32
	e, _ := New(st, Options{Now: func() time.Time { return benchNow }, Model: fakeModel(t, "SELECT COUNT(Id) FROM Lead", 0, &calls)})
	if a, err := e.Ask(context.Background(), "pipeline by stage"); err != nil || !a.Understood || calls.Load() != 0 {
		t.Errorf("a grammar question went to the model (%d calls): %v", calls.Load(), err)
	}
}
