package emulator

import "net/http"

// countCall counts one API request and reports the usage and whether the
// daily limit is exceeded (the request is then refused and not counted).
func (s *Server) countCall() (used int, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apiUsed >= s.opts.DailyAPILimit {
		return s.apiUsed, true
	}
	s.apiUsed++
	return s.apiUsed, false
}

type limit struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// handleLimits serves GET limits (shape of fixtures/limits.json);
// DailyApiRequests reflects real usage.
func (s *Server) handleLimits(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeErrors(w, errMethodNotAllowed(r.Method, "GET", "HEAD"))
		return
	}
	used := s.APICalls()
	full := func(n int) limit { return limit{Max: n, Remaining: n} }
	out := map[string]limit{
		"ConcurrentAsyncGetReportInstances":     full(200),
		"ConcurrentSyncReportRuns":              full(20),
		"DailyApiRequests":                      {Max: s.opts.DailyAPILimit, Remaining: max(0, s.opts.DailyAPILimit-used)},
		"DailyAsyncApexExecutions":              full(250000),
		"DailyBulkApiRequests":                  full(5000),
		"DailyBulkV2QueryJobs":                  full(10000),
		"DailyBulkV2QueryFileStorageMB":         full(976562),
		"DailyDurableGenericStreamingApiEvents": full(10000),
		"DailyDurableStreamingApiEvents":        full(10000),
		"DailyGenericStreamingApiEvents":        full(10000),
		"DailyStreamingApiEvents":               full(10000),
		"DailyWorkflowEmails":                   full(390),
		"DataStorageMB":                         {Max: 5, Remaining: 5},
		"DurableStreamingApiConcurrentClients":  full(20),
		"FileStorageMB":                         full(20),
		"HourlyAsyncReportRuns":                 full(1200),
		"HourlyDashboardRefreshes":              full(200),
		"HourlyDashboardResults":                full(5000),
		"HourlyDashboardStatuses":               full(999999999),
		"HourlyODataCallout":                    {Max: 10000, Remaining: 9999},
		"HourlySyncReportRuns":                  full(500),
		"HourlyTimeBasedWorkflow":               full(50),
		"MassEmail":                             full(10),
		"SingleEmail":                           full(15),
		"StreamingApiConcurrentClients":         full(20),
	}
	writeJSON(w, http.StatusOK, out)
}
