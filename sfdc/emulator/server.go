package emulator

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lazyforce/lazyforce/sfdc/emulator/demo"
)

// Options configure a Server. The zero value is a scale-1 demo org with seed
// 0 on the real clock.
type Options struct {
	Seed  int64
	Scale int // multiplies the demo org's size; values below 1 mean 1
	// Empty generates only the org's setup data (organization, profiles,
	// users, record types, opportunity stages) and no business records.
	Empty bool
	// Now is the clock ("today" for the demo data, timestamps of writes);
	// nil means time.Now.
	Now func() time.Time
	// APIVersion is the newest API version served, like "66.0" (the default).
	// Every version from v20.0 up to it is accepted.
	APIVersion string
	// DailyAPILimit is DailyApiRequests.Max (default 100000, an Enterprise
	// Edition org's order of magnitude).
	DailyAPILimit int
	// AccessToken, RefreshToken and AdminToken fix the initial tokens;
	// empty means random.
	AccessToken, RefreshToken, AdminToken string
	// DevicePendingPolls is how many device-flow polls answer
	// authorization_pending before the emulator approves the device.
	DevicePendingPolls int
	// DeviceInterval is the polling interval (seconds) the device flow
	// announces; 0 means 5 as Salesforce does.
	DeviceInterval int
	// DeviceManualApproval keeps every device code pending until a test
	// calls ApproveDevice or DenyDevice (DevicePendingPolls is then unused).
	DeviceManualApproval bool
	// DeviceEnforceInterval answers slow_down to a device-flow poll that
	// comes sooner than the announced interval after the previous one (on
	// the Now clock).
	DeviceEnforceInterval bool
	// DenyAuthorize makes the authorize page act as a user who clicks
	// Deny: it redirects back with error=access_denied.
	DenyAuthorize bool
	// SessionTimeout, if positive, expires access tokens that long (on the
	// Now clock) after they were issued, like an org's session timeout;
	// clients then get 401 INVALID_SESSION_ID and must refresh.
	SessionTimeout time.Duration
	// Log, if set, receives one line per request.
	Log io.Writer
}

// Server is an emulated Salesforce org. All methods are safe for concurrent use.
type Server struct {
	opts    Options
	now     func() time.Time
	schema  *Schema
	org     *org
	newest  int
	handler http.Handler
	started time.Time // when the org (and its schema) came to be

	orgID, meID, username string
	adminToken            string
	accessToken           string
	refreshToken          string

	mu       sync.Mutex
	sessions map[string]*session // access token -> session
	grants   map[string]*grant   // refresh token -> grant
	codes    map[string]*authCode
	devices  map[string]*deviceGrant
	cursors  map[string]*cursor
	curOrder []string
	// Bulk API 2.0 query jobs, oldest first.
	bulkJobs  map[string]*bulkJob
	bulkOrder []string
	querySeq  uint64
	apiUsed   int
	faults    faultState
	rng       *rand.Rand
}

// oldestVersion is the oldest API version the emulator accepts.
const oldestVersion = 20

// New builds a server with a generated org.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.APIVersion == "" {
		opts.APIVersion = "66.0"
	}
	if opts.DailyAPILimit <= 0 {
		opts.DailyAPILimit = 100000
	}
	newest, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(opts.APIVersion, "v"), ".0"))
	if err != nil || newest < oldestVersion {
		newest = 66
	}
	s := &Server{
		opts:     opts,
		now:      opts.Now,
		schema:   newSchema(standardObjects()),
		newest:   newest,
		sessions: map[string]*session{},
		grants:   map[string]*grant{},
		codes:    map[string]*authCode{},
		devices:  map[string]*deviceGrant{},
		cursors:  map[string]*cursor{},
		bulkJobs: map[string]*bulkJob{},
		rng:      rand.New(rand.NewPCG(uint64(opts.Seed), 42)),
	}
	s.org = newOrg(s.schema)
	s.started = opts.Now()
	data := s.org.loadDemo(demo.Config{Seed: opts.Seed, Scale: opts.Scale, Now: opts.Now(), SetupOnly: opts.Empty})
	s.orgID, s.meID, s.username = data.OrgID, data.MeID, data.MeUsername
	s.adminToken = opts.AdminToken
	if s.adminToken == "" {
		s.adminToken = randomString(40)
	}
	g := s.newGrant("api refresh_token web", opts.RefreshToken)
	s.refreshToken = g.refreshToken
	s.accessToken = s.newSession(g, opts.AccessToken).token
	s.handler = s.routes()
	return s
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// AccessToken is a valid access token for the logged-in rep, issued at start.
func (s *Server) AccessToken() string { return s.accessToken }

// RefreshToken is the refresh token behind AccessToken.
func (s *Server) RefreshToken() string { return s.refreshToken }

// AdminToken guards the /__emulator/ endpoints.
func (s *Server) AdminToken() string { return s.adminToken }

// Username is the logged-in rep's username.
func (s *Server) Username() string { return s.username }

// UserID is the logged-in rep's 18-character User id.
func (s *Server) UserID() string { return s.meID }

// OrgID is the org's 18-character Organization id.
func (s *Server) OrgID() string { return s.orgID }

// APIVersion is the newest API version served, like "66.0".
func (s *Server) APIVersion() string { return fmt.Sprintf("%d.0", s.newest) }

// APICalls returns the number of API requests counted against the daily limit.
func (s *Server) APICalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiUsed
}

// ResetAPICalls sets the API usage counter back to zero.
func (s *Server) ResetAPICalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiUsed = 0
}

type ctxKey int

const (
	ctxSession ctxKey = iota
	ctxVersion
	ctxTxn
)

func sessionOf(ctx context.Context) *session {
	se, _ := ctx.Value(ctxSession).(*session)
	return se
}

func versionOf(ctx context.Context) string {
	v, _ := ctx.Value(ctxVersion).(string)
	return v
}

// writerFor returns the write context of a request.
func (s *Server) writerFor(ctx context.Context) writer {
	w := writer{now: s.now(), user: s.meID}
	if se := sessionOf(ctx); se != nil {
		w.user = se.userID
	}
	w.tx, _ = ctx.Value(ctxTxn).(*txn)
	return w
}

// routes builds the top-level handler.
func (s *Server) routes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r.URL.Path = cleanPath(r.URL.Path)
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		s.serve(rec, r)
		if s.opts.Log != nil {
			fmt.Fprintf(s.opts.Log, "%s %s %s %d %s\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.RequestURI(), rec.status, time.Since(start).Round(time.Microsecond))
		}
	})
}

// cleanPath collapses repeated slashes (the Salesforce CLI sends //services/...).
func cleanPath(p string) string {
	if !strings.Contains(p, "//") {
		return p
	}
	var b strings.Builder
	prevSlash := false
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			if prevSlash {
				continue
			}
			prevSlash = true
		} else {
			prevSlash = false
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.HasPrefix(p, "/__emulator/") {
		s.serveAdmin(w, r)
		return
	}
	w, r, ok := s.applyTransportFaults(w, r)
	if !ok {
		return
	}
	if tw, isTrunc := w.(*truncatingWriter); isTrunc {
		defer tw.finish()
	}
	switch {
	case p == "/services/oauth2/token":
		s.handleToken(w, r)
	case p == "/services/oauth2/authorize":
		s.handleAuthorize(w, r)
	case p == "/services/oauth2/revoke":
		s.handleRevoke(w, r)
	case p == "/services/oauth2/userinfo":
		s.handleUserinfo(w, r)
	case p == "/services/oauth2/singleaccess":
		s.handleSingleAccess(w, r)
	case p == "/secur/frontdoor.jsp":
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		_, _ = w.Write([]byte("<!doctype html><title>lazyforce demo org</title><p>This is the lazyforce emulator: it has no web UI. Use lazyforce, jsforce or the Salesforce CLI.</p>"))
	case strings.HasPrefix(p, "/lightning/r/"):
		s.handleRecordPage(w, r)
	case strings.HasPrefix(p, "/id/"):
		s.handleIdentity(w, r)
	case p == "/services/data" || p == "/services/data/":
		s.handleVersions(w, r)
	case strings.HasPrefix(p, "/services/data/"):
		s.serveData(w, r)
	default:
		writeErrors(w, errNotFound())
	}
}

// parseVersion validates "vNN.0" and returns "NN.0".
func (s *Server) parseVersion(seg string) (string, bool) {
	if !strings.HasPrefix(seg, "v") || !strings.HasSuffix(seg, ".0") {
		return "", false
	}
	n, err := strconv.Atoi(seg[1 : len(seg)-2])
	if err != nil || n < oldestVersion || n > s.newest {
		return "", false
	}
	return seg[1:], true
}

// serveData authenticates, counts and dispatches a REST data request.
func (s *Server) serveData(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/services/data/")
	verSeg, sub, _ := strings.Cut(rest, "/")
	version, ok := s.parseVersion(verSeg)
	if !ok {
		writeErrors(w, errNotFound())
		return
	}
	se := s.authenticate(r)
	if se == nil {
		writeErrors(w, errInvalidSession())
		return
	}
	used, limited := s.countCall()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, s.opts.DailyAPILimit))
	if limited || s.takeFault(r, func(f *Faults) bool { return f.RequestLimitExceeded }) {
		writeErrors(w, errRequestLimit())
		return
	}
	// A /composite call is not DML itself: a row lock hits its write
	// subrequests (runSubrequest), as Salesforce reports them.
	if r.Method != http.MethodGet && r.Method != http.MethodHead && strings.Trim(sub, "/") != "composite" {
		if s.takeFault(r, func(f *Faults) bool { return f.RowLock }) {
			writeErrors(w, errRowLock(lastSegment(sub)))
			return
		}
	}
	ctx := context.WithValue(r.Context(), ctxSession, se)
	ctx = context.WithValue(ctx, ctxVersion, version)
	s.dispatch(w, r.WithContext(ctx), splitPath(sub))
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func lastSegment(p string) string {
	segs := splitPath(p)
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

// dispatch routes a data request below /services/data/vNN.0/. It is also
// used for composite subrequests.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, segs []string) {
	n := len(segs)
	switch {
	case n == 0:
		s.handleResources(w, r)
	case segs[0] == "query" || segs[0] == "queryAll":
		if n == 1 {
			s.handleQuery(w, r, segs[0] == "queryAll")
		} else if n == 2 {
			s.handleQueryMore(w, r, segs[1])
		} else {
			writeErrors(w, errNotFound())
		}
	case segs[0] == "sobjects":
		s.dispatchSObjects(w, r, segs[1:])
	case segs[0] == "composite":
		s.dispatchComposite(w, r, segs[1:])
	case segs[0] == "search" && n == 1:
		s.handleSearch(w, r)
	case segs[0] == "parameterizedSearch" && n == 1:
		s.handleParameterizedSearch(w, r)
	case segs[0] == "jobs" && n >= 2 && segs[1] == "query":
		s.handleBulkQuery(w, r, segs[2:])
	case segs[0] == "limits" && n == 1:
		s.handleLimits(w, r)
	case segs[0] == "ui-api":
		s.dispatchUIAPI(w, r, segs[1:])
	default:
		writeErrors(w, errNotFound())
	}
}

// lookupObject returns the object named name; an unknown one is answered
// with 404 NOT_FOUND.
func (s *Server) lookupObject(w http.ResponseWriter, name string) (*ObjectDef, bool) {
	def, ok := s.schema.Lookup(name)
	if !ok {
		writeErrors(w, errNotFound())
	}
	return def, ok
}

func (s *Server) dispatchSObjects(w http.ResponseWriter, r *http.Request, segs []string) {
	switch len(segs) {
	case 0:
		s.handleGlobalDescribe(w, r)
		return
	}
	def, ok := s.lookupObject(w, segs[0])
	if !ok {
		return
	}
	switch {
	case len(segs) == 1:
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.handleSObjectInfo(w, r, def)
		case http.MethodPost:
			s.handleCreate(w, r, def)
		default:
			writeErrors(w, errMethodNotAllowed(r.Method, "GET", "HEAD", "POST"))
		}
	case len(segs) == 2 && segs[1] == "describe":
		s.handleDescribe(w, r, def)
	case len(segs) == 2 && segs[1] == "updated":
		s.handleUpdated(w, r, def)
	case len(segs) == 2 && segs[1] == "deleted":
		s.handleDeleted(w, r, def)
	case len(segs) == 2:
		s.handleRecord(w, r, def, segs[1])
	default:
		writeErrors(w, errNotFound())
	}
}

// instanceURL is the scheme and host the client used to reach us.
func instanceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
