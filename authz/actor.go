package authz

import "context"

// Actor says who asked for a change and why. It travels from the request through the
// lifecycle's messages into the audit trail, so its JSON names are part of recorded workflow
// histories: keep them.
type Actor struct {
	Who       string `json:"who"`
	RequestID string `json:"request_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Token names the API token the person acted with, and who issued it; empty for a session.
	Token string `json:"token,omitempty"`
}

// NameOr is who the trail records: the person who asked, or system when no person did (a
// deadline passing, a timer firing).
func (a Actor) NameOr(system string) string {
	if a.Who == "" {
		return system
	}
	return a.Who
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the ID of the request being served, for the trail.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

type routeKey struct{}

// WithRoute returns ctx carrying the page or API route being served ("GET /bids/:id"): why a
// record was read, as the read log records it.
func WithRoute(ctx context.Context, route string) context.Context {
	return context.WithValue(ctx, routeKey{}, route)
}

// RouteOf is the route ctx serves, if any.
func RouteOf(ctx context.Context) string {
	r, _ := ctx.Value(routeKey{}).(string)
	return r
}

// ActorOf is who is asking in ctx, as the trail records them: the viewer's name and the
// request's ID, with the reason they gave.
func ActorOf(ctx context.Context, reason string) Actor {
	who, token := "anonymous", ""
	if v, ok := FromContext(ctx); ok {
		who, token = v.Name(), v.Token
		if v.AssistedBy != "" {
			who = v.AssistedBy + " on behalf of " + who
		}
	}
	id, _ := ctx.Value(requestIDKey{}).(string)
	return Actor{Who: who, RequestID: id, Reason: reason, Token: token}
}
