package emulator

import (
	"net/http"
	"strings"
)

// handleBatch serves POST composite/batch: up to 25 independent
// subrequests; with haltOnError the ones after a failure get 412.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		HaltOnError   bool `json:"haltOnError"`
		BatchRequests []struct {
			Method    string `json:"method"`
			URL       string `json:"url"`
			RichInput any    `json:"richInput"`
		} `json:"batchRequests"`
	}
	if err := decodeSubrequests(r, &req, "batch", func() int { return len(req.BatchRequests) }); err != nil {
		writeErrors(w, err)
		return
	}
	type result struct {
		StatusCode int `json:"statusCode"`
		Result     any `json:"result"`
	}
	out := struct {
		HasErrors bool     `json:"hasErrors"`
		Results   []result `json:"results"`
	}{Results: []result{}}
	halted := false
	for _, br := range req.BatchRequests {
		if halted {
			out.Results = append(out.Results, result{StatusCode: http.StatusPreconditionFailed, Result: []*Error{{
				Status: http.StatusPreconditionFailed, Code: "BATCH_PROCESSING_HALTED", Message: "Batch processing halted per request"}}})
			continue
		}
		u := br.URL
		if !strings.HasPrefix(u, "/") {
			u = "/services/data/" + u // batch URLs are relative to /services/data/
		}
		resp := s.runSubrequest(r.Context(), r, subrequest{Method: br.Method, URL: u, Body: br.RichInput}, nil)
		out.Results = append(out.Results, result{StatusCode: resp.HTTPStatusCode, Result: resp.Body})
		if resp.HTTPStatusCode >= 400 {
			out.HasErrors = true
			halted = req.HaltOnError
		}
	}
	writeJSON(w, http.StatusOK, out)
}
