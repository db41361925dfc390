package api

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Routes registers each route together with who may call it, so a route and its guard are
// declared once, on one line. There is no way to register a route without its access, and a
// request whose route has none is refused (authorize): access is denied by default.
type Routes struct {
	to interface {
		Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
	}
	e      *echo.Echo
	access map[string]Guard // "METHOD /path/:id" as Echo matches it
	// answersItself holds the commands that keep a keyed request's answer in their own
	// transaction (PostCommand), as access does.
	answersItself map[string]bool
	// showsSecret holds the commands whose answer carries a secret shown once (PostSecret).
	showsSecret map[string]string
	bodyLimits  map[string]bodyLimit
}

func (s *Server) routes(e *echo.Echo) Routes {
	s.access, s.answersItself, s.showsSecret, s.bodyLimits = map[string]Guard{}, map[string]bool{}, map[string]string{}, map[string]bodyLimit{}
	return Routes{to: e, e: e, access: s.access, answersItself: s.answersItself, showsSecret: s.showsSecret, bodyLimits: s.bodyLimits}
}

// Group registers its routes under prefix.
func (r Routes) Group(prefix string) Routes {
	r.to = r.e.Group(prefix)
	return r
}

func (r Routes) add(method, path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) string {
	route := r.to.Add(method, path, h, m...)
	key := method + " " + route.Path
	if _, twice := r.access[key]; twice {
		panic("route registered twice: " + key)
	}
	r.access[key] = who
	return key
}

// Get registers a GET route with who may call it.
func (r Routes) Get(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodGet, path, who, h, m...)
}

// Post registers a POST route with who may call it.
func (r Routes) Post(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPost, path, who, h, m...)
}

// PostCommand registers a POST route whose command keeps the answer to an Idempotency-Key in its
// own transaction (service.AnswerKeyedWith), so that its effect and its answer commit together.
func (r Routes) PostCommand(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.answersItself[r.add(http.MethodPost, path, who, h, m...)] = true
}

// PostSecret registers a POST route whose answer carries a secret shown once (a token, a
// signing secret). Its answer to an Idempotency-Key is never kept: a retry with the key is told
// the command was done and its secret shown once, and lost says what to do if it was lost.
func (r Routes) PostSecret(path string, who Guard, lost string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.showsSecret[r.add(http.MethodPost, path, who, h, m...)] = lost
}

// PostUpTo registers a POST route that reads at most max bytes: a request that says it is larger
// is refused at once, before anything reads it, with tooLarge saying what to do instead (limitBody).
func (r Routes) PostUpTo(max int64, tooLarge string, path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.bodyLimits[r.add(http.MethodPost, path, who, h, m...)] = bodyLimit{max: max, detail: tooLarge}
}

// bodyLimit is the most a route reads, and what its refusal says.
type bodyLimit struct {
	max    int64
	detail string
}

// limitBody refuses a request larger than its route reads (PostUpTo) before anything reads it,
// and cuts off one that sends more than it said, at the limit.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, ok := s.bodyLimits[c.Request().Method+" "+c.Path()]
		if !ok {
			return next(c)
		}
		if c.Request().ContentLength > l.max {
			return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "The request is too large", l.detail)
		}
		c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, l.max)
		return next(c)
	}
}

// Put registers a PUT route with who may call it.
func (r Routes) Put(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPut, path, who, h, m...)
}

// Patch registers a PATCH route with who may call it.
func (r Routes) Patch(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPatch, path, who, h, m...)
}

// Delete registers a DELETE route with who may call it.
func (r Routes) Delete(path string, who Guard, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodDelete, path, who, h, m...)
}

// Static serves files to anyone.
func (r Routes) Static(prefix string, files fs.FS) {
	r.access[http.MethodGet+" "+r.e.StaticFS(prefix, files).Path] = Public
}
