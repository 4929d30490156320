package emulator

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Faults are injected failures. The zero value injects nothing.
//
// Rate and Times select which requests are hit: Rate is the fraction of
// requests (0 means all of them) and Times, when positive, disarms all
// faults after that many requests were actually hit ("fail the next N
// requests"). Outage ignores both. Faults never touch /__emulator/.
type Faults struct {
	// Latency delays every selected request.
	Latency time.Duration
	// Status5xx answers selected requests with this status (500-599) and a
	// Salesforce error body.
	Status5xx int
	// Rate is the probability that a request is selected; 0 means always.
	Rate float64
	// Times disarms the faults after this many hit requests; 0 means never.
	Times int
	// Match, if set, limits the faults (Outage included) to requests whose
	// path and query contain it, e.g. "/query/" for continuation pages.
	Match string
	// Skip lets this many otherwise selected requests through before the
	// faults start, e.g. to fail the third page of a query.
	Skip int
	// RequestLimitExceeded answers selected data requests with 403
	// REQUEST_LIMIT_EXCEEDED.
	RequestLimitExceeded bool
	// RowLock answers selected writes (non-GET data requests) with 400
	// UNABLE_TO_LOCK_ROW; in a /composite call, each write subrequest
	// fails so (the call itself answers 200), as Salesforce reports it.
	RowLock bool
	// ExpireSessions invalidates every access token once, when the faults
	// are set (refresh tokens keep working).
	ExpireSessions bool
	// TruncateBodies sends only the first half of selected responses, then
	// closes the connection.
	TruncateBodies bool
	// DropConnections closes selected connections without a response.
	DropConnections bool
	// Outage makes every request fail as an unreachable org would: the
	// connection is closed without a response.
	Outage bool
}

func (f Faults) active() bool {
	return f.Latency > 0 || f.Status5xx != 0 || f.RequestLimitExceeded || f.RowLock || f.TruncateBodies ||
		f.DropConnections || f.Outage
}

// faultState is the armed faults and how many hits remain.
type faultState struct {
	f         Faults
	remaining int
	skip      int
}

// SetFaults replaces the injected faults; SetFaults(Faults{}) clears them.
func (s *Server) SetFaults(f Faults) {
	if f.ExpireSessions {
		s.ExpireSessions()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faultState{f: f, remaining: f.Times, skip: f.Skip}
}

// Faults returns the injected faults still armed.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults.f
	if f.Times > 0 {
		f.Times = s.faults.remaining
	}
	f.Skip = s.faults.skip
	return f
}

// requestFaults is the fault selection for one request.
type requestFaults struct {
	s        *Server
	f        Faults
	consumed bool
}

// fire reports whether fault is selected for this request and, the first
// time one fires, counts the hit against Times.
func (rf *requestFaults) fire(selected bool) bool {
	if !selected {
		return false
	}
	if !rf.consumed {
		rf.consumed = true
		rf.s.mu.Lock()
		if rf.s.faults.f.Times > 0 {
			rf.s.faults.remaining--
			if rf.s.faults.remaining <= 0 {
				rf.s.faults = faultState{}
			}
		}
		rf.s.mu.Unlock()
	}
	return true
}

// selectFaults decides which faults apply to one request.
func (s *Server) selectFaults(r *http.Request) *requestFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults.f
	rf := &requestFaults{s: s}
	if !f.active() || (f.Match != "" && !strings.Contains(r.URL.RequestURI(), f.Match)) {
		return rf
	}
	if f.Outage {
		rf.f.Outage = true
		return rf
	}
	if f.Rate > 0 && f.Rate < 1 && s.rng.Float64() >= f.Rate {
		return rf
	}
	if s.faults.skip > 0 {
		s.faults.skip--
		return rf
	}
	rf.f = f
	return rf
}

type ctxFaultsKey struct{}

func faultsOf(ctx context.Context) *requestFaults {
	rf, _ := ctx.Value(ctxFaultsKey{}).(*requestFaults)
	if rf == nil {
		return &requestFaults{}
	}
	return rf
}

// takeFault reports whether the request's selected faults include one
// matching pick, consuming a hit if so.
func (s *Server) takeFault(r *http.Request, pick func(*Faults) bool) bool {
	rf := faultsOf(r.Context())
	if rf.s == nil {
		return false
	}
	return rf.fire(pick(&rf.f))
}

// applyTransportFaults applies the faults that act on the connection. It
// returns the writer to use and the request carrying its fault selection,
// or ok=false when the request was already answered or dropped.
func (s *Server) applyTransportFaults(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, bool) {
	rf := s.selectFaults(r)
	r = r.WithContext(context.WithValue(r.Context(), ctxFaultsKey{}, rf))
	if rf.f.Outage || rf.fire(rf.f.DropConnections) {
		dropConnection(w)
		return w, r, false
	}
	if rf.fire(rf.f.Latency > 0) {
		select {
		case <-time.After(rf.f.Latency):
		case <-r.Context().Done():
			return w, r, false
		}
	}
	if rf.fire(rf.f.Status5xx >= 500 && rf.f.Status5xx <= 599) {
		code, msg := "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1337042-1337 (-1337)"
		if rf.f.Status5xx == http.StatusServiceUnavailable {
			code, msg = "SERVER_UNAVAILABLE", "Server temporarily unavailable; please retry later"
		}
		writeErrors(w, &Error{Status: rf.f.Status5xx, Code: code, Message: msg})
		return w, r, false
	}
	if rf.fire(rf.f.TruncateBodies) {
		return &truncatingWriter{ResponseWriter: w, header: http.Header{}}, r, true
	}
	return w, r, true
}

// dropConnection closes the client connection without a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// truncatingWriter buffers a response and sends only its first half,
// announcing the full length, then aborts the connection.
type truncatingWriter struct {
	http.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

func (t *truncatingWriter) Header() http.Header { return t.header }

func (t *truncatingWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
}

func (t *truncatingWriter) Write(p []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	return t.body.Write(p)
}

// finish sends the truncated response and aborts the connection.
func (t *truncatingWriter) finish() {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	for k, v := range t.header {
		t.ResponseWriter.Header()[k] = v
	}
	full := t.body.Bytes()
	t.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(full)))
	t.ResponseWriter.WriteHeader(t.status)
	_, _ = t.ResponseWriter.Write(full[:len(full)/2])
	_ = http.NewResponseController(t.ResponseWriter).Flush()
	panic(http.ErrAbortHandler)
}

// faultsJSON is the admin endpoint's body.
type faultsJSON struct {
	LatencyMS            int     `json:"latency_ms,omitempty"`
	Status5xx            int     `json:"status_5xx,omitempty"`
	Rate                 float64 `json:"rate,omitempty"`
	Times                int     `json:"times,omitempty"`
	Match                string  `json:"match,omitempty"`
	Skip                 int     `json:"skip,omitempty"`
	RequestLimitExceeded bool    `json:"request_limit_exceeded,omitempty"`
	RowLock              bool    `json:"row_lock,omitempty"`
	ExpireSessions       bool    `json:"expire_sessions,omitempty"`
	TruncateBodies       bool    `json:"truncate_bodies,omitempty"`
	DropConnections      bool    `json:"drop_connections,omitempty"`
	Outage               bool    `json:"outage"`
}

// serveAdmin serves the /__emulator/ endpoints, guarded by the admin token:
//
//	POST /__emulator/faults   body faultsJSON: replaces the faults ({} clears)
//	GET  /__emulator/faults   the armed faults
//	GET  /__emulator/stats    {"api_calls": N}
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(s.adminToken)) != 1 {
		writeErrors(w, errInvalidSession())
		return
	}
	switch r.URL.Path {
	case "/__emulator/faults":
		switch r.Method {
		case http.MethodPost, http.MethodPut:
			var in faultsJSON
			dec := json.NewDecoder(r.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				writeErrors(w, errJSON(fmt.Sprintf("bad faults body: %v", err)))
				return
			}
			s.SetFaults(Faults{Latency: time.Duration(in.LatencyMS) * time.Millisecond, Status5xx: in.Status5xx,
				Rate: in.Rate, Times: in.Times, Match: in.Match, Skip: in.Skip, RequestLimitExceeded: in.RequestLimitExceeded, RowLock: in.RowLock,
				ExpireSessions: in.ExpireSessions, TruncateBodies: in.TruncateBodies,
				DropConnections: in.DropConnections, Outage: in.Outage})
			fallthrough
		case http.MethodGet:
			f := s.Faults()
			writeJSON(w, http.StatusOK, faultsJSON{LatencyMS: int(f.Latency / time.Millisecond), Status5xx: f.Status5xx,
				Rate: f.Rate, Times: f.Times, Match: f.Match, Skip: f.Skip, RequestLimitExceeded: f.RequestLimitExceeded, RowLock: f.RowLock,
				TruncateBodies: f.TruncateBodies, DropConnections: f.DropConnections, Outage: f.Outage})
		default:
			writeErrors(w, errMethodNotAllowed(r.Method, "GET", "POST"))
		}
	case "/__emulator/stats":
		writeJSON(w, http.StatusOK, map[string]int{"api_calls": s.APICalls()})
	default:
		writeErrors(w, errNotFound())
	}
}
