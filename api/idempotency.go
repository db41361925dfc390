package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// maxRememberedAnswer bounds what is kept of an answer; API answers are far smaller.
const maxRememberedAnswer = 1 << 20

// idempotent honours an Idempotency-Key on POST commands: the first request with a key is
// answered and its answer kept; a retry with the same key and the same body gets that answer
// again and changes nothing; the same key with another body is refused. Keys belong to the
// person or token that sent them. Answers of 5xx are not kept, so a retry may try again.
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
		rec, prior, err := s.Svc.BeginKeyed(ctx, service.KeyedRequest{Principal: principal, Key: key, Method: c.Request().Method,
			Path: path, BodyHash: bodyHash})
		if err != nil {
			return err
		}
		if prior != nil {
			switch {
			case prior.Path != path || prior.BodyHash != bodyHash:
				return NewProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "This Idempotency-Key was used for another request",
					"each Idempotency-Key names one request: send a new key for a different request")
			case prior.Status == 0:
				return conflict("idempotency-in-progress", "the first request with this Idempotency-Key is still being answered: try again in a moment")
			}
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(prior.Status, prior.ContentType, prior.Body)
		}
		// A workflow command the request sends is named by the key, so a retry after a 503 (its
		// answer not kept) is the same command to Temporal, and gets the first one's outcome.
		command := sha256.Sum256([]byte(principal + "\x00" + key + "\x00" + path))
		c.SetRequest(c.Request().WithContext(workflows.WithCommandKey(ctx, "key-"+hex.EncodeToString(command[:16]))))
		// Answer the request, writing errors here rather than later, so the answer can be kept.
		w := &teeWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = w
		if err := next(c); err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		if status >= 500 || w.buf.Len() > maxRememberedAnswer {
			s.Svc.ForgetKeyed(ctx, rec)
			return nil
		}
		if err := s.Svc.RememberAnswer(ctx, rec, status, c.Response().Header().Get(echo.HeaderContentType), w.buf.Bytes()); err != nil {
			s.Log.Error("keeping an idempotent answer failed", "error", err, "request_id", RequestID(c))
		}
		return nil
	}
}

// hashBody fingerprints the request body and gives the handler a fresh copy of it. Large
// bodies (document uploads) are spooled to a temporary file rather than held in memory.
func hashBody(r *http.Request, limit int64) (string, func(), error) {
	h := sha256.New()
	f, err := os.CreateTemp("", "catalyst-idem-*")
	if err != nil {
		return "", func() {}, err
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(io.MultiWriter(h, f), io.LimitReader(r.Body, limit+1))
	if err != nil {
		cleanup()
		return "", func() {}, BadRequest("the request body could not be read")
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
