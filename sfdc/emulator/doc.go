// Package emulator is a Salesforce-compatible HTTP server (OAuth 2.0 and the
// REST API) over an in-memory org, with a deterministic demo org and fault
// injection. `lazyforce demo` runs it in-process; tests run against it over
// real HTTP; third-party Salesforce clients (jsforce, the Salesforce CLI) talk
// to it unchanged.
//
// # Using it from tests
//
//	ts := emulator.StartTest(t, emulator.Options{Seed: 1, Now: clock})
//	// ts.URL (instance URL), ts.AccessToken, ts.RefreshToken, ts.AdminToken, ts.Username
//	ts.SetFaults(emulator.Faults{Status5xx: 503, Times: 2}) // the next two requests fail
//	id, err := ts.Create("Opportunity", map[string]any{...}) // another user's write
//	rows, err := ts.Query(ctx, "SELECT Id FROM Account LIMIT 5", false)
//	n := ts.APICalls()
//
// Options.Empty gives an org with only its setup data (organization, eight
// users, record types, opportunity stages); Options.Scale multiplies the demo
// data. Server-side writes (Create, Update, Delete) run the same validation
// as the REST API but bypass authentication, API limits and faults, and act
// as the org's administrator, so LastModifiedById differs from the rep's.
//
// # Served endpoints
//
// OAuth: /services/oauth2/token (authorization_code with PKCE, refresh_token,
// device flow in Salesforce's grant_type=device&code= form and the RFC form,
// password and client_credentials; form-urlencoded or multipart),
// /services/oauth2/authorize (auto-approves and redirects), /revoke,
// /userinfo and the identity URL /id/{org}/{user}. Token responses have no
// expires_in; refresh responses have no refresh_token.
//
// REST under /services/data/vNN.0/ for v20.0 up to Options.APIVersion
// (default 66.0): the resources map, query and queryAll (nextRecordsUrl
// paging at /query/{locator}, Sforce-Query-Options batchSize 200–2000,
// ?columns=true column metadata for the Salesforce CLI), sobjects (global
// describe), sobjects/T, sobjects/T/describe, sobjects/T/{id}
// GET/PATCH/DELETE with If-Modified-Since (304) and If-Unmodified-Since (412),
// POST sobjects/T, sobjects/T/updated and /deleted, composite (references,
// allOrNone), composite/batch, composite/tree, composite/sobjects, limits,
// ui-api/object-info/T/picklist-values, search and parameterizedSearch (a
// small SOSL subset) and Bulk API 2.0 query jobs (jobs/query, CSV results). GET
// /services/data/ needs no token and is not counted. Every counted response
// carries Sforce-Limit-Info; errors are Salesforce's JSON arrays with its real
// status codes and messages.
//
// # Faults
//
// SetFaults from Go, or at runtime POST {instance_url}/__emulator/faults with
// "Authorization: Bearer {admin_token}" and a JSON body of
// latency_ms, status_5xx, rate, times, match, skip, request_limit_exceeded,
// row_lock, expire_sessions, truncate_bodies, drop_connections, outage (all
// optional; see Faults: match limits faults to paths containing it, skip lets
// that many requests through first, times disarms after that many hits).
// The body replaces the armed faults: {} clears them, {"outage": true} makes
// every other request fail like an unreachable org (the connection is closed
// without a response) and {"outage": false} restores it. GET the same path to
// read them; GET /__emulator/stats returns {"api_calls": N}.
//
// # The demo org
//
// Deterministic for a seed and laid out around Options.Now ("today"): eight
// users (the logged-in rep is Riley Parker, rep@demo.lazyforce.dev), 300
// accounts per scale unit with industries, regions (BillingCountry/State,
// Region__c) and segments (Segment__c), about 4 contacts per account, 500
// leads, about 1,500 opportunities on two record types (New Business and
// Renewal, whose StageName values differ) with contact roles, 5,500 tasks and
// 2,500 events over the past year and the next two quarters, and account
// plans (the custom object Account_Plan__c, lookup Account__c). The rep always
// has won, lost and open deals closing in this and last calendar quarter and
// this and last fiscal quarter.
//
// The Organization's FiscalYearStartMonth is 2 (February), so fiscal quarters
// (Feb–Apr, May–Jul, Aug–Oct, Nov–Jan) differ from calendar ones; fiscal years
// are named by the calendar year they end in. DefaultCurrencyIsoCode is USD.
// Users' time zone is GMT and SOQL date literals are evaluated in UTC.
//
// StageName is a restricted picklist (a bad value gives
// INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST) and a validation rule requires the
// custom field Loss_Reason__c on Closed Lost (FIELD_CUSTOM_VALIDATION_EXCEPTION).
// Account "O'Brien & Sons Construction" has an apostrophe; one account's and
// one task's Description contain terminal escape and control characters.
package emulator
