package ask

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// Model proposes one SOQL query for a question the grammar does not
// understand. It only proposes: the query is parsed and checked against the
// cached describe, run on the cache, and the answer is written from the
// rows by this package. A model never writes a number the user sees.
type Model interface {
	ProposeSOQL(ctx context.Context, question, schema string) (string, error)
}

// maxModelRows is the most rows a model's query may return.
const maxModelRows = 200

// OpenAIModel asks any OpenAI-compatible chat completions endpoint (a local
// Ollama or llama.cpp server, or a hosted one).
type OpenAIModel struct {
	// URL is the API base, e.g. "http://localhost:11434/v1".
	URL    string
	Model  string
	APIKey string // optional
	Client *http.Client
}

// ProposeSOQL implements Model.
func (m *OpenAIModel) ProposeSOQL(ctx context.Context, question, schema string) (string, error) {
	body, err := json.Marshal(map[string]any{
		"model":       m.Model,
		"temperature": 0,
		"messages": []map[string]string{
			{"role": "system", "content": "You translate a sales rep's question into ONE read-only Salesforce SOQL SELECT statement over these objects and fields. " +
				"Reply with the SOQL only, no prose, no code fence. Use a LIMIT of at most 200.\n\n" + schema},
			{"role": "user", "content": question},
		},
	})
	if err != nil {
		return "", fmt.Errorf("model request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(m.URL, "/")+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("model request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if m.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+m.APIKey)
	}
	c := m.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("model: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("model: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("model: HTTP %d", resp.StatusCode)
	}
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Choices) == 0 {
		return "", fmt.Errorf("model: unexpected response")
	}
	return out.Choices[0].Message.Content, nil
}

// schema describes the synced objects and their fields for a model.
func (e *Engine) schema() (string, error) {
	objects, err := e.st.Objects()
	if err != nil {
		return "", err
	}
	cat, err := e.st.Catalog()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, name := range objects {
		o, ok := cat.Object(name)
		if !ok {
			continue
		}
		fields := make([]string, 0, len(o.Fields))
		for _, f := range o.Fields {
			fields = append(fields, f.Name+" "+string(f.Type))
		}
		fmt.Fprintf(&b, "%s: %s\n", o.Name, strings.Join(fields, ", "))
	}
	return b.String(), nil
}

// checkModelSOQL parses and checks a model's query: one read-only SELECT
// (no FOR UPDATE), a bounded LIMIT, objects and fields that exist in the
// cache (checked by running it there). It returns the query to run.
func checkModelSOQL(text string) (string, error) {
	text = strings.TrimSpace(text)
	text = strings.TrimPrefix(strings.TrimPrefix(text, "```sql"), "```")
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "```"))
	text = strings.TrimSuffix(text, ";")
	if text == "" || strings.ContainsAny(text, ";\x00") {
		return "", fmt.Errorf("not a single statement")
	}
	q, err := soql.Parse(text)
	if err != nil {
		return "", fmt.Errorf("not valid SOQL: %w", err)
	}
	if len(q.For) > 0 {
		return "", fmt.Errorf("FOR %s is not read-only", strings.Join(q.For, ", "))
	}
	if q.Limit > maxModelRows {
		return "", fmt.Errorf("LIMIT %d is above %d", q.Limit, maxModelRows)
	}
	aggregate := len(q.GroupBy) > 0 || slices.ContainsFunc(q.Select, func(s soql.SelectItem) bool { return s.Func != "" })
	if q.Limit < 0 && !aggregate {
		text += fmt.Sprintf(" LIMIT %d", maxModelRows)
	}
	return text, nil
}

// askModel answers a question outside the grammar with a model's SOQL.
func (x *exec) askModel(q *question) (bool, error) {
	schema, err := x.e.schema()
	if err != nil {
		return false, err
	}
	proposed, err := x.e.model.ProposeSOQL(x.ctx, q.raw, schema)
	if err != nil {
		return false, nil // the model is optional: fall back to "can't answer"
	}
	text, err := checkModelSOQL(proposed)
	if err != nil {
		x.notUnderstood(q, "A model proposed a query I would not run ("+err.Error()+").")
		return true, nil
	}
	x.a.SOQL = append(x.a.SOQL, text)
	rows, err := x.e.run.Query(x.ctx, text)
	if err != nil {
		x.a.SOQL = nil
		x.notUnderstood(q, "A model proposed a query that does not fit the cached data.")
		return true, nil
	}
	if len(rows) > maxModelRows {
		rows = rows[:maxModelRows]
	}
	x.masked(rows)
	x.a.Understood = true
	x.a.Rows = rows
	x.md.WriteString("> This question is outside what I understand; a model proposed the SOQL below, which I checked and ran on the cache. Every value comes from the rows.\n\n")
	cols := modelColumns(rows)
	if len(rows) == 1 && len(cols) == 1 {
		if v, ok := num(rows[0], cols[0]); ok {
			x.a.Value = &v
		}
	}
	fmt.Fprintf(&x.md, "**%s**\n\n", count(len(rows), "row", "rows"))
	var trows [][]string
	for i, r := range rows {
		if i == 50 {
			break
		}
		cells := make([]string, len(cols))
		for j, c := range cols {
			cells[j] = str(r, c)
		}
		trows = append(trows, cells)
	}
	if len(cols) > 0 && len(trows) > 0 {
		table(&x.md, cols, trows)
	}
	x.a.Markdown = x.md.String()
	return true, nil
}

// modelColumns are the plain and one-level parent columns of rows.
func modelColumns(rows []rowLike) []string {
	var cols []string
	seen := map[string]bool{}
	for _, r := range rows {
		for i, k := range r.Keys {
			if k == "attributes" {
				continue
			}
			if sub, ok := r.Values[i].(*soql.Row); ok {
				for _, sk := range sub.Keys {
					if sk != "attributes" && !seen[k+"."+sk] {
						seen[k+"."+sk] = true
						cols = append(cols, k+"."+sk)
					}
				}
				continue
			}
			if _, ok := r.Values[i].(*soql.ChildSet); ok {
				continue
			}
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	return cols
}
