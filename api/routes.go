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
}

func (s *Server) routes(e *echo.Echo) Routes {
	s.access, s.answersItself = map[string]Guard{}, map[string]bool{}
	return Routes{to: e, e: e, access: s.access, answersItself: s.answersItself}
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
