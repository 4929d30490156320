package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"

	"github.com/lazyforce/lazyforce/sfdc"
)

// SFCLI runs the Salesforce CLI to reuse an org it knows. It only calls
// the CLI's commands (`sf org display`, `sf org auth show-access-token`),
// never reads its files.
type SFCLI struct {
	// Path is the sf executable; "" means "sf" on PATH.
	Path string
	// Env is added to the environment of each run (e.g. HOME in tests).
	Env []string
	// HTTPClient looks up the user (Identify); nil means a default client.
	HTTPClient *http.Client
}

// SFError is a failed sf command, from its --json output.
type SFError struct {
	Command  string // e.g. "sf org display"
	Name     string // e.g. NamedOrgNotFoundError
	Message  string
	ExitCode int
}

// Error is the command, the CLI's error name and its message.
func (e *SFError) Error() string {
	msg := e.Command + " failed"
	if e.Name != "" {
		msg += ": " + e.Name
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// sfEnvelope is the --json shape of every sf command.
type sfEnvelope struct {
	Status   int             `json:"status"`
	Result   json.RawMessage `json:"result"`
	Name     string          `json:"name"`
	Message  string          `json:"message"`
	ExitCode int             `json:"exitCode"`
}

// accessTokenRE is what a real access token looks like (the Salesforce
// CLI's own check); sf org display shows a placeholder instead since 2026.
var accessTokenRE = regexp.MustCompile(`^00D\w{12,15}![.\w]+$`)

// run runs sf with args and --json and decodes result into out.
func (c SFCLI) run(ctx context.Context, out any, args ...string) error {
	path := c.Path
	if path == "" {
		path = "sf"
	}
	what := "sf"
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		what += " " + a
	}
	exe, err := exec.LookPath(path)
	if err != nil {
		return fmt.Errorf("%s: the Salesforce CLI was not found (install it or put sf on PATH): %w", what, err)
	}
	cmd := exec.CommandContext(ctx, exe, append(args, "--json")...)
	cmd.Env = append(os.Environ(), "SF_DISABLE_AUTOUPDATE=true", "SF_AUTOUPDATE_DISABLE=true", "SF_SKIP_NEW_VERSION_CHECK=true", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, c.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", what, ctx.Err())
	}
	var env sfEnvelope
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &env); err != nil {
		detail := firstLine(stderr.String())
		if runErr != nil {
			return fmt.Errorf("%s: %w: %s", what, runErr, detail)
		}
		return fmt.Errorf("%s: its output is not JSON: %s", what, detail)
	}
	if env.Status != 0 || runErr != nil {
		return &SFError{Command: what, Name: env.Name, Message: redactTokens(env.Message), ExitCode: env.ExitCode}
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("%s: decode its result: %w", what, err)
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if s == "" {
		return "no output"
	}
	return redactTokens(s)
}

var anyTokenRE = regexp.MustCompile(`00D\w{12,15}![.\w]+`)

// redactTokens hides anything shaped like an access token in CLI text.
func redactTokens(s string) string { return anyTokenRE.ReplaceAllString(s, "[redacted]") }

// AccessToken asks the CLI for a fresh access token of the org alias
// (`sf org auth show-access-token --target-org ALIAS --json`); the CLI
// refreshes it first when it holds a refresh token.
func (c SFCLI) AccessToken(ctx context.Context, alias string) (string, error) {
	var res struct {
		AccessToken string `json:"accessToken"`
	}
	if err := c.run(ctx, &res, "org", "auth", "show-access-token", "--target-org", alias); err != nil {
		return "", err
	}
	if !accessTokenRE.MatchString(res.AccessToken) {
		return "", fmt.Errorf("sf org auth show-access-token: org %s: the result holds no access token", alias)
	}
	return res.AccessToken, nil
}

// Import reads the org alias from the CLI: its instance URL and username
// (`sf org display --target-org ALIAS --json`), a fresh access token
// (AccessToken) and the user's ids (Identify). The token has no refresh
// token: use NewSFTokenSource to ask the CLI again when it expires.
func (c SFCLI) Import(ctx context.Context, alias string) (*Token, error) {
	var disp struct {
		InstanceURL     string `json:"instanceUrl"`
		Username        string `json:"username"`
		ID              string `json:"id"`
		ConnectedStatus string `json:"connectedStatus"`
	}
	if err := c.run(ctx, &disp, "org", "display", "--target-org", alias); err != nil {
		return nil, err
	}
	if disp.InstanceURL == "" {
		return nil, fmt.Errorf("sf org display: org %s has no instance URL", alias)
	}
	at, err := c.AccessToken(ctx, alias)
	if err != nil {
		return nil, err
	}
	tok := &Token{AccessToken: at, InstanceURL: strings.TrimRight(disp.InstanceURL, "/"), Username: disp.Username, OrgID: disp.ID}
	if err := Identify(ctx, c.HTTPClient, tok); err != nil {
		return nil, fmt.Errorf("import org %s from the Salesforce CLI: %w", alias, err)
	}
	return tok, nil
}

// SFTokenSource is the sfdc.TokenSource of an org imported from the
// Salesforce CLI: on expiry it asks the CLI for a fresh token. It is safe
// for concurrent use.
type SFTokenSource struct {
	cli     SFCLI
	sfAlias string
	alias   string

	mu  sync.Mutex
	tok string
}

var _ sfdc.TokenSource = (*SFTokenSource)(nil)

// NewSFTokenSource serves accessToken (may be empty) for the CLI's org
// sfAlias, stored in lazyforce as alias (named in login-again errors).
func NewSFTokenSource(cli SFCLI, sfAlias, alias, accessToken string) *SFTokenSource {
	return &SFTokenSource{cli: cli, sfAlias: sfAlias, alias: alias, tok: accessToken}
}

// Token returns the current access token, asking the CLI when there is none.
func (s *SFTokenSource) Token(ctx context.Context) (string, error) {
	return currentOrRefresh(ctx, &s.mu, &s.tok, s.Refresh)
}

// Refresh asks the CLI for a fresh token. When the CLI cannot give one (its
// own login expired), the error is a *LoginRequiredError.
func (s *SFTokenSource) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, err := s.cli.AccessToken(ctx, s.sfAlias)
	if err != nil {
		var se *SFError
		if errors.As(err, &se) {
			return "", &LoginRequiredError{Alias: s.alias, FromSF: s.sfAlias, Reason: "the Salesforce CLI has no valid session for " + s.sfAlias + ": " + se.Error()}
		}
		return "", err
	}
	if tok == s.tok {
		// The CLI has nothing newer (an access-token-only login).
		return "", &LoginRequiredError{Alias: s.alias, FromSF: s.sfAlias, Reason: "the Salesforce CLI's token for " + s.sfAlias + " has expired too"}
	}
	s.tok = tok
	return tok, nil
}
