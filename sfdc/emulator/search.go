package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/lazyforce/lazyforce/sfdc/soql"
)

// SOSL support is deliberately small: FIND {terms} [IN scope FIELDS]
// [RETURNING Object[(fields [WHERE …] [ORDER BY …] [LIMIT n])], …] [LIMIT n].
// Terms match whole words case-insensitively (a trailing * matches a
// prefix); every term must match (OR between terms makes any suffice). The
// rows are built by the SOQL engine, so they have the query shape.

// maxSearchResults is SOSL's overall result limit.
const maxSearchResults = 2000

// searchSpec is one RETURNING entry.
type searchSpec struct {
	object string
	fields string // "Id, Name"; "" means Id
	where  string
	order  string
	limit  int
}

func errMalformedSearch(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "MALFORMED_SEARCH", Message: msg}
}

// defaultSearchSpecs are searched when a search names no objects.
func defaultSearchSpecs() []searchSpec {
	return []searchSpec{{object: "Account"}, {object: "Contact"}, {object: "Lead"}, {object: "Opportunity"}}
}

// handleSearch serves GET search?q=FIND {…}.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	open, close := strings.IndexByte(q, '{'), strings.LastIndexByte(q, '}')
	if !strings.HasPrefix(strings.ToUpper(q), "FIND") || open < 0 || close < open {
		writeErrors(w, errMalformedSearch("No search term found. The search term must be enclosed in braces."))
		return
	}
	terms := q[open+1 : close]
	rest := strings.TrimSpace(q[close+1:])
	scope := "ALL"
	if up := strings.ToUpper(rest); strings.HasPrefix(up, "IN ") {
		f := strings.Fields(rest)
		if len(f) < 3 || !strings.EqualFold(f[2], "FIELDS") {
			writeErrors(w, errMalformedSearch("unexpected token: "+strings.Join(f[1:min(3, len(f))], " ")))
			return
		}
		scope = strings.ToUpper(f[1])
		rest = strings.TrimSpace(rest[strings.Index(up, "FIELDS")+len("FIELDS"):])
	}
	specs := defaultSearchSpecs()
	overall := maxSearchResults
	if strings.HasPrefix(strings.ToUpper(rest), "RETURNING") {
		var err *Error
		specs, rest, err = parseReturning(strings.TrimSpace(rest[len("RETURNING"):]))
		if err != nil {
			writeErrors(w, err)
			return
		}
	}
	if f := strings.Fields(rest); len(f) == 2 && strings.EqualFold(f[0], "LIMIT") {
		if n, err := strconv.Atoi(f[1]); err == nil && n > 0 {
			overall = min(n, maxSearchResults)
		}
	} else if len(f) > 0 && !strings.EqualFold(f[0], "WITH") {
		writeErrors(w, errMalformedSearch("unexpected token: "+f[0]))
		return
	}
	s.writeSearch(w, r, terms, scope, specs, overall)
}

// handleParameterizedSearch serves GET parameterizedSearch?q=…&sobject=…
// &<Object>.fields=…&<Object>.limit=…&in=…&overallLimit=….
func (s *Server) handleParameterizedSearch(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Query()
	if strings.TrimSpace(p.Get("q")) == "" {
		writeErrors(w, errMalformedSearch("No search term found."))
		return
	}
	var specs []searchSpec
	for _, obj := range p["sobject"] {
		spec := searchSpec{object: obj, fields: p.Get(obj + ".fields")}
		spec.limit, _ = strconv.Atoi(p.Get(obj + ".limit"))
		specs = append(specs, spec)
	}
	if len(specs) == 0 {
		specs = defaultSearchSpecs()
	}
	scope := strings.ToUpper(strings.TrimSuffix(strings.ToUpper(p.Get("in")), "_FIELDS"))
	if scope == "" {
		scope = "ALL"
	}
	overall := maxSearchResults
	if n, err := strconv.Atoi(p.Get("overallLimit")); err == nil && n > 0 {
		overall = min(n, maxSearchResults)
	}
	s.writeSearch(w, r, p.Get("q"), scope, specs, overall)
}

// parseReturning parses "Obj(fields …), Obj2 …" and returns what follows.
func parseReturning(s string) ([]searchSpec, string, *Error) {
	var specs []searchSpec
	for {
		s = strings.TrimSpace(s)
		i := 0
		for i < len(s) && (s[i] == '_' || unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i]))) {
			i++
		}
		if i == 0 {
			return nil, "", errMalformedSearch("unexpected token in RETURNING: " + s)
		}
		spec := searchSpec{object: s[:i]}
		s = strings.TrimSpace(s[i:])
		if strings.HasPrefix(s, "(") {
			depth, end, quoted := 0, -1, false
			for k := 0; k < len(s) && end < 0; k++ {
				switch c := s[k]; {
				case c == '\\' && quoted:
					k++
				case c == '\'':
					quoted = !quoted
				case c == '(' && !quoted:
					depth++
				case c == ')' && !quoted:
					depth--
					if depth == 0 {
						end = k
					}
				}
			}
			if end < 0 {
				return nil, "", errMalformedSearch("unbalanced parentheses in RETURNING")
			}
			spec.fields, spec.where, spec.order, spec.limit = splitSpec(s[1:end])
			s = strings.TrimSpace(s[end+1:])
		}
		specs = append(specs, spec)
		if !strings.HasPrefix(s, ",") {
			return specs, s, nil
		}
		s = s[1:]
	}
}

// splitSpec splits "Id, Name WHERE … ORDER BY … LIMIT n".
func splitSpec(s string) (fields, where, order string, limit int) {
	up := strings.ToUpper(s)
	cut := func(kw string) int {
		quoted := false
		for i := 0; i+len(kw) <= len(up); i++ {
			if s[i] == '\'' {
				quoted = !quoted
			}
			if !quoted && strings.HasPrefix(up[i:], kw) {
				return i
			}
		}
		return -1
	}
	end := len(s)
	if i := cut(" LIMIT "); i >= 0 {
		limit, _ = strconv.Atoi(strings.TrimSpace(s[i+len(" LIMIT "):]))
		end = i
	}
	if i := cut(" ORDER BY "); i >= 0 && i < end {
		order = strings.TrimSpace(s[i+len(" ORDER BY ") : end])
		end = i
	}
	if i := cut(" WHERE "); i >= 0 && i < end {
		where = strings.TrimSpace(s[i+len(" WHERE ") : end])
		end = i
	}
	return strings.TrimSpace(s[:end]), where, order, limit
}

// searchTerms splits the terms into groups: the record must match every
// term of at least one group.
func searchTerms(terms string) [][]string {
	var groups [][]string
	var cur []string
	for _, word := range strings.Fields(terms) {
		switch strings.ToUpper(word) {
		case "OR":
			if len(cur) > 0 {
				groups = append(groups, cur)
			}
			cur = nil
			continue
		case "AND", "AND NOT":
			continue
		}
		word = strings.Trim(unescapeTerm(word), `"`)
		cur = append(cur, tokenize(word, true)...)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// unescapeTerm makes each backslash-escaped character of a search term
// literal: punctuation then only separates words, and an escaped * or ?
// is no wildcard.
func unescapeTerm(word string) string {
	if !strings.Contains(word, `\`) {
		return word
	}
	var b strings.Builder
	for i := 0; i < len(word); i++ {
		if word[i] == '\\' && i+1 < len(word) {
			i++
			if c := word[i]; unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) {
				b.WriteByte(c)
				continue
			}
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(word[i])
	}
	return b.String()
}

// tokenize lower-cases s and splits it into words; keepStar keeps a
// trailing * (a prefix wildcard) on search terms.
func tokenize(s string, keepStar bool) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || (keepStar && (r == '*' || r == '?')))
	})
}

func tokenMatches(term string, tokens []string) bool {
	prefix := strings.HasSuffix(term, "*")
	term = strings.TrimRight(term, "*?")
	for _, t := range tokens {
		if t == term || (prefix && strings.HasPrefix(t, term)) {
			return true
		}
	}
	return false
}

// searchable reports whether a field is searched in scope.
func searchable(f *FieldDef, scope string) bool {
	switch scope {
	case "NAME":
		return f.NameField || f.Name == "FirstName" || f.Name == "LastName" || f.Name == "Company" || f.Name == "Title"
	case "EMAIL":
		return f.Type == "email"
	case "PHONE":
		return f.Type == "phone"
	}
	switch f.Type {
	case "string", "textarea", "email", "phone", "url", "combobox":
		return true
	}
	return false
}

// matchingIDs returns up to limit ids of live def records matching terms.
func (s *Server) matchingIDs(def *ObjectDef, groups [][]string, scope string, limit int) []string {
	var fields []string
	for i := range def.Fields {
		if searchable(&def.Fields[i], scope) {
			fields = append(fields, def.Fields[i].Name)
		}
	}
	var ids []string
	for _, rec := range s.org.snapshot(def.Name) {
		if rec["IsDeleted"] == true {
			continue
		}
		var tokens []string
		for _, f := range fields {
			if v, ok := rec[f].(string); ok {
				tokens = append(tokens, tokenize(v, false)...)
			}
		}
		for _, g := range groups {
			all := true
			for _, term := range g {
				all = all && tokenMatches(term, tokens)
			}
			if all {
				ids = append(ids, str0(rec["Id"]))
				break
			}
		}
		if len(ids) >= limit {
			break
		}
	}
	return ids
}

// writeSearch runs the search and writes {"searchRecords":[…]}.
func (s *Server) writeSearch(w http.ResponseWriter, r *http.Request, terms, scope string, specs []searchSpec, overall int) {
	groups := searchTerms(terms)
	if len(groups) == 0 {
		writeErrors(w, errMalformedSearch("No search term found. The search term must be enclosed in braces."))
		return
	}
	var rows []*soql.Row
	for _, spec := range specs {
		def, ok := s.schema.Lookup(spec.object)
		if !ok {
			writeErrors(w, &Error{Status: http.StatusBadRequest, Code: "INVALID_TYPE",
				Message: "sObject type '" + spec.object + "' is not supported."})
			return
		}
		limit := overall - len(rows)
		if spec.limit > 0 {
			limit = min(limit, spec.limit)
		}
		if limit <= 0 {
			break
		}
		ids := s.matchingIDs(def, groups, scope, maxSearchResults)
		if len(ids) == 0 {
			continue
		}
		fields := spec.fields
		if fields == "" {
			fields = "Id"
		}
		q := "SELECT " + fields + " FROM " + def.Name + " WHERE Id IN ('" + strings.Join(ids, "','") + "')"
		if spec.where != "" {
			q += " AND (" + spec.where + ")"
		}
		if spec.order != "" {
			q += " ORDER BY " + spec.order
		}
		q += " LIMIT " + strconv.Itoa(limit)
		parsed, err := soql.Parse(q)
		if err != nil {
			writeErrors(w, queryError(err))
			return
		}
		res, err := soql.Execute(r.Context(), s.queryEnv(versionOf(r.Context()), false), parsed)
		if err != nil {
			writeErrors(w, queryError(err))
			return
		}
		rows = append(rows, res.Records...)
	}
	b := append([]byte(`{"searchRecords":`), appendRows(nil, rows)...)
	writeRaw(w, http.StatusOK, append(b, '}'))
}
