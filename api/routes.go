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
	access map[string]access // "METHOD /path/:id" as Echo matches it
}

func (s *Server) routes(e *echo.Echo) Routes {
	s.access = map[string]access{}
	return Routes{to: e, e: e, access: s.access}
}

// group registers its routes under prefix.
func (r Routes) group(prefix string) Routes {
	r.to = r.e.Group(prefix)
	return r
}

func (r Routes) add(method, path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	route := r.to.Add(method, path, h, m...)
	key := method + " " + route.Path
	if _, twice := r.access[key]; twice {
		panic("route registered twice: " + key)
	}
	r.access[key] = who
}

func (r Routes) Get(path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodGet, path, who, h, m...)
}

func (r Routes) Post(path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPost, path, who, h, m...)
}

func (r Routes) put(path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPut, path, who, h, m...)
}

func (r Routes) patch(path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodPatch, path, who, h, m...)
}

func (r Routes) delete(path string, who access, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	r.add(http.MethodDelete, path, who, h, m...)
}

// Static serves files to anyone.
func (r Routes) Static(prefix string, files fs.FS) {
	r.access[http.MethodGet+" "+r.e.StaticFS(prefix, files).Path] = Public
}
