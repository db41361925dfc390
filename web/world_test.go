package web

import (
	"net/http"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// The pages' tests run on the shared world (internal/testworld), served as in production: the
// JSON API with the pages registered on it.

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

// Quiet keeps request logs out of test output.
var Quiet = testworld.Quiet

// NewWorld is the world served by the API and the pages, every answer of a documented route
// checked against the OpenAPI document.
func NewWorld(t testing.TB) *World {
	return testworld.New(t, func(db *ent.Client, docs *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, api.Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet})
	})
}

// NewTestHandler builds the API with the pages, each answer checked against the document.
func NewTestHandler(t testing.TB, d api.Deps) (http.Handler, error) {
	h, err := api.New(d, Pages)
	if err != nil {
		return nil, err
	}
	return testworld.Checked(t, h, api.OpenAPIDocument())
}
