package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// DefaultPort is the loopback port of the web login's callback, the one the
// Salesforce CLI uses too: a connected app's callback URL is then
// http://localhost:1717/OauthRedirect.
const DefaultPort = 1717

// CallbackPath is the path of the callback URL.
const CallbackPath = "/OauthRedirect"

// WebOptions configure LoginWeb.
type WebOptions struct {
	// Port is the loopback port to listen on; 0 means DefaultPort. The
	// connected app's callback URL must be http://localhost:PORT/OauthRedirect.
	Port int
	// Listener, if set, is used instead of listening on Port (tests pass
	// one on 127.0.0.1:0). LoginWeb closes it.
	Listener net.Listener
	// Open shows the authorize URL to the user; nil means DefaultOpener.
	// It runs on its own goroutine and may block (a text-mode browser).
	Open func(ctx context.Context, authURL string) error
	// OnOpenError is called (on LoginWeb's goroutine) when Open fails; the
	// login keeps waiting for the callback, so the caller prints the error,
	// which says "open this URL: …". nil means ignore.
	OnOpenError func(error)
}

// PortInUseError means the callback port is taken by another program.
type PortInUseError struct {
	Port int
}

// Error says how to free the port or pick another.
func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d is already in use, so the login cannot receive the browser's callback: "+
		"stop the program using it or pass --port N (the connected app's callback URL must then be http://localhost:N%s)",
		e.Port, CallbackPath)
}

// callbackResult is what the browser brought back.
type callbackResult struct {
	code string
	err  error
}

// LoginWeb runs the web-server flow with PKCE: it listens on a loopback
// port, opens the authorize page, waits for the callback, checks state and
// exchanges the code with the verifier. The token's user is looked up with
// Identify. Cancel ctx to give up (ctrl+c).
func LoginWeb(ctx context.Context, cfg Config, opts WebOptions) (*Token, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	ln := opts.Listener
	if ln == nil {
		port := opts.Port
		if port == 0 {
			port = DefaultPort
		}
		var err error
		ln, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, &PortInUseError{Port: port}
			}
			return nil, fmt.Errorf("listen for the login callback: %w", err)
		}
	}
	port := ln.Addr().(*net.TCPAddr).Port
	redirect := "http://localhost:" + strconv.Itoa(port) + CallbackPath

	state, err := randomState()
	if err != nil {
		ln.Close()
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()
	oc := cfg.oauth2(redirect)
	authURL := oc.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	results := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	open := opts.Open
	if open == nil {
		open = DefaultOpener
	}
	openErr := make(chan error, 1)
	go func() { openErr <- open(ctx, authURL) }()

	var res callbackResult
	for waiting := true; waiting; {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("login cancelled: %w", ctx.Err())
		case err := <-openErr:
			if err != nil && opts.OnOpenError != nil {
				opts.OnOpenError(err)
			}
			openErr = nil
		case res = <-results:
			waiting = false
		}
	}
	if res.err != nil {
		return nil, res.err
	}
	hctx := context.WithValue(ctx, oauth2.HTTPClient, cfg.httpClient())
	ot, err := oc.Exchange(hctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, oauthErrorFrom("exchange the authorization code", err)
	}
	tok := tokenFromOAuth2(ot)
	if tok.InstanceURL == "" {
		return nil, errors.New("exchange the authorization code: the response has no instance_url")
	}
	if err := Identify(ctx, cfg.httpClient(), tok); err != nil {
		return nil, fmt.Errorf("identify the logged-in user: %w", err)
	}
	return tok, nil
}

// callbackHandler answers the browser's redirect once and reports it.
func callbackHandler(state string, results chan<- callbackResult) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res callbackResult
		switch {
		case q.Get("state") != state:
			res.err = ErrStateMismatch
		case q.Get("error") == "access_denied":
			res.err = fmt.Errorf("%w (%s)", ErrDenied, q.Get("error_description"))
		case q.Get("error") != "":
			res.err = &OAuthError{Op: "authorize", Code: q.Get("error"), Description: q.Get("error_description")}
		case q.Get("code") == "":
			res.err = errors.New("authorize: the callback carries no code")
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "<!doctype html><title>lazyforce login failed</title><p>Login failed: %s</p>", html.EscapeString(res.err.Error()))
		} else {
			fmt.Fprint(w, "<!doctype html><title>lazyforce login</title><p>You are logged in. You can close this window and return to the terminal.</p>")
		}
		select {
		case results <- res:
		default: // a later callback (a reload) changes nothing
		}
	})
	return mux
}

func randomState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate login state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
