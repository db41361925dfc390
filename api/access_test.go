package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// routeCase is one route's request and who may make it.
type routeCase struct {
	path  func(w *World) string
	body  string
	allow []string
}

func fixed(p string) func(*World) string { return func(*World) string { return p } }

var (
	everyone    = personas
	anySignedIn = personas[1:]
	// declarers are everyone who may declare an interest in a supplier: all but suppliers.
	declarers = []string{Officer, OwnerOwn, OwnerOther, AssessorAssigned, AssessorOther, Finance, PanelChair, PanelMember}
	owners    = []string{Officer, OwnerOwn, OwnerOther}
)

// accessMatrix is every documented route. A route added without a row here fails the test.
// Bodies are deliberately incomplete: an allowed caller is answered 4xx about the body (or
// 409 about the state), never with a change, and a refused caller learns nothing.
var accessMatrix = map[string]routeCase{
	"GET /readyz":           {fixed("/readyz"), "", everyone},
	"GET /healthz":          {fixed("/healthz"), "", everyone},
	"GET /api/openapi.json": {fixed("/api/openapi.json"), "", everyone},

	"GET /api/v1/people":             {fixed("/api/v1/people"), "", anySignedIn},
	"POST /api/v1/people":            {fixed("/api/v1/people"), "{}", []string{Admin}},
	"POST /api/v1/receipts/check":    {fixed("/api/v1/receipts/check"), "{}", everyone},
	"POST /api/v1/imports/suppliers": {fixed("/api/v1/imports/suppliers"), "", []string{Admin, Officer}},
	"POST /api/v1/people/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/people/%d", w.People[SupplierOther].ID) }, "{}",
		[]string{Admin}},
	"POST /api/v1/people/{id}/deactivate": {func(w *World) string { return fmt.Sprintf("/api/v1/people/%d/deactivate", w.People[Officer].ID) }, "",
		[]string{Admin}},
	"GET /api/v1/organisations":  {fixed("/api/v1/organisations"), "", anySignedIn},
	"POST /api/v1/organisations": {fixed("/api/v1/organisations"), "{}", []string{SupplierOwn, SupplierOther}},
	"POST /api/v1/organisations/{id}/join-requests": {func(w *World) string {
		return fmt.Sprintf("/api/v1/organisations/%d/join-requests", w.JoinRequest.OrganisationID)
	}, "",
		[]string{SupplierOwn, SupplierOther}},
	"GET /api/v1/join-requests": {fixed("/api/v1/join-requests"), "", anySignedIn},
	"POST /api/v1/join-requests/{id}/decision": {func(w *World) string { return fmt.Sprintf("/api/v1/join-requests/%d/decision", w.JoinRequest.ID) }, "{}",
		[]string{SupplierOwn}},
	"GET /api/v1/notices":                         {fixed("/api/v1/notices"), "", anySignedIn},
	"GET /api/v1/screening-criteria":              {fixed("/api/v1/screening-criteria"), "", []string{Officer}},
	"POST /api/v1/screening-criteria":             {fixed("/api/v1/screening-criteria"), "{}", []string{Officer}},
	"POST /api/v1/screening-criteria/{id}/retire": {func(w *World) string { return fmt.Sprintf("/api/v1/screening-criteria/%d/retire", w.Criterion.ID) }, "", []string{Officer}},
	"GET /api/v1/challenges/{id}/screening": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/screening", w.ChallengeD.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/challenges/{id}/screening": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/screening", w.ChallengeD.ID) }, "{}",
		[]string{Officer}},
	"GET /api/v1/rounds":  {fixed("/api/v1/rounds"), "", []string{Officer}},
	"POST /api/v1/rounds": {fixed("/api/v1/rounds"), "{}", []string{Officer}},

	"GET /api/v1/challenges":  {fixed("/api/v1/challenges"), "", anySignedIn},
	"POST /api/v1/challenges": {fixed("/api/v1/challenges"), "{}", owners},
	"GET /api/v1/challenges/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID) }, "",
		[]string{Officer, OwnerOwn}},
	"PATCH /api/v1/challenges/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID) }, "{}",
		[]string{Officer, OwnerOwn}},
	"POST /api/v1/challenges/{id}/submit": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/submit", w.ChallengeA.ID) }, "",
		[]string{Officer, OwnerOwn}},
	"POST /api/v1/challenges/{id}/selection": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/selection", w.ChallengeA.ID) }, "{}",
		[]string{Officer}},
	"POST /api/v1/challenges/{id}/competitions": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/competitions", w.ChallengeA.ID) }, "{}",
		[]string{Officer}},
	"POST /api/v1/challenges/{id}/delegates": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/delegates", w.ChallengeD.ID) }, "{}",
		[]string{OwnerOwn}},
	"POST /api/v1/challenges/{id}/delegates/removal": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/delegates/removal", w.ChallengeD.ID) }, "{}",
		[]string{OwnerOwn}},
	"POST /api/v1/challenges/{id}/completion": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/completion", w.ChallengeA.ID) }, `{"outcome":"bogus"}`,
		[]string{Officer}},

	"GET /api/v1/challenges/{id}/documents": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/documents", w.ChallengeD.ID) }, "",
		[]string{Officer, OwnerOwn}},
	"POST /api/v1/challenges/{id}/documents": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/documents", w.ChallengeD.ID) }, "",
		[]string{Officer, OwnerOwn}},
	"POST /api/v1/challenges/{id}/competition-setup": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/competition-setup", w.ChallengeA.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/setup": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/setup", w.CompE.ID) }, "{}",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/launch": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/launch", w.CompE.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/extensions": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/extensions", w.CompE.ID) }, "{}",
		[]string{Officer}},
	"GET /api/v1/competitions/{id}/clarifications": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/clarifications", w.CompE.ID) }, "",
		everyone},
	"POST /api/v1/competitions/{id}/clarifications": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/clarifications", w.CompE.ID) }, "{}",
		[]string{SupplierOwn, SupplierOther}},
	"POST /api/v1/clarifications/{id}/publish": {func(w *World) string { return fmt.Sprintf("/api/v1/clarifications/%d/publish", w.Clarification.ID) }, "{}",
		[]string{Officer}},
	"GET /api/v1/competitions/{id}/eligibility": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/eligibility", w.CompA.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/eligibility/finish": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/eligibility/finish", w.CompA.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/amendments": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/amendments", w.CompE.ID) }, "{}",
		[]string{Officer}},
	"POST /api/v1/bids/{id}/confirm": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/confirm", w.SealedAcme.ID) }, "",
		[]string{SupplierOwn}},
	"POST /api/v1/bids/{id}/eligibility": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/eligibility", w.BidAcme.ID) }, "{}",
		[]string{Officer}},
	"GET /api/v1/competitions":        {fixed("/api/v1/competitions"), "", everyone},
	"GET /api/v1/me/work":             {fixed("/api/v1/me/work"), "", anySignedIn},
	"GET /api/v1/lifecycles":          {fixed("/api/v1/lifecycles"), "", everyone},
	"GET /api/v1/lifecycles/{record}": {fixed("/api/v1/lifecycles/bid"), "", everyone},
	"GET /api/v1/me/email-choices":    {fixed("/api/v1/me/email-choices"), "", anySignedIn},
	"PUT /api/v1/me/email-choices":    {fixed("/api/v1/me/email-choices"), `{"off":["not-a-kind"]}`, anySignedIn},
	"GET /api/v1/me/data":             {fixed("/api/v1/me/data"), "", anySignedIn},
	// The world's callers come with tokens, which have no sessions: nobody has one to end.
	"DELETE /api/v1/me/sessions/{id}": {fixed("/api/v1/me/sessions/1"), "", nil},
	"POST /api/v1/people/{id}/end-sessions": {func(w *World) string { return fmt.Sprintf("/api/v1/people/%d/end-sessions", w.People[SupplierOwn].ID) }, "",
		[]string{Admin}},
	"PUT /api/v1/me/name":                   {fixed("/api/v1/me/name"), `{"name":""}`, anySignedIn},
	"PUT /api/v1/me/organisation":           {fixed("/api/v1/me/organisation"), "{}", []string{SupplierOwn, SupplierOther}},
	"POST /api/v1/me/corrections":           {fixed("/api/v1/me/corrections"), "{}", anySignedIn},
	"GET /api/v1/corrections":               {fixed("/api/v1/corrections"), "", []string{Admin, Officer}},
	"GET /api/v1/retention":                 {fixed("/api/v1/retention"), "", []string{Admin, Officer}},
	"PUT /api/v1/retention/periods/{kind}":  {fixed("/api/v1/retention/periods/sessions"), `{"months": 0}`, []string{Admin}},
	"GET /api/v1/retention/due":             {fixed("/api/v1/retention/due"), "", []string{Admin, Officer}},
	"POST /api/v1/legal-holds":              {fixed("/api/v1/legal-holds"), "{}", []string{Admin, Officer}},
	"POST /api/v1/legal-holds/{id}/release": {func(w *World) string { return fmt.Sprintf("/api/v1/legal-holds/%d/release", w.Hold().ID) }, "{}", []string{Admin, Officer}},
	"POST /api/v1/corrections/{id}/answer":  {func(w *World) string { return fmt.Sprintf("/api/v1/corrections/%d/answer", w.Correction().ID) }, "{}", []string{Admin, Officer}},
	"GET /api/v1/emails":                    {fixed("/api/v1/emails"), "", []string{Admin, Officer}},
	"GET /api/v1/figures":                   {fixed("/api/v1/figures"), "", []string{Admin, Officer}},
	"GET /api/v1/webhooks":                  {fixed("/api/v1/webhooks"), "", []string{Admin}},
	"POST /api/v1/webhooks":                 {fixed("/api/v1/webhooks"), `{"url":"ftp://nowhere"}`, []string{Admin}},
	"GET /api/v1/webhooks/{id}/deliveries":  {func(w *World) string { return fmt.Sprintf("/api/v1/webhooks/%d/deliveries", w.Webhook().ID) }, "", []string{Admin}},
	"POST /api/v1/webhooks/{id}/rotate-secret": {func(w *World) string {
		return fmt.Sprintf("/api/v1/webhooks/%d/rotate-secret", disabledWebhook(w).ID) // disabled: 409
	}, "", []string{Admin}},
	"POST /api/v1/webhooks/{id}/disable": {func(w *World) string { return fmt.Sprintf("/api/v1/webhooks/%d/disable", disabledWebhook(w).ID) }, "", []string{Admin}},
	"POST /api/v1/webhook-deliveries/{id}/send-again": {func(w *World) string {
		ctx := authz.AsSystem(testdb.Fixture(), "test")
		d := w.DB.WebhookDelivery.Create().SetEndpointID(w.Webhook().ID).SetMessageID(fmt.Sprintf("msg_world_%d", time.Now().UnixNano())).
			SetEvent("contract.awarded").SetPayload([]byte("{}")).SaveX(ctx)
		return fmt.Sprintf("/api/v1/webhook-deliveries/%d/send-again", d.ID) // pending, not failed: 409
	}, "", []string{Admin}},
	"PUT /api/v1/figures/targets": {fixed("/api/v1/figures/targets"), `{"targets":{"sme":101}}`, []string{Officer}},
	"POST /api/v1/emails/{id}/send-again": {func(w *World) string {
		ctx := authz.AsSystem(testdb.Fixture(), "test")
		e, err := w.DB.Email.Query().First(ctx)
		if err != nil {
			e = w.DB.Email.Create().SetTo("rosa@example.org").SetTemplate("payment_made").SetUnsubscribeToken("world-email").SaveX(ctx)
		}
		return fmt.Sprintf("/api/v1/emails/%d/send-again", e.ID) // not failed: refused with 409
	}, "", []string{Admin, Officer}},
	"GET /api/v1/alerts":  {fixed("/api/v1/alerts"), "", anySignedIn},
	"POST /api/v1/alerts": {fixed("/api/v1/alerts"), `{"email":"x@example.org","fields":["Transport"]}`, everyone},
	"POST /api/v1/alerts/unsubscribe": {func(w *World) string {
		if !w.DB.Alert.Query().ExistX(testdb.Fixture()) {
			w.DB.Alert.Create().SetEmail("rosa@example.org").SetFields([]string{"Transport"}).SetToken("world-token").ExecX(testdb.Fixture())
		}
		return "/api/v1/alerts/unsubscribe"
	}, `{"token":"world-token"}`, everyone},
	"GET /api/v1/competitions/{id}":      {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d", w.CompA.ID) }, "", everyone},
	"GET /api/v1/competitions/{id}/bids": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompA.ID) }, "", anySignedIn},
	"GET /api/v1/competitions/{id}/panel": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/panel", w.CompA.ID) }, "",
		[]string{Officer, PanelChair, PanelMember}},
	"POST /api/v1/assessments/{id}/exclusion": {func(w *World) string {
		return fmt.Sprintf("/api/v1/assessments/%d/exclusion", w.DB.Assessment.Query().FirstIDX(testdb.Fixture()))
	}, `{"reason":"Scored the wrong bid"}`, []string{Officer}},
	"POST /api/v1/assessments/{id}/return": {func(w *World) string {
		return fmt.Sprintf("/api/v1/assessments/%d/return", w.DB.Assessment.Query().FirstIDX(testdb.Fixture()))
	}, `{"note":"Look again at value for money"}`, []string{Officer}},
	"DELETE /api/v1/assessments/{id}/exclusion": {func(w *World) string {
		return fmt.Sprintf("/api/v1/assessments/%d/exclusion", w.DB.Assessment.Query().FirstIDX(testdb.Fixture()))
	}, "", []string{Officer}},
	"POST /api/v1/competitions/{id}/bids": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompE.ID) }, "{}",
		[]string{SupplierOwn, SupplierOther}},
	"POST /api/v1/competitions/{id}/assessments": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/assessments", w.CompA.ID) }, "",
		[]string{AssessorAssigned}},
	"POST /api/v1/competitions/{id}/decision": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/decision", w.CompA.ID) }, `{"chosen":"x"}`,
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/decision/withdrawal": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/decision/withdrawal", w.CompA.ID) }, "{}",
		[]string{Officer}},
	"POST /api/v1/competitions/{id}/decision/approval": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/decision/approval", w.CompA.ID) },
		`{"approve":"x"}`, []string{PanelChair}},
	"POST /api/v1/competitions/{id}/feedback-release": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/feedback-release", w.CompA.ID) }, "",
		[]string{Officer}},

	"GET /api/v1/bids/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d", w.BidAcme.ID) }, "",
		[]string{Officer, OwnerOwn, AssessorAssigned, SupplierOwn, PanelChair, PanelMember}},
	"GET /api/v1/bids/{id}/feedback": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/feedback", w.BidAcme.ID) }, "",
		[]string{Officer, OwnerOwn, AssessorAssigned, SupplierOwn, PanelChair, PanelMember}},
	"POST /api/v1/bids/{id}/documents": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/documents", w.BidAcme.ID) }, "--x",
		[]string{SupplierOwn}},
	"POST /api/v1/bids/{id}/submit": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/submit", w.BidAcme.ID) }, "",
		[]string{SupplierOwn}},
	"GET /api/v1/bids": {fixed("/api/v1/bids"), "", []string{SupplierOwn, SupplierOther}},
	"PUT /api/v1/bids/{id}/tasks/{task}": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/tasks/about", w.DraftBinsight.ID) }, "{}",
		[]string{SupplierOther}},
	"POST /api/v1/bids/{id}/reopen": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/reopen", w.SealedAcme.ID) }, "",
		[]string{SupplierOwn}},
	"POST /api/v1/bids/{id}/withdraw": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/withdraw", w.DraftBinsight.ID) }, "",
		[]string{SupplierOther}},
	"GET /api/v1/bids/{id}/receipt": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/receipt", w.BidAcme.ID) }, "",
		[]string{Officer, OwnerOwn, AssessorAssigned, SupplierOwn, PanelChair, PanelMember}},
	"POST /api/v1/receipts/verify": {fixed("/api/v1/receipts/verify"), "{}", anySignedIn},
	"GET /api/v1/bids/{id}/reads": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/reads", w.BidAcme.ID) }, "",
		[]string{SupplierOwn}},
	"GET /api/v1/reads":     {fixed("/api/v1/reads"), "", []string{Admin, Officer}},
	"GET /api/v1/reads.csv": {fixed("/api/v1/reads.csv"), "", []string{Admin, Officer}},
	"DELETE /api/v1/documents/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/documents/%d", w.DocAcme.ID) }, "",
		[]string{SupplierOwn}},

	"GET /api/v1/documents/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/documents/%d", w.DocAcme.ID) }, "",
		[]string{Officer, OwnerOwn, AssessorAssigned, SupplierOwn, PanelChair, PanelMember}},
	"GET /api/v1/documents/{id}/content": {func(w *World) string { return fmt.Sprintf("/api/v1/documents/%d/content", w.DocAcme.ID) }, "",
		[]string{Officer, OwnerOwn, AssessorAssigned, SupplierOwn, PanelChair, PanelMember}},
	// The world's document has no uploader on record: only the programme officer (who reads
	// the bid) may have it checked again.
	"POST /api/v1/documents/{id}/check": {func(w *World) string { return fmt.Sprintf("/api/v1/documents/%d/check", w.DocAcme.ID) }, "",
		[]string{Officer}},

	"GET /api/v1/assignments": {fixed("/api/v1/assignments"), "", []string{Officer, OwnerOwn, OwnerOther, AssessorAssigned, AssessorOther}},
	"POST /api/v1/assignments/{id}/swap": {func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d/swap", w.AssignAcme.ID) }, `{"assessor_id":0,"reason":""}`,
		[]string{Officer}},
	"GET /api/v1/competitions/{id}/assignment-proposal": {func(w *World) string {
		return fmt.Sprintf("/api/v1/competitions/%d/assignment-proposal", w.CompA.ID)
	}, "", []string{Officer}},
	"GET /api/v1/competitions/{id}/interviews": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/interviews", w.CompA.ID) }, "",
		[]string{Officer, PanelMember}},
	"PUT /api/v1/bids/{id}/interview-slot": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/interview-slot", w.BidAcme.ID) },
		`{"place":""}`, []string{Officer}},
	"PUT /api/v1/bids/{id}/interview-score": {func(w *World) string { return fmt.Sprintf("/api/v1/bids/%d/interview-score", w.BidAcme.ID) },
		`{"percent":101}`, []string{Officer, PanelMember}},
	"POST /api/v1/competitions/{id}/assignments/release": {func(w *World) string {
		return fmt.Sprintf("/api/v1/competitions/%d/assignments/release", w.CompA.ID)
	}, "", []string{Officer}},
	"POST /api/v1/competitions/{id}/assignments/rerun": {func(w *World) string {
		return fmt.Sprintf("/api/v1/competitions/%d/assignments/rerun", w.CompA.ID)
	}, "", []string{Officer}},
	"POST /api/v1/competitions/{id}/capacities": {func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/capacities", w.CompA.ID) },
		`{"assessor_id":0,"capacity":-1}`, []string{Officer}},
	"POST /api/v1/interests/declaration": {fixed("/api/v1/interests/declaration"), "", []string{AssessorAssigned, AssessorOther}},
	"PUT /api/v1/assignments/{id}/draft": {func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d/draft", w.AssignAcme.ID) }, `{}`,
		[]string{AssessorAssigned}},
	"GET /api/v1/assignments/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d", w.AssignAcme.ID) }, "",
		[]string{AssessorAssigned}},
	"POST /api/v1/assignments/{id}/accept": {func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d/accept", w.AssignAcme.ID) }, "",
		[]string{AssessorAssigned}},
	"POST /api/v1/assignments/{id}/decline": {func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d/decline", w.AssignAcme.ID) }, `{"reason":""}`,
		[]string{AssessorAssigned}},

	"GET /api/v1/contracts/{id}": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d", w.ContractAcme.ID) }, "",
		[]string{Officer, OwnerOwn, SupplierOwn, Finance}},
	"GET /api/v1/contracts": {fixed("/api/v1/contracts"), "", anySignedIn},
	"PUT /api/v1/contracts/{id}/terms": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/terms", w.ContractAcme.ID) },
		`{"term_weeks":0,"milestones":[]}`, []string{Officer}},
	"POST /api/v1/contracts/{id}/acceptance": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/acceptance", w.ContractAcme.ID) }, "",
		[]string{SupplierOwn}},
	"POST /api/v1/contracts/{id}/documents": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/documents", w.ContractAcme.ID) }, "",
		[]string{Officer}},
	"POST /api/v1/milestones/{id}/documents": {func(w *World) string { return fmt.Sprintf("/api/v1/milestones/%d/documents", w.MilestoneAcme.ID) }, "",
		[]string{SupplierOwn}},
	"POST /api/v1/milestones/{id}/deliverable": {func(w *World) string { return fmt.Sprintf("/api/v1/milestones/%d/deliverable", w.MilestoneAcme.ID) },
		`{"note":"The prototype"}`, []string{SupplierOwn}},
	"POST /api/v1/milestones/{id}/review": {func(w *World) string { return fmt.Sprintf("/api/v1/milestones/%d/review", w.MilestoneAcme.ID) }, `{"accept": false}`,
		[]string{OwnerOwn}},
	"POST /api/v1/milestones/{id}/payment": {func(w *World) string { return fmt.Sprintf("/api/v1/milestones/%d/payment", w.MilestoneAcme.ID) }, "",
		[]string{Finance}},
	"PUT /api/v1/contracts/{id}/show-and-tell": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/show-and-tell", w.ContractAcme.ID) },
		`{"place":""}`, []string{Officer}},
	"POST /api/v1/contracts/{id}/show-and-tell/record": {func(w *World) string {
		return fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", w.ContractAcme.ID)
	}, `{"attended":""}`, []string{Officer}},
	"POST /api/v1/contracts/{id}/recommendation": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/recommendation", w.ContractAcme.ID) },
		`{"outcome":"bogus"}`, []string{OwnerOwn}},
	"POST /api/v1/challenges/{id}/gate": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/gate", w.ChallengeA.ID) }, `{"decision":"bogus"}`,
		[]string{Officer}},
	"GET /api/v1/lessons": {fixed("/api/v1/lessons"), "", everyone},
	"POST /api/v1/contracts/{id}/progress": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/progress", w.ContractAcme.ID) },
		`{"progress":""}`, []string{SupplierOwn}},
	"POST /api/v1/contracts/{id}/midpoint-review": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/midpoint-review", w.ContractAcme.ID) },
		`{"rag":"purple"}`, []string{OwnerOwn}},
	"GET /api/v1/challenges/{id}/overview": {func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/overview", w.ChallengeA.ID) }, "",
		[]string{Officer, OwnerOwn}},
	"POST /api/v1/contracts/{id}/report": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/report", w.ContractAcme.ID) }, `{"summary":""}`,
		[]string{SupplierOwn}},
	"POST /api/v1/contracts/{id}/gate": {func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/gate", w.ContractAcme.ID) }, `{"outcome":"bogus"}`,
		[]string{Officer}},

	"GET /api/v1/audit":     {fixed("/api/v1/audit"), "", append([]string{Admin}, owners...)},
	"GET /api/v1/audit.csv": {fixed("/api/v1/audit.csv"), "", append([]string{Admin}, owners...)},

	"GET /api/v1/interests":  {fixed("/api/v1/interests"), "", declarers},
	"POST /api/v1/interests": {fixed("/api/v1/interests"), "{}", declarers},
	"POST /api/v1/interests/{id}/withdraw": {func(w *World) string { return fmt.Sprintf("/api/v1/interests/%d/withdraw", w.InterestAnn.ID) }, "",
		[]string{AssessorAssigned}},

	"GET /api/v1/tokens":  {fixed("/api/v1/tokens"), "", anySignedIn},
	"POST /api/v1/tokens": {fixed("/api/v1/tokens"), "{}", []string{Admin}},
	"POST /api/v1/tokens/{id}/revoke": {func(w *World) string { return fmt.Sprintf("/api/v1/tokens/%d/revoke", w.SpareToken.ID) }, "",
		[]string{Admin}},
}

// TestEveryRouteAllowsOnlyWhomItShould sends every documented route's request as every persona
// and checks each is allowed or refused as the matrix says: anonymous gets 401 on every
// non-public route, a wrong role 403, a record out of scope 404, and an allowed caller never
// any of those, nor a 5xx.
func TestEveryRouteAllowsOnlyWhomItShould(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	var routes []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				routes = append(routes, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(routes)
	// A read changes nothing another route's access turns on, so the reads share one world; each
	// command gets a fresh one. (A world costs a migrated database: on PostgreSQL, half a second.)
	readWorld := NewWorld(t)
	for _, route := range routes {
		rc, ok := accessMatrix[route]
		if !ok {
			t.Errorf("%s is not in the access matrix: add who may call it", route)
			continue
		}
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			method := strings.Fields(route)[0]
			w := readWorld
			if method != http.MethodGet {
				w = NewWorld(t)
			}
			// Refused personas first, so an allowed one's change cannot hide a refusal.
			ordered := slices.Clone(personas)
			sort.SliceStable(ordered, func(i, j int) bool {
				return !slices.Contains(rc.allow, ordered[i]) && slices.Contains(rc.allow, ordered[j])
			})
			for _, p := range ordered {
				body := rc.body
				if route == "POST /api/v1/competitions/{id}/assessments" {
					body = fmt.Sprintf(`{"bid_id": %d, "scores": {}, "in_scope": true, "fund": true}`, w.BidAcme.ID)
				}
				rec := w.Do(p, method, rc.path(w), body)
				denied := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden || rec.Code == http.StatusNotFound
				switch {
				case rec.Code >= 500:
					t.Errorf("%s as %s: %d %s", route, p, rec.Code, rec.Body)
				case slices.Contains(rc.allow, p) && denied:
					t.Errorf("%s as %s was refused (%d %s), but should be allowed", route, p, rec.Code, rec.Body)
				case !slices.Contains(rc.allow, p) && !denied:
					t.Errorf("%s as %s was allowed (%d %s), but should be refused", route, p, rec.Code, rec.Body)
				case p == Anon && !slices.Contains(rc.allow, p) && rec.Code != http.StatusUnauthorized:
					t.Errorf("%s anonymously: %d, want 401", route, rec.Code)
				case denied && !strings.Contains(rec.Header().Get("Content-Type"), "application/problem+json"):
					t.Errorf("%s as %s: refusal is not a problem document (%s)", route, p, rec.Header().Get("Content-Type"))
				}
			}
		})
	}
}

// TestEveryRouteHasAnAccessRule: a route the server serves without a rule would be refused to
// everyone; this names it so it gets one.
func TestEveryRouteHasAnAccessRule(t *testing.T) {
	s, e, err := build(Deps{SessionKey: make([]byte, 32), DevSignIn: true, OIDC: &OIDCConfig{Issuer: "https://id.example"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Routes() {
		if strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		if !s.Guarded(r.Method, r.Path) {
			t.Errorf("%s %s was registered without its access: register it with the routes' Get, Post, Put, Patch or Delete", r.Method, r.Path)
		}
	}
}

// ids lists the record numbers in a JSON answer's items.
func ids(t testing.TB, body []byte) []int {
	t.Helper()
	var page struct {
		Items []struct {
			ID int `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("not a list: %s", body)
	}
	out := []int{}
	for _, it := range page.Items {
		out = append(out, it.ID)
	}
	return out
}

// disabledWebhook is a disabled endpoint: rotating its secret is refused (409) and disabling it
// again changes nothing.
func disabledWebhook(w *World) *ent.WebhookEndpoint {
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	return w.DB.WebhookEndpoint.Create().SetURL("https://old.example/hook").SetEvents([]string{"contract.awarded"}).
		SetSecrets([]domain.WebhookSecret{{Secret: "whsec_AAAA", CreatedAt: time.Now()}}).SetDisabledAt(time.Now()).SaveX(ctx)
}

// levels counts the log records at each level, so a test can say nothing was logged as an error.
type levels struct {
	mu sync.Mutex
	n  map[slog.Level]int
}

func (l *levels) Enabled(context.Context, slog.Level) bool { return true }
func (l *levels) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n[r.Level]++
	return nil
}
func (l *levels) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *levels) WithGroup(string) slog.Handler      { return l }

// TestAMethodAPathLacksIs405WithAllow: every documented path, asked with a method it does not
// have, answers 405 naming the methods it has (OPTIONS: 204 with them), signed in or not, and
// logs nothing as an error, so no caller can fill the log. HEAD is answered as GET without a
// body.
func TestAMethodAPathLacksIs405WithAllow(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	w := NewWorld(t)
	logged := &levels{n: map[slog.Level]int{}}
	h, err := NewTestHandler(t, Deps{DB: w.DB, Docs: testworld.Docs, SessionKey: make([]byte, 32), Log: slog.New(logged)})
	if err != nil {
		t.Fatal(err)
	}
	w.H = h
	checked := 0
	for path, ops := range doc.Paths {
		concrete := strings.NewReplacer("{id}", "1", "{task}", "summary", "{ocid}", "x").Replace(path)
		var has []string
		for m := range ops {
			if m != "parameters" {
				has = append(has, strings.ToUpper(m))
			}
		}
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodTrace} {
			if slices.Contains(has, m) {
				continue
			}
			for _, p := range []string{Admin} {
				rec := w.Do(p, m, concrete, "")
				allow := strings.Split(strings.ReplaceAll(rec.Header().Get("Allow"), " ", ""), ",")
				if rec.Code != http.StatusMethodNotAllowed {
					t.Errorf("%s %s as %s: %d, want 405", m, concrete, p, rec.Code)
					continue
				}
				for _, want := range has {
					if !slices.Contains(allow, want) {
						t.Errorf("%s %s: Allow %q lacks %s", m, concrete, rec.Header().Get("Allow"), want)
					}
				}
				checked++
			}
		}
		if rec := w.Do(Anon, http.MethodOptions, concrete, ""); rec.Code != http.StatusNoContent || rec.Header().Get("Allow") == "" {
			t.Errorf("OPTIONS %s: %d, Allow %q", concrete, rec.Code, rec.Header().Get("Allow"))
		}
	}
	if checked < 100 {
		t.Errorf("only %d requests checked", checked)
	}
	if logged.n[slog.LevelError] > 0 || logged.n[slog.LevelWarn] > 0 {
		t.Errorf("methods a path lacks were logged as errors (%d) or warnings (%d)", logged.n[slog.LevelError], logged.n[slog.LevelWarn])
	}
	if rec := w.Do(Anon, http.MethodHead, "/api/v1/competitions", ""); rec.Code != http.StatusOK {
		t.Errorf("HEAD /api/v1/competitions: %d, want 200", rec.Code)
	}
}

// TestA401SaysHowToAuthenticate: every 401 carries a Bearer challenge (RFC 9110, RFC 6750),
// naming a token that failed.
func TestA401SaysHowToAuthenticate(t *testing.T) {
	w := NewWorld(t)
	if rec := w.Do(Anon, http.MethodGet, "/api/v1/notices", ""); rec.Code != http.StatusUnauthorized ||
		rec.Header().Get("WWW-Authenticate") != `Bearer realm="Catalyst"` {
		t.Errorf("anonymous: %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	if rec := w.Do(Anon, http.MethodGet, "/api/v1/notices", "", "Authorization", "Bearer cat_nonsense"); rec.Code != http.StatusUnauthorized ||
		rec.Header().Get("WWW-Authenticate") != `Bearer realm="Catalyst", error="invalid_token"` {
		t.Errorf("a bad token: %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}
