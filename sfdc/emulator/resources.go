package emulator

import (
	"fmt"
	"net/http"
)

// handleVersions serves GET /services/data/: no auth, not counted.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	type version struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	var out []version
	for v := oldestVersion; v <= s.newest; v++ {
		out = append(out, version{Label: releaseName(v), URL: fmt.Sprintf("/services/data/v%d.0", v), Version: fmt.Sprintf("%d.0", v)})
	}
	writeJSON(w, http.StatusOK, out)
}

// releaseName returns the Salesforce release label of an API version
// (v20.0 = Winter '11; three releases a year).
func releaseName(v int) string {
	seasons := []string{"Winter", "Spring", "Summer"}
	i := v - 20
	return fmt.Sprintf("%s '%02d", seasons[i%3], 11+i/3)
}

// handleResources serves GET /services/data/vNN.0/.
func (s *Server) handleResources(w http.ResponseWriter, r *http.Request) {
	base := "/services/data/v" + versionOf(r.Context())
	res := map[string]string{}
	for _, k := range []string{"tooling", "metadata", "eclair", "folders", "prechatForms", "chatter", "tabs", "appMenu",
		"quickActions", "queryAll", "commerce", "wave", "iot", "analytics", "search", "identity", "composite",
		"parameterizedSearch", "fingerprint", "theme", "nouns", "recent", "licensing", "limits", "process",
		"async-queries", "query", "emailConnect", "compactLayouts", "connect", "ui-api", "jobs", "sobjects", "actions", "support"} {
		res[k] = base + "/" + k
	}
	res["identity"] = fmt.Sprintf("%s/id/%s/%s", instanceURL(r), s.orgID, s.meID)
	writeJSON(w, http.StatusOK, res)
}
