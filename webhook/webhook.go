// Package webhook signs and sends webhook deliveries as the Standard Webhooks specification
// (https://www.standardwebhooks.com/) says: headers webhook-id, webhook-timestamp and
// webhook-signature, the signature "v1," and the base64 HMAC-SHA256 of id.timestamp.body under
// each secret in use, so a receiver verifies it with any of the specification's libraries. The
// activity that delivers is in activities/webhooks.go; this package knows nothing of records.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/outbound"
)

// SecretPrefix starts every secret, as the specification recommends.
const SecretPrefix = "whsec_"

// NewSecret makes a secret: the prefix and 24 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// key is the secret's signing key: the bytes its base64 part encodes.
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("a webhook secret is not whsec_ and base64")
	}
	return k, nil
}

// Sign is the webhook-signature header for a message under each secret, space separated, so
// a receiver holding either of a rotated pair can verify it.
func Sign(secrets []string, id string, at time.Time, body []byte) (string, error) {
	var sigs []string
	for _, s := range secrets {
		k, err := key(s)
		if err != nil {
			return "", err
		}
		mac := hmac.New(sha256.New, k)
		fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// Result is what one attempt got back.
type Result struct {
	Status  int    // the receiver's HTTP status; 0 if none came
	Error   string // why it failed, "" when delivered
	Refused bool   // not sent: the receiver's address is not one calls out may reach
}

// Delivered says whether the receiver took it: any 2xx.
func (r Result) Delivered() bool { return r.Status >= 200 && r.Status < 300 }

// Client sends deliveries.
type Client struct{ HTTP *http.Client }

// NewClient gives up on a receiver after 15 seconds, follows no redirects (a receiver answers
// where it was registered) and connects only where the policy allows (nil: the public
// internet), checking each address as it is dialled.
func NewClient(p *outbound.Policy) *Client {
	return &Client{HTTP: &http.Client{Timeout: 15 * time.Second, Transport: p.Transport(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Send posts one signed delivery.
func (c *Client) Send(ctx context.Context, url, id string, at time.Time, body []byte, secrets []string) Result {
	sig, err := Sign(secrets, id, at, body)
	if err != nil {
		return Result{Error: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Result{Error: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Catalyst-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := c.HTTP.Do(req)
	if r, ok := outbound.IsRefused(err); ok {
		return Result{Error: "Not sent: " + r.Error(), Refused: true}
	}
	if err != nil {
		return Result{Error: "the receiver did not answer: " + err.Error()}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	r := Result{Status: resp.StatusCode}
	if !r.Delivered() {
		r.Error = fmt.Sprintf("the receiver answered %d", resp.StatusCode)
	}
	return r
}
