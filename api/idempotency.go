package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// maxRememberedAnswer bounds what is kept of an answer; API answers are far smaller.
const maxRememberedAnswer = 1 << 20

// idempotent honours an Idempotency-Key on POST commands: the first request with a key is
// answered and its answer kept; a retry with the same key and the same body gets that answer
// again and changes nothing; the same key with another body is refused. Keys belong to the
// person or token that sent them. Answers of 5xx are not kept, so a retry may try again.
//
// A command registered with PostCommand keeps its answer in its own transaction, so its effect
// and its answer commit together, and a keyed request costs it no write of its own; for the
// others the key is taken before the command runs (so that a second request with it waits for
// the first's answer) and the answer kept after.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		if key == "" || c.Request().Method != http.MethodPost || !strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return next(c)
		}
		if !printableASCII(key, 255) {
			return BadRequest("the Idempotency-Key must be 1 to 255 printable ASCII characters, such as a UUID")
		}
		v, _ := CurrentViewer(c)
		principal := v.Name()
		if v.TokenID != 0 {
			principal += "#token"
		}
		limit := int64(2 << 20)
		if s.Docs != nil {
			limit = s.Docs.MaxSize() + 2<<20
		}
		bodyHash, cleanup, err := hashBody(c.Request(), limit)
		if err != nil {
			return err
		}
		defer cleanup()
		ctx := c.Request().Context()
		path := c.Request().URL.Path
		in := service.KeyedRequest{Principal: principal, Key: key, Method: c.Request().Method, Path: path, BodyHash: bodyHash}
		answersItself := s.answersItself[c.Request().Method+" "+c.Path()]
		prior, err := s.Svc.KeyedAnswer(ctx, in)
		if err != nil {
			return err
		}
		var busy, rec *ent.IdempotencyRecord
		if prior != nil && prior.Status == service.RefusedBusy && prior.Path == path && prior.BodyHash == bodyHash {
			busy, prior = prior, nil // refused busy, so not answered: this retry is received as of then
		}
		if !answersItself && (prior == nil || prior.Status == 0) {
			if rec, prior, err = s.Svc.BeginKeyed(ctx, in); err != nil {
				return err
			}
		}
		if prior != nil {
			return replay(c, prior, in)
		}
		// A workflow command the request sends is named by the key, so a retry after a 503 (its
		// answer not kept) is the same command to Temporal, and gets the first one's outcome.
		command := sha256.Sum256([]byte(principal + "\x00" + key + "\x00" + path))
		ctx = workflows.WithCommandKey(ctx, "key-"+hex.EncodeToString(command[:16]))
		if answersItself {
			ctx = service.WithKeyed(ctx, in, busy)
		}
		c.SetRequest(c.Request().WithContext(ctx))
		// Answer the request, writing errors here rather than later, so the answer can be kept.
		w := &teeWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = w
		err = next(c)
		if errors.Is(err, service.ErrKeyAnswered) {
			// Another request with the key was answered while this one ran: so is this one.
			if prior, err = s.Svc.KeyedAnswer(ctx, in); err == nil && prior != nil {
				return replay(c, prior, in)
			}
		}
		if answersItself && IsBusy(err) {
			// Refused busy: when it first arrived is kept for its retries.
			first := service.ArrivalOf(c.Request().Context())
			if busy != nil && busy.ArrivedAt != nil {
				first = *busy.ArrivedAt
			}
			if busy != nil || s.Svc.KeepBusyArrival(ctx, in, first) {
				err = busyKept{error: err, at: first}
			}
		}
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		answer := service.Answer{Status: status, ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: w.buf.Bytes()}
		if lost, ok := s.showsSecret[c.Request().Method+" "+c.Path()]; ok && status < 300 {
			answer = secretShownOnce(answer, path, lost)
		}
		switch {
		case service.AnsweredInCommand(ctx):
			if rand.IntN(100) == 0 { // now and then, as BeginKeyed does for the other commands
				s.Svc.ForgetOldAnswers(ctx)
			}
		case status >= 500 || w.buf.Len() > maxRememberedAnswer:
			if rec != nil {
				s.Svc.ForgetKeyed(ctx, rec)
			}
		case rec != nil:
			err = s.Svc.RememberAnswer(ctx, rec, answer)
		default: // a command that keeps its own answer refused the request, having done nothing
			err = s.Svc.KeepAnswer(ctx, in, answer)
		}
		if err != nil {
			s.Log.Error("keeping an idempotent answer failed", "error", err, "request_id", RequestID(c))
		}
		return nil
	}
}

// secretShownOnce is what is kept of an answer that carried a secret: that the command was done
// (and the record it made or changed), never the secret, which the README promises is shown
// once and stored only as a hash.
func secretShownOnce(a service.Answer, path, lost string) service.Answer {
	var made struct {
		ID       int `json:"id"`
		Endpoint struct {
			ID int `json:"id"`
		} `json:"endpoint"`
	}
	_ = json.Unmarshal(a.Body, &made)
	record := ""
	if id := max(made.ID, made.Endpoint.ID); id > 0 {
		record = fmt.Sprintf(" (record %d)", id)
	}
	body, _ := json.Marshal(Problem{Type: problemBase + "secret-shown-once", Title: "This was done, and its secret shown once",
		Status: http.StatusConflict, Instance: path,
		Detail: fmt.Sprintf("the first request with this Idempotency-Key was answered %d%s with a secret, which Catalyst showed once and does not keep: %s",
			a.Status, record, lost)})
	return service.Answer{Status: http.StatusConflict, ContentType: "application/problem+json", Body: body}
}

// replay answers a keyed request with the answer to the earlier one with its key.
func replay(c echo.Context, prior *ent.IdempotencyRecord, in service.KeyedRequest) error {
	switch {
	case prior.Path != in.Path || prior.BodyHash != in.BodyHash:
		return NewProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "This Idempotency-Key was used for another request",
			"each Idempotency-Key names one request: send a new key for a different request")
	case prior.Status == 0:
		return conflict("idempotency-in-progress", "the first request with this Idempotency-Key is still being answered: try again in a moment")
	}
	c.Response().Header().Set("Idempotent-Replayed", "true")
	return c.Blob(prior.Status, prior.ContentType, prior.Body)
}

// inMemory is the largest request body hashBody holds in memory; larger ones (document uploads)
// are spooled to a temporary file.
const inMemory = 1 << 20

// hashBody fingerprints the request body and gives the handler a fresh copy of it.
func hashBody(r *http.Request, limit int64) (string, func(), error) {
	h := sha256.New()
	body := io.TeeReader(io.LimitReader(r.Body, limit+1), h)
	head, err := io.ReadAll(io.LimitReader(body, inMemory+1))
	if err != nil {
		return "", func() {}, unreadable(err)
	}
	if len(head) <= inMemory {
		r.Body = io.NopCloser(bytes.NewReader(head))
		return hex.EncodeToString(h.Sum(nil)), func() {}, nil
	}
	f, err := os.CreateTemp("", "catalyst-idem-*")
	if err != nil {
		return "", func() {}, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, io.MultiReader(bytes.NewReader(head), body))
	if err != nil {
		cleanup()
		return "", func() {}, unreadable(err)
	}
	if n > limit {
		cleanup()
		return "", func() {}, NewProblem(http.StatusRequestEntityTooLarge, "too-large", "The request is too large",
			"the request is larger than any Catalyst accepts")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return "", func() {}, err
	}
	r.Body = f
	return hex.EncodeToString(h.Sum(nil)), cleanup, nil
}

// unreadable is a body that could not be read: too large for its route (limitBody), or cut off.
func unreadable(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "The request is too large",
			fmt.Sprintf("send at most %d bytes", tooBig.Limit))
	}
	return BadRequest("the request body could not be read")
}

// teeWriter keeps a copy of what is written, up to a bound.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	if w.buf.Len() <= maxRememberedAnswer {
		w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// printableASCII reports whether s is 1 to max visible ASCII characters or spaces.
func printableASCII(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
