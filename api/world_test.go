package api

import (
	"net/http"
	"testing"

	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// The JSON API's tests run on the shared world (internal/testworld), served by the API alone.

func TestMain(m *testing.M) { testworld.Main(m) }

// World is the shared world.
type World = testworld.World

// The personas.
const (
	Anon             = testworld.Anon
	Admin            = testworld.Admin
	Officer          = testworld.Officer
	OwnerOwn         = testworld.OwnerOwn
	OwnerOther       = testworld.OwnerOther
	AssessorAssigned = testworld.AssessorAssigned
	AssessorOther    = testworld.AssessorOther
	SupplierOwn      = testworld.SupplierOwn
	SupplierOther    = testworld.SupplierOther
	Finance          = testworld.Finance
	PanelChair       = testworld.PanelChair
	PanelMember      = testworld.PanelMember
)

var (
	personas = testworld.Personas
	Quiet    = testworld.Quiet
)

// NewWorld is the world served by the JSON API, every answer checked against the OpenAPI document.
func NewWorld(t testing.TB) *World {
	return testworld.New(t, func(db *ent.Client, docs *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet})
	})
}

// NewTestHandler is New for tests: every answer of a documented route is checked against the
// OpenAPI document.
func NewTestHandler(t testing.TB, d Deps, more ...func(*Server, Routes)) (http.Handler, error) {
	h, err := New(d, more...)
	if err != nil {
		return nil, err
	}
	return testworld.Checked(t, h, OpenAPIDocument())
}
