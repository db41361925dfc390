package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// NotifyURL is GOV.UK Notify's API.
const NotifyURL = "https://api.notifications.service.gov.uk"

// Notify sends through GOV.UK Notify's REST API (v2), signing each request with a fresh JWT
// made from the service's API key, as Notify's API documentation describes.
type Notify struct {
	serviceID string
	secret    []byte
	// Templates maps a kind of notice to its Notify template ID; "default" serves the rest.
	// A template shows ((subject)) and ((body)); every notice value is personalisation too.
	Templates map[string]string
	BaseURL   string // NotifyURL unless testing
	HTTP      *http.Client
}

// NewNotify checks the API key ("name-{service id}-{secret}", both UUIDs) and the templates.
func NewNotify(apiKey string, templates map[string]string) (*Notify, error) {
	apiKey = strings.TrimSpace(apiKey)
	if len(apiKey) < 74 || apiKey[len(apiKey)-74] != '-' || apiKey[len(apiKey)-37] != '-' {
		return nil, errors.New("the Notify API key is not in Notify's form: key name, service ID and secret key, joined by hyphens")
	}
	if templates["default"] == "" {
		return nil, errors.New("no default Notify template: give default=<template ID>")
	}
	return &Notify{
		serviceID: apiKey[len(apiKey)-73 : len(apiKey)-37],
		secret:    []byte(apiKey[len(apiKey)-36:]),
		Templates: templates,
		BaseURL:   NotifyURL,
		HTTP:      &http.Client{Timeout: 30 * time.Second},
	}, nil
}

// ParseTemplates reads "default=<id>,outcome_released=<id>" into a map.
func ParseTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("%q is not kind=template-id", part)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// token is the request's JWT: HS256, iss the service ID, iat now (Notify refuses one more
// than 30 seconds off its clock).
func (n *Notify) token() (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": n.serviceID, "iat": time.Now().Unix()}).SignedString(n.secret)
}

// notifyEmail is the body of POST /v2/notifications/email.
type notifyEmail struct {
	EmailAddress           string            `json:"email_address"`
	TemplateID             string            `json:"template_id"`
	Personalisation        map[string]string `json:"personalisation"`
	Reference              string            `json:"reference"`
	OneClickUnsubscribeURL string            `json:"one_click_unsubscribe_url,omitempty"`
}

// Send posts the email; Notify answers 201 with its notification's ID.
func (n *Notify) Send(ctx context.Context, m Message) (string, error) {
	tid := n.Templates[m.Template]
	if tid == "" {
		tid = n.Templates["default"]
	}
	p := map[string]string{}
	for k, v := range m.Values {
		p[k] = v
	}
	p["name"], p["subject"], p["body"] = m.Name, m.Subject, m.Body
	p["link"], p["link_text"] = m.Link, m.LinkText
	p["unsubscribe_link"], p["choices_link"] = m.UnsubscribeURL, m.ChoicesURL
	body, err := json.Marshal(notifyEmail{EmailAddress: m.To, TemplateID: tid, Personalisation: p,
		Reference: m.Reference, OneClickUnsubscribeURL: m.UnsubscribeURL})
	if err != nil {
		return "", Permanent(err)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := n.do(ctx, http.MethodPost, "/v2/notifications/email", body, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// Lookup asks Notify for an email with this reference.
func (n *Notify) Lookup(ctx context.Context, reference string) (string, bool, error) {
	var out struct {
		Notifications []struct {
			ID string `json:"id"`
		} `json:"notifications"`
	}
	q := url.Values{"reference": {reference}, "template_type": {"email"}}
	if err := n.do(ctx, http.MethodGet, "/v2/notifications?"+q.Encode(), nil, &out); err != nil {
		return "", false, err
	}
	if len(out.Notifications) == 0 {
		return "", false, nil
	}
	return out.Notifications[0].ID, true, nil
}

// do makes one request. Notify's 400 (a bad address or template) and 403 (a key refused) are
// permanent; 429 and 5xx are worth retrying, as is a request that never arrived.
func (n *Notify) do(ctx context.Context, method, path string, body []byte, out any) error {
	tok, err := n.token()
	if err != nil {
		return Permanent(err)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, n.BaseURL+path, rd)
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "catalyst-notify-client")
	resp, err := n.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("GOV.UK Notify did not answer: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("GOV.UK Notify's answer is not JSON: %w", err)
		}
		return nil
	}
	var problem struct {
		Errors []struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(raw, &problem)
	msg := fmt.Sprintf("GOV.UK Notify answered %d", resp.StatusCode)
	for _, e := range problem.Errors {
		msg += fmt.Sprintf("; %s: %s", e.Error, e.Message)
	}
	err = errors.New(msg)
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusForbidden {
		return Permanent(err)
	}
	return err
}
