package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

var (
	rushCount    = flag.Int("rush.suppliers", 2000, "deadline rush: how many suppliers")
	rushClients  = flag.Int("rush.clients", 32, "deadline rush: how many at once")
	rushMB       = flag.Int("rush.mb", 5, "deadline rush: each supplier's document, in MB")
	rushURLs     = flag.String("rush.urls", "", "deadline rush against running APIs (comma separated), not the embedded stack: see scripts/topology.sh")
	rushDatabase = flag.String("rush.database", "", "with -rush.urls: their PostgreSQL URL")
	rushAdmin    = flag.String("rush.admin-token", "", "with -rush.urls: an API token of the programme team")
	rushOwner    = flag.String("rush.owner-token", "", "with -rush.urls: an API token of a challenge owner")
	rushFinish   = flag.Bool("rush.finish", false, "then see the lifecycle on: the close, eligibility and assignment")
	rushProfile  = flag.String("rush.cpuprofile", "", "deadline rush: write a CPU profile of the submits here")
	rushWindow   = flag.Duration("rush.window", 3*time.Minute, "deadline rush: from the opening to the deadline (the goal is all done in 60 s)")
	rushComps    = flag.Int("rush.competitions", 1, "deadline rush: how many competitions the suppliers bid in, each in one, all with the same deadline")
)

// BenchmarkDeadlineRush is deadline day on the real embedded stack (Temporal, the S3 server, and
// SQLite, or PostgreSQL under scripts/with-postgres.sh): N suppliers with their bids written,
// signed in, each upload a document, then submit, all through the HTTP API, with the deadline
// set --rush.window after the first upload. It prints what was acknowledged, lost (must be 0) and
// accepted after the deadline (must be 0), the submit latency (the upload excluded; half the
// suppliers submit without an Idempotency-Key, then half with one, and each half's figures and
// their ratio are printed), and submit throughput against raw durable single-row INSERT
// transactions on the same database at the same concurrency, measured in the same run.
//
//	go test -run '^$' -bench BenchmarkDeadlineRush -benchtime 1x ./cmd/catalyst
//	scripts/with-postgres.sh go test -run '^$' -bench BenchmarkDeadlineRush -benchtime 1x ./cmd/catalyst
//	go test -run '^$' -bench BenchmarkDeadlineRush -benchtime 1x ./cmd/catalyst -args -rush.suppliers 200
func BenchmarkDeadlineRush(b *testing.B) {
	for range b.N {
		deadlineRush(b, *rushCount, *rushClients, *rushMB<<20, *rushWindow)
	}
}

// rushTarget is what the rush runs against: the embedded stack, or running APIs over one
// PostgreSQL (scripts/topology.sh).
type rushTarget struct {
	moved atomic.Int64 // requests sent again to the other API after theirs stopped answering
	db    *ent.Client
	dsn   string // PostgreSQL; empty for the dev folder's SQLite in data
	data  string
	urls  []string
	name  string
}

// next is the API after base, for a client whose API stopped answering.
func (tg *rushTarget) next(base string) string {
	for i, u := range tg.urls {
		if u == base {
			return tg.urls[(i+1)%len(tg.urls)]
		}
	}
	return tg.urls[0]
}

// resend sends until answered, moving to the next API when one does not answer (stopped, or
// 502/503), as a load balancer would; each command keeps its Idempotency-Key throughout.
func (tg *rushTarget) resend(c *apiClient, do func(c *apiClient) error) error {
	give := time.Now().Add(2 * time.Minute)
	for {
		err := do(c)
		var e *apiError
		if err == nil || (errors.As(err, &e) && e.Status != http.StatusBadGateway && e.Status != http.StatusServiceUnavailable) || time.Now().After(give) {
			return err
		}
		if len(tg.urls) > 1 {
			c.base = tg.next(c.base)
			tg.moved.Add(1)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func deadlineRush(b *testing.B, n, clients, size int, window time.Duration) {
	ctx := context.Background()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var tg rushTarget
	var admin, owner *apiClient
	if *rushURLs != "" {
		tg.urls, tg.dsn, tg.name = strings.Split(*rushURLs, ","), *rushDatabase, "production processes"
		db, err := ent.OpenPostgres(tg.dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		tg.db = db
		// The demo's people, as an operator would grant them, with tokens to act as.
		if err := seedPeople(ctx, db); err != nil {
			b.Fatal(err)
		}
		admin = &apiClient{http: hc, base: tg.urls[0], token: tokenFor(b, db, demoOfficer, authz.ProgrammeOfficer)}
		owner = &apiClient{http: hc, base: tg.urls[0], token: tokenFor(b, db, demoOwner, authz.ChallengeOwner)}
	} else {
		b.Chdir(".")
		tg.data, tg.name = b.TempDir(), "the embedded stack"
		if testdb.Postgres() {
			_, tg.dsn = testdb.OpenURL(b)
		}
		st, err := startDev(ctx, devOptions{Data: tg.data, Addr: "127.0.0.1:0", DatabaseURL: tg.dsn})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		if err := seedPeople(ctx, st.DB); err != nil {
			b.Fatal(err)
		}
		tg.db, tg.urls = st.DB, []string{st.URL}
		anon := &apiClient{http: hc, base: st.URL}
		if admin, err = anon.as(demoOfficer); err != nil {
			b.Fatal(err)
		}
		if owner, err = anon.as(demoOwner); err != nil {
			b.Fatal(err)
		}
	}
	// The suppliers first; then the competition opens with its deadline --rush.window away,
	// through the API, so that its workflow closes it then; then their bids are written.
	sys := authz.AsSystem(ctx, "bench")
	orgs, suppliers := rushSuppliers(b, tg.db, hc, tg.urls, fmt.Sprintf("r%d-", time.Now().UnixNano()), n)
	// With more than one competition, supplier i bids in competition i mod K: all rush at once.
	closes := time.Now().Add(window)
	compIDs := make([]int, max(1, *rushComps))
	bidIDs := make([]int, n)
	deadlines := map[int]time.Time{}
	for k := range compIDs {
		compIDs[k] = openForRush(b, admin, owner, closes)
		deadlines[compIDs[k]] = tg.db.Competition.GetX(sys, compIDs[k]).ClosesAt
		var mine []int
		for i := k; i < n; i += len(compIDs) {
			mine = append(mine, orgs[i])
		}
		for j, id := range rushBids(b, tg.db, compIDs[k], mine) {
			bidIDs[k+j*len(compIDs)] = id
		}
	}
	compID, deadline := compIDs[0], deadlines[compIDs[0]]
	document := rushDocument(size)

	b.ResetTimer()
	started := time.Now()
	var uploadErrs atomic.Int64
	each(clients, n, func(i int) {
		err := tg.resend(suppliers[i], func(c *apiClient) error {
			return c.upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidIDs[i]), "proposal.pdf", document, nil)
		})
		if err != nil {
			uploadErrs.Add(1)
			b.Errorf("upload %d: %v", i, err)
		}
	})
	uploaded := time.Now()

	type answer struct {
		receipt api.Receipt
		took    time.Duration
		err     error
	}
	answers := make([]answer, n)
	if path := *rushProfile; path != "" {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer f.Close()
	}
	// Every other supplier submits as a client without an Idempotency-Key would, and the rest as
	// careful clients do, with one: interleaved in the same rush on the same database, so the
	// key's cost is read from one run with neither half favoured by going first.
	keyed := func(i int) bool { return i%2 == 1 }
	submit := func(i int, keyed bool) {
		t0 := time.Now()
		var r api.Receipt
		key := ""
		if keyed {
			key = rand.Text()
		}
		err := tg.resend(suppliers[i], func(c *apiClient) error {
			return c.sendOnce(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidIDs[i]), "", key, "", nil, &r)
		})
		answers[i] = answer{receipt: r, took: time.Since(t0), err: err}
	}
	lockWaits := sampleLockWaits(b, tg.dsn)
	each(clients, n, func(i int) { submit(i, keyed(i)) })
	submitted := time.Now()
	waits := lockWaits()
	pprof.StopCPUProfile()
	b.StopTimer()
	// The outbox after the rush: each seal's signal to its competition, relayed.
	for tg.db.OutboxMessage.Query().Where(outboxmessage.SentAtIsNil(), outboxmessage.CreatedAtGTE(uploaded)).ExistX(sys) &&
		time.Since(submitted) < 2*time.Minute {
		time.Sleep(50 * time.Millisecond)
	}
	drained := time.Now()
	var relayed []time.Duration
	for _, m := range tg.db.OutboxMessage.Query().Where(outboxmessage.CreatedAtGTE(uploaded), outboxmessage.SentAtNotNil()).AllX(sys) {
		relayed = append(relayed, m.SentAt.Sub(m.CreatedAt))
	}
	// Each receipt's email, from its seal's commit (the email is written in the seal's
	// transaction) to its send.
	receiptMail := tg.db.Email.Query().Where(entemail.Template(string(domain.NoticeBidReceived)), entemail.CreatedAtGTE(uploaded))
	for receiptMail.Clone().Where(entemail.StateIn(entemail.StatePending, entemail.StateSending)).ExistX(sys) &&
		time.Since(submitted) < 2*time.Minute {
		time.Sleep(50 * time.Millisecond)
	}
	mailed := time.Now()
	var emailed []time.Duration
	unsent := 0
	for _, m := range receiptMail.AllX(sys) {
		if m.SentAt == nil {
			unsent++
			continue
		}
		emailed = append(emailed, m.SentAt.Sub(m.CreatedAt))
	}

	// Judge by the records: every acknowledged bid sealed once with its receipt, none after the
	// deadline.
	var acked, refusedLate, otherErrs, lost, late int
	var took, tookUnkeyed, tookKeyed []time.Duration
	sealed := map[int]*ent.Bid{}
	for _, bd := range tg.db.Bid.Query().Where(bid.CompetitionIDIn(compIDs...), bid.StatusEQ(domain.BidSubmitted)).AllX(sys) {
		sealed[bd.ID] = bd
		if !bd.SubmittedAt.Before(deadlines[bd.CompetitionID]) {
			late++
		}
	}
	for i, a := range answers {
		var e *apiError
		switch {
		case a.err == nil:
			acked++
			took = append(took, a.took)
			if keyed(i) {
				tookKeyed = append(tookKeyed, a.took)
			} else {
				tookUnkeyed = append(tookUnkeyed, a.took)
			}
			s, ok := sealed[bidIDs[i]]
			if !ok || s.Receipt == nil || *s.Receipt != a.receipt.Receipt || s.ContentHash != a.receipt.ContentHash || !s.SubmittedAt.Equal(a.receipt.SubmittedAt) {
				lost++
			}
		case errors.As(a.err, &e) && e.Status == http.StatusConflict:
			refusedLate++
		default:
			otherErrs++
			b.Errorf("submit %d: %v", i, a.err)
		}
	}
	if lost > 0 || late > 0 {
		b.Errorf("%d acknowledged bids lost, %d accepted at or after the deadline", lost, late)
	}

	rawRate := rawInserts(b, tg.dsn, tg.data, n, clients)
	getRate, getP99 := trivialGets(b, hc, tg.urls, n, clients)
	quantile := func(took []time.Duration) func(q float64) time.Duration {
		slices.Sort(took)
		return func(q float64) time.Duration {
			if len(took) == 0 {
				return 0
			}
			return took[min(len(took)-1, int(q*float64(len(took))))]
		}
	}
	p, pUnkeyed, pKeyed, pRelayed, pEmailed := quantile(took), quantile(tookUnkeyed), quantile(tookKeyed), quantile(relayed), quantile(emailed)
	db := "SQLite"
	if tg.dsn != "" {
		db = "PostgreSQL"
	}
	submitRate := float64(acked) / submitted.Sub(uploaded).Seconds()
	mb := float64(n) * float64(size) / (1 << 20)
	b.Logf(`deadline rush on %s (%d API) with %s: %d suppliers in %d competition(s), %d at once, a %d MB document each
  uploads:  %d in %.1f s (%.0f MB/s), %d failed
  submits:  %d acknowledged in %.1f s (%.0f a second), p50 %s, p99 %s
            without an Idempotency-Key (every other one, %d): p50 %s, p99 %s
            with one (the rest, %d): p50 %s, p99 %s; keyed p99 / unkeyed p99 = %.2f (goal at most 1.2)
            lost %d, accepted at or after the deadline %d, refused as late %d, other errors %d
  outbox:   empty %.1f s after the last answer (goal: within 10 s); %d rows, commit to relay p50 %s, p99 %s
            sent again to the other API when theirs stopped answering: %d
  receipts: %d emailed, the last %.1f s after the last answer; commit to sent p50 %s, p99 %s (goal: p99 under 5 s); %d not sent
  all of it %.1f s from the first upload (goal: within 60 s); the deadline was at %.0f s
  submits window (Unix time): %.3f %.3f
  %s
  raw durable single-row INSERT transactions, %d at once on the same database: %.0f a second
  submit throughput / raw INSERT throughput = %.2f (goal at least 0.5)
  the HTTP limit, a trivial GET (/healthz) %d at once through the same client: %.0f a second, p99 %s;
  submit throughput / GET throughput = %.3f`,
		tg.name, len(tg.urls), db, n, len(compIDs), clients, size>>20,
		n-int(uploadErrs.Load()), uploaded.Sub(started).Seconds(), mb/uploaded.Sub(started).Seconds(), uploadErrs.Load(),
		acked, submitted.Sub(uploaded).Seconds(), submitRate, p(0.5).Round(time.Millisecond), p(0.99).Round(time.Millisecond),
		len(tookUnkeyed), pUnkeyed(0.5).Round(time.Millisecond), pUnkeyed(0.99).Round(time.Millisecond),
		len(tookKeyed), pKeyed(0.5).Round(time.Millisecond), pKeyed(0.99).Round(time.Millisecond),
		float64(pKeyed(0.99))/float64(pUnkeyed(0.99)),
		lost, late, refusedLate, otherErrs,
		drained.Sub(submitted).Seconds(), len(relayed), pRelayed(0.5).Round(time.Millisecond), pRelayed(0.99).Round(time.Millisecond),
		tg.moved.Load(),
		len(emailed), mailed.Sub(submitted).Seconds(), pEmailed(0.5).Round(time.Millisecond), pEmailed(0.99).Round(time.Millisecond), unsent,
		submitted.Sub(started).Seconds(), window.Seconds(),
		float64(uploaded.UnixMilli())/1000, float64(submitted.UnixMilli())/1000,
		waits,
		clients, rawRate, submitRate/rawRate,
		clients, getRate, getP99.Round(time.Microsecond), submitRate/getRate)
	if *rushFinish {
		finishRush(b, &tg, admin, compID, deadline)
	}
	b.ReportMetric(float64(p(0.5).Microseconds())/1000, "submit-p50-ms")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "submit-p99-ms")
	b.ReportMetric(submitRate/rawRate, "ratio-vs-raw-insert")
	b.ReportMetric(float64(pKeyed(0.99))/float64(pUnkeyed(0.99)), "keyed-p99-ratio")
	b.ReportMetric(float64(lost), "lost")
}

// sampleLockWaits looks, every 5 ms until the returned function is called, at how many of
// PostgreSQL's sessions wait on a lock (a row another transaction holds, most often): whether
// the submits, of one competition or several, queue behind each other anywhere in the database.
// On SQLite, where writers take turns by design, it says so.
func sampleLockWaits(b *testing.B, dsn string) func() string {
	if dsn == "" {
		return func() string { return "lock waits: SQLite's writers take turns (one at a time), so none are sampled" }
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	stop := make(chan struct{})
	var samples, waiting, most int
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			var n int
			if err := db.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").Scan(&n); err != nil {
				continue
			}
			samples++
			if n > 0 {
				waiting++
			}
			most = max(most, n)
		}
	}()
	return func() string {
		close(stop)
		<-done
		db.Close()
		return fmt.Sprintf("lock waits (PostgreSQL, every 5 ms over the submits): %d of %d looks found a session waiting on a lock (%.1f%%), at most %d at once",
			waiting, samples, 100*float64(waiting)/float64(max(1, samples)), most)
	}
}

// trivialGets is the HTTP limit the submits are measured against: n GETs of /healthz, clients at
// once, through the same client and to the same APIs; it says their rate and p99.
func trivialGets(b *testing.B, hc *http.Client, urls []string, n, clients int) (float64, time.Duration) {
	took := make([]time.Duration, n)
	t0 := time.Now()
	each(clients, n, func(i int) {
		s := time.Now()
		resp, err := hc.Get(urls[i%len(urls)] + "/healthz")
		if err != nil {
			b.Errorf("GET /healthz: %v", err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took[i] = time.Since(s)
	})
	rate := float64(n) / time.Since(t0).Seconds()
	slices.Sort(took)
	return rate, took[min(n-1, int(0.99*float64(n)))]
}

// writtenBids makes n supplier organisations, each with a person signed in by API token and a
// bid written in full in the competition, straight into the records: what is measured or tested
// is the upload and the submit, not the writing.
func writtenBids(b testing.TB, db *ent.Client, hc *http.Client, urls []string, compID, n int) ([]int, []*apiClient) {
	orgs, clients := rushSuppliers(b, db, hc, urls, fmt.Sprintf("c%d-", compID), n)
	return rushBids(b, db, compID, orgs), clients
}

// rushSuppliers makes n supplier organisations, each with a person holding an API token (as a
// supplier's own system would sign in: sign-in by form is rate limited per address, and every
// request here comes from one), and a client for each, spread over the APIs.
func rushSuppliers(b testing.TB, db *ent.Client, hc *http.Client, urls []string, prefix string, n int) ([]int, []*apiClient) {
	sys := authz.AsSystem(context.Background(), "bench")
	orgIDs := make([]int, 0, n)
	for from := 0; from < n; from += 500 {
		to := min(from+500, n)
		orgs := make([]*ent.OrganisationCreate, 0, to-from)
		for i := from; i < to; i++ {
			orgs = append(orgs, db.Organisation.Create().SetName(fmt.Sprintf("Supplier %s%05d", prefix, i)).SetEmailDomain(fmt.Sprintf("%s%05d.example", prefix, i)))
		}
		saved := db.Organisation.CreateBulk(orgs...).SaveX(sys)
		people := make([]*ent.PersonCreate, len(saved))
		for j, o := range saved {
			orgIDs = append(orgIDs, o.ID)
			people[j] = db.Person.Create().SetName(o.Name).SetEmail("bid@" + o.EmailDomain).SetRoles([]string{string(authz.Supplier)}).SetOrganisationID(o.ID)
		}
		db.Person.CreateBulk(people...).ExecX(sys)
	}
	clients := make([]*apiClient, n)
	people := db.Person.Query().Where(person.EmailHasPrefix("bid@" + prefix)).Order(person.ByEmail()).AllX(sys)
	for i, p := range people {
		err := db.WithTx(sys, func(tx *ent.Tx) error {
			issued, err := records.IssueToken(sys, tx, records.IssueTokenInput{Name: "Bid system", PersonID: p.ID,
				Role: string(authz.Supplier), Actor: operator})
			clients[i] = &apiClient{http: hc, base: urls[i%len(urls)], token: issued.Secret}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return orgIDs, clients
}

// tokenFor issues an API token for the person with email, in role.
func tokenFor(b testing.TB, db *ent.Client, email string, role authz.Role) string {
	sys := authz.AsSystem(context.Background(), "bench")
	var secret string
	err := db.WithTx(sys, func(tx *ent.Tx) error {
		p, err := tx.Person.Query().Where(person.Email(email)).Only(sys)
		if err != nil {
			return err
		}
		issued, err := records.IssueToken(sys, tx, records.IssueTokenInput{Name: "Rush", PersonID: p.ID, Role: string(role), Actor: operator})
		secret = issued.Secret
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return secret
}

// rushBids writes a whole bid for each organisation in the competition, in bulk.
func rushBids(b testing.TB, db *ent.Client, compID int, orgIDs []int) []int {
	sys := authz.AsSystem(context.Background(), "bench")
	comp := db.Competition.GetX(sys, compID)
	var ids []int
	for from := 0; from < len(orgIDs); from += 500 {
		to := min(from+500, len(orgIDs))
		bids := make([]*ent.BidCreate, 0, to-from)
		for _, o := range orgIDs[from:to] {
			bids = append(bids, testdb.Written(db.Bid.Create().SetCompetitionID(compID).SetOrganisationID(o), comp.Scheme, domain.Pounds(40_000)))
		}
		for _, bd := range db.Bid.CreateBulk(bids...).SaveX(sys) {
			ids = append(ids, bd.ID)
		}
	}
	return ids
}

// finishRush sees the lifecycle on after the rush: the close at the deadline (after its grace),
// the programme finishing eligibility, and assignment; it reports how long each took.
func finishRush(b *testing.B, tg *rushTarget, admin *apiClient, compID int, deadline time.Time) {
	path := fmt.Sprintf("/api/v1/competitions/%d", compID)
	wait := func(status string) time.Time {
		give := time.Now().Add(5 * time.Minute)
		for {
			var c competitionJSON
			err := tg.resend(admin, func(a *apiClient) error { return a.call(http.MethodGet, path, nil, &c) })
			if err == nil && c.Status == status {
				return time.Now()
			}
			if time.Now().After(give) {
				b.Fatalf("%s stayed %s (%v), want %s", path, c.Status, err, status)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	closed := wait("eligibility")
	key := rand.Text()
	if err := tg.resend(admin, func(a *apiClient) error {
		return a.sendOnce(http.MethodPost, path+"/eligibility/finish", "", key, "", nil, nil)
	}); err != nil {
		b.Fatal(err)
	}
	assessing := wait("assessment")
	sys := authz.AsSystem(context.Background(), "bench")
	n := tg.db.Assignment.Query().Where(assignment.CompetitionID(compID)).CountX(sys)
	if n == 0 {
		b.Error("no assessor was assigned")
	}
	b.Logf("the lifecycle went on: closed %.1f s after the deadline (its grace is %s); eligibility finished and %d assignments made %.1f s later",
		closed.Sub(deadline).Seconds(), domain.CloseGrace, n, assessing.Sub(closed).Seconds())
}

// openForRush opens a competition through the API, as the owner and the programme would.
func openForRush(b testing.TB, admin, owner *apiClient, closes time.Time) int {
	var ch challengeJSON
	if err := owner.call(http.MethodPost, "/api/v1/challenges", intake("Deadline day", "Everyone submits at once.", "Every bid received."), &ch); err != nil {
		b.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/challenges/%d", ch.ID)
	if err := owner.call(http.MethodPost, path+"/submit", nil, nil); err != nil {
		b.Fatal(err)
	}
	var round struct {
		ID int `json:"id"`
	}
	if err := admin.call(http.MethodPost, "/api/v1/rounds", map[string]any{"name": "Rush round", "budget_pence": 2_000_000_00,
		"starts_at": time.Now(), "ends_at": time.Now().AddDate(1, 0, 0)}, &round); err != nil {
		b.Fatal(err)
	}
	if err := admin.call(http.MethodPost, path+"/selection", map[string]any{"select": true, "round_id": round.ID}, nil); err != nil {
		b.Fatal(err)
	}
	var comp competitionJSON
	if err := admin.call(http.MethodPost, path+"/competitions", wholeSetup("The deadline rush.", closes), &comp); err != nil {
		b.Fatal(err)
	}
	return comp.ID
}

// rushDocument is a PDF of size bytes.
func rushDocument(size int) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n% Catalyst deadline rush\n")
	line := "% " + strings.Repeat("proposal text ", 5) + "\n"
	for buf.Len() < size-len("%%EOF\n")-len(line) {
		buf.WriteString(line)
	}
	buf.WriteString("%%EOF\n")
	return buf.Bytes()
}

// each runs fn(i) for i in [0, n) on `workers` goroutines.
func each(workers, n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// rawInserts is the baseline: n durable single-row INSERT transactions from `clients` at once,
// on the same database file (or PostgreSQL schema) the submits wrote to, with the same settings.
func rawInserts(b *testing.B, dsn, data string, n, clients int) float64 {
	var db *sql.DB
	var err error
	create := `CREATE TABLE rush_raw (id integer PRIMARY KEY AUTOINCREMENT, bid_id integer NOT NULL, received_at timestamp NOT NULL, receipt text NOT NULL)`
	insert := `INSERT INTO rush_raw (bid_id, received_at, receipt) VALUES (?, ?, ?)`
	if dsn != "" {
		db, err = sql.Open("pgx", dsn)
		create = `CREATE TABLE rush_raw (id bigserial PRIMARY KEY, bid_id bigint NOT NULL, received_at timestamptz NOT NULL, receipt text NOT NULL)`
		insert = `INSERT INTO rush_raw (bid_id, received_at, receipt) VALUES ($1, $2, $3)`
		db.SetMaxOpenConns(20)
	} else {
		db, err = sql.Open("sqlite", ent.SQLiteDSN(filepath.Join(data, "catalyst.db")))
	}
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(create); err != nil {
		b.Fatal(err)
	}
	// On SQLite the raw writers take turns as the product's do (ent's oneWriter): its best.
	var turn sync.Mutex
	start := time.Now()
	each(clients, n, func(i int) {
		if dsn == "" {
			turn.Lock()
			defer turn.Unlock()
		}
		tx, err := db.Begin()
		if err == nil {
			if _, err = tx.Exec(insert, i, time.Now(), fmt.Sprintf("R-%08d", i)); err == nil {
				err = tx.Commit()
			} else {
				_ = tx.Rollback()
			}
		}
		if err != nil {
			b.Errorf("raw insert: %v", err)
		}
	})
	return float64(n) / time.Since(start).Seconds()
}
