package emulator

import (
	"net/http"
	"strings"
)

// userURLs is the "urls" map of userinfo and identity documents.
func (s *Server) userURLs(base, userID string) map[string]string {
	org15 := s.orgID[:15]
	return map[string]string{
		"enterprise":    base + "/services/Soap/c/{version}/" + org15,
		"metadata":      base + "/services/Soap/m/{version}/" + org15,
		"partner":       base + "/services/Soap/u/{version}/" + org15,
		"rest":          base + "/services/data/v{version}/",
		"sobjects":      base + "/services/data/v{version}/sobjects/",
		"search":        base + "/services/data/v{version}/search/",
		"query":         base + "/services/data/v{version}/query/",
		"recent":        base + "/services/data/v{version}/recent/",
		"tooling_soap":  base + "/services/Soap/T/{version}/" + org15,
		"tooling_rest":  base + "/services/data/v{version}/tooling/",
		"profile":       base + "/" + userID,
		"feeds":         base + "/services/data/v{version}/chatter/feeds",
		"groups":        base + "/services/data/v{version}/chatter/groups",
		"users":         base + "/services/data/v{version}/chatter/users",
		"feed_items":    base + "/services/data/v{version}/chatter/feed-items",
		"feed_elements": base + "/services/data/v{version}/chatter/feed-elements",
		"custom_domain": base,
	}
}

// sessionFromRequest authenticates userinfo/identity calls, which also
// accept ?oauth_token=.
func (s *Server) sessionFromRequest(r *http.Request) *session {
	if se := s.authenticate(r); se != nil {
		return se
	}
	if tok := r.URL.Query().Get("oauth_token"); tok != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		if se := s.sessions[tok]; se != nil && !se.grant.revoked {
			return se
		}
	}
	return nil
}

// badOAuthToken is how Salesforce answers userinfo/identity with a bad token.
func badOAuthToken(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("Bad_OAuth_Token"))
}

// handleUserinfo serves /services/oauth2/userinfo (shape of fixtures/oauth-userinfo.json).
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	se := s.sessionFromRequest(r)
	if se == nil {
		badOAuthToken(w)
		return
	}
	_, u, _ := s.org.Get(se.userID)
	base := instanceURL(r)
	out := map[string]any{
		"sub":                s.identityURL(r, se.userID),
		"user_id":            se.userID,
		"organization_id":    s.orgID,
		"preferred_username": u["Username"],
		"nickname":           strings.SplitN(str0(u["Username"]), "@", 2)[0],
		"name":               u["Name"],
		"email":              u["Email"],
		"email_verified":     true,
		"given_name":         u["FirstName"],
		"family_name":        u["LastName"],
		"zoneinfo":           u["TimeZoneSidKey"],
		"photos": map[string]string{
			"picture":   base + "/profilephoto/005/F",
			"thumbnail": base + "/profilephoto/005/T",
		},
		"profile":          base + "/" + se.userID,
		"picture":          base + "/profilephoto/005/F",
		"address":          map[string]any{"country": "US"},
		"urls":             s.userURLs(base, se.userID),
		"active":           true,
		"user_type":        "STANDARD",
		"language":         u["LanguageLocaleKey"],
		"locale":           u["LocaleSidKey"],
		"utcOffset":        0,
		"updated_at":       u["LastModifiedDate"],
		"is_app_installed": true,
	}
	writeJSON(w, http.StatusOK, out)
}

// handleIdentity serves the identity URL /id/{orgId}/{userId}.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request) {
	se := s.sessionFromRequest(r)
	if se == nil {
		badOAuthToken(w)
		return
	}
	segs := splitPath(strings.TrimPrefix(r.URL.Path, "/id/"))
	if len(segs) != 2 || !strings.EqualFold(segs[0][:min(15, len(segs[0]))], s.orgID[:15]) {
		writeErrors(w, errNotFound())
		return
	}
	_, u, ok := s.org.Get(segs[1])
	if !ok || !strings.HasPrefix(segs[1], "005") {
		writeErrors(w, errNotFound())
		return
	}
	base := instanceURL(r)
	id := str0(u["Id"])
	out := map[string]any{
		"id":                      s.identityURL(r, id),
		"asserted_user":           id == se.userID,
		"user_id":                 id,
		"organization_id":         s.orgID,
		"username":                u["Username"],
		"nick_name":               strings.SplitN(str0(u["Username"]), "@", 2)[0],
		"display_name":            u["Name"],
		"email":                   u["Email"],
		"email_verified":          true,
		"first_name":              u["FirstName"],
		"last_name":               u["LastName"],
		"timezone":                u["TimeZoneSidKey"],
		"photos":                  map[string]string{"picture": base + "/profilephoto/005/F", "thumbnail": base + "/profilephoto/005/T"},
		"addr_street":             nil,
		"addr_city":               nil,
		"addr_state":              nil,
		"addr_country":            "US",
		"addr_zip":                nil,
		"mobile_phone":            nil,
		"mobile_phone_verified":   false,
		"is_lightning_login_user": false,
		"status":                  map[string]any{"created_date": nil, "body": nil},
		"urls":                    s.userURLs(base, id),
		"active":                  u["IsActive"],
		"user_type":               "STANDARD",
		"language":                u["LanguageLocaleKey"],
		"locale":                  u["LocaleSidKey"],
		"utcOffset":               0,
		"last_modified_date":      u["LastModifiedDate"],
		"is_app_installed":        true,
	}
	writeJSON(w, http.StatusOK, out)
}

// handleSingleAccess serves /services/oauth2/singleaccess (the Salesforce
// CLI's "org open"): a one-time frontdoor URL. The emulator has no web UI;
// the frontdoor page says so.
func (s *Server) handleSingleAccess(w http.ResponseWriter, r *http.Request) {
	if s.sessionFromRequest(r) == nil {
		badOAuthToken(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"frontdoor_uri": instanceURL(r) + "/secur/frontdoor.jsp?otp=" + randomAlnum(40),
	})
}
