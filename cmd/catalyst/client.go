package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// apiClient calls Catalyst's API as one person, over a real connection or in process.
type apiClient struct {
	http    *http.Client
	base    string
	session *http.Cookie
	token   string // an API token, sent as a bearer

	busyRetries int // how many times a POST answered 503 is sent again
	// ctx ends every request when it is done: the seed's requests stop when `catalyst dev`
	// is asked to stop. Nil means none.
	ctx context.Context
	// pace, when set, learns how long commands take, shared by every client made from this one.
	pace *pace
}

// pace is how long commands (POSTs) have lately taken: the slowest of the last few, so that
// whoever sets a deadline it must beat can allow for a busy machine.
type pace struct {
	mu     sync.Mutex
	recent [8]time.Duration
	next   int
}

func (p *pace) record(d time.Duration) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recent[p.next%len(p.recent)] = d
	p.next++
}

// slowest is the slowest of the recent commands (0 before any, or with no pace kept).
func (p *pace) slowest() time.Duration {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Max(p.recent[:])
}

func (c *apiClient) context() context.Context {
	if c.ctx == nil {
		return context.Background()
	}
	return c.ctx
}

// inProcess sends requests straight to a handler, for the seed.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func newInProcessClient(h http.Handler) *apiClient {
	return &apiClient{http: &http.Client{Transport: inProcess{h}}, base: "http://catalyst.internal"}
}

// apiError is a problem document the API answered with.
type apiError struct {
	Method, Path, RequestID string // which request, so a failure can be found in the log
	Status                  int
	Type                    string `json:"type"`
	Title                   string `json:"title"`
	Detail                  string `json:"detail"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s answered %d %s: %s (request %s)", e.Method, e.Path, e.Status, e.Title, e.Detail, e.RequestID)
}

// as returns a client acting as the person with this email, signed in through the dev sign-in.
func (c *apiClient) as(email string) (*apiClient, error) {
	noRedirect := *c.http
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(c.context(), http.MethodPost, c.base+"/sign-in", strings.NewReader(url.Values{"email": {email}}.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "catalyst_session" && ck.Value != "" {
			return &apiClient{http: c.http, base: c.base, session: ck, busyRetries: c.busyRetries, ctx: c.ctx, pace: c.pace}, nil
		}
	}
	return nil, fmt.Errorf("signing in as %s: no session (status %d)", email, resp.StatusCode)
}

// call sends a JSON request and decodes a JSON answer into out; a problem becomes *apiError.
func (c *apiClient) call(method, path string, body, out any) error {
	var b []byte
	contentType := ""
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
		contentType = "application/json"
	}
	return c.send(method, path, contentType, b, out)
}

// upload sends one file as multipart form data in the field "file".
func (c *apiClient) upload(path, filename string, content []byte, out any) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		return err
	}
	if _, err := fw.Write(content); err != nil {
		return err
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return c.send(http.MethodPost, path, mw.FormDataContentType(), buf.Bytes(), out)
}

// send makes the request. A client with busyRetries sends a POST under an Idempotency-Key and,
// when the API answers 503 (busy, nothing changed), sends it again under the same key, as a
// well-behaved client of the API would.
func (c *apiClient) send(method, path, contentType string, body []byte, out any) error {
	key := ""
	if method == http.MethodPost && c.busyRetries > 0 {
		key = rand.Text()
	}
	for attempt := 0; ; attempt++ {
		began := time.Now()
		err := c.sendOnce(method, path, contentType, key, "", body, out)
		if c.pace != nil && method == http.MethodPost {
			c.pace.record(time.Since(began))
		}
		var e *apiError
		if attempt >= c.busyRetries || !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable {
			return err
		}
		select {
		case <-c.context().Done():
			return c.context().Err()
		case <-time.After(time.Second << attempt):
		}
	}
}

// edit sends a PATCH of JSON that applies to whatever version is current (If-Match: *).
func (c *apiClient) edit(path string, body, out any) error {
	return c.overwrite(http.MethodPatch, path, body, out)
}

// overwrite sends JSON that applies to whatever version is current (If-Match: *).
func (c *apiClient) overwrite(method, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.sendOnce(method, path, "application/json", "", "*", b, out)
}

func (c *apiClient) sendOnce(method, path, contentType, idempotencyKey, ifMatch string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(c.context(), method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.session != nil {
		req.AddCookie(c.session)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		e := &apiError{Method: req.Method, Path: req.URL.Path, RequestID: resp.Header.Get("X-Request-Id"), Status: resp.StatusCode}
		if json.Unmarshal(b, e) != nil || e.Title == "" {
			e.Title, e.Detail = http.StatusText(resp.StatusCode), strings.TrimSpace(string(b))
		}
		return e
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}
